//! Measures one 3072-bit modular exponentiation (256-bit exponent, as the server uses) against
//! the server's share of a full SRP sign-in (`server_ephemeral` + `server_key`), on one core.
//! The server computes `g^b` from a fixed-base table, so its share is below three modexps.
//! Run: `cargo run --release -p cognate-core --example srp_cost`.

use cognate_core::srp::{from_hex, SrpGroup};
use num_bigint::BigUint;
use std::time::Instant;

fn main() {
    let g = SrpGroup::default();
    let v = g.verifier("AbCdEfGhI", "alice", "Passw0rd!");
    let v = from_hex(&v.v);
    let exp = BigUint::from_bytes_be(&[0xa5; 32]);
    let n = 400;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(g.g.modpow(&exp, &g.n));
    }
    let modexp = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(g.pow_g(&exp));
    }
    let fixed = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    let _ = std::hint::black_box(SrpGroup::default());
    let table = t.elapsed().as_secs_f64();
    let a = g.g.modpow(&BigUint::from_bytes_be(&[0x5a; 128]), &g.n);
    let t = Instant::now();
    for _ in 0..n {
        let (b, big_b) = g.server_ephemeral(&v);
        std::hint::black_box(g.server_key(&a, &big_b, &v, &b));
    }
    let handshake = t.elapsed().as_secs_f64() / n as f64;
    println!("one modexp (3072-bit modulus, 256-bit exponent): {:.3} ms = {:.0}/s", modexp * 1e3, 1.0 / modexp);
    println!(
        "g^b from the fixed-base table: {:.3} ms ({:.1}x faster; table built once in {:.0} ms)",
        fixed * 1e3,
        modexp / fixed,
        table * 1e3
    );
    println!("server SRP work per sign-in: {:.3} ms = {:.0}/s per core", handshake * 1e3, 1.0 / handshake);
    println!(
        "modexp-bound rate (3 modexps per sign-in): {:.0}/s; achieved {:.0}% of it",
        1.0 / (3.0 * modexp),
        100.0 * 3.0 * modexp / handshake
    );
}
