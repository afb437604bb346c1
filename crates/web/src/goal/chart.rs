//! A KPI's series as a server-rendered SVG line chart: the monthly figures, the straight
//! line from baseline to target that the status is judged against, the target, and each
//! wave's go-live. The page shows the same figures as a table beside it.

use muster_domain::goal::benefits::{KpiView, first_day, month_label, month_of};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

pub struct Mark {
    pub x: String,
    pub label: String,
}

pub struct Tick {
    pub y: String,
    pub label: String,
}

pub struct Chart {
    pub id: String,
    pub title: String,
    /// One sentence saying what the chart shows, for screen readers.
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub bottom: String,
    pub left: f64,
    pub right: String,
    /// `points` of the series' polyline; empty without figures.
    pub series: String,
    pub dots: Vec<(String, String)>,
    /// The baseline-to-target line: x1 y1 x2 y2.
    pub expected: (String, String, String, String),
    pub target_y: String,
    pub go_lives: Vec<Mark>,
    pub years: Vec<Mark>,
    pub ticks: Vec<Tick>,
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

impl Chart {
    pub fn of(view: &KpiView) -> Chart {
        let g = &view.goal;
        let (first, last) = (view.first_month, view.last_month.max(view.first_month + 1));
        let x = |m: f64| LEFT + (m - first as f64) / (last - first) as f64 * (WIDTH - LEFT - RIGHT);
        let values = view
            .points
            .iter()
            .map(|p| p.value)
            .chain([g.baseline_value, g.target_value]);
        let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let pad = ((hi - lo) * 0.08).max(1e-9);
        let (lo, hi) = (lo - pad, hi + pad);
        let y = |v: f64| TOP + (hi - v) / (hi - lo) * (HEIGHT - TOP - BOTTOM);
        let day_x = |d: chrono::NaiveDate| {
            let m = month_of(d);
            let within = (d - first_day(m)).num_days() as f64 / 31.0;
            x(m as f64 + within)
        };
        let series = view
            .points
            .iter()
            .map(|p| format!("{},{}", f(x(p.month as f64)), f(y(p.value))))
            .collect::<Vec<_>>()
            .join(" ");
        let dots = view
            .points
            .iter()
            .map(|p| (f(x(p.month as f64)), f(y(p.value))))
            .collect();
        let clamp = |d: chrono::NaiveDate| d.max(first_day(first)).min(first_day(last));
        let (b, t) = (clamp(g.baseline_date), clamp(g.target_date));
        let expected = (
            f(day_x(b)),
            f(y(g.expected_on(b))),
            f(day_x(t)),
            f(y(g.expected_on(t))),
        );
        let go_lives = view
            .before_after
            .iter()
            .map(|w| Mark {
                x: f(day_x(clamp(w.go_live))),
                label: w.wave.clone(),
            })
            .collect();
        let years = (first..=last)
            .filter(|m| m.rem_euclid(12) == 0)
            .map(|m| Mark {
                x: f(x(m as f64)),
                label: month_label(m)[..4].to_owned(),
            })
            .collect();
        let ticks = [hi - pad, (hi + lo) / 2.0, lo + pad]
            .iter()
            .map(|&v| Tick {
                y: f(y(v)),
                label: g.unit.format(v),
            })
            .collect();
        let latest = view
            .points
            .last()
            .map(|p| {
                format!(
                    "latest {} in {}",
                    g.unit.format(p.value),
                    month_label(p.month)
                )
            })
            .unwrap_or_else(|| "no measurements yet".into());
        Chart {
            id: format!("chart-{}", g.id),
            title: format!("{}, monthly", g.name),
            desc: format!(
                "{} monthly figures from {} to {}, {latest}; baseline {}, target {} by {}; {}.",
                view.points.len(),
                month_label(first),
                month_label(last),
                g.unit.format(g.baseline_value),
                g.unit.format(g.target_value),
                g.target_date,
                view.status.label().to_lowercase()
            ),
            width: WIDTH,
            height: HEIGHT,
            bottom: f(HEIGHT - BOTTOM),
            left: LEFT,
            right: f(WIDTH - RIGHT),
            series,
            dots,
            expected,
            target_y: f(y(g.target_value)),
            go_lives,
            years,
            ticks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use muster_domain::goal::benefits::{BeforeAfter, MonthPoint};
    use muster_domain::goal::{Direction, Goal, GoalStatus, KpiUnit};
    use muster_domain::money::Cents;

    #[test]
    fn the_chart_places_the_series_inside_its_frame_and_marks_each_go_live() {
        let goal = Goal {
            id: 3,
            name: "CPOE adoption".into(),
            definition: None,
            unit: KpiUnit::Percent,
            direction: Direction::Higher,
            baseline_value: 40.0,
            baseline_date: "2026-01-01".parse().unwrap(),
            target_value: 90.0,
            target_date: "2027-01-01".parse().unwrap(),
            owner_person_id: None,
            value_per_year: Cents(0),
            site_ids: vec![],
        };
        let m0 = month_of(goal.baseline_date);
        let view = KpiView {
            status: GoalStatus::OnTrack,
            points: vec![
                MonthPoint {
                    month: m0,
                    value: 40.0,
                    sites: 2,
                },
                MonthPoint {
                    month: m0 + 6,
                    value: 70.0,
                    sites: 2,
                },
            ],
            before_after: vec![BeforeAfter::of(
                &goal,
                1,
                "Wave 1",
                "2026-04-01".parse().unwrap(),
                &[],
            )],
            first_month: m0,
            last_month: m0 + 12,
            goal,
        };
        let chart = Chart::of(&view);
        assert_eq!(chart.dots.len(), 2);
        for (x, y) in &chart.dots {
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!(
                (LEFT..=WIDTH - RIGHT).contains(&x),
                "x {x} inside the frame"
            );
            assert!(
                (TOP..=HEIGHT - BOTTOM).contains(&y),
                "y {y} inside the frame"
            );
        }
        assert_eq!(chart.go_lives[0].label, "Wave 1");
        assert_eq!(
            chart
                .years
                .iter()
                .map(|m| m.label.as_str())
                .collect::<Vec<_>>(),
            ["2026", "2027"]
        );
        assert!(chart.desc.contains("latest 70% in 2026-07"));
    }
}
