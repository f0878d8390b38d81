//! An RFC 6238 TOTP generator written here from the RFC (HMAC-SHA1, dynamic truncation, six
//! digits, 30 s steps), independent of the server's implementation, for tests.

use hmac::{Hmac, Mac};

/// Decodes RFC 4648 base32 (upper case, no padding), as AssociateSoftwareToken returns it.
pub fn base32_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut n, mut out) = (0u64, 0u32, vec![]);
    for c in s.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase()).expect("base32") as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            out.push((bits >> (n - 8)) as u8);
            n -= 8;
        }
    }
    out
}

/// The six-digit code for the raw `secret` at Unix time `unix`.
pub fn code_raw(secret: &[u8], unix: u64) -> String {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret).unwrap();
    mac.update(&(unix / 30).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 0x0f) as usize;
    let bin =
        (u32::from(h[o] & 0x7f) << 24) | (u32::from(h[o + 1]) << 16) | (u32::from(h[o + 2]) << 8) | u32::from(h[o + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// The code for a base32 secret at `unix`.
pub fn code(secret_b32: &str, unix: u64) -> String {
    code_raw(&base32_decode(secret_b32), unix)
}

/// Unix time now.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc6238_sha1_vectors() {
        let s = b"12345678901234567890";
        assert_eq!(super::code_raw(s, 59), "287082");
        assert_eq!(super::code_raw(s, 1111111109), "081804");
        assert_eq!(super::code_raw(s, 2000000000), "279037");
        // base32 of the same secret.
        assert_eq!(super::base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), s.to_vec());
    }
}
