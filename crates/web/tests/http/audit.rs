//! The audit log: every write through the UI or the API is recorded with its before and
//! after; administrators read it; nobody can change it.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn api_and_ui_writes_are_audited_with_who_how_and_what_changed() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::ProgramLead).await;
    let path = format!("/api/v1/sites/{}", app.f.site_b);
    app.api(&token, Method::PATCH, &path, Some(json!({"beds": 250})))
        .await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app
        .post_form(&session, &format!("/people/{}/delete", app.f.person_b), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    let admin = app.token(AccessRole::Admin).await;
    let log = app
        .api(
            &admin,
            Method::GET,
            &format!(
                "/api/v1/audit?entity=site&entity_id={}&action=update",
                app.f.site_b
            ),
            None,
        )
        .await
        .json();
    let entry = &log["items"][0];
    assert_eq!(entry["via"], "api");
    assert!(
        entry["actor"]
            .as_str()
            .unwrap()
            .contains("program_lead@test.example")
    );
    assert!(entry["before"].as_str().unwrap().contains("\"beds\":null"));
    assert!(entry["after"].as_str().unwrap().contains("\"beds\":250"));
    let log = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?entity=person&action=delete",
            None,
        )
        .await
        .json();
    assert_eq!(log["items"][0]["via"], "ui");
    assert!(
        log["items"][0]["before"]
            .as_str()
            .unwrap()
            .contains("Ben Beta")
    );
    assert!(log["items"][0]["after"].is_null());
    let page = app.page(&session, "/audit?entity=person").await;
    assert!(page.body.contains("Ben Beta"));
}

#[tokio::test]
async fn no_route_can_change_or_delete_the_audit_log() {
    let app = TestApp::new().await;
    let admin = app.token(AccessRole::Admin).await;
    for method in [Method::POST, Method::PATCH, Method::PUT, Method::DELETE] {
        let reply = app
            .api(&admin, method.clone(), "/api/v1/audit", Some(json!({})))
            .await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        let reply = app
            .api(&admin, method.clone(), "/api/v1/audit/1", Some(json!({})))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method}");
    }
}

#[tokio::test]
async fn audit_filters_are_validated() {
    let app = TestApp::new().await;
    let admin = app.token(AccessRole::Admin).await;
    let reply = app
        .api(&admin, Method::GET, "/api/v1/audit?since=yesterday", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.field_errors()[0].0, "since");
}
