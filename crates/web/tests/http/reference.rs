//! The command center's reference records, each a full resource: support teams, SLA
//! policies, known issues, decision rights and rounding. Created, read back and patched
//! through the API, refused with the field named, guarded by the policy, and kept from
//! being deleted while something still refers to them.

use axum::http::{Method, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

async fn admin() -> (TestApp, String) {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    (app, token)
}

/// POSTs `body` to `/api/v1/{path}` and returns the created record, asserting 201.
async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app
        .api(token, Method::POST, &format!("/api/v1/{path}"), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()
}

fn id(record: &Value) -> i64 {
    record["id"].as_i64().expect("an id")
}

/// The one field error of a refusal, as (status, field).
fn refusal(reply: &Reply) -> (StatusCode, String) {
    let errors = reply.field_errors();
    assert_eq!(errors.len(), 1, "{}", reply.body);
    (reply.status, errors[0].0.clone())
}

/// A ticket row, for what tickets refer to (the ticket capability's own writes live
/// elsewhere); returns nothing, the reference is what matters.
async fn insert_ticket(app: &TestApp, number: i64, team_id: i64, known_issue_id: Option<i64>) {
    let known_issue = known_issue_id.map_or("NULL".to_owned(), |id| id.to_string());
    let sql = format!(
        "INSERT INTO ticket (program_id, number, requester_name, site_id, summary, what_happened, \
         category, impact, urgency, priority, patient_safety, status, team_id, escalation_level, \
         known_issue_id, reopen_count, version, opened_at, team_since_at, response_due_at, \
         resolve_due_at, response_breached, resolve_breached, updated_at) VALUES ({}, {number}, \
         'Ana', {}, 'Printer jams {number}', 'It jams', 'hardware', 'low', 'low', 'p4', FALSE, \
         'new', {team_id}, 0, {known_issue}, 0, 1, 0, 0, 60, 120, FALSE, FALSE, 0)",
        app.operator.program_id, app.f.site_a,
    );
    assert_eq!(app.store.execute_raw(&sql).await.unwrap(), 1);
}

async fn triage_team(app: &TestApp, token: &str) -> i64 {
    id(&created(
        app,
        token,
        "support-teams",
        json!({"name": "Triage", "kind": "triage"}),
    )
    .await)
}

async fn module(app: &TestApp, token: &str, code: &str) -> i64 {
    id(&created(
        app,
        token,
        "modules",
        json!({"code": code, "name": format!("Module {code}")}),
    )
    .await)
}

fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.headers[header::LOCATION].to_str().unwrap().to_owned()
}

// Support teams

#[tokio::test]
async fn a_support_team_is_created_read_back_patched_and_filtered_by_kind() {
    let (app, token) = admin().await;
    let pharmacy = module(&app, &token, "RX").await;
    let lead = app
        .store
        .account_by_email("analyst@test.example")
        .await
        .unwrap();
    let team = created(
        &app,
        &token,
        "support-teams",
        json!({"name": "Pharmacy apps", "kind": "application", "categories": ["how_to", "break_fix"],
               "module_id": pharmacy, "lead_account_id": lead.id}),
    )
    .await;
    assert_eq!(team["categories"], json!(["how_to", "break_fix"]));
    let path = format!("/api/v1/support-teams/{}", id(&team));
    let read = app.api(&token, Method::GET, &path, None).await.json();
    assert_eq!(read["module_id"], pharmacy);
    assert_eq!(read["lead_account_id"], lead.id);
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"categories": ["access"]})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.json()["categories"], json!(["access"]));
    assert_eq!(patched.json()["name"], "Pharmacy apps");
    triage_team(&app, &token).await;
    let list = app
        .api(
            &token,
            Method::GET,
            "/api/v1/support-teams?kind=triage",
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "Triage");
}

#[tokio::test]
async fn support_team_refusals_name_their_field() {
    let (app, token) = admin().await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/support-teams", Some(body));
    let vendor = post(json!({"name": "Acme", "kind": "vendor"})).await;
    assert_eq!(
        refusal(&vendor),
        (StatusCode::UNPROCESSABLE_ENTITY, "organization".into())
    );
    let lead = post(json!({"name": "Tech", "kind": "technical", "lead_account_id": 999_999})).await;
    assert_eq!(
        refusal(&lead),
        (StatusCode::UNPROCESSABLE_ENTITY, "lead_account_id".into())
    );
    let category =
        post(json!({"name": "Tech", "kind": "technical", "categories": ["gossip"]})).await;
    assert_eq!(
        refusal(&category),
        (StatusCode::UNPROCESSABLE_ENTITY, "categories".into())
    );
    triage_team(&app, &token).await;
    let second = post(json!({"name": "Second triage", "kind": "triage"})).await;
    assert_eq!(refusal(&second), (StatusCode::CONFLICT, "kind".into()));
    let twin = post(json!({"name": "Triage", "kind": "technical"})).await;
    assert_eq!(refusal(&twin), (StatusCode::CONFLICT, "name".into()));
}

#[tokio::test]
async fn the_triage_queue_and_a_team_holding_tickets_are_not_deleted() {
    let (app, token) = admin().await;
    let triage = triage_team(&app, &token).await;
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/support-teams/{triage}"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("triage queue")
    );
    let demoted = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/support-teams/{triage}"),
            Some(json!({"kind": "technical"})),
        )
        .await;
    assert_eq!(
        refusal(&demoted),
        (StatusCode::UNPROCESSABLE_ENTITY, "kind".into())
    );
    let desk = id(&created(
        &app,
        &token,
        "support-teams",
        json!({"name": "Device desk", "kind": "technical", "categories": ["hardware"]}),
    )
    .await);
    insert_ticket(&app, 1, desk, None).await;
    let path = format!("/api/v1/support-teams/{desk}");
    let reply = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 ticket"),
        "{}",
        reply.body
    );
    let spare = created(
        &app,
        &token,
        "support-teams",
        json!({"name": "Spare", "kind": "training"}),
    )
    .await;
    let path = format!("/api/v1/support-teams/{}", id(&spare));
    assert_eq!(
        app.api(&token, Method::DELETE, &path, None).await.status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_support_team_form_with_ticked_categories_creates_the_team() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let form = app.page(&session, "/support-teams/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Ticket categories taken"));
    let reply = app
        .post_form(
            &session,
            "/support-teams",
            "name=Access+desk&kind=technical&categories=access&categories=how_to&module_id=&organization=&lead_account_id=",
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("Access desk"));
    assert!(
        page.body.contains("How-to / training, Access / security"),
        "{}",
        page.body
    );
}

// SLA policies

#[tokio::test]
async fn sla_policies_are_created_patched_and_listed_by_priority() {
    let (app, token) = admin().await;
    created(
        &app,
        &token,
        "sla-policies",
        json!({"priority": "p3", "response_minutes": 240, "resolve_minutes": 2880}),
    )
    .await;
    let p1 = created(
        &app,
        &token,
        "sla-policies",
        json!({"priority": "p1", "response_minutes": "15", "resolve_minutes": 240}),
    )
    .await;
    let path = format!("/api/v1/sla-policies/{}", id(&p1));
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"resolve_minutes": 180})),
        )
        .await
        .json();
    assert_eq!(patched["resolve_minutes"], 180);
    assert_eq!(patched["response_minutes"], 15);
    let list = app
        .api(&token, Method::GET, "/api/v1/sla-policies", None)
        .await
        .json();
    let priorities: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["priority"].as_str().unwrap())
        .collect();
    assert_eq!(priorities, vec!["p1", "p3"]);
}

#[tokio::test]
async fn an_sla_policy_resolves_no_sooner_than_it_responds_and_each_priority_has_one() {
    let (app, token) = admin().await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/sla-policies", Some(body));
    let early =
        post(json!({"priority": "p2", "response_minutes": 60, "resolve_minutes": 30})).await;
    assert_eq!(
        refusal(&early),
        (StatusCode::UNPROCESSABLE_ENTITY, "resolve_minutes".into())
    );
    let zero = post(json!({"priority": "p2", "response_minutes": 0, "resolve_minutes": 30})).await;
    assert_eq!(
        refusal(&zero),
        (StatusCode::UNPROCESSABLE_ENTITY, "response_minutes".into())
    );
    assert_eq!(
        post(json!({"priority": "p2", "response_minutes": 30, "resolve_minutes": 480}))
            .await
            .status,
        StatusCode::CREATED
    );
    let twin = post(json!({"priority": "P2", "response_minutes": 10, "resolve_minutes": 60})).await;
    assert_eq!(refusal(&twin), (StatusCode::CONFLICT, "priority".into()));
}

#[tokio::test]
async fn only_program_leads_set_sla_policies_and_the_form_creates_one() {
    let app = TestApp::new().await;
    let body = json!({"priority": "p4", "response_minutes": 480, "resolve_minutes": 7200});
    for (role, status) in [
        (AccessRole::SiteLead, StatusCode::FORBIDDEN),
        (AccessRole::Analyst, StatusCode::FORBIDDEN),
        (AccessRole::ProgramLead, StatusCode::CREATED),
    ] {
        let token = app.token(role).await;
        let reply = app
            .api(
                &token,
                Method::POST,
                "/api/v1/sla-policies",
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, status, "{role:?}");
    }
    let session = app.sign_in(AccessRole::ProgramLead).await;
    assert_eq!(
        app.page(&session, "/sla-policies/new").await.status,
        StatusCode::OK
    );
    let reply = app
        .post_form(
            &session,
            "/sla-policies",
            "priority=p1&response_minutes=10&resolve_minutes=120",
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("P1 critical") && page.body.contains("2 h (120 min)"));
}

// Known issues

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

// Decision rights

#[tokio::test]
async fn a_decision_right_is_created_read_back_and_patched() {
    let (app, token) = admin().await;
    let right = created(
        &app,
        &token,
        "decision-rights",
        json!({"change_kind": "order_set", "decider": "Physician advisory council"}),
    )
    .await;
    assert_eq!(right["module_id"], Value::Null);
    let path = format!("/api/v1/decision-rights/{}", id(&right));
    let lead = app
        .store
        .account_by_email("program_lead@test.example")
        .await
        .unwrap();
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"decider_account_id": lead.id})),
        )
        .await
        .json();
    assert_eq!(patched["decider_account_id"], lead.id);
    assert_eq!(patched["decider"], "Physician advisory council");
    let read = app.api(&token, Method::GET, &path, None).await.json();
    assert_eq!(read, patched);
    let blank = app
        .api(&token, Method::PATCH, &path, Some(json!({"decider": ""})))
        .await;
    assert_eq!(
        refusal(&blank),
        (StatusCode::UNPROCESSABLE_ENTITY, "decider".into())
    );
}

#[tokio::test]
async fn one_decision_right_per_module_and_kind_including_every_module() {
    let (app, token) = admin().await;
    let ed = module(&app, &token, "ED").await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/decision-rights", Some(body));
    let general = json!({"change_kind": "report", "decider": "Data governance"});
    assert_eq!(post(general.clone()).await.status, StatusCode::CREATED);
    assert_eq!(
        refusal(&post(general).await),
        (StatusCode::CONFLICT, "change_kind".into())
    );
    let own = json!({"change_kind": "report", "decider": "ED leads", "module_id": ed});
    let own_id = id(&post(own.clone()).await.json());
    assert_eq!(
        refusal(&post(own).await),
        (StatusCode::CONFLICT, "change_kind".into())
    );
    let path = format!("/api/v1/decision-rights/{own_id}");
    let same = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"decider": "ED medical director"})),
        )
        .await;
    assert_eq!(
        same.status,
        StatusCode::OK,
        "a right does not clash with itself"
    );
}

#[tokio::test]
async fn a_decision_right_a_change_request_was_routed_by_is_not_deleted() {
    let (app, token) = admin().await;
    let right = id(&created(
        &app,
        &token,
        "decision-rights",
        json!({"change_kind": "workflow", "decider": "Nursing council"}),
    )
    .await);
    let sql = format!(
        "INSERT INTO change_request (program_id, change_kind, title, justification, \
         decision_right_id, decider, status, created_at, updated_at) VALUES ({}, 'workflow', \
         'New handoff', 'Safety', {right}, 'Nursing council', 'pending', CURRENT_TIMESTAMP, \
         CURRENT_TIMESTAMP)",
        app.operator.program_id
    );
    app.store.execute_raw(&sql).await.unwrap();
    let path = format!("/api/v1/decision-rights/{right}");
    let reply = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 change request")
    );
}

#[tokio::test]
async fn a_decision_right_form_creates_it_and_site_leads_may_not() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::SiteLead).await;
    let body = json!({"change_kind": "security", "decider": "Security office"});
    let reply = app
        .api(&token, Method::POST, "/api/v1/decision-rights", Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let session = app.sign_in(AccessRole::ProgramLead).await;
    assert_eq!(
        app.page(&session, "/decision-rights/new").await.status,
        StatusCode::OK
    );
    let reply = app
        .post_form(
            &session,
            "/decision-rights",
            "change_kind=security&module_id=&decider=Security+office&decider_account_id=",
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("Security office") && page.body.contains("Every module"));
}

// Rounding

fn rounding(person: i64, site: i64, unit: i64, date: &str, shift: &str) -> Value {
    json!({"person_id": person, "site_id": site, "unit_id": unit, "shift_date": date,
           "shift": shift, "duty": "support"})
}

#[tokio::test]
async fn a_rounding_assignment_names_its_person_unit_and_site() {
    let (app, token) = admin().await;
    let f = &app.f;
    let body = rounding(f.person_b, f.site_a, f.unit_a, "2027-04-03", "day");
    let made = created(&app, &token, "rounding", body).await;
    assert_eq!(made["person_name"], "Ben Beta");
    assert_eq!(made["unit_name"], "ICU");
    assert_eq!(made["site_id"], f.site_a);
    let path = format!("/api/v1/rounding/{}", id(&made));
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"notes": "Bring scanners", "duty": "champion"})),
        )
        .await
        .json();
    assert_eq!(patched["notes"], "Bring scanners");
    assert_eq!(patched["shift_date"], "2027-04-03");
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.json(),
        patched
    );
}

#[tokio::test]
async fn rounding_refusals_name_the_person_or_the_unit() {
    let (app, token) = admin().await;
    let f = &app.f;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/rounding", Some(body));
    created(
        &app,
        &token,
        "rounding",
        rounding(f.person_a, f.site_a, f.unit_a, "2027-04-03", "night"),
    )
    .await;
    let twice = post(rounding(
        f.person_a,
        f.site_a,
        f.unit_empty_a,
        "2027-04-03",
        "night",
    ))
    .await;
    assert_eq!(refusal(&twice), (StatusCode::CONFLICT, "person_id".into()));
    assert!(twice.body.contains("already rounding on that shift"));
    let nobody = post(rounding(999_999, f.site_a, f.unit_a, "2027-04-03", "day")).await;
    assert_eq!(
        refusal(&nobody),
        (StatusCode::UNPROCESSABLE_ENTITY, "person_id".into())
    );
    let elsewhere = post(rounding(
        f.person_a,
        f.site_a,
        f.unit_b,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(
        refusal(&elsewhere),
        (StatusCode::UNPROCESSABLE_ENTITY, "unit_id".into())
    );
    let date = post(rounding(f.person_a, f.site_a, f.unit_a, "April 3", "day")).await;
    assert_eq!(
        refusal(&date),
        (StatusCode::UNPROCESSABLE_ENTITY, "shift_date".into())
    );
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/units/{}", f.unit_empty_a),
            None,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::NO_CONTENT,
        "no one rounds on the spare unit"
    );
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/people/{}", f.person_a),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 rounding assignment")
    );
}

#[tokio::test]
async fn a_site_lead_plans_rounding_only_at_their_own_sites() {
    let (app, admin_token) = admin().await;
    let f = &app.f;
    let token = app.token(AccessRole::SiteLead).await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/rounding", Some(body));
    let own = post(rounding(
        f.person_b,
        f.site_a,
        f.unit_a,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let other = post(rounding(
        f.person_a,
        f.site_b,
        f.unit_b,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let disguised = post(rounding(
        f.person_a,
        f.site_a,
        f.unit_b,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(
        refusal(&disguised),
        (StatusCode::UNPROCESSABLE_ENTITY, "unit_id".into())
    );
    let theirs = created(
        &app,
        &admin_token,
        "rounding",
        rounding(f.person_b, f.site_b, f.unit_b, "2027-04-04", "day"),
    )
    .await;
    let path = format!("/api/v1/rounding/{}", id(&theirs));
    let reply = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"notes": "mine now"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.status,
        StatusCode::OK
    );
    let vendor = app.token(AccessRole::Vendor).await;
    assert_eq!(
        app.api(&vendor, Method::GET, "/api/v1/rounding", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn rounding_lists_by_date_with_filters_and_pages() {
    let (app, token) = admin().await;
    let f = &app.f;
    for (person, site, unit, date, shift) in [
        (f.person_a, f.site_a, f.unit_a, "2027-04-05", "day"),
        (f.person_b, f.site_b, f.unit_b, "2027-04-03", "night"),
        (f.person_a, f.site_a, f.unit_a, "2027-04-03", "day"),
    ] {
        created(
            &app,
            &token,
            "rounding",
            rounding(person, site, unit, date, shift),
        )
        .await;
    }
    let mut dates = Vec::new();
    let mut path = "/api/v1/rounding?limit=2".to_owned();
    loop {
        let page = app.api(&token, Method::GET, &path, None).await.json();
        assert_eq!(page["total"], 3);
        for r in page["items"].as_array().unwrap() {
            dates.push(format!(
                "{} {}",
                r["shift_date"].as_str().unwrap(),
                r["person_name"].as_str().unwrap()
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/rounding?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(dates.len(), 3);
    assert!(
        dates[0].starts_with("2027-04-03") && dates[2].starts_with("2027-04-05"),
        "{dates:?}"
    );
    let by_site = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/rounding?site_id={}", f.site_b),
            None,
        )
        .await
        .json();
    assert_eq!(by_site["total"], 1);
    assert_eq!(by_site["items"][0]["person_name"], "Ben Beta");
    let by_day = app
        .api(
            &token,
            Method::GET,
            "/api/v1/rounding?shift_date=2027-04-03&duty=support",
            None,
        )
        .await
        .json();
    assert_eq!(by_day["total"], 2);
    let bad = app
        .api(
            &token,
            Method::GET,
            "/api/v1/rounding?shift_date=soon",
            None,
        )
        .await;
    assert_eq!(
        refusal(&bad),
        (StatusCode::UNPROCESSABLE_ENTITY, "shift_date".into())
    );
}

#[tokio::test]
async fn a_site_lead_plans_rounding_through_the_form() {
    let app = TestApp::new().await;
    let f = &app.f;
    let session = app.sign_in(AccessRole::SiteLead).await;
    let form = app.page(&session, "/rounding/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Site A") && !form.body.contains("Site B"),
        "only their sites"
    );
    let reply = app
        .post_form(
            &session,
            "/rounding",
            &format!(
                "person_id={}&site_id={}&unit_id={}&shift_date=2027-04-03&shift=evening&duty=champion&notes=",
                f.person_a, f.site_a, f.unit_a
            ),
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("Ana Alpha") && page.body.contains("Evening"));
    let list = app.page(&session, "/rounding").await;
    assert!(list.body.contains("2027-04-03"));
}

#[tokio::test]
async fn the_openapi_document_describes_the_reference_records() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let doc: Value =
        serde_json::from_str(&app.page(&session, "/api/v1/openapi.json").await.body).unwrap();
    for path in [
        "support-teams",
        "sla-policies",
        "known-issues",
        "decision-rights",
        "rounding",
    ] {
        assert!(
            doc["paths"][format!("/api/v1/{path}/{{id}}")]["patch"].is_object(),
            "{path}"
        );
    }
    for schema in [
        "SupportTeamDraft",
        "SlaPolicyDraft",
        "KnownIssueDraft",
        "DecisionRightDraft",
        "RoundingDraft",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}
