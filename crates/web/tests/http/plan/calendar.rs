//! The plan's calendar: settings through the form and the API, holidays of the program and
//! of one site, each moving the schedule; a site lead keeps only their own site's holidays.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{plan, post};
use crate::support::TestApp;

async fn finish(app: &TestApp, token: &str) -> Value {
    app.api(token, Method::GET, "/api/v1/schedule", None)
        .await
        .json()["finish"]
        .clone()
}

#[tokio::test]
async fn working_days_and_holidays_move_the_schedule() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    plan(&app, &lead).await;
    assert_eq!(finish(&app, &lead).await, "2027-03-10");
    let settings = app
        .api(&lead, Method::GET, "/api/v1/plan/settings", None)
        .await
        .json();
    assert_eq!(settings["project_start"], "2027-03-01");

    // Bad settings are refused field by field.
    let refused = app
        .api(
            &lead,
            Method::PUT,
            "/api/v1/plan/settings",
            Some(json!({"project_start": "2027-02-30", "working_weekdays": ["funday"]})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("project_start") && refused.body.contains("'funday'"),
        "{}",
        refused.body
    );
    // A four-day week: Design Mon-Wed, Configure Thu and Mon-Wed, go-live Thursday 11.
    let saved = app
        .api(
            &lead,
            Method::PUT,
            "/api/v1/plan/settings",
            Some(json!({"project_start": "2027-03-01",
                        "working_weekdays": ["mon", "tue", "wed", "thu"]})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(finish(&app, &lead).await, "2027-03-11");

    // Site A's own holiday on Monday 8 moves Configure (at site A) and so the go-live.
    let site_lead = app.token(AccessRole::SiteLead).await;
    post(
        &app,
        &site_lead,
        "holidays",
        json!({"name": "Founders' day", "day": "2027-03-08", "site_id": app.f.site_a}),
    )
    .await;
    assert_eq!(finish(&app, &lead).await, "2027-03-15");
    let program_wide = app
        .api(
            &site_lead,
            Method::POST,
            "/api/v1/holidays",
            Some(json!({"name": "Spring day", "day": "2027-03-02"})),
        )
        .await;
    assert_eq!(program_wide.status, StatusCode::FORBIDDEN, "not their site");
    let twice = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/holidays",
            Some(json!({"name": "Again", "day": "2027-03-08", "site_id": app.f.site_a})),
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("already a holiday"), "{}", twice.body);

    // Through the pages: Monday to Friday again, saved with the form.
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let form = app.page(&session, "/plan/settings").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("value=\"thu\" checked"), "{}", form.body);
    let bad = app
        .post_form(&session, "/plan/settings", "project_start=2027-03-01")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post_form(
            &session,
            "/plan/settings",
            "project_start=2027-03-01&working_weekdays=mon&working_weekdays=tue&working_weekdays=wed&working_weekdays=thu&working_weekdays=fri",
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // Monday to Friday with Configure off on Monday 8 at site A: Thu 4, Fri 5, Tue 9,
    // Wed 10; go-live Thursday 11.
    assert_eq!(finish(&app, &lead).await, "2027-03-11");
    let holidays = app.page(&session, "/holidays").await;
    assert!(holidays.body.contains("Founders&#39; day") || holidays.body.contains("Founders' day"));
    let site_lead_session = app.sign_in(AccessRole::SiteLead).await;
    assert_eq!(
        app.page(&site_lead_session, "/plan/settings").await.status,
        StatusCode::FORBIDDEN,
        "program-wide settings are the program's"
    );
}

#[tokio::test]
async fn milestones_reach_calendar_apps_at_their_forecast_dates() {
    use axum::body::Body;
    use axum::http::Request;

    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (_, design, ..) = plan(&app, &lead).await;
    let feed = app
        .api(&lead, Method::GET, "/api/v1/plan/milestones.ics", None)
        .await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert!(feed.content_type().starts_with("text/calendar"));
    assert!(
        feed.body.contains(
            "DTSTART;VALUE=DATE:20270310\r\nDTEND;VALUE=DATE:20270311\r\nSUMMARY:◆ Go-live"
        ),
        "{}",
        feed.body
    );
    let end_user = app.token(AccessRole::EndUser).await;
    assert_eq!(
        app.api(&end_user, Method::GET, "/api/v1/plan/milestones.ics", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A private link, shown once, that a calendar app polls without signing in; a slip
    // moves the milestone there too.
    let session = app.sign_in(AccessRole::Executive).await;
    let made = app.post_form(&session, "/plan/subscribe", "").await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let link = made
        .body
        .split("<code>")
        .nth(1)
        .and_then(|r| r.split("</code>").next())
        .expect("the link is shown")
        .to_owned();
    assert!(
        link.starts_with("/calendar/") && link.ends_with("/plan.ics"),
        "{link}"
    );
    let anonymous = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    app.api(
        &lead,
        Method::PATCH,
        &format!("/api/v1/tasks/{design}"),
        Some(json!({"duration": 5})),
    )
    .await;
    let polled = app.send(anonymous(&link)).await;
    assert_eq!(polled.status, StatusCode::OK, "{}", polled.body);
    assert!(
        polled.body.contains("DTSTART;VALUE=DATE:20270312"),
        "{}",
        polled.body
    );
    assert_eq!(
        app.send(anonymous("/calendar/guessed/plan.ics"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
