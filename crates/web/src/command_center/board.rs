//! The live board: a page whose figures and ticker update by server-sent events, and the
//! same stream as JSON for other screens.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use muster_domain::access::{Action, Actor, Subject};
use muster_store::ticket::Summary;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{News, Subscription};
use crate::AppState;
use crate::access::require;
use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::page::{Layout, render};

#[derive(Template)]
#[template(path = "command_center/figures.html")]
pub struct Figures<'a> {
    pub s: &'a Summary,
}

impl Figures<'_> {
    /// Bar heights for the arrivals and resolutions chart, 0–100.
    pub fn bars(&self) -> Vec<(String, i64, i64, i64, i64)> {
        let top = self
            .s
            .hours
            .iter()
            .map(|h| h.arrivals.max(h.resolutions))
            .max()
            .unwrap_or(0)
            .max(1);
        self.s
            .hours
            .iter()
            .map(|h| {
                (
                    h.hour.format("%H:00").to_string(),
                    h.arrivals,
                    h.resolutions,
                    h.arrivals * 100 / top,
                    h.resolutions * 100 / top,
                )
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "command_center/board.html")]
struct BoardPage {
    layout: Layout,
    figures: String,
    can_configure: bool,
}

fn require_board(actor: &Actor) -> Result<(), crate::error::AppError> {
    require(actor, Action::Read, Subject::CommandCenter)
}

pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require_board(&viewer.actor)?;
    let summary = state
        .board
        .summary(&state.store, viewer.actor.program_id)
        .await?;
    let page = BoardPage {
        layout: viewer.layout(
            "Command center",
            vec![("Command center".into(), "/command-center".into())],
        ),
        figures: Figures { s: &summary }
            .render()
            .map_err(crate::error::AppError::from)?,
        can_configure: viewer.actor.may(Action::Update, Subject::CommandCenter),
    };
    render(&page, &viewer)
}

pub async fn summary(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Summary>, ApiError> {
    require_board(&caller.actor)?;
    let s = state
        .board
        .summary(&state.store, caller.actor.program_id)
        .await?;
    Ok(Json((*s).clone()))
}

/// Renders the two kinds of event a stream sends.
trait Render: Copy + Send + 'static {
    fn figures(self, s: &Summary) -> String;
    fn news(self, n: &News) -> String;
}

#[derive(Clone, Copy)]
struct AsHtml;
#[derive(Clone, Copy)]
struct AsJson;

impl Render for AsHtml {
    fn figures(self, s: &Summary) -> String {
        Figures { s }.render().unwrap_or_default()
    }
    fn news(self, n: &News) -> String {
        #[derive(Template)]
        #[template(
            source = "<li><a href=\"/tickets/{{ n.id }}\">Ticket {{ n.number }}</a> {{ n.status }} · {{ n.priority }}{% if n.patient_safety %} · patient safety{% endif %}: {{ n.summary }}</li>",
            ext = "html"
        )]
        struct Line<'a> {
            n: &'a News,
        }
        Line { n }.render().unwrap_or_default()
    }
}

impl Render for AsJson {
    fn figures(self, s: &Summary) -> String {
        serde_json::to_string(s).unwrap_or_default()
    }
    fn news(self, n: &News) -> String {
        serde_json::to_string(n).unwrap_or_default()
    }
}

/// The stream: figures at once, each ticket's news as it happens, and fresh figures
/// whenever the hub has recomputed them. Nothing here waits for a computation.
fn board_stream<R: Render>(
    state: AppState,
    program_id: i64,
    first: Arc<Summary>,
    render: R,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let Subscription { news, figures } = state.board.subscribe(&state.store, program_id);
    let opening = Event::default()
        .event("summary")
        .data(render.figures(&first));
    let rest = stream::unfold((news, figures), move |(mut news, mut figures)| async move {
        loop {
            tokio::select! {
                n = news.recv() => match n {
                    Ok(n) if n.program_id == program_id => {
                        let event = Event::default().event("ticket").data(render.news(&n));
                        return Some((Ok(event), (news, figures)));
                    }
                    // Missed news shows up in the next figures.
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                },
                changed = figures.changed() => {
                    changed.ok()?;
                    let data = figures
                        .borrow_and_update()
                        .as_ref()
                        .map(|(_, s)| render.figures(s));
                    if let Some(data) = data {
                        let event = Event::default().event("summary").data(data);
                        return Some((Ok(event), (news, figures)));
                    }
                }
            }
        }
    });
    stream::once(async move { Ok(opening) }).chain(rest)
}

fn sse<S: Stream<Item = Result<Event, Infallible>> + Send + 'static>(s: S) -> Response {
    use axum::response::IntoResponse;
    Sse::new(s)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// `GET /command-center/stream`: HTML fragments for the board page.
pub async fn page_stream(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require_board(&viewer.actor)?;
    let program_id = viewer.actor.program_id;
    let first = state.board.summary(&state.store, program_id).await?;
    Ok(sse(board_stream(state, program_id, first, AsHtml)))
}

/// `GET /api/v1/command-center/stream`: `summary` and `ticket` events as JSON.
pub async fn api_stream(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Response, ApiError> {
    require_board(&caller.actor)?;
    let program_id = caller.actor.program_id;
    let first = state.board.summary(&state.store, program_id).await?;
    Ok(sse(board_stream(state, program_id, first, AsJson)))
}
