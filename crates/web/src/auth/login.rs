//! Signing in and out.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use chrono::Utc;
use muster_domain::account::{decoy_hash, random_token, secret_digest, verify_password};
use serde::Deserialize;

use super::{Caller, cookie};
use crate::AppState;
use crate::error::{AppError, PageError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(sign_in))
        .route("/logout", post(sign_out))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    email: String,
    error: Option<String>,
    flash: Option<String>,
    next: String,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct NextParam {
    next: Option<String>,
}

/// Only local paths are followed after sign-in, never another site.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".into()
    }
}

async fn form(
    caller: Option<Extension<Caller>>,
    headers: HeaderMap,
    query: axum::extract::Query<NextParam>,
) -> Result<Response, PageError> {
    if caller.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let flash = cookie::get(&headers, cookie::FLASH).map(|f| cookie::decode_flash(&f));
    let page = LoginPage {
        email: String::new(),
        error: None,
        flash,
        next: safe_next(query.next.as_deref().unwrap_or("/")),
    };
    let mut response = Html(page.render()?).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie::clear(cookie::FLASH));
    Ok(response)
}

async fn sign_in(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(login): Form<LoginForm>,
) -> Result<Response, PageError> {
    let address = connect
        .map(|Extension(ConnectInfo(addr))| addr.ip().to_string())
        .unwrap_or_else(|| "local".into());
    let email = login.email.trim().to_lowercase();
    let refuse = |error: String, status: axum::http::StatusCode| -> Result<Response, PageError> {
        let page = LoginPage {
            email: email.clone(),
            error: Some(error),
            flash: None,
            next: safe_next(&login.next),
        };
        Ok((status, Html(page.render()?)).into_response())
    };
    if let Err(wait) = state.limiter.check(&email, &address) {
        let minutes = wait.div_ceil(60);
        let mut response = refuse(
            format!(
                "Too many failed sign-ins. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            ),
            axum::http::StatusCode::TOO_MANY_REQUESTS,
        )?;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, wait.into());
        return Ok(response);
    }
    let credentials = state.store.credentials(&email).await?;
    let hash = credentials
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |c| c.password_hash.clone());
    let password = login.password.clone();
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
    let Some(credentials) = credentials.filter(|_| verified) else {
        state.limiter.record_failure(&email, &address);
        tracing::info!(%address, "failed sign-in");
        return refuse(
            "That email and password do not match an account.".into(),
            axum::http::StatusCode::UNAUTHORIZED,
        );
    };
    state.limiter.record_success(&email);
    let session_id = random_token(32);
    let idle = state.config.session_idle;
    let expires =
        Utc::now() + chrono::Duration::from_std(idle).unwrap_or(chrono::Duration::hours(12));
    state
        .store
        .create_session(
            &credentials.account,
            credentials.program_id,
            secret_digest(&session_id),
            random_token(24),
            expires,
        )
        .await?;
    let mut response = Redirect::to(&safe_next(&login.next)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie::session(&session_id, idle.as_secs(), state.config.secure_cookies),
    );
    Ok(response)
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if let Some(session_id) = cookie::get(&headers, cookie::SESSION) {
        state
            .store
            .delete_session(&secret_digest(&session_id))
            .await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie::clear(cookie::SESSION));
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie::flash("You are signed out."));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/people?site_id=2"), "/people?site_id=2");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
    }
}
