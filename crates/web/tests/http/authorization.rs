//! The authorization matrix: every route, every role, including site and organization
//! scoping. Expected statuses are written out by hand, role by role, so that a change to the
//! policy shows up here as a diff a reviewer can read.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use crate::support::{Fixture, TestApp};

/// Roles in the order of every expectation row.
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

struct Case {
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
    /// One status per role in `ROLES` order.
    expect: [u16; 9],
}

fn case(method: Method, path: String, body: Option<serde_json::Value>, expect: [u16; 9]) -> Case {
    Case {
        method,
        path,
        body,
        expect,
    }
}

const ALL_200: [u16; 9] = [200; 9];
//                         adm  pl   sl   ana  trn  chp  end  ven  exe
const LEADS_201: [u16; 9] = [201, 201, 403, 403, 403, 403, 403, 403, 403];
const LEADS_200: [u16; 9] = [200, 200, 403, 403, 403, 403, 403, 403, 403];
const LEADS_204: [u16; 9] = [204, 204, 403, 403, 403, 403, 403, 403, 403];
const SITE_LEAD_TOO_201: [u16; 9] = [201, 201, 201, 403, 403, 403, 403, 403, 403];
const SITE_LEAD_TOO_200: [u16; 9] = [200, 200, 200, 403, 403, 403, 403, 403, 403];
const SITE_LEAD_TOO_204: [u16; 9] = [204, 204, 204, 403, 403, 403, 403, 403, 403];
/// Those who import a file of some kind: leads (people), site leads (their sites' people),
/// trainers (completions).
// Analysts import KPI measurements (the one kind whose records they create).
const IMPORTERS_200: [u16; 9] = [200, 200, 200, 200, 200, 403, 403, 403, 403];
const TRAINERS_200: [u16; 9] = [200, 200, 403, 403, 200, 403, 403, 403, 403];
const BOARD_200: [u16; 9] = [200, 200, 200, 200, 200, 200, 403, 403, 200];

/// API cases in the order they run; each role gets a fresh app, so writes do not leak
/// between roles, and deletes come last.
fn api_cases(f: &Fixture) -> Vec<Case> {
    use Method as M;
    vec![
        case(M::GET, "/api/v1/me".into(), None, ALL_200),
        case(M::GET, "/api/v1/program".into(), None, ALL_200),
        case(
            M::PATCH,
            "/api/v1/program".into(),
            Some(json!({"name": "Renamed"})),
            LEADS_200,
        ),
        case(M::GET, "/api/v1/sites".into(), None, ALL_200),
        case(M::GET, format!("/api/v1/sites/{}", f.site_b), None, ALL_200),
        case(
            M::POST,
            "/api/v1/sites".into(),
            Some(json!({"name": "New", "code": "NEW", "kind": "clinic"})),
            LEADS_201,
        ),
        case(
            M::PATCH,
            format!("/api/v1/sites/{}", f.site_a),
            Some(json!({"region": "East"})),
            SITE_LEAD_TOO_200,
        ),
        case(
            M::PATCH,
            format!("/api/v1/sites/{}", f.site_b),
            Some(json!({"region": "East"})),
            LEADS_200,
        ),
        case(M::GET, "/api/v1/units".into(), None, ALL_200),
        case(M::GET, format!("/api/v1/units/{}", f.unit_b), None, ALL_200),
        case(
            M::POST,
            "/api/v1/units".into(),
            Some(json!({"site_id": f.site_a, "name": "New A"})),
            SITE_LEAD_TOO_201,
        ),
        case(
            M::POST,
            "/api/v1/units".into(),
            Some(json!({"site_id": f.site_b, "name": "New B"})),
            LEADS_201,
        ),
        case(
            M::PATCH,
            format!("/api/v1/units/{}", f.unit_a),
            Some(json!({"code": "X1"})),
            SITE_LEAD_TOO_200,
        ),
        case(
            M::PATCH,
            format!("/api/v1/units/{}", f.unit_b),
            Some(json!({"code": "X2"})),
            LEADS_200,
        ),
        case(M::GET, "/api/v1/waves".into(), None, ALL_200),
        case(
            M::POST,
            "/api/v1/waves".into(),
            Some(json!({"name": "W9", "go_live": "2027-05-01", "site_ids": [f.site_a]})),
            LEADS_201,
        ),
        case(M::GET, "/api/v1/modules".into(), None, ALL_200),
        case(
            M::POST,
            "/api/v1/modules".into(),
            Some(json!({"code": "LAB", "name": "Laboratory"})),
            LEADS_201,
        ),
        //                                                          adm  pl   sl   ana  trn  chp  end  ven  exe
        case(
            M::GET,
            "/api/v1/people".into(),
            None,
            [200, 200, 200, 200, 200, 200, 403, 200, 200],
        ),
        case(
            M::GET,
            format!("/api/v1/people/{}", f.person_a),
            None,
            [200, 200, 200, 200, 200, 200, 403, 403, 200],
        ),
        case(
            M::GET,
            format!("/api/v1/people/{}", f.person_b),
            None,
            [200, 200, 403, 200, 200, 403, 403, 403, 200],
        ),
        case(
            M::GET,
            format!("/api/v1/people/{}", f.person_vendor),
            None,
            [200, 200, 403, 200, 200, 403, 403, 200, 200],
        ),
        case(
            M::POST,
            "/api/v1/people".into(),
            Some(
                json!({"name": "N A", "email": "na@t.example", "job_role": "nurse", "site_id": f.site_a}),
            ),
            SITE_LEAD_TOO_201,
        ),
        case(
            M::POST,
            "/api/v1/people".into(),
            Some(
                json!({"name": "N B", "email": "nb@t.example", "job_role": "nurse", "site_id": f.site_b}),
            ),
            LEADS_201,
        ),
        case(
            M::PATCH,
            format!("/api/v1/people/{}", f.person_a),
            Some(json!({"employee_id": "E1"})),
            SITE_LEAD_TOO_200,
        ),
        case(
            M::PATCH,
            format!("/api/v1/people/{}", f.person_b),
            Some(json!({"employee_id": "E2"})),
            LEADS_200,
        ),
        // Moving one's own person to another site is moving them out of one's reach.
        case(
            M::PATCH,
            format!("/api/v1/people/{}", f.person_a),
            Some(json!({"site_id": f.site_b, "unit_id": f.unit_b})),
            LEADS_200,
        ),
        case(M::GET, "/api/v1/imports".into(), None, IMPORTERS_200),
        case(
            M::GET,
            "/api/v1/audit".into(),
            None,
            [200, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        // The command center: anyone files a ticket and sees the ones in their reach; the
        // board is for everyone but end users and vendors; its reference data is read by all
        // and kept by program leads (known issues by analysts too).
        case(
            M::POST,
            "/api/v1/tickets".into(),
            Some(json!({"site_id": f.site_a, "summary": "Printer jams", "what_happened": "x"})),
            [201; 9],
        ),
        case(M::GET, "/api/v1/tickets".into(), None, ALL_200),
        case(
            M::GET,
            "/api/v1/command-center/summary".into(),
            None,
            BOARD_200,
        ),
        case(
            M::GET,
            "/api/v1/command-center/huddle".into(),
            None,
            BOARD_200,
        ),
        case(
            M::GET,
            "/api/v1/command-center/vendors".into(),
            None,
            BOARD_200,
        ),
        case(M::GET, "/api/v1/support-teams".into(), None, ALL_200),
        case(
            M::POST,
            "/api/v1/support-teams".into(),
            Some(json!({"name": "Tech", "kind": "technical"})),
            LEADS_201,
        ),
        case(M::GET, "/api/v1/sla-policies".into(), None, ALL_200),
        case(M::GET, "/api/v1/decision-rights".into(), None, ALL_200),
        case(
            M::POST,
            "/api/v1/decision-rights".into(),
            Some(json!({"change_kind": "workflow", "decider": "Physician advisory council"})),
            LEADS_201,
        ),
        case(M::GET, "/api/v1/known-issues".into(), None, ALL_200),
        case(
            M::POST,
            "/api/v1/known-issues".into(),
            Some(json!({"title": "T", "symptoms": "s", "workaround": "w"})),
            [201, 201, 403, 201, 403, 403, 403, 403, 403],
        ),
        case(
            M::GET,
            "/api/v1/change-requests".into(),
            None,
            [200, 200, 200, 200, 200, 403, 403, 403, 200],
        ),
        case(M::GET, "/api/v1/rounding".into(), None, BOARD_200),
        case(
            M::DELETE,
            format!("/api/v1/people/{}", f.person_b),
            None,
            LEADS_204,
        ),
        case(
            M::DELETE,
            format!("/api/v1/units/{}", f.unit_empty_a),
            None,
            SITE_LEAD_TOO_204,
        ),
        case(M::DELETE, "/api/v1/waves/1".into(), None, LEADS_204),
        case(
            M::DELETE,
            format!("/api/v1/sites/{}", f.site_unused),
            None,
            LEADS_204,
        ),
    ]
}

#[tokio::test]
async fn every_api_route_answers_every_role_as_the_policy_says() {
    let mut failures = Vec::new();
    for (i, &role) in ROLES.iter().enumerate() {
        let app = TestApp::new().await;
        let token = app.token(role).await;
        for c in api_cases(&app.f) {
            let reply = app
                .api(&token, c.method.clone(), &c.path, c.body.clone())
                .await;
            if reply.status.as_u16() != c.expect[i] {
                failures.push(format!(
                    "{} {} {} as {}: expected {}, got {} {}",
                    c.method,
                    c.path,
                    c.body.map(|b| b.to_string()).unwrap_or_default(),
                    role.code(),
                    c.expect[i],
                    reply.status,
                    reply.body
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

/// Page cases: (method, path, form fields, expected status per role).
fn page_cases(f: &Fixture) -> Vec<(Method, String, &'static str, [u16; 9])> {
    use Method as M;
    //                                                                         adm  pl   sl   ana  trn  chp  end  ven  exe
    vec![
        (M::GET, "/".into(), "", ALL_200),
        (M::GET, "/sites".into(), "", ALL_200),
        (M::GET, format!("/sites/{}", f.site_b), "", ALL_200),
        (M::GET, "/sites/new".into(), "", LEADS_200),
        (
            M::GET,
            format!("/sites/{}/edit", f.site_a),
            "",
            SITE_LEAD_TOO_200,
        ),
        (M::GET, format!("/sites/{}/edit", f.site_b), "", LEADS_200),
        (M::GET, "/units".into(), "", ALL_200),
        (M::GET, "/units/new".into(), "", SITE_LEAD_TOO_200),
        (M::GET, "/waves".into(), "", ALL_200),
        (M::GET, "/waves/new".into(), "", LEADS_200),
        (M::GET, "/modules".into(), "", ALL_200),
        (M::GET, "/modules/new".into(), "", LEADS_200),
        (
            M::GET,
            "/people".into(),
            "",
            [200, 200, 200, 200, 200, 200, 403, 200, 200],
        ),
        (
            M::GET,
            format!("/people/{}", f.person_b),
            "",
            [200, 200, 403, 200, 200, 403, 403, 403, 200],
        ),
        (M::GET, "/people/new".into(), "", SITE_LEAD_TOO_200),
        (M::GET, "/people/import".into(), "", SITE_LEAD_TOO_200),
        (M::GET, "/imports/new".into(), "", IMPORTERS_200),
        (M::GET, "/completions/import".into(), "", TRAINERS_200),
        (M::GET, "/imports".into(), "", IMPORTERS_200),
        (
            M::POST,
            "/people".into(),
            "name=Form+Person&email=fp%40t.example&job_role=nurse&site_id=SITE_A&employer_kind=staff&active=true",
            [303, 303, 303, 403, 403, 403, 403, 403, 403],
        ),
        (
            M::POST,
            "/people".into(),
            "name=Form+Other&email=fo%40t.example&job_role=nurse&site_id=SITE_B&employer_kind=staff&active=true",
            [303, 303, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            M::GET,
            format!("/people/{}/delete", f.person_a),
            "",
            SITE_LEAD_TOO_200,
        ),
        (
            M::GET,
            "/audit".into(),
            "",
            [200, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        (M::GET, "/tickets".into(), "", ALL_200),
        (M::GET, "/tickets/new".into(), "", ALL_200),
        (M::GET, "/known-issues".into(), "", ALL_200),
        (M::GET, "/command-center".into(), "", BOARD_200),
        (M::GET, "/command-center/huddle".into(), "", BOARD_200),
        (M::GET, "/command-center/vendors".into(), "", BOARD_200),
        (M::GET, "/command-center/settings".into(), "", LEADS_200),
        (
            M::GET,
            "/change-requests".into(),
            "",
            [200, 200, 200, 200, 200, 403, 403, 403, 200],
        ),
        (M::GET, "/api/docs".into(), "", ALL_200),
        (M::GET, "/program".into(), "", ALL_200),
        (
            M::POST,
            "/program".into(),
            "name=Renamed+Program",
            [303, 303, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            M::POST,
            format!("/sites/{}/delete", f.site_unused),
            "",
            [303, 303, 403, 403, 403, 403, 403, 403, 403],
        ),
    ]
}

#[tokio::test]
async fn every_page_answers_every_role_as_the_policy_says() {
    let mut failures = Vec::new();
    for (i, &role) in ROLES.iter().enumerate() {
        let app = TestApp::new().await;
        let session = app.sign_in(role).await;
        for (method, path, fields, expect) in page_cases(&app.f) {
            let fields = fields
                .replace("SITE_A", &app.f.site_a.to_string())
                .replace("SITE_B", &app.f.site_b.to_string());
            let reply = if method == Method::GET {
                app.page(&session, &path).await
            } else {
                app.post_form(&session, &path, &fields).await
            };
            if reply.status.as_u16() != expect[i] {
                failures.push(format!(
                    "{method} {path} as {}: expected {}, got {}",
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

#[tokio::test]
async fn a_site_lead_is_told_why_another_sites_person_is_out_of_reach() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::SiteLead).await;
    let reply = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/people/{}", app.f.person_b),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("site outside your assignment"),
        "{}",
        reply.body
    );
    let people = app
        .api(&token, Method::GET, "/api/v1/people", None)
        .await
        .json();
    let sites: Vec<i64> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["site_id"].as_i64().unwrap())
        .collect();
    assert!(
        !sites.is_empty() && sites.iter().all(|&s| s == app.f.site_a),
        "{sites:?}"
    );
}

#[tokio::test]
async fn a_vendor_lists_only_their_organizations_people() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Vendor).await;
    let people = app
        .api(&token, Method::GET, "/api/v1/people", None)
        .await
        .json();
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Vic Vendor"]);
}

#[tokio::test]
async fn the_me_endpoint_lists_what_the_caller_may_do() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Executive).await;
    let me = app
        .api(&token, Method::GET, "/api/v1/me", None)
        .await
        .json();
    assert_eq!(me["role"], "executive");
    let person = me["may"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["subject"] == "person")
        .unwrap();
    assert_eq!(person["actions"], json!(["read"]));
}
