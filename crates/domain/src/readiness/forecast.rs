//! Will a site be trained in time? From how fast people have been completing their required
//! training lately, project completion at go-live, and the date the threshold would be met.

use chrono::{Days, NaiveDate};
use serde::Serialize;

/// People complete on a day (cumulative), one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub day: NaiveDate,
    pub complete: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Forecast {
    /// People whose training is required, and how many have completed it.
    pub required: i64,
    pub complete: i64,
    pub percent_now: f64,
    /// Completions per day over the recent window.
    pub per_day: f64,
    pub percent_at_go_live: f64,
    /// The threshold is met by go-live at this pace.
    pub meets: bool,
    /// When the threshold is (or was) met at this pace; `None`: never, at this pace.
    pub meets_on: Option<NaiveDate>,
}

/// How many recent days the pace is measured over.
pub const WINDOW_DAYS: u64 = 28;

/// Projects `history` (ascending by day, cumulative) to `go_live`.
pub fn forecast(
    history: &[Progress],
    required: i64,
    today: NaiveDate,
    go_live: NaiveDate,
    threshold_percent: f64,
) -> Forecast {
    let complete_on = |day: NaiveDate| {
        history
            .iter()
            .take_while(|p| p.day <= day)
            .last()
            .map_or(0, |p| p.complete)
    };
    let complete = complete_on(today);
    let window_start = today - Days::new(WINDOW_DAYS);
    let per_day = (complete - complete_on(window_start)).max(0) as f64 / WINDOW_DAYS as f64;
    let percent = |n: f64| {
        if required <= 0 {
            100.0
        } else {
            (n / required as f64 * 100.0).min(100.0)
        }
    };
    let days_left = (go_live - today).num_days().max(0) as f64;
    let needed = (threshold_percent / 100.0 * required as f64).ceil();
    let meets_on = if complete as f64 >= needed {
        Some(today)
    } else if per_day > 0.0 {
        let days = ((needed - complete as f64) / per_day).ceil() as u64;
        Some(today + Days::new(days))
    } else {
        None
    };
    Forecast {
        required,
        complete,
        percent_now: round1(percent(complete as f64)),
        per_day: round1(per_day),
        percent_at_go_live: round1(percent(complete as f64 + per_day * days_left)),
        meets: meets_on.is_some_and(|d| d <= go_live),
        meets_on,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A site's forecast for the go-live of one of its waves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteForecast {
    pub wave_id: i64,
    pub wave: String,
    pub go_live: NaiveDate,
    pub site_id: i64,
    pub site: String,
    pub forecast: Forecast,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + Days::new(n)
    }

    /// `per_day` people a day from day 0 to `until`.
    fn steady(per_day: i64, until: u64) -> Vec<Progress> {
        (0..=until)
            .map(|d| Progress {
                day: day(d),
                complete: per_day * d as i64,
            })
            .collect()
    }

    #[test]
    fn a_site_on_pace_meets_the_threshold_before_go_live() {
        let f = forecast(&steady(10, 40), 1_000, day(40), day(100), 90.0);
        assert_eq!((f.complete, f.percent_now, f.per_day), (400, 40.0, 10.0));
        assert_eq!(f.percent_at_go_live, 100.0);
        assert_eq!(f.meets_on, Some(day(90)));
        assert!(f.meets);
    }

    #[test]
    fn a_lagging_site_is_flagged_with_the_date_it_would_meet_the_threshold() {
        let f = forecast(&steady(5, 40), 1_000, day(40), day(100), 90.0);
        assert_eq!(f.percent_at_go_live, 50.0);
        assert!(!f.meets);
        assert_eq!(f.meets_on, Some(day(40 + 140)));
    }

    #[test]
    fn no_recent_progress_never_meets_and_a_met_threshold_is_met_today() {
        let mut stalled = steady(10, 20);
        stalled.push(Progress {
            day: day(60),
            complete: 200,
        });
        let f = forecast(&stalled, 1_000, day(60), day(100), 90.0);
        assert_eq!((f.per_day, f.meets_on, f.meets), (0.0, None, false));
        let done = forecast(&steady(50, 20), 1_000, day(20), day(100), 90.0);
        assert_eq!((done.meets_on, done.meets), (Some(day(20)), true));
    }

    #[test]
    fn the_pace_is_measured_over_the_recent_window_only() {
        // Fast early, slow lately: the recent pace decides.
        let mut history = steady(20, 30);
        for d in 31..=60 {
            history.push(Progress {
                day: day(d),
                complete: 600 + (d as i64 - 30),
            });
        }
        let f = forecast(&history, 1_000, day(60), day(100), 90.0);
        assert_eq!(f.per_day, 1.0);
        assert!(!f.meets);
    }
}
