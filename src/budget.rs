//! The retry budget: a token bucket per client that every retry draws from
//! and every success refills, so that when Bandwidth is failing a fleet of
//! clients stops multiplying its load (the AWS SDKs' retry quota).
//!
//! A full bucket holds `capacity` tokens (default 500). A retry costs 5, or
//! 10 after a timeout (the costliest failure to repeat); a call that
//! succeeds puts 1 back. An empty bucket means no more retries: each call
//! then makes one attempt, until successes refill it. With the defaults,
//! 100 retries in a row without a success drain it, and 5 successes pay for
//! one retry again.

use std::sync::atomic::{AtomicU32, Ordering};

/// Capacity when the configuration leaves it unset.
pub const DEFAULT_CAPACITY: u32 = 500;
/// The capacity that turns the budget off: retries limited only by
/// `max_attempts` and the time budget.
pub const OFF: u32 = u32::MAX;
/// Tokens a retry takes.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout takes.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a successful call puts back.
pub const SUCCESS_REFUND: u32 = 1;

/// A client's retry budget; `None` capacity means unlimited (off).
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    capacity: Option<u32>,
}

impl RetryBudget {
    pub fn new(capacity: Option<u32>) -> RetryBudget {
        RetryBudget {
            tokens: AtomicU32::new(capacity.unwrap_or(0)),
            capacity,
        }
    }

    /// Takes the tokens for one retry; false (nothing taken) when there
    /// are not enough.
    pub fn try_retry(&self, after_timeout: bool) -> bool {
        if self.capacity.is_none() {
            return true;
        }
        let cost = if after_timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// A call succeeded: refill a little, up to the capacity.
    pub fn on_success(&self) {
        if let Some(capacity) = self.capacity {
            let _ = self
                .tokens
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                    (t < capacity).then(|| (t + SUCCESS_REFUND).min(capacity))
                });
        }
    }

    /// Tokens left; `None` when the budget is off.
    pub fn tokens(&self) -> Option<u32> {
        self.capacity.map(|_| self.tokens.load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_drain_the_bucket_and_successes_refill_it() {
        let budget = RetryBudget::new(Some(DEFAULT_CAPACITY));
        let mut retries = 0;
        while budget.try_retry(false) {
            retries += 1;
        }
        assert_eq!(retries, DEFAULT_CAPACITY / RETRY_COST);
        assert_eq!(budget.tokens(), Some(0));
        for _ in 0..RETRY_COST - 1 {
            budget.on_success();
            assert!(!budget.try_retry(false));
        }
        budget.on_success();
        assert!(budget.try_retry(false), "5 successes pay for a retry");
        assert!(!budget.try_retry(false));
        for _ in 0..TIMEOUT_RETRY_COST {
            budget.on_success();
        }
        assert!(budget.try_retry(true), "10 for a retry after a timeout");
        assert_eq!(budget.tokens(), Some(0));
    }

    #[test]
    fn the_bucket_never_overflows_and_off_means_unlimited() {
        let budget = RetryBudget::new(Some(10));
        for _ in 0..100 {
            budget.on_success();
        }
        assert_eq!(budget.tokens(), Some(10));
        let off = RetryBudget::new(None);
        assert!((0..10_000).all(|_| off.try_retry(true)));
        assert_eq!(off.tokens(), None);
    }
}
