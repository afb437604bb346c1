//! The champion coverage map: sites -> units x shifts, each cell met, below target or
//! without champion (in words as well as colour), each unit with the target it is measured
//! against (the program's or its own), and the list of units and shifts below target with
//! how many champions are missing, the drill-down readiness links to.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use muster_domain::access::{Action, Actor, Place, Scope, Subject};
use muster_domain::champion::coverage::{Coverage, CoverageCell, SiteCoverage, by_site};
use muster_domain::rounding::Shift;
use muster_domain::site::{Site, SiteId};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::render;
use crate::resource::{Lookup, filter_id};

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Only this site.
    pub site_id: Option<String>,
}

/// `GET /api/v1/champions/coverage`: the target, per-site totals, every unit x shift with
/// end users, and those below target.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CoverageReport {
    pub end_users_per_champion: i64,
    pub sites: Vec<SiteCoverage>,
    pub cells: Vec<CoverageCell>,
    pub below_target: Vec<CoverageCell>,
}

/// The sites the actor may see coverage of, narrowed to `site_id` when given.
async fn coverage_report(
    state: &AppState,
    actor: &Actor,
    site_id: Option<SiteId>,
) -> Result<CoverageReport, AppError> {
    require(actor, Action::Read, Subject::Champion)?;
    let sites: Option<Vec<SiteId>> = match (site_id, actor.read_scope(Subject::Champion)) {
        (Some(id), _) => {
            require_at(
                actor,
                Action::Read,
                Subject::Champion,
                Place::Site(Some(id)),
            )?;
            Some(vec![id])
        }
        (None, Scope::Sites(ids)) => Some(ids),
        (None, _) => None,
    };
    let store = &state.store;
    let cells = store
        .champion_coverage(actor.program_id, sites.as_deref())
        .await?;
    Ok(CoverageReport {
        end_users_per_champion: store
            .champion_target(actor.program_id)
            .await?
            .end_users_per_champion,
        sites: by_site(&cells),
        below_target: cells.iter().filter(|c| !c.met()).cloned().collect(),
        cells,
    })
}

#[utoipa::path(get, path = "/api/v1/champions/coverage", tag = "Champions", params(CoverageQuery),
    responses((status = 200, description = "champion coverage per unit and shift", body = CoverageReport), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<CoverageQuery>,
) -> Result<Json<CoverageReport>, ApiError> {
    let site_id = filter_id("site_id", &q.site_id)?;
    Ok(Json(coverage_report(&state, &caller.actor, site_id).await?))
}

/// One cell of the map: the figure as text, the state in words, a colour class.
pub struct MapCell {
    pub text: String,
    pub state: &'static str,
    pub class: &'static str,
}

pub struct MapRow {
    pub unit: String,
    pub unit_id: i64,
    /// "1 per 5 (unit override)".
    pub target: String,
    /// The unit's target form, for those who may set targets.
    pub target_href: Option<String>,
    pub cells: Vec<MapCell>,
}

/// A cell's target in short: "1 per 5 (unit override)".
pub fn target_text(c: &CoverageCell) -> String {
    format!(
        "1 per {} ({})",
        c.end_users_per_champion,
        c.target_source.label().to_lowercase()
    )
}

pub struct SiteMap {
    pub id: SiteId,
    pub name: String,
    pub summary: String,
    pub rows: Vec<MapRow>,
    pub below: Vec<CoverageCell>,
}

#[derive(Template)]
#[template(path = "champion/coverage.html")]
struct CoveragePage {
    layout: crate::page::Layout,
    filters: Vec<Field>,
    end_users_per_champion: i64,
    shifts: Vec<Shift>,
    sites: Vec<SiteMap>,
    legend: Vec<Coverage>,
}

fn map_cell(cell: Option<&CoverageCell>) -> MapCell {
    match cell {
        None => MapCell {
            text: "—".into(),
            state: "No end users",
            class: "cov-empty",
        },
        Some(c) => MapCell {
            text: format!(
                "{} of {} champions, {} end users",
                c.champions, c.required, c.end_users
            ),
            state: c.coverage.label(),
            class: match c.coverage {
                Coverage::Met => "cov-met",
                Coverage::Below => "cov-below",
                Coverage::None => "cov-none",
            },
        },
    }
}

fn site_map(site: &Site, cells: &[CoverageCell], may_set: bool) -> SiteMap {
    let mine: Vec<&CoverageCell> = cells.iter().filter(|c| c.site_id == site.id).collect();
    let mut units: Vec<&CoverageCell> = Vec::new();
    for c in &mine {
        if !units.iter().any(|u| u.unit_id == c.unit_id) {
            units.push(c);
        }
    }
    let rows = units
        .into_iter()
        .map(|first| MapRow {
            unit: first.unit_name.clone(),
            unit_id: first.unit_id,
            target: target_text(first),
            target_href: may_set.then(|| super::unit_target::form_path(first.unit_id)),
            cells: Shift::ALL
                .iter()
                .map(|s| {
                    map_cell(
                        mine.iter()
                            .copied()
                            .find(|c| c.unit_id == first.unit_id && c.shift == *s),
                    )
                })
                .collect(),
        })
        .collect();
    let met = mine.iter().filter(|c| c.met()).count();
    SiteMap {
        id: site.id,
        name: site.name.clone(),
        summary: format!("{met} of {} units and shifts meet the target", mine.len()),
        rows,
        below: mine.into_iter().filter(|c| !c.met()).cloned().collect(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<CoverageQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let site_id = filter_id("site_id", &q.site_id)?;
    let report = coverage_report(&state, actor, site_id).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let visible: Vec<&Site> = lookup
        .sites
        .iter()
        .filter(|s| actor.may_at(Action::Read, Subject::Champion, Place::Site(Some(s.id))))
        .collect();
    let sites = visible
        .iter()
        .filter(|s| report.cells.iter().any(|c| c.site_id == s.id))
        .map(|s| site_map(s, &report.cells, super::target::may_set(actor).is_ok()))
        .collect();
    let mut choices = vec![(String::new(), "Every site".to_owned())];
    choices.extend(
        visible
            .iter()
            .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.code))),
    );
    let page = CoveragePage {
        layout: viewer.layout(
            "Champion coverage",
            vec![
                ("Champions".into(), "/champions".into()),
                ("Coverage".into(), "/champions/coverage".into()),
            ],
        ),
        filters: vec![Field::new(
            "site_id",
            "Site",
            FieldKind::Select(choices),
            q.site_id.as_deref(),
        )],
        end_users_per_champion: report.end_users_per_champion,
        shifts: Shift::ALL.to_vec(),
        sites,
        legend: Coverage::ALL.to_vec(),
    };
    render(&page, &viewer)
}
