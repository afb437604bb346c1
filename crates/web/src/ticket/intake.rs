//! Intake at the elbow: a short form that works on a phone, prefilled from the user's
//! profile, with screenshots attached, similar tickets shown while typing, and a ticket
//! number at once. The same intake serves `POST /api/v1/tickets`.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Subject};
use muster_domain::account::random_token;
use muster_domain::ticket::{ATTACHMENTS, Category, Impact, TicketDraft, Urgency};
use muster_store::ticket::NewAttachment;

use super::pages::Choices;
use crate::AppState;
use crate::access::require;
use crate::attachment::read_upload;
use crate::auth::Viewer;
use crate::error::{AppError, PageError};
use crate::form::{Field, FieldKind, attach_errors};
use crate::page::{Layout, redirect_with_flash, render, render_with};
use crate::resource::{choice_options, unit_options};

/// Largest intake request: the form and up to five 5 MiB attachments.
pub const UPLOAD_LIMIT: usize = ATTACHMENTS.upload_limit();

#[derive(Template)]
#[template(path = "tickets/new.html")]
struct IntakePage {
    layout: Layout,
    fields: Vec<Field>,
    problems: Vec<String>,
    field_errors: bool,
    idempotency_key: String,
}

/// A submitted intake: the ticket's fields, the client's idempotency key and the files.
pub struct Intake {
    pub draft: TicketDraft,
    pub idempotency_key: Option<String>,
    pub files: Vec<NewAttachment>,
    /// Files refused, reported with the form's other errors.
    pub problems: Vec<muster_domain::FieldError>,
}

/// Reads a multipart intake; files are checked by their bytes, every problem is named.
pub async fn read_multipart(form: Multipart) -> Result<Intake, AppError> {
    let mut upload = read_upload(form, &ATTACHMENTS).await?;
    let key = upload
        .take("idempotency_key")
        .filter(|k| !k.trim().is_empty());
    Ok(Intake {
        draft: upload.draft()?,
        idempotency_key: key,
        problems: upload.field_errors("attachments"),
        files: upload.files,
    })
}

/// The intake form's fields, filled from `draft`.
pub async fn fields(
    state: &AppState,
    viewer: &Viewer,
    draft: &TicketDraft,
    choices: &Choices,
) -> Result<Vec<Field>, AppError> {
    let units = unit_options(
        &state.store,
        viewer.actor.program_id,
        draft.site_id.as_deref(),
        "— no unit —",
    )
    .await?;
    let roles = choice_options(
        muster_domain::person::JobRole::ALL,
        |r| r.code(),
        |r| r.label(),
        Some("— your role —"),
    );
    Ok(vec![
        Field::new(
            "summary",
            "In a few words, what is wrong?",
            FieldKind::Text,
            draft.summary.as_deref(),
        )
        .required()
        .help("For example: \"Cannot sign discharge orders\""),
        Field::new(
            "site_id",
            "Site",
            FieldKind::Select(choices.lookup.site_options(Some("— choose —"))),
            draft.site_id.as_deref(),
        )
        .required(),
        Field::new(
            "unit_id",
            "Unit",
            FieldKind::Select(units),
            draft.unit_id.as_deref(),
        ),
        Field::new(
            "job_role",
            "Your role",
            FieldKind::Select(roles),
            draft.job_role.as_deref(),
        ),
        Field::new(
            "module_id",
            "Module",
            FieldKind::Select(choices.lookup.module_options(Some("— not sure —"))),
            draft.module_id.as_deref(),
        ),
        Field::new(
            "workflow",
            "Workflow or screen",
            FieldKind::Text,
            draft.workflow.as_deref(),
        )
        .help("Where it happened, e.g. \"Discharge navigator\""),
        Field::new(
            "what_happened",
            "What happened?",
            FieldKind::TextArea,
            draft.what_happened.as_deref(),
        )
        .required(),
        Field::new(
            "expected",
            "What did you expect?",
            FieldKind::TextArea,
            draft.expected.as_deref(),
        ),
        Field::new(
            "patient_safety",
            "A patient could be harmed (patient-safety issue)",
            FieldKind::Check,
            draft.patient_safety.filter(|b| *b).map(|_| "true"),
        ),
        Field::new(
            "category",
            "Kind of problem",
            FieldKind::Select(choice_options(
                Category::ALL,
                Category::code,
                Category::label,
                Some("— not sure —"),
            )),
            draft.category.as_deref(),
        ),
        Field::new(
            "impact",
            "Who is affected?",
            FieldKind::Select(choice_options(
                Impact::ALL,
                Impact::code,
                Impact::label,
                Some("— not sure —"),
            )),
            draft.impact.as_deref(),
        ),
        Field::new(
            "urgency",
            "How urgent?",
            FieldKind::Select(choice_options(
                Urgency::ALL,
                Urgency::code,
                Urgency::label,
                Some("— not sure —"),
            )),
            draft.urgency.as_deref(),
        ),
        Field::new(
            "contact",
            "How can we reach you?",
            FieldKind::Text,
            draft.contact.as_deref(),
        )
        .help("Extension, pager or mobile"),
    ])
}

async fn render_form(
    state: &AppState,
    viewer: &Viewer,
    draft: TicketDraft,
    invalid: Option<&Invalid>,
    key: Option<String>,
) -> Result<Response, PageError> {
    let choices = Choices::load(&state.store, viewer.actor.program_id).await?;
    let mut fields = fields(state, viewer, &draft, &choices).await?;
    let problems = attach_errors(&mut fields, invalid);
    let page = IntakePage {
        layout: viewer.layout(
            "Report a problem",
            vec![("Tickets".into(), "/tickets".into())],
        ),
        field_errors: fields.iter().any(|f| f.error.is_some()),
        fields,
        problems,
        idempotency_key: key.unwrap_or_else(|| random_token(16)),
    };
    if invalid.is_some() {
        render_with(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page, viewer)
    } else {
        render(&page, viewer)
    }
}

/// `GET /tickets/new`: the form, with site, unit and role from the user's roster entry.
pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Create, Subject::Ticket)?;
    let me = state
        .store
        .person_by_email(viewer.actor.program_id, &viewer.actor.email)
        .await?;
    let mut draft = TicketDraft::default();
    if let Some(me) = me {
        draft.site_id = me.site_id.map(|s| s.to_string());
        draft.unit_id = me.unit_id.map(|u| u.to_string());
        draft.job_role = Some(me.job_role.code().to_owned());
    } else if let [only] = viewer.actor.site_ids.as_slice() {
        draft.site_id = Some(only.to_string());
    }
    render_form(&state, &viewer, draft, None, None).await
}

/// `POST /tickets`: files the ticket and shows it with its number.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Create, Subject::Ticket)?;
    let form = Multipart::from_request(request, &state)
        .await
        .map_err(|e| AppError::BadRequest(format!("send the form as multipart/form-data: {e}")))?;
    let intake = read_multipart(form).await?;
    let draft = intake.draft.clone();
    let key = intake.idempotency_key.clone();
    match super::api::file(&state, &viewer.actor, muster_domain::audit::Via::Ui, intake).await {
        Ok(created) => Ok(redirect_with_flash(
            &format!("/tickets/{}", created.ticket.id),
            &format!(
                "Ticket {} filed. We will keep you posted here and in your notifications.",
                created.ticket.number
            ),
        )),
        Err(AppError::Invalid(invalid)) => {
            render_form(&state, &viewer, draft, Some(&invalid), key).await
        }
        Err(other) => Err(other.into()),
    }
}
