//! Who may do what in training, role by role, written out so that a policy change shows
//! up here as a diff.

use axum::http::Method;
use muster_domain::access::AccessRole;
use serde_json::json;

use super::plan;
use crate::support::TestApp;

const ROLES: [AccessRole; 9] = [
    AccessRole::Admin,
    AccessRole::ProgramLead,
    AccessRole::SiteLead,
    AccessRole::Analyst,
    AccessRole::Trainer,
    AccessRole::Champion,
    AccessRole::EndUser,
    AccessRole::Vendor,
    AccessRole::Executive,
];

#[tokio::test]
async fn every_training_route_answers_every_role_as_the_policy_says() {
    let mut failures = Vec::new();
    for (i, &role) in ROLES.iter().enumerate() {
        let app = TestApp::new().await;
        let p = plan(&app).await;
        let token = app.token(role).await;
        let s = p.session;
        //                                                                                          adm  pl   sl   ana  trn  chp  end  ven  exe
        let cases: Vec<(Method, String, Option<serde_json::Value>, [u16; 9])> = vec![
            (Method::GET, "/api/v1/courses".into(), None, [200; 9]),
            (Method::GET, "/api/v1/sessions".into(), None, [200; 9]),
            (
                Method::POST,
                "/api/v1/courses".into(),
                Some(json!({"code": "X1", "title": "X", "kind": "classroom", "hours": 1})),
                [201, 201, 403, 403, 201, 403, 403, 403, 403],
            ),
            (
                Method::GET,
                "/api/v1/completions".into(),
                None,
                [200, 200, 200, 200, 200, 200, 200, 403, 200],
            ),
            (
                Method::GET,
                "/api/v1/training/completion".into(),
                None,
                [200, 200, 200, 200, 200, 200, 200, 403, 200],
            ),
            (
                Method::GET,
                format!("/api/v1/training/people/{}", p.lead_person),
                None,
                [200, 200, 200, 200, 200, 200, 403, 403, 200],
            ),
            (
                Method::GET,
                format!("/api/v1/training/people/{}", app.f.person_b),
                None,
                [200, 200, 403, 200, 200, 403, 403, 403, 200],
            ),
            (
                Method::POST,
                format!("/api/v1/sessions/{s}/enroll"),
                Some(json!({"person_id": app.f.person_a})),
                [201, 201, 201, 403, 201, 403, 403, 403, 403],
            ),
            (
                Method::POST,
                format!("/api/v1/sessions/{s}/enroll"),
                Some(json!({"person_id": app.f.person_b})),
                [201, 201, 403, 403, 201, 403, 403, 403, 403],
            ),
            (
                Method::POST,
                format!("/api/v1/sessions/{s}/attendance"),
                Some(json!({"person_id": app.f.person_a, "attended": true})),
                [200, 200, 403, 403, 200, 403, 403, 403, 403],
            ),
            (
                Method::POST,
                "/api/v1/completions".into(),
                Some(
                    json!({"person_id": app.f.person_a, "course_id": p.courses[0], "completed_on": "2031-01-01"}),
                ),
                [201, 201, 403, 403, 201, 403, 403, 403, 403],
            ),
            (Method::GET, "/api/v1/calendar.ics".into(), None, [200; 9]),
        ];
        for (method, path, body, expect) in cases {
            let reply = app.api(&token, method.clone(), &path, body).await;
            if reply.status.as_u16() != expect[i] {
                failures.push(format!(
                    "{method} {path} as {}: expected {}, got {} {}",
                    role.code(),
                    expect[i],
                    reply.status,
                    reply.body
                ));
            }
        }
        let session = app.sign_in(role).await;
        //                                              adm  pl   sl   ana  trn  chp  end  ven  exe
        let pages: [(&str, [u16; 9]); 4] = [
            ("/training", [200, 200, 200, 200, 200, 200, 303, 403, 200]),
            ("/training/sessions", [200; 9]),
            (
                "/courses/new",
                [200, 200, 403, 403, 200, 403, 403, 403, 403],
            ),
            ("/follow-ups", [200, 200, 200, 200, 200, 200, 200, 403, 200]),
        ];
        for (path, expect) in pages {
            let reply = app.page(&session, path).await;
            if reply.status.as_u16() != expect[i] {
                failures.push(format!(
                    "GET {path} as {}: expected {}, got {}",
                    role.code(),
                    expect[i],
                    reply.status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
