//! The master key: 32 random bytes that seal everything that must be reversible (client
//! secrets now; signing keys, TOTP secrets and SRP verifiers later) with AES-256-GCM.
//! Sealed values look like `v1:<base64(nonce || ciphertext || tag)>`; the associated data binds
//! each value to its owner (a client id, say) so sealed blobs cannot be swapped.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

use crate::{CoreError, CoreResult};
use cognate_store::Store;

/// The master key. Its `Debug` never shows the bytes.
pub struct MasterKey {
    cipher: Aes256Gcm,
    derive_secret: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

/// `n` random bytes as lowercase hex (nonces).
pub fn random_hex(n: usize) -> String {
    let mut raw = vec![0u8; n];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random key, standard base64 (what `COGNATE_MASTER_KEY` holds).
pub fn generate_master_key_b64() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    STANDARD.encode(key)
}

impl MasterKey {
    /// Parses a standard-base64 32-byte key.
    pub fn from_base64(text: &str) -> Result<Self, String> {
        let bytes =
            STANDARD.decode(text.trim()).map_err(|_| "the master key is not valid standard base64".to_string())?;
        if bytes.len() != 32 {
            return Err(format!("the master key must be 32 bytes, got {}", bytes.len()));
        }
        use sha2::Digest;
        let derive_secret: [u8; 32] = sha2::Sha256::digest([b"cognate-derive:".as_slice(), &bytes].concat()).into();
        Ok(Self { cipher: Aes256Gcm::new_from_slice(&bytes).map_err(|e| e.to_string())?, derive_secret })
    }

    /// Encrypts `plaintext`, bound to `aad`.
    pub fn seal(&self, plaintext: &[u8], aad: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: aad.as_bytes() })
            .expect("AES-GCM encryption does not fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!("v1:{}", STANDARD.encode(out))
    }

    /// Decrypts a value from [`MasterKey::seal`]; fails if the key, the value or `aad` differ.
    pub fn open(&self, sealed: &str, aad: &str) -> CoreResult<Vec<u8>> {
        let bad = || CoreError::Internal("a sealed value could not be decrypted with the master key".into());
        let body = sealed.strip_prefix("v1:").ok_or_else(bad)?;
        let raw = STANDARD.decode(body).map_err(|_| bad())?;
        if raw.len() < 12 + 16 {
            return Err(bad());
        }
        let (nonce, ct) = raw.split_at(12);
        self.cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: aad.as_bytes() }).map_err(|_| bad())
    }

    /// Like [`MasterKey::seal`], but URL-safe base64 without a prefix (for tokens and sessions).
    pub fn seal_url(&self, plaintext: &[u8], aad: &str) -> String {
        let sealed = self.seal(plaintext, aad);
        let raw = STANDARD.decode(&sealed[3..]).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    /// Opens a value from [`MasterKey::seal_url`].
    pub fn open_url(&self, sealed: &str, aad: &str) -> CoreResult<Vec<u8>> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sealed)
            .map_err(|_| CoreError::Internal("not a sealed value".into()))?;
        self.open(&format!("v1:{}", STANDARD.encode(raw)), aad)
    }

    /// A keyed hash (HMAC-SHA256 under a key derived from the master key), hex: for one-time
    /// codes, which are too short to store under a plain hash.
    pub fn keyed_hash(&self, purpose: &str, data: &str) -> String {
        self.keyed_mac(purpose, data).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The 32 bytes of HMAC-SHA256 under a key derived from the master key for `purpose`: a
    /// secret only this server can compute from `data`.
    pub fn keyed_mac(&self, purpose: &str, data: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let key = self.seal_deterministic_key(purpose);
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).expect("any key length");
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn seal_deterministic_key(&self, purpose: &str) -> Vec<u8> {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.derive_secret);
        h.update(purpose.as_bytes());
        h.finalize().to_vec()
    }

    /// Decrypts a sealed UTF-8 string.
    pub fn open_string(&self, sealed: &str, aad: &str) -> CoreResult<String> {
        String::from_utf8(self.open(sealed, aad)?).map_err(|_| CoreError::Internal("sealed value is not UTF-8".into()))
    }
}

const CHECK_KEY: &str = "master_key_check";
const CHECK_PLAINTEXT: &[u8] = b"cognate master key check v1";

/// On the first start, records a value sealed with `key`; on later starts, proves that `key`
/// opens it. A wrong key stops the start with a clear message instead of corrupting data.
pub async fn check_master_key(store: &dyn Store, key: &MasterKey) -> Result<(), String> {
    let sealed = key.seal(CHECK_PLAINTEXT, CHECK_KEY);
    store.put_meta_if_absent(CHECK_KEY, &sealed).await.map_err(|e| e.to_string())?;
    let stored = store.get_meta(CHECK_KEY).await.map_err(|e| e.to_string())?.unwrap_or_default();
    match key.open(&stored, CHECK_KEY) {
        Ok(p) if p == CHECK_PLAINTEXT => Ok(()),
        _ => Err("the master key does not match the one this data store was created with. Set COGNATE_MASTER_KEY \
                  (or COGNATE_MASTER_KEY_FILE) to the original key; a new key cannot read existing secrets"
            .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn seal_open_and_key_check() {
        let k = MasterKey::from_base64(&generate_master_key_b64()).unwrap();
        let s = k.seal(b"secret", "client-1");
        assert_eq!(k.open(&s, "client-1").unwrap(), b"secret");
        assert!(k.open(&s, "client-2").is_err());
        assert!(!s.contains("secret"));
        let other = MasterKey::from_base64(&generate_master_key_b64()).unwrap();
        assert!(other.open(&s, "client-1").is_err());
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(MasterKey::from_base64("not base64!").is_err());

        let store = cognate_store::sqlite::SqliteStore::open_in_memory().await.unwrap();
        check_master_key(&store, &k).await.unwrap();
        check_master_key(&store, &k).await.unwrap();
        assert!(check_master_key(&store, &other).await.unwrap_err().contains("does not match"));
    }
}
