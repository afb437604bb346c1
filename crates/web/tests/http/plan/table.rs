//! The plan table: progress updated inline from a row (and refused there when wrong), the
//! table sorted, and only those who may change the plan see the row forms.

use axum::http::{Method, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::Value;

use super::plan;
use crate::support::TestApp;

async fn percent(app: &TestApp, token: &str, id: i64) -> Value {
    app.api(token, Method::GET, &format!("/api/v1/tasks/{id}"), None)
        .await
        .json()["percent_complete"]
        .clone()
}

#[tokio::test]
async fn progress_is_updated_inline_and_the_table_sorts() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (build, design, _, train, _) = plan(&app, &lead).await;
    let analyst = app.sign_in(AccessRole::Analyst).await;
    let table = app.page(&analyst, "/plan?search=Design").await;
    let action = format!("action=\"/plan/tasks/{design}/progress\"");
    assert!(table.body.contains(&action), "{}", table.body);
    assert!(
        !table
            .body
            .contains(&format!("/plan/tasks/{build}/progress")),
        "a summary's progress is its subtasks'"
    );
    let saved = app
        .post_form(
            &analyst,
            &format!("/plan/tasks/{design}/progress"),
            "percent_complete=40&back=%2Fplan%3Fsearch%3DDesign",
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.headers.get(header::LOCATION).unwrap(),
        "/plan?search=Design"
    );
    assert_eq!(percent(&app, &lead, design).await, 40);
    // Out of range: refused with the table page again, the typed value in the task's row and
    // the reason beside it; nothing changed.
    let refused = app
        .post_form(
            &analyst,
            &format!("/plan/tasks/{design}/progress"),
            "percent_complete=140&back=%2Fplan%3Fsearch%3DDesign",
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    refused.has(&[
        &format!("id=\"f-t{design}-percent_complete\" name=\"percent_complete\" type=\"number\" value=\"140\" aria-invalid=\"true\" aria-describedby=\"e-t{design}-percent_complete\""),
        &format!("<p class=\"error\" id=\"e-t{design}-percent_complete\">&#39;140&#39; is not a percentage from 0 to 100</p>"),
        "class=\"visually-hidden\">Percent complete of Design</label>",
        // The page it came from, and the form goes back there again.
        "name=\"back\" value=\"/plan?search=Design\"",
    ]);
    assert_eq!(
        refused.body.matches("aria-invalid=\"true\"").count(),
        1,
        "only the refused row is marked: {}",
        refused.body
    );
    assert_eq!(percent(&app, &lead, design).await, 40);
    // A foreign "back" is not followed: the refusal shows on the plain table.
    let foreign = app
        .post_form(
            &analyst,
            &format!("/plan/tasks/{design}/progress"),
            "percent_complete=abc&back=https%3A%2F%2Fevil.test%2F",
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    foreign.has(&["value=\"abc\"", "name=\"back\" value=\"/plan?\""]);
    assert!(!foreign.body.contains("evil.test"), "{}", foreign.body);
    // Refused for a task the page it came from does not show: the reason above the table.
    let elsewhere = app
        .post_form(
            &analyst,
            &format!("/plan/tasks/{design}/progress"),
            "percent_complete=-5&back=%2Fplan%3Fsearch%3DTrain",
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    elsewhere.has(&[
        "its task is not on this page of the table",
        "<li>percent_complete: &#39;-5&#39; is not a percentage from 0 to 100</li>",
    ]);
    assert_eq!(percent(&app, &lead, design).await, 40);
    // Those who only read the plan get no row forms, and cannot post one.
    let executive = app.sign_in(AccessRole::Executive).await;
    let theirs = app.page(&executive, "/plan").await;
    assert!(!theirs.body.contains("/progress\""), "{}", theirs.body);
    let denied = app
        .post_form(
            &executive,
            &format!("/plan/tasks/{design}/progress"),
            "percent_complete=90",
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(percent(&app, &lead, design).await, 40);

    // Sorted by total float, the training (5 days of float) comes last.
    let sorted = app
        .api(&lead, Method::GET, "/api/v1/schedule?sort=float", None)
        .await
        .json();
    let items = sorted["tasks"]["items"].as_array().unwrap();
    assert_eq!(items.last().unwrap()["id"], train, "{sorted}");
    let by_name = app
        .api(
            &lead,
            Method::GET,
            "/api/v1/schedule?sort=name&limit=2",
            None,
        )
        .await
        .json();
    assert_eq!(by_name["tasks"]["items"][0]["name"], "Build");
    let cursor = by_name["tasks"]["next_cursor"].as_str().unwrap();
    let next = app
        .api(
            &lead,
            Method::GET,
            &format!("/api/v1/schedule?sort=name&limit=2&cursor={cursor}"),
            None,
        )
        .await
        .json();
    assert_eq!(next["tasks"]["items"][0]["name"], "Design", "{next}");
    let bad = app
        .api(&lead, Method::GET, "/api/v1/schedule?sort=colour", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("sort"), "{}", bad.body);
}
