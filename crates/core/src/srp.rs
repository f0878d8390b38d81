//! SRP-6a as Cognito does it (as amazon-cognito-identity-js implements it): Cognito's `padHex`,
//! `k = H(padHex(N) || padHex(g))`, `x` from the pool name (or device group) and the user id,
//! the "Caldera Derived Key" HKDF, and the signature over pool name, user id, secret block and
//! the TIMESTAMP string as sent. Pinned by `testdata/srp-test-vectors.json`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use crypto_bigint::ctutils::{CtEq, CtSelect};
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// RFC 3526 3072-bit MODP group, as Cognito uses it.
const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

/// A number mod N in Montgomery form: every secret-exponent power runs in it, in constant time.
type Mont = FixedMontyForm<{ U3072::LIMBS }>;

/// The group parameters, computed once per service.
///
/// The arithmetic on secrets (the password-derived `x` when a verifier is made, the server's `b`
/// at every sign-in, the verifier `v`) is constant time: crypto-bigint's Montgomery
/// multiplication and exponentiation, and a fixed-base table read by selecting every entry of
/// a window with a constant-time mask, never by indexing with a secret.
#[derive(Debug, Clone)]
pub struct SrpGroup {
    /// The prime.
    pub n: BigUint,
    /// The generator (2).
    pub g: BigUint,
    /// The multiplier `k`.
    pub k: BigUint,
    params: FixedMontyParams<{ U3072::LIMBS }>,
    k_mont: Mont,
    g_mont: Mont,
    /// `g^(d·2^(W·i)) mod N` in Montgomery form for every window `i` and digit `d` in
    /// `0..2^W` (`d = 0` is one), flat: `g^e` for a 256-bit `e` is one multiplication per window.
    g_table: Vec<U3072>,
}

/// Window width of the fixed-base table (43 windows × 64 entries × 384 bytes ≈ 1 MiB).
const W: usize = 6;
/// Exponent bits the table covers (the server's `b`, a verifier's `x`).
const TABLE_BITS: usize = 256;
const WINDOWS: usize = TABLE_BITS.div_ceil(W);

fn to_uint(x: &BigUint) -> U3072 {
    let bytes = x.to_bytes_be();
    let mut buf = [0u8; U3072::BYTES];
    let len = bytes.len().min(U3072::BYTES);
    buf[U3072::BYTES - len..].copy_from_slice(&bytes[bytes.len() - len..]);
    U3072::from_be_slice(&buf)
}

fn to_big(x: &U3072) -> BigUint {
    BigUint::from_bytes_be(x.to_be_bytes().as_ref())
}

impl Default for SrpGroup {
    fn default() -> Self {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N is hex");
        let g = BigUint::from(2u32);
        let k = from_hex(&hex_hash(&format!("{}{}", pad_hex(&n), pad_hex(&g))));
        let odd = Odd::new(to_uint(&n)).into_option().expect("N is odd");
        let params = FixedMontyParams::new_vartime(odd);
        let g_mont = Mont::new(&to_uint(&g), &params);
        let one = Mont::one(&params);
        let mut g_table = Vec::with_capacity(WINDOWS << W);
        let mut base = g_mont;
        for _ in 0..WINDOWS {
            let mut entry = one;
            for _ in 0..(1 << W) {
                g_table.push(entry.to_montgomery());
                entry = entry.mul(&base);
            }
            base = entry; // base^(2^W)
        }
        Self { k_mont: Mont::new(&to_uint(&k), &params), n, g, k, params, g_mont, g_table }
    }
}

/// The bits the exponentiation of a secret exponent walks: 256 for what the server draws and
/// derives (`b`, `x`), all of N's for anything longer (the test vectors' 1024-bit `b`). Only
/// that class leaks, never the value.
fn exponent_bits(e: &BigUint) -> u32 {
    if e.bits() <= TABLE_BITS as u64 {
        TABLE_BITS as u32
    } else {
        U3072::BITS
    }
}

impl SrpGroup {
    fn mont(&self, x: &BigUint) -> Mont {
        Mont::new(&to_uint(x), &self.params)
    }

    /// `g^e` in Montgomery form, in constant time.
    fn pow_g_mont(&self, e: &BigUint) -> Mont {
        let exp = to_uint(e);
        if exponent_bits(e) > TABLE_BITS as u32 {
            return self.g_mont.pow_bounded_exp(&exp, U3072::BITS);
        }
        let words = exp.as_words();
        let mask = (1u64 << W) - 1;
        let mut acc = Mont::one(&self.params);
        for i in 0..WINDOWS {
            let (word, offset) = ((i * W) / 64, (i * W) % 64);
            let mut digit = words[word] >> offset;
            if offset + W > 64 {
                digit |= words[word + 1] << (64 - offset);
            }
            let digit = digit & mask;
            let row = &self.g_table[i << W..(i + 1) << W];
            let mut factor = row[0];
            for (j, entry) in row.iter().enumerate().skip(1) {
                factor = factor.ct_select(entry, digit.ct_eq(&(j as u64)));
            }
            acc = acc.mul(&Mont::from_montgomery(factor, &self.params));
        }
        acc
    }

    /// `g^e mod N`, in constant time with respect to `e`.
    pub fn pow_g(&self, e: &BigUint) -> BigUint {
        to_big(&self.pow_g_mont(e).retrieve())
    }
}

/// Cognito's `padHex`: minimal lowercase hex, a leading `0` for odd length, `00` when the first
/// nibble is 8 or more (a positive two's-complement number).
pub fn pad_hex(n: &BigUint) -> String {
    let h = n.to_str_radix(16);
    if h.len() % 2 == 1 {
        format!("0{h}")
    } else if matches!(h.as_bytes()[0], b'8'..=b'9' | b'a'..=b'f') {
        format!("00{h}")
    } else {
        h
    }
}

/// Parses hex (any case, any length); invalid hex gives zero, which every caller rejects.
pub fn from_hex(h: &str) -> BigUint {
    BigUint::parse_bytes(h.as_bytes(), 16).unwrap_or_default()
}

fn hex_bytes(h: &str) -> Vec<u8> {
    let h = if h.len() % 2 == 1 { format!("0{h}") } else { h.to_string() };
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0)).collect()
}

/// `hexHash`: SHA-256 of the bytes a hex string encodes, as 64 lowercase hex characters.
pub fn hex_hash(h: &str) -> String {
    Sha256::digest(hex_bytes(h)).iter().map(|b| format!("{b:02x}")).collect()
}

/// `x = H(salt || H(prefix || id || ":" || password))` (not reduced mod N).
pub fn compute_x(salt_hex: &str, prefix: &str, id: &str, password: &str) -> BigUint {
    let inner: String =
        Sha256::digest(format!("{prefix}{id}:{password}").as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    from_hex(&hex_hash(&format!("{salt_hex}{inner}")))
}

/// A password verifier: the canonical SALT string and `v = g^x mod N`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verifier {
    /// `padHex(salt)`, sent as SALT exactly like this.
    pub salt: String,
    /// `v` in hex.
    pub v: String,
}

impl SrpGroup {
    /// A fresh verifier for `prefix` (pool name or device group key), `id` and `password`.
    pub fn verifier(&self, prefix: &str, id: &str, password: &str) -> Verifier {
        let mut raw = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let salt = pad_hex(&BigUint::from_bytes_be(&raw));
        self.verifier_with_salt(&salt, prefix, id, password)
    }

    /// The verifier for a given salt.
    pub fn verifier_with_salt(&self, salt: &str, prefix: &str, id: &str, password: &str) -> Verifier {
        let x = compute_x(salt, prefix, id, password);
        Verifier { salt: salt.to_string(), v: self.pow_g(&x).to_str_radix(16) }
    }

    /// The server's ephemeral pair: `b` random (256 bits) and `B = (k·v + g^b) mod N`, never 0.
    pub fn server_ephemeral(&self, v: &BigUint) -> (BigUint, BigUint) {
        loop {
            let mut raw = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut raw);
            let b = BigUint::from_bytes_be(&raw);
            let big_b = self.server_b(v, &b);
            if big_b != BigUint::default() {
                return (b, big_b);
            }
        }
    }

    /// `B = (k·v + g^b) mod N` for a given `b` (the test vectors fix `b`).
    pub fn server_b(&self, v: &BigUint, b: &BigUint) -> BigUint {
        let kv = self.k_mont.mul(&self.mont(v));
        to_big(&kv.add(&self.pow_g_mont(b)).retrieve())
    }

    /// True when the client's `A` is acceptable: `0 < A < N` (clients send `g^a mod N`, so a
    /// larger value is forged, and would only make the server multiply big numbers).
    pub fn valid_a(&self, a: &BigUint) -> bool {
        a < &self.n && a != &BigUint::default()
    }

    /// The 16-byte key both sides derive: `S = (A·v^u)^b mod N`, then the HKDF.
    pub fn server_key(&self, a: &BigUint, big_b: &BigUint, v: &BigUint, b: &BigUint) -> Option<[u8; 16]> {
        let u = from_hex(&hex_hash(&format!("{}{}", pad_hex(a), pad_hex(big_b))));
        if u == BigUint::default() {
            return None;
        }
        // S = (A·v^u)^b: v and b are secrets; u (a hash of public values) is 256 bits.
        let vu = self.mont(v).pow_bounded_exp(&to_uint(&u), TABLE_BITS as u32);
        let s = self.mont(a).mul(&vu).pow_bounded_exp(&to_uint(b), exponent_bits(b));
        let s = to_big(&s.retrieve());
        Some(hkdf(&hex_bytes(&pad_hex(&s)), &hex_bytes(&pad_hex(&u))))
    }
}

/// `HMAC(HMAC(salt, ikm), "Caldera Derived Key" || 0x01)[..16]`.
pub fn hkdf(ikm: &[u8], salt: &[u8]) -> [u8; 16] {
    let mut prk = <Hmac<Sha256> as Mac>::new_from_slice(salt).expect("any key length");
    prk.update(ikm);
    let prk = prk.finalize().into_bytes();
    let mut okm = <Hmac<Sha256> as Mac>::new_from_slice(&prk).expect("any key length");
    okm.update(b"Caldera Derived Key\x01");
    let mut out = [0u8; 16];
    out.copy_from_slice(&okm.finalize().into_bytes()[..16]);
    out
}

/// `PASSWORD_CLAIM_SIGNATURE = base64(HMAC(K, prefix || id || secretBlockBytes || timestamp))`.
pub fn claim_signature(key: &[u8; 16], prefix: &str, id: &str, secret_block: &[u8], timestamp: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(prefix.as_bytes());
    mac.update(id.as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Parses `Tue Jan 2 03:04:05 UTC 2024` (day unpadded or padded) into Unix seconds.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let p: Vec<&str> = s.split_whitespace().collect();
    let [_, mon, day, time, "UTC", year] = p.as_slice() else { return None };
    let m = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        .iter()
        .position(|x| x == mon)? as i64
        + 1;
    let (d, y): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let t: Vec<i64> = time.split(':').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    let [h, mi, se] = t.as_slice() else { return None };
    Some(crate::clock::days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + se)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!("../testdata/srp-test-vectors.json")).unwrap()
    }

    #[test]
    fn pad_hex_cases_and_k() {
        // The vectors' numeric cases (pycognito's string-padding cases like "000a" do not apply:
        // the server always pads numbers, which is what keeps SALT canonical).
        for (input, want) in [("1", "01"), ("7f", "7f"), ("80", "0080"), ("0a", "0a"), ("abc", "0abc"), ("ff", "00ff")]
        {
            assert_eq!(pad_hex(&from_hex(input)), want, "{input}");
        }
        let g = SrpGroup::default();
        assert_eq!(pad_hex(&g.k), vectors()["k_hex"].as_str().unwrap());
    }

    fn run(case: &Value, prefix: &str, id: &str, password: &str) {
        let g = SrpGroup::default();
        let salt = case["salt_hex_SALT_param"].as_str().unwrap();
        let x = compute_x(salt, prefix, id, password);
        assert_eq!(x, from_hex(case["x_hex"].as_str().unwrap()));
        let v = g.verifier_with_salt(salt, prefix, id, password);
        assert_eq!(from_hex(&v.v), from_hex(case["v_hex"].as_str().unwrap()));
        let b = from_hex(case["b_hex"].as_str().unwrap());
        let big_b = g.server_b(&from_hex(&v.v), &b);
        assert_eq!(big_b, from_hex(case["B_hex_SRP_B"].as_str().unwrap()));
        let a = from_hex(case["A_hex_SRP_A"].as_str().unwrap());
        let key = g.server_key(&a, &big_b, &from_hex(&v.v), &b).unwrap();
        assert_eq!(key.iter().map(|b| format!("{b:02x}")).collect::<String>(), case["hkdf_key_hex"].as_str().unwrap());
        let block = STANDARD.decode(case["SECRET_BLOCK_b64"].as_str().unwrap()).unwrap();
        let sig = claim_signature(&key, prefix, id, &block, case["TIMESTAMP"].as_str().unwrap());
        assert_eq!(sig, case["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap());
    }

    #[test]
    fn user_vector() {
        let v = vectors();
        let c = &v["user_srp"];
        run(
            c,
            c["pool_name_part"].as_str().unwrap(),
            c["USER_ID_FOR_SRP"].as_str().unwrap(),
            c["password"].as_str().unwrap(),
        );
    }

    #[test]
    fn device_vector() {
        let v = vectors();
        let c = &v["device_srp"];
        run(
            c,
            c["DeviceGroupKey"].as_str().unwrap(),
            c["DeviceKey"].as_str().unwrap(),
            c["device_password"].as_str().unwrap(),
        );
    }

    #[test]
    fn fixed_base_power_matches_modpow() {
        let g = SrpGroup::default();
        let mut cases = vec![BigUint::default(), BigUint::from(1u32), BigUint::from(63u32), BigUint::from(64u32)];
        cases.push((BigUint::from(1u32) << 256) - 1u32); // all 256 bits set
        cases.push(BigUint::from(1u32) << 255);
        cases.push(BigUint::from(1u32) << 256); // 257 bits: the general path
        cases.push(BigUint::from_bytes_be(&[0x5a; 128]));
        for _ in 0..32 {
            let mut raw = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut raw);
            cases.push(BigUint::from_bytes_be(&raw));
        }
        for e in cases {
            assert_eq!(g.pow_g(&e), g.g.modpow(&e, &g.n), "{e:x}");
        }
    }

    /// The constant-time arithmetic agrees with plain `modpow` on random inputs.
    #[test]
    fn constant_time_key_matches_modpow() {
        let g = SrpGroup::default();
        for _ in 0..8 {
            let mut raw = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut raw);
            let x = BigUint::from_bytes_be(&raw);
            let v = g.g.modpow(&x, &g.n);
            let a = g.g.modpow(&BigUint::from_bytes_be(&[raw[0] | 1; 48]), &g.n);
            let (b, big_b) = g.server_ephemeral(&v);
            assert_eq!(big_b, (&g.k * &v + g.g.modpow(&b, &g.n)) % &g.n);
            let u = from_hex(&hex_hash(&format!("{}{}", pad_hex(&a), pad_hex(&big_b))));
            let s = ((&a * v.modpow(&u, &g.n)) % &g.n).modpow(&b, &g.n);
            let want = hkdf(&hex_bytes(&pad_hex(&s)), &hex_bytes(&pad_hex(&u)));
            assert_eq!(g.server_key(&a, &big_b, &v, &b), Some(want));
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("Tue Jan 2 03:04:05 UTC 2024"), Some(1704164645));
        assert_eq!(parse_timestamp("Tue Jan 02 03:04:05 UTC 2024"), Some(1704164645));
        assert_eq!(parse_timestamp("Tue Jan 2 03:04:05 GMT 2024"), None);
        assert_eq!(parse_timestamp("garbage"), None);
    }
}
