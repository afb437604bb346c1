//! Benefit goals through the API and pages: goals as a resource with field-named errors,
//! measurements posted one at a time or as a list (all or nothing, `[index].field`),
//! re-posting audited, who may record where, the goal's page, the measurements page with
//! its chart and form, the benefits dashboard, and the goals' value in the cost of delay.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app
        .api(token, Method::POST, &format!("/api/v1/{path}"), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.body);
    reply.json()
}

fn scanning(sites: Vec<i64>) -> Value {
    json!({
        "name": "Medication administration scanning rate",
        "definition": "Doses scanned / doses given, from the eMAR report",
        "unit": "percent", "direction": "higher",
        "baseline_value": 71.5, "baseline_date": "2026-01-01",
        "target_value": "95", "target_date": "2030-01-01",
        "value_per_year": "1,825,000", "site_ids": sites
    })
}

#[tokio::test]
async fn a_goal_with_a_target_before_its_baseline_or_values_outside_its_unit_names_the_field() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let mut bad = scanning(vec![]);
    bad["target_date"] = json!("2025-12-01");
    bad["baseline_value"] = json!(140);
    let reply = app
        .api(&lead, Method::POST, "/api/v1/goals", Some(bad))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let errors = reply.field_errors();
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["baseline_value", "target_date"], "{errors:?}");
    assert!(errors[1].1.contains("after the baseline date"));

    let goal = created(&app, &lead, "goals", scanning(vec![app.f.site_a])).await;
    assert_eq!(goal["baseline_value"], 71.5);
    assert_eq!(goal["value_per_year"], 182_500_000);
    let analyst = app.token(AccessRole::Analyst).await;
    let refused = app
        .api(
            &analyst,
            Method::POST,
            "/api/v1/goals",
            Some(scanning(vec![])),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "analysts do not set goals"
    );
    let vendor = app.token(AccessRole::Vendor).await;
    let hidden = app.api(&vendor, Method::GET, "/api/v1/goals", None).await;
    assert_eq!(hidden.status, StatusCode::FORBIDDEN);
    let list = app.api(&analyst, Method::GET, "/api/v1/goals", None).await;
    assert_eq!(
        list.json()["items"][0]["name"],
        "Medication administration scanning rate"
    );
}

#[tokio::test]
async fn measurements_are_posted_all_or_nothing_with_errors_naming_item_and_field() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let goal = created(&app, &lead, "goals", scanning(vec![])).await;
    let path = format!("/api/v1/goals/{}/measurements", goal["id"]);
    let analyst = app.token(AccessRole::Analyst).await;
    let bad = json!([
        {"site_id": app.f.site_a, "period": "2026-03-01", "value": 80},
        {"site_id": app.f.site_a, "period": "2026-04-01", "value": 140},
        {"period": "April", "value": "3 days"}
    ]);
    let reply = app.api(&analyst, Method::POST, &path, Some(bad)).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let fields: Vec<String> = reply.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["[1].value", "[2].period", "[2].value"]);
    let none = app.api(&analyst, Method::GET, &path, None).await.json();
    assert_eq!(none["total"], 0, "nothing of a refused list is kept");

    let ok = json!([
        {"site_id": app.f.site_a, "period": "2026-03-01", "value": 80},
        {"period": "2026-03-01", "value": "82.5%"}
    ]);
    let reply = app.api(&analyst, Method::POST, &path, Some(ok)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.json().as_array().unwrap().len(), 2);
    // Re-posting one replaces it; a single object comes back as one.
    let again = created(
        &app,
        &analyst,
        &format!("goals/{}/measurements", goal["id"]),
        json!({"site_id": app.f.site_a, "period": "2026-03-01", "value": 84}),
    )
    .await;
    assert_eq!(again["value"], 84.0);
    let list = app.api(&analyst, Method::GET, &path, None).await.json();
    assert_eq!(list["total"], 2, "{list}");
    let admin = app.token(AccessRole::Admin).await;
    let audit = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?entity=measurement",
            None,
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let audit = audit.json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "create", "create"]);

    // Site leads record at their own sites only, never program-wide.
    let site_lead = app.token(AccessRole::SiteLead).await;
    let own = app
        .api(
            &site_lead,
            Method::POST,
            &path,
            Some(json!({"site_id": app.f.site_a, "period": "2026-04-01", "value": 85})),
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    for body in [
        json!({"site_id": app.f.site_b, "period": "2026-04-01", "value": 85}),
        json!({"period": "2026-04-01", "value": 85}),
    ] {
        let refused = app.api(&site_lead, Method::POST, &path, Some(body)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    let executive = app.token(AccessRole::Executive).await;
    let refused = app
        .api(
            &executive,
            Method::POST,
            &path,
            Some(json!({"period": "2026-04-01", "value": 85})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_goal_pages_show_the_chart_the_form_and_field_errors() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let goal = created(&app, &lead, "goals", scanning(vec![])).await;
    let id = goal["id"].as_i64().unwrap();
    created(
        &app,
        &lead,
        "waves",
        json!({"name": "Wave 1", "go_live": "2026-06-01", "site_ids": [app.f.site_a]}),
    )
    .await;
    created(
        &app,
        &lead,
        &format!("goals/{id}/measurements"),
        json!([
            {"site_id": app.f.site_a, "period": "2026-04-01", "value": 72},
            {"site_id": app.f.site_a, "period": "2026-08-01", "value": 88}
        ]),
    )
    .await;
    let session = app.sign_in(AccessRole::Analyst).await;
    let show = app.page(&session, &format!("/goals/{id}")).await;
    assert_eq!(show.status, StatusCode::OK);
    for text in [
        "Where it stands",
        "Wave 1",
        "Stakeholder groups it concerns",
        "71.5% on 2026-01-01",
    ] {
        assert!(show.body.contains(text), "goal page lacks {text}");
    }
    let page = app
        .page(&session, &format!("/goals/{id}/measurements"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg role=\"img\""), "a chart");
    assert!(page.body.contains("<polyline class=\"series\""));
    assert!(page.body.contains("Record a measurement"));
    assert!(
        page.body.contains("alignment"),
        "the alignment sub-navigation"
    );

    let wrong = app
        .post_form(
            &session,
            &format!("/goals/{id}/measurements"),
            &format!("site_id={}&period=2026-09-01&value=140", app.f.site_a),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("140 is not a percent between 0 and 100"),
        "the value's error beside its field"
    );
    let ok = app
        .post_form(
            &session,
            &format!("/goals/{id}/measurements"),
            &format!("site_id={}&period=2026-09-01&value=90", app.f.site_a),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    let benefits = app.page(&session, "/benefits").await;
    assert_eq!(benefits.status, StatusCode::OK);
    assert!(
        benefits
            .body
            .contains("Medication administration scanning rate")
    );
    assert!(benefits.body.contains("12 months before"));
    let by_site = app
        .page(&session, &format!("/benefits?site_id={}", app.f.site_a))
        .await;
    assert_eq!(by_site.status, StatusCode::OK);
    let api = app
        .api(&lead, Method::GET, "/api/v1/benefits", None)
        .await
        .json();
    assert_eq!(
        api["kpis"][0]["points"].as_array().unwrap().len(),
        3,
        "{api}"
    );
    assert_eq!(api["kpis"][0]["before_after"][0]["before"], 72.0);
    let both = app
        .api(
            &lead,
            Method::GET,
            &format!("/api/v1/benefits?site_id={}&wave_id=1", app.f.site_a),
            None,
        )
        .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    let end_user = app.sign_in(AccessRole::EndUser).await;
    assert_eq!(
        app.page(&end_user, "/benefits").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn goals_at_sites_not_yet_live_are_benefits_postponed_in_the_cost_of_delay() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    created(
        &app,
        &lead,
        "waves",
        json!({"name": "Wave 9", "go_live": "2099-06-01", "site_ids": [app.f.site_a]}),
    )
    .await;
    created(&app, &lead, "goals", scanning(vec![app.f.site_a])).await;
    let cost = app
        .api(&lead, Method::GET, "/api/v1/cost-of-delay", None)
        .await
        .json();
    assert_eq!(cost["per_day"], 500_000, "{cost}");
    assert_eq!(cost["lines"][0]["name"], "Goals' value postponed");
    assert_eq!(cost["lines"][0]["kind"], "benefits_postponed");
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let page = app.page(&session, "/plan/cost-of-delay").await;
    assert!(
        page.body.contains("<a href=\"/benefits\">Goals"),
        "the line links to the benefits"
    );
    assert!(
        page.body.contains("$5,000.00"),
        "the header and the page show it"
    );
}

#[tokio::test]
async fn the_api_description_has_the_goals_measurements_and_benefits() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Analyst).await;
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for (path, method) in [
        ("/api/v1/goals", "post"),
        ("/api/v1/goals/{id}", "patch"),
        ("/api/v1/goals/{id}/measurements", "get"),
        ("/api/v1/goals/{id}/measurements", "post"),
        ("/api/v1/benefits", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
}
