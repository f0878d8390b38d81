//! The pool's SAML key pairs: one signs AuthnRequests and LogoutRequests (its certificate is
//! what GetSigningCertificate returns and the SP metadata publishes), one receives encrypted
//! assertions (`ActiveEncryptionCertificate`). RSA 2048 with a ten-year self-signed certificate,
//! as Cognito's; created on first use, kept in the store's metadata with the private key sealed
//! by the master key, so every node uses the same ones.

use super::{sp_entity_id, x509};
use crate::{CoreError, CoreResult};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::RSA_PKCS1_SHA256;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::{now_millis, UserPoolId};
use serde::{Deserialize, Serialize};

/// What a key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Signing requests.
    Signing,
    /// Decrypting assertions.
    Encryption,
}

/// A pool's key pair and certificate.
pub struct SpKey {
    /// PKCS#8 private key.
    pub pkcs8: Vec<u8>,
    /// The certificate (DER).
    pub cert: Vec<u8>,
}

impl SpKey {
    /// The certificate in base64 (as metadata and GetSigningCertificate carry it).
    pub fn cert_base64(&self) -> String {
        STANDARD.encode(&self.cert)
    }

    /// An RSASSA-PKCS1-v1_5 SHA-256 signature of `data`.
    pub fn sign(&self, data: &[u8]) -> CoreResult<Vec<u8>> {
        let key = KeyPair::from_pkcs8(&self.pkcs8).map_err(|_| CoreError::Internal("bad SAML key".into()))?;
        let mut sig = vec![0u8; key.public_modulus_len()];
        key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), data, &mut sig)
            .map_err(|_| CoreError::Internal("cannot sign".into()))?;
        Ok(sig)
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    /// The sealed PKCS#8 key.
    k: String,
    /// The certificate, base64.
    c: String,
}

impl crate::Cognate {
    /// The pool's key for `purpose`, created on first use (the first writer wins on every node).
    pub(crate) async fn saml_key(&self, pool: &UserPoolId, purpose: Purpose) -> CoreResult<SpKey> {
        let name = format!("saml-sp:{pool}:{}", if purpose == Purpose::Signing { "signing" } else { "encryption" });
        let doc = match self.store.get_meta(&name).await? {
            Some(doc) => doc,
            None => {
                let entity = sp_entity_id(pool.as_str());
                let (pkcs8, cert) = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, Vec<u8>), String> {
                    let key = KeyPair::generate(KeySize::Rsa2048).map_err(|_| "cannot generate an RSA key")?;
                    let pkcs8 = key.as_der().map_err(|_| "cannot encode the key")?.as_ref().to_vec();
                    let cert = x509::self_signed(&key, &entity, now_millis() - 60_000, 3650)?;
                    Ok((pkcs8, cert))
                })
                .await
                .map_err(|e| CoreError::Internal(e.to_string()))?
                .map_err(CoreError::Internal)?;
                let stored = Stored { k: self.master.seal(&pkcs8, &name), c: STANDARD.encode(cert) };
                let doc = serde_json::to_string(&stored).map_err(|e| CoreError::Internal(e.to_string()))?;
                // Another node may have made one first: the stored one wins, read back.
                if self.store.put_meta_if_absent(&name, &doc).await? {
                    doc
                } else {
                    self.store.get_meta(&name).await?.ok_or_else(|| CoreError::Internal(format!("{name} is gone")))?
                }
            }
        };
        let stored: Stored = serde_json::from_str(&doc).map_err(|e| CoreError::Internal(e.to_string()))?;
        let pkcs8 = self.master.open(&stored.k, &name)?;
        let cert = STANDARD.decode(stored.c).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(SpKey { pkcs8, cert })
    }
}
