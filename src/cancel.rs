//! Cancelling a call that is running: it makes no further attempt and
//! stops waiting to retry.

use crate::jobs::lock;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Lets a running call stop early: no further attempt, no more waiting.
#[derive(Debug, Default)]
pub struct Cancel {
    set: Mutex<bool>,
    wake: Condvar,
}

impl Cancel {
    /// Whether the call was cancelled.
    pub fn is_set(&self) -> bool {
        *lock(&self.set)
    }

    /// Cancels: the call makes no further attempt and stops waiting.
    pub fn set(&self) {
        *lock(&self.set) = true;
        self.wake.notify_all();
    }

    /// Sleeps for `duration` unless cancelled first; false when cancelled.
    pub fn sleep(&self, duration: Duration) -> bool {
        let until = Instant::now() + duration;
        let mut set = lock(&self.set);
        while !*set {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            set = self
                .wake
                .wait_timeout(set, left)
                .map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_cancelled_sleep_returns_early() {
        let cancel = Arc::new(Cancel::default());
        let setter = {
            let cancel = Arc::clone(&cancel);
            std::thread::spawn(move || cancel.set())
        };
        // Would take an hour unless cancelled.
        assert!(!cancel.sleep(Duration::from_secs(3600)));
        setter.join().unwrap();
        assert!(Cancel::default().sleep(Duration::from_millis(1)));
    }
}
