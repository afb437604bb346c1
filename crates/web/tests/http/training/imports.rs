//! LMS completions imports over HTTP: through the API (the kind in the path or as a field)
//! by a trainer, through the upload page with the kind chosen, the mapping with its
//! preview and date order, progress refreshed, and who may import which kind.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use muster_domain::audit::Via;
use muster_domain::person::PersonDraft;
use muster_store::Change;

use super::plan;
use crate::imports::{finished, multipart, post};
use crate::support::{Session, TestApp};

/// Two nurses at site A with employee ids N1 and N2.
async fn nurses(app: &TestApp) -> Vec<i64> {
    let change = Change::new(&app.operator, Via::Cli);
    let mut ids = Vec::new();
    for n in 1..=2 {
        let spec = PersonDraft {
            name: Some(format!("Nurse Import {n}")),
            email: Some(format!("nurse.import{n}@test.example")),
            employee_id: Some(format!("N{n}")),
            job_role: Some("nurse".into()),
            site_id: Some(app.f.site_a.to_string()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        ids.push(app.store.create_person(&change, spec).await.unwrap().id);
    }
    ids
}

/// Sends `file` (or the export) with `fields` to `path`, from a session or with a token.
async fn upload(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
    who: (Option<&Session>, Option<&str>),
) -> crate::support::Reply {
    let csrf = who.0.map(|s| s.csrf.as_str());
    let file = ("lms.csv", file.unwrap_or(EXPORT.as_bytes()));
    app.send(post(path, multipart(csrf, fields, file), who.0, who.1))
        .await
}

const EXPORT: &str = "Learner ID,Course Code,Completion Date,Score\n\
N1,IP-101,2026-03-01,88\n\
N1,IP-201,03/04/2026,\n\
N2,IP-101,2026-03-02,140\n";

#[tokio::test]
async fn a_trainer_imports_completions_through_the_api_and_progress_follows() {
    let app = TestApp::new().await;
    plan(&app).await;
    let people = nurses(&app).await;
    let token = app.token(AccessRole::Trainer).await;
    let request = Request::post(
        "/api/v1/imports?kind=completions&file_name=lms.csv&mode=valid_rows&date_order=month_first",
    )
    .header(header::AUTHORIZATION, format!("Bearer {token}"))
    .header(header::CONTENT_TYPE, "text/csv")
    .body(Body::from(EXPORT))
    .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    assert_eq!(reply.json()["kind"], "completions");
    let id = reply.json()["id"].as_i64().unwrap();
    let job = finished(&app, &token, id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["date_order"], "month_first");
    assert_eq!(
        (
            job["counts"]["imported"].as_u64(),
            job["counts"]["rejected"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(job["row_errors"][0]["field"], "score");
    let rejects = app
        .api(
            &token,
            Method::GET,
            job["rejects_url"].as_str().unwrap(),
            None,
        )
        .await;
    assert!(
        rejects.body.contains("N2,IP-101,2026-03-02,140,score:"),
        "{}",
        rejects.body
    );
    let listed = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/completions?person_id={}", people[0]),
            None,
        )
        .await
        .json();
    assert_eq!(listed["total"], 2, "{listed}");
    let progress = app
        .store
        .person_progress(app.operator.program_id, people[0])
        .await
        .unwrap();
    assert_eq!(
        (progress[0].done, progress[0].required),
        (2, 2),
        "03/04/2026 read month first; the curriculum is complete"
    );
    let mine = app
        .api(&token, Method::GET, "/api/v1/imports", None)
        .await
        .json();
    assert_eq!(
        mine["total"], 1,
        "a trainer follows the imports they started"
    );
}

#[tokio::test]
async fn a_program_lead_chooses_completions_on_the_upload_page_maps_and_imports() {
    let app = TestApp::new().await;
    plan(&app).await;
    nurses(&app).await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let form = app.page(&lead, "/completions/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(r#"value="completions" id="kind-completions" checked"#)
            && form.body.contains(r#"value="people""#),
        "{}",
        form.body
    );
    let completions = app.page(&lead, "/completions").await;
    assert!(completions.body.contains("href=\"/completions/import\""));

    let kind = [("kind", "completions")];
    let reply = upload(&app, "/imports/new", &kind, None, (Some(&lead), None)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let at = reply.headers[header::LOCATION].to_str().unwrap().to_owned();
    let mapping = app.page(&lead, &at).await;
    assert!(
        mapping
            .body
            .contains("<option value=\"Learner ID\" selected>")
            && mapping.body.contains("Completion date")
            && mapping.body.contains("name=\"date_order\"")
            && !mapping.body.contains("complete_roster"),
        "{}",
        mapping.body
    );
    assert!(
        mapping.body.contains("could be day/month or month/day"),
        "the preview shows the ambiguous date: {}",
        mapping.body
    );
    let plan = "intent=preview&mode=valid_rows&date_order=month_first&map_employee_id=Learner+ID&map_course=Course+Code&map_completed_on=Completion+Date&map_score=Score&map_source=";
    let preview = app.post_form(&lead, &at, plan).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        !preview.body.contains("could be day/month"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("0 to 100"), "{}", preview.body);
    let start = app
        .post_form(&lead, &at, &plan.replace("intent=preview", "intent=start"))
        .await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let token = app.token(AccessRole::ProgramLead).await;
    let job = finished(&app, &token, id).await;
    assert_eq!(job["counts"]["imported"], 2, "{job}");
    let page = app.page(&lead, &at).await;
    assert!(
        page.body.contains("New completions") && page.body.contains("Training completions"),
        "{}",
        page.body
    );
    let list = app.page(&lead, "/imports").await;
    assert!(list.body.contains("Training completions (LMS export)"));
}

#[tokio::test]
async fn completions_are_imported_by_those_who_record_training_and_the_kind_must_be_named() {
    let app = TestApp::new().await;
    plan(&app).await;
    nurses(&app).await;
    let site_lead = app.token(AccessRole::SiteLead).await;
    let reply = upload(
        &app,
        "/api/v1/imports/completions",
        &[],
        None,
        (None, Some(&site_lead)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    let lead = app.sign_in(AccessRole::SiteLead).await;
    assert_eq!(
        app.page(&lead, "/completions/import").await.status,
        StatusCode::FORBIDDEN
    );
    let kind = [("kind", "completions")];
    let reply = upload(&app, "/imports/new", &kind, None, (Some(&lead), None)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let admin = app.token(AccessRole::Admin).await;
    let as_admin = (None, Some(admin.as_str()));
    let reply = upload(&app, "/api/v1/imports", &[], None, as_admin).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("people or completions"),
        "{}",
        reply.body
    );
    let reply = upload(
        &app,
        "/api/v1/imports",
        &[("kind", "grades")],
        None,
        as_admin,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let columns = b"Learner ID,Score\nN1,80\n".as_slice();
    let reply = upload(
        &app,
        "/api/v1/imports/completions",
        &[],
        Some(columns),
        as_admin,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("no column for Course"),
        "{}",
        reply.body
    );
}
