//! SLA clocks: response and resolution targets per priority, paused while the ticket waits
//! on its requester. Due times move forward by the time spent paused.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Priority;
use crate::draft::{number_as_text, overlay};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaPolicy {
    pub id: i64,
    pub priority: Priority,
    /// Minutes from opening to the first response by support.
    pub response_minutes: i64,
    /// Minutes from opening to resolution, not counting time waiting on the requester.
    pub resolve_minutes: i64,
}

/// An SLA policy as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SlaPolicyDraft {
    /// p1, p2, p3 or p4
    pub priority: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub response_minutes: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub resolve_minutes: Option<String>,
}

/// A valid SLA policy: resolution is never due before the first response.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaPolicySpec {
    pub priority: Priority,
    pub response_minutes: i64,
    pub resolve_minutes: i64,
}

/// Minutes: a whole number from 1 to `max`.
fn minutes(raw: String, max: i64) -> Result<i64, String> {
    let trimmed = raw.trim();
    let value: i64 = trimmed
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a whole number of minutes"))?;
    if value < 1 {
        return Err("must be at least 1 minute".into());
    }
    crate::text::count(value, max)
}

impl SlaPolicyDraft {
    pub fn parse(self) -> Result<SlaPolicySpec, Invalid> {
        let mut v = Validator::new();
        let priority = v.required("priority", self.priority, |s| Priority::parse(&s));
        let response = v.required("response_minutes", self.response_minutes, |s| {
            minutes(s, 100_000)
        });
        let resolve = v.required("resolve_minutes", self.resolve_minutes, |s| {
            minutes(s, 1_000_000)
        });
        if let (Some(response), Some(resolve)) = (response, resolve)
            && resolve < response
        {
            v.push("resolve_minutes", "must be at least the response target");
        }
        v.finish(|| SlaPolicySpec {
            priority: priority.unwrap(),
            response_minutes: response.unwrap(),
            resolve_minutes: resolve.unwrap(),
        })
    }

    pub fn over(self, base: SlaPolicyDraft) -> SlaPolicyDraft {
        SlaPolicyDraft {
            priority: overlay(base.priority, self.priority),
            response_minutes: overlay(base.response_minutes, self.response_minutes),
            resolve_minutes: overlay(base.resolve_minutes, self.resolve_minutes),
        }
    }
}

impl From<&SlaPolicy> for SlaPolicyDraft {
    fn from(p: &SlaPolicy) -> Self {
        SlaPolicyDraft {
            priority: Some(p.priority.code().into()),
            response_minutes: Some(p.response_minutes.to_string()),
            resolve_minutes: Some(p.resolve_minutes.to_string()),
        }
    }
}

/// Targets when a program has not set its own: (priority, response, resolution) minutes.
pub const DEFAULT_TARGETS: &[(Priority, i64, i64)] = &[
    (Priority::P1, 15, 4 * 60),
    (Priority::P2, 30, 8 * 60),
    (Priority::P3, 4 * 60, 2 * 24 * 60),
    (Priority::P4, 8 * 60, 5 * 24 * 60),
];

/// The targets for `priority`: the program's policy, else the default.
pub fn targets(policies: &[SlaPolicy], priority: Priority) -> (Duration, Duration) {
    let (response, resolve) = policies
        .iter()
        .find(|p| p.priority == priority)
        .map(|p| (p.response_minutes, p.resolve_minutes))
        .or_else(|| {
            DEFAULT_TARGETS
                .iter()
                .find(|(p, _, _)| *p == priority)
                .map(|&(_, a, b)| (a, b))
        })
        .expect("every priority has a default");
    (Duration::minutes(response), Duration::minutes(resolve))
}

/// A ticket's clock as stored: due times, the pause, what has been met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    pub response_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    pub paused_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub response_breached: bool,
    pub resolve_breached: bool,
}

impl Timers {
    pub fn start(opened_at: DateTime<Utc>, targets: (Duration, Duration)) -> Self {
        Timers {
            response_due_at: opened_at + targets.0,
            resolve_due_at: opened_at + targets.1,
            paused_at: None,
            responded_at: None,
            resolved_at: None,
            response_breached: false,
            resolve_breached: false,
        }
    }

    /// New targets (the priority changed): due times counted again from opening, keeping
    /// any time spent paused.
    pub fn retarget(
        &mut self,
        opened_at: DateTime<Utc>,
        old: (Duration, Duration),
        new: (Duration, Duration),
    ) {
        let paused_so_far = self.resolve_due_at - (opened_at + old.1);
        self.response_due_at = opened_at + new.0 + paused_so_far;
        self.resolve_due_at = opened_at + new.1 + paused_so_far;
    }

    pub fn pause(&mut self, now: DateTime<Utc>) {
        if self.paused_at.is_none() {
            self.paused_at = Some(now);
        }
    }

    pub fn resume(&mut self, now: DateTime<Utc>) {
        if let Some(since) = self.paused_at.take() {
            let held = (now - since).max(Duration::zero());
            if self.responded_at.is_none() {
                self.response_due_at += held;
            }
            self.resolve_due_at += held;
        }
    }

    /// Records the first response; late is a breach.
    pub fn respond(&mut self, now: DateTime<Utc>) {
        if self.responded_at.is_none() {
            self.responded_at = Some(now);
            if now > self.response_due_at {
                self.response_breached = true;
            }
        }
    }

    pub fn resolve(&mut self, now: DateTime<Utc>) {
        self.respond(now);
        self.resume(now);
        self.resolved_at = Some(now);
        if now > self.resolve_due_at {
            self.resolve_breached = true;
        }
    }

    /// Breaches that have happened by `now` and are not yet recorded: (response, resolution).
    pub fn new_breaches(&self, now: DateTime<Utc>) -> (bool, bool) {
        let running = self.paused_at.is_none();
        (
            running
                && !self.response_breached
                && self.responded_at.is_none()
                && now > self.response_due_at,
            running
                && !self.resolve_breached
                && self.resolved_at.is_none()
                && now > self.resolve_due_at,
        )
    }

    /// How the clock reads at `now`.
    pub fn read(&self, now: DateTime<Utc>) -> Clock {
        let at = self.paused_at.unwrap_or(now);
        let left = |due: DateTime<Utc>| (due - at).num_seconds();
        let response_left = self
            .responded_at
            .is_none()
            .then(|| left(self.response_due_at));
        let resolve_left = self
            .resolved_at
            .is_none()
            .then(|| left(self.resolve_due_at));
        Clock {
            response_due_at: self.response_due_at,
            resolve_due_at: self.resolve_due_at,
            response_left_seconds: response_left,
            resolve_left_seconds: resolve_left,
            paused: self.paused_at.is_some(),
            response_breached: self.response_breached || response_left.is_some_and(|s| s < 0),
            resolve_breached: self.resolve_breached || resolve_left.is_some_and(|s| s < 0),
        }
    }
}

/// What a ticket's SLA clock shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clock {
    pub response_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    /// Seconds left to respond (negative: overdue); `None` once responded.
    pub response_left_seconds: Option<i64>,
    /// Seconds left to resolve (negative: overdue); `None` once resolved.
    pub resolve_left_seconds: Option<i64>,
    /// Stopped while waiting on the requester.
    pub paused: bool,
    pub response_breached: bool,
    pub resolve_breached: bool,
}

impl Clock {
    /// "2 h 05 min left", "35 min overdue", "met", for people.
    pub fn describe(left: Option<i64>) -> String {
        let Some(seconds) = left else {
            return "met".into();
        };
        let minutes = seconds.abs() / 60;
        let text = if minutes >= 24 * 60 {
            format!("{} d {} h", minutes / (24 * 60), minutes % (24 * 60) / 60)
        } else if minutes >= 60 {
            format!("{} h {:02} min", minutes / 60, minutes % 60)
        } else {
            format!("{minutes} min")
        };
        if seconds < 0 {
            format!("{text} overdue")
        } else {
            format!("{text} left")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn waiting_on_the_requester_stops_the_clock() {
        let mut timers = Timers::start(t0(), (Duration::minutes(15), Duration::hours(4)));
        timers.respond(t0() + Duration::minutes(5));
        timers.pause(t0() + Duration::hours(1));
        let clock = timers.read(t0() + Duration::hours(10));
        assert!(clock.paused);
        assert_eq!(clock.resolve_left_seconds, Some(3 * 3600));
        assert!(!clock.resolve_breached);
        timers.resume(t0() + Duration::hours(10));
        assert_eq!(timers.resolve_due_at, t0() + Duration::hours(13));
        assert_eq!(
            timers.new_breaches(t0() + Duration::hours(12)),
            (false, false)
        );
        assert_eq!(
            timers.new_breaches(t0() + Duration::hours(14)),
            (false, true)
        );
    }

    #[test]
    fn a_late_response_and_a_late_resolution_are_breaches() {
        let mut timers = Timers::start(t0(), (Duration::minutes(15), Duration::hours(4)));
        timers.respond(t0() + Duration::minutes(20));
        assert!(timers.response_breached);
        timers.resolve(t0() + Duration::hours(5));
        assert!(timers.resolve_breached);
        assert_eq!(timers.read(t0()).resolve_left_seconds, None);
    }

    #[test]
    fn clocks_read_for_people() {
        assert_eq!(Clock::describe(Some(7_500)), "2 h 05 min left");
        assert_eq!(Clock::describe(Some(-2_100)), "35 min overdue");
        assert_eq!(Clock::describe(Some(90_000)), "1 d 1 h left");
        assert_eq!(Clock::describe(None), "met");
    }

    #[test]
    fn a_policy_resolves_no_sooner_than_it_responds() {
        let draft = |response: &str, resolve: &str| SlaPolicyDraft {
            priority: Some("p1".into()),
            response_minutes: Some(response.into()),
            resolve_minutes: Some(resolve.into()),
        };
        assert_eq!(draft("15", "240").parse().unwrap().resolve_minutes, 240);
        let err = draft("60", "30").parse().unwrap_err();
        assert!(err.message_for("resolve_minutes").is_some());
        let err = draft("0", "100001").parse().unwrap_err();
        assert!(err.message_for("response_minutes").is_some());
        assert!(draft("100001", "100001").parse().is_err());
    }

    #[test]
    fn a_program_policy_overrides_the_default() {
        let policies = [SlaPolicy {
            id: 1,
            priority: Priority::P2,
            response_minutes: 10,
            resolve_minutes: 60,
        }];
        assert_eq!(
            targets(&policies, Priority::P2),
            (Duration::minutes(10), Duration::hours(1))
        );
        assert_eq!(
            targets(&policies, Priority::P1),
            (Duration::minutes(15), Duration::hours(4))
        );
    }

    proptest! {
        /// However a ticket is paused and resumed, the time it may run before its resolution
        /// is due stays the target: paused time never counts.
        #[test]
        fn paused_time_never_counts(pauses in prop::collection::vec((0i64..600, 0i64..600), 0..8)) {
            let target = Duration::hours(8);
            let mut timers = Timers::start(t0(), (Duration::minutes(30), target));
            let mut now = t0();
            let mut paused_total = Duration::zero();
            for (run, hold) in pauses {
                now += Duration::minutes(run);
                timers.pause(now);
                now += Duration::minutes(hold);
                timers.resume(now);
                paused_total += Duration::minutes(hold);
            }
            prop_assert_eq!(timers.resolve_due_at, t0() + target + paused_total);
        }
    }
}
