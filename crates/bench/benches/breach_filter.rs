//! The compromised-password filter at ten million hashes: writes a sorted list in the Pwned
//! Passwords format (`HEX40:count`), then measures what `COGNATE_BREACHED_PASSWORDS_FILE`
//! costs: compiling it (parse, shard, build, write the compiled file), reading the compiled
//! file back, the memory of the filters, the false-positive rate on ten million hashes not on
//! the list, and one check as a sign-in makes it (common list, SHA-1, filter).
//! `N=…` changes the size. Run: `cargo bench -p cognate-bench --bench breach_filter`.

use cognate_breach::{Breached, HashFilter};
use sha1::{Digest, Sha1};
use std::io::Write;
use std::time::Instant;

fn status(field: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn hash(i: u64) -> [u8; 20] {
    Sha1::digest(i.to_le_bytes()).into()
}

fn main() {
    let n: u64 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000_000);
    let dir = tempfile::tempdir_in("/var/tmp").unwrap();
    let list = dir.path().join("pwned.txt");
    let started = Instant::now();
    let mut hashes: Vec<[u8; 20]> = (0..n).map(hash).collect();
    hashes.sort_unstable();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&list).unwrap());
    for (i, h) in hashes.iter().enumerate() {
        writeln!(out, "{}:{}", hex::encode_upper(h), i % 1000 + 1).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    drop(hashes);
    let size = std::fs::metadata(&list).unwrap().len() as f64 / 1e6;
    println!("list: {n} hashes, {size:.0} MB, written in {:.1} s", started.elapsed().as_secs_f64());
    // Forget the generator's peak (its ten million hashes): `5` resets VmHWM.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss0 = status("VmRSS:");
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let t = Instant::now();
    let (f, built) = HashFilter::load_or_build(&list, &cache).unwrap();
    let build = t.elapsed().as_secs_f64();
    assert!(built);
    let rss1 = status("VmRSS:");
    println!(
        "compile (parse + build + write): {build:.2} s, {:.2} M hashes/s; filters {:.1} MB = {:.3} bytes/hash; \
         RSS {rss0:.0} → {rss1:.0} MiB, peak {:.0} MiB",
        n as f64 / build / 1e6,
        f.bytes() as f64 / 1e6,
        f.bytes() as f64 / n as f64,
        status("VmHWM:")
    );
    drop(f);
    let t = Instant::now();
    let (f, built) = HashFilter::load_or_build(&list, &cache).unwrap();
    assert!(!built);
    println!("read back the compiled file: {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let probes = n;
    let fp = (n..n + probes).filter(|i| f.contains(&hash(*i))).count();
    let per = t.elapsed().as_nanos() as f64 / probes as f64;
    println!(
        "false positives: {fp} of {probes} = {:.2e} (2^-16 = 1.53e-5); SHA-1 + lookup {per:.0} ns",
        fp as f64 / probes as f64
    );
    let b = Breached::builtin().with_list(f);
    let t = Instant::now();
    let rounds = 100_000;
    let mut found = 0;
    for i in 0..rounds {
        if b.check(&format!("Zebra-Quilt-{i}!")).is_some() {
            found += 1;
        }
    }
    println!(
        "one sign-in's check (common list with decorations, SHA-1, filter): {:.2} µs ({found} of {rounds} flagged)",
        t.elapsed().as_secs_f64() * 1e6 / rounds as f64
    );
}
