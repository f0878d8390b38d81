//! Equal answer times. When a client prevents user-existence errors, an unknown user gets a
//! simulated answer (a code "sent", a code "wrong"); it must not come back faster or slower than
//! the real one, or the time tells what the answer hides. The service keeps a running median of
//! how long each kind of real answer takes (a "frugal" streaming estimate: one step toward each
//! sample) and holds a simulated one until that much time has passed, with a little jitter, on
//! every node independently.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A kind of answer whose real and simulated forms must take as long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// ForgotPassword sent a code.
    ResetCodeSent = 0,
    /// ResendConfirmationCode sent a code.
    SignUpCodeSent = 1,
    /// ConfirmSignUp refused a code.
    SignUpCodeRefused = 2,
    /// ConfirmForgotPassword refused a code.
    ResetCodeRefused = 3,
}

const KINDS: usize = 4;
/// No simulated answer waits longer than this, whatever a slow mail server did to the average.
const MAX_PAD: Duration = Duration::from_secs(3);

/// The timer wakes on the first millisecond tick after a deadline, and a woken task waits its
/// turn: the sleep ends this much early, and the rest is spent yielding to other tasks.
const TIMER_SLACK: Duration = Duration::from_micros(1500);

/// Running medians of real answer times, in microseconds (0: none seen yet).
#[derive(Debug, Default)]
pub(crate) struct Equalizer {
    median_us: [AtomicU64; KINDS],
}

impl Equalizer {
    /// Records how long a real answer took: the estimate moves one step (1/32 of itself, at
    /// least 20 µs) toward the sample, which settles on the median.
    pub fn record(&self, answer: Answer, took: Duration) {
        let slot = &self.median_us[answer as usize];
        let sample = took.as_micros().min(u64::MAX as u128) as u64;
        let old = slot.load(Ordering::Relaxed);
        let new = if old == 0 {
            sample
        } else {
            let step = (old / 32).max(20);
            if sample > old {
                old + step.min(sample - old)
            } else {
                old - step.min(old - sample)
            }
        };
        slot.store(new.max(1), Ordering::Relaxed);
    }

    /// Waits until a simulated answer begun at `started` has taken as long as a real one
    /// typically does, give or take 10%.
    pub async fn pad(&self, answer: Answer, started: Instant) {
        let median = self.median_us[answer as usize].load(Ordering::Relaxed);
        if median == 0 {
            return;
        }
        let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0.9..1.1);
        let target = Duration::from_micros((median as f64 * jitter) as u64).min(MAX_PAD);
        let deadline = started + target;
        tokio::time::sleep_until((deadline - target.min(TIMER_SLACK)).into()).await;
        while Instant::now() < deadline {
            tokio::task::yield_now().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn simulated_answers_take_as_long_as_real_ones() {
        let e = Equalizer::default();
        let t = Instant::now();
        e.pad(Answer::ResetCodeSent, t).await;
        assert!(t.elapsed() < Duration::from_millis(5), "no data: no wait");
        for i in 0..200 {
            // Mostly 30 ms, sometimes a slow one: the median stays near 30.
            e.record(Answer::ResetCodeSent, Duration::from_millis(if i % 5 == 0 { 300 } else { 30 }));
        }
        let t = Instant::now();
        e.pad(Answer::ResetCodeSent, t).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(25) && waited < Duration::from_millis(60), "{waited:?}");
        // The other kind has its own average.
        let t = Instant::now();
        e.pad(Answer::SignUpCodeRefused, t).await;
        assert!(t.elapsed() < Duration::from_millis(5));
    }
}
