//! The benefits dashboard's arithmetic: months as numbers, a goal's monthly figure (the
//! program-wide measurement when there is one, else the mean of its sites'), the averages
//! before and after each wave's go-live, and the summary the program dashboard shows.
//!
//! The store aggregates per goal and month in SQL; only these monthly figures (goals x
//! months, not measurements) reach this module.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Goal, GoalId, GoalStatus};
use crate::money::Cents;

/// Months counted from year 0: `year * 12 + month - 1`. Stored beside each measurement so
/// that both databases group by it without date functions.
pub fn month_of(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 12 + i64::from(day.month0())
}

/// The first day of month `m`.
pub fn first_day(m: i64) -> NaiveDate {
    let year = m.div_euclid(12) as i32;
    let month = m.rem_euclid(12) as u32 + 1;
    NaiveDate::from_ymd_opt(year, month, 1).expect("a month index maps to a real month")
}

/// "2026-05".
pub fn month_label(m: i64) -> String {
    first_day(m).format("%Y-%m").to_string()
}

/// The months the dashboard shows after a go-live, at least.
pub const MONTHS_AFTER: i64 = 24;
/// The months before a go-live its "before" average covers.
pub const MONTHS_BEFORE: i64 = 12;

/// A goal's figure for one month: the program-wide measurement when one was taken, else
/// the unweighted mean of the sites' (every site counts alike, whatever its size).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthPoint {
    pub month: i64,
    pub value: f64,
    /// Sites measured that month (0 for a program-wide figure).
    pub sites: i64,
}

impl MonthPoint {
    /// Chooses between the month's program-wide mean and its sites' mean.
    pub fn from_means(
        month: i64,
        program: Option<f64>,
        sites_mean: Option<f64>,
        sites: i64,
    ) -> Option<MonthPoint> {
        match (program, sites_mean) {
            (Some(value), _) => Some(MonthPoint {
                month,
                value,
                sites: 0,
            }),
            (None, Some(value)) => Some(MonthPoint {
                month,
                value,
                sites,
            }),
            (None, None) => None,
        }
    }
}

/// The mean of `points` whose month falls in `from..to`.
pub fn mean_between(points: &[MonthPoint], from: i64, to: i64) -> Option<f64> {
    let (sum, n) = points
        .iter()
        .filter(|p| p.month >= from && p.month < to)
        .fold((0.0, 0usize), |(s, n), p| (s + p.value, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// A wave's go-live seen from one goal: the mean of the 12 months before it and of the 24
/// months from it, over the wave's sites.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BeforeAfter {
    pub wave_id: i64,
    pub wave: String,
    pub go_live: NaiveDate,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// After compared with before, in the goal's direction: true when it improved.
    pub improved: Option<bool>,
}

impl BeforeAfter {
    pub fn of(
        goal: &Goal,
        wave_id: i64,
        wave: &str,
        go_live: NaiveDate,
        points: &[MonthPoint],
    ) -> Self {
        let m = month_of(go_live);
        let before = mean_between(points, m - MONTHS_BEFORE, m);
        let after = mean_between(points, m, m + MONTHS_AFTER);
        let improved = match (before, after) {
            (Some(b), Some(a)) if a != b => Some(goal.direction.meets(a, b)),
            _ => None,
        };
        BeforeAfter {
            wave_id,
            wave: wave.to_owned(),
            go_live,
            before,
            after,
            improved,
        }
    }
}

/// One KPI on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiView {
    pub goal: Goal,
    pub status: GoalStatus,
    /// Monthly figures, oldest first.
    pub points: Vec<MonthPoint>,
    pub before_after: Vec<BeforeAfter>,
    /// The months the chart spans: from the first figure (or 12 months before the first
    /// go-live) to at least 24 months after the last go-live.
    pub first_month: i64,
    pub last_month: i64,
}

impl KpiView {
    /// `go_lives`: the waves shown (id, name, go-live), `per_wave`: each wave's monthly
    /// figures over its sites.
    pub fn build(
        goal: Goal,
        points: Vec<MonthPoint>,
        go_lives: &[(i64, String, NaiveDate)],
        per_wave: &dyn Fn(i64) -> Vec<MonthPoint>,
        today: NaiveDate,
    ) -> KpiView {
        let latest = points.last().map(|p| (first_day(p.month), p.value));
        let status = goal.status(latest);
        let before_after = go_lives
            .iter()
            .map(|(id, name, day)| BeforeAfter::of(&goal, *id, name, *day, &per_wave(*id)))
            .collect();
        let first_go_live = go_lives.iter().map(|g| month_of(g.2)).min();
        let last_go_live = go_lives.iter().map(|g| month_of(g.2)).max();
        let first_month = points
            .first()
            .map(|p| p.month)
            .into_iter()
            .chain(first_go_live.map(|m| m - MONTHS_BEFORE))
            .min()
            .unwrap_or_else(|| month_of(today) - MONTHS_BEFORE);
        let last_month = points
            .last()
            .map(|p| p.month)
            .into_iter()
            .chain(last_go_live.map(|m| m + MONTHS_AFTER))
            .chain([month_of(goal.target_date)])
            .max()
            .unwrap_or_else(|| month_of(today));
        KpiView {
            goal,
            status,
            points,
            before_after,
            first_month,
            last_month,
        }
    }
}

/// A goal flagged on the program dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OffTrackGoal {
    pub goal_id: GoalId,
    pub name: String,
    pub status: GoalStatus,
    /// The latest monthly figure, in the unit ("81.5%").
    pub latest: String,
    pub latest_month: String,
    pub target: String,
    pub target_date: NaiveDate,
}

/// Goals by status, for the program dashboard's panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalSummary {
    /// On track or met.
    pub on_track: i64,
    /// Off track or missed.
    pub off_track: i64,
    pub no_data: i64,
    pub off_track_goals: Vec<OffTrackGoal>,
}

impl GoalSummary {
    /// Each goal with its latest monthly figure (month, value), if any.
    pub fn of(goals: &[(Goal, Option<(i64, f64)>)]) -> GoalSummary {
        let mut summary = GoalSummary::default();
        for (goal, latest) in goals {
            let status = goal.status(latest.map(|(m, v)| (first_day(m), v)));
            match status {
                GoalStatus::NoData => summary.no_data += 1,
                s if s.is_off_track() => {
                    summary.off_track += 1;
                    let (m, v) = latest.expect("off track has a figure");
                    summary.off_track_goals.push(OffTrackGoal {
                        goal_id: goal.id,
                        name: goal.name.clone(),
                        status,
                        latest: goal.unit.format(v),
                        latest_month: month_label(m),
                        target: goal.unit.format(goal.target_value),
                        target_date: goal.target_date,
                    });
                }
                _ => summary.on_track += 1,
            }
        }
        summary
    }
}

/// The goals' value a delay postpones (see `docs/architecture.md`, "Benefit goals"): goals
/// worth something a year that concern a site of a wave not yet live, or are program-wide
/// while some wave is not yet live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GoalsPostponed {
    pub goals: i64,
    pub per_year: Cents,
}

impl GoalsPostponed {
    pub fn per_day(self) -> Cents {
        super::per_day(self.per_year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::testing::goal;

    fn pt(month: i64, value: f64) -> MonthPoint {
        MonthPoint {
            month,
            value,
            sites: 3,
        }
    }

    #[test]
    fn months_count_from_year_zero_and_come_back_as_their_first_day() {
        let d: NaiveDate = "2026-05-17".parse().unwrap();
        let m = month_of(d);
        assert_eq!(m, 2026 * 12 + 4);
        assert_eq!(first_day(m).to_string(), "2026-05-01");
        assert_eq!(month_label(m + 8), "2027-01");
    }

    #[test]
    fn the_program_wide_figure_wins_over_the_sites_mean() {
        assert_eq!(
            MonthPoint::from_means(5, Some(80.0), Some(70.0), 4)
                .unwrap()
                .value,
            80.0
        );
        let sites = MonthPoint::from_means(5, None, Some(70.0), 4).unwrap();
        assert_eq!((sites.value, sites.sites), (70.0, 4));
        assert!(MonthPoint::from_means(5, None, None, 0).is_none());
    }

    #[test]
    fn before_and_after_average_the_year_before_and_two_years_from_go_live() {
        let g = goal();
        let live: NaiveDate = "2026-07-01".parse().unwrap();
        let m = month_of(live);
        let points = vec![
            pt(m - 13, 10.0), // outside the year before
            pt(m - 2, 70.0),
            pt(m - 1, 72.0),
            pt(m, 60.0), // the go-live dip counts as after
            pt(m + 5, 90.0),
            pt(m + 24, 99.0), // past the 24 months
        ];
        let ba = BeforeAfter::of(&g, 1, "Wave 1", live, &points);
        assert_eq!(ba.before, Some(71.0));
        assert_eq!(ba.after, Some(75.0));
        assert_eq!(ba.improved, Some(true));
    }

    #[test]
    fn the_chart_spans_at_least_two_years_after_the_last_go_live() {
        let g = goal();
        let live: NaiveDate = "2026-07-01".parse().unwrap();
        let m = month_of(live);
        let view = KpiView::build(
            g,
            vec![pt(m - 3, 70.0), pt(m + 2, 85.0)],
            &[(1, "Wave 1".into(), live)],
            &|_| vec![],
            live,
        );
        assert_eq!(view.first_month, m - MONTHS_BEFORE);
        assert_eq!(view.last_month, m + MONTHS_AFTER);
        assert_eq!(view.status, GoalStatus::OnTrack);
    }

    #[test]
    fn the_summary_counts_goals_by_status_and_lists_the_off_track() {
        let g = goal();
        let m = month_of("2026-07-01".parse().unwrap());
        let mut late = goal();
        late.id = 2;
        late.name = "CPOE adoption".into();
        let summary = GoalSummary::of(&[
            (g.clone(), Some((m, 84.0))),
            (late, Some((m, 60.0))),
            (g, None),
        ]);
        assert_eq!(
            (summary.on_track, summary.off_track, summary.no_data),
            (1, 1, 1)
        );
        let off = &summary.off_track_goals[0];
        assert_eq!(
            (off.name.as_str(), off.latest.as_str(), off.target.as_str()),
            ("CPOE adoption", "60%", "95%")
        );
    }
}
