//! Governance over HTTP: bodies with members and rights, the decision log (patient impact
//! required, rights held by the body, members or a program lead decide, search), change
//! requests raised directly and routed to the body holding the right, and the pages.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::{TestApp, email};

struct Gov {
    app: TestApp,
    lead: String,
    steering: i64,
    ccb: i64,
    timeline_right: i64,
    module: i64,
    wave: i64,
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> crate::support::Reply {
    app.api(token, Method::POST, path, Some(body)).await
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = post(app, token, path, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.body);
    reply.json()
}

/// A steering committee (the executive account's person sits on it, holding the timeline
/// right) and a change control board holding workflow changes to one module.
async fn gov() -> Gov {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let steering = id(&created(
        &app,
        &lead,
        "/api/v1/governance-bodies",
        json!({
        "name": "Executive steering committee", "kind": "steering_committee",
        "charter": "Scope, timeline and budget", "cadence": "Every second Tuesday"}),
    )
    .await);
    let ccb = id(&created(
        &app,
        &lead,
        "/api/v1/governance-bodies",
        json!({
        "name": "Change control board", "kind": "change_control_board"}),
    )
    .await);
    let exec_person = id(&created(
        &app,
        &lead,
        "/api/v1/people",
        json!({
        "name": "Erin Exec", "email": email(AccessRole::Executive), "job_role": "other"}),
    )
    .await);
    created(
        &app,
        &lead,
        "/api/v1/governance-members",
        json!({
        "body_id": steering, "person_id": exec_person, "role": "chair"}),
    )
    .await;
    let timeline_right = id(&created(
        &app,
        &lead,
        "/api/v1/decision-rights",
        json!({
        "change_kind": "timeline", "body_id": steering}),
    )
    .await);
    let module = id(&created(
        &app,
        &lead,
        "/api/v1/modules",
        json!({"code": "ED", "name": "Emergency"}),
    )
    .await);
    created(
        &app,
        &lead,
        "/api/v1/decision-rights",
        json!({
        "change_kind": "order_set", "module_id": module, "body_id": ccb}),
    )
    .await;
    let wave = id(&created(
        &app,
        &lead,
        "/api/v1/waves",
        json!({
        "name": "Wave 2", "go_live": "2027-06-01", "site_ids": [app.f.site_a]}),
    )
    .await);
    Gov {
        app,
        lead,
        steering,
        ccb,
        timeline_right,
        module,
        wave,
    }
}

fn delay(g: &Gov) -> Value {
    json!({
        "question": "Delay wave 2 go-live by 4 weeks?",
        "options": ["Hold the date", "Delay 4 weeks"],
        "decision": "Delay 4 weeks",
        "rationale": "Interface testing is not done",
        "patient_impact": "Patients want a safe go-live more than an early one",
        "body_id": g.steering,
        "decision_right_id": g.timeline_right,
        "decided_on": "2027-01-15",
        "dissent": "CFO: the delay costs $1.2M",
        "wave_ids": [g.wave]
    })
}

#[tokio::test]
async fn a_decision_without_a_patient_impact_statement_is_refused_naming_the_field() {
    let g = gov().await;
    let mut body = delay(&g);
    body["patient_impact"] = json!("  ");
    let reply = post(&g.app, &g.lead, "/api/v1/decisions", body).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert_eq!(
        reply.field_errors(),
        vec![(
            "patient_impact".to_owned(),
            "is required: What will patients want?".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_decision_under_a_right_its_body_does_not_hold_is_refused_naming_the_right() {
    let g = gov().await;
    let mut body = delay(&g);
    body["body_id"] = json!(g.ccb);
    let reply = post(&g.app, &g.lead, "/api/v1/decisions", body).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let errors = reply.field_errors();
    assert_eq!(errors.len(), 1, "{}", reply.body);
    assert_eq!(errors[0].0, "decision_right_id");
    assert!(
        errors[0]
            .1
            .contains("Change control board does not hold this right"),
        "{}",
        errors[0].1
    );
}

#[tokio::test]
async fn a_member_decides_for_the_body_a_lead_on_its_behalf_and_the_log_is_searchable() {
    let g = gov().await;
    let app = &g.app;
    // The executive sits on the committee (their person's email is the account's).
    let exec = app.token(AccessRole::Executive).await;
    let made = created(app, &exec, "/api/v1/decisions", delay(&g)).await;
    assert_eq!(made["body_name"], "Executive steering committee");
    assert_eq!(made["right_kind"], "timeline");
    assert_eq!(
        made["links"][0],
        json!({"kind": "wave", "target_id": g.wave})
    );
    // An analyst may not record decisions; an end user may not even read them.
    let analyst = app.token(AccessRole::Analyst).await;
    assert_eq!(
        post(app, &analyst, "/api/v1/decisions", delay(&g))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let end_user = app.token(AccessRole::EndUser).await;
    assert_eq!(
        app.api(&end_user, Method::GET, "/api/v1/decisions", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let found = app
        .api(
            &analyst,
            Method::GET,
            "/api/v1/decisions?q=SAFE+go-live&status=decided",
            None,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.json()["items"][0]["id"], made["id"]);
    let none = app
        .api(&analyst, Method::GET, "/api/v1/decisions?q=sepsis", None)
        .await
        .json();
    assert_eq!(none["total"], 0);
    let bad = app
        .api(
            &analyst,
            Method::GET,
            "/api/v1/decisions?from=15/01/2027",
            None,
        )
        .await;
    assert_eq!(bad.field_errors()[0].0, "from");

    let audit = app
        .api(
            &app.token(AccessRole::Admin).await,
            Method::GET,
            &format!("/api/v1/audit?entity=decision&entity_id={}", id(&made)),
            None,
        )
        .await
        .json();
    assert!(
        audit["items"][0]["actor"]
            .as_str()
            .unwrap()
            .contains("executive@test.example"),
        "{audit}"
    );

    let session = app.sign_in(AccessRole::Analyst).await;
    let page = app.page(&session, "/decisions?q=safe").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Delay wave 2 go-live by 4 weeks?"));
    let shown = app
        .page(&session, &format!("/decisions/{}", id(&made)))
        .await;
    assert!(shown.body.contains("What will patients want?"));
    assert!(
        shown
            .body
            .contains("Patients want a safe go-live more than an early one")
    );
    assert!(
        shown.body.contains(&format!("href=\"/waves/{}\"", g.wave)),
        "the wave it affects is linked"
    );
    assert!(shown.body.contains("CFO: the delay costs $1.2M"));
}

#[tokio::test]
async fn an_executive_outside_the_body_may_not_decide_for_it() {
    let g = gov().await;
    let app = &g.app;
    let other = id(&created(
        app,
        &g.lead,
        "/api/v1/governance-bodies",
        json!({
        "name": "Nursing practice council", "kind": "other"}),
    )
    .await);
    let right = id(&created(
        app,
        &g.lead,
        "/api/v1/decision-rights",
        json!({
        "change_kind": "budget", "body_id": other}),
    )
    .await);
    let mut body = delay(&g);
    body["body_id"] = json!(other);
    body["decision_right_id"] = json!(right);
    let exec = app.token(AccessRole::Executive).await;
    let reply = post(app, &exec, "/api/v1/decisions", body.clone()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(
        reply.body.contains("Nursing practice council"),
        "{}",
        reply.body
    );
    assert_eq!(
        post(app, &g.lead, "/api/v1/decisions", body).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_change_request_raised_directly_is_routed_and_refused_when_sent_to_the_wrong_body() {
    let g = gov().await;
    let app = &g.app;
    let analyst = app.token(AccessRole::Analyst).await;
    let ask = |body: Option<i64>| {
        json!({
            "title": "Custom sepsis order set for the ED",
            "change_kind": "order_set",
            "module_id": g.module,
            "wave_id": g.wave,
            "justification": "The standard sepsis panel lacks the 2-hour lactate repeat",
            "body_id": body
        })
    };
    let wrong = post(
        app,
        &analyst,
        "/api/v1/change-requests",
        ask(Some(g.steering)),
    )
    .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    assert_eq!(wrong.field_errors()[0].0, "body_id");
    assert!(
        wrong.field_errors()[0]
            .1
            .contains("Change control board does"),
        "{}",
        wrong.body
    );
    let mut no_why = ask(None);
    no_why["justification"] = json!(" ");
    let refused = post(app, &analyst, "/api/v1/change-requests", no_why).await;
    assert_eq!(refused.field_errors()[0].0, "justification");

    let routed = created(app, &analyst, "/api/v1/change-requests", ask(Some(g.ccb))).await;
    assert_eq!(routed["body_id"], g.ccb);
    assert_eq!(routed["decider"], "Change control board");
    assert_eq!(routed["wave_id"], g.wave);
    let listed = app
        .api(
            &analyst,
            Method::GET,
            &format!("/api/v1/change-requests?body_id={}&status=pending", g.ccb),
            None,
        )
        .await
        .json();
    assert_eq!(listed[0]["id"], routed["id"]);

    // The executive sits on the steering committee, not the board: refused. The lead decides
    // on the board's behalf, and the decision enters the log with its patient impact.
    let exec = app.token(AccessRole::Executive).await;
    let path = format!("/api/v1/change-requests/{}/decision", id(&routed));
    let decision = json!({"status": "rejected", "decision_note": "Vanilla first: use the standard panel",
        "patient_impact": "Patients want the evidence-based standard"});
    let reply = post(app, &exec, &path, decision.clone()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let decided = post(app, &g.lead, &path, decision).await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    assert_eq!(decided.json()["status"], "rejected");
    let session = app.sign_in(AccessRole::Analyst).await;
    let page = app
        .page(&session, &format!("/change-requests/{}", id(&routed)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Why can the standard build not serve?"));
    let entry = format!(
        "Change request {}: Custom sepsis order set for the ED",
        id(&routed)
    );
    assert!(
        page.body.contains(&entry),
        "the log entry is listed: {}",
        page.body
    );
    let log = app
        .api(
            &analyst,
            Method::GET,
            "/api/v1/decisions?q=evidence-based",
            None,
        )
        .await
        .json();
    assert_eq!(log["total"], 1, "{log}");
}

#[tokio::test]
async fn the_raise_form_names_the_vanilla_first_question_and_shows_errors_beside_fields() {
    let g = gov().await;
    let app = &g.app;
    let session = app.sign_in(AccessRole::SiteLead).await;
    let form = app.page(&session, "/change-requests/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Why can the standard build not serve?"));
    let refused = app
        .post_form(&session, "/change-requests", &format!(
            "title=Sepsis&change_kind=order_set&module_id={}&wave_id=&body_id={}&justification=Because",
            g.module, g.steering))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("does not hold the decision right"),
        "{}",
        refused.body
    );
    let done = app
        .post_form(&session, "/change-requests", &format!(
            "title=Sepsis&change_kind=order_set&module_id={}&wave_id={}&body_id=&justification=Because",
            g.module, g.wave))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = app.page(&session, "/change-requests").await;
    assert!(list.body.contains("Sepsis") && list.body.contains("Change control board"));
    let vendor = app.sign_in(AccessRole::Vendor).await;
    assert_eq!(
        app.page(&vendor, "/change-requests/new").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_bodys_page_lists_members_rights_decisions_and_pending_requests() {
    let g = gov().await;
    let app = &g.app;
    created(app, &g.lead, "/api/v1/decisions", delay(&g)).await;
    let session = app.sign_in(AccessRole::Executive).await;
    let page = app
        .page(&session, &format!("/governance-bodies/{}", g.steering))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Erin Exec",
        "Chair",
        "Timeline",
        "Delay wave 2 go-live by 4 weeks?",
        "Every second Tuesday",
        "href=\"/alignment\"",
    ] {
        assert!(
            page.body.contains(text),
            "{text} missing from the body's page"
        );
    }
    let list = app.page(&session, "/governance-bodies").await;
    assert!(list.body.contains("Change control board"));
    // Executives read governance but do not keep it.
    let exec = app.token(AccessRole::Executive).await;
    let reply = post(
        app,
        &exec,
        "/api/v1/governance-bodies",
        json!({"name": "X", "kind": "other"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let council = post(
        app,
        &g.lead,
        "/api/v1/governance-bodies",
        json!({"name": "Site A council", "kind": "site_council"}),
    )
    .await;
    assert_eq!(council.field_errors()[0].0, "site_id");
}

#[tokio::test]
async fn the_api_description_covers_governance_decisions_and_change_requests() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Analyst).await;
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/governance-bodies", "post"),
        ("/api/v1/governance-bodies/{id}", "patch"),
        ("/api/v1/governance-members", "get"),
        ("/api/v1/decisions", "get"),
        ("/api/v1/decisions/{id}", "get"),
        ("/api/v1/change-requests", "post"),
        ("/api/v1/change-requests", "get"),
        ("/api/v1/change-requests/{id}", "get"),
        ("/api/v1/change-requests/{id}/decision", "post"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} is not described"
        );
    }
    let impact =
        &doc["components"]["schemas"]["DecisionEntryDraft"]["properties"]["patient_impact"];
    assert!(
        impact.is_object(),
        "the draft's patient_impact is described"
    );
}
