//! Equal answer times. When a client prevents user-existence errors, an unknown user gets a
//! simulated answer (a code "sent", a code "wrong"); it must not come back faster than the real
//! one, or the time tells what the answer hides. The service keeps a moving average of how long
//! each kind of real answer takes and holds a simulated one until that much time has passed
//! (with a little jitter), on every node independently.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A kind of answer whose real and simulated forms must take as long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A code was sent (ForgotPassword, ResendConfirmationCode).
    CodeSent = 0,
    /// A code was refused (ConfirmSignUp, ConfirmForgotPassword).
    CodeRefused = 1,
}

const KINDS: usize = 2;
/// No simulated answer waits longer than this, whatever a slow mail server did to the average.
const MAX_PAD: Duration = Duration::from_secs(3);

/// Moving averages of real answer times, in microseconds (0: none seen yet).
#[derive(Debug, Default)]
pub(crate) struct Equalizer {
    mean_us: [AtomicU64; KINDS],
}

impl Equalizer {
    /// Records how long a real answer took (an exponential moving average, weight 1/8).
    pub fn record(&self, answer: Answer, took: Duration) {
        let slot = &self.mean_us[answer as usize];
        let sample = took.as_micros().min(u64::MAX as u128) as u64;
        let old = slot.load(Ordering::Relaxed);
        let new = if old == 0 { sample } else { old - old / 8 + sample / 8 };
        slot.store(new.max(1), Ordering::Relaxed);
    }

    /// Waits until a simulated answer begun at `started` has taken as long as a real one does
    /// on average, give or take 10%.
    pub async fn pad(&self, answer: Answer, started: Instant) {
        let mean = self.mean_us[answer as usize].load(Ordering::Relaxed);
        if mean == 0 {
            return;
        }
        let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0.9..1.1);
        let target = Duration::from_micros((mean as f64 * jitter) as u64).min(MAX_PAD);
        tokio::time::sleep_until((started + target).into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn simulated_answers_take_as_long_as_real_ones() {
        let e = Equalizer::default();
        let t = Instant::now();
        e.pad(Answer::CodeSent, t).await;
        assert!(t.elapsed() < Duration::from_millis(5), "no data: no wait");
        for _ in 0..20 {
            e.record(Answer::CodeSent, Duration::from_millis(30));
        }
        let t = Instant::now();
        e.pad(Answer::CodeSent, t).await;
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(26) && waited < Duration::from_millis(60), "{waited:?}");
        // The other kind has its own average.
        let t = Instant::now();
        e.pad(Answer::CodeRefused, t).await;
        assert!(t.elapsed() < Duration::from_millis(5));
    }
}
