//! Who is calling: sessions (cookie) for people, bearer tokens for integrations, and the
//! CSRF guard on every state-changing request that a browser could be tricked into sending.

pub mod cookie;
pub mod limiter;
mod login;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use muster_domain::access::{Action, Actor, Subject};
use muster_domain::account::secret_digest;
use muster_domain::audit::Via;
use muster_domain::money::Cents;

use crate::AppState;
use crate::error::{ApiError, AppError, PageError};

pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller of a request, placed in its extensions by `authenticate`.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    /// The session's CSRF token; `None` for bearer-token callers, who carry no cookie.
    pub csrf_token: Option<String>,
}

pub fn routes() -> Router<AppState> {
    login::routes()
}

/// Resolves the caller (bearer token or session cookie) and refuses cross-site or
/// token-less state changes from cookie sessions.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    match guard(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(err) if api => ApiError(err).into_response(),
        Err(err) => PageError(err).into_response(),
    }
}

async fn guard(state: &AppState, mut request: Request) -> Result<Request, AppError> {
    let caller = resolve(state, request.headers()).await?;
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method {
        refuse_cross_site(request.headers())?;
        if let Some(expected) = caller.as_ref().and_then(|c| c.csrf_token.clone()) {
            let (presented, rebuilt) = presented_csrf(request, state.config.max_body_bytes).await?;
            request = rebuilt;
            if presented.as_deref() != Some(expected.as_str()) {
                return Err(AppError::Forbidden(
                    "this form has expired or did not come from Muster; reload the page and try again".into(),
                ));
            }
        }
    }
    if let Some(caller) = caller {
        request.extensions_mut().insert(caller);
    }
    Ok(request)
}

async fn resolve(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<Caller>, AppError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                AppError::BadRequest("the Authorization header must be 'Bearer <token>'".into())
            })?;
        let actor = state
            .store
            .token_actor(&secret_digest(token.trim()))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        return Ok(Some(Caller {
            actor,
            csrf_token: None,
        }));
    }
    let Some(session_id) = cookie::get(headers, cookie::SESSION) else {
        return Ok(None);
    };
    let id_hash = secret_digest(&session_id);
    let Some(session) = state.store.session(&id_hash).await? else {
        return Ok(None);
    };
    // Sliding expiry, written at most every few minutes rather than on every request.
    let idle = chrono::Duration::from_std(state.config.session_idle)
        .unwrap_or(chrono::Duration::hours(12));
    if session.expires_at - Utc::now() < idle - chrono::Duration::minutes(5) {
        state
            .store
            .extend_session(&id_hash, Utc::now() + idle)
            .await?;
    }
    Ok(Some(Caller {
        actor: session.actor,
        csrf_token: Some(session.csrf_token),
    }))
}

/// Browsers say where a request came from; a cross-site state change is never ours.
fn refuse_cross_site(headers: &axum::http::HeaderMap) -> Result<(), AppError> {
    let cross_site =
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let foreign_origin = match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        _ => false,
    };
    if cross_site || foreign_origin {
        return Err(AppError::Forbidden(
            "cross-site requests may not change data".into(),
        ));
    }
    Ok(())
}

/// The CSRF token sent with a request: the header, or the form field of a form post (the
/// body is read and put back for the handler).
async fn presented_csrf(
    request: Request,
    limit: usize,
) -> Result<(Option<String>, Request), AppError> {
    if let Some(value) = request.headers().get(CSRF_HEADER) {
        return Ok((value.to_str().ok().map(str::to_owned), request));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let Ok(boundary) = multer::parse_boundary(&content_type) {
        return multipart_csrf(request, boundary).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge(format!("the form is larger than {limit} bytes")))?;
    let token = serde_html_form::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// The CSRF field of a multipart form. Forms put it first, so the body's first 64 KiB are
/// read and the rest streams on to the handler untouched (an import upload may be gigabytes).
/// A form whose token comes later is read whole, up to the ticket upload limit.
async fn multipart_csrf(
    request: Request,
    boundary: String,
) -> Result<(Option<String>, Request), AppError> {
    use futures_util::StreamExt;
    const HEAD: usize = 64 * 1024;
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut head = bytes::BytesMut::new();
    let mut ended = true;
    while head.len() < HEAD {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(AppError::BadRequest(format!("the upload broke off: {e}"))),
            None => {
                ended = true;
                break;
            }
        }
        ended = false;
    }
    let head = head.freeze();
    if let Some(token) = first_field_token(head.clone(), boundary.clone()).await {
        let rest =
            futures_util::stream::once(async move { Ok::<_, axum::Error>(head) }).chain(stream);
        return Ok((
            Some(token),
            Request::from_parts(parts, Body::from_stream(rest)),
        ));
    }
    let limit = crate::ticket::UPLOAD_LIMIT;
    let mut whole = bytes::BytesMut::from(&head[..]);
    if !ended {
        while let Some(chunk) = stream.next().await {
            let chunk =
                chunk.map_err(|e| AppError::BadRequest(format!("the upload broke off: {e}")))?;
            whole.extend_from_slice(&chunk);
            if whole.len() > limit {
                return Err(AppError::PayloadTooLarge(format!(
                    "the form and its attachments are larger than {} MiB",
                    limit / 1024 / 1024
                )));
            }
        }
    }
    let whole = whole.freeze();
    let token = first_field_token(whole.clone(), boundary).await;
    Ok((token, Request::from_parts(parts, Body::from(whole))))
}

/// The CSRF field among the complete fields at the start of `bytes`.
async fn first_field_token(bytes: bytes::Bytes, boundary: String) -> Option<String> {
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(CSRF_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// A signed-in person using the pages. Not signed in: redirected to sign in.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub csrf_token: String,
    pub flash: Option<String>,
    /// For the program header; `None` for those who may not read the plan.
    pub delay_cost: Option<Cents>,
}

impl Viewer {
    pub fn via(&self) -> Via {
        Via::Ui
    }
}

/// A page's viewer: read from the request's caller, with what a day of delay costs for the
/// program header when they may read the plan (pages only: assets and the API skip it).
impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        let delay_cost = if caller.actor.may(Action::Read, Subject::Plan) {
            Some(
                state
                    .store
                    .cost_of_delay(caller.actor.program_id)
                    .await
                    .map_err(AppError::from)?
                    .per_day,
            )
        } else {
            None
        };
        Ok(Viewer {
            actor: caller.actor,
            csrf_token: caller.csrf_token.unwrap_or_default(),
            flash: cookie::get(&parts.headers, cookie::FLASH).map(|f| cookie::decode_flash(&f)),
            delay_cost,
        })
    }
}

/// An API caller (bearer token, or a session from our own pages' scripts). Else 401.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub actor: Actor,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        Ok(ApiCaller {
            actor: caller.actor,
        })
    }
}
