//! Known issues: the board every user reads, retiring and publishing, linked tickets.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{admin, created, id, insert_ticket, location, refusal, triage_team};
use crate::support::TestApp;

#[tokio::test]
async fn retiring_a_known_issue_stamps_it_and_publishing_again_clears_it() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Analyst).await;
    let issue = created(
        &app,
        &token,
        "known-issues",
        json!({"title": "Labels print blank", "symptoms": "Blank labels", "workaround": "Reprint"}),
    )
    .await;
    assert_eq!(issue["status"], "published");
    assert_eq!(issue["retired_at"], Value::Null);
    let path = format!("/api/v1/known-issues/{}", id(&issue));
    let retired = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"status": "retired"})),
        )
        .await
        .json();
    assert_eq!(retired["status"], "retired");
    assert!(retired["retired_at"].is_string());
    assert_eq!(retired["workaround"], "Reprint");
    let again = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"status": "published"})),
        )
        .await
        .json();
    assert_eq!(again["retired_at"], Value::Null);
}

#[tokio::test]
async fn the_board_lists_published_before_retired_newest_first_with_linked_ticket_counts() {
    let (app, token) = admin().await;
    let post = |title: &str, status: &str| {
        created(
            &app,
            &token,
            "known-issues",
            json!({"title": title, "symptoms": "s", "workaround": "w", "status": status}),
        )
    };
    let old = id(&post("Old published", "published").await);
    post("Retired one", "retired").await;
    let new = id(&post("New published", "published").await);
    let triage = triage_team(&app, &token).await;
    for number in 1..=3 {
        insert_ticket(&app, number, triage, Some(new)).await;
    }
    insert_ticket(&app, 4, triage, Some(old)).await;
    let board = app
        .api(&token, Method::GET, "/api/v1/known-issues?limit=2", None)
        .await
        .json();
    assert_eq!(board["total"], 3);
    let next = board["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/known-issues?limit=2&cursor={next}"),
            None,
        )
        .await
        .json();
    let rows: Vec<(String, i64)> = [&board, &rest]
        .iter()
        .flat_map(|page| page["items"].as_array().unwrap().clone())
        .map(|k| {
            (
                k["title"].as_str().unwrap().to_owned(),
                k["linked_tickets"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("New published".to_owned(), 3),
            ("Old published".to_owned(), 1),
            ("Retired one".to_owned(), 0)
        ]
    );
    let retired = app
        .api(
            &token,
            Method::GET,
            "/api/v1/known-issues?status=retired&q=retired",
            None,
        )
        .await
        .json();
    assert_eq!(retired["total"], 1);
    let path = format!("/api/v1/known-issues/{new}");
    let reply = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("3 tickets")
    );
    let session = app.sign_in(AccessRole::Admin).await;
    let page = app.page(&session, &format!("/known-issues/{new}")).await;
    assert!(page.body.contains("Linked tickets (3)") && page.body.contains("Printer jams 2"));
}

#[tokio::test]
async fn every_user_reads_the_board_but_only_the_command_center_writes_it() {
    let (app, admin_token) = admin().await;
    created(
        &app,
        &admin_token,
        "known-issues",
        json!({"title": "Slow sign-in", "symptoms": "s", "workaround": "w"}),
    )
    .await;
    let token = app.token(AccessRole::EndUser).await;
    let board = app
        .api(&token, Method::GET, "/api/v1/known-issues", None)
        .await;
    assert_eq!(board.status, StatusCode::OK);
    assert_eq!(board.json()["total"], 1);
    let body = json!({"title": "Mine", "symptoms": "s", "workaround": "w"});
    let reply = app
        .api(&token, Method::POST, "/api/v1/known-issues", Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let session = app.sign_in(AccessRole::EndUser).await;
    let page = app.page(&session, "/known-issues").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("href=\"/known-issues\"") && page.body.contains("Slow sign-in"));
    assert!(!page.body.contains("New known issue"));
}

#[tokio::test]
async fn a_known_issue_needs_symptoms_a_workaround_and_a_real_module() {
    let (app, token) = admin().await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/known-issues", Some(body));
    let bare = post(json!({"title": "T", "symptoms": "s", "workaround": " "})).await;
    assert_eq!(
        refusal(&bare),
        (StatusCode::UNPROCESSABLE_ENTITY, "workaround".into())
    );
    let module =
        post(json!({"title": "T", "symptoms": "s", "workaround": "w", "module_id": 999_999})).await;
    assert_eq!(
        refusal(&module),
        (StatusCode::UNPROCESSABLE_ENTITY, "module_id".into())
    );
    let status =
        post(json!({"title": "T", "symptoms": "s", "workaround": "w", "status": "gone"})).await;
    assert_eq!(
        refusal(&status),
        (StatusCode::UNPROCESSABLE_ENTITY, "status".into())
    );
}

#[tokio::test]
async fn a_known_issue_form_publishes_it_and_an_unlinked_one_can_be_deleted() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Analyst).await;
    assert_eq!(
        app.page(&session, "/known-issues/new").await.status,
        StatusCode::OK
    );
    let reply = app
        .post_form(
            &session,
            "/known-issues",
            "title=Scanner+beeps&symptoms=It+beeps&workaround=Unplug+it&module_id=&status=published",
        )
        .await;
    let record = location(&reply);
    assert!(app.page(&session, &record).await.body.contains("Unplug it"));
    let reply = app
        .post_form(&session, &format!("{record}/delete"), "")
        .await;
    assert_eq!(location(&reply), "/known-issues");
}
