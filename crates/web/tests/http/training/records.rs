//! Completions, assessments and follow-ups through the API, and who sees which.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::{created, id, plan};
use crate::support::TestApp;

#[tokio::test]
async fn completions_keep_the_later_date_and_each_role_sees_its_reach() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let record = |person: i64, course: i64, on: &str| json!({"person_id": person, "course_id": course, "completed_on": on});
    let first = created(
        &app,
        &trainer,
        "/api/v1/completions",
        record(p.end_user, p.courses[0], "2031-02-10"),
    )
    .await;
    assert_eq!(first["source"], "muster");
    assert!(first.get("person_email").is_none(), "emails are not sent");
    let older = app
        .api(
            &trainer,
            Method::POST,
            "/api/v1/completions",
            Some(record(p.end_user, p.courses[0], "2031-01-01")),
        )
        .await;
    assert_eq!(
        older.json()["completed_on"],
        "2031-02-10",
        "the later completion stays"
    );
    assert_eq!(id(&older.json()), id(&first));
    let ben = created(
        &app,
        &trainer,
        "/api/v1/completions",
        record(app.f.person_b, p.courses[0], "2031-02-11"),
    )
    .await;
    created(
        &app,
        &trainer,
        "/api/v1/completions",
        record(p.lead_person, p.courses[1], "2031-02-12"),
    )
    .await;

    let total = |role, query: &'static str| {
        let app = &app;
        async move {
            let token = app.token(role).await;
            let reply = app
                .api(
                    &token,
                    Method::GET,
                    &format!("/api/v1/completions{query}"),
                    None,
                )
                .await;
            (reply.status, reply.json()["total"].as_i64())
        }
    };
    assert_eq!(
        total(AccessRole::Trainer, "").await,
        (StatusCode::OK, Some(3))
    );
    assert_eq!(
        total(AccessRole::SiteLead, "").await,
        (StatusCode::OK, Some(2)),
        "site A only"
    );
    assert_eq!(
        total(AccessRole::EndUser, "").await,
        (StatusCode::OK, Some(1)),
        "their own"
    );
    assert_eq!(total(AccessRole::Vendor, "").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        total(AccessRole::Trainer, "?site_id=SITE").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let page = app
        .api(&trainer, Method::GET, "/api/v1/completions?limit=2", None)
        .await
        .json();
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let rest = app
        .api(
            &trainer,
            Method::GET,
            &format!("/api/v1/completions?limit=2&cursor={cursor}"),
            None,
        )
        .await
        .json();
    assert_eq!(
        page["items"].as_array().unwrap().len() + rest["items"].as_array().unwrap().len(),
        3
    );

    let user = app.token(AccessRole::EndUser).await;
    let forbidden = app
        .api(
            &user,
            Method::POST,
            "/api/v1/completions",
            Some(record(p.end_user, p.courses[1], "2031-02-10")),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let others = app
        .api(
            &user,
            Method::GET,
            &format!("/api/v1/completions/{}", id(&ben)),
            None,
        )
        .await;
    assert_eq!(
        others.status,
        StatusCode::FORBIDDEN,
        "another person's completion"
    );
}

#[tokio::test]
async fn a_failed_assessment_suggests_one_follow_up_however_often_asked() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let assess = |score: i64| json!({"person_id": p.end_user, "curriculum_id": p.curriculum, "score": score, "assessed_on": "2031-03-04", "assessor": "Sofia Alvarez"});
    let failed = created(&app, &trainer, "/api/v1/assessments", assess(72)).await;
    assert_eq!(
        (failed["passed"].as_bool(), failed["pass_mark"].as_i64()),
        (Some(false), Some(80))
    );
    let bad = app
        .api(
            &trainer,
            Method::POST,
            "/api/v1/assessments",
            Some(assess(101)),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = json!({"site_id": app.f.site_a});
    let first = app
        .api(
            &trainer,
            Method::POST,
            "/api/v1/follow-ups/suggest",
            Some(body.clone()),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json(), json!({"suggested": 1, "created": 1}));
    let again = app
        .api(
            &trainer,
            Method::POST,
            "/api/v1/follow-ups/suggest",
            Some(body.clone()),
        )
        .await;
    assert_eq!(again.json(), json!({"suggested": 1, "created": 0}));
    let user = app.token(AccessRole::EndUser).await;
    let mine = app
        .api(&user, Method::GET, "/api/v1/follow-ups", None)
        .await
        .json();
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["reason"], "failed_proficiency");
    assert_eq!(
        app.api(
            &user,
            Method::POST,
            "/api/v1/follow-ups/suggest",
            Some(body)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let lead = app.token(AccessRole::SiteLead).await;
    let elsewhere = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/follow-ups/suggest",
            Some(json!({"site_id": app.f.site_b})),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let done = app
        .api(
            &trainer,
            Method::PATCH,
            &format!("/api/v1/follow-ups/{}", mine["items"][0]["id"]),
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(done.json()["status"], "done", "{}", done.body);
}
