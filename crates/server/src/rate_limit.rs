//! Per-address token buckets for what anyone may call without credentials: the public
//! operations of the APIs (sign-in, sign-up, recovery, identity pools' GetId…) and the hosted
//! UI's forms. An address over its rate gets `TooManyRequestsException` before any work is done,
//! so one address flooding sign-ins cannot take the password hashing every other address needs;
//! a flood on one user from many addresses meets that user's lockout, which refuses before
//! hashing. Each node keeps its own buckets (an address spread over N nodes by a load balancer
//! gets at most N times the rate); the lockout is in the store and exact across nodes.
//!
//! Loopback addresses are not limited: they are local tools and benchmarks, or a proxy that is
//! not in `COGNATE_TRUSTED_PROXIES`, whose clients would otherwise share one bucket.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SHARDS: usize = 16;
/// Addresses remembered per shard; beyond it, full buckets are forgotten (then, at worst, all).
const PER_SHARD: usize = 8192;

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by client address.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    shards: Vec<Mutex<HashMap<IpAddr, Bucket>>>,
}

impl RateLimiter {
    /// `rate` requests a second with bursts of `burst`; `None` when `rate` is 0 (off).
    pub fn new(rate: f64, burst: f64) -> Option<Self> {
        (rate > 0.0).then(|| Self {
            rate,
            burst: burst.max(1.0),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        })
    }

    fn shard(&self, ip: &IpAddr) -> &Mutex<HashMap<IpAddr, Bucket>> {
        let h = match ip {
            IpAddr::V4(v4) => u32::from(*v4) as usize,
            IpAddr::V6(v6) => (u128::from(*v6) >> 64) as usize,
        };
        &self.shards[h.wrapping_mul(0x9E37_79B9) >> 7 & (SHARDS - 1)]
    }

    /// Takes a token for `ip`; `Err(wait)` when it has none left.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        if ip.is_loopback() || cognate_model::net::canonical(ip).is_loopback() {
            return Ok(());
        }
        self.take(ip, Instant::now())
    }

    fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut map = self.shard(&ip).lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= PER_SHARD && !map.contains_key(&ip) {
            let (rate, burst) = (self.rate, self.burst);
            map.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
            if map.len() >= PER_SHARD {
                map.clear();
            }
        }
        let b = map.entry(ip).or_insert(Bucket { tokens: self.burst, at: now });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * self.rate).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.rate))
        }
    }
}

/// The answer to an address over its rate (the AWS error shape).
pub fn too_many(wait: Duration) -> cognate_aws_protocol::WireError {
    cognate_aws_protocol::WireError {
        code: "TooManyRequestsException",
        message: format!(
            "Too many requests from this address; try again in {:.1} seconds.",
            wait.as_secs_f64().max(0.1)
        ),
        status: 400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_burst_then_its_rate_and_others_are_untouched() {
        let l = RateLimiter::new(10.0, 5.0).unwrap();
        let (a, b): (IpAddr, IpAddr) = ("198.51.100.1".parse().unwrap(), "198.51.100.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(l.take(a, t0).is_ok());
        }
        let wait = l.take(a, t0).unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        assert!(l.take(b, t0).is_ok(), "another address has its own bucket");
        assert!(l.take(a, t0 + Duration::from_millis(110)).is_ok(), "refilled at the rate");
        assert!(l.take(a, t0 + Duration::from_millis(110)).is_err());
        assert!(l.check("127.0.0.1".parse().unwrap()).is_ok());
        assert!(RateLimiter::new(0.0, 5.0).is_none());
    }

    #[test]
    fn memory_stays_bounded() {
        let l = RateLimiter::new(1.0, 2.0).unwrap();
        let t0 = Instant::now();
        for i in 0..(PER_SHARD * SHARDS * 3) as u32 {
            let _ = l.take(IpAddr::V4((0x0A00_0000 + i).into()), t0);
        }
        let total: usize = l.shards.iter().map(|s| s.lock().unwrap().len()).sum();
        assert!(total <= PER_SHARD * SHARDS, "{total}");
    }
}
