//! Compact RS256 JWTs: sign with an RSA key pair, verify against public components by `kid`.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair as _, RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A private key that signs tokens.
pub struct SigningKey {
    /// Key id, in every token header.
    pub kid: String,
    pair: KeyPair,
}

/// The public half, as published in the JWKS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    /// Key id.
    pub kid: String,
    /// Modulus, base64url.
    pub n: String,
    /// Exponent, base64url.
    pub e: String,
    n_bytes: Vec<u8>,
    e_bytes: Vec<u8>,
}

impl PublicJwk {
    /// From base64url components.
    pub fn new(kid: &str, n: &str, e: &str) -> Option<Self> {
        Some(Self {
            kid: kid.into(),
            n: n.into(),
            e: e.into(),
            n_bytes: URL_SAFE_NO_PAD.decode(n).ok()?,
            e_bytes: URL_SAFE_NO_PAD.decode(e).ok()?,
        })
    }

    /// The JWKS entry.
    pub fn to_json(&self) -> Value {
        json!({"alg": "RS256", "e": self.e, "kid": self.kid, "kty": "RSA", "n": self.n, "use": "sig"})
    }
}

impl SigningKey {
    /// A new RSA-2048 key; the kid is derived from the modulus.
    pub fn generate() -> Result<Self, String> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| format!("RSA key generation failed: {e}"))?;
        let n: PublicKeyComponents<Vec<u8>> = pair.public_key().into();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(&n.n)[..18]);
        Ok(Self { kid, pair })
    }

    /// Loads a PKCS#8 key.
    pub fn from_pkcs8(kid: &str, der: &[u8]) -> Result<Self, String> {
        let pair = KeyPair::from_pkcs8(der).map_err(|e| format!("bad signing key: {e}"))?;
        Ok(Self { kid: kid.into(), pair })
    }

    /// PKCS#8 DER (to be sealed before storage).
    pub fn to_pkcs8(&self) -> Result<Vec<u8>, String> {
        let der: aws_lc_rs::encoding::Pkcs8V1Der = self.pair.as_der().map_err(|e| e.to_string())?;
        Ok(der.as_ref().to_vec())
    }

    /// The public half.
    pub fn public(&self) -> PublicJwk {
        let c: PublicKeyComponents<Vec<u8>> = self.pair.public_key().into();
        PublicJwk {
            kid: self.kid.clone(),
            n: URL_SAFE_NO_PAD.encode(&c.n),
            e: URL_SAFE_NO_PAD.encode(&c.e),
            n_bytes: c.n,
            e_bytes: c.e,
        }
    }

    /// Signs `claims` as a compact JWT with header `{"kid","alg":"RS256"}`.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(|e| e.to_string())?);
        let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).map_err(|e| e.to_string())?);
        let msg = format!("{h}.{p}");
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), msg.as_bytes(), &mut sig)
            .map_err(|e| format!("signing failed: {e}"))?;
        Ok(format!("{msg}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}

/// Why a token was refused before its claims were looked at.
#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Not a well-formed RS256 JWT.
    Malformed,
    /// Signed by a key we do not know (or do not know any more).
    UnknownKey,
    /// The signature does not verify.
    BadSignature,
}

/// Verifies a compact JWT and returns its claims. `key` finds the public key for a kid.
pub fn verify<'a>(token: &str, key: impl Fn(&str) -> Option<&'a PublicJwk>) -> Result<Value, JwtError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwtError::Malformed);
    };
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).map_err(|_| JwtError::Malformed)?)
        .map_err(|_| JwtError::Malformed)?;
    if header["alg"] != "RS256" {
        return Err(JwtError::Malformed);
    }
    let kid = header["kid"].as_str().ok_or(JwtError::Malformed)?;
    let jwk = key(kid).ok_or(JwtError::UnknownKey)?;
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| JwtError::Malformed)?;
    let msg_len = h.len() + 1 + p.len();
    RsaPublicKeyComponents { n: jwk.n_bytes.as_slice(), e: jwk.e_bytes.as_slice() }
        .verify(&RSA_PKCS1_2048_8192_SHA256, &token.as_bytes()[..msg_len], &sig)
        .map_err(|_| JwtError::BadSignature)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).map_err(|_| JwtError::Malformed)?)
        .map_err(|_| JwtError::Malformed)?;
    if !claims.is_object() {
        return Err(JwtError::Malformed);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_round_trip_and_tampering() {
        let k = SigningKey::generate().unwrap();
        let pubk = k.public();
        let t = k.sign(&json!({"sub": "abc", "n": 1})).unwrap();
        let claims = verify(&t, |kid| (kid == pubk.kid).then_some(&pubk)).unwrap();
        assert_eq!(claims["sub"], "abc");
        let again = SigningKey::from_pkcs8(&k.kid, &k.to_pkcs8().unwrap()).unwrap();
        assert_eq!(again.public(), pubk);
        // Tampered payload, unknown kid, garbage.
        let mut parts: Vec<&str> = t.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"evil","n":1}"#);
        parts[1] = &forged;
        assert_eq!(verify(&parts.join("."), |_| Some(&pubk)), Err(JwtError::BadSignature));
        assert_eq!(verify(&t, |_| None), Err(JwtError::UnknownKey));
        assert_eq!(verify("a.b", |_| Some(&pubk)), Err(JwtError::Malformed));
        let none_alg =
            format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"x"}"#), URL_SAFE_NO_PAD.encode(b"{}"));
        assert_eq!(verify(&none_alg, |_| Some(&pubk)), Err(JwtError::Malformed));
    }
}
