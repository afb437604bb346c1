//! The plan through the API and pages: tasks in a tree, dependencies (a loop refused by
//! name), the computed schedule with its critical path, the table and the Gantt chart, and
//! who may change what.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use muster_domain::audit::Via;
use muster_store::Change;
use serde_json::{Value, json};

use crate::support::TestApp;

mod calendar;
mod cost;
mod table;

pub(super) async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app
        .api(token, Method::POST, &format!("/api/v1/{path}"), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()
}

pub(super) fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// Phase "Build" (Design 3 days -> Configure 4 days at site A), then the go-live milestone;
/// Training (2 days) beside it with float. The project starts on Monday 1 March 2027.
pub(super) async fn plan(app: &TestApp, token: &str) -> (i64, i64, i64, i64, i64) {
    let change = Change::new(&app.operator, Via::Cli);
    app.store
        .update_plan_settings(
            &change,
            "2027-03-01".parse().unwrap(),
            [true, true, true, true, true, false, false],
        )
        .await
        .unwrap();
    let build = id(&post(app, token, "tasks", json!({"name": "Build", "duration": 0})).await);
    let design = id(&post(
        app,
        token,
        "tasks",
        json!({"name": "Design", "duration": 3, "parent_id": build}),
    )
    .await);
    let configure = id(&post(
        app,
        token,
        "tasks",
        json!({"name": "Configure", "duration": 4, "parent_id": build, "site_id": app.f.site_a}),
    )
    .await);
    let train = id(&post(
        app,
        token,
        "tasks",
        json!({"name": "Train super users", "duration": 2}),
    )
    .await);
    let go_live = id(&post(
        app,
        token,
        "tasks",
        json!({"name": "Go-live", "milestone": true}),
    )
    .await);
    for (p, s) in [(design, configure), (build, go_live), (train, go_live)] {
        post(
            app,
            token,
            "dependencies",
            json!({"predecessor_id": p, "successor_id": s}),
        )
        .await;
    }
    (build, design, configure, train, go_live)
}

fn row(schedule: &Value, id: i64) -> &Value {
    schedule["tasks"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("task {id} in {schedule}"))
}

#[tokio::test]
async fn the_schedule_follows_the_tree_and_dependencies_and_names_its_critical_path() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::ProgramLead).await;
    let (build, design, configure, train, go_live) = plan(&app, &token).await;
    let schedule = app
        .api(&token, Method::GET, "/api/v1/schedule", None)
        .await
        .json();
    assert_eq!(schedule["project_start"], "2027-03-01");
    assert_eq!(schedule["finish"], "2027-03-10");
    let order: Vec<i64> = schedule["tasks"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        order,
        [build, design, configure, train, go_live],
        "outline order"
    );
    assert_eq!(row(&schedule, build)["summary"], true);
    assert_eq!(row(&schedule, configure)["depth"], 1);
    assert_eq!(
        row(&schedule, configure)["schedule"]["early_start"],
        "2027-03-04"
    );
    assert_eq!(
        row(&schedule, go_live)["schedule"]["early_start"],
        "2027-03-10"
    );
    assert_eq!(row(&schedule, train)["schedule"]["total_float"], 5);
    assert_eq!(row(&schedule, design)["schedule"]["critical"], true);
    let critical = app
        .api(&token, Method::GET, "/api/v1/schedule?critical=true", None)
        .await
        .json();
    assert_eq!(critical["tasks"]["total"], 4, "{critical}");

    // A link that would close a loop through the phase is refused, naming the tasks.
    let looped = app
        .api(
            &token,
            Method::POST,
            "/api/v1/dependencies",
            Some(json!({"predecessor_id": configure, "successor_id": build})),
        )
        .await;
    assert_eq!(
        looped.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        looped.body
    );
    assert!(looped.body.contains("Configure"), "{}", looped.body);

    // Progress recorded through the API moves the forecast: Design done late.
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/tasks/{design}"),
            Some(json!({"actual_start": "2027-03-01", "actual_finish": "2027-03-05"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let moved = app
        .api(&token, Method::GET, "/api/v1/schedule", None)
        .await
        .json();
    assert_eq!(row(&moved, design)["schedule"]["done"], true);
    assert_eq!(row(&moved, design)["percent_complete"], 100);
}

#[tokio::test]
async fn the_plan_pages_show_the_table_and_the_gantt_chart() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    plan(&app, &token).await;
    let session = app.sign_in(AccessRole::Executive).await;
    let table = app.page(&session, "/plan").await;
    assert_eq!(table.status, StatusCode::OK, "{}", table.body);
    assert!(
        table.body.contains("forecast finish 2027-03-10"),
        "{}",
        table.body
    );
    assert!(table.body.contains("Configure") && table.body.contains("critical"));
    let gantt = app.page(&session, "/plan/gantt?zoom=week").await;
    assert_eq!(gantt.status, StatusCode::OK, "{}", gantt.body);
    assert!(gantt.body.contains("<svg") && gantt.body.contains("on the critical path"));
    assert_eq!(gantt.body.matches("class=\"bar ").count(), 5);
    let filtered = app.page(&session, "/plan?search=train").await;
    assert!(filtered.body.contains("Train super users") && !filtered.body.contains(">Configure<"));
}

#[tokio::test]
async fn who_may_read_and_change_the_plan() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (_, design, ..) = plan(&app, &lead).await;
    let end_user = app.token(AccessRole::EndUser).await;
    let reply = app
        .api(&end_user, Method::GET, "/api/v1/schedule", None)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let vendor = app.token(AccessRole::Vendor).await;
    assert_eq!(
        app.api(&vendor, Method::GET, "/api/v1/schedule", None)
            .await
            .status,
        StatusCode::OK
    );
    let refused = app
        .api(
            &vendor,
            Method::POST,
            "/api/v1/tasks",
            Some(json!({"name": "X", "duration": 1})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A site lead keeps the tasks of their own site (A), not program-wide ones.
    let site_lead = app.token(AccessRole::SiteLead).await;
    let own = json!({"name": "Site A readiness walk", "duration": 1, "site_id": app.f.site_a});
    assert_eq!(
        app.api(&site_lead, Method::POST, "/api/v1/tasks", Some(own))
            .await
            .status,
        StatusCode::CREATED
    );
    let program_wide = json!({"name": "Program task", "duration": 1});
    assert_eq!(
        app.api(
            &site_lead,
            Method::POST,
            "/api/v1/tasks",
            Some(program_wide)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // An analyst reports progress but does not delete.
    let analyst = app.token(AccessRole::Analyst).await;
    let path = format!("/api/v1/tasks/{design}");
    let progress = app
        .api(
            &analyst,
            Method::PATCH,
            &path,
            Some(json!({"percent_complete": 40})),
        )
        .await;
    assert_eq!(progress.status, StatusCode::OK, "{}", progress.body);
    assert_eq!(
        app.api(&analyst, Method::DELETE, &path, None).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_baseline_keeps_the_dates_and_the_slip_report_shows_what_moved() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::ProgramLead).await;
    let (_, design, configure, train, go_live) = plan(&app, &token).await;
    let baseline = post(&app, &token, "baselines", json!({"name": "Approved plan"})).await;
    assert_eq!(baseline["tasks"], 5);
    let again = app
        .api(
            &token,
            Method::POST,
            "/api/v1/baselines",
            Some(json!({"name": "Approved plan"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // Design takes two days longer: everything after it moves, training does not.
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/tasks/{design}"),
            Some(json!({"duration": 5})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let slips = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/baselines/{}/slips", id(&baseline)),
            None,
        )
        .await
        .json();
    let slipped: Vec<(i64, i64)> = slips["slips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["variance"]["finish_variance"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        slipped,
        [(go_live, 2), (design, 2), (configure, 2)],
        "{slips}"
    );
    assert_eq!(slips["milestones_slipped"], 1);
    assert!(!slipped.iter().any(|(t, _)| *t == train));

    let compared = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/schedule?baseline_id={}", id(&baseline)),
            None,
        )
        .await
        .json();
    assert_eq!(
        row(&compared, go_live)["variance"]["baseline"]["finish"],
        "2027-03-10"
    );
    assert_eq!(row(&compared, go_live)["variance"]["finish_variance"], 2);
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let report = app.page(&session, "/plan/slips").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(
        report.body.contains("Approved plan") && report.body.contains("+2"),
        "{}",
        report.body
    );
    let table = app
        .page(&session, &format!("/plan?baseline_id={}", id(&baseline)))
        .await;
    assert!(
        table.body.contains("Variance (working days)")
            && table.body.contains("<strong>+2</strong>")
    );
    // The chart draws each task's baseline beneath it, and says how far it moved.
    let gantt = app
        .page(
            &session,
            &format!("/plan/gantt?zoom=week&baseline_id={}", id(&baseline)),
        )
        .await;
    assert_eq!(gantt.status, StatusCode::OK, "{}", gantt.body);
    assert_eq!(gantt.body.matches("class=\"baseline\"").count(), 5);
    assert!(
        gantt
            .body
            .contains("baseline 2027-03-10 to 2027-03-10, finish +2 working day(s)"),
        "{}",
        gantt.body
    );
    let plain = app.page(&session, "/plan/gantt").await;
    assert_eq!(plain.body.matches("class=\"baseline\"").count(), 0);
}
