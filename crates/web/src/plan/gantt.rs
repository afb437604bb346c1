//! The Gantt chart: an SVG drawn on the server, a page of tasks at a time, the critical path
//! marked (colour and a pattern, and named in each bar's title), the status date as a line,
//! zoomed to weeks, months or quarters. The schedule table (`/plan`) is its text equivalent.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Days, NaiveDate};
use muster_domain::plan::PlanRow;
use serde::Deserialize;

use super::schedule::{filter_fields, view};
use super::tasks::TaskQuery;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::PageError;
use crate::form::{Field, Params};
use crate::page::{Layout, render};
use crate::resource::Lookup;

/// How wide a day is at each zoom, in pixels.
fn day_width(zoom: &str) -> f64 {
    match zoom {
        "week" => 18.0,
        "quarter" => 1.6,
        _ => 5.0,
    }
}

/// Bars start at the left edge: the task names are in the table beside the chart.
const LABEL_WIDTH: f64 = 0.0;
const ROW: f64 = 24.0;
const HEADER: f64 = 28.0;

#[derive(Debug, Default, Deserialize)]
pub struct GanttQuery {
    #[serde(flatten)]
    pub schedule: TaskQuery,
    /// week, month or quarter
    pub zoom: Option<String>,
}

pub struct Bar {
    pub id: i64,
    pub name: String,
    pub y: f64,
    pub x: f64,
    pub width: f64,
    pub kind: &'static str,
    pub title: String,
    pub indent: u16,
    /// The baseline's bar beneath, (x, width), when compared and the task was in it.
    pub baseline: Option<(f64, f64)>,
}

pub struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "plan/gantt.html")]
struct GanttPage {
    layout: Layout,
    bars: Vec<Bar>,
    ticks: Vec<Tick>,
    width: f64,
    height: f64,
    today_x: Option<f64>,
    zoom: String,
    zooms: Vec<(&'static str, &'static str)>,
    query: String,
    next_href: Option<String>,
    total: u64,
    error: Option<String>,
    filters: Vec<Field>,
    compared: bool,
}

fn bar(r: &PlanRow, y: f64, start: NaiveDate, per_day: f64) -> Bar {
    let s = &r.schedule;
    let x = |d: NaiveDate| LABEL_WIDTH + (d - start).num_days() as f64 * per_day;
    let kind = if r.task.milestone {
        "milestone"
    } else if r.summary {
        "summary"
    } else if s.done {
        "done"
    } else if s.critical {
        "critical"
    } else {
        "task"
    };
    let left = x(s.early_start);
    let right = x(s.early_finish) + per_day;
    let baseline = r.variance.as_ref().map(|v| {
        let (l, r) = (x(v.baseline.start), x(v.baseline.finish) + per_day);
        (l, (r - l).max(2.0))
    });
    let compared = match &r.variance {
        Some(v) => format!(
            "; baseline {} to {}, finish {:+} working day(s)",
            v.baseline.start, v.baseline.finish, v.finish_variance
        ),
        None => String::new(),
    };
    Bar {
        id: r.task.id,
        name: r.task.name.clone(),
        y,
        x: left,
        width: (right - left).max(2.0),
        kind,
        title: format!(
            "{}: {} to {}, total float {} day(s){}{compared}",
            r.task.name,
            s.early_start,
            s.early_finish,
            s.total_float,
            if s.critical {
                ", on the critical path"
            } else {
                ""
            }
        ),
        indent: r.depth,
        baseline,
    }
}

/// Tick marks along the top: every Monday at week zoom, every month's first day at month
/// zoom, every quarter's first day at quarter zoom.
pub(crate) fn ticks(start: NaiveDate, end: NaiveDate, zoom: &str, per_day: f64) -> Vec<Tick> {
    let mut out = Vec::new();
    let mut d = start;
    while d <= end {
        let mark = match zoom {
            "week" => (d.weekday() == chrono::Weekday::Mon).then(|| d.format("%-d %b").to_string()),
            "quarter" => (d.day() == 1 && (d.month() - 1).is_multiple_of(3))
                .then(|| format!("Q{} {}", (d.month() - 1) / 3 + 1, d.year())),
            _ => (d.day() == 1).then(|| d.format("%b %Y").to_string()),
        };
        if let Some(label) = mark {
            out.push(Tick {
                x: LABEL_WIDTH + (d - start).num_days() as f64 * per_day,
                label,
            });
        }
        d = d + Days::new(1);
    }
    out
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<GanttQuery>,
) -> Result<Response, PageError> {
    let zoom = q
        .zoom
        .as_deref()
        .filter(|z| matches!(*z, "week" | "quarter"))
        .unwrap_or("month");
    let per_day = day_width(zoom);
    let view = view(&state, &viewer.actor, &q.schedule, 50).await?;
    let rows = &view.tasks.items;
    let base = |r: &PlanRow| r.variance.as_ref().map(|v| v.baseline);
    let first = rows
        .iter()
        .flat_map(|r| [Some(r.schedule.early_start), base(r).map(|b| b.start)])
        .flatten()
        .min();
    let last = rows
        .iter()
        .flat_map(|r| [Some(r.schedule.early_finish), base(r).map(|b| b.finish)])
        .flatten()
        .max();
    let (start, end) = match (first, last) {
        (Some(f), Some(l)) => (f - Days::new(7), l + Days::new(7)),
        _ => (view.status_date, view.status_date + Days::new(30)),
    };
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| bar(r, HEADER + k as f64 * ROW, start, per_day))
        .collect();
    let width = LABEL_WIDTH + ((end - start).num_days() + 1) as f64 * per_day;
    let today = view.status_date;
    let query = q.schedule.filters_query();
    let lookup = Lookup::load(&state.store, viewer.actor.program_id).await?;
    let filters = filter_fields(&state, &viewer.actor, &q.schedule, &lookup).await?;
    let page = GanttPage {
        filters,
        compared: rows.iter().any(|r| r.variance.is_some()),
        layout: viewer.layout(
            "Gantt chart",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Gantt chart".into(), "/plan/gantt".into()),
            ],
        ),
        ticks: ticks(start, end, zoom, per_day),
        height: HEADER + bars.len().max(1) as f64 * ROW + 4.0,
        today_x: (today >= start && today <= end)
            .then(|| LABEL_WIDTH + (today - start).num_days() as f64 * per_day),
        bars,
        width,
        zoom: zoom.to_owned(),
        zooms: vec![
            ("week", "Weeks"),
            ("month", "Months"),
            ("quarter", "Quarters"),
        ],
        next_href: view
            .tasks
            .next_cursor
            .as_ref()
            .map(|c| format!("/plan/gantt?{query}&zoom={zoom}&cursor={c}")),
        query,
        total: view.tasks.total,
        error: view.error,
    };
    render(&page, &viewer)
}
