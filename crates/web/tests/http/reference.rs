//! The command center's reference records, each a full resource: support teams, SLA
//! policies, known issues, decision rights and rounding. Created, read back and patched
//! through the API, refused with the field named, guarded by the policy, and kept from
//! being deleted while something still refers to them.

use axum::http::{Method, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

mod decision_rights;
mod known_issues;
mod rounding;
mod sla_policies;
mod support_teams;

pub(super) async fn admin() -> (TestApp, String) {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    (app, token)
}

/// POSTs `body` to `/api/v1/{path}` and returns the created record, asserting 201.
pub(super) async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app
        .api(token, Method::POST, &format!("/api/v1/{path}"), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()
}

pub(super) fn id(record: &Value) -> i64 {
    record["id"].as_i64().expect("an id")
}

/// The one field error of a refusal, as (status, field).
pub(super) fn refusal(reply: &Reply) -> (StatusCode, String) {
    let errors = reply.field_errors();
    assert_eq!(errors.len(), 1, "{}", reply.body);
    (reply.status, errors[0].0.clone())
}

/// A ticket row, for what tickets refer to (the ticket capability's own writes live
/// elsewhere); returns nothing, the reference is what matters.
pub(super) async fn insert_ticket(
    app: &TestApp,
    number: i64,
    team_id: i64,
    known_issue_id: Option<i64>,
) {
    let known_issue = known_issue_id.map_or("NULL".to_owned(), |id| id.to_string());
    let sql = format!(
        "INSERT INTO ticket (program_id, number, requester_name, site_id, summary, what_happened, \
         category, impact, urgency, priority, patient_safety, status, team_id, escalation_level, \
         known_issue_id, reopen_count, version, opened_at, team_since_at, response_due_at, \
         resolve_due_at, response_breached, resolve_breached, updated_at) VALUES ({}, {number}, \
         'Ana', {}, 'Printer jams {number}', 'It jams', 'hardware', 'low', 'low', 'p4', FALSE, \
         'new', {team_id}, 0, {known_issue}, 0, 1, 0, 0, 60, 120, FALSE, FALSE, 0)",
        app.operator.program_id, app.f.site_a,
    );
    assert_eq!(app.store.execute_raw(&sql).await.unwrap(), 1);
}

pub(super) async fn triage_team(app: &TestApp, token: &str) -> i64 {
    id(&created(
        app,
        token,
        "support-teams",
        json!({"name": "Triage", "kind": "triage"}),
    )
    .await)
}

pub(super) async fn module(app: &TestApp, token: &str, code: &str) -> i64 {
    id(&created(
        app,
        token,
        "modules",
        json!({"code": code, "name": format!("Module {code}")}),
    )
    .await)
}

pub(super) fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.headers[header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_openapi_document_describes_the_reference_records() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let doc: Value =
        serde_json::from_str(&app.page(&session, "/api/v1/openapi.json").await.body).unwrap();
    for path in [
        "support-teams",
        "sla-policies",
        "known-issues",
        "decision-rights",
        "rounding",
    ] {
        assert!(
            doc["paths"][format!("/api/v1/{path}/{{id}}")]["patch"].is_object(),
            "{path}"
        );
    }
    for schema in [
        "SupportTeamDraft",
        "SlaPolicyDraft",
        "KnownIssueDraft",
        "DecisionRightDraft",
        "RoundingDraft",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}
