//! SLA policies: one per priority, resolution no sooner than response.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{admin, created, id, location, refusal};
use crate::support::TestApp;

#[tokio::test]
async fn sla_policies_are_created_patched_and_listed_by_priority() {
    let (app, token) = admin().await;
    created(
        &app,
        &token,
        "sla-policies",
        json!({"priority": "p3", "response_minutes": 240, "resolve_minutes": 2880}),
    )
    .await;
    let p1 = created(
        &app,
        &token,
        "sla-policies",
        json!({"priority": "p1", "response_minutes": "15", "resolve_minutes": 240}),
    )
    .await;
    let path = format!("/api/v1/sla-policies/{}", id(&p1));
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"resolve_minutes": 180})),
        )
        .await
        .json();
    assert_eq!(patched["resolve_minutes"], 180);
    assert_eq!(patched["response_minutes"], 15);
    let list = app
        .api(&token, Method::GET, "/api/v1/sla-policies", None)
        .await
        .json();
    let priorities: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["priority"].as_str().unwrap())
        .collect();
    assert_eq!(priorities, vec!["p1", "p3"]);
}

#[tokio::test]
async fn an_sla_policy_resolves_no_sooner_than_it_responds_and_each_priority_has_one() {
    let (app, token) = admin().await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/sla-policies", Some(body));
    let early =
        post(json!({"priority": "p2", "response_minutes": 60, "resolve_minutes": 30})).await;
    assert_eq!(
        refusal(&early),
        (StatusCode::UNPROCESSABLE_ENTITY, "resolve_minutes".into())
    );
    let zero = post(json!({"priority": "p2", "response_minutes": 0, "resolve_minutes": 30})).await;
    assert_eq!(
        refusal(&zero),
        (StatusCode::UNPROCESSABLE_ENTITY, "response_minutes".into())
    );
    assert_eq!(
        post(json!({"priority": "p2", "response_minutes": 30, "resolve_minutes": 480}))
            .await
            .status,
        StatusCode::CREATED
    );
    let twin = post(json!({"priority": "P2", "response_minutes": 10, "resolve_minutes": 60})).await;
    assert_eq!(refusal(&twin), (StatusCode::CONFLICT, "priority".into()));
}

#[tokio::test]
async fn only_program_leads_set_sla_policies_and_the_form_creates_one() {
    let app = TestApp::new().await;
    let body = json!({"priority": "p4", "response_minutes": 480, "resolve_minutes": 7200});
    for (role, status) in [
        (AccessRole::SiteLead, StatusCode::FORBIDDEN),
        (AccessRole::Analyst, StatusCode::FORBIDDEN),
        (AccessRole::ProgramLead, StatusCode::CREATED),
    ] {
        let token = app.token(role).await;
        let reply = app
            .api(
                &token,
                Method::POST,
                "/api/v1/sla-policies",
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, status, "{role:?}");
    }
    let session = app.sign_in(AccessRole::ProgramLead).await;
    assert_eq!(
        app.page(&session, "/sla-policies/new").await.status,
        StatusCode::OK
    );
    let reply = app
        .post_form(
            &session,
            "/sla-policies",
            "priority=p1&response_minutes=10&resolve_minutes=120",
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("P1 critical") && page.body.contains("2 h (120 min)"));
}
