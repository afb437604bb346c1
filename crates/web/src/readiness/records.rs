//! Readiness records written by people: attestations (per criterion and site, history
//! kept), assessments (a wave's scorecard frozen on request) and go/no-go decisions (by the
//! go-live decision right's holder, with the scorecard frozen beside them). Pages and API
//! share one function per action. A refused form is answered with its page again (422, or
//! 409 for a checkpoint already recorded), the submitted values kept and each error beside
//! its field.

use askama::Template;
use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::audit::Via;
use muster_domain::decision::{ChangeKind, governing_right};
use muster_domain::readiness::assessment::{AssessmentDraft, ReadinessAssessment};
use muster_domain::readiness::attestation::{AttestationDraft, AttestationRecord, EVIDENCE};
use muster_domain::readiness::gate::{Gate, GateDraft};
use muster_domain::readiness::scorecard::Scorecard;
use muster_store::readiness::attestation::AttestationFilter;
use muster_store::{Change, NewAttachment, StoreError};
use serde::{Deserialize, Serialize};

use super::evidence;
use super::forms::evidence_rule;
use super::scorecard::{WaveRefusal, site_response, wave_of_site, wave_response};
use super::view::{self, Head, Row};
use crate::AppState;
use crate::access::{require, require_at};
use crate::attachment::{is_multipart, read_upload};
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{HtmlForm, Params, RecordId, refused};
use crate::page::{Layout, redirect_with_flash, render};
use crate::resource::api::ApiJson;
use crate::resource::filter_id;

/// A named record that does not exist is a field error, not a missing page.
fn field_missing(field: &'static str) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound { entity, id } => {
            muster_domain::Invalid::one(field, format!("there is no {entity} {id}")).into()
        }
        e => e.into(),
    }
}

// ---- attestations -------------------------------------------------------------------

async fn attest(
    state: &AppState,
    actor: &Actor,
    via: Via,
    draft: AttestationDraft,
    files: Vec<NewAttachment>,
) -> Result<AttestationRecord, AppError> {
    let spec = draft.parse(Utc::now().date_naive())?;
    let criterion = state
        .store
        .criterion(actor.program_id, spec.criterion_id)
        .await
        .map_err(field_missing("criterion_id"))?;
    let place = Place::Criterion {
        site_id: spec.site_id,
        owner_account_id: criterion.owner_account_id,
    };
    require_at(actor, Action::Create, Subject::Attestation, place)?;
    Ok(state
        .store
        .create_attestation(&Change::new(actor, via), spec, files)
        .await?)
}

/// Record an attestation: met, partly or not met, with evidence.
#[utoipa::path(post, path = "/api/v1/readiness/attestations", tag = "Readiness", request_body = AttestationDraft,
    responses((status = 201, description = "the attestation", body = AttestationRecord), (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "only the criterion's owner, a program lead or the site's lead attests", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_attest(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<AttestationDraft>,
) -> Result<Response, ApiError> {
    let a = attest(&state, &caller.actor, Via::Api, draft, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// `POST /readiness/attestations?wave_id=`: the site page's form, multipart with evidence
/// files (a urlencoded form without files is taken too). A refused file refuses the
/// attestation, named as an error of the `files` field: nothing is recorded without the
/// evidence its author sent. A refused attestation is shown again on the site's page of
/// that wave (else of the site's next go-live), what was typed kept.
pub async fn form_attest(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<WaveQuery>,
    request: Request,
) -> Result<Response, PageError> {
    let (draft, files, problems) = if is_multipart(&request) {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| AppError::BadRequest(format!("the form could not be read: {e}")))?;
        let upload = read_upload(form, &EVIDENCE).await?;
        let draft: AttestationDraft = upload.draft()?;
        let problems = upload.field_errors("files");
        (draft, upload.files, problems)
    } else {
        let HtmlForm(draft) = HtmlForm::<AttestationDraft>::from_request(request, &state)
            .await
            .map_err(|r| r.err)?;
        (draft, Vec::new(), Vec::new())
    };
    let back = match (draft.site_id.as_deref(), draft.criterion_id.as_deref()) {
        (Some(s), Some(c)) => format!("/readiness/attestations?criterion_id={c}&site_id={s}"),
        _ => "/readiness".into(),
    };
    let shown = draft.clone();
    let outcome = if problems.is_empty() {
        attest(&state, &viewer.actor, Via::Ui, draft, files).await
    } else {
        // The typed fields' own errors show beside the files' in the same refusal.
        let mut all = problems;
        if let Err(Invalid(more)) = draft.parse(Utc::now().date_naive()) {
            all.extend(more);
        }
        Err(AppError::Invalid(Invalid(all)))
    };
    match outcome {
        Ok(a) => Ok(redirect_with_flash(
            &back,
            &match a.files.len() {
                0 => format!("Attested: {}.", a.status.label()),
                n => format!(
                    "Attested: {}, with {n} evidence file{}.",
                    a.status.label(),
                    if n == 1 { "" } else { "s" }
                ),
            },
        )),
        Err(err) => {
            let (status, invalid) = refused(err)?;
            let Some(site_id) = shown.site_id.as_deref().and_then(|s| s.trim().parse().ok()) else {
                return Err(AppError::Invalid(invalid).into());
            };
            let wave_id = match filter_id("wave_id", &q.wave_id)? {
                Some(w) => w,
                None => wave_of_site(&state, &viewer.actor, site_id).await?,
            };
            site_response(
                &state,
                &viewer,
                wave_id,
                site_id,
                status,
                Some((&shown, &invalid)),
            )
            .await
        }
    }
}

/// The wave a refused wave form names, or the refusal as a page of its own when it names
/// none.
fn wave_of(raw: Option<&str>, invalid: &Invalid) -> Result<i64, AppError> {
    raw.and_then(|w| w.trim().parse().ok())
        .ok_or_else(|| AppError::Invalid(invalid.clone()))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct AttestationQuery {
    pub criterion_id: Option<String>,
    pub site_id: Option<String>,
}

async fn attestations(
    state: &AppState,
    actor: &Actor,
    q: &AttestationQuery,
) -> Result<(AttestationFilter, Vec<AttestationRecord>), AppError> {
    require(actor, Action::Read, Subject::Attestation)?;
    let filter = AttestationFilter {
        criterion_id: filter_id("criterion_id", &q.criterion_id)?,
        site_id: filter_id("site_id", &q.site_id)?,
    };
    if let Some(s) = filter.site_id {
        require_at(
            actor,
            Action::Read,
            Subject::Attestation,
            Place::Site(Some(s)),
        )?;
    }
    let scope = actor.read_scope(Subject::Attestation);
    let list = state
        .store
        .list_attestations(actor.program_id, &filter, &scope)
        .await?;
    Ok((filter, list))
}

/// Attestations, newest first (at most 500): the latest of a criterion at a site is the
/// one that rates it.
#[utoipa::path(get, path = "/api/v1/readiness/attestations", tag = "Readiness", params(AttestationQuery),
    responses((status = 200, description = "attestations, newest first", body = Vec<AttestationRecord>), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem)))]
pub async fn api_attestations(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<AttestationQuery>,
) -> Result<Json<Vec<AttestationRecord>>, ApiError> {
    Ok(Json(attestations(&state, &caller.actor, &q).await?.1))
}

pub struct AttestationLine {
    pub a: AttestationRecord,
    pub criterion: String,
    pub site: String,
    pub rag: &'static str,
    pub current: bool,
    pub files: Vec<evidence::EvidenceLine>,
    /// The viewer wrote it and may still attest there: they may add evidence.
    pub may_add: bool,
}

#[derive(Template)]
#[template(path = "readiness/attestations.html")]
struct AttestationsPage {
    layout: Layout,
    lines: Vec<AttestationLine>,
    accept: String,
    evidence_rule: String,
}

pub async fn attestations_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<AttestationQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let (_, list) = attestations(&state, actor, &q).await?;
    let criteria = state
        .store
        .list_criteria(actor.program_id, &Default::default(), None, 1000)
        .await?
        .items;
    let sites = state.store.all_sites(actor.program_id).await?;
    let mut seen = std::collections::HashSet::new();
    let lines = list
        .into_iter()
        .map(|a| {
            let criterion = criteria.iter().find(|c| c.id == a.criterion_id);
            AttestationLine {
                criterion: criterion.map(|c| c.name.clone()).unwrap_or_default(),
                site: sites
                    .iter()
                    .find(|s| s.id == a.site_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                rag: a.status.rag().code(),
                current: seen.insert((a.criterion_id, a.site_id)),
                files: evidence::lines(&a),
                may_add: criterion
                    .is_some_and(|c| evidence::may_add(actor, &a, c.owner_account_id).is_ok()),
                a,
            }
        })
        .collect();
    let page = AttestationsPage {
        layout: viewer.layout(
            "Attestations",
            vec![
                ("Readiness".into(), "/readiness".into()),
                ("Attestations".into(), "/readiness/attestations".into()),
            ],
        ),
        lines,
        accept: EVIDENCE.accept(),
        evidence_rule: evidence_rule(),
    };
    render(&page, &viewer)
}

// ---- assessments --------------------------------------------------------------------

async fn assess(
    state: &AppState,
    actor: &Actor,
    via: Via,
    draft: AssessmentDraft,
) -> Result<ReadinessAssessment, AppError> {
    require(actor, Action::Create, Subject::ReadinessAssessment)?;
    let spec = draft.parse()?;
    Ok(state
        .store
        .record_readiness_assessment(&Change::new(actor, via), spec, Utc::now().date_naive())
        .await?)
}

/// Record an assessment now: the wave's scorecard frozen, at a checkpoint or ad hoc.
#[utoipa::path(post, path = "/api/v1/readiness/assessments", tag = "Readiness", request_body = AssessmentDraft,
    responses((status = 201, description = "the assessment with its frozen scorecard", body = ReadinessAssessment), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem),
        (status = 409, description = "this checkpoint is already recorded", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_assess(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<AssessmentDraft>,
) -> Result<Response, ApiError> {
    let a = assess(&state, &caller.actor, Via::Api, draft).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

pub async fn form_assess(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<AssessmentDraft>,
) -> Result<Response, PageError> {
    let back = format!(
        "/readiness/waves/{}",
        draft.wave_id.as_deref().unwrap_or_default()
    );
    let shown = draft.clone();
    match assess(&state, &viewer.actor, Via::Ui, draft).await {
        Ok(a) => Ok(redirect_with_flash(
            &back,
            &format!("Assessment recorded: {} on {}.", a.label(), a.taken_on),
        )),
        Err(err) => {
            let (status, invalid) = refused(err)?;
            let wave_id = wave_of(shown.wave_id.as_deref(), &invalid)?;
            let refusal = WaveRefusal {
                assessment: Some((&shown, &invalid)),
                ..Default::default()
            };
            wave_response(&state, &viewer, wave_id, status, refusal).await
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
pub struct WaveQuery {
    /// Only this wave's.
    pub wave_id: Option<String>,
}

/// Assessments (oldest first), each with its frozen scorecard for the sites you may see.
#[utoipa::path(get, path = "/api/v1/readiness/assessments", tag = "Readiness", params(WaveQuery),
    responses((status = 200, description = "assessments, oldest first", body = Vec<ReadinessAssessment>), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn api_assessments(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<WaveQuery>,
) -> Result<Json<Vec<ReadinessAssessment>>, ApiError> {
    let actor = &caller.actor;
    require(actor, Action::Read, Subject::ReadinessAssessment)?;
    let wave_id = filter_id("wave_id", &q.wave_id)?;
    let scope = actor.read_scope(Subject::ReadinessAssessment);
    let list = state
        .store
        .list_readiness_assessments(actor.program_id, wave_id)
        .await?
        .into_iter()
        .map(|mut a| {
            a.scorecard = a.scorecard.only_sites(&scope);
            a
        })
        .collect();
    Ok(Json(list))
}

async fn one_assessment(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<ReadinessAssessment, AppError> {
    require(actor, Action::Read, Subject::ReadinessAssessment)?;
    let mut a = state
        .store
        .readiness_assessment(actor.program_id, id)
        .await?;
    a.scorecard = a
        .scorecard
        .only_sites(&actor.read_scope(Subject::ReadinessAssessment));
    Ok(a)
}

#[utoipa::path(get, path = "/api/v1/readiness/assessments/{id}", tag = "Readiness",
    params(("id" = i64, Path, description = "the assessment's id")),
    responses((status = 200, description = "the assessment", body = ReadinessAssessment), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such assessment", body = crate::error::Problem)))]
pub async fn api_assessment(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<ReadinessAssessment>, ApiError> {
    Ok(Json(one_assessment(&state, &caller.actor, id).await?))
}

/// A frozen scorecard's page (an assessment's or a decision's).
#[derive(Template)]
#[template(path = "readiness/frozen.html")]
struct FrozenPage {
    layout: Layout,
    intro: Vec<(&'static str, String)>,
    heads: Vec<Head>,
    rows: Vec<Row>,
}

fn frozen_page(
    viewer: &Viewer,
    title: String,
    here: String,
    intro: Vec<(&'static str, String)>,
    card: &Scorecard,
) -> Result<Response, PageError> {
    let page = FrozenPage {
        layout: viewer.layout(
            title.clone(),
            vec![
                ("Readiness".into(), "/readiness".into()),
                (
                    card.wave_name.clone(),
                    format!("/readiness/waves/{}", card.wave_id),
                ),
                (title, here),
            ],
        ),
        intro: [intro, vec![("Training counted", view::counted(card))]].concat(),
        heads: view::heads(card),
        rows: view::rows(card),
    };
    render(&page, viewer)
}

pub async fn assessment_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let a = one_assessment(&state, &viewer.actor, id).await?;
    let intro = vec![
        ("Checkpoint", a.label()),
        ("Taken on", a.taken_on.to_string()),
        (
            "Taken by",
            if a.automatic {
                format!("{} (automatically)", a.taken_by)
            } else {
                a.taken_by.clone()
            },
        ),
    ];
    frozen_page(
        &viewer,
        format!("Assessment {} ({})", a.label(), a.taken_on),
        format!("/readiness/assessments/{id}"),
        intro,
        &a.scorecard,
    )
}

// ---- go/no-go -------------------------------------------------------------------------

async fn decide(
    state: &AppState,
    actor: &Actor,
    via: Via,
    draft: GateDraft,
) -> Result<Gate, AppError> {
    let rights = state.store.decision_rights(actor.program_id).await?;
    let right = governing_right(&rights, None, ChangeKind::GoLive);
    actor
        .may_record_gate(right.map(|r| (r.decider.as_str(), r.decider_account_id)))
        .map_err(AppError::Forbidden)?;
    let spec = draft.parse()?;
    let scorecard = state
        .store
        .scorecard(actor.program_id, spec.wave_id)
        .await
        .map_err(field_missing("wave_id"))?;
    let decider = right.map_or(
        "Administrator (no go-live decision right configured)",
        |r| r.decider.as_str(),
    );
    Ok(state
        .store
        .record_gate(&Change::new(actor, via), spec, decider, &scorecard)
        .await?)
}

/// Record a wave's go/no-go decision (again, if it is re-decided: the latest is current).
#[utoipa::path(post, path = "/api/v1/readiness/gates", tag = "Readiness", request_body = GateDraft,
    responses((status = 201, description = "the decision with the scorecard it was made on", body = Gate), (status = 401, description = "not signed in", body = crate::error::Problem),
        (status = 403, description = "you do not hold the go-live decision right; the message names who does", body = crate::error::Problem),
        (status = 422, description = "fields that need attention", body = crate::error::Problem)))]
pub async fn api_decide(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<GateDraft>,
) -> Result<Response, ApiError> {
    let g = decide(&state, &caller.actor, Via::Api, draft).await?;
    Ok((StatusCode::CREATED, Json(g)).into_response())
}

pub async fn form_decide(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<GateDraft>,
) -> Result<Response, PageError> {
    let back = format!(
        "/readiness/waves/{}#gate",
        draft.wave_id.as_deref().unwrap_or_default()
    );
    let shown = draft.clone();
    match decide(&state, &viewer.actor, Via::Ui, draft).await {
        Ok(g) => Ok(redirect_with_flash(
            &back,
            &format!("Decision recorded: {}.", g.decision.label()),
        )),
        Err(err) => {
            let (status, invalid) = refused(err)?;
            let wave_id = wave_of(shown.wave_id.as_deref(), &invalid)?;
            let refusal = WaveRefusal {
                gate: Some((&shown, &invalid)),
                ..Default::default()
            };
            wave_response(&state, &viewer, wave_id, status, refusal).await
        }
    }
}

fn visible_gate(actor: &Actor, mut g: Gate) -> Gate {
    g.scorecard = g
        .scorecard
        .only_sites(&actor.read_scope(Subject::ReadinessAssessment));
    g
}

/// Decisions, newest first; the first of a wave is its current one.
#[utoipa::path(get, path = "/api/v1/readiness/gates", tag = "Readiness", params(WaveQuery),
    responses((status = 200, description = "decisions, newest first", body = Vec<Gate>), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem)))]
pub async fn api_gates(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<WaveQuery>,
) -> Result<Json<Vec<Gate>>, ApiError> {
    let actor = &caller.actor;
    require(actor, Action::Read, Subject::Gate)?;
    let wave_id = filter_id("wave_id", &q.wave_id)?;
    let gates = state.store.list_gates(actor.program_id, wave_id).await?;
    Ok(Json(
        gates.into_iter().map(|g| visible_gate(actor, g)).collect(),
    ))
}

async fn one_gate(state: &AppState, actor: &Actor, id: i64) -> Result<Gate, AppError> {
    require(actor, Action::Read, Subject::Gate)?;
    let g = state.store.gate(actor.program_id, id).await?;
    Ok(visible_gate(actor, g))
}

#[utoipa::path(get, path = "/api/v1/readiness/gates/{id}", tag = "Readiness",
    params(("id" = i64, Path, description = "the decision's id")),
    responses((status = 200, description = "the decision", body = Gate), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 404, description = "no such decision", body = crate::error::Problem)))]
pub async fn api_gate(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<Gate>, ApiError> {
    Ok(Json(one_gate(&state, &caller.actor, id).await?))
}

pub async fn gate_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let g = one_gate(&state, &viewer.actor, id).await?;
    let mut intro = vec![
        ("Decision", g.decision.label().to_owned()),
        ("Decided for", g.decider.clone()),
        ("Recorded by", g.decided_by.clone()),
        (
            "Recorded at",
            g.decided_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        ("Rationale", g.rationale.clone()),
    ];
    if let Some(c) = &g.conditions {
        intro.push(("Conditions", c.clone()));
    }
    if let Some(d) = &g.dissent {
        intro.push(("Dissent", d.clone()));
    }
    intro.push((
        "Scorecard as of",
        g.scorecard
            .computed_at
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
    ));
    frozen_page(
        &viewer,
        format!("Go/no-go: {}", g.decision.label()),
        format!("/readiness/gates/{id}"),
        intro,
        &g.scorecard,
    )
}
