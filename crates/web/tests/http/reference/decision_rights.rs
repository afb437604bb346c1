//! Decision rights: one per module (or every module) and kind of change.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{admin, created, id, location, module, refusal};
use crate::support::TestApp;

#[tokio::test]
async fn a_decision_right_is_created_read_back_and_patched() {
    let (app, token) = admin().await;
    let right = created(
        &app,
        &token,
        "decision-rights",
        json!({"change_kind": "order_set", "decider": "Physician advisory council"}),
    )
    .await;
    assert_eq!(right["module_id"], Value::Null);
    let path = format!("/api/v1/decision-rights/{}", id(&right));
    let lead = app
        .store
        .account_by_email("program_lead@test.example")
        .await
        .unwrap();
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"decider_account_id": lead.id})),
        )
        .await
        .json();
    assert_eq!(patched["decider_account_id"], lead.id);
    assert_eq!(patched["decider"], "Physician advisory council");
    let read = app.api(&token, Method::GET, &path, None).await.json();
    assert_eq!(read, patched);
    let blank = app
        .api(&token, Method::PATCH, &path, Some(json!({"decider": ""})))
        .await;
    assert_eq!(
        refusal(&blank),
        (StatusCode::UNPROCESSABLE_ENTITY, "decider".into())
    );
}

#[tokio::test]
async fn one_decision_right_per_module_and_kind_including_every_module() {
    let (app, token) = admin().await;
    let ed = module(&app, &token, "ED").await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/decision-rights", Some(body));
    let general = json!({"change_kind": "report", "decider": "Data governance"});
    assert_eq!(post(general.clone()).await.status, StatusCode::CREATED);
    assert_eq!(
        refusal(&post(general).await),
        (StatusCode::CONFLICT, "change_kind".into())
    );
    let own = json!({"change_kind": "report", "decider": "ED leads", "module_id": ed});
    let own_id = id(&post(own.clone()).await.json());
    assert_eq!(
        refusal(&post(own).await),
        (StatusCode::CONFLICT, "change_kind".into())
    );
    let path = format!("/api/v1/decision-rights/{own_id}");
    let same = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"decider": "ED medical director"})),
        )
        .await;
    assert_eq!(
        same.status,
        StatusCode::OK,
        "a right does not clash with itself"
    );
}

#[tokio::test]
async fn a_decision_right_a_change_request_was_routed_by_is_not_deleted() {
    let (app, token) = admin().await;
    let right = id(&created(
        &app,
        &token,
        "decision-rights",
        json!({"change_kind": "workflow", "decider": "Nursing council"}),
    )
    .await);
    let sql = format!(
        "INSERT INTO change_request (program_id, change_kind, title, justification, \
         decision_right_id, decider, status, created_at, updated_at) VALUES ({}, 'workflow', \
         'New handoff', 'Safety', {right}, 'Nursing council', 'pending', CURRENT_TIMESTAMP, \
         CURRENT_TIMESTAMP)",
        app.operator.program_id
    );
    app.store.execute_raw(&sql).await.unwrap();
    let path = format!("/api/v1/decision-rights/{right}");
    let reply = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 change request")
    );
}

#[tokio::test]
async fn a_decision_right_form_creates_it_and_site_leads_may_not() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::SiteLead).await;
    let body = json!({"change_kind": "security", "decider": "Security office"});
    let reply = app
        .api(&token, Method::POST, "/api/v1/decision-rights", Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let session = app.sign_in(AccessRole::ProgramLead).await;
    assert_eq!(
        app.page(&session, "/decision-rights/new").await.status,
        StatusCode::OK
    );
    let reply = app
        .post_form(
            &session,
            "/decision-rights",
            "change_kind=security&module_id=&decider=Security+office&decider_account_id=",
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("Security office") && page.body.contains("Every module"));
}
