//! Attestations (who may, history, the latest wins) and assessments (idempotent at a
//! checkpoint, frozen).

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::{account_id, attest, day, rag, setup};
use crate::support::TestApp;

#[tokio::test]
async fn every_attestation_is_kept_and_the_latest_rates_the_criterion() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let path = "/api/v1/readiness/attestations";
    let dated = |status: &str, on: String| {
        json!({"criterion_id": s.devices, "site_id": app.f.site_a, "status": status,
               "evidence": format!("{status} on {on}"), "attested_on": on})
    };
    for (status, on) in [("partly", day(-3)), ("met", day(-1)), ("not_met", day(-2))] {
        let r = app
            .api(&s.lead, Method::POST, path, Some(dated(status, on)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let history = app
        .api(
            &s.lead,
            Method::GET,
            &format!("{path}?criterion_id={}&site_id={}", s.devices, app.f.site_a),
            None,
        )
        .await
        .json();
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["met", "not_met", "partly"],
        "newest first, by the day attested"
    );
    let card = app
        .api(
            &s.lead,
            Method::GET,
            &format!("/api/v1/readiness/scorecard?wave_id={}", s.wave),
            None,
        )
        .await
        .json();
    assert_eq!(
        rag(&card, app.f.site_a, s.devices),
        "green",
        "a back-dated one does not win"
    );

    let bad = json!({"criterion_id": s.training, "site_id": app.f.site_a, "status": "met",
                     "evidence": " ", "evidence_url": "javascript:alert(1)"});
    let refused = app.api(&s.lead, Method::POST, path, Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = refused.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["evidence", "evidence_url"]);
    let measured = json!({"criterion_id": s.training, "site_id": app.f.site_a, "status": "met", "evidence": "x"});
    let refused = app.api(&s.lead, Method::POST, path, Some(measured)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "measured criteria are not attested"
    );
}

#[tokio::test]
async fn owners_attest_everywhere_site_leads_at_their_sites_and_others_not_at_all() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let analyst = app.token(AccessRole::Analyst).await;
    assert_eq!(
        attest(&app, &analyst, s.devices, app.f.site_b, "met").await,
        StatusCode::FORBIDDEN
    );
    let owner = account_id(&app, AccessRole::Analyst).await;
    let patch = json!({"owner_account_id": owner});
    let r = app
        .api(
            &s.lead,
            Method::PATCH,
            &format!("/api/v1/readiness/criteria/{}", s.devices),
            Some(patch),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        attest(&app, &analyst, s.devices, app.f.site_b, "met").await,
        StatusCode::CREATED
    );
    assert_eq!(
        attest(&app, &analyst, s.downtime, app.f.site_b, "met").await,
        StatusCode::FORBIDDEN
    );
    let site_lead = app.token(AccessRole::SiteLead).await;
    assert_eq!(
        attest(&app, &site_lead, s.downtime, app.f.site_a, "met").await,
        StatusCode::CREATED
    );
    assert_eq!(
        attest(&app, &site_lead, s.downtime, app.f.site_b, "met").await,
        StatusCode::FORBIDDEN
    );
    let seen = app
        .api(
            &site_lead,
            Method::GET,
            "/api/v1/readiness/attestations",
            None,
        )
        .await
        .json();
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .all(|a| a["site_id"] == app.f.site_a),
        "{seen}"
    );
    let user = app.token(AccessRole::EndUser).await;
    assert_eq!(
        attest(&app, &user, s.downtime, app.f.site_a, "met").await,
        StatusCode::FORBIDDEN
    );
    let audit = app
        .api(
            &app.token(AccessRole::Admin).await,
            Method::GET,
            "/api/v1/audit?entity=readiness_attestation",
            None,
        )
        .await;
    assert!(
        audit.body.contains("readiness_attestation"),
        "{}",
        audit.body
    );
}

#[tokio::test]
async fn a_checkpoint_is_assessed_once_whoever_asks_and_however_often() {
    let app = TestApp::new().await;
    // Go-live in 20 days: T-30 has come.
    let s = setup(&app, 20).await;
    let exec = app.token(AccessRole::Executive).await;
    let url = format!("/api/v1/readiness/scorecard?wave_id={}", s.wave);
    for _ in 0..2 {
        assert_eq!(
            app.api(&exec, Method::GET, &url, None).await.status,
            StatusCode::OK
        );
    }
    let list_url = format!("/api/v1/readiness/assessments?wave_id={}", s.wave);
    let list = app.api(&exec, Method::GET, &list_url, None).await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (
            list[0]["checkpoint"].as_str(),
            list[0]["automatic"].as_bool()
        ),
        (Some("t30"), Some(true))
    );

    let path = "/api/v1/readiness/assessments";
    let again = app
        .api(
            &s.lead,
            Method::POST,
            path,
            Some(json!({"wave_id": s.wave, "checkpoint": "t30"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let adhoc = app
        .api(
            &s.lead,
            Method::POST,
            path,
            Some(json!({"wave_id": s.wave})),
        )
        .await;
    assert_eq!(adhoc.status, StatusCode::CREATED, "{}", adhoc.body);
    let frozen = adhoc.json();
    assert_eq!(frozen["checkpoint"], serde_json::Value::Null);
    assert_eq!(
        app.api(&exec, Method::POST, path, Some(json!({"wave_id": s.wave})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let missing = app
        .api(
            &s.lead,
            Method::POST,
            path,
            Some(json!({"wave_id": 999999})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A fixed "today": each checkpoint once, only the latest one passed, none after go-live.
    let program = app.operator.program_id;
    let go_live = chrono::Utc::now().date_naive() + chrono::Duration::days(20);
    let on = |before: i64| go_live - chrono::Duration::days(before);
    let taken = app
        .store
        .record_due_assessments(program, on(60))
        .await
        .unwrap();
    assert_eq!(
        taken.iter().map(|a| a.label()).collect::<Vec<_>>(),
        ["T-60"]
    );
    assert!(
        app.store
            .record_due_assessments(program, on(58))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.store
            .record_due_assessments(program, on(7))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        app.store
            .record_due_assessments(program, on(-1))
            .await
            .unwrap()
            .is_empty()
    );
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let id = frozen["id"].as_i64().unwrap();
    let page = app
        .page(&session, &format!("/readiness/assessments/{id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Ad hoc"));
}
