//! Enrollment, waitlist, cancellation and attendance through the API.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::plan;
use crate::support::TestApp;

#[tokio::test]
async fn a_full_session_waitlists_and_a_cancellation_promotes_the_first_in_line() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let user = app.token(AccessRole::EndUser).await;
    let path = |what: &str| format!("/api/v1/sessions/{}/{what}", p.session);
    for person in [app.f.person_a, p.lead_person] {
        let reply = app
            .api(
                &trainer,
                Method::POST,
                &path("enroll"),
                Some(json!({"person_id": person})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        assert_eq!(reply.json()["status"], "enrolled");
    }
    // The end user books themselves: no person id needed.
    let mine = app
        .api(&user, Method::POST, &path("enroll"), Some(json!({})))
        .await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.body);
    assert_eq!(mine.json()["status"], "waitlisted");
    assert_eq!(mine.json()["waitlist_position"], 1);
    let again = app
        .api(&user, Method::POST, &path("enroll"), Some(json!({})))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    let cancelled = app
        .api(
            &trainer,
            Method::POST,
            &path("cancel"),
            Some(json!({"person_id": app.f.person_a})),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    let roster = app
        .api(&trainer, Method::GET, &path("roster"), None)
        .await
        .json();
    let mine = roster
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person_id"] == p.end_user)
        .unwrap();
    assert_eq!(
        mine["status"], "enrolled",
        "promoted in the same change: {roster}"
    );
    assert!(mine["waitlist_position"].is_null());

    // Attendance completes the course; a waitlisted or cancelled person cannot attend.
    let attended = app
        .api(
            &trainer,
            Method::POST,
            &path("attendance"),
            Some(json!({"person_id": p.end_user, "attended": true})),
        )
        .await;
    assert_eq!(attended.status, StatusCode::OK, "{}", attended.body);
    assert_eq!(attended.json()["status"], "attended");
    let cancel_after = app
        .api(&user, Method::POST, &path("cancel"), Some(json!({})))
        .await;
    assert_eq!(
        cancel_after.status,
        StatusCode::CONFLICT,
        "attendance is recorded"
    );
    let mine = app
        .api(
            &user,
            Method::GET,
            &format!("/api/v1/completions?person_id={}", p.end_user),
            None,
        )
        .await
        .json();
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["source"], "session");
    assert_eq!(mine["items"][0]["completed_on"], "2031-03-03");
    let no_flag = app
        .api(
            &trainer,
            Method::POST,
            &path("attendance"),
            Some(json!({"person_id": p.end_user})),
        )
        .await;
    assert_eq!(no_flag.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_flag.field_errors()[0].0, "attended");
}

#[tokio::test]
async fn a_larger_room_seats_the_waiting_and_a_booked_session_is_not_deleted() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let enroll = format!("/api/v1/sessions/{}/enroll", p.session);
    for person in [app.f.person_a, p.lead_person, p.end_user] {
        app.api(
            &trainer,
            Method::POST,
            &enroll,
            Some(json!({"person_id": person})),
        )
        .await;
    }
    let session = app
        .api(
            &trainer,
            Method::PATCH,
            &format!("/api/v1/sessions/{}", p.session),
            Some(json!({"capacity": 3})),
        )
        .await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.body);
    assert_eq!(
        (
            session.json()["enrolled"].as_i64(),
            session.json()["waitlisted"].as_i64()
        ),
        (Some(3), Some(0))
    );
    let delete = app
        .api(
            &trainer,
            Method::DELETE,
            &format!("/api/v1/sessions/{}", p.session),
            None,
        )
        .await;
    assert_eq!(delete.status, StatusCode::CONFLICT);
    assert!(delete.body.contains("roster"), "{}", delete.body);
    let bad = app
        .api(&trainer, Method::POST, "/api/v1/sessions", Some(json!({"course_id": p.courses[0], "starts_at": "2031-03-03T09:00", "ends_at": "2031-03-03T08:00", "site_id": app.f.site_a, "room": "R", "trainer_person_id": app.f.person_b, "capacity": 0})))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, vec!["capacity", "ends_at"]);
}
