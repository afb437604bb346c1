//! The generic JSON API of a resource: list, create, get, patch, delete.

use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use muster_domain::access::Action;
use muster_domain::audit::Via;
use muster_domain::paging::{self, Cursor, Page};
use muster_domain::{FieldError, Invalid};
use muster_store::Change;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Resource, reach};
use crate::AppState;
use crate::access::{require, require_at};
use crate::auth::ApiCaller;
use crate::error::{ApiError, AppError};
use crate::form::{Params, RecordId};

/// Paging parameters every list accepts.
#[derive(Debug, Deserialize, Default)]
pub struct Paging {
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl Paging {
    pub fn parse(&self) -> Result<(Option<Cursor>, u64), AppError> {
        let bad = |field: &str, message: String| AppError::Invalid(Invalid::one(field, message));
        let cursor = self
            .cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(Cursor::decode)
            .transpose()
            .map_err(|m| bad("cursor", m))?;
        let limit = paging::limit(self.limit).map_err(|m| bad("limit", m))?;
        Ok((cursor, limit))
    }
}

/// A JSON body: 415 when it is not JSON, 400 when it is malformed, 413 when too large, 422
/// naming the field when it has the wrong shape (wrong type, unknown field).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(AppError::UnsupportedMediaType(
                "send the body as JSON with Content-Type: application/json".into(),
            )
            .into());
        }
        let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|_| {
                AppError::PayloadTooLarge("the body is larger than this server accepts".into())
            })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value: T = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                AppError::BadRequest(format!("the body is not valid JSON: {inner}"))
            } else {
                let field = if path == "." { "body".to_owned() } else { path };
                AppError::Invalid(Invalid(vec![FieldError::new(field, inner.to_string())]))
            }
        })?;
        de.end()
            .map_err(|e| AppError::BadRequest(format!("the body is not valid JSON: {e}")))?;
        Ok(ApiJson(value))
    }
}

pub async fn list<R: Resource>(
    State(state): State<AppState>,
    caller: ApiCaller,
    Params(paging): Params<Paging>,
    Params(query): Params<R::Query>,
) -> Result<Json<Page<R::Item>>, ApiError> {
    require(&caller.actor, Action::Read, R::SUBJECT)?;
    let (cursor, limit) = paging.parse()?;
    Ok(Json(
        R::list(&state.store, &caller.actor, &query, cursor.as_ref(), limit).await?,
    ))
}

pub async fn get<R: Resource>(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<Json<R::Item>, ApiError> {
    let item = reach::<R>(&state.store, &caller.actor, Action::Read, id).await?;
    Ok(Json(item))
}

pub async fn create<R: Resource>(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(draft): ApiJson<R::Draft>,
) -> Result<Response, ApiError> {
    require(&caller.actor, Action::Create, R::SUBJECT)?;
    let spec = R::parse(draft)?;
    require_at(
        &caller.actor,
        Action::Create,
        R::SUBJECT,
        R::spec_place(&spec, None),
    )?;
    let item = R::create(&state.store, &Change::new(&caller.actor, Via::Api), spec).await?;
    let location = format!("/api/v1/{}/{}", R::PATH, R::id(&item));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(item),
    )
        .into_response())
}

pub async fn update<R: Resource>(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
    ApiJson(patch): ApiJson<R::Draft>,
) -> Result<Json<R::Item>, ApiError> {
    let change = Change::new(&caller.actor, Via::Api);
    Ok(Json(
        super::patch::<R>(&state.store, &change, id, patch).await?,
    ))
}

pub async fn delete<R: Resource>(
    State(state): State<AppState>,
    caller: ApiCaller,
    RecordId(id): RecordId,
) -> Result<StatusCode, ApiError> {
    reach::<R>(&state.store, &caller.actor, Action::Delete, id).await?;
    R::delete(&state.store, &Change::new(&caller.actor, Via::Api), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
