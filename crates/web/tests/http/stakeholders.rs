//! Stakeholder groups, commitments, ADKAR and RACI through the API and pages: the group's
//! page (overdue commitments flagged, progress chart with its table, ADKAR barrier and
//! actions, stance over time), field-named errors, a second accountable refused by name,
//! the matrix's gaps, who may change what, and the audit entries.

use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app
        .api(token, Method::POST, &format!("/api/v1/{path}"), Some(body))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "POST {path}: {}",
        reply.body
    );
    reply.json()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

fn group_body(name: &str, stance: &str) -> Value {
    json!({
        "kind": "physician_group",
        "name": name,
        "interests": "Fewer clicks per progress note",
        "gains": "One chart across every hospital",
        "concessions": "Standard admission order sets",
        "influence": "high",
        "stance": stance,
    })
}

#[tokio::test]
async fn the_group_page_shows_overdue_commitments_progress_adkar_and_stance_over_time() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let mut body = group_body("Hospitalist group", "skeptic");
    body["leader_person_id"] = json!(app.f.person_a);
    let group = id(&post(&app, &lead, "stakeholders", body).await);
    let patched = app
        .api(
            &lead,
            Method::PATCH,
            &format!("/api/v1/stakeholders/{group}"),
            Some(json!({"stance": "supporter"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    post(
        &app,
        &lead,
        "commitments",
        json!({"group_id": group, "what": "Sign off hospitalist order sets", "due_on": day(-5)}),
    )
    .await;
    post(
        &app,
        &lead,
        "commitments",
        json!({"group_id": group, "what": "Name two physician champions", "due_on": day(-40), "status": "done", "evidence": "Minutes of the medical staff meeting"}),
    )
    .await;
    post(
        &app,
        &lead,
        "adkar",
        json!({"group_id": group, "assessed_on": day(-1), "awareness": 4, "desire": 2, "knowledge": 3, "ability": 1, "reinforcement": 1}),
    )
    .await;

    let session = app.sign_in(AccessRole::Executive).await;
    let page = app.page(&session, &format!("/stakeholders/{group}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert!(
        html.contains(r#"aria-label="Alignment""#),
        "the alignment sub-navigation"
    );
    assert!(html.contains("Ana Alpha"), "the leader by name");
    assert!(
        html.contains("Alignment with the program"),
        "the alignment row's place"
    );
    let overdue = html.find("Sign off hospitalist order sets").unwrap();
    let done = html.find("Name two physician champions").unwrap();
    assert!(overdue < done, "overdue first");
    assert!(html.contains("<strong class=\"flag\">Overdue</strong>"));
    assert!(html.contains("<svg class=\"progress-chart\""));
    assert!(
        html.contains("The chart&#x27;s figures as a table")
            || html.contains("The chart's figures as a table")
    );
    assert!(
        html.contains("<strong class=\"flag\">Desire</strong>"),
        "the barrier point"
    );
    assert!(
        html.contains("what&#x27;s in it for me")
            || html.contains("what's in it for me")
            || html.contains("peers as champions")
    );
    let skeptic = html.find("<strong>Skeptic</strong>").unwrap();
    let supporter = html.find("<strong>Supporter</strong>").unwrap();
    assert!(skeptic < supporter, "stance over time, oldest first");

    let admin = app.token(AccessRole::Admin).await;
    let log = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?entity=stakeholder_group&action=update",
            None,
        )
        .await
        .json();
    assert!(
        log["after"].is_null()
            && log["items"][0]["after"]
                .as_str()
                .unwrap()
                .contains("supporter")
    );
    let log = app
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?entity=commitment&action=create",
            None,
        )
        .await
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn bad_scores_and_dates_are_refused_field_by_field() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let group = id(&post(
        &app,
        &lead,
        "stakeholders",
        group_body("Nursing", "supporter"),
    )
    .await);
    let reply = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/adkar",
            Some(json!({"group_id": group, "assessed_on": "2027-02-30", "awareness": 7, "desire": "high", "knowledge": 3, "ability": 0})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let errors = reply.field_errors();
    for field in [
        "assessed_on",
        "awareness",
        "desire",
        "ability",
        "reinforcement",
    ] {
        assert!(
            errors.iter().any(|(f, _)| f == field),
            "no error on {field}: {errors:?}"
        );
    }
    assert!(!errors.iter().any(|(f, _)| f == "knowledge"), "{errors:?}");
    let reply = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/commitments",
            Some(json!({"group_id": 999999, "what": "Attend training", "due_on": "next week"})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(reply.field_errors().iter().any(|(f, _)| f == "due_on"));
    let reply = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/commitments",
            Some(json!({"group_id": 999999, "what": "Attend training", "due_on": day(3)})),
        )
        .await;
    assert_eq!(
        reply.field_errors(),
        vec![(
            "group_id".to_owned(),
            "there is no stakeholder group 999999".to_owned()
        )]
    );
    let reply = app
        .api(
            &lead,
            Method::GET,
            "/api/v1/commitments?overdue=maybe",
            None,
        )
        .await;
    assert!(
        reply.field_errors().iter().any(|(f, _)| f == "overdue"),
        "{}",
        reply.body
    );
    let reply = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/stakeholders",
            Some(json!({"kind": "cardiology", "name": "Cardiology"})),
        )
        .await;
    let fields: Vec<String> = reply.field_errors().into_iter().map(|(f, _)| f).collect();
    for field in ["kind", "interests", "gains", "influence", "stance"] {
        assert!(
            fields.contains(&field.to_owned()),
            "no error on {field}: {fields:?}"
        );
    }
    // The form shows the same errors beside the fields.
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let reply = app
        .post_form(
            &session,
            "/adkar",
            &format!("group_id={group}&assessed_on=2027-01-10&awareness=9&desire=2&knowledge=3&ability=3&reinforcement=3"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("9 is not from 1 to 5"));
}

async fn deliverables(app: &TestApp, lead: &str) -> (i64, i64) {
    let wave = id(&post(app, lead, "tasks", json!({"name": "Wave 1", "duration": 0})).await);
    let build = id(&post(
        app,
        lead,
        "tasks",
        json!({"name": "Build (Wave 1)", "duration": 0, "parent_id": wave}),
    )
    .await);
    let test = id(&post(
        app,
        lead,
        "tasks",
        json!({"name": "Test (Wave 1)", "duration": 0, "parent_id": wave}),
    )
    .await);
    for parent in [build, test] {
        post(
            app,
            lead,
            "tasks",
            json!({"name": "Configure", "duration": 3, "parent_id": parent}),
        )
        .await;
    }
    (build, test)
}

#[tokio::test]
async fn a_second_accountable_is_refused_by_name_and_the_matrix_flags_gaps() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (build, test) = deliverables(&app, &lead).await;
    let analyst = app.token(AccessRole::Analyst).await;
    post(
        &app,
        &analyst,
        "raci",
        json!({"task_id": build, "role": "accountable", "person_id": app.f.person_a}),
    )
    .await;
    post(
        &app,
        &analyst,
        "raci",
        json!({"task_id": build, "role": "responsible", "person_id": app.f.person_b}),
    )
    .await;
    let group = id(&post(
        &app,
        &lead,
        "stakeholders",
        group_body("Nursing", "champion"),
    )
    .await);
    post(
        &app,
        &analyst,
        "raci",
        json!({"task_id": test, "role": "consulted", "group_id": group}),
    )
    .await;
    let reply = app
        .api(
            &analyst,
            Method::POST,
            "/api/v1/raci",
            Some(json!({"task_id": build, "role": "accountable", "person_id": app.f.person_b})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let errors = reply.field_errors();
    assert_eq!(errors[0].0, "role");
    assert!(
        errors[0].1.contains("Build (Wave 1)") && errors[0].1.contains("Ana Alpha"),
        "{errors:?}"
    );
    let reply = app
        .api(
            &analyst,
            Method::POST,
            "/api/v1/raci",
            Some(json!({"task_id": test, "role": "accountable", "group_id": group})),
        )
        .await;
    assert_eq!(
        reply.field_errors()[0].1,
        "accountable must be one person, not a group"
    );

    let matrix = app
        .api(&analyst, Method::GET, "/api/v1/raci/matrix", None)
        .await
        .json();
    let rows = matrix["rows"].as_array().unwrap();
    assert_eq!(rows[0]["task_name"], "Build (Wave 1)");
    assert_eq!(rows[0]["gaps"], json!([]));
    assert_eq!(rows[1]["gaps"], json!(["no_accountable", "no_responsible"]));
    let session = app.sign_in(AccessRole::Executive).await;
    let page = app.page(&session, "/raci/matrix").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<strong class=\"flag\">No accountable</strong>")
    );
    assert!(page.body.contains("1 with gaps"));
    // The form refuses it the same way.
    let lead_session = app.sign_in(AccessRole::ProgramLead).await;
    let reply = app
        .post_form(
            &lead_session,
            "/raci",
            &format!(
                "task_id={build}&role=accountable&person_id={}&group_id=",
                app.f.person_b
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .body
            .contains("already has an accountable person: Ana Alpha")
    );
}

#[tokio::test]
async fn who_may_read_and_change_stakeholder_records() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let group = id(&post(
        &app,
        &lead,
        "stakeholders",
        group_body("Emergency physicians", "opposed"),
    )
    .await);
    for role in [AccessRole::EndUser, AccessRole::Vendor] {
        let token = app.token(role).await;
        for path in [
            "stakeholders",
            "commitments",
            "adkar",
            "raci",
            "raci/matrix",
            "adkar/latest",
        ] {
            let reply = app
                .api(&token, Method::GET, &format!("/api/v1/{path}"), None)
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role:?} reads {path}");
        }
    }
    let analyst = app.token(AccessRole::Analyst).await;
    let reply = app
        .api(
            &analyst,
            Method::POST,
            "/api/v1/stakeholders",
            Some(group_body("Pharmacy", "neutral")),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "analysts do not create groups"
    );
    post(&app, &analyst, "commitments", json!({"group_id": group, "what": "ED physicians attend the dress rehearsal", "due_on": day(10)})).await;
    let site_lead = app.token(AccessRole::SiteLead).await;
    let scores = |site: Value| json!({"group_id": group, "site_id": site, "assessed_on": day(0), "awareness": 3, "desire": 2, "knowledge": 2, "ability": 1, "reinforcement": 1});
    let own = post(&app, &site_lead, "adkar", scores(json!(app.f.site_a))).await;
    assert_eq!(own["barrier"], "awareness");
    for other in [json!(app.f.site_b), Value::Null] {
        let reply = app
            .api(
                &site_lead,
                Method::POST,
                "/api/v1/adkar",
                Some(scores(other.clone())),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "site lead assesses {other}"
        );
    }
    let latest = app
        .api(&site_lead, Method::GET, "/api/v1/adkar/latest", None)
        .await
        .json();
    assert_eq!(latest.as_array().unwrap().len(), 1);
    let reply = app
        .api(
            &site_lead,
            Method::POST,
            "/api/v1/commitments",
            Some(json!({"group_id": group, "what": "x", "due_on": day(1)})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // A group still referred to is not deleted, and the refusal says why.
    let reply = app
        .api(
            &lead,
            Method::DELETE,
            &format!("/api/v1/stakeholders/{group}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    assert!(reply.body.contains("1 commitment"), "{}", reply.body);
}

#[tokio::test]
async fn the_lists_filter_and_the_api_is_described() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let group = id(&post(
        &app,
        &lead,
        "stakeholders",
        group_body("Revenue cycle", "neutral"),
    )
    .await);
    post(
        &app,
        &lead,
        "commitments",
        json!({"group_id": group, "what": "Charge capture workqueues staffed", "due_on": day(-2)}),
    )
    .await;
    post(
        &app,
        &lead,
        "commitments",
        json!({"group_id": group, "what": "Claims scrubber rules reviewed", "due_on": day(20)}),
    )
    .await;
    let overdue = app
        .api(&lead, Method::GET, "/api/v1/commitments?overdue=true", None)
        .await
        .json();
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["overdue"], true);
    let session = app.sign_in(AccessRole::ProgramLead).await;
    for path in [
        "/stakeholders",
        "/commitments?overdue=true",
        "/adkar",
        "/adkar/latest",
        "/raci",
        "/raci/matrix",
        "/stakeholders/new",
        "/commitments/new",
        "/adkar/new",
        "/raci/new",
    ] {
        let page = app.page(&session, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(
            page.body.contains(r#"href="/alignment""#),
            "{path} sits under Alignment"
        );
    }
    let list = app.page(&session, "/commitments?overdue=true").await;
    assert!(list.body.contains("OVERDUE · Planned"));
    assert!(!list.body.contains("Claims scrubber"));
    let doc = app
        .api(&lead, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for path in [
        "/api/v1/stakeholders",
        "/api/v1/commitments/{id}",
        "/api/v1/adkar",
        "/api/v1/raci",
        "/api/v1/raci/matrix",
        "/api/v1/adkar/latest",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
}
