//! Whether a goal is on track, by a rule simple enough to explain on the page:
//!
//! - No measurement: **no data**.
//! - Before the target date: the latest measurement is compared with the straight line from
//!   the baseline (value and date) to the target (value and date), read at the
//!   measurement's period. It is **on track** when it is at least as good as that line,
//!   given the direction, less a tolerance of a tenth of the distance from baseline to
//!   target (a go-live dip of that size is expected and not flagged); otherwise **off
//!   track**. Before the baseline date the line is the baseline.
//! - On or after the target date: **met** when the latest measurement is at least as good
//!   as the target, otherwise **missed**.
//!
//! Met counts as on track and missed as off track wherever only the three are shown.

use chrono::NaiveDate;
use serde::Serialize;

use super::Goal;

/// The share of the baseline-to-target distance a measurement may trail the line by.
pub const TOLERANCE: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    OnTrack,
    OffTrack,
    Met,
    Missed,
    NoData,
}

impl GoalStatus {
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::OnTrack => "On track",
            GoalStatus::OffTrack => "Off track",
            GoalStatus::Met => "Met",
            GoalStatus::Missed => "Missed",
            GoalStatus::NoData => "No data",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            GoalStatus::OnTrack => "on_track",
            GoalStatus::OffTrack => "off_track",
            GoalStatus::Met => "met",
            GoalStatus::Missed => "missed",
            GoalStatus::NoData => "no_data",
        }
    }

    /// Off track or missed: what the dashboard flags.
    pub fn is_off_track(self) -> bool {
        matches!(self, GoalStatus::OffTrack | GoalStatus::Missed)
    }
}

impl Goal {
    /// The straight line from baseline to target, read on `day`; flat before the baseline
    /// and after the target.
    pub fn expected_on(&self, day: NaiveDate) -> f64 {
        let span = (self.target_date - self.baseline_date).num_days().max(1) as f64;
        let gone = (day - self.baseline_date).num_days() as f64;
        let share = (gone / span).clamp(0.0, 1.0);
        self.baseline_value + (self.target_value - self.baseline_value) * share
    }

    /// The status of a goal whose latest measurement is `latest` (period, value).
    pub fn status(&self, latest: Option<(NaiveDate, f64)>) -> GoalStatus {
        let Some((period, value)) = latest else {
            return GoalStatus::NoData;
        };
        if period >= self.target_date {
            return if self.direction.meets(value, self.target_value) {
                GoalStatus::Met
            } else {
                GoalStatus::Missed
            };
        }
        let slack = (self.target_value - self.baseline_value).abs() * TOLERANCE;
        let line = self.expected_on(period);
        let mark = match self.direction {
            super::Direction::Higher => line - slack,
            super::Direction::Lower => line + slack,
        };
        if self.direction.meets(value, mark) {
            GoalStatus::OnTrack
        } else {
            GoalStatus::OffTrack
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::testing::goal;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_line_runs_from_baseline_to_target() {
        // Scanning rate 70% on 2026-01-01 to 95% on 2027-01-01.
        let g = goal();
        assert_eq!(g.expected_on(day("2025-06-01")), 70.0);
        assert!((g.expected_on(day("2026-07-02")) - 82.5).abs() < 0.1);
        assert_eq!(g.expected_on(day("2028-01-01")), 95.0);
    }

    #[test]
    fn a_measurement_behind_the_line_by_more_than_the_tolerance_is_off_track() {
        let g = goal();
        let mid = day("2026-07-02");
        assert_eq!(g.status(None), GoalStatus::NoData);
        assert_eq!(g.status(Some((mid, 83.0))), GoalStatus::OnTrack);
        // 2.5 points of slack (a tenth of 25): 80.1 is within it, 79 is not.
        assert_eq!(g.status(Some((mid, 80.1))), GoalStatus::OnTrack);
        assert_eq!(g.status(Some((mid, 79.0))), GoalStatus::OffTrack);
        assert!(GoalStatus::OffTrack.is_off_track());
    }

    #[test]
    fn after_the_target_date_a_goal_is_met_or_missed() {
        let g = goal();
        assert_eq!(g.status(Some((day("2027-02-01"), 95.0))), GoalStatus::Met);
        assert_eq!(
            g.status(Some((day("2027-01-01"), 94.9))),
            GoalStatus::Missed
        );
        assert!(GoalStatus::Missed.is_off_track());
    }

    #[test]
    fn lower_is_better_goals_read_the_other_way() {
        let mut g = goal();
        g.direction = super::super::Direction::Lower;
        g.baseline_value = 52.0;
        g.target_value = 40.0;
        let mid = day("2026-07-02");
        // Line about 46, slack 1.2: 47 is on track, 48 is not.
        assert_eq!(g.status(Some((mid, 47.0))), GoalStatus::OnTrack);
        assert_eq!(g.status(Some((mid, 48.0))), GoalStatus::OffTrack);
        assert_eq!(g.status(Some((day("2027-03-01"), 39.0))), GoalStatus::Met);
    }
}
