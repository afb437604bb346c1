//! The benefits dashboard: every KPI against its baseline and target, program-wide or for
//! one site or wave, with each wave's go-live marked and the averages before and after it;
//! off-track KPIs first. `/benefits` and `GET /api/v1/benefits`.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::goal::benefits::{KpiView, month_label};
use muster_domain::goal::status::TOLERANCE;
use muster_store::goal::SeriesOf;
use serde::{Deserialize, Serialize};

use super::chart::Chart;
use crate::AppState;
use crate::access::require;
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::plan::tasks::today;
use crate::resource::{Lookup, filter_id, options_with};
use crate::wave::wave_choice;

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct BenefitsQuery {
    /// one site's measurements only
    pub site_id: Option<String>,
    /// the sites of one wave only
    pub wave_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BenefitsView {
    /// Off-track KPIs first, then by name. Months are `year * 12 + month - 1`.
    pub kpis: Vec<KpiView>,
    pub off_track: usize,
}

fn series_of(q: &BenefitsQuery) -> Result<SeriesOf, AppError> {
    let site = filter_id("site_id", &q.site_id)?;
    let wave = filter_id("wave_id", &q.wave_id)?;
    Ok(match (site, wave) {
        (Some(_), Some(_)) => {
            return Err(AppError::Invalid(muster_domain::Invalid::one(
                "wave_id",
                "choose a site or a wave, not both",
            )));
        }
        (Some(s), None) => SeriesOf::Site(s),
        (None, Some(w)) => SeriesOf::Wave(w),
        (None, None) => SeriesOf::Program,
    })
}

async fn view(
    state: &AppState,
    actor: &Actor,
    q: &BenefitsQuery,
) -> Result<BenefitsView, AppError> {
    require(actor, Action::Read, Subject::Goal)?;
    require(actor, Action::Read, Subject::Measurement)?;
    let of = series_of(q)?;
    let benefits = state.store.benefits(actor, of, today()).await?;
    let off_track = benefits
        .kpis
        .iter()
        .filter(|k| k.status.is_off_track())
        .count();
    Ok(BenefitsView {
        kpis: benefits.kpis,
        off_track,
    })
}

/// `GET /api/v1/benefits`
#[utoipa::path(get, path = "/api/v1/benefits", tag = "Goals", params(BenefitsQuery),
    responses((status = 200, description = "each KPI's monthly series, status and before/after each go-live", body = BenefitsView), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "a bad site or wave", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<BenefitsQuery>,
) -> Result<Json<BenefitsView>, ApiError> {
    Ok(Json(view(&state, &caller.actor, &q).await?))
}

pub struct WaveRow {
    pub wave: String,
    pub go_live: String,
    pub before: String,
    pub after: String,
    pub change: &'static str,
}

pub struct Kpi {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub off_track: bool,
    pub baseline: String,
    pub target: String,
    pub latest: String,
    pub chart: Chart,
    pub waves: Vec<WaveRow>,
    pub points: Vec<(String, String)>,
}

impl Kpi {
    fn of(k: &KpiView) -> Kpi {
        let g = &k.goal;
        let fmt = |v: Option<f64>| v.map_or("—".to_owned(), |v| g.unit.format(v));
        Kpi {
            id: g.id,
            name: g.name.clone(),
            status: k.status.label().to_owned(),
            off_track: k.status.is_off_track(),
            baseline: format!("{} on {}", g.unit.format(g.baseline_value), g.baseline_date),
            target: format!("{} by {}", g.unit.format(g.target_value), g.target_date),
            latest: k.points.last().map_or("no data".into(), |p| {
                format!("{} ({})", g.unit.format(p.value), month_label(p.month))
            }),
            chart: Chart::of(k),
            waves: k
                .before_after
                .iter()
                .map(|b| WaveRow {
                    wave: b.wave.clone(),
                    go_live: b.go_live.to_string(),
                    before: fmt(b.before),
                    after: fmt(b.after),
                    change: match b.improved {
                        Some(true) => "Better",
                        Some(false) => "Worse",
                        None => "—",
                    },
                })
                .collect(),
            points: k
                .points
                .iter()
                .map(|p| (month_label(p.month), g.unit.format(p.value)))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "goal/benefits.html")]
struct BenefitsPage {
    layout: Layout,
    filters: Vec<Field>,
    kpis: Vec<Kpi>,
    off_track: Vec<(i64, String, String)>,
    tolerance: String,
    may_create: bool,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<BenefitsQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let v = view(&state, actor, &q).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let waves = state.store.all_waves(actor.program_id).await?;
    let kpis: Vec<Kpi> = v.kpis.iter().map(Kpi::of).collect();
    let off_track = kpis
        .iter()
        .filter(|k| k.off_track)
        .map(|k| (k.id, k.name.clone(), k.latest.clone()))
        .collect();
    let filters = vec![
        lookup.site_filter(&q.site_id),
        Field::new(
            "wave_id",
            "Wave",
            FieldKind::Select(options_with(
                Some("Any wave"),
                waves.iter().map(wave_choice),
            )),
            q.wave_id.as_deref(),
        ),
    ];
    let page = BenefitsPage {
        layout: viewer.layout(
            "Benefits",
            vec![
                (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
                ("Benefits".into(), "/benefits".into()),
            ],
        ),
        filters,
        kpis,
        off_track,
        tolerance: format!("{:.0}%", TOLERANCE * 100.0),
        may_create: actor.may(Action::Create, Subject::Goal),
    };
    render(&page, &viewer)
}
