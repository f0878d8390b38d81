//! What the service counts for `/metrics`: sign-in attempts by flow (or the challenge
//! answered) and outcome, and when this node last read the
//! revocation feed. Lock-light: one mutex-guarded map of small counters, updated once per
//! sign-in step.

use crate::auth::AuthOutcome;
use crate::{CoreError, CoreResult};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

/// The outcome of one sign-in step.
pub fn outcome_of(r: &CoreResult<AuthOutcome>) -> &'static str {
    match r {
        Ok(AuthOutcome::Tokens(_)) | Ok(AuthOutcome::SignedIn { .. }) => "success",
        Ok(AuthOutcome::Challenge { .. }) | Ok(AuthOutcome::Select { .. }) => "challenge",
        Err(CoreError::NotAuthorized(_)) | Err(CoreError::UserNotFound) | Err(CoreError::CodeMismatch(_)) => "denied",
        Err(CoreError::Internal(_)) | Err(CoreError::ExternalService(_)) => "error",
        Err(_) => "refused",
    }
}

/// A (name, outcome) label pair.
type Pair = (&'static str, &'static str);

/// The service's counters.
#[derive(Debug, Default)]
pub struct Telemetry {
    sign_ins: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    /// Trigger calls by (trigger, outcome): count and total microseconds.
    triggers: Mutex<BTreeMap<Pair, (u64, u64)>>,
    /// When this node last read the revocation feed (ms).
    last_sync_ms: AtomicI64,
}

impl Telemetry {
    /// Counts one sign-in step of `flow` (a flow name, or a challenge answered).
    pub fn sign_in(&self, flow: &'static str, outcome: &'static str) {
        let mut m = self.sign_ins.lock().unwrap_or_else(|p| p.into_inner());
        *m.entry((flow, outcome)).or_default() += 1;
    }

    /// (flow, outcome, count), sorted.
    pub fn sign_ins(&self) -> Vec<(&'static str, &'static str, u64)> {
        let m = self.sign_ins.lock().unwrap_or_else(|p| p.into_inner());
        m.iter().map(|((f, o), n)| (*f, *o, *n)).collect()
    }

    /// Counts one trigger call and its time (all attempts).
    pub fn trigger(&self, trigger: &'static str, outcome: &'static str, micros: u64) {
        let mut m = self.triggers.lock().unwrap_or_else(|p| p.into_inner());
        let e = m.entry((trigger, outcome)).or_default();
        e.0 += 1;
        e.1 += micros;
    }

    /// (trigger, outcome, calls, seconds), sorted.
    pub fn triggers(&self) -> Vec<(&'static str, &'static str, u64, f64)> {
        let m = self.triggers.lock().unwrap_or_else(|p| p.into_inner());
        m.iter().map(|((t, o), (n, us))| (*t, *o, *n, *us as f64 / 1e6)).collect()
    }

    /// When this node last read the revocation feed (ms; 0: not yet).
    pub fn last_sync(&self) -> i64 {
        self.last_sync_ms.load(Ordering::Relaxed)
    }

    /// Notes a successful read of the revocation feed.
    pub fn synced(&self, now: i64) {
        self.last_sync_ms.store(now, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_by_flow_and_outcome() {
        let t = super::Telemetry::default();
        t.sign_in("USER_PASSWORD_AUTH", "success");
        t.sign_in("USER_PASSWORD_AUTH", "success");
        t.sign_in("USER_SRP_AUTH", "denied");
        assert_eq!(t.sign_ins(), [("USER_PASSWORD_AUTH", "success", 2), ("USER_SRP_AUTH", "denied", 1)]);
    }
}

/// The gauges `/metrics` reads at each scrape.
#[derive(Debug, Clone)]
pub struct Gauges {
    /// Password hashes and checks waiting for a hasher slot, and running.
    pub hash_waiting: u64,
    pub hash_running: u64,
    /// Seconds since this node last read the revocation feed.
    pub revocation_lag_seconds: f64,
    /// Age of the key that signs tokens, in seconds.
    pub signing_key_age_seconds: f64,
    /// One store round trip (a primary-key read), in seconds.
    pub store_probe_seconds: f64,
    /// (pool name, open connections, idle connections).
    pub connections: Vec<(&'static str, u32, u32)>,
}

impl crate::Cognate {
    /// Reads the gauges (one store round trip).
    pub async fn gauges(&self) -> CoreResult<Gauges> {
        let now = cognate_model::now_millis();
        let started = std::time::Instant::now();
        self.store.get_meta("master_key_check").await?;
        let store_probe_seconds = started.elapsed().as_secs_f64();
        let (hash_waiting, hash_running) = self.hasher.queue();
        let last = self.telemetry.last_sync();
        Ok(Gauges {
            hash_waiting,
            hash_running,
            revocation_lag_seconds: if last == 0 { 0.0 } else { (now - last).max(0) as f64 / 1000.0 },
            signing_key_age_seconds: (now - self.keys.current().signing_since).max(0) as f64 / 1000.0,
            store_probe_seconds,
            connections: self.store.connections(),
        })
    }
}
