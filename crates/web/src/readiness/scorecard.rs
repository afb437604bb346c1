//! The live scorecard: per wave and per site, in pages and the API. Viewing one first
//! records any checkpoint assessment that has come due (idempotent), so a checkpoint is
//! never missed for want of a background tick.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::decision::{ChangeKind, governing_right};
use muster_domain::readiness::assessment::{AssessmentDraft, ReadinessAssessment};
use muster_domain::readiness::attestation::AttestationDraft;
use muster_domain::readiness::gate::{Gate, GateDecision, GateDraft};
use muster_domain::readiness::scorecard::Scorecard;
use muster_domain::readiness::{Checkpoint, Measure};
use muster_domain::wave::Wave;
use serde::{Deserialize, Serialize};

use super::forms::{assessment_form, attestation_form, gate_form};
use super::view::{self, CellView, Head, Point, Row};
use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{FormFields, Params, RecordId};
use crate::page::{Layout, render, render_with};
use crate::resource::filter_id;

/// Records what is due, then the wave's scorecard as far as `actor` may see it.
pub(crate) async fn live(
    state: &AppState,
    actor: &Actor,
    wave_id: i64,
) -> Result<Scorecard, AppError> {
    require(actor, Action::Read, Subject::ReadinessAssessment)?;
    let today = Utc::now().date_naive();
    state
        .store
        .record_due_assessments(actor.program_id, today)
        .await?;
    let card = state.store.scorecard(actor.program_id, wave_id).await?;
    Ok(card.only_sites(&actor.read_scope(Subject::ReadinessAssessment)))
}

/// The wave a site's scorecard is read in when none is named: its next go-live, else its
/// latest.
pub(super) async fn wave_of_site(
    state: &AppState,
    actor: &Actor,
    site_id: i64,
) -> Result<i64, AppError> {
    let waves = state
        .store
        .list_waves(actor.program_id, Some(site_id), None, 500)
        .await?
        .items;
    let today = Utc::now().date_naive();
    let next = waves
        .iter()
        .filter(|w| w.go_live >= today)
        .min_by_key(|w| w.go_live);
    let latest = waves.iter().max_by_key(|w| w.go_live);
    next.or(latest).map(|w| w.id).ok_or_else(|| {
        muster_domain::Invalid::one("site_id", format!("site {site_id} is in no wave")).into()
    })
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct ScorecardQuery {
    /// The wave; blank: the site's next go-live (site_id is then required).
    pub wave_id: Option<String>,
    /// Only this site.
    pub site_id: Option<String>,
}

/// `GET /api/v1/readiness/scorecard`: live values, ratings and overall per site.
#[utoipa::path(get, path = "/api/v1/readiness/scorecard", tag = "Readiness", params(ScorecardQuery),
    responses((status = 200, description = "the wave's live scorecard (the sites you may see)", body = Scorecard), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem),
        (status = 404, description = "no such wave", body = crate::error::Problem), (status = 422, description = "wave_id or site_id missing or wrong", body = crate::error::Problem)))]
pub async fn api(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<ScorecardQuery>,
) -> Result<Json<Scorecard>, ApiError> {
    let actor = &caller.actor;
    let site_id = filter_id("site_id", &q.site_id)?;
    let wave_id = match (filter_id("wave_id", &q.wave_id)?, site_id) {
        (Some(w), _) => w,
        (None, Some(s)) => {
            require_at(
                actor,
                Action::Read,
                Subject::ReadinessAssessment,
                Place::Site(Some(s)),
            )?;
            wave_of_site(&state, actor, s).await?
        }
        (None, None) => {
            return Err(
                muster_domain::Invalid::one("wave_id", "is required (or a site_id)").into(),
            );
        }
    };
    let mut card = live(&state, actor, wave_id).await?;
    if let Some(s) = site_id {
        require_at(
            actor,
            Action::Read,
            Subject::ReadinessAssessment,
            Place::Site(Some(s)),
        )?;
        card.sites.retain(|c| c.site_id == s);
    }
    Ok(Json(card))
}

/// The index: waves with their go-live and current decision, and the catalog.
#[derive(Template)]
#[template(path = "readiness/index.html")]
struct IndexPage {
    layout: Layout,
    waves: Vec<(Wave, Option<GateDecision>)>,
}

pub async fn index(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::ReadinessAssessment)?;
    let mut waves = state
        .store
        .list_waves(actor.program_id, None, None, 500)
        .await?
        .items;
    waves.sort_by_key(|w| w.go_live);
    let gates = state.store.list_gates(actor.program_id, None).await?;
    let waves = waves
        .into_iter()
        .map(|w| {
            let current = gates.iter().find(|g| g.wave_id == w.id).map(|g| g.decision);
            (w, current)
        })
        .collect();
    let page = IndexPage {
        layout: viewer.layout("Readiness", vec![("Readiness".into(), "/readiness".into())]),
        waves,
    };
    render(&page, &viewer)
}

/// A checkpoint of the wave: its day and the assessment recorded for it, if any.
pub struct CheckpointRow {
    pub label: &'static str,
    pub code: &'static str,
    pub date: chrono::NaiveDate,
    pub assessment_id: Option<i64>,
}

pub struct TrendRow {
    pub site_name: String,
    pub points: Vec<Point>,
    pub line: Option<String>,
    pub spoken: String,
}

#[derive(Template)]
#[template(path = "readiness/wave.html")]
struct WavePage {
    layout: Layout,
    wave_id: i64,
    go_live: chrono::NaiveDate,
    /// Which curricula the training measures count.
    counted: String,
    heads: Vec<Head>,
    rows: Vec<Row>,
    checkpoints: Vec<CheckpointRow>,
    adhoc: Vec<ReadinessAssessment>,
    trend_labels: Vec<String>,
    trend: Vec<TrendRow>,
    gates: Vec<Gate>,
    decider: String,
    /// The assessment form, for those who may record one.
    assess_form: Option<FormFields>,
    /// The go/no-go form, for the decision right's holder.
    gate_form: Option<FormFields>,
}

/// A form of the wave's page that was refused, to be shown again with what was submitted.
#[derive(Default)]
pub(super) struct WaveRefusal<'a> {
    pub assessment: Option<(&'a AssessmentDraft, &'a Invalid)>,
    pub gate: Option<(&'a GateDraft, &'a Invalid)>,
}

/// Each site's overall standing across `assessments`, then now.
fn trend(card: &Scorecard, assessments: &[ReadinessAssessment]) -> (Vec<String>, Vec<TrendRow>) {
    let mut labels: Vec<String> = assessments
        .iter()
        .map(|a| format!("{} ({})", a.label(), a.taken_on))
        .collect();
    labels.push("Now".into());
    let rows = card
        .sites
        .iter()
        .map(|site| {
            let mut points: Vec<Point> = assessments
                .iter()
                .map(|a| {
                    let o = a.scorecard.site(site.site_id).map(|c| c.overall);
                    point(a.label(), o)
                })
                .collect();
            points.push(point("Now".into(), Some(site.overall)));
            TrendRow {
                site_name: site.site_name.clone(),
                line: view::sparkline(&points),
                spoken: view::spoken(&points),
                points,
            }
        })
        .collect();
    (labels, rows)
}

fn point(label: String, o: Option<muster_domain::readiness::Overall>) -> Point {
    match o {
        Some(o) if o.rag != muster_domain::readiness::Rag::Unknown => Point {
            label,
            score: Some(o.score),
            rag_label: o.rag.label(),
            rag: o.rag.code(),
        },
        _ => Point {
            label,
            score: None,
            rag_label: "Not rated",
            rag: "unknown",
        },
    }
}

pub async fn wave_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    wave_response(&state, &viewer, id, StatusCode::OK, WaveRefusal::default()).await
}

/// Wave `id`'s page with `status`; a refused form shows what was submitted and its errors.
pub(super) async fn wave_response(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    refused: WaveRefusal<'_>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let card = live(state, actor, id).await?;
    let scope = actor.read_scope(Subject::ReadinessAssessment);
    let assessments: Vec<ReadinessAssessment> = state
        .store
        .list_readiness_assessments(actor.program_id, Some(id))
        .await?
        .into_iter()
        .map(|mut a| {
            a.scorecard = a.scorecard.only_sites(&scope);
            a
        })
        .collect();
    let checkpoints: Vec<CheckpointRow> = Checkpoint::ALL
        .iter()
        .map(|&c| CheckpointRow {
            label: c.label(),
            code: c.code(),
            date: c.date(card.go_live),
            assessment_id: assessments
                .iter()
                .find(|a| a.checkpoint == Some(c))
                .map(|a| a.id),
        })
        .collect();
    let (trend_labels, trend) = trend(&card, &assessments);
    let gates = if actor.may(Action::Read, Subject::Gate) {
        state.store.list_gates(actor.program_id, Some(id)).await?
    } else {
        Vec::new()
    };
    let rights = state.store.decision_rights(actor.program_id).await?;
    let right = governing_right(&rights, None, ChangeKind::GoLive);
    let decider = right.map_or_else(
        || "No go-live decision right is configured: an administrator records the decision".into(),
        |r| r.decider.clone(),
    );
    let may_decide = actor
        .may_record_gate(right.map(|r| (r.decider.as_str(), r.decider_account_id)))
        .is_ok();
    let assess_form = actor
        .may(Action::Create, Subject::ReadinessAssessment)
        .then(|| {
            let (draft, invalid) = refused.assessment.unzip();
            assessment_form(&checkpoints, draft, invalid)
        });
    let gate_form = may_decide.then(|| {
        let (draft, invalid) = refused.gate.unzip();
        gate_form(draft, invalid)
    });
    let title = format!("Readiness: {}", card.wave_name);
    let page = WavePage {
        layout: viewer.layout(
            title,
            vec![
                ("Readiness".into(), "/readiness".into()),
                (card.wave_name.clone(), format!("/readiness/waves/{id}")),
            ],
        ),
        wave_id: id,
        go_live: card.go_live,
        counted: view::counted(&card),
        heads: view::heads(&card),
        rows: view::rows(&card),
        checkpoints,
        adhoc: assessments
            .iter()
            .filter(|a| a.checkpoint.is_none())
            .cloned()
            .collect(),
        trend_labels,
        trend,
        gates,
        decider,
        assess_form,
        gate_form,
    };
    render_with(status, &page, viewer)
}

/// One criterion at one site: its rating, drill-down, attestation form and its history
/// across the assessments.
pub struct CriterionRow {
    pub id: i64,
    pub name: String,
    pub measure: &'static str,
    pub target: String,
    pub weight: i64,
    pub owner: String,
    pub cell: CellView,
    pub tickets: bool,
    /// The attestation form, for an attested criterion the viewer may attest.
    pub form: Option<FormFields>,
    pub history: Vec<Point>,
}

#[derive(Template)]
#[template(path = "readiness/site.html")]
struct SitePage {
    layout: Layout,
    wave_id: i64,
    site_id: i64,
    overall: CellView,
    criteria: Vec<CriterionRow>,
    labels: Vec<String>,
}

pub async fn site_page(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((wave_id, site_id)): axum::extract::Path<(i64, i64)>,
) -> Result<Response, PageError> {
    site_response(&state, &viewer, wave_id, site_id, StatusCode::OK, None).await
}

/// A site's page in a wave with `status`; a refused attestation shows, in its criterion's
/// form, what was submitted and its errors.
pub(super) async fn site_response(
    state: &AppState,
    viewer: &Viewer,
    wave_id: i64,
    site_id: i64,
    status: StatusCode,
    refused: Option<(&AttestationDraft, &Invalid)>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let today = Utc::now().date_naive();
    let refused_criterion = refused.and_then(|(d, _)| {
        d.criterion_id
            .as_deref()
            .and_then(|c| c.trim().parse::<i64>().ok())
    });
    require_at(
        actor,
        Action::Read,
        Subject::ReadinessAssessment,
        Place::Site(Some(site_id)),
    )?;
    let card = live(state, actor, wave_id).await?;
    let site = card
        .site(site_id)
        .ok_or_else(|| AppError::NotFound(format!("site {site_id} is not in this wave")))?;
    let assessments = state
        .store
        .list_readiness_assessments(actor.program_id, Some(wave_id))
        .await?;
    let criteria = card
        .criteria
        .iter()
        .zip(&site.ratings)
        .map(|(c, r)| {
            let history = assessments
                .iter()
                .map(|a| {
                    let rating = a
                        .scorecard
                        .site(site_id)
                        .and_then(|s| s.ratings.iter().find(|x| x.criterion_id == c.id));
                    let frozen = a.scorecard.criterion(c.id);
                    match (rating, frozen) {
                        (Some(r), Some(fc)) => Point {
                            label: view::value_text(fc, r),
                            score: r.value,
                            rag_label: r.rag.label(),
                            rag: r.rag.code(),
                        },
                        _ => Point {
                            label: "not assessed".into(),
                            score: None,
                            rag_label: "Not rated",
                            rag: "unknown",
                        },
                    }
                })
                .collect();
            CriterionRow {
                id: c.id,
                name: c.name.clone(),
                measure: c.measure.label(),
                target: super::criteria::target(c),
                weight: c.weight,
                owner: c.owner.clone(),
                cell: CellView {
                    rag: r.rag.code(),
                    rag_label: r.rag.label(),
                    text: view::value_text(c, r),
                    href: match c.measure {
                        Measure::OpenCriticalTickets => Some(format!(
                            "/tickets?site_id={site_id}&status=open&priority=p1"
                        )),
                        _ => view::drill_down(wave_id, site, c),
                    },
                },
                tickets: c.measure == Measure::OpenCriticalTickets,
                form: (c.measure == Measure::Attested
                    && actor.may_at(
                        Action::Create,
                        Subject::Attestation,
                        Place::Criterion {
                            site_id,
                            owner_account_id: c.owner_account_id,
                        },
                    ))
                .then(|| {
                    let mine = refused.filter(|_| refused_criterion == Some(c.id));
                    let (draft, invalid) = mine.unzip();
                    attestation_form(c.id, draft, invalid, today)
                }),
                history,
            }
        })
        .collect::<Vec<CriterionRow>>();
    if let Some((_, invalid)) = refused {
        // The refused form is not on this page (no such attested criterion here): say why
        // on a page of its own rather than lose the reasons.
        if !criteria
            .iter()
            .any(|c| Some(c.id) == refused_criterion && c.form.is_some())
        {
            return Err(AppError::Invalid(invalid.clone()).into());
        }
    }
    let title = format!("Readiness: {} in {}", site.site_name, card.wave_name);
    let page = SitePage {
        layout: viewer.layout(
            title,
            vec![
                ("Readiness".into(), "/readiness".into()),
                (
                    card.wave_name.clone(),
                    format!("/readiness/waves/{wave_id}"),
                ),
                (
                    site.site_name.clone(),
                    format!("/readiness/waves/{wave_id}/sites/{site_id}"),
                ),
            ],
        ),
        wave_id,
        site_id,
        overall: view::overall_view(&site.overall),
        criteria,
        labels: assessments
            .iter()
            .map(|a| format!("{} ({})", a.label(), a.taken_on))
            .collect(),
    };
    render_with(status, &page, viewer)
}
