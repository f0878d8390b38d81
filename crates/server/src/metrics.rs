//! Per-operation counters the front door keeps for every API: calls, client errors, server
//! errors and time spent. Lock-free (one row of atomics per operation); read by whatever
//! exports metrics.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// One operation's counters.
#[derive(Debug, Default)]
pub struct OpStats {
    /// Calls answered.
    pub calls: AtomicU64,
    /// 4xx answers.
    pub client_errors: AtomicU64,
    /// 5xx answers.
    pub server_errors: AtomicU64,
    /// Total time in microseconds.
    pub micros: AtomicU64,
}

/// The counters of one API, indexed like its operation list.
#[derive(Debug)]
pub struct ApiStats {
    ops: Vec<OpStats>,
}

impl ApiStats {
    /// Counters for `n` operations.
    pub fn new(n: usize) -> Self {
        Self { ops: (0..n).map(|_| OpStats::default()).collect() }
    }

    /// Records one answer.
    pub fn observe(&self, op: usize, status: u16, elapsed: Duration) {
        let Some(s) = self.ops.get(op) else { return };
        s.calls.fetch_add(1, Ordering::Relaxed);
        s.micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        match status {
            400..=499 => s.client_errors.fetch_add(1, Ordering::Relaxed),
            500.. => s.server_errors.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
    }

    /// The counters of operation `op`.
    pub fn get(&self, op: usize) -> Option<&OpStats> {
        self.ops.get(op)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_by_status_class() {
        let s = super::ApiStats::new(2);
        s.observe(1, 200, std::time::Duration::from_micros(5));
        s.observe(1, 400, std::time::Duration::from_micros(5));
        s.observe(1, 500, std::time::Duration::from_micros(5));
        s.observe(9, 200, std::time::Duration::ZERO);
        let o = s.get(1).unwrap();
        use std::sync::atomic::Ordering::Relaxed;
        assert_eq!((o.calls.load(Relaxed), o.client_errors.load(Relaxed), o.server_errors.load(Relaxed)), (3, 1, 1));
        assert_eq!(o.micros.load(Relaxed), 15);
    }
}
