//! Ticket pages: the list (mine, or the queue), one ticket with its clock, history and the
//! actions the viewer may take, and change requests awaiting decision.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use muster_domain::Invalid;
use muster_domain::access::{Action, Subject};
use muster_domain::audit::Via;
use muster_domain::decision::{ChangeKind, ChangeRequest, ChangeRequestDraft, DecisionDraft};
use muster_domain::support_team::SupportTeam;
use muster_domain::ticket::workflow::{TicketChange, next_statuses};
use muster_domain::ticket::{
    Attachment, Category, Clock, Impact, Priority, ResolutionCode, Similar, Status, Ticket,
    TicketEvent, Urgency,
};
use muster_store::{Store, StoreResult};
use serde::Deserialize;

use super::api::{TicketQuery, change, decide_for, merge_for, raise_for, ticket_scope};
use super::visible;
use crate::AppState;
use crate::access::require;
use crate::auth::Viewer;
use crate::error::{AppError, PageError};
use crate::form::{Field, FieldKind, FormFields, HtmlForm, Params, RecordId, fill, refused};
use crate::page::{Layout, redirect_with_flash, render, render_with, thousands};
use crate::resource::{Lookup, Paging, choice_options, options_with};

/// Names for the ids a ticket carries: the shared lookup plus the support teams.
pub struct Choices {
    pub lookup: Lookup,
    pub teams: Vec<SupportTeam>,
}

impl Choices {
    pub async fn load(store: &Store, program_id: i64) -> StoreResult<Self> {
        Ok(Choices {
            lookup: Lookup::load(store, program_id).await?,
            teams: store.all_support_teams(program_id).await?,
        })
    }

    pub fn team(&self, id: i64) -> String {
        self.teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    }

    pub fn team_options(&self, none: Option<&str>) -> Vec<(String, String)> {
        let teams = self
            .teams
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()));
        options_with(none, teams)
    }
}

/// One row of the list.
pub struct Row {
    pub id: i64,
    pub number: i64,
    pub summary: String,
    pub status: &'static str,
    pub priority: Priority,
    pub patient_safety: bool,
    pub site: String,
    pub team: String,
    pub clock: String,
    pub overdue: bool,
}

fn clock_text(t: &Ticket) -> (String, bool) {
    if !t.status.is_open() {
        return (t.status.label().to_owned(), false);
    }
    let left = t.sla.resolve_left_seconds;
    let mut text = Clock::describe(left);
    if t.sla.paused {
        text.push_str(" (paused)");
    }
    (text, left.is_some_and(|s| s < 0))
}

#[derive(Template)]
#[template(path = "tickets/list.html")]
struct ListPage {
    layout: Layout,
    filters: Vec<Field>,
    rows: Vec<Row>,
    total: String,
    next_href: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(paging): Params<Paging>,
    Params(mut query): Params<TicketQuery>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let staff_view = actor.may(Action::Read, Subject::Ticket)
        && actor.role != muster_domain::access::AccessRole::EndUser;
    if !staff_view {
        query.mine = Some("true".into());
    }
    if query.status.is_none() {
        query.status = Some("open".into());
    }
    let (cursor, limit) = paging.parse()?;
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
    let choices = Choices::load(&state.store, actor.program_id).await?;
    let rows = page
        .items
        .iter()
        .map(|t| {
            let (clock, overdue) = clock_text(t);
            Row {
                id: t.id,
                number: t.number,
                summary: t.summary.clone(),
                status: t.status.label(),
                priority: t.priority,
                patient_safety: t.patient_safety,
                site: choices.lookup.site_name(Some(t.site_id)),
                team: choices.team(t.team_id),
                clock,
                overdue,
            }
        })
        .collect();
    let next_href = page.next_cursor.as_ref().map(|c| {
        let q = serde_html_form::to_string(&query).unwrap_or_default();
        format!("/tickets?{q}&cursor={c}")
    });
    let mut statuses = vec![
        ("open".to_owned(), "Open".to_owned()),
        ("all".to_owned(), "All".to_owned()),
    ];
    statuses.extend(
        Status::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.label().to_owned())),
    );
    let mut filters = vec![
        Field::new("q", "Search", FieldKind::Text, query.q.as_deref()),
        Field::new(
            "status",
            "Status",
            FieldKind::Select(statuses),
            query.status.as_deref(),
        ),
    ];
    if staff_view {
        filters.push(Field::new(
            "site_id",
            "Site",
            FieldKind::Select(choices.lookup.site_options(Some("Any site"))),
            query.site_id.as_deref(),
        ));
        filters.push(Field::new(
            "team_id",
            "Team",
            FieldKind::Select(choices.team_options(Some("Any team"))),
            query.team_id.as_deref(),
        ));
        filters.push(Field::new(
            "priority",
            "Priority",
            FieldKind::Select(choice_options(
                Priority::ALL,
                Priority::code,
                Priority::label,
                Some("Any priority"),
            )),
            query.priority.as_deref(),
        ));
        filters.push(Field::new(
            "mine",
            "Only tickets I raised",
            FieldKind::Check,
            query.mine.as_deref().filter(|m| *m == "true"),
        ));
        filters.push(Field::new(
            "breached",
            "Only past their target",
            FieldKind::Check,
            query.breached.as_deref().filter(|m| *m == "true"),
        ));
    }
    let title = if staff_view { "Tickets" } else { "My tickets" };
    let page = ListPage {
        layout: viewer.layout(title, vec![("Tickets".into(), "/tickets".into())]),
        filters,
        rows,
        total: thousands(page.total),
        next_href,
    };
    render(&page, &viewer)
}

#[derive(Template)]
#[template(path = "tickets/show.html")]
struct ShowPage {
    layout: Layout,
    t: Ticket,
    site: String,
    module: String,
    team: String,
    response_clock: String,
    resolve_clock: String,
    overdue: bool,
    events: Vec<TicketEvent>,
    attachments: Vec<Attachment>,
    change_requests: Vec<ChangeRequest>,
    similar: Vec<Similar>,
    staff: bool,
    can_reopen: bool,
    can_merge: bool,
    can_decide: bool,
    /// Whether the requester's comment form and the change-request form are shown (the
    /// other forms follow `staff`, `can_reopen`, `can_merge`).
    shows_comment: bool,
    shows_change_request: bool,
    /// The staff's work form, a requester's comment, a reopen: one change, three forms.
    work_form: FormFields,
    comment_form: FormFields,
    reopen_form: FormFields,
    merge_form: FormFields,
    change_form: FormFields,
    merged_into: Option<(i64, i64)>,
}

/// A refused action form of the ticket page with what it sent, drawn again beside the
/// ticket as it now stands (409 when someone changed it since it was read).
struct Refusal {
    status: StatusCode,
    invalid: Invalid,
    form: Refused,
}

enum Refused {
    /// The work form, a requester's comment or a reopen.
    Change(TicketChange),
    Merge(String),
    ChangeRequest(ChangeRequestDraft),
}

impl Refusal {
    /// `err` as the refusal of `form`; errors other than refused input pass through.
    fn of(err: AppError, form: Refused) -> Result<Self, AppError> {
        let (status, invalid) = refused(err)?;
        Ok(Refusal {
            status,
            invalid,
            form,
        })
    }
}

/// The action forms of the ticket page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageForm {
    Work,
    Comment,
    Reopen,
    Merge,
    ChangeRequest,
}

impl Refused {
    /// The form that sent it: a change is the staff's work form, else a requester's reopen
    /// or comment.
    fn form(&self, staff: bool) -> PageForm {
        match self {
            Refused::Change(_) if staff => PageForm::Work,
            Refused::Change(c) if c.status.as_deref() == Some(Status::Reopened.code()) => {
                PageForm::Reopen
            }
            Refused::Change(_) => PageForm::Comment,
            Refused::Merge(_) => PageForm::Merge,
            Refused::ChangeRequest(_) => PageForm::ChangeRequest,
        }
    }

    /// What it sent, by field name.
    fn sent(&self) -> Vec<(&str, Option<&str>)> {
        match self {
            Refused::Change(c) => vec![
                ("status", c.status.as_deref()),
                ("team_id", c.team_id.as_deref()),
                ("assignee_account_id", c.assignee_account_id.as_deref()),
                ("category", c.category.as_deref()),
                ("impact", c.impact.as_deref()),
                ("urgency", c.urgency.as_deref()),
                ("module_id", c.module_id.as_deref()),
                ("known_issue_id", c.known_issue_id.as_deref()),
                ("resolution_code", c.resolution_code.as_deref()),
                ("resolution_note", c.resolution_note.as_deref()),
                ("comment", c.comment.as_deref()),
            ],
            Refused::Merge(into) => vec![("into", Some(into.as_str()))],
            Refused::ChangeRequest(d) => vec![
                ("change_kind", d.change_kind.as_deref()),
                ("module_id", d.module_id.as_deref()),
                ("title", d.title.as_deref()),
                ("justification", d.justification.as_deref()),
            ],
        }
    }
}

/// Draws `form`, with what was sent and why it was refused if it is the one refused.
fn form_of(
    form: PageForm,
    mut fields: Vec<Field>,
    refusal: Option<&Refusal>,
    staff: bool,
) -> FormFields {
    let refused = refusal.filter(|r| r.form.form(staff) == form);
    if let Some(r) = refused {
        fill(&mut fields, &r.form.sent());
    }
    FormFields::new(fields, refused.map(|r| &r.invalid))
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    show_page(&state, &viewer, id, None).await
}

/// The ticket page, with a refused form drawn again when there is one.
async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    refusal: Option<Refusal>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let v = visible(state, actor, id).await?;
    let t = v.ticket.clone();
    let program = actor.program_id;
    let choices = Choices::load(&state.store, program).await?;
    let requester = actor.raised(v.place());
    let settings = state.store.command_center_settings(program).await?;
    let can_reopen = t.status == Status::Resolved
        && t.resolved_at.is_some_and(|r| {
            chrono::Utc::now() < r + chrono::Duration::hours(settings.reopen_window_hours)
        })
        && (requester || v.staff);
    let can_merge = t.status.is_open() && (v.staff || (requester && t.status == Status::New));
    let shows_comment = !v.staff && requester && t.status.is_open();
    let shows_change_request = v.staff && t.status.is_open();
    // Which of the action forms the page shows.
    let shown = |form: PageForm| match form {
        PageForm::Work => v.staff,
        PageForm::Comment => shows_comment,
        PageForm::Reopen => can_reopen,
        PageForm::Merge => can_merge,
        PageForm::ChangeRequest => shows_change_request,
    };
    if let Some(r) = &refusal
        && !shown(r.form.form(v.staff))
    {
        // The ticket has moved on and the refused form is no longer on its page: say why
        // on the page the next request shows.
        return back_to(
            &format!("/tickets/{id}"),
            "Not saved.",
            Err(AppError::Conflict(r.invalid.clone())),
        );
    }
    let similar = if t.status.is_open() && (v.staff || requester) {
        let mut found = state
            .store
            .similar(program, &actor.read_scope(Subject::Ticket), &t.summary, 5)
            .await?;
        found.retain(|s| !(s.kind == "ticket" && s.id == t.id));
        if !actor.may(Action::Read, Subject::Ticket) {
            found.retain(|s| s.kind == "known_issue");
        }
        found
    } else {
        Vec::new()
    };
    let merged_into = match t.merged_into_id {
        Some(k) => Some((k, state.store.ticket(program, k).await?.number)),
        None => None,
    };
    let work_fields = if v.staff {
        work_fields(state, program, &t, &choices).await?
    } else {
        Vec::new()
    };
    let refusal = refusal.as_ref();
    let staff = v.staff;
    let work_form = form_of(PageForm::Work, work_fields, refusal, staff);
    let comment_form = form_of(
        PageForm::Comment,
        vec![Field::new("comment", "Comment", FieldKind::TextArea, None).required()],
        refusal,
        staff,
    );
    let reopen_form = form_of(
        PageForm::Reopen,
        vec![
            Field::new("comment", "Why reopen?", FieldKind::TextArea, None)
                .required()
                .within("reopen"),
        ],
        refusal,
        staff,
    );
    let merge_form = form_of(
        PageForm::Merge,
        vec![Field::new("into", "Merge into ticket number", FieldKind::Text, None).required()],
        refusal,
        staff,
    );
    let change_form = form_of(
        PageForm::ChangeRequest,
        change_request_fields(&t, &choices),
        refusal,
        staff,
    );
    let status = refusal.map_or(StatusCode::OK, |r| r.status);
    let (resolve_clock, overdue) = clock_text(&t);
    let page = ShowPage {
        layout: viewer.layout(
            format!("Ticket {}: {}", t.number, t.summary),
            vec![("Tickets".into(), "/tickets".into())],
        ),
        site: choices.lookup.site_name(Some(t.site_id)),
        module: choices.lookup.module_name(t.module_id, ""),
        team: choices.team(t.team_id),
        response_clock: Clock::describe(t.sla.response_left_seconds),
        resolve_clock,
        overdue,
        events: state.store.ticket_events(program, id).await?,
        attachments: state.store.ticket_attachments(program, id).await?,
        change_requests: state
            .store
            .list_change_requests(program, Some(id), None)
            .await?,
        similar,
        staff: v.staff,
        can_reopen,
        can_merge,
        shows_comment,
        shows_change_request,
        can_decide: actor.may(Action::Update, Subject::ChangeRequest),
        work_form,
        comment_form,
        reopen_form,
        merge_form,
        change_form,
        merged_into,
        t,
    };
    render_with(status, &page, viewer)
}

async fn work_fields(
    state: &AppState,
    program: i64,
    t: &Ticket,
    choices: &Choices,
) -> Result<Vec<Field>, AppError> {
    let mut statuses = vec![(String::new(), format!("— keep: {} —", t.status.label()))];
    statuses.extend(
        next_statuses(t.status)
            .iter()
            .map(|s| (s.code().to_owned(), s.label().to_owned())),
    );
    let mut assignees = vec![(String::new(), "— nobody —".to_owned())];
    assignees.extend(
        state
            .store
            .accounts(program)
            .await?
            .into_iter()
            .filter(|a| a.active && a.role != muster_domain::access::AccessRole::EndUser)
            .map(|a| (a.id.to_string(), format!("{} ({})", a.name, a.role.label()))),
    );
    let known = state.store.linkable_known_issues(program).await?;
    let mut known_options = vec![(String::new(), "— none —".to_owned())];
    known_options.extend(known.into_iter().map(|(id, title)| (id.to_string(), title)));
    let s = |v: &str| Some(v.to_owned());
    Ok(vec![
        Field::new("status", "Status", FieldKind::Select(statuses), None),
        Field::new(
            "team_id",
            "Team",
            FieldKind::Select(choices.team_options(None)),
            s(&t.team_id.to_string()).as_deref(),
        ),
        Field::new(
            "assignee_account_id",
            "Assigned to",
            FieldKind::Select(assignees),
            t.assignee_account_id.map(|a| a.to_string()).as_deref(),
        ),
        Field::new(
            "category",
            "Category",
            FieldKind::Select(choice_options(
                Category::ALL,
                Category::code,
                Category::label,
                None,
            )),
            Some(t.category.code()),
        ),
        Field::new(
            "impact",
            "Impact",
            FieldKind::Select(choice_options(
                Impact::ALL,
                Impact::code,
                Impact::label,
                None,
            )),
            Some(t.impact.code()),
        ),
        Field::new(
            "urgency",
            "Urgency",
            FieldKind::Select(choice_options(
                Urgency::ALL,
                Urgency::code,
                Urgency::label,
                None,
            )),
            Some(t.urgency.code()),
        ),
        Field::new(
            "module_id",
            "Module",
            FieldKind::Select(choices.lookup.module_options(Some("— none —"))),
            t.module_id.map(|m| m.to_string()).as_deref(),
        ),
        Field::new(
            "known_issue_id",
            "Known issue",
            FieldKind::Select(known_options),
            t.known_issue_id.map(|k| k.to_string()).as_deref(),
        ),
        Field::new(
            "resolution_code",
            "Resolution",
            FieldKind::Select(choice_options(
                ResolutionCode::ALL,
                ResolutionCode::code,
                ResolutionCode::label,
                Some("— when resolving —"),
            )),
            None,
        ),
        Field::new(
            "resolution_note",
            "Resolution note",
            FieldKind::TextArea,
            None,
        )
        .help("Required to resolve: what was done, in words the requester understands"),
        Field::new("comment", "Comment", FieldKind::TextArea, None),
    ])
}

fn change_request_fields(t: &Ticket, choices: &Choices) -> Vec<Field> {
    vec![
        Field::new(
            "change_kind",
            "Kind of change",
            FieldKind::Select(choice_options(
                ChangeKind::ALL,
                ChangeKind::code,
                ChangeKind::label,
                None,
            )),
            None,
        )
        .required(),
        Field::new(
            "module_id",
            "Module",
            FieldKind::Select(choices.lookup.module_options(Some("— all modules —"))),
            t.module_id.map(|m| m.to_string()).as_deref(),
        ),
        Field::new(
            "title",
            "Change requested",
            FieldKind::Text,
            Some(&t.summary),
        )
        .required(),
        Field::new(
            "justification",
            "Why the standard build cannot serve",
            FieldKind::TextArea,
            None,
        )
        .required(),
    ]
}

/// `POST /tickets/{id}`: the work form, a requester's comment or a reopen.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(form): HtmlForm<TicketChange>,
) -> Result<Response, PageError> {
    let done = match form.clone().parse() {
        Ok(spec) => change(&state, &viewer.actor, Via::Ui, id, spec).await,
        Err(invalid) => Err(AppError::Invalid(invalid)),
    };
    match done {
        Ok(t) => Ok(redirect_with_flash(
            &format!("/tickets/{id}"),
            &format!("Ticket {} updated", t.number),
        )),
        Err(e) => refuse(&state, &viewer, id, e, Refused::Change(form)).await,
    }
}

/// The ticket page again with `form` refused for `err`, or `err`'s own page when it is not
/// a refusal of the input.
async fn refuse(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    err: AppError,
    form: Refused,
) -> Result<Response, PageError> {
    let refusal = Refusal::of(err, form)?;
    show_page(state, viewer, id, Some(refusal)).await
}

/// Post/Redirect/Get for a change request's decision, which is made from the ticket page and
/// from the list of change requests, and for a refused form the ticket page no longer shows:
/// back to `to` saying what was done, or why not when the input was refused; other errors
/// are pages of their own.
fn back_to(to: &str, refused: &str, done: Result<String, AppError>) -> Result<Response, PageError> {
    match done {
        Ok(message) => Ok(redirect_with_flash(to, &message)),
        Err(AppError::Invalid(invalid) | AppError::Conflict(invalid)) => {
            let why = invalid
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field.replace('_', " "), e.message))
                .collect::<Vec<_>>()
                .join("; ");
            Ok(redirect_with_flash(to, &format!("{refused} {why}")))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeForm {
    pub into: String,
}

pub async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(form): HtmlForm<MergeForm>,
) -> Result<Response, PageError> {
    let done = match form.into.trim().trim_start_matches('#').parse::<i64>() {
        Ok(into) => merge_for(&state, &viewer.actor, Via::Ui, id, into)
            .await
            .map(|t| format!("Ticket {} merged into ticket {into}", t.number)),
        Err(_) => Err(AppError::Invalid(Invalid::one(
            "into",
            "give the number of the ticket to keep",
        ))),
    };
    match done {
        Ok(message) => Ok(redirect_with_flash(&format!("/tickets/{id}"), &message)),
        Err(e) => refuse(&state, &viewer, id, e, Refused::Merge(form.into)).await,
    }
}

pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Create, Subject::Ticket)?;
    let mine = state
        .store
        .join_ticket(&muster_store::Change::new(&viewer.actor, Via::Ui), id, None)
        .await?;
    Ok(redirect_with_flash(
        &format!("/tickets/{}", mine.id),
        &format!("You now follow this issue as ticket {}", mine.number),
    ))
}

pub async fn raise_change(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(form): HtmlForm<ChangeRequestDraft>,
) -> Result<Response, PageError> {
    match raise_for(&state, &viewer.actor, Via::Ui, id, form.clone()).await {
        Ok(cr) => Ok(redirect_with_flash(
            &format!("/tickets/{id}"),
            &format!("Change request {} raised: {} decides", cr.id, cr.decider),
        )),
        Err(e) => refuse(&state, &viewer, id, e, Refused::ChangeRequest(form)).await,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    pub status: Option<String>,
    pub decision_note: Option<String>,
    pub patient_impact: Option<String>,
    pub back: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    RecordId(id): RecordId,
    HtmlForm(form): HtmlForm<DecisionForm>,
) -> Result<Response, PageError> {
    let back = form
        .back
        .filter(|b| b.starts_with("/tickets/") || b.starts_with("/change-requests"))
        .unwrap_or_else(|| "/change-requests".into());
    let draft = DecisionDraft {
        status: form.status,
        decision_note: form.decision_note,
        patient_impact: form.patient_impact,
    };
    let done = decide_for(&state, &viewer.actor, Via::Ui, id, draft).await;
    back_to(
        &back,
        "Not decided.",
        done.map(|cr| {
            format!(
                "Change request {} {}",
                cr.id,
                cr.status.label().to_lowercase()
            )
        }),
    )
}
