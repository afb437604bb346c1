//! The program dashboard: each panel from its capability's aggregates, for whoever reads
//! alignment; end users and vendor staff are refused.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn the_program_dashboard_shows_recent_lessons_and_leaders_embedded() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let wave = json!({"name": "Wave 1", "go_live": "2027-03-01", "site_ids": [app.f.site_a]});
    let reply = app
        .api(&lead, Method::POST, "/api/v1/waves", Some(wave))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    for n in 1..=7 {
        let lesson = json!({
            "title": format!("Lesson number {n}"),
            "observation": "Seen at go-live",
            "recommendation": "Do it earlier",
            "source": "retrospective",
            "phase": "go_live",
        });
        let reply = app
            .api(&lead, Method::POST, "/api/v1/lessons", Some(lesson))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let exec = app.token(AccessRole::Executive).await;
    let d = app
        .api(&exec, Method::GET, "/api/v1/alignment", None)
        .await
        .json();
    let titles: Vec<&str> = d["recent_lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 5, "the newest five");
    assert_eq!(titles[0], "Lesson number 7");
    assert_eq!(d["embedding"][0]["has_earlier_go_live"], false);

    let session = app.sign_in(AccessRole::Executive).await;
    let page = app.page(&session, "/alignment").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Lesson number 7") && !page.body.contains("Lesson number 2<"));
    assert!(page.body.contains("first go-live"));
    assert!(
        page.body.contains("<a href=\"/alignment\""),
        "in the navigation"
    );

    for role in [AccessRole::EndUser, AccessRole::Vendor] {
        let token = app.token(role).await;
        let reply = app
            .api(&token, Method::GET, "/api/v1/alignment", None)
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role:?}");
    }
}
