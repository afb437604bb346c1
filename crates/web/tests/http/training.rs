//! Training over HTTP: the catalogue and sessions through the API, rosters with waitlist
//! promotion, attendance, completions and their scoping, the dashboard and drill-down,
//! the person page, follow-up suggestions, the iCalendar feeds, and who may do what.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use muster_domain::audit::Via;
use muster_domain::person::PersonDraft;
use muster_store::Change;
use serde_json::{Value, json};

use crate::support::{TestApp, email};

mod access;
mod imports;
mod pages;
mod records;
mod rosters;

/// A module, two courses, a nurse curriculum, a two-seat session at site A taught by
/// person B, and roster entries for the end user (site A) and the site lead (site A).
pub struct Plan {
    pub courses: Vec<i64>,
    pub curriculum: i64,
    pub session: i64,
    pub end_user: i64,
    pub lead_person: i64,
}

pub async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app.api(token, Method::POST, path, Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.body);
    reply.json()
}

pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("an id")
}

/// A roster entry for the account of `role`, at site A.
pub async fn person_for(app: &TestApp, role: AccessRole) -> i64 {
    let spec = PersonDraft {
        name: Some(format!("Person {}", role.label())),
        email: Some(email(role)),
        job_role: Some("nurse".into()),
        site_id: Some(app.f.site_a.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let change = Change::new(&app.operator, Via::Cli);
    app.store.create_person(&change, spec).await.unwrap().id
}

pub async fn plan(app: &TestApp) -> Plan {
    let token = app.token(AccessRole::Trainer).await;
    let admin = app.token(AccessRole::Admin).await;
    let module = id(&created(
        app,
        &admin,
        "/api/v1/modules",
        json!({"code": "IP", "name": "Inpatient"}),
    )
    .await);
    let mut courses = Vec::new();
    for (code, kind) in [("IP-101", "e_learning"), ("IP-201", "classroom")] {
        let body = json!({"code": code, "title": format!("Inpatient {code}"), "kind": kind, "hours": 1.5, "module_id": module});
        courses.push(id(&created(app, &token, "/api/v1/courses", body).await));
    }
    let body = json!({"name": "Nurse — Inpatient", "job_role": "nurse", "module_id": module, "course_ids": courses, "pass_mark": 80});
    let curriculum = created(app, &token, "/api/v1/curricula", body).await;
    assert_eq!(curriculum["expected_hours"], json!(3.0));
    let body = json!({
        "course_id": courses[1], "starts_at": "2031-03-03T09:00:00Z", "ends_at": "2031-03-03T12:00:00Z",
        "site_id": app.f.site_a, "room": "Classroom 2, East wing", "trainer_person_id": app.f.person_b, "capacity": 2
    });
    let session = id(&created(app, &token, "/api/v1/sessions", body).await);
    Plan {
        courses,
        curriculum: id(&curriculum),
        session,
        end_user: person_for(app, AccessRole::EndUser).await,
        lead_person: person_for(app, AccessRole::SiteLead).await,
    }
}

#[tokio::test]
async fn the_openapi_document_describes_training() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for path in [
        "curricula",
        "courses",
        "sessions",
        "completions",
        "assessments",
        "follow-ups",
    ] {
        assert!(
            doc["paths"][format!("/api/v1/{path}")]["get"].is_object(),
            "{path}"
        );
    }
    for (path, method) in [
        ("/api/v1/sessions/{id}/enroll", "post"),
        ("/api/v1/sessions/{id}/cancel", "post"),
        ("/api/v1/sessions/{id}/attendance", "post"),
        ("/api/v1/sessions/{id}/roster", "get"),
        ("/api/v1/follow-ups/suggest", "post"),
        ("/api/v1/training/completion", "get"),
        ("/api/v1/calendar.ics", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    assert!(doc["components"]["schemas"]["CurriculumDraft"].is_object());
    assert!(
        doc["components"]["schemas"]["Enrollment"]["properties"]["person_email"].is_null(),
        "emails are not sent"
    );
}
