//! Muster's HTTP layer: server-rendered pages, the JSON API under `/api/v1`, sign-in and
//! the guards every request passes (authentication, CSRF, limits, metrics).
//!
//! `app(state)` builds the router; `serve(listener, state, shutdown)` runs it on a listener
//! the caller has bound, so tests bind port 0.
#![forbid(unsafe_code)]

mod access;
mod alignment;
mod api;
mod attachment;
mod audit;
mod auth;
mod champion;
mod change_request;
mod command_center;
mod decision_log;
mod decision_right;
mod download;
mod embedding;
mod error;
mod form;
mod goal;
mod governance;
mod health;
mod home;
mod import;
mod known_issue;
mod lesson;
mod mail;
mod module;
mod page;
mod person;
mod placement;
mod plan;
mod program;
mod provisioning;
mod readiness;
mod resource;
mod rounding;
mod site;
mod sla_policy;
mod stakeholder;
mod support_team;
mod ticket;
mod training;
mod unit;
mod wave;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use muster_store::Store;
use tokio::net::TcpListener;

pub use auth::limiter::LoginLimiter;
pub use health::metrics_handle;
pub use mail::SmtpConfig;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when Muster is served over TLS, directly or by a proxy).
    pub secure_cookies: bool,
    /// How long a session lives without activity.
    pub session_idle: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 408/503.
    pub request_timeout: Duration,
    /// How often the command center's rules (breaches, escalation, auto-close) run.
    pub sweep_every: Duration,
    /// Mail for notifications; none when not configured.
    pub smtp: Option<SmtpConfig>,
    /// Where uploaded import files and rejects files are kept.
    pub import_dir: std::path::PathBuf,
    /// Largest import file accepted by upload.
    pub import_max_bytes: u64,
    /// Longest an upload may take (the other requests get `request_timeout`).
    pub upload_timeout: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_idle: Duration::from_secs(12 * 3600),
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            sweep_every: Duration::from_secs(30),
            smtp: None,
            import_dir: std::env::temp_dir().join("muster-imports"),
            import_max_bytes: 1024 * 1024 * 1024,
            upload_timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub limiter: Arc<LoginLimiter>,
    /// News of tickets for the live boards.
    pub board: Arc<command_center::Hub>,
    /// Imports running in this process, with their live tallies.
    pub imports: Arc<import::Runs>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        AppState {
            store,
            config: Arc::new(config),
            limiter: Arc::new(LoginLimiter::default()),
            board: Arc::new(command_center::Hub::default()),
            imports: Arc::new(import::Runs::default()),
        }
    }
}

/// The whole application: every capability's pages and API, behind the common guards.
pub fn app(state: AppState) -> Router {
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::compression::CompressionLayer;
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::trace::TraceLayer;

    let config = state.config.clone();
    let routes = Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(resource::routes::<site::Sites>())
        .merge(resource::routes::<unit::Units>())
        .merge(resource::routes::<wave::Waves>())
        .merge(resource::routes::<module::Modules>())
        .merge(resource::routes::<person::People>())
        .merge(resource::routes::<support_team::SupportTeams>())
        .merge(resource::routes::<sla_policy::SlaPolicies>())
        .merge(resource::routes::<known_issue::KnownIssues>())
        .merge(alignment::routes())
        .merge(lesson::routes())
        .merge(embedding::routes())
        .merge(resource::routes::<decision_right::DecisionRights>())
        .merge(resource::routes::<governance::GovernanceBodies>())
        .merge(resource::routes::<governance::GovernanceMembers>())
        .merge(resource::routes::<decision_log::Decisions>())
        .merge(resource::routes::<rounding::Roundings>())
        .merge(program::routes())
        .merge(audit::routes())
        .merge(api::routes())
        .merge(ticket::routes())
        .merge(command_center::routes())
        .merge(import::routes())
        .merge(training::routes())
        .merge(plan::routes())
        .merge(goal::routes())
        .merge(readiness::routes())
        .merge(champion::routes())
        .merge(provisioning::routes())
        .merge(stakeholder::routes())
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .merge(ticket::upload_routes().layer(RequestBodyLimitLayer::new(ticket::UPLOAD_LIMIT)))
        .merge(readiness::upload_routes())
        .merge(import::upload_routes())
        .merge(plan::upload_routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));
    Router::new()
        .merge(health::routes())
        .merge(routes)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(health::track))
        .layer(axum::middleware::from_fn(page::security_headers))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(config, time_limit))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TraceLayer::new_for_http().make_span_with(health::request_span))
        .with_state(state)
}

/// Answers 408 to a request that takes longer than `request_timeout`, or `upload_timeout`
/// for an import upload (a large file on a slow link).
async fn time_limit(
    axum::extract::State(config): axum::extract::State<Arc<WebConfig>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let limit = if import::is_upload(request.method(), request.uri().path()) {
        config.upload_timeout
    } else {
        config.request_timeout
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Serves `app(state)` on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    match state.store.fail_interrupted_imports().await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            imports = n,
            "imports interrupted by the last stop marked failed"
        ),
        Err(e) => tracing::error!(error = %e, "could not mark interrupted imports"),
    }
    let mut tasks = vec![
        tokio::spawn(mail::run_sweeper(state.clone(), state.config.sweep_every)),
        tokio::spawn(readiness::run_checkpoints(
            state.clone(),
            readiness::CHECKPOINT_EVERY,
        )),
        tokio::spawn(plan::run_warmer(state.clone(), plan::WARM_EVERY)),
    ];
    if let Some(smtp) = state.config.smtp.clone() {
        state.store.enable_mail();
        tasks.push(tokio::spawn(mail::run_mailer(
            state.clone(),
            smtp,
            Duration::from_secs(2),
        )));
    }
    let app = app(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    for task in tasks {
        task.abort();
    }
    served
}
