//! The session calendar: upcoming sessions week by week, and the same sessions as an
//! iCalendar feed, either with the caller's sign-in or token (`/api/v1/calendar.ics`) or
//! at a secret per-account link that calendar apps poll (`/calendar/{secret}.ics`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::account::{random_token, secret_digest};
use muster_domain::audit::Via;
use muster_domain::ical::{Event, When, calendar};
use muster_domain::training::session::TrainingSession;
use muster_store::Change;
use muster_store::training::SessionFilter;
use serde::{Deserialize, Serialize};

use super::sessions::{SessionQuery, seats};
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, AppError, PageError};
use crate::form::{Field, FieldKind, Params};
use crate::page::{Layout, render};
use crate::resource::Lookup;

/// Weeks the calendar page and the feeds look ahead.
const WEEKS_AHEAD: i64 = 12;
/// Sessions at most in one page or feed.
const MOST: u64 = 500;

pub struct Week {
    pub heading: String,
    pub sessions: Vec<(TrainingSession, String, String)>,
}

#[derive(Template)]
#[template(path = "training/sessions.html")]
struct CalendarPage {
    layout: Layout,
    filters: Vec<Field>,
    weeks: Vec<Week>,
    may_plan: bool,
    feed_link: Option<String>,
}

fn monday(day: NaiveDate) -> NaiveDate {
    day - Duration::days(day.weekday().num_days_from_monday() as i64)
}

async fn upcoming(
    state: &AppState,
    program_id: i64,
    mut filter: SessionFilter,
) -> Result<Vec<TrainingSession>, AppError> {
    let today = Utc::now().date_naive();
    let start = filter.from.unwrap_or_else(|| {
        monday(today)
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
    });
    filter.from = Some(start);
    filter.until = Some(start + Duration::weeks(WEEKS_AHEAD));
    Ok(state
        .store
        .list_training_sessions(program_id, &filter, None, MOST)
        .await?
        .items)
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    q: SessionQuery,
    feed_link: Option<String>,
) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    require(actor, Action::Read, Subject::TrainingSession)?;
    let sessions = upcoming(state, actor.program_id, q.filter()?).await?;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let mut weeks: Vec<Week> = Vec::new();
    for s in sessions {
        let heading = format!(
            "Week of {}",
            monday(s.starts_at.date_naive()).format("%A %-d %B %Y")
        );
        let site = lookup.site_name(Some(s.site_id));
        let taken = seats(&s);
        match weeks.last_mut() {
            Some(w) if w.heading == heading => w.sessions.push((s, site, taken)),
            _ => weeks.push(Week {
                heading,
                sessions: vec![(s, site, taken)],
            }),
        }
    }
    let page = CalendarPage {
        layout: viewer.layout(
            "Session calendar",
            vec![
                ("Training".into(), "/training".into()),
                ("Session calendar".into(), "/training/sessions".into()),
            ],
        ),
        filters: vec![
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("Any site"))),
                q.site_id.as_deref(),
            ),
            Field::new("from", "Week of", FieldKind::Date, q.from.as_deref()),
        ],
        weeks,
        may_plan: actor.may(Action::Create, Subject::TrainingSession),
        feed_link,
    };
    render(&page, viewer)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(q): Params<SessionQuery>,
) -> Result<Response, PageError> {
    show(&state, &viewer, q, None).await
}

/// `POST /training/calendar-link`: a new secret link (shown once; the old one stops).
pub async fn new_link(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require(&viewer.actor, Action::Read, Subject::TrainingSession)?;
    let secret = new_secret(&state, &viewer).await?;
    show(
        &state,
        &viewer,
        SessionQuery::default(),
        Some(format!("/calendar/{secret}.ics")),
    )
    .await
}

/// A new secret for the account's calendar links (training sessions, plan milestones);
/// the old links stop working.
pub(crate) async fn new_secret(state: &AppState, viewer: &Viewer) -> Result<String, AppError> {
    let secret = random_token(24);
    state
        .store
        .replace_calendar_feed(
            &Change::new(&viewer.actor, Via::Ui),
            &secret_digest(&secret),
        )
        .await?;
    Ok(secret)
}

/// The account a secret calendar link names.
pub(crate) async fn feed_actor(state: &AppState, secret: &str) -> Result<Actor, AppError> {
    state
        .store
        .calendar_feed_actor(&secret_digest(secret))
        .await?
        .ok_or_else(|| AppError::NotFound("there is no calendar at this link".into()))
}

/// An iCalendar response; calendar apps poll, so it may be kept five minutes.
pub(crate) fn ics(text: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        text,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FeedQuery {
    /// "true": every upcoming session, not only the caller's own.
    pub all: Option<String>,
}

/// The feed's text: the caller's own sessions (booked or teaching), or all.
async fn feed(state: &AppState, actor: &Actor, all: bool) -> Result<Response, AppError> {
    require(actor, Action::Read, Subject::TrainingSession)?;
    let mut filter = SessionFilter::default();
    if !all {
        let me = state
            .store
            .person_by_email(actor.program_id, &actor.email)
            .await?;
        filter.person_id = Some(me.map_or(-1, |p| p.id));
    }
    // The last month and everything ahead: calendars keep what they were sent.
    filter.from = Some(Utc::now() - Duration::days(30));
    let sessions = state
        .store
        .list_training_sessions(actor.program_id, &filter, None, MOST)
        .await?
        .items;
    let lookup = Lookup::load(&state.store, actor.program_id).await?;
    let events: Vec<Event> = sessions
        .iter()
        .map(|s| Event {
            uid: format!("training-session-{}-{}@muster", actor.program_id, s.id),
            when: When::Between(s.starts_at, s.ends_at),
            summary: s.course_title.clone(),
            location: Some(format!("{}, {}", lookup.site_name(Some(s.site_id)), s.room)),
            description: Some(format!("Trainer: {}. Seats: {}.", s.trainer_name, seats(s))),
        })
        .collect();
    Ok(ics(calendar(
        "Muster training sessions",
        &events,
        Utc::now(),
    )))
}

fn wants_all(q: &FeedQuery) -> bool {
    matches!(q.all.as_deref(), Some("true" | "1" | "yes"))
}

/// `GET /api/v1/calendar.ics`: with a bearer token or a session.
#[utoipa::path(get, path = "/api/v1/calendar.ics", tag = "Training sessions",
    params(("all" = Option<String>, Query, description = "true: every session, not only the caller's own")),
    responses((status = 200, description = "an iCalendar (RFC 5545) feed", content_type = "text/calendar", body = String), (status = 401, description = "not signed in", body = crate::error::Problem), (status = 403, description = "your role or site assignment does not allow this", body = crate::error::Problem)))]
pub async fn api_feed(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(q): Params<FeedQuery>,
) -> Result<Response, ApiError> {
    Ok(feed(&state, &caller.actor, wants_all(&q)).await?)
}

/// `GET /calendar/{secret}.ics`: no sign-in; the secret names the account.
pub async fn secret_feed(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    Params(q): Params<FeedQuery>,
) -> Result<Response, ApiError> {
    let secret = secret.strip_suffix(".ics").unwrap_or(&secret);
    let actor = feed_actor(&state, secret).await?;
    Ok(feed(&state, &actor, wants_all(&q)).await?)
}
