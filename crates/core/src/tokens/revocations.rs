//! Revoked sign-in sessions, kept in memory so that checking an access token costs no database
//! round trip. Revocations made on this node apply at once; those made on other nodes arrive
//! with the next poll (`Cognate::sync`), so a node is at most one poll interval stale.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::RwLock;

/// The set of revoked `origin_jti`s with their expiry (ms).
#[derive(Default)]
pub struct Revocations {
    set: RwLock<HashMap<String, i64>>,
    last_id: AtomicI64,
}

impl Revocations {
    /// True when the session is revoked.
    pub fn contains(&self, origin_jti: &str) -> bool {
        self.set.read().map(|s| s.contains_key(origin_jti)).unwrap_or(true)
    }

    /// Records revocations (from this node, or from the store's feed).
    pub fn add(&self, items: impl IntoIterator<Item = (String, i64)>) {
        if let Ok(mut s) = self.set.write() {
            s.extend(items);
        }
    }

    /// The highest feed id seen.
    pub fn last_id(&self) -> i64 {
        self.last_id.load(Ordering::Acquire)
    }

    /// Advances the feed position.
    pub fn seen(&self, id: i64) {
        self.last_id.fetch_max(id, Ordering::AcqRel);
    }

    /// Forgets revocations whose tokens have all expired.
    pub fn prune(&self, now: i64) {
        if let Ok(mut s) = self.set.write() {
            s.retain(|_, exp| *exp > now);
        }
    }
}
