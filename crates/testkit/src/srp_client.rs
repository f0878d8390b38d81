//! A Cognito SRP client written from the protocol description (amazon-cognito-identity-js's
//! AuthenticationHelper), independent of the server's module: the tests and the load generator sign in with it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The 3072-bit group prime.
pub const N: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// Cognito's padHex.
pub fn pad(n: &BigUint) -> String {
    let h = n.to_str_radix(16);
    if h.len() % 2 == 1 {
        format!("0{h}")
    } else if "89abcdef".contains(&h[..1]) {
        format!("00{h}")
    } else {
        h
    }
}

/// Hex to bytes.
pub fn unhex(h: &str) -> Vec<u8> {
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}

/// SHA-256 of hex-encoded bytes, as a number.
pub fn h(hexstr: &str) -> BigUint {
    BigUint::from_bytes_be(&Sha256::digest(unhex(hexstr)))
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

/// What the client sends back for PASSWORD_VERIFIER.
pub fn answer(pool_id: &str, params: &HashMap<String, String>, a: &BigUint, password: &str, timestamp: &str) -> String {
    let pool_name = pool_id.split('_').nth(1).unwrap();
    answer_as(pool_name, &params["USER_ID_FOR_SRP"], params, a, password, timestamp)
}

/// The proof for any SRP identity: (pool name, user id) or (device group key, device key).
pub fn answer_as(
    prefix: &str,
    id: &str,
    params: &HashMap<String, String>,
    a: &BigUint,
    password: &str,
    timestamp: &str,
) -> String {
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    let g = BigUint::from(2u32);
    let big_a = g.modpow(a, &n);
    let gx = g.modpow(&x_of(prefix, id, params, password), &n);
    proof(prefix, id, params, a, &big_a, &gx, password, timestamp)
}

/// `x = H(salt || H(prefix || id || ":" || password))`.
pub fn x_of(prefix: &str, id: &str, params: &HashMap<String, String>, password: &str) -> BigUint {
    let inner: String = Sha256::digest(format!("{prefix}{id}:{password}")).iter().map(|b| format!("{b:02x}")).collect();
    h(&format!("{}{inner}", params["SALT"]))
}

/// The proof given `A = g^a` and `g^x` (a load generator computes both once per user).
#[allow(clippy::too_many_arguments)]
pub fn proof(
    prefix: &str,
    id: &str,
    params: &HashMap<String, String>,
    a: &BigUint,
    big_a: &BigUint,
    gx: &BigUint,
    password: &str,
    timestamp: &str,
) -> String {
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    let k = h(&format!("00{}02", N.to_lowercase()));
    let big_b = BigUint::parse_bytes(params["SRP_B"].as_bytes(), 16).unwrap();
    let u = h(&format!("{}{}", pad(big_a), pad(&big_b)));
    let x = x_of(prefix, id, params, password);
    let base = (&big_b + &n * &k - (&k * gx) % &n) % &n;
    let s = base.modpow(&(a + &u * &x), &n);
    let prk = hmac(&unhex(&pad(&u)), &[&unhex(&pad(&s))]);
    let key = &hmac(&prk, &[b"Caldera Derived Key\x01"])[..16];
    let block = STANDARD.decode(&params["SECRET_BLOCK"]).unwrap();
    STANDARD.encode(hmac(key, &[prefix.as_bytes(), id.as_bytes(), &block, timestamp.as_bytes()]))
}

/// The TIMESTAMP string for now (day unpadded).
pub fn now_timestamp() -> String {
    // "Tue Jan 2 03:04:05 UTC 2024", day unpadded, built from the system clock.
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86400);
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m as usize - 1];
    let t = secs.rem_euclid(86400);
    format!("{wd} {mon} {d} {:02}:{:02}:{:02} UTC {y}", t / 3600, t % 3600 / 60, t % 60)
}
