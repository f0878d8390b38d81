//! Access tokens whose signature and claims were already checked, by SHA-256 of the token: a
//! client calls with one token many times, and the RSA verification is the biggest part of a
//! GetUser. Expiry and revocation are still checked on every call; the set is bounded (it is
//! cleared when full), so it cannot grow without limit.

use super::UserCtx;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

const MAX_ENTRIES: usize = 50_000;

/// The cache.
#[derive(Default)]
pub struct VerifiedTokens {
    map: Mutex<HashMap<[u8; 32], (UserCtx, i64)>>,
}

/// The cache key of a token.
pub fn key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl VerifiedTokens {
    /// The context and expiry (Unix seconds) of a token verified before.
    pub fn get(&self, key: &[u8; 32]) -> Option<(UserCtx, i64)> {
        self.map.lock().ok()?.get(key).cloned()
    }

    /// Remembers a verified token.
    pub fn put(&self, key: [u8; 32], ctx: UserCtx, exp: i64) {
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.insert(key, (ctx, exp));
        }
    }
}
