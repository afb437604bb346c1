//! The tickets API: create, list with filters and cursor paging, read, change (status,
//! triage, assignment), comment, history, merge, join, similar, change requests.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use muster_domain::access::{Action, Actor, Scope, Subject};
use muster_domain::audit::Via;
use muster_domain::decision::{ChangeRequest, ChangeRequestDraft, ChangeStatus, DecisionDraft};
use muster_domain::paging::Page;
use muster_domain::ticket::workflow::{ChangeSpec, TicketChange};
use muster_domain::ticket::{
    Category, Priority, Similar, Status, Ticket, TicketDraft, TicketEvent,
};
use muster_store::Change;
use muster_store::ticket::{Created, NewTicket, TicketFilter};
use serde::{Deserialize, Serialize};

use super::intake::{Intake, read_multipart};
use super::{require_involved, visible};
use crate::AppState;
use crate::access::require;
use crate::auth::ApiCaller;
use crate::error::{ApiError, AppError};
use crate::form::{Params, RecordId};
use crate::resource::api::{ApiJson, Paging};
use crate::resource::{filter_id, filter_value, given};

/// List filters, shared by the page and the API.
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct TicketQuery {
    /// A status code, or "open" for every open status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_issue_id: Option<String>,
    /// "true": only the tickets I raised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mine: Option<String>,
    /// "true": only the tickets assigned to me.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned: Option<String>,
    /// "true": only tickets past their resolution target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breached: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

fn yes(v: &Option<String>) -> bool {
    matches!(given(v), Some("true" | "1" | "yes" | "on"))
}

impl TicketQuery {
    pub fn filter(&self, actor: &Actor) -> Result<TicketFilter, AppError> {
        let statuses = match given(&self.status) {
            None | Some("all") => Vec::new(),
            Some("open") => Status::OPEN.to_vec(),
            Some(code) => vec![
                Status::parse(code).map_err(|m| muster_store::StoreError::invalid("status", m))?,
            ],
        };
        Ok(TicketFilter {
            statuses,
            site_id: filter_id("site_id", &self.site_id)?,
            team_id: filter_id("team_id", &self.team_id)?,
            module_id: filter_id("module_id", &self.module_id)?,
            priority: filter_value("priority", &self.priority, Priority::parse)?,
            category: filter_value("category", &self.category, Category::parse)?,
            known_issue_id: filter_id("known_issue_id", &self.known_issue_id)?,
            requester_account_id: if yes(&self.mine) {
                Some(actor.account_id.unwrap_or(-1))
            } else {
                None
            },
            assignee_account_id: if yes(&self.assigned) {
                Some(actor.account_id.unwrap_or(-1))
            } else {
                None
            },
            breached: yes(&self.breached),
            search: given(&self.q).map(str::to_owned),
        })
    }
}

/// The tickets `actor` may list: those their role reaches, or else their own.
pub fn ticket_scope(actor: &Actor) -> Scope {
    match actor.read_scope(Subject::Ticket) {
        Scope::Nothing => actor.account_id.map_or(Scope::Nothing, Scope::Own),
        scope => scope,
    }
}

/// Files a ticket for `actor` and tells the live board.
pub async fn file(
    state: &AppState,
    actor: &Actor,
    via: Via,
    intake: Intake,
) -> Result<Created, AppError> {
    let spec = match (intake.draft.parse(), intake.problems) {
        (Ok(spec), problems) if problems.is_empty() => spec,
        (Ok(_), problems) => return Err(AppError::Invalid(muster_domain::Invalid(problems))),
        (Err(mut invalid), problems) => {
            invalid.0.extend(problems);
            return Err(AppError::Invalid(invalid));
        }
    };
    let key = intake
        .idempotency_key
        .map(|k| k.chars().take(100).collect());
    let created = state
        .store
        .create_ticket(
            &Change::new(actor, via),
            NewTicket {
                spec,
                idempotency_key: key,
                attachments: intake.files,
            },
        )
        .await?;
    if !created.existed {
        state.board.publish(actor.program_id, &created.ticket);
    }
    Ok(created)
}

/// `POST /api/v1/tickets`: JSON, or multipart with attachments. An `Idempotency-Key`
/// header makes a retry return the ticket already filed (200 instead of 201).
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    require(&caller.actor, Action::Create, Subject::Ticket)?;
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut intake = if multipart {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        read_multipart(form).await?
    } else {
        let ApiJson(draft) = ApiJson::<TicketDraft>::from_request(request, &state).await?;
        Intake {
            draft,
            idempotency_key: None,
            files: Vec::new(),
            problems: Vec::new(),
        }
    };
    if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
        intake.idempotency_key = Some(key.to_owned());
    }
    let created = file(&state, &caller.actor, Via::Api, intake).await?;
    let status = if created.existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let location = format!("/api/v1/tickets/{}", created.ticket.id);
    Ok((status, [(header::LOCATION, location)], Json(created.ticket)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(paging): Params<Paging>,
    Params(query): Params<TicketQuery>,
) -> Result<Json<Page<Ticket>>, ApiError> {
    let (cursor, limit) = paging.parse()?;
    let actor = &caller.actor;
    let filter = query.filter(actor)?;
    let page = state
        .store
        .list_tickets(
            actor.program_id,
            &ticket_scope(actor),
            &filter,
            cursor.as_ref(),
            limit,
        )
        .await?;
    Ok(Json(page))
}

pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(visible(&state, &caller.actor, id).await?.ticket))
}

/// Applies a change for `actor` and tells the board; shared with the pages.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    via: Via,
    id: i64,
    spec: ChangeSpec,
) -> Result<Ticket, AppError> {
    let v = visible(state, actor, id).await?;
    require_involved(actor, &v)?;
    let ticket = state
        .store
        .update_ticket(&Change::new(actor, via), id, spec, v.staff)
        .await?;
    state.board.publish(actor.program_id, &ticket);
    Ok(ticket)
}

/// `PATCH /api/v1/tickets/{id}`: status, triage, team, assignee, known issue, comment.
/// Send `version` to be sure nobody changed the ticket since you read it.
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<TicketChange>,
) -> Result<Json<Ticket>, ApiError> {
    let spec = body.parse()?;
    Ok(Json(
        change(&state, &caller.actor, Via::Api, id, spec).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    pub comment: String,
}

pub async fn comment(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<Json<Ticket>, ApiError> {
    let spec = TicketChange {
        comment: Some(body.comment),
        ..Default::default()
    }
    .parse()?;
    if spec.comment.is_none() {
        return Err(
            AppError::Invalid(muster_domain::Invalid::one("comment", "must not be empty")).into(),
        );
    }
    Ok(Json(
        change(&state, &caller.actor, Via::Api, id, spec).await?,
    ))
}

pub async fn events(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<Vec<TicketEvent>>, ApiError> {
    visible(&state, &caller.actor, id).await?;
    Ok(Json(
        state
            .store
            .ticket_events(caller.actor.program_id, id)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The number of the ticket to keep.
    pub into: i64,
}

/// Merges ticket `id` into ticket number `into`: staff may merge any duplicate, a requester
/// their own new ticket.
pub async fn merge_for(
    state: &AppState,
    actor: &Actor,
    via: Via,
    id: i64,
    into: i64,
) -> Result<Ticket, AppError> {
    let v = visible(state, actor, id).await?;
    let own_new = actor.raised(v.place()) && v.ticket.status == Status::New;
    if !(v.staff || own_new) {
        return Err(AppError::Forbidden("only the support team merges tickets; a requester may join their new ticket to another".into()));
    }
    let keeper = state
        .store
        .ticket_by_number(actor.program_id, into)
        .await
        .map_err(|_| {
            AppError::Invalid(muster_domain::Invalid::one(
                "into",
                format!("there is no ticket {into}"),
            ))
        })?;
    visible(state, actor, keeper.id).await.map_err(|_| {
        AppError::Invalid(muster_domain::Invalid::one(
            "into",
            format!("there is no ticket {into}"),
        ))
    })?;
    let merged = state
        .store
        .merge_tickets(&Change::new(actor, via), id, keeper.id)
        .await?;
    state.board.publish(actor.program_id, &merged);
    Ok(merged)
}

pub async fn merge(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(body): ApiJson<MergeBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        merge_for(&state, &caller.actor, Via::Api, id, body.into).await?,
    ))
}

/// `POST /api/v1/tickets/{id}/join`: "me too": the caller follows this ticket.
pub async fn join(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<Ticket>, ApiError> {
    require(&caller.actor, Action::Create, Subject::Ticket)?;
    visible(&state, &caller.actor, id).await?;
    Ok(Json(
        state
            .store
            .join_ticket(&Change::new(&caller.actor, Via::Api), id, None)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct SimilarQuery {
    pub q: Option<String>,
}

/// `GET /api/v1/tickets/similar?q=`: open tickets and known issues that look the same.
pub async fn similar(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(query): Params<SimilarQuery>,
) -> Result<Json<Vec<Similar>>, ApiError> {
    let Some(text) = given(&query.q) else {
        return Ok(Json(Vec::new()));
    };
    let actor = &caller.actor;
    let mut found = state
        .store
        .similar(
            actor.program_id,
            &actor.read_scope(Subject::Ticket),
            text,
            5,
        )
        .await?;
    if !actor.may(Action::Read, Subject::Ticket) {
        // Requesters see known issues, not other people's tickets.
        found.retain(|s| s.kind == "known_issue");
    }
    Ok(Json(found))
}

#[derive(Debug, Deserialize, Serialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeRequestQuery {
    /// pending, approved, rejected or deferred
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
    /// The wave the change would go live in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave_id: Option<String>,
    /// The governance body it is routed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_id: Option<String>,
}

impl ChangeRequestQuery {
    pub fn filter(
        &self,
    ) -> muster_store::StoreResult<muster_store::change_request::ChangeRequestFilter> {
        Ok(muster_store::change_request::ChangeRequestFilter {
            status: filter_value("status", &self.status, ChangeStatus::parse)?,
            ticket_id: filter_id("ticket_id", &self.ticket_id)?,
            wave_id: filter_id("wave_id", &self.wave_id)?,
            body_id: filter_id("body_id", &self.body_id)?,
        })
    }
}

/// Change requests, newest first (at most 500), by status, ticket, wave and body.
#[utoipa::path(get, path = "/api/v1/change-requests", tag = "Change requests", params(ChangeRequestQuery),
    responses((status = 200, description = "change requests", body = Vec<ChangeRequest>), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "a filter is not valid", body = crate::error::Problem)))]
pub async fn change_requests(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(query): Params<ChangeRequestQuery>,
) -> Result<Json<Vec<ChangeRequest>>, ApiError> {
    require(&caller.actor, Action::Read, Subject::ChangeRequest)?;
    Ok(Json(
        state
            .store
            .find_change_requests(caller.actor.program_id, &query.filter()?)
            .await?,
    ))
}

/// Raises a change request from ticket `id`, routed by the decision rights.
pub async fn raise_for(
    state: &AppState,
    actor: &Actor,
    via: Via,
    id: i64,
    draft: ChangeRequestDraft,
) -> Result<ChangeRequest, AppError> {
    let v = visible(state, actor, id).await?;
    if !v.staff {
        return Err(AppError::Forbidden(
            "only the support team raises change requests from a ticket".into(),
        ));
    }
    let spec = draft.parse()?;
    Ok(state
        .store
        .create_change_request(&Change::new(actor, via), Some(id), spec)
        .await?)
}

pub async fn raise_change(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(draft): ApiJson<ChangeRequestDraft>,
) -> Result<Response, ApiError> {
    let request = raise_for(&state, &caller.actor, Via::Api, id, draft).await?;
    Ok((StatusCode::CREATED, Json(request)).into_response())
}

/// Records a decision: the decider's own account, or a program lead or administrator.
pub async fn decide_for(
    state: &AppState,
    actor: &Actor,
    via: Via,
    id: i64,
    draft: DecisionDraft,
) -> Result<ChangeRequest, AppError> {
    let request = state.store.change_request(actor.program_id, id).await?;
    authorize_decision(state, actor, &request).await?;
    let impact = draft.patient_impact()?;
    let (status, note) = draft.parse()?;
    Ok(state
        .store
        .decide_change_request(&Change::new(actor, via), id, status, note, impact)
        .await?)
}

/// May `actor` decide `request`: the account named on its right; for a body's request a
/// member or a program lead on its behalf (`Actor::may_decide_for`); else whoever may
/// update change requests.
pub async fn authorize_decision(
    state: &AppState,
    actor: &Actor,
    request: &ChangeRequest,
) -> Result<(), AppError> {
    let rights = state.store.decision_rights(actor.program_id).await?;
    let decider_account = rights
        .iter()
        .find(|r| Some(r.id) == request.decision_right_id)
        .and_then(|r| r.decider_account_id);
    let holds_right = decider_account.is_some() && decider_account == actor.account_id;
    match request.body_id {
        // A body's request: its members decide, or a program lead on its behalf.
        Some(body_id) if !holds_right => {
            let body = state
                .store
                .governance_body(actor.program_id, body_id)
                .await?;
            state.store.may_decide_for_body(actor, &body).await?;
        }
        _ => {
            if !(holds_right || actor.may(Action::Update, Subject::ChangeRequest)) {
                return Err(AppError::Forbidden(format!(
                    "this decision belongs to {}",
                    request.decider
                )));
            }
        }
    }
    Ok(())
}

/// Decides a pending change request; with `patient_impact`, the decision is also entered
/// in the decision log, linked to the request.
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/decision", tag = "Change requests", request_body = DecisionDraft,
    responses((status = 200, description = "the decided request", body = ChangeRequest), (status = 403, description = "the decision belongs to another body", body = crate::error::Problem), (status = 422, description = "the decision is not valid", body = crate::error::Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(draft): ApiJson<DecisionDraft>,
) -> Result<Json<ChangeRequest>, ApiError> {
    Ok(Json(
        decide_for(&state, &caller.actor, Via::Api, id, draft).await?,
    ))
}
