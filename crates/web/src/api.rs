//! The API's own endpoints: who am I, the OpenAPI 3.1 document, and a readable docs page.

use std::sync::OnceLock;

use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use muster_domain::access::{AccessRole, Action, Subject};
use muster_domain::site::SiteId;
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::auth::{ApiCaller, Viewer};
use crate::error::{ApiError, PageError};
use crate::page::{Layout, render};
use crate::resource::describe;
use crate::{
    AppState, decision_right, known_issue, module, person, rounding, site, sla_policy,
    support_team, unit, wave,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/docs", get(docs))
}

/// The caller: their account, role, sites and what they may do.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub account_id: Option<i64>,
    pub program_id: i64,
    pub name: String,
    pub email: String,
    pub role: AccessRole,
    pub site_ids: Vec<SiteId>,
    pub organization: Option<String>,
    /// For each kind of record, the actions this caller may take.
    pub may: Vec<Permission>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Permission {
    pub subject: String,
    pub actions: Vec<String>,
}

/// Who is calling, and what they may do.
#[utoipa::path(get, path = "/api/v1/me", tag = "Account",
    responses((status = 200, body = Me), (status = 401, description = "not signed in", body = crate::error::Problem)))]
async fn me(caller: ApiCaller) -> Result<Json<Me>, ApiError> {
    let a = caller.actor;
    let may = Subject::ALL
        .iter()
        .map(|&subject| Permission {
            subject: subject.code().into(),
            actions: Action::ALL
                .iter()
                .filter(|&&action| a.may(action, subject))
                .map(|action| action.code().to_owned())
                .collect(),
        })
        .collect();
    Ok(Json(Me {
        account_id: a.account_id,
        program_id: a.program_id,
        name: a.name,
        email: a.email,
        role: a.role,
        site_ids: a.site_ids,
        organization: a.organization,
        may,
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Muster API",
        description = "Plan, measure and decide an EHR deployment program. \
        Authenticate with `Authorization: Bearer <token>` (create one with `muster token create`). \
        Errors are application/problem+json (RFC 9457) with field-level `errors`."
    ),
    paths(
        me,
        crate::audit::api,
        crate::program::api_get,
        crate::program::api_update,
        crate::import::api::list,
        crate::import::api::get,
        crate::import::api::rejects,
        crate::import::api::upload,
        crate::import::api::upload_people,
        crate::import::api::upload_completions
    ),
    components(schemas(
        crate::error::Problem,
        muster_domain::FieldError,
        Me,
        Permission,
        muster_domain::audit::AuditEntry,
        crate::import::JobView,
        muster_domain::import::ImportJob,
        muster_domain::import::ImportCounts,
        muster_domain::import::RowError
    ))
)]
struct StaticDoc;

/// The whole API description, built once.
pub fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = StaticDoc::openapi();
        describe::<site::Sites>(&mut doc);
        describe::<unit::Units>(&mut doc);
        describe::<wave::Waves>(&mut doc);
        describe::<module::Modules>(&mut doc);
        describe::<person::People>(&mut doc);
        describe::<support_team::SupportTeams>(&mut doc);
        describe::<sla_policy::SlaPolicies>(&mut doc);
        describe::<known_issue::KnownIssues>(&mut doc);
        describe::<decision_right::DecisionRights>(&mut doc);
        describe::<crate::governance::GovernanceBodies>(&mut doc);
        describe::<crate::governance::GovernanceMembers>(&mut doc);
        describe::<crate::decision_log::Decisions>(&mut doc);
        describe::<rounding::Roundings>(&mut doc);
        crate::training::describe(&mut doc);
        crate::plan::describe(&mut doc);
        crate::readiness::describe(&mut doc);
        crate::champion::describe(&mut doc);
        crate::lesson::describe(&mut doc);
        crate::embedding::describe(&mut doc);
        doc.merge(<crate::alignment::AlignmentDoc as utoipa::OpenApi>::openapi());
        doc.merge(<crate::alignment::MatrixDoc as utoipa::OpenApi>::openapi());
        crate::stakeholder::describe(&mut doc);
        crate::goal::describe(&mut doc);
        doc.merge(crate::provisioning::ProvisioningDoc::openapi());
        doc.merge(crate::change_request::ChangeRequestDoc::openapi());
        doc.info.version = env!("CARGO_PKG_VERSION").into();
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        doc
    })
}

async fn openapi_json() -> Response {
    let body = serde_json::to_string_pretty(document()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub struct DocOperation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub parameters: Vec<(String, String, bool, String)>,
    pub body: Option<String>,
    pub responses: Vec<(String, String)>,
}

pub struct DocTag {
    pub name: String,
    pub operations: Vec<DocOperation>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    layout: Layout,
    description: String,
    tags: Vec<DocTag>,
}

fn schema_name(body: &utoipa::openapi::request_body::RequestBody) -> Option<String> {
    let content = body.content.get("application/json")?;
    match content.schema.as_ref()? {
        utoipa::openapi::RefOr::Ref(r) => Some(
            r.ref_location
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
        utoipa::openapi::RefOr::T(_) => Some("object".into()),
    }
}

/// A readable page of every endpoint, built from the OpenAPI document.
async fn docs(viewer: Viewer) -> Result<Response, PageError> {
    let doc = document();
    let mut tags: Vec<DocTag> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let tag = op
                .tags
                .as_ref()
                .and_then(|t| t.first())
                .cloned()
                .unwrap_or_else(|| "Other".into());
            let parameters = op
                .parameters
                .iter()
                .flatten()
                .map(|p| {
                    let location = match p.parameter_in {
                        utoipa::openapi::path::ParameterIn::Path => "path",
                        utoipa::openapi::path::ParameterIn::Query => "query",
                        utoipa::openapi::path::ParameterIn::Header => "header",
                        utoipa::openapi::path::ParameterIn::Cookie => "cookie",
                    }
                    .to_owned();
                    (
                        p.name.clone(),
                        location,
                        matches!(p.required, utoipa::openapi::Required::True),
                        p.description.clone().unwrap_or_default(),
                    )
                })
                .collect();
            let responses = op
                .responses
                .responses
                .iter()
                .map(|(code, r)| {
                    let text = match r {
                        utoipa::openapi::RefOr::T(r) => r.description.clone(),
                        utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
                    };
                    (code.clone(), text)
                })
                .collect();
            let operation = DocOperation {
                method: method.into(),
                path: path.clone(),
                summary: op
                    .summary
                    .clone()
                    .or_else(|| op.description.clone())
                    .unwrap_or_default(),
                parameters,
                body: op.request_body.as_ref().and_then(schema_name),
                responses,
            };
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(operation),
                None => tags.push(DocTag {
                    name: tag,
                    operations: vec![operation],
                }),
            }
        }
    }
    let page = DocsPage {
        layout: viewer.layout("API", vec![("API".into(), "/api/docs".into())]),
        description: doc.info.description.clone().unwrap_or_default(),
        tags,
    };
    render(&page, &viewer)
}
