//! Exponential backoff with full jitter and a cap (the AWS Architecture Blog's "full
//! jitter": sleep a uniform random time in `[0, min(cap, base · 2^attempt)]`), so many
//! senders recovering from the same outage do not retry in lockstep. A server's
//! `Retry-After` is a floor on top of that.

use std::time::Duration;

use rand::Rng;

/// The longest `Retry-After` we honour; beyond it the server is probably wrong.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Backoff parameters for one sink.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Ceiling of the first wait.
    pub initial: Duration,
    /// Largest ceiling.
    pub cap: Duration,
}

impl Backoff {
    /// The ceiling for the given attempt (0-based), before jitter.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.cap)
    }

    /// How long to wait before the next attempt.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling(attempt);
        let jittered = rand::thread_rng().gen_range(Duration::ZERO..=ceiling);
        match retry_after {
            Some(floor) => jittered.max(floor.min(MAX_RETRY_AFTER)),
            None => jittered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_up_to_the_cap_and_jitters_below_it() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        assert_eq!(b.ceiling(0), Duration::from_millis(100));
        assert_eq!(b.ceiling(3), Duration::from_millis(800));
        assert_eq!(b.ceiling(4), Duration::from_secs(1));
        assert_eq!(b.ceiling(1000), Duration::from_secs(1));
        let delays: Vec<_> = (0..200).map(|_| b.delay(10, None)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(1)));
        assert!(
            delays.iter().any(|d| *d < Duration::from_millis(500)),
            "no jitter"
        );
    }

    #[test]
    fn retry_after_is_a_floor() {
        let b = Backoff {
            initial: Duration::from_millis(1),
            cap: Duration::from_millis(2),
        };
        assert!(b.delay(0, Some(Duration::from_secs(2))) >= Duration::from_secs(2));
    }
}
