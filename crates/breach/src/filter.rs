//! The operator's list of SHA-1 hashes as 256 binary fuse filters, one per first byte of the
//! hash, each over the next eight bytes. Sharding bounds the memory of a build: a sorted list
//! (the Pwned Passwords download is sorted) is compiled one shard at a time, so building from a
//! billion hashes holds one shard's keys (about 4 million, 32 MiB) beside the filters. The
//! compiled filters are written next to the data and read back while the list is unchanged.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use xorf::{BinaryFuse16, Descriptor, Filter};

const SHARDS: usize = 256;
const MAGIC: &[u8; 8] = b"CGBF16\x00\x01";
/// The extension of a compiled list in the data directory.
pub const FILTER_EXTENSION: &str = "breached-filter";

/// The operator's list, compiled: membership of SHA-1 hashes with no false negatives and a
/// false-positive rate of about 2^-16.
pub struct HashFilter {
    shards: Vec<Option<BinaryFuse16>>,
    entries: u64,
}

impl std::fmt::Debug for HashFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashFilter").field("entries", &self.entries).field("bytes", &self.bytes()).finish()
    }
}

fn key(hash: &[u8; 20]) -> (usize, u64) {
    let mut k = [0u8; 8];
    k.copy_from_slice(&hash[1..9]);
    (hash[0] as usize, u64::from_le_bytes(k))
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Builds one shard from its keys (sorted and deduplicated here: the construction needs
/// distinct keys).
fn shard(mut keys: Vec<u64>) -> io::Result<Option<BinaryFuse16>> {
    if keys.is_empty() {
        return Ok(None);
    }
    keys.sort_unstable();
    keys.dedup();
    BinaryFuse16::try_from(&keys).map(Some).map_err(|e| invalid(format!("building the filter: {e}")))
}

/// Collects keys into shards. Streaming, it compiles a shard as soon as the (sorted) input has
/// moved past it, and fails with [`Unsorted`] if the input goes back.
struct Builder {
    pending: Vec<Vec<u64>>,
    shards: Vec<Option<BinaryFuse16>>,
    /// Streaming: the shard the sorted input is in.
    current: Option<usize>,
    entries: u64,
}

/// A streaming build met a hash smaller than one before it.
const UNSORTED: &str = "the list is not sorted";

impl Builder {
    fn new(streaming: bool) -> Self {
        let current = streaming.then_some(0);
        Self { pending: vec![vec![]; SHARDS], shards: vec![None; SHARDS], current, entries: 0 }
    }

    fn add(&mut self, hash: &[u8; 20]) -> io::Result<()> {
        let (s, k) = key(hash);
        match self.current {
            Some(c) if s > c => {
                for done in c..s {
                    self.shards[done] = shard(std::mem::take(&mut self.pending[done]))?;
                }
                self.current = Some(s);
            }
            Some(c) if s < c => return Err(invalid(UNSORTED)),
            _ => {}
        }
        self.pending[s].push(k);
        self.entries += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<HashFilter> {
        let first = self.current.unwrap_or(0);
        for s in first..SHARDS {
            self.shards[s] = shard(std::mem::take(&mut self.pending[s]))?;
        }
        Ok(HashFilter { shards: self.shards, entries: self.entries })
    }
}

/// The hash of one line of the list: 40 hex digits, then optionally `:count`.
fn parse_line(line: &str) -> io::Result<Option<[u8; 20]>> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let hex_part = line.split(':').next().unwrap_or_default();
    let mut out = [0u8; 20];
    hex::decode_to_slice(hex_part, &mut out)
        .map_err(|_| invalid(format!("not a SHA-1 hash (40 hex digits): {}", &line[..line.len().min(60)])))?;
    Ok(Some(out))
}

impl HashFilter {
    /// Compiles a list of hashes given as bytes.
    pub fn from_hashes(hashes: impl IntoIterator<Item = [u8; 20]>) -> io::Result<Self> {
        let mut b = Builder::new(false);
        for h in hashes {
            b.add(&h)?;
        }
        b.finish()
    }

    /// Compiles a list in the Pwned Passwords format (`HEX40[:count]` a line; blank lines and
    /// `#` comments skipped), in any order.
    pub fn from_reader(r: impl BufRead) -> io::Result<Self> {
        Self::read_list(r, false)
    }

    /// `streaming`: the list must be sorted, and each shard is compiled as soon as it is read.
    fn read_list(r: impl BufRead, streaming: bool) -> io::Result<Self> {
        let mut b = Builder::new(streaming);
        for (n, line) in r.lines().enumerate() {
            let line = line?;
            if let Some(h) = parse_line(&line).map_err(|e| invalid(format!("line {}: {e}", n + 1)))? {
                b.add(&h)?;
            }
        }
        b.finish()
    }

    /// The compiled form of the list at `source`, from `cache_dir` when a file compiled from
    /// this very list (same size and modification time) is there, else compiled now and
    /// written there (older compiled files are removed). Returns whether it was compiled now.
    pub fn load_or_build(source: &Path, cache_dir: &Path) -> io::Result<(Self, bool)> {
        let meta = std::fs::metadata(source)?;
        let modified = meta.modified()?.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let cached = cache_dir.join(format!("{:x}-{:x}.{FILTER_EXTENSION}", meta.len(), modified));
        if let Ok(f) = File::open(&cached) {
            if let Ok(filter) = Self::read_from(BufReader::new(f)) {
                return Ok((filter, false));
            }
        }
        let open = || File::open(source).map(|f| BufReader::with_capacity(1 << 20, f));
        // A sorted list (as Pwned Passwords comes) streams; another is read whole.
        let filter = match Self::read_list(open()?, true) {
            Err(e) if e.to_string().ends_with(UNSORTED) => Self::read_list(open()?, false)?,
            other => other?,
        };
        for old in std::fs::read_dir(cache_dir)?.flatten() {
            let p: PathBuf = old.path();
            if p.extension().is_some_and(|e| e == FILTER_EXTENSION) {
                let _ = std::fs::remove_file(p);
            }
        }
        let tmp = cached.with_extension("partial");
        filter.write_to(BufWriter::new(File::create(&tmp)?))?;
        std::fs::rename(&tmp, &cached)?;
        Ok((filter, true))
    }

    /// Whether the list holds this SHA-1 hash (or, about once in 65,536, one sharing its
    /// fingerprint).
    pub fn contains(&self, sha1: &[u8; 20]) -> bool {
        let (s, k) = key(sha1);
        self.shards[s].as_ref().is_some_and(|f| f.contains(&k))
    }

    /// The lines the list had (duplicates counted).
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The memory the filters take.
    pub fn bytes(&self) -> usize {
        self.shards.iter().flatten().map(|f| f.fingerprints.len() * 2 + std::mem::size_of::<BinaryFuse16>()).sum()
    }

    /// Writes the compiled form.
    pub fn write_to(&self, mut w: impl Write) -> io::Result<()> {
        w.write_all(MAGIC)?;
        w.write_all(&self.entries.to_le_bytes())?;
        for s in &self.shards {
            let Some(f) = s else {
                w.write_all(&0u64.to_le_bytes())?;
                continue;
            };
            w.write_all(&(f.fingerprints.len() as u64).to_le_bytes())?;
            let d = &f.descriptor;
            w.write_all(&d.seed.to_le_bytes())?;
            for v in [d.segment_length, d.segment_length_mask, d.segment_count_length] {
                w.write_all(&v.to_le_bytes())?;
            }
            let mut buf = Vec::with_capacity(f.fingerprints.len() * 2);
            for fp in f.fingerprints.iter() {
                buf.extend_from_slice(&fp.to_le_bytes());
            }
            w.write_all(&buf)?;
        }
        w.flush()
    }

    /// Reads what [`HashFilter::write_to`] wrote.
    pub fn read_from(mut r: impl Read) -> io::Result<Self> {
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(invalid("not a compiled breached-password filter"));
        }
        let entries = read_u64(&mut r)?;
        let mut shards = Vec::with_capacity(SHARDS);
        for _ in 0..SHARDS {
            let n = read_u64(&mut r)? as usize;
            if n == 0 {
                shards.push(None);
                continue;
            }
            let seed = read_u64(&mut r)?;
            let mut v = [0u32; 3];
            for x in &mut v {
                let mut b = [0u8; 4];
                r.read_exact(&mut b)?;
                *x = u32::from_le_bytes(b);
            }
            let descriptor =
                Descriptor { seed, segment_length: v[0], segment_length_mask: v[1], segment_count_length: v[2] };
            if !fits(&descriptor, n) {
                return Err(invalid("inconsistent filter"));
            }
            // Read what is there rather than allocate what the file claims: a damaged file
            // fails here instead of asking for any amount of memory.
            let want = (n as u64).checked_mul(2).ok_or_else(|| invalid("too long"))?;
            let mut bytes = Vec::new();
            (&mut r).take(want).read_to_end(&mut bytes)?;
            if bytes.len() as u64 != want {
                return Err(invalid("truncated filter"));
            }
            let fingerprints: Box<[u16]> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            shards.push(Some(BinaryFuse16 { descriptor, fingerprints }));
        }
        Ok(Self { shards, entries })
    }
}

/// Every probe of a filter with this descriptor stays within `n` fingerprints: a segment
/// length that is a power of two with its mask, and the array as long as the segments plus the
/// two further ones a probe can reach (the lookup indexes without checking).
fn fits(d: &Descriptor, n: usize) -> bool {
    let len = u64::from(d.segment_length);
    len.is_power_of_two()
        && u64::from(d.segment_length_mask) == len - 1
        && u64::from(d.segment_count_length) + 2 * len <= (n as u64).min(u64::from(u32::MAX))
}

fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::{Digest, Sha1};

    /// SHA-1 of a counter: a deterministic stand-in for a list of breached passwords.
    fn hash(i: u64) -> [u8; 20] {
        Sha1::digest(i.to_le_bytes()).into()
    }

    #[test]
    fn a_list_compiles_writes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("pwned.txt");
        let mut text = String::from("# comment\n\n");
        let mut hashes: Vec<[u8; 20]> = (0..5000).map(hash).collect();
        hashes.sort();
        for (i, h) in hashes.iter().enumerate() {
            text.push_str(&format!("{}:{}\n", hex::encode_upper(h), i + 1));
        }
        std::fs::write(&source, text).unwrap();
        let (f, built) = HashFilter::load_or_build(&source, dir.path()).unwrap();
        assert!(built);
        assert_eq!(f.entries(), 5000);
        assert!(hashes.iter().all(|h| f.contains(h)));
        let (again, built) = HashFilter::load_or_build(&source, dir.path()).unwrap();
        assert!(!built, "read back from the compiled file");
        assert!(hashes.iter().all(|h| again.contains(h)));
        assert_eq!(again.bytes(), f.bytes());
        let e = HashFilter::from_reader("ZZZ\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn a_damaged_compiled_file_is_refused_without_allocating_what_it_claims() {
        let mut f = MAGIC.to_vec();
        f.extend_from_slice(&1u64.to_le_bytes());
        for n in [u64::MAX, 1 << 60] {
            let mut file = f.clone();
            file.extend_from_slice(&n.to_le_bytes());
            file.extend_from_slice(&0u64.to_le_bytes());
            for v in [4u32, 3, 4] {
                file.extend_from_slice(&v.to_le_bytes());
            }
            assert!(HashFilter::read_from(&file[..]).is_err(), "n = {n}");
        }
        // A descriptor whose probes would reach past its fingerprints.
        let mut file = f.clone();
        file.extend_from_slice(&8u64.to_le_bytes());
        file.extend_from_slice(&0u64.to_le_bytes());
        for v in [4u32, 3, 8] {
            file.extend_from_slice(&v.to_le_bytes());
        }
        file.extend_from_slice(&[0u8; 16]);
        assert!(HashFilter::read_from(&file[..]).is_err());
    }

    #[test]
    fn unsorted_input_and_duplicates_are_fine() {
        let hashes: Vec<[u8; 20]> = (0..3000).chain(0..100).map(hash).collect();
        let f = HashFilter::from_hashes(hashes.clone()).unwrap();
        assert!(hashes.iter().all(|h| f.contains(h)));
        // A file out of order: the sorted (streaming) build gives way to the whole one.
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("unsorted.txt");
        let text: String = hashes.iter().map(|h| format!("{}\n", hex::encode_upper(h))).collect();
        std::fs::write(&source, text).unwrap();
        let (f, _) = HashFilter::load_or_build(&source, dir.path()).unwrap();
        assert!(hashes.iter().all(|h| f.contains(h)));
        assert_eq!(f.entries(), 3100);
    }

    /// The claim of the crate's documentation: ten million hashes in about 2.3 bytes each
    /// (shards of 39,000 keys pay a little more than the 2.25 of large ones) and a
    /// false-positive rate near 2^-16 (1.5e-5), measured on a million hashes not on the list.
    #[test]
    fn ten_million_hashes_in_the_memory_and_false_positive_rate_claimed() {
        const N: u64 = 10_000_000;
        let f = HashFilter::from_hashes((0..N).map(hash)).unwrap();
        let per_entry = f.bytes() as f64 / N as f64;
        assert!(per_entry < 2.45, "{per_entry} bytes an entry");
        assert!((0..N).step_by(997).all(|i| f.contains(&hash(i))), "no false negatives");
        let probes = 1_000_000u64;
        let false_positives = (N..N + probes).filter(|i| f.contains(&hash(*i))).count();
        let rate = false_positives as f64 / probes as f64;
        assert!(rate < 3.0e-5, "false-positive rate {rate}");
    }
}
