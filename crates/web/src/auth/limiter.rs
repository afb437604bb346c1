//! Sign-in attempt limits, per account and per address, so that a password cannot be
//! guessed by brute force. Kept in memory: one server process guards its own door.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct LoginLimiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Duration::from_secs(15 * 60), 5, 20)
    }
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        LoginLimiter {
            window,
            per_account,
            per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when either the account or the address has failed too often.
    pub fn check(&self, email: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        let mut wait = 0;
        for (key, max) in [
            (account_key(email), self.per_account),
            (address_key(address), self.per_address),
        ] {
            if let Some(times) = failures.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < self.window);
                if times.len() >= max {
                    let oldest = times[0];
                    wait = wait.max((self.window - now.duration_since(oldest)).as_secs() + 1);
                }
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn record_failure(&self, email: &str, address: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        if failures.len() > 100_000 {
            // Bound memory under a spray of distinct keys: forget the stale ones.
            failures.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        failures.entry(account_key(email)).or_default().push(now);
        failures.entry(address_key(address)).or_default().push(now);
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn record_success(&self, email: &str) {
        self.failures
            .lock()
            .expect("limiter lock")
            .remove(&account_key(email));
    }
}

fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_too_many_failures_from_anywhere() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        for i in 0..3 {
            assert!(limiter.check("a@x.org", &format!("10.0.0.{i}")).is_ok());
            limiter.record_failure("a@x.org", &format!("10.0.0.{i}"));
        }
        assert!(limiter.check("A@x.org", "10.0.0.9").is_err());
        assert!(limiter.check("b@x.org", "10.0.0.9").is_ok());
    }

    #[test]
    fn an_address_is_locked_after_spraying_many_accounts() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 100, 3);
        for i in 0..3 {
            limiter.record_failure(&format!("u{i}@x.org"), "10.0.0.1");
        }
        assert!(limiter.check("new@x.org", "10.0.0.1").is_err());
        assert!(limiter.check("new@x.org", "10.0.0.2").is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 2, 100);
        limiter.record_failure("a@x.org", "1");
        limiter.record_failure("a@x.org", "1");
        limiter.record_success("a@x.org");
        assert!(limiter.check("a@x.org", "2").is_ok());
    }
}
