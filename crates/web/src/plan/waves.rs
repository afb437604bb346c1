//! Waves against the plan: each wave's planned and forecast go-live, the slip and the work
//! driving it, its scale index with the three factors, and a milestone timeline drawn as SVG
//! on the server with a table beside it as its text equivalent (`/plan/waves`); the same
//! as JSON (`/api/v1/plan/waves`, `/api/v1/waves/{id}/scale`). All of it is read from the
//! kept schedule: no wave is rescheduled per request.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::plan::go_live::GoLiveStatus;
use muster_domain::plan::outlook::{DrivingTask, WaveOutlook, WaveOutlooks};
use muster_domain::wave::scale::{
    COMPLEXITY_SCALE, SCOPE_SCALE, SIZE_SCALE, ScaleIndex, UsersBasis,
};

use super::gantt::{Tick, ticks};
use super::tasks::today;
use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::RecordId;
use crate::page::{Layout, render};
use crate::resource::Lookup;

/// May `actor` save a move of a site or module between waves? It changes the plan
/// (program-wide) and the waves' sites or modules, so it needs both rights: program leads
/// and administrators. Analysts, who update the plan's progress, may look at what-ifs only.
pub(crate) fn require_move(actor: &Actor) -> Result<(), AppError> {
    require_at(actor, Action::Update, Subject::Plan, Place::Program)?;
    require_at(actor, Action::Update, Subject::Wave, Place::Program)
}

pub(crate) fn may_move(actor: &Actor) -> bool {
    require_move(actor).is_ok()
}

/// `GET /api/v1/plan/waves`: every wave against the plan: planned and forecast go-live,
/// slip, status in words, the work driving it, milestones and scale index.
#[utoipa::path(get, path = "/api/v1/plan/waves", tag = "Plan",
    responses((status = 200, description = "every wave against the plan", body = WaveOutlooks), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn api_waves(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<WaveOutlooks>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Plan)?;
    Ok(Json(
        state
            .store
            .wave_outlooks(caller.actor.program_id, today())
            .await
            .map_err(AppError::from)?,
    ))
}

/// `GET /api/v1/waves/{id}/scale`: one wave's scale index (scope x size x complexity, each
/// with what earned its points), with its go-live forecast and milestones.
#[utoipa::path(get, path = "/api/v1/waves/{id}/scale", tag = "Plan",
    params(("id" = i64, Path, description = "the wave")),
    responses((status = 200, description = "the wave's scale index and forecast", body = WaveOutlook), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such wave", body = crate::error::Problem)))]
pub async fn api_scale(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<WaveOutlook>, ApiError> {
    require(&caller.actor, Action::Read, Subject::Plan)?;
    Ok(Json(
        state
            .store
            .wave_outlook(caller.actor.program_id, id, today())
            .await
            .map_err(AppError::from)?,
    ))
}

/// The timeline's drawing area, in SVG units (it scales to the page's width).
const WIDTH: f64 = 720.0;
const LEFT: f64 = 8.0;
const RIGHT: f64 = 8.0;
const HEIGHT: f64 = 64.0;
/// Where the milestones sit, from the top.
const LINE_Y: f64 = 40.0;

/// Where dates fall on the shared time axis of every wave's timeline.
pub struct Axis {
    start: NaiveDate,
    per_day: f64,
    pub ticks: Vec<Tick>,
}

impl Axis {
    /// An axis from a week before the earliest of `dates` to a week after the latest, marked
    /// by month, or by quarter beyond eighteen months.
    fn spanning(dates: impl Iterator<Item = NaiveDate>, today: NaiveDate) -> Axis {
        let (mut first, mut last) = (today, today);
        for d in dates {
            first = first.min(d);
            last = last.max(d);
        }
        let start = first - Days::new(7);
        let end = last + Days::new(7);
        let days = (end - start).num_days().max(1) as f64;
        let per_day = (WIDTH - LEFT - RIGHT) / days;
        let zoom = if days > 540.0 { "quarter" } else { "month" };
        let ticks = ticks(start, end, zoom, per_day)
            .into_iter()
            .map(|t| Tick {
                x: t.x + LEFT,
                label: t.label,
            })
            .collect();
        Axis {
            start,
            per_day,
            ticks,
        }
    }

    fn x(&self, d: NaiveDate) -> f64 {
        LEFT + (d - self.start).num_days() as f64 * self.per_day
    }
}

/// A milestone as the timeline and its table show it.
pub struct Mark {
    pub task_id: i64,
    pub name: String,
    pub x: f64,
    pub forecast: String,
    pub deadline: String,
    pub state: String,
    pub go_live: bool,
    pub site: String,
}

/// One wave, ready to show.
pub struct Card {
    pub id: i64,
    pub name: String,
    pub planned: String,
    pub forecast: String,
    /// "ok", "late", "live" or "none": the status's colour, repeated in words.
    pub tone: &'static str,
    pub status: &'static str,
    /// The status in words, as a sentence.
    pub words: String,
    pub slip: String,
    pub milestone: Option<(i64, String)>,
    /// The driving path, with the name of the wave of a task from another wave.
    pub driving: Vec<(DrivingTask, Option<String>)>,
    pub scale: ScaleIndex,
    pub modules: String,
    pub sites: Vec<(String, String)>,
    pub marks: Vec<Mark>,
    pub planned_x: f64,
    /// The slip drawn as a band from the planned date to the forecast.
    pub slip_band: Option<(f64, f64)>,
    /// The spoken summary of the timeline.
    pub summary: String,
    /// What the slip costs, once the cost of delay is known (see `GoLiveForecast::with_cost`).
    pub cost_of_slip: Option<String>,
}

fn slip_words(o: &WaveOutlook) -> String {
    let g = &o.go_live;
    match (g.status, g.slip_working_days) {
        (GoLiveStatus::NoMilestone, _) => "—".into(),
        (_, 0) => "none".into(),
        (_, n) => format!(
            "{}{} working day{} ({}{} calendar)",
            if n > 0 { "+" } else { "" },
            n,
            if n.abs() == 1 { "" } else { "s" },
            if g.slip_calendar_days > 0 { "+" } else { "" },
            g.slip_calendar_days
        ),
    }
}

/// "forecast 8 working days late" -> "Forecast 8 working days late".
fn sentence(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn card(o: &WaveOutlook, axis: &Axis, lookup: &Lookup, waves: &[WaveOutlook]) -> Card {
    let g = &o.go_live;
    let (tone, status) = match g.status {
        GoLiveStatus::OnTrack => ("ok", "On track"),
        GoLiveStatus::Late => ("late", "Late"),
        GoLiveStatus::Live => ("live", "Live"),
        GoLiveStatus::NoMilestone => ("none", "No go-live milestone"),
    };
    let marks = o
        .milestones
        .iter()
        .map(|m| Mark {
            task_id: m.task_id,
            name: m.name.clone(),
            x: axis.x(m.forecast),
            forecast: m.forecast.to_string(),
            deadline: m.deadline.map(|d| d.to_string()).unwrap_or_default(),
            state: if m.done {
                "reached".into()
            } else if m.late() {
                "late for its date".into()
            } else if m.critical {
                "on the critical path".into()
            } else {
                "has float".into()
            },
            go_live: m.go_live,
            site: lookup.site_name(m.site_id),
        })
        .collect();
    let sites = o
        .scale
        .sites
        .iter()
        .map(|s| {
            let basis = match s.basis {
                UsersBasis::Roster => "on the roster",
                UsersBasis::Expected => "expected (no roster yet)",
                UsersBasis::Unknown => "unknown: no roster and no expected users",
            };
            (
                s.name.clone(),
                format!("{} {basis}", crate::page::thousands(s.users.max(0) as u64)),
            )
        })
        .collect();
    let modules: Vec<String> = o
        .wave
        .module_ids
        .iter()
        .map(|&id| lookup.module_name(Some(id), ""))
        .collect();
    let planned_x = axis.x(g.planned);
    let forecast_x = g.forecast.map(|f| axis.x(f));
    let summary = match g.forecast {
        Some(f) => format!(
            "{}: {} milestone(s); planned go-live {}, forecast {}. The table below lists them.",
            o.wave.name,
            o.milestones.len(),
            g.planned,
            f
        ),
        None => format!(
            "{}: planned go-live {}; no go-live milestone in the plan.",
            o.wave.name, g.planned
        ),
    };
    Card {
        id: o.wave.id,
        name: o.wave.name.clone(),
        planned: g.planned.to_string(),
        forecast: g
            .forecast
            .map(|f| f.to_string())
            .unwrap_or_else(|| "—".into()),
        tone,
        status,
        words: sentence(&g.words),
        slip: slip_words(o),
        milestone: g.milestone_id.zip(g.milestone.clone()),
        driving: o
            .driving_path
            .iter()
            .map(|t| {
                let other = t
                    .wave_id
                    .filter(|&w| w != o.wave.id)
                    .and_then(|w| waves.iter().find(|x| x.wave.id == w))
                    .map(|x| x.wave.name.clone())
                    .filter(|name| !t.name.contains(name.as_str()));
                (t.clone(), other)
            })
            .collect(),
        scale: o.scale.clone(),
        modules: if modules.is_empty() {
            "none recorded".into()
        } else {
            modules.join(", ")
        },
        sites,
        marks,
        planned_x,
        slip_band: forecast_x
            .filter(|_| g.status == GoLiveStatus::Late)
            .map(|f| (planned_x, f - planned_x)),
        summary,
        cost_of_slip: g.cost_of_slip.map(|c| c.to_string()),
    }
}

#[derive(Template)]
#[template(path = "plan/waves.html")]
struct WavesPage {
    layout: Layout,
    view: WaveOutlooks,
    cards: Vec<Card>,
    ticks: Vec<Tick>,
    today_x: f64,
    width: f64,
    height: f64,
    line_y: f64,
    may_move: bool,
    late: usize,
    /// The three points scales in words.
    scales: (&'static str, &'static str, &'static str),
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::Plan)?;
    let view = state.store.wave_outlooks(actor.program_id, today()).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let axis = Axis::spanning(
        view.waves.iter().flat_map(|o| {
            o.milestones
                .iter()
                .map(|m| m.forecast)
                .chain(Some(o.go_live.planned))
                .chain(o.go_live.forecast)
        }),
        view.status_date,
    );
    let cards: Vec<Card> = view
        .waves
        .iter()
        .map(|o| card(o, &axis, &lookup, &view.waves))
        .collect();
    let page = WavesPage {
        layout: viewer.layout(
            "Waves against the plan",
            vec![
                ("Plan".into(), "/plan".into()),
                ("Waves".into(), "/plan/waves".into()),
            ],
        ),
        late: cards.iter().filter(|c| c.tone == "late").count(),
        today_x: axis.x(view.status_date),
        ticks: axis.ticks,
        cards,
        width: WIDTH,
        height: HEIGHT,
        line_y: LINE_Y,
        may_move: may_move(actor),
        scales: (SCOPE_SCALE, SIZE_SCALE, COMPLEXITY_SCALE),
        view,
    };
    render(&page, &viewer)
}
