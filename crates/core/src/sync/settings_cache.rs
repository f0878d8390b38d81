//! The pools' sync settings as UpdateRecords reads them (to learn of SyncTrigger, streams and
//! push), kept in memory for a second. Coherence: a change made on this node is seen at once
//! (the write replaces the entry); a change made on another node is seen within
//! [`TTL_MS`]. Bounded: past [`MAX_POOLS`] entries the cache starts over.

use super::pools::SyncSettings;
use std::collections::HashMap;
use std::sync::Mutex;

/// How long an entry is trusted.
pub const TTL_MS: i64 = 1_000;
/// Pools remembered at most.
pub const MAX_POOLS: usize = 10_000;

/// The cache.
#[derive(Default)]
pub struct SettingsCache {
    entries: Mutex<HashMap<String, (i64, Option<SyncSettings>)>>,
}

impl SettingsCache {
    /// The settings of `pool` read at most [`TTL_MS`] ago, if any.
    pub fn get(&self, pool: &str, now: i64) -> Option<Option<SyncSettings>> {
        let m = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        m.get(pool).filter(|(at, _)| now - at < TTL_MS).map(|(_, s)| s.clone())
    }

    /// Remembers what was read (or written) for `pool`.
    pub fn put(&self, pool: &str, settings: Option<SyncSettings>, now: i64) {
        let mut m = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_POOLS && !m.contains_key(pool) {
            m.clear();
        }
        m.insert(pool.to_string(), (now, settings));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_expire_and_stay_bounded() {
        let c = super::SettingsCache::default();
        c.put("p", None, 0);
        assert_eq!(c.get("p", 999), Some(None));
        assert_eq!(c.get("p", 1_000), None);
        for i in 0..super::MAX_POOLS + 5 {
            c.put(&i.to_string(), None, 0);
        }
        assert!(c.entries.lock().unwrap().len() <= super::MAX_POOLS);
    }
}
