//! Go-live readiness in pages and the API: the criteria catalog (a resource), the live
//! scorecard per wave and per site with its drill-downs and trend, attestations,
//! assessments (frozen scorecards at checkpoints) and the go/no-go gate.

pub(crate) mod criteria;
mod evidence;
mod forms;
mod records;
mod scorecard;
mod view;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::AppState;
use crate::resource;

pub use criteria::Criteria;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(resource::routes::<Criteria>())
        .route("/readiness", get(scorecard::index))
        .route("/readiness/waves/{id}", get(scorecard::wave_page))
        .route(
            "/readiness/waves/{wave_id}/sites/{site_id}",
            get(scorecard::site_page),
        )
        .route("/readiness/attestations", get(records::attestations_page))
        .route(
            "/readiness/attestations/{id}/evidence/{file}",
            get(evidence::download),
        )
        .route("/readiness/assessments", post(records::form_assess))
        .route("/readiness/assessments/{id}", get(records::assessment_page))
        .route("/readiness/gates", post(records::form_decide))
        .route("/readiness/gates/{id}", get(records::gate_page))
        .route("/api/v1/readiness/scorecard", get(scorecard::api))
        .route(
            "/api/v1/readiness/attestations",
            get(records::api_attestations).post(records::api_attest),
        )
        .route(
            "/api/v1/readiness/attestations/{id}/evidence",
            get(evidence::api_list),
        )
        .route(
            "/api/v1/readiness/attestations/{id}/evidence/{file}",
            get(evidence::download),
        )
        .route(
            "/api/v1/readiness/assessments",
            get(records::api_assessments).post(records::api_assess),
        )
        .route(
            "/api/v1/readiness/assessments/{id}",
            get(records::api_assessment),
        )
        .route(
            "/api/v1/readiness/gates",
            get(records::api_gates).post(records::api_decide),
        )
        .route("/api/v1/readiness/gates/{id}", get(records::api_gate))
}

/// Routes that take evidence files, behind a body limit that fits them rather than the
/// general one (`app` merges them outside it, beside the ticket uploads).
pub fn upload_routes() -> Router<AppState> {
    use muster_domain::readiness::attestation::EVIDENCE;
    Router::new()
        .route("/readiness/attestations", post(records::form_attest))
        .route(
            "/readiness/attestations/{id}/evidence",
            post(evidence::form_upload),
        )
        .route(
            "/api/v1/readiness/attestations/{id}/evidence",
            post(evidence::api_upload),
        )
        // axum's own 2 MB default for extractors would cut a form short of the limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            EVIDENCE.upload_limit(),
        ))
}

/// The readiness endpoints that are not plain resources, for the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        scorecard::api,
        records::api_attestations,
        records::api_attest,
        evidence::api_list,
        evidence::api_upload,
        evidence::download,
        records::api_assessments,
        records::api_assess,
        records::api_assessment,
        records::api_gates,
        records::api_decide,
        records::api_gate
    ),
    components(schemas(
        muster_domain::readiness::scorecard::Scorecard,
        muster_domain::readiness::scorecard::SiteCard,
        muster_domain::readiness::Criterion,
        muster_domain::readiness::Rating,
        muster_domain::readiness::Overall,
        muster_domain::readiness::Rag,
        muster_domain::readiness::Measure,
        muster_domain::readiness::Checkpoint,
        muster_domain::readiness::Attestation,
        muster_domain::readiness::attestation::AttestationRecord,
        muster_domain::readiness::attestation::AttestationDraft,
        muster_domain::attachment::StoredFile,
        muster_domain::readiness::assessment::ReadinessAssessment,
        muster_domain::readiness::assessment::AssessmentDraft,
        muster_domain::readiness::gate::Gate,
        muster_domain::readiness::gate::GateDraft,
        muster_domain::readiness::gate::GateDecision
    ))
)]
pub struct ReadinessDoc;

/// Adds the readiness resources and endpoints to `doc`.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    resource::describe::<Criteria>(doc);
    doc.merge(ReadinessDoc::openapi());
}

/// How often the background tick looks for checkpoints that have come due.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(15 * 60);

/// Records each wave's due checkpoint assessment, every `every`, for every program.
pub async fn run_checkpoints(state: AppState, every: Duration) {
    loop {
        let today = chrono::Utc::now().date_naive();
        match state.store.record_due_assessments_all(today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(assessments = n, "readiness checkpoints recorded"),
            Err(e) => tracing::error!(error = %e, "readiness checkpoints failed"),
        }
        tokio::time::sleep(every).await;
    }
}
