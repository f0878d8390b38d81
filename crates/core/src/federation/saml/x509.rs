//! The X.509 a SAML service provider needs: reading an IdP's certificate (its public key and
//! expiry) and issuing the pool's own self-signed certificate (RSA, SHA-256), with a small DER
//! reader and writer — no general ASN.1 library for three fixed shapes.

use crate::clock;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_SHA256_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];

/// A certificate's public key, in the form `aws-lc-rs` verifies with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// PKCS#1 `RSAPublicKey`.
    Rsa(Vec<u8>),
    /// An uncompressed EC point.
    Ec(Vec<u8>),
}

/// What is read from a certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The subject's key.
    pub key: PublicKey,
    /// notAfter (Unix ms).
    pub not_after: i64,
}

/// One TLV: (tag, content, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, b) = b.split_first()?;
    let (&first, mut b) = b.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || b.len() < n {
            return None;
        }
        let len = b[..n].iter().fold(0usize, |a, &x| (a << 8) | x as usize);
        b = &b[n..];
        len
    };
    (b.len() >= len).then(|| (tag, &b[..len], &b[len..]))
}

/// Reads a DER certificate.
pub fn parse_certificate(der: &[u8]) -> Option<Certificate> {
    let (0x30, cert, _) = tlv(der)? else { return None };
    let (0x30, tbs, _) = tlv(cert)? else { return None };
    let mut rest = tbs;
    let (tag, _, r) = tlv(rest)?;
    if tag == 0xa0 {
        rest = r; // version
    }
    let (_, _, r) = tlv(rest)?; // serial
    let (_, _, r) = tlv(r)?; // signature algorithm
    let (_, _, r) = tlv(r)?; // issuer
    let (0x30, validity, r) = tlv(r)? else { return None };
    let (_, _, r) = tlv(r)?; // subject
    let (0x30, spki, _) = tlv(r)? else { return None };
    let (_, _, after) = tlv(validity)?;
    let (t, not_after, _) = tlv(after)?;
    let not_after = clock::parse_asn1_time(t == 0x18, std::str::from_utf8(not_after).ok()?)?;
    let (0x30, alg, r) = tlv(spki)? else { return None };
    let (0x03, bits, _) = tlv(r)? else { return None };
    let (0x06, oid, _) = tlv(alg)? else { return None };
    let (&0, key) = bits.split_first()? else { return None };
    let key = match oid {
        OID_RSA => PublicKey::Rsa(key.to_vec()),
        OID_EC => PublicKey::Ec(key.to_vec()),
        _ => return None,
    };
    Some(Certificate { key, not_after })
}

/// Reads a base64 certificate (as metadata carries it; whitespace ignored).
pub fn parse_base64_certificate(b64: &str) -> Option<(Vec<u8>, Certificate)> {
    use base64::Engine;
    let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(clean).ok()?;
    let cert = parse_certificate(&der)?;
    Some((der, cert))
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    der(0x30, &parts.concat())
}

fn time(ms: i64) -> Vec<u8> {
    let (generalized, text) = clock::format_asn1_time(ms);
    der(if generalized { 0x18 } else { 0x17 }, text.as_bytes())
}

/// A self-signed certificate for `key` naming `common_name`, valid from `not_before` for
/// `days` days (Unix ms), signed with SHA-256 (what Cognito's SAML certificates are).
pub fn self_signed(key: &KeyPair, common_name: &str, not_before: i64, days: i64) -> Result<Vec<u8>, String> {
    let rng = SystemRandom::new();
    let mut serial = [0u8; 16];
    rng.fill(&mut serial).map_err(|_| "no randomness")?;
    serial[0] = (serial[0] & 0x7f) | 0x40; // positive, sixteen bytes
    let alg = seq(&[&der(0x06, OID_SHA256_RSA), &der(0x05, &[])]);
    let name = seq(&[&der(0x31, &seq(&[&der(0x06, OID_CN), &der(0x0c, common_name.as_bytes())]))]);
    let validity = seq(&[&time(not_before), &time(not_before + days * 86_400_000)]);
    let spki = key.public_key().as_der().map_err(|_| "cannot encode the public key")?;
    let tbs = seq(&[&der(0xa0, &der(0x02, &[2])), &der(0x02, &serial), &alg, &name, &validity, &name, spki.as_ref()]);
    let mut sig = vec![0u8; key.public_modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &rng, &tbs, &mut sig).map_err(|_| "cannot sign the certificate")?;
    let mut bits = vec![0u8];
    bits.extend(sig);
    Ok(seq(&[&tbs, &alg, &der(0x03, &bits)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    #[test]
    fn a_self_signed_certificate_reads_back_and_verifies_itself() {
        let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let now = clock::parse_datetime("2026-11-29T00:00:00Z").unwrap();
        let cert = self_signed(&key, "urn:amazon:cognito:sp:us-east-1_x", now, 3650).unwrap();
        let c = parse_certificate(&cert).unwrap();
        assert_eq!(clock::format_datetime(c.not_after), "2036-11-26T00:00:00Z");
        let PublicKey::Rsa(rsa) = &c.key else { panic!("not RSA") };
        // The signature over the TBS verifies with the key read back.
        let (_, body, _) = tlv(&cert).unwrap();
        let (_, _, after_tbs) = tlv(body).unwrap();
        let tbs_len = body.len() - after_tbs.len();
        let (_, _, r) = tlv(after_tbs).unwrap();
        let (_, bits, _) = tlv(r).unwrap();
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, rsa).verify(&body[..tbs_len], &bits[1..]).unwrap();
        assert!(parse_certificate(&cert[..cert.len() - 1]).is_none());
        if let Ok(path) = std::env::var("COGNATE_WRITE_TEST_CERT") {
            std::fs::write(path, &cert).unwrap();
        }
        assert!(parse_certificate(b"\x30\x84\xff\xff\xff\xff").is_none());
    }
}
