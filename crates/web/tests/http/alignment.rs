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

    for panel in [
        "goals",
        "stance_counts",
        "overdue_commitments",
        "pending_decisions",
        "customizations",
    ] {
        assert!(!d[panel].is_null(), "{panel} is read by executives");
    }

    for role in [AccessRole::EndUser, AccessRole::Vendor] {
        let token = app.token(role).await;
        let reply = app
            .api(&token, Method::GET, "/api/v1/alignment", None)
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role:?}");
    }
}

#[tokio::test]
async fn the_alignment_matrix_records_gains_and_concessions_and_links_goals_to_groups() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let post = |path: &'static str, body: serde_json::Value| {
        let app = &app;
        let lead = lead.clone();
        async move {
            let reply = app.api(&lead, Method::POST, path, Some(body)).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.body);
            reply.json()["id"].as_i64().unwrap()
        }
    };
    let group = post(
        "/api/v1/stakeholders",
        json!({
            "kind": "nursing", "name": "Nursing", "interests": "Time at the bedside",
            "gains": "Flowsheets built with nurses", "concessions": "Scan every dose",
            "influence": "high", "stance": "supporter",
        }),
    )
    .await;
    let goal = post(
        "/api/v1/goals",
        json!({
            "name": "Medication administration scanning rate",
            "definition": "Doses scanned / doses given",
            "unit": "percent", "direction": "higher",
            "baseline_value": 71.5, "baseline_date": "2026-01-01",
            "target_value": 95, "target_date": "2030-01-01",
            "value_per_year": "1,825,000", "site_ids": [],
        }),
    )
    .await;
    let cell = format!("/api/v1/stakeholders/{group}/alignment/{goal}");
    let bare = app
        .api(
            &lead,
            Method::PUT,
            &cell,
            Some(json!({"effect": "concession"})),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bare.field_errors()[0].0, "note");
    let body = json!({"effect": "concession", "note": "Scan every dose, even in a rush"});
    let put = app.api(&lead, Method::PUT, &cell, Some(body.clone())).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    let again = app
        .api(
            &lead,
            Method::PUT,
            &cell,
            Some(json!({"effect": "gain", "note": "Safer"})),
        )
        .await
        .json();
    assert_eq!(again["id"], put.json()["id"], "one cell per group and goal");

    let exec = app.token(AccessRole::Executive).await;
    let m = app
        .api(&exec, Method::GET, "/api/v1/stakeholders/matrix", None)
        .await
        .json();
    assert_eq!(m["cells"].as_array().unwrap().len(), 1);
    assert_eq!(m["cells"][0]["effect"], "gain");
    assert_eq!(
        m["goals"][0]["name"],
        "Medication administration scanning rate"
    );
    let refused = app.api(&exec, Method::PUT, &cell, Some(body)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let missing = format!("/api/v1/stakeholders/{group}/alignment/{}", goal + 99);
    let reply = app
        .api(
            &lead,
            Method::PUT,
            &missing,
            Some(json!({"effect": "neutral"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let session = app.sign_in(AccessRole::ProgramLead).await;
    let page = app.page(&session, "/stakeholders/matrix").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("class=\"effect-gain\"") && page.body.contains("Safer"));
    let goal_page = app.page(&session, &format!("/goals/{goal}")).await;
    assert!(
        goal_page
            .body
            .contains(&format!("href=\"/stakeholders/{group}\""))
    );
    let group_page = app.page(&session, &format!("/stakeholders/{group}")).await;
    assert!(group_page.body.contains("Alignment with the program"));
    assert!(group_page.body.contains(&format!("href=\"/goals/{goal}\"")));
    let form = app
        .post_form(
            &session,
            &format!("/stakeholders/{group}/alignment/{goal}"),
            "effect=gain&note=",
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.body.contains("say what the group gains"));
}
