//! The read cache: pools, app clients and users, decoded, in bounded memory, so that the reads
//! every request makes (the pool and client of a sign-in, the user of GetUser/AdminGetUser) cost
//! neither a database round trip nor a decode.
//!
//! Coherence, per backend:
//! - [`Coherence::Exclusive`] (SQLite, one server per data dir, enforced by the server's lock on
//!   it): every update and delete of these rows goes through this process, which forgets the
//!   entry after its commit and before its answer, so a hit is always the committed value. Other
//!   processes (the CLI's `users import`) only insert rows, and the cache never holds an absence.
//!   A fill that raced a write is not kept (the generation check below).
//! - [`Coherence::Probe`] (PostgreSQL, several nodes): a hit is used only after a version probe
//!   (one indexed read of the row's version) says it is still the stored row; the probe replaces
//!   transferring and decoding the row, not the round trip. Read-your-writes across nodes holds
//!   because the probe reads the committed row.
//!
//! Exclusive only, users' auth-event traces (what a sign-in's risk assessment reads): every
//! event is written by this process, which updates the cached traces in place after its commit.
//!
//! Memory is bounded by entry counts (`COGNATE_CACHE_USERS`, `COGNATE_CACHE_POOLS`,
//! `COGNATE_CACHE_CLIENTS`, `COGNATE_CACHE_TRACES`); each shard evicts by second chance (CLOCK)
//! when full.

use cognate_model::risk::{EventTrace, TRACE_HISTORY};
use cognate_model::{AppClient, PoolDomain, User, UserPool};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

const SHARDS: usize = 16;

/// How a hit is known to be current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coherence {
    /// This process makes every update and delete: hits need no check.
    Exclusive,
    /// Other nodes write too: a hit is confirmed by a version probe.
    Probe,
}

/// Entry counts of the cache (0 turns a part off).
#[derive(Clone, Copy, Debug)]
pub struct CacheLimits {
    pub users: usize,
    pub pools: usize,
    pub clients: usize,
    /// Users whose auth-event traces are kept (about 3.3 KB each with a full history).
    pub traces: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self { users: 10_000, pools: 256, clients: 1_024, traces: 4_096 }
    }
}

impl CacheLimits {
    /// Nothing cached.
    pub const OFF: Self = Self { users: 0, pools: 0, clients: 0, traces: 0 };
}

struct Slot<V> {
    value: V,
    referenced: bool,
}

/// One shard: a map, and the insertion order for second-chance eviction.
struct Shard<K, V> {
    map: HashMap<K, Slot<V>>,
    order: VecDeque<K>,
}

/// A bounded map split into locked shards.
struct Sharded<K, V> {
    shards: Vec<Mutex<Shard<K, V>>>,
    per_shard: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> Sharded<K, V> {
    fn new(capacity: usize) -> Self {
        let per_shard = capacity.div_ceil(SHARDS);
        let shards = (0..SHARDS).map(|_| Mutex::new(Shard { map: HashMap::new(), order: VecDeque::new() })).collect();
        Self { shards, per_shard }
    }

    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> &Mutex<Shard<K, V>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[h.finish() as usize % SHARDS]
    }

    fn get(&self, key: &K) -> Option<V> {
        if self.per_shard == 0 {
            return None;
        }
        let mut s = self.shard(key).lock().ok()?;
        let slot = s.map.get_mut(key)?;
        slot.referenced = true;
        Some(slot.value.clone())
    }

    /// Inserts when `keep()` still holds under the shard's lock.
    fn put(&self, key: K, value: V, keep: impl FnOnce() -> bool) {
        if self.per_shard == 0 {
            return;
        }
        let Ok(mut s) = self.shard(&key).lock() else { return };
        if !keep() {
            return;
        }
        let s = &mut *s;
        if !s.map.contains_key(&key) {
            while s.map.len() >= self.per_shard {
                let Some(old) = s.order.pop_front() else { break };
                match s.map.get_mut(&old) {
                    Some(slot) if slot.referenced => {
                        slot.referenced = false;
                        s.order.push_back(old);
                    }
                    Some(_) => {
                        s.map.remove(&old);
                    }
                    None => {}
                }
            }
            s.order.push_back(key.clone());
            if s.order.len() > 2 * self.per_shard + 8 {
                let map = &s.map;
                s.order.retain(|k| map.contains_key(k));
            }
        }
        s.map.insert(key, Slot { value, referenced: false });
    }

    /// Changes the entry of `key` if there is one, running `then` under the shard's lock.
    fn update(&self, key: &K, change: impl FnOnce(&mut V), then: impl FnOnce()) {
        if let Ok(mut s) = self.shard(key).lock() {
            if let Some(slot) = s.map.get_mut(key) {
                change(&mut slot.value);
            }
            then();
        }
    }

    /// Forgets `key`, running `then` under the shard's lock.
    fn forget(&self, key: &K, then: impl FnOnce()) {
        if let Ok(mut s) = self.shard(key).lock() {
            s.map.remove(key);
            then();
        }
    }

    fn retain(&self, keep: impl Fn(&K, &V) -> bool, then: impl Fn()) {
        for shard in &self.shards {
            if let Ok(mut s) = shard.lock() {
                s.map.retain(|k, slot| keep(k, &slot.value));
                then();
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().map(|s| s.map.len()).unwrap_or(0)).sum()
    }
}

type UserKey = (String, String);

/// The cache of one store.
pub struct ReadCache {
    coherence: Coherence,
    /// Bumped (under the shard's lock) by every forget: a fill whose read began before a write
    /// committed is not kept.
    generation: AtomicU64,
    users: Sharded<UserKey, Arc<User>>,
    /// (pool, sub) → username key: a hint, checked against the user found.
    subs: Sharded<UserKey, String>,
    pools: Sharded<String, (Arc<UserPool>, i64)>,
    clients: Sharded<String, (Arc<AppClient>, i64)>,
    /// Exclusive only: a pool's user count (DescribeUserPool's `EstimatedNumberOfUsers`), forgotten
    /// by this process's user writes and at most [`COUNT_TTL`] old (the CLI's imports add users).
    counts: Sharded<String, (i64, std::time::Instant)>,
    /// Exclusive only: a pool's domains (only the server writes them).
    domains: Sharded<String, Arc<Vec<PoolDomain>>>,
    /// Exclusive only: a user's newest [`TRACE_HISTORY`] auth events, as traces, newest first.
    traces: Sharded<UserKey, Arc<Vec<EventTrace>>>,
}

/// How long a cached user count is used.
pub const COUNT_TTL: std::time::Duration = std::time::Duration::from_secs(1);

impl ReadCache {
    /// A cache with `limits` and the backend's `coherence`.
    pub fn new(limits: CacheLimits, coherence: Coherence) -> Self {
        Self {
            coherence,
            generation: AtomicU64::new(0),
            users: Sharded::new(limits.users),
            subs: Sharded::new(limits.users),
            pools: Sharded::new(limits.pools),
            clients: Sharded::new(limits.clients),
            counts: Sharded::new(if coherence == Coherence::Exclusive { limits.pools } else { 0 }),
            domains: Sharded::new(if coherence == Coherence::Exclusive { limits.pools } else { 0 }),
            traces: Sharded::new(if coherence == Coherence::Exclusive { limits.traces } else { 0 }),
        }
    }

    /// A cache that holds nothing.
    pub fn off() -> Self {
        Self::new(CacheLimits::OFF, Coherence::Exclusive)
    }

    /// How hits are confirmed.
    pub fn coherence(&self) -> Coherence {
        self.coherence
    }

    /// True when listings may take their users from here: the cache holds users and needs no
    /// probe.
    pub fn lists_from_cache(&self) -> bool {
        self.coherence == Coherence::Exclusive && self.users.per_shard > 0
    }

    /// Taken before a fill's read; pass it to the `put_*` that keeps the result.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn unchanged(&self, since: u64) -> impl FnOnce() -> bool + '_ {
        move || self.generation.load(Ordering::Acquire) == since
    }

    fn bump(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub fn user(&self, pool: &str, username_key: &str) -> Option<Arc<User>> {
        self.users.get(&(pool.to_string(), username_key.to_string()))
    }

    /// The user with `sub`, if cached.
    pub fn user_by_sub(&self, pool: &str, sub: &str) -> Option<Arc<User>> {
        let key = self.subs.get(&(pool.to_string(), sub.to_string()))?;
        self.user(pool, &key).filter(|u| u.sub == sub)
    }

    pub fn put_user(&self, since: u64, user: &User) {
        let pool = user.pool_id.as_str().to_string();
        self.subs.put((pool.clone(), user.sub.clone()), user.username_key.clone(), self.unchanged(since));
        self.users.put((pool, user.username_key.clone()), Arc::new(user.clone()), self.unchanged(since));
    }

    /// Called after every write of the user (committed or not), before its answer.
    pub fn forget_user(&self, pool: &str, username_key: &str) {
        self.users.forget(&(pool.to_string(), username_key.to_string()), || self.bump());
        self.forget_count(pool);
    }

    /// The pool's user count, if cached and fresh.
    pub fn count(&self, pool: &str) -> Option<i64> {
        self.counts.get(&pool.to_string()).filter(|(_, at)| at.elapsed() < COUNT_TTL).map(|(n, _)| n)
    }

    pub fn put_count(&self, since: u64, pool: &str, n: i64) {
        self.counts.put(pool.to_string(), (n, std::time::Instant::now()), self.unchanged(since));
    }

    /// After users of the pool were added or removed.
    pub fn forget_count(&self, pool: &str) {
        self.counts.forget(&pool.to_string(), || self.bump());
    }

    pub fn domains(&self, pool: &str) -> Option<Arc<Vec<PoolDomain>>> {
        self.domains.get(&pool.to_string())
    }

    pub fn put_domains(&self, since: u64, pool: &str, domains: Vec<PoolDomain>) {
        self.domains.put(pool.to_string(), Arc::new(domains), self.unchanged(since));
    }

    /// After any domain write (a deletion names only the domain: all are forgotten).
    pub fn forget_domains(&self) {
        self.domains.retain(|_, _| false, || self.bump());
    }

    pub fn pool(&self, id: &str) -> Option<(Arc<UserPool>, i64)> {
        self.pools.get(&id.to_string())
    }

    pub fn put_pool(&self, since: u64, pool: &UserPool, version: i64) {
        self.pools.put(pool.id.as_str().to_string(), (Arc::new(pool.clone()), version), self.unchanged(since));
    }

    /// After a pool's update; after its deletion also its users and clients go.
    pub fn forget_pool(&self, id: &str, deleted: bool) {
        self.pools.forget(&id.to_string(), || self.bump());
        if deleted {
            self.forget_count(id);
            self.forget_domains();
            self.users.retain(|k, _| k.0 != id, || self.bump());
            self.traces.retain(|k, _| k.0 != id, || self.bump());
            self.clients.retain(|_, (c, _)| c.pool_id.as_str() != id, || self.bump());
        }
    }

    pub fn client(&self, id: &str) -> Option<(Arc<AppClient>, i64)> {
        self.clients.get(&id.to_string())
    }

    pub fn put_client(&self, since: u64, client: &AppClient, version: i64) {
        self.clients.put(
            client.client_id.as_str().to_string(),
            (Arc::new(client.clone()), version),
            self.unchanged(since),
        );
    }

    pub fn forget_client(&self, id: &str) {
        self.clients.forget(&id.to_string(), || self.bump());
    }

    /// The user's traces, if cached.
    pub fn traces(&self, pool: &str, username_key: &str) -> Option<Arc<Vec<EventTrace>>> {
        self.traces.get(&(pool.to_string(), username_key.to_string()))
    }

    /// Keeps the user's newest [`TRACE_HISTORY`] traces (all of them when there are fewer).
    pub fn put_traces(&self, since: u64, pool: &str, username_key: &str, traces: Arc<Vec<EventTrace>>) {
        self.traces.put((pool.to_string(), username_key.to_string()), traces, self.unchanged(since));
    }

    /// After an event of the user was stored (a new one, or one replaced by id).
    pub fn note_event(&self, pool: &str, username_key: &str, trace: EventTrace) {
        let key = (pool.to_string(), username_key.to_string());
        self.traces.update(&key, |list| with_event(Arc::make_mut(list), trace), || self.bump());
    }

    /// After the user's events were deleted (with the user).
    pub fn forget_traces(&self, pool: &str, username_key: &str) {
        self.traces.forget(&(pool.to_string(), username_key.to_string()), || self.bump());
    }

    /// After old events were pruned.
    pub fn forget_all_traces(&self) {
        self.traces.retain(|_, _| false, || self.bump());
    }
}

/// `list` (a user's newest events, newest first) after `t` was stored: replaced by id (an
/// update of an event keeps its time), or placed by its time, the oldest beyond
/// [`TRACE_HISTORY`] dropped — what reading the newest events again would give.
fn with_event(list: &mut Vec<EventTrace>, t: EventTrace) {
    list.retain(|x| x.event_id != t.event_id);
    let at = list.partition_point(|x| EventTrace::newer_first(x, &t) == std::cmp::Ordering::Less);
    list.insert(at, t);
    list.truncate(TRACE_HISTORY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fill_that_raced_a_write_is_not_kept() {
        let c: Sharded<String, u32> = Sharded::new(64);
        let generation = AtomicU64::new(0);
        let since = generation.load(Ordering::Acquire);
        // A write commits and forgets the key while the fill was reading the old row.
        c.forget(&"k".to_string(), || {
            generation.fetch_add(1, Ordering::AcqRel);
        });
        c.put("k".into(), 1, || generation.load(Ordering::Acquire) == since);
        assert_eq!(c.get(&"k".to_string()), None);
        let since = generation.load(Ordering::Acquire);
        c.put("k".into(), 2, || generation.load(Ordering::Acquire) == since);
        assert_eq!(c.get(&"k".to_string()), Some(2));
    }

    #[test]
    fn memory_stays_bounded_and_used_entries_stay() {
        let c: Sharded<u32, u32> = Sharded::new(SHARDS * 4);
        for i in 0..10_000u32 {
            c.put(i, i, || true);
            let _ = c.get(&7);
        }
        assert!(c.len() <= SHARDS * 4, "{}", c.len());
        assert_eq!(c.get(&7), Some(7), "a key read all along survives");
        for s in &c.shards {
            assert!(s.lock().unwrap().order.len() <= 2 * 4 + 8 + 1);
        }
    }

    #[test]
    fn traces_updated_in_place_are_what_reading_the_newest_again_gives() {
        use cognate_model::risk::EventResponse;
        let trace = |id: u32, at: i64, response| EventTrace {
            event_id: format!("e{id:03}").into(),
            created_at: at,
            sign_in: true,
            response,
            feedback: None,
            network: Some(u64::from(id % 7)),
            device: None,
            coordinates: None,
        };
        // Every event ever stored (the table), and the cached head kept up by `with_event`.
        let mut all: Vec<EventTrace> = vec![];
        let mut head: Vec<EventTrace> = vec![];
        let mut seed = 7u64;
        for n in 0..400u32 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (seed >> 33) as u32;
            let t = if n > 0 && r % 3 == 0 {
                // An update of an earlier event (any of them, at its time): another response.
                let old = &all[(r as usize / 3) % all.len()];
                let mut t = trace(old.event_id[1..].parse().unwrap(), old.created_at, EventResponse::Pass);
                t.feedback = Some(r % 2 == 0);
                t
            } else {
                // A new event, at times that tie and arrive out of order.
                trace(n, i64::from(n / 2) - i64::from(r % 5), EventResponse::Fail)
            };
            match all.iter_mut().find(|x| x.event_id == t.event_id) {
                Some(x) => *x = t.clone(),
                None => all.push(t.clone()),
            }
            with_event(&mut head, t);
            let mut expected = all.clone();
            expected.sort_by(EventTrace::newer_first);
            expected.truncate(TRACE_HISTORY);
            assert_eq!(head, expected, "after event {n}");
        }
    }

    #[test]
    fn off_holds_nothing() {
        let c: Sharded<u32, u32> = Sharded::new(0);
        c.put(1, 1, || true);
        assert_eq!(c.get(&1), None);
    }
}
