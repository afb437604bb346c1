//! The cost of a day's delay: entered items plus the daily rates of active people, priced
//! into a critical task's one-day slip, the forecast slip against a baseline, each slipped
//! milestone, and the header of every page for those who may read the plan.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::{id, plan, post};
use crate::support::TestApp;

#[tokio::test]
async fn a_day_of_delay_is_priced_line_by_line_and_slips_cost_what_they_move() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::ProgramLead).await;
    let (_, design, _, _, go_live) = plan(&app, &token).await;
    post(
        &app,
        &token,
        "cost-items",
        json!({"kind": "legacy_run", "per_day": "$41,000", "notes": "licences"}),
    )
    .await;
    // "Other" needs a name; a negative cost is refused; both named by field.
    let refused = app
        .api(
            &token,
            Method::POST,
            "/api/v1/cost-items",
            Some(json!({"kind": "other", "per_day": "-5"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("per_day") && refused.body.contains("name"),
        "{}",
        refused.body
    );
    // A consultant with a daily rate counts; an inactive one does not.
    for (email, active) in [("ana@acme.test", true), ("gone@acme.test", false)] {
        post(
            &app,
            &token,
            "people",
            json!({"name": "Ana Ruiz", "email": email, "job_role": "analyst",
                   "site_id": app.f.site_a, "employer_kind": "consultant",
                   "organization": "Acme", "daily_rate": "1,500", "active": active}),
        )
        .await;
    }
    let bad_rate = app
        .api(
            &token,
            Method::POST,
            "/api/v1/people",
            Some(
                json!({"name": "X", "email": "x@acme.test", "job_role": "analyst",
                        "daily_rate": "lots"}),
            ),
        )
        .await;
    assert_eq!(bad_rate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_rate.body.contains("daily_rate"), "{}", bad_rate.body);

    let cost = app
        .api(&token, Method::GET, "/api/v1/cost-of-delay", None)
        .await
        .json();
    assert_eq!(cost["per_day"], 4_250_000, "{cost}");
    let lines: Vec<(&str, i64)> = cost["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["kind"].as_str().unwrap(), l["per_day"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [("legacy_run", 4_100_000), ("consultant_burn", 150_000)]
    );
    assert_eq!(
        cost["lines"][1]["basis"],
        "1 active person with a daily rate"
    );
    // The plan finishes on Wednesday 10 March: one more day is Thursday, one calendar day.
    assert_eq!(cost["critical_task_slip"]["to"], "2027-03-11");
    assert_eq!(cost["critical_task_slip"]["cost"], 4_250_000);
    assert!(cost["baseline_slip"].is_null());

    // Design takes two days more than the baseline: the finish moves to Friday 12 March,
    // and a further day would reach Monday: three calendar days.
    let baseline = post(&app, &token, "baselines", json!({"name": "Approved"})).await;
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/tasks/{design}"),
            Some(json!({"duration": 5})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let cost = app
        .api(&token, Method::GET, "/api/v1/cost-of-delay", None)
        .await
        .json();
    assert_eq!(cost["baseline_slip"]["baseline_id"], id(&baseline));
    assert_eq!(cost["baseline_slip"]["days"], 2);
    assert_eq!(cost["baseline_slip"]["cost"], 8_500_000);
    assert_eq!(cost["critical_task_slip"]["days"], 3);
    assert_eq!(cost["critical_task_slip"]["cost"], 12_750_000);
    let schedule = app
        .api(&token, Method::GET, "/api/v1/schedule", None)
        .await
        .json();
    assert_eq!(schedule["critical_task_slip"]["cost"], 12_750_000);
    let slips = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/baselines/{}/slips", id(&baseline)),
            None,
        )
        .await
        .json();
    let milestone = &slips["slips"][0];
    assert_eq!(milestone["id"], go_live);
    assert_eq!(milestone["cost"]["cost"], 8_500_000, "{slips}");
    assert!(slips["slips"][1]["cost"].is_null(), "tasks are not priced");

    // The pages: the model, the header, the table's column and the slip report.
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let page = app.page(&lead, "/plan/cost-of-delay").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("One day of delay costs <strong>$42,500.00</strong>")
    );
    assert!(
        page.body
            .contains("2 calendar day(s) late, costing $85,000.00")
    );
    let table = app.page(&lead, "/plan?critical=true").await;
    assert!(table.body.contains("$127,500.00"), "{}", table.body);
    let report = app.page(&lead, "/plan/slips").await;
    assert!(
        report
            .body
            .contains("<strong>$85,000.00</strong> (2 calendar days)")
    );
    let home = app.page(&lead, "/").await;
    assert!(
        home.body
            .contains("One day of delay costs <strong>$42,500.00</strong>")
    );
    let end_user = app.sign_in(AccessRole::EndUser).await;
    let theirs = app.page(&end_user, "/").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(
        !theirs.body.contains("delay costs"),
        "not for those who may not read the plan"
    );
    let denied = app
        .api(
            &app.token(AccessRole::EndUser).await,
            Method::GET,
            "/api/v1/cost-of-delay",
            None,
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}
