//! The training dashboard: completion by site and job role as a heat map (colour and
//! text, with a legend), a drill-down from each cell to the people behind it and what they
//! miss, and the "suggest follow-ups" action for a site.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use muster_domain::access::{AccessRole, Action, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::paging::Cursor;
use muster_domain::person::JobRole;
use muster_domain::provisioning::Requirement;
use muster_domain::site::Site;
use muster_domain::training::follow_up::Suggested;
use muster_domain::training::progress::{Band, Behind, CompletionCell, percent};
use muster_store::Change;
use muster_store::training::TrainingCell;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{HtmlForm, Params};
use crate::page::{Layout, redirect_with_flash, render};
use crate::resource::api::ApiJson;
use crate::resource::{Lookup, filter_id, filter_value};

pub struct HeatCell {
    pub text: String,
    pub detail: String,
    pub band: &'static str,
    pub href: Option<String>,
}

pub struct HeatRow {
    pub site: String,
    pub cells: Vec<HeatCell>,
}

#[derive(Template)]
#[template(path = "training/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    roles: Vec<JobRole>,
    rows: Vec<HeatRow>,
    bands: Vec<Band>,
}

fn heat(complete: i64, people: i64, href: Option<String>) -> HeatCell {
    match percent(complete, people) {
        Some(p) => HeatCell {
            text: format!("{p}%"),
            detail: format!("{complete} of {people}"),
            band: Band::of(p).code(),
            href,
        },
        None => HeatCell {
            text: "—".into(),
            detail: "nobody".into(),
            band: "none",
            href: None,
        },
    }
}

/// The heat map's rows (sites by name) and columns (roles with a curriculum).
fn matrix(cells: &[CompletionCell], sites: &[Site]) -> (Vec<JobRole>, Vec<HeatRow>) {
    let roles: Vec<JobRole> = JobRole::ALL
        .iter()
        .copied()
        .filter(|r| cells.iter().any(|c| c.job_role == *r))
        .collect();
    let mut places: Vec<(Option<i64>, String)> = sites
        .iter()
        .filter(|s| cells.iter().any(|c| c.site_id == Some(s.id)))
        .map(|s| (Some(s.id), s.name.clone()))
        .collect();
    if cells.iter().any(|c| c.site_id.is_none()) {
        places.push((None, "No site".into()));
    }
    let rows = places
        .into_iter()
        .map(|(site, name)| {
            let of_site: Vec<&CompletionCell> =
                cells.iter().filter(|c| c.site_id == site).collect();
            let mut row: Vec<HeatCell> = roles
                .iter()
                .map(|role| {
                    let cell = of_site.iter().find(|c| c.job_role == *role);
                    let (done, people) = cell.map_or((0, 0), |c| (c.complete, c.people));
                    let site_param = site.map(|s| s.to_string()).unwrap_or_default();
                    heat(
                        done,
                        people,
                        Some(format!(
                            "/training/cells?site_id={site_param}&job_role={}",
                            role.code()
                        )),
                    )
                })
                .collect();
            let done: i64 = of_site.iter().map(|c| c.complete).sum();
            let people: i64 = of_site.iter().map(|c| c.people).sum();
            row.push(heat(done, people, None));
            HeatRow {
                site: name,
                cells: row,
            }
        })
        .collect();
    (roles, rows)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::TrainingRecord)?;
    if actor.role == AccessRole::EndUser {
        return Ok(Redirect::to("/training/me").into_response());
    }
    let cells = state
        .store
        .completion_by_site_and_role(
            actor.program_id,
            &actor.read_scope(Subject::TrainingRecord),
            &Requirement::AllOfRole,
        )
        .await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let (roles, rows) = matrix(&cells, &lookup.sites);
    let page = DashboardPage {
        layout: viewer.layout("Training", vec![("Training".into(), "/training".into())]),
        roles,
        rows,
        bands: Band::ALL.to_vec(),
    };
    render(&page, &viewer)
}

/// `GET /api/v1/training/completion`: the heat map's figures.
#[utoipa::path(get, path = "/api/v1/training/completion", tag = "Training",
    responses((status = 200, description = "completion by site and job role", body = Vec<CompletionCell>), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<CompletionCell>>, ApiError> {
    let actor = &caller.actor;
    require(actor, Action::Read, Subject::TrainingRecord)?;
    let scope = actor.read_scope(Subject::TrainingRecord);
    Ok(Json(
        state
            .store
            .completion_by_site_and_role(actor.program_id, &scope, &Requirement::AllOfRole)
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CellQuery {
    pub site_id: Option<String>,
    pub job_role: Option<String>,
    /// "proficiency": the people complete but not proficient (readiness drill-down);
    /// otherwise those not yet complete.
    pub shortfall: Option<String>,
    /// A go-live: only the curricula of the modules it brings live count (the readiness
    /// scorecard's drill-down); otherwise every curriculum of the role.
    pub wave_id: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "training/cell.html")]
struct CellPage {
    layout: Layout,
    people: Vec<Behind>,
    site_id: Option<i64>,
    /// The go-live and the modules whose curricula count, for a wave's drill-down.
    required: Option<(String, String)>,
    next_href: Option<String>,
    may_suggest: bool,
}

pub async fn cell(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<CellQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let site_id = filter_id("site_id", &q.site_id)?;
    let role = filter_value("job_role", &q.job_role, JobRole::parse)?
        .ok_or_else(|| AppError::BadRequest("job_role is required".into()))?;
    require_at(
        actor,
        Action::Read,
        Subject::TrainingRecord,
        Place::Site(site_id),
    )?;
    let cursor = q
        .cursor
        .as_deref()
        .map(Cursor::decode)
        .transpose()
        .map_err(AppError::BadRequest)?;
    let proficiency = match q.shortfall.as_deref().unwrap_or_default() {
        "" | "completion" => false,
        "proficiency" => true,
        other => {
            return Err(AppError::BadRequest(format!(
                "shortfall '{other}' is not one of: completion, proficiency"
            ))
            .into());
        }
    };
    let store = &state.store;
    let wave = match filter_id("wave_id", &q.wave_id)? {
        Some(id) => Some(store.wave(actor.program_id, id).await?),
        None => None,
    };
    let requirement = store
        .go_live_requirement(actor.program_id, wave.as_ref().map(|w| w.id))
        .await?;
    let cell = TrainingCell {
        site_id,
        job_role: role,
    };
    let page = if proficiency {
        store
            .people_not_proficient(actor.program_id, &cell, &requirement, cursor.as_ref(), 100)
            .await?
    } else {
        store
            .people_behind(actor.program_id, &cell, &requirement, cursor.as_ref(), 100)
            .await?
    };
    let site_name = match site_id {
        Some(id) => state.store.site(actor.program_id, id).await?.name,
        None => "No site".into(),
    };
    let site_param = site_id.map(|s| s.to_string()).unwrap_or_default();
    let (shortfall, what) = if proficiency {
        ("&shortfall=proficiency", "complete, not yet proficient")
    } else {
        ("", "not yet complete")
    };
    let wave_param = wave
        .as_ref()
        .map(|w| format!("&wave_id={}", w.id))
        .unwrap_or_default();
    let here = format!(
        "/training/cells?site_id={site_param}&job_role={}{shortfall}{wave_param}",
        role.code()
    );
    let title = format!("{} at {site_name}: {what}", role.label());
    let page = CellPage {
        layout: viewer.layout(
            title,
            vec![
                ("Training".into(), "/training".into()),
                ("Who is behind".into(), here.clone()),
            ],
        ),
        next_href: page
            .next_cursor
            .map(|c| format!("{here}&cursor={}", c.encode())),
        people: page.items,
        required: wave.map(|w| (w.name, requirement.describe())),
        may_suggest: site_id.is_some_and(|s| {
            actor.may_at(
                Action::Create,
                Subject::TrainingRecord,
                Place::Site(Some(s)),
            )
        }),
        site_id,
    };
    render(&page, &viewer)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestBody {
    #[serde(default, deserialize_with = "muster_domain::draft::number_as_text")]
    #[schema(value_type = i64)]
    pub site_id: Option<String>,
}

async fn suggest(
    state: &AppState,
    actor: &muster_domain::access::Actor,
    via: Via,
    body: SuggestBody,
) -> Result<Suggested, AppError> {
    let site_id = filter_id("site_id", &body.site_id)?
        .ok_or_else(|| muster_domain::Invalid::one("site_id", "is required"))?;
    require_at(
        actor,
        Action::Create,
        Subject::TrainingRecord,
        Place::Site(Some(site_id)),
    )?;
    state.store.site(actor.program_id, site_id).await?;
    let today = chrono::Utc::now().date_naive();
    Ok(state
        .store
        .suggest_follow_ups(&Change::new(actor, via), site_id, today)
        .await?)
}

/// `POST /api/v1/follow-ups/suggest`: follow-ups for a site's failed proficiency and
/// how-to tickets since go-live; asking again creates nothing twice.
#[utoipa::path(post, path = "/api/v1/follow-ups/suggest", tag = "Follow-up training", request_body = SuggestBody,
    responses((status = 200, description = "how many were suggested and created", body = Suggested), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_suggest(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<SuggestBody>,
) -> Result<Json<Suggested>, ApiError> {
    Ok(Json(suggest(&state, &caller.actor, Via::Api, body).await?))
}

pub async fn form_suggest(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(body): HtmlForm<SuggestBody>,
) -> Result<Response, PageError> {
    let site = body.site_id.clone().unwrap_or_default();
    let done = suggest(&state, &viewer.actor, Via::Ui, body).await?;
    let message = format!(
        "{} follow-ups suggested, {} new.",
        done.suggested, done.created
    );
    Ok(redirect_with_flash(
        &format!("/follow-ups?site_id={site}"),
        &message,
    ))
}
