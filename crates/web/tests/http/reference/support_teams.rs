//! Support teams: one triage queue, teams named once, none deleted while holding tickets.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{admin, created, id, insert_ticket, location, module, refusal, triage_team};
use crate::support::TestApp;

#[tokio::test]
async fn a_support_team_is_created_read_back_patched_and_filtered_by_kind() {
    let (app, token) = admin().await;
    let pharmacy = module(&app, &token, "RX").await;
    let lead = app
        .store
        .account_by_email("analyst@test.example")
        .await
        .unwrap();
    let team = created(
        &app,
        &token,
        "support-teams",
        json!({"name": "Pharmacy apps", "kind": "application", "categories": ["how_to", "break_fix"],
               "module_id": pharmacy, "lead_account_id": lead.id}),
    )
    .await;
    assert_eq!(team["categories"], json!(["how_to", "break_fix"]));
    let path = format!("/api/v1/support-teams/{}", id(&team));
    let read = app.api(&token, Method::GET, &path, None).await.json();
    assert_eq!(read["module_id"], pharmacy);
    assert_eq!(read["lead_account_id"], lead.id);
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"categories": ["access"]})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.json()["categories"], json!(["access"]));
    assert_eq!(patched.json()["name"], "Pharmacy apps");
    triage_team(&app, &token).await;
    let list = app
        .api(
            &token,
            Method::GET,
            "/api/v1/support-teams?kind=triage",
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Triage");
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/modules/{pharmacy}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 support team")
    );
}

#[tokio::test]
async fn support_team_refusals_name_their_field() {
    let (app, token) = admin().await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/support-teams", Some(body));
    let vendor = post(json!({"name": "Acme", "kind": "vendor"})).await;
    assert_eq!(
        refusal(&vendor),
        (StatusCode::UNPROCESSABLE_ENTITY, "organization".into())
    );
    let lead = post(json!({"name": "Tech", "kind": "technical", "lead_account_id": 999_999})).await;
    assert_eq!(
        refusal(&lead),
        (StatusCode::UNPROCESSABLE_ENTITY, "lead_account_id".into())
    );
    let category =
        post(json!({"name": "Tech", "kind": "technical", "categories": ["gossip"]})).await;
    assert_eq!(
        refusal(&category),
        (StatusCode::UNPROCESSABLE_ENTITY, "categories".into())
    );
    triage_team(&app, &token).await;
    let second = post(json!({"name": "Second triage", "kind": "triage"})).await;
    assert_eq!(refusal(&second), (StatusCode::CONFLICT, "kind".into()));
    let twin = post(json!({"name": "Triage", "kind": "technical"})).await;
    assert_eq!(refusal(&twin), (StatusCode::CONFLICT, "name".into()));
}

#[tokio::test]
async fn the_triage_queue_and_a_team_holding_tickets_are_not_deleted() {
    let (app, token) = admin().await;
    let triage = triage_team(&app, &token).await;
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/support-teams/{triage}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("triage queue")
    );
    let demoted = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/support-teams/{triage}"),
            Some(json!({"kind": "technical"})),
        )
        .await;
    assert_eq!(
        refusal(&demoted),
        (StatusCode::UNPROCESSABLE_ENTITY, "kind".into())
    );
    let desk = id(&created(
        &app,
        &token,
        "support-teams",
        json!({"name": "Device desk", "kind": "technical", "categories": ["hardware"]}),
    )
    .await);
    insert_ticket(&app, 1, desk, None).await;
    let path = format!("/api/v1/support-teams/{desk}");
    let reply = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 ticket"),
        "{}",
        reply.body
    );
    let spare = created(
        &app,
        &token,
        "support-teams",
        json!({"name": "Spare", "kind": "training"}),
    )
    .await;
    let path = format!("/api/v1/support-teams/{}", id(&spare));
    assert_eq!(
        app.api(&token, Method::DELETE, &path, None).await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_support_team_form_with_ticked_categories_creates_the_team() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let form = app.page(&session, "/support-teams/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Ticket categories taken"));
    let reply = app
        .post_form(
            &session,
            "/support-teams",
            "name=Access+desk&kind=technical&categories=access&categories=how_to&module_id=&organization=&lead_account_id=",
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("Access desk"));
    assert!(
        page.body.contains("How-to / training, Access / security"),
        "{}",
        page.body
    );
}
