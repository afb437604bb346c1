//! Readiness over HTTP: the criteria catalog, the scorecard's ratings (thresholds and
//! weights), attestations and their history, checkpoint assessments (recorded once), the
//! go/no-go gate (only by the right holder, its scorecard frozen), and who sees what.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::{TestApp, email};
use crate::training::{created, id, plan};

mod evidence;
mod forms;
mod gates;
mod records;
mod scorecard;

/// Days from today, as YYYY-MM-DD.
pub fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A wave of sites A and B going live in `days`, and three criteria: training (green from
/// 30%, weight 50), devices (attested, weight 40), downtime (attested, weight 10).
pub struct Setup {
    pub wave: i64,
    pub training: i64,
    pub devices: i64,
    pub downtime: i64,
    pub lead: String,
}

pub async fn setup(app: &TestApp, days: i64) -> Setup {
    let lead = app.token(AccessRole::ProgramLead).await;
    let wave = id(&created(
        app,
        &lead,
        "/api/v1/waves",
        json!({"name": "Wave R", "go_live": day(days), "site_ids": [app.f.site_a, app.f.site_b]}),
    )
    .await);
    let criterion = |name: &str, measure: &str, weight: i64, threshold: Option<f64>| {
        json!({"name": name, "measure": measure, "weight": weight, "owner": "Site lead",
               "threshold": threshold, "amber_band": threshold.map(|_| 5.0)})
    };
    let path = "/api/v1/readiness/criteria";
    let training = id(&created(
        app,
        &lead,
        path,
        criterion("Training complete", "training_completion", 50, Some(30.0)),
    )
    .await);
    let devices = id(&created(
        app,
        &lead,
        path,
        criterion("Devices deployed", "attested", 40, None),
    )
    .await);
    let downtime = id(&created(
        app,
        &lead,
        path,
        criterion("Downtime procedures", "attested", 10, None),
    )
    .await);
    Setup {
        wave,
        training,
        devices,
        downtime,
        lead,
    }
}

pub async fn attest(
    app: &TestApp,
    token: &str,
    criterion: i64,
    site: i64,
    status: &str,
) -> StatusCode {
    let body = json!({"criterion_id": criterion, "site_id": site, "status": status,
                      "evidence": "Seen on the site walk", "evidence_url": "https://wiki.example/e"});
    app.api(
        token,
        Method::POST,
        "/api/v1/readiness/attestations",
        Some(body),
    )
    .await
    .status
}

/// The rating of `criterion` at `site` in a scorecard body.
pub fn rag(card: &Value, site: i64, criterion: i64) -> String {
    let site = card["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site_id"] == site)
        .unwrap_or_else(|| panic!("site {site} in {card}"));
    site["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["criterion_id"] == criterion)
        .unwrap()["rag"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn overall(card: &Value, site: i64) -> (f64, String) {
    let site = card["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site_id"] == site)
        .unwrap();
    (
        site["overall"]["score"].as_f64().unwrap(),
        site["overall"]["rag"].as_str().unwrap().to_owned(),
    )
}

pub async fn account_id(app: &TestApp, role: AccessRole) -> i64 {
    app.store.account_by_email(&email(role)).await.unwrap().id
}

#[tokio::test]
async fn the_catalog_names_every_bad_field_and_only_leads_keep_it() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let path = "/api/v1/readiness/criteria";
    let bad = app
        .api(
            &lead,
            Method::POST,
            path,
            Some(json!({"measure": "vibes", "weight": 0})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let fields: Vec<String> = bad.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["name", "measure", "weight", "owner"]);
    let body = json!({"name": "Proficiency", "measure": "proficiency_pass_rate", "weight": 20, "owner": "Training lead"});
    let made = created(&app, &lead, path, body.clone()).await;
    assert_eq!(
        (made["threshold"].as_f64(), made["amber_band"].as_f64()),
        (Some(85.0), Some(10.0))
    );
    let again = app.api(&lead, Method::POST, path, Some(body.clone())).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "names are unique");
    for role in [
        AccessRole::SiteLead,
        AccessRole::Executive,
        AccessRole::Analyst,
    ] {
        let token = app.token(role).await;
        let refused = app
            .api(&token, Method::POST, path, Some(body.clone()))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(
            app.api(&token, Method::GET, path, None).await.status,
            StatusCode::OK
        );
    }
    let user = app.token(AccessRole::EndUser).await;
    assert_eq!(
        app.api(&user, Method::GET, path, None).await.status,
        StatusCode::FORBIDDEN
    );
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let list = app.page(&session, "/readiness/criteria").await;
    assert!(
        list.body.contains("at least 85 (amber from 75)"),
        "{}",
        list.body
    );
}

#[tokio::test]
async fn the_openapi_document_describes_readiness() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for (path, method) in [
        ("/api/v1/readiness/criteria", "post"),
        ("/api/v1/readiness/scorecard", "get"),
        ("/api/v1/readiness/attestations", "post"),
        ("/api/v1/readiness/attestations/{id}/evidence", "post"),
        ("/api/v1/readiness/attestations/{id}/evidence", "get"),
        ("/api/v1/readiness/attestations/{id}/evidence/{file}", "get"),
        ("/api/v1/readiness/assessments", "post"),
        ("/api/v1/readiness/assessments/{id}", "get"),
        ("/api/v1/readiness/gates", "post"),
        ("/api/v1/readiness/gates/{id}", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
}

/// Completes the plan's courses for the end user: site A's nurses 1 of 3 complete (33%).
pub async fn train_one(app: &TestApp) {
    let p = plan(app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    for course in &p.courses {
        let body = json!({"person_id": p.end_user, "course_id": course, "completed_on": day(-1)});
        created(app, &trainer, "/api/v1/completions", body).await;
    }
}
