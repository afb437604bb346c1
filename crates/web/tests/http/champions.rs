//! Champions over HTTP: designation through the API and forms with every refusal naming its
//! field, advanced training, coverage per unit and shift on a constructed roster, the
//! target, the map page, and who may do what.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use muster_domain::audit::Via;
use muster_domain::person::PersonDraft;
use muster_store::Change;
use serde_json::{Value, json};

use crate::support::TestApp;

mod access;
mod coverage;
mod records;
mod unit_target;

pub async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let reply = app.api(token, Method::POST, path, Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{path}: {}", reply.body);
    reply.json()
}

pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("an id")
}

pub async fn module(app: &TestApp, token: &str, code: &str) -> i64 {
    let body = json!({"code": code, "name": format!("Module {code}")});
    id(&created(app, token, "/api/v1/modules", body).await)
}

pub fn champion(person: i64, site: i64, unit: i64, shift: &str, modules: &[i64]) -> Value {
    json!({"person_id": person, "site_id": site, "unit_id": unit, "shift": shift,
           "module_ids": modules, "since": "2026-01-05"})
}

/// `n` active people of `unit` at `site` on `shift` (None: no usual shift); their ids.
pub async fn people(
    app: &TestApp,
    tag: &str,
    n: usize,
    site: i64,
    unit: i64,
    shift: Option<&str>,
) -> Vec<i64> {
    let change = Change::new(&app.operator, Via::Cli);
    let mut ids = Vec::new();
    for i in 0..n {
        let spec = PersonDraft {
            name: Some(format!("{tag} {i}")),
            email: Some(format!("{tag}.{i}@test.example").to_lowercase()),
            job_role: Some("nurse".into()),
            site_id: Some(site.to_string()),
            unit_id: Some(unit.to_string()),
            shift: shift.map(str::to_owned),
            ..Default::default()
        }
        .parse()
        .unwrap();
        ids.push(app.store.create_person(&change, spec).await.unwrap().id);
    }
    ids
}

pub async fn admin() -> (TestApp, String) {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    (app, token)
}
