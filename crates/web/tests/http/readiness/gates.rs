//! The go/no-go gate: recorded only by the go-live decision right's holder, with the
//! scorecard frozen as it stood.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::{account_id, attest, rag, setup};
use crate::support::TestApp;

#[tokio::test]
async fn only_the_right_holder_records_the_gate_and_its_scorecard_stays_as_it_was() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let path = "/api/v1/readiness/gates";
    let go = json!({"wave_id": s.wave, "decision": "go", "rationale": "All green that matters"});
    // No right configured: an administrator records it, nobody else.
    let refused = app.api(&s.lead, Method::POST, path, Some(go.clone())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("administrator"),
        "{}",
        refused.body
    );
    let admin = app.token(AccessRole::Admin).await;
    assert_eq!(
        app.api(&admin, Method::POST, path, Some(go.clone()))
            .await
            .status,
        StatusCode::CREATED
    );

    let exec_id = account_id(&app, AccessRole::Executive).await;
    let right = json!({"change_kind": "go_live", "decider": "Executive steering committee", "decider_account_id": exec_id});
    let r = app
        .api(
            &s.lead,
            Method::POST,
            "/api/v1/decision-rights",
            Some(right),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let refused = app.api(&admin, Method::POST, path, Some(go.clone())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("Executive steering committee"),
        "{}",
        refused.body
    );

    let exec = app.token(AccessRole::Executive).await;
    let bare = json!({"wave_id": s.wave, "decision": "go_with_conditions", "rationale": "Nearly"});
    let invalid = app.api(&exec, Method::POST, path, Some(bare)).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid.field_errors()[0].0, "conditions");
    let decided = json!({"wave_id": s.wave, "decision": "go_with_conditions", "rationale": "Nearly",
                         "conditions": "Devices at site B by T-7", "dissent": "CMIO: too early"});
    let gate = app.api(&exec, Method::POST, path, Some(decided)).await;
    assert_eq!(gate.status, StatusCode::CREATED, "{}", gate.body);
    let gate = gate.json();
    assert_eq!(gate["decider"], "Executive steering committee");
    assert_eq!(rag(&gate["scorecard"], app.f.site_b, s.devices), "unknown");

    // The live scorecard moves on; the decision's does not.
    attest(&app, &s.lead, s.devices, app.f.site_b, "met").await;
    let url = format!("{path}/{}", gate["id"]);
    let again = app.api(&exec, Method::GET, &url, None).await.json();
    assert_eq!(again["scorecard"], gate["scorecard"]);
    let live = app
        .api(
            &exec,
            Method::GET,
            &format!("/api/v1/readiness/scorecard?wave_id={}", s.wave),
            None,
        )
        .await
        .json();
    assert_eq!(rag(&live, app.f.site_b, s.devices), "green");

    let history = app
        .api(
            &exec,
            Method::GET,
            &format!("{path}?wave_id={}", s.wave),
            None,
        )
        .await
        .json();
    let decisions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["decision"].as_str().unwrap())
        .collect();
    assert_eq!(
        decisions,
        ["go_with_conditions", "go"],
        "re-deciding keeps the history, newest first"
    );
    let lead = app.token(AccessRole::SiteLead).await;
    let seen = app.api(&lead, Method::GET, &url, None).await.json();
    assert_eq!(
        seen["scorecard"]["sites"].as_array().unwrap().len(),
        1,
        "a site lead sees their own site"
    );
    let session = app.sign_in(AccessRole::Executive).await;
    let page = app
        .page(&session, &format!("/readiness/gates/{}", gate["id"]))
        .await;
    assert!(page.body.contains("CMIO: too early"), "{}", page.body);
    let wave = app
        .page(&session, &format!("/readiness/waves/{}", s.wave))
        .await;
    assert!(wave.body.contains("Record decision") && wave.body.contains("(current)"));
    let user = app.token(AccessRole::EndUser).await;
    assert_eq!(
        app.api(&user, Method::GET, path, None).await.status,
        StatusCode::FORBIDDEN
    );
}
