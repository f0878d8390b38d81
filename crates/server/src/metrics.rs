//! Per-operation counters the front door keeps for every API: calls, client errors, server
//! errors, time spent, and a latency histogram per status class. Lock-free (one row of
//! atomics per operation); read by whatever exports metrics.

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
    /// Answers by status class (2xx, 4xx, 5xx) and latency bucket ([`BUCKETS`], then +Inf);
    /// not cumulative.
    pub histogram: [[AtomicU64; BUCKETS.len() + 1]; 3],
    /// Time in microseconds by status class.
    pub class_micros: [AtomicU64; 3],
}

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];
/// The status classes, in the histogram's order.
pub const CLASSES: [&str; 3] = ["2xx", "4xx", "5xx"];

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
        let micros = elapsed.as_micros() as u64;
        s.calls.fetch_add(1, Ordering::Relaxed);
        s.micros.fetch_add(micros, Ordering::Relaxed);
        let class = match status {
            400..=499 => {
                s.client_errors.fetch_add(1, Ordering::Relaxed);
                1
            }
            500.. => {
                s.server_errors.fetch_add(1, Ordering::Relaxed);
                2
            }
            _ => 0,
        };
        let secs = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|b| secs <= *b).unwrap_or(BUCKETS.len());
        s.histogram[class][bucket].fetch_add(1, Ordering::Relaxed);
        s.class_micros[class].fetch_add(micros, Ordering::Relaxed);
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
        assert_eq!(o.histogram[1][0].load(Relaxed), 1, "5 µs is in the first bucket");
        s.observe(1, 200, std::time::Duration::from_secs(9));
        assert_eq!(o.histogram[0][super::BUCKETS.len()].load(Relaxed), 1, "+Inf");
    }
}
