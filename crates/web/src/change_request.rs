//! Change requests in pages and the API beyond the ticket: the list with filters, raising a
//! request directly (vanilla first: why the standard build cannot serve), a request's page
//! with its route, decision and the decision-log entries linked to it.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::decision::{ChangeKind, ChangeRequest, ChangeRequestDraft, ChangeStatus};
use muster_domain::decision_log::{DecisionEntry, LinkKind};
use muster_domain::{Invalid, audit::Via};
use muster_store::Change;
use utoipa::OpenApi;

use crate::AppState;
use crate::access::require;
use crate::alignment::ALIGNMENT;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, HtmlForm, Params, RecordId, attach_errors};
use crate::governance::body_options;
use crate::page::{FormPage, Layout, redirect_with_flash, render, render_with};
use crate::resource::api::ApiJson;
use crate::resource::{Lookup, choice_options, options_with};
use crate::ticket::api::{ChangeRequestQuery, authorize_decision};

fn crumbs() -> Vec<(String, String)> {
    vec![
        (ALIGNMENT.0.into(), ALIGNMENT.1.into()),
        ("Change requests".into(), "/change-requests".into()),
    ]
}

/// Raises a change request directly (no ticket), routed by the decision rights.
pub async fn raise(
    state: &AppState,
    actor: &Actor,
    via: Via,
    draft: ChangeRequestDraft,
) -> Result<ChangeRequest, AppError> {
    require(actor, Action::Create, Subject::ChangeRequest)?;
    let spec = draft.parse()?;
    Ok(state
        .store
        .create_change_request(&Change::new(actor, via), None, spec)
        .await?)
}

/// Raises a change request directly. Vanilla first: `justification` says why the standard
/// build cannot serve. It goes to the body holding the governing right for its module and
/// kind; a `body_id` that does not hold that right is refused (422, naming `body_id`).
#[utoipa::path(post, path = "/api/v1/change-requests", tag = "Change requests", request_body = ChangeRequestDraft,
    responses((status = 201, description = "raised and routed", body = ChangeRequest), (status = 403, description = "your role does not allow this", body = crate::error::Problem), (status = 422, description = "a field is not valid", body = crate::error::Problem)))]
pub async fn api_create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<ChangeRequestDraft>,
) -> Result<Response, ApiError> {
    let request = raise(&state, &caller.actor, Via::Api, draft).await?;
    let location = format!("/api/v1/change-requests/{}", request.id);
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, location)],
        Json(request),
    )
        .into_response())
}

/// A change request.
#[utoipa::path(get, path = "/api/v1/change-requests/{id}", tag = "Change requests",
    responses((status = 200, description = "the request", body = ChangeRequest), (status = 404, description = "no such request", body = crate::error::Problem)))]
pub async fn api_get(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<ChangeRequest>, ApiError> {
    require(&caller.actor, Action::Read, Subject::ChangeRequest)?;
    Ok(Json(
        state
            .store
            .change_request(caller.actor.program_id, id)
            .await?,
    ))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        api_create,
        api_get,
        crate::ticket::api::change_requests,
        crate::ticket::api::decide
    ),
    components(schemas(
        ChangeRequest,
        ChangeRequestDraft,
        muster_domain::decision::DecisionDraft,
        ChangeKind,
        ChangeStatus
    ))
)]
pub struct ChangeRequestDoc;

struct Row {
    request: ChangeRequest,
    wave: String,
    module: String,
}

#[derive(Template)]
#[template(path = "change_requests/list.html")]
struct ListPage {
    layout: Layout,
    filters: Vec<Field>,
    rows: Vec<Row>,
    can_raise: bool,
}

async fn wave_options(
    state: &AppState,
    program_id: i64,
    none: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let waves = state.store.all_waves(program_id).await?;
    Ok(options_with(
        Some(none),
        waves
            .into_iter()
            .map(|w| (w.id.to_string(), format!("{} ({})", w.name, w.go_live))),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(mut query): Params<ChangeRequestQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::ChangeRequest)?;
    if query.status.is_none() {
        query.status = Some(ChangeStatus::Pending.code().into());
    }
    let requests = state
        .store
        .find_change_requests(actor.program_id, &query.filter()?)
        .await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let waves = state.store.all_waves(actor.program_id).await?;
    let rows = requests
        .into_iter()
        .map(|request| Row {
            wave: request
                .wave_id
                .and_then(|id| waves.iter().find(|w| w.id == id))
                .map(|w| w.name.clone())
                .unwrap_or_default(),
            module: lookup.module_name(request.module_id, "Every module"),
            request,
        })
        .collect();
    let statuses = choice_options(
        ChangeStatus::ALL,
        ChangeStatus::code,
        ChangeStatus::label,
        Some("Any status"),
    );
    let filters = vec![
        Field::new(
            "status",
            "Status",
            FieldKind::Select(statuses),
            query.status.as_deref(),
        ),
        Field::new(
            "wave_id",
            "Wave",
            FieldKind::Select(wave_options(&state, actor.program_id, "Any wave").await?),
            query.wave_id.as_deref(),
        ),
        Field::new(
            "body_id",
            "Routed to",
            FieldKind::Select(
                body_options(&state.store, actor.program_id, Some("Any body")).await?,
            ),
            query.body_id.as_deref(),
        ),
    ];
    let page = ListPage {
        layout: viewer.layout("Change requests", crumbs()),
        filters,
        rows,
        can_raise: actor.may(Action::Create, Subject::ChangeRequest),
    };
    render(&page, &viewer)
}

async fn form_fields(
    state: &AppState,
    actor: &Actor,
    d: &ChangeRequestDraft,
) -> Result<Vec<Field>, AppError> {
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let kinds = ChangeKind::ALL
        .iter()
        .filter(|k| **k != ChangeKind::GoLive)
        .map(|k| (k.code().to_owned(), k.label().to_owned()));
    Ok(vec![
        Field::new("title", "Title", FieldKind::Text, d.title.as_deref()).required(),
        Field::new(
            "change_kind",
            "Kind of change",
            FieldKind::Select(options_with(None, kinds)),
            d.change_kind.as_deref(),
        )
        .required(),
        Field::new(
            "module_id",
            "Module",
            FieldKind::Select(lookup.module_options(Some("— every module —"))),
            d.module_id.as_deref(),
        ),
        Field::new(
            "wave_id",
            "Wave it would go live in",
            FieldKind::Select(wave_options(state, actor.program_id, "— no wave yet —").await?),
            d.wave_id.as_deref(),
        ),
        Field::new(
            "justification",
            "Why can the standard build not serve?",
            FieldKind::TextArea,
            d.justification.as_deref(),
        )
        .required()
        .help("Vanilla first: say what the standard build cannot do and what it costs to live with it"),
        Field::new(
            "body_id",
            "Route to",
            FieldKind::Select(
                body_options(&state.store, actor.program_id, Some("— the body holding the right —"))
                    .await?,
            ),
            d.body_id.as_deref(),
        )
        .help("Leave blank: it goes to the body that holds the decision right for this module and kind"),
    ])
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    draft: &ChangeRequestDraft,
    invalid: Option<&Invalid>,
) -> Result<FormPage, AppError> {
    let mut fields = form_fields(state, &viewer.actor, draft).await?;
    let problems = attach_errors(&mut fields, invalid);
    let field_errors = fields.iter().any(|f| f.error.is_some());
    let mut c = crumbs();
    c.push(("Raise".into(), "/change-requests/new".into()));
    Ok(FormPage {
        layout: viewer.layout("Raise a change request", c),
        action: "/change-requests".into(),
        submit: "Raise",
        cancel_href: "/change-requests".into(),
        fields,
        problems,
        field_errors,
    })
}

pub async fn new(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Create, Subject::ChangeRequest)?;
    let page = form_page(&state, &viewer, &ChangeRequestDraft::default(), None).await?;
    render(&page, &viewer)
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    HtmlForm(draft): HtmlForm<ChangeRequestDraft>,
) -> Result<Response, PageError> {
    let shown = draft.clone();
    match raise(&state, &viewer.actor, viewer.via(), draft).await {
        Ok(request) => Ok(redirect_with_flash(
            &format!("/change-requests/{}", request.id),
            &format!(
                "Change request {} raised: {} decides",
                request.id, request.decider
            ),
        )),
        Err(AppError::Invalid(invalid)) => {
            let page = form_page(&state, &viewer, &shown, Some(&invalid)).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page, &viewer)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "change_requests/show.html")]
struct ShowPage {
    layout: Layout,
    cr: ChangeRequest,
    wave: Option<(i64, String)>,
    module: String,
    right: Option<(i64, String)>,
    decisions: Vec<DecisionEntry>,
    can_decide: bool,
    may_log: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::ChangeRequest)?;
    let program = actor.program_id;
    let cr = state.store.change_request(program, id).await?;
    let lookup = Lookup::load(&state.store, program).await?;
    let wave = match cr.wave_id {
        Some(w) => Some((w, state.store.wave(program, w).await?.name)),
        None => None,
    };
    let rights = state.store.decision_rights(program).await?;
    let right = cr
        .decision_right_id
        .and_then(|r| rights.iter().find(|x| x.id == r))
        .map(|r| {
            (
                r.id,
                format!(
                    "{} ({})",
                    r.change_kind.label(),
                    lookup.module_name(r.module_id, "every module")
                ),
            )
        });
    let decisions = if actor.may(Action::Read, Subject::Decision) {
        state
            .store
            .decisions_linked_to(program, LinkKind::ChangeRequest, id)
            .await?
    } else {
        Vec::new()
    };
    let can_decide =
        cr.status == ChangeStatus::Pending && authorize_decision(&state, actor, &cr).await.is_ok();
    let mut c = crumbs();
    c.push((
        format!("Request {}", cr.id),
        format!("/change-requests/{}", cr.id),
    ));
    let page = ShowPage {
        layout: viewer.layout(cr.title.clone(), c),
        module: lookup.module_name(cr.module_id, "Every module"),
        wave,
        right,
        decisions,
        can_decide,
        may_log: actor.may(Action::Create, Subject::Decision),
        cr,
    };
    render(&page, &viewer)
}
