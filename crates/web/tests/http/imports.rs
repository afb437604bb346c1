//! Roster imports through the pages and the API: upload, mapping and preview, the run in the
//! background, progress, rejects, limits and who may import.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use muster_web::WebConfig;
use serde_json::Value;

use crate::support::{Session, TestApp};

const ROSTER: &str = "Staff No,Full Name,Work Email,Job Title,Site,Unit,Pager\n\
E1,Ana Import,ana.import@test.example,nurse,A,ICU,123\n\
E2,Ben Import,not-an-email,nurse,A,,456\n\
E3,Cy Import,cy.import@test.example,Physician,B,ED,789\n";

pub(crate) fn multipart(
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (String, Vec<u8>) {
    let boundary = "XimportX";
    let mut body = Vec::new();
    let mut part = |name: &str, value: &str| {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    if let Some(csrf) = csrf {
        part("csrf_token", csrf);
    }
    for (name, value) in fields {
        part(name, value);
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n", file.0)
            .as_bytes(),
    );
    body.extend(file.1);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) fn post(
    path: &str,
    (content_type, body): (String, Vec<u8>),
    session: Option<&Session>,
    token: Option<&str>,
) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::HOST, "muster.test");
    if let Some(s) = session {
        request = request.header(header::COOKIE, s.cookie_header());
    }
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    request.body(Body::from(body)).unwrap()
}

/// Polls the job until it is no longer queued or running.
pub(crate) async fn finished(app: &TestApp, token: &str, id: i64) -> Value {
    for _ in 0..200 {
        let job = app
            .api(token, Method::GET, &format!("/api/v1/imports/{id}"), None)
            .await
            .json();
        if job["status"] != "queued" && job["status"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

/// `ROSTER` uploaded through the page: the address of its mapping form.
async fn upload_roster(app: &TestApp, session: &Session) -> String {
    let reply = app
        .send(post(
            "/people/import",
            multipart(Some(&session.csrf), &[], ("hr.csv", ROSTER.as_bytes())),
            Some(session),
            None,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.headers[header::LOCATION].to_str().unwrap().to_owned()
}

/// A refused mapping or option comes back as the mapping form (422) with every chosen
/// column and option kept and the error beside the field it is about.
#[tokio::test]
async fn a_refused_mapping_keeps_the_choices_and_puts_each_error_by_its_field() {
    let app = TestApp::new().await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let at = upload_roster(&app, &lead).await;

    // The employee id left unmapped, the rest chosen by hand, valid rows and day-first dates.
    let unmapped = "intent=start&mode=valid_rows&date_order=day_first&complete_roster=true&map_employee_id=&map_name=Full+Name&map_email=Work+Email&map_job_role=Job+Title&map_site=Site&map_unit=Unit&map_shift=";
    let refused = app.post_form(&lead, &at, unmapped).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.has(&[
            "id=\"f-map_employee_id\" name=\"map_employee_id\" required aria-invalid=\"true\" aria-describedby=\"e-map_employee_id",
            "<p class=\"error\" id=\"e-map_employee_id\">the file has no column for Employee id",
            "<option value=\"Work Email\" selected>",
            "value=\"valid_rows\" checked",
            "value=\"day_first\" checked",
            "name=\"complete_roster\" value=\"true\" checked",
            "Some fields need attention",
        ],
    );
    // An option no form offers is named, with the mapping as it was sent.
    let odd = unmapped
        .replace("mode=valid_rows", "mode=sometimes")
        .replace("map_employee_id=", "map_employee_id=Staff+No");
    let refused = app.post_form(&lead, &at, &odd).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.has(&[
        "<p class=\"error\" id=\"e-mode\">&#39;sometimes&#39; is not one of",
        "<option value=\"Staff No\" selected>",
        "value=\"day_first\" checked",
        "name=\"complete_roster\" value=\"true\" checked",
    ]);
    assert_eq!(
        app.store
            .import_job(
                app.operator.program_id,
                at.rsplit('/').next().unwrap().parse().unwrap()
            )
            .await
            .unwrap()
            .status
            .code(),
        "uploaded",
        "nothing started"
    );
}

#[tokio::test]
async fn a_program_lead_uploads_maps_previews_and_imports_a_roster_through_the_pages() {
    let app = TestApp::new().await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let people = app.page(&lead, "/people").await;
    assert!(
        people.body.contains("href=\"/people/import\""),
        "the people list offers the import"
    );

    let at = upload_roster(&app, &lead).await;
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();

    let mapping = app.page(&lead, &at).await;
    assert_eq!(mapping.status, StatusCode::OK);
    // "Staff No" is not a known name: the employee id needs choosing; the rest is suggested.
    assert!(
        mapping
            .body
            .contains("the file has no column for Employee id"),
        "{}",
        mapping.body
    );
    assert!(
        mapping
            .body
            .contains("<option value=\"Work Email\" selected>"),
        "{}",
        mapping.body
    );

    let plan = "intent=preview&mode=valid_rows&map_employee_id=Staff+No&map_name=Full+Name&map_email=Work+Email&map_job_role=Job+Title&map_site=Site&map_unit=Unit&map_shift=";
    let preview = app.post_form(&lead, &at, plan).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("Ana Import")
            && preview
                .body
                .contains("&#39;not-an-email&#39; is not an email address"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("Columns not imported: Pager"),
        "{}",
        preview.body
    );
    assert!(
        app.store
            .import_job(app.operator.program_id, id)
            .await
            .unwrap()
            .status
            .code()
            == "uploaded"
    );

    let start = app
        .post_form(&lead, &at, &plan.replace("intent=preview", "intent=start"))
        .await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let token = app.token(AccessRole::ProgramLead).await;
    let job = finished(&app, &token, id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(
        (
            job["counts"]["imported"].as_u64(),
            job["counts"]["rejected"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(job["mapping"]["shift"], "", "a field left out stays out");

    let page = app.page(&lead, &at).await;
    assert!(
        page.body.contains("Download the rejected rows"),
        "{}",
        page.body
    );
    let rejects = app.page(&lead, &format!("/imports/{id}/rejects.csv")).await;
    assert_eq!(rejects.status, StatusCode::OK);
    assert!(rejects.content_type().starts_with("text/csv"));
    assert!(
        rejects
            .body
            .starts_with("Staff No,Full Name,Work Email,Job Title,Site,Unit,Pager,reason\n"),
        "{}",
        rejects.body
    );
    assert!(
        rejects.body.contains(
            "E2,Ben Import,not-an-email,nurse,A,,456,email: 'not-an-email' is not an email address"
        ),
        "{}",
        rejects.body
    );

    // Starting twice does nothing.
    let again = app
        .post_form(&lead, &at, &plan.replace("intent=preview", "intent=start"))
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(finished(&app, &token, id).await["counts"]["imported"], 2);
}

#[tokio::test]
async fn the_api_takes_a_raw_file_with_its_plan_in_the_query_and_answers_202() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    let request = Request::post(
        "/api/v1/imports/people?file_name=hr.csv&mode=all_or_nothing&map_employee_id=Staff%20No",
    )
    .header(header::AUTHORIZATION, format!("Bearer {token}"))
    .header(header::CONTENT_TYPE, "text/csv")
    .body(Body::from(ROSTER))
    .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    let location = reply.headers[header::LOCATION].to_str().unwrap().to_owned();
    let id = reply.json()["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/imports/{id}"));
    let job = finished(&app, &token, id).await;
    assert_eq!(
        job["status"], "failed",
        "all or nothing: one bad row, nothing written"
    );
    assert_eq!(job["counts"]["imported"], 0);
    assert_eq!(job["row_errors"][0]["row"], 3);
    assert_eq!(job["row_errors"][0]["field"], "email");
    let rejects = app
        .api(
            &token,
            Method::GET,
            job["rejects_url"].as_str().unwrap(),
            None,
        )
        .await;
    assert!(
        rejects.body.lines().nth(1).unwrap().starts_with("E2,"),
        "{}",
        rejects.body
    );
    let list = app
        .api(&token, Method::GET, "/api/v1/imports", None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    let openapi = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    assert!(openapi["paths"]["/api/v1/imports/people"]["post"].is_object());
    assert!(openapi["paths"]["/api/v1/imports/completions"]["post"].is_object());
    assert!(openapi["paths"]["/api/v1/imports"]["post"].is_object());
}

#[tokio::test]
async fn a_file_whose_columns_do_not_fit_is_refused_at_once_field_by_field() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    let body = multipart(
        None,
        &[("mode", "valid_rows")],
        ("x.csv", b"Name,Colour\nAna,blue\n"),
    );
    let reply = app
        .send(post("/api/v1/imports/people", body, None, Some(&token)))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let fields: Vec<String> = reply.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["employee_id", "email", "job_role"]);

    let zip = b"PK\x03\x04 this is no workbook";
    let reply = app
        .send(post(
            "/api/v1/imports/people",
            multipart(None, &[], ("roster.xlsx", zip)),
            None,
            Some(&token),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.field_errors()[0].1.contains("Excel workbook"),
        "{}",
        reply.body
    );

    let reply = app
        .send(post(
            "/api/v1/imports/people",
            multipart(None, &[("mode", "sometimes")], ("x.csv", ROSTER.as_bytes())),
            None,
            Some(&token),
        ))
        .await;
    assert_eq!(reply.field_errors()[0].0, "mode");
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_the_limit_named() {
    let config = WebConfig {
        import_max_bytes: 1024 * 1024,
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let token = app.token(AccessRole::Admin).await;
    let big = vec![b'x'; 1024 * 1024 + 200 * 1024];
    let reply = app
        .send(post(
            "/api/v1/imports/people",
            multipart(None, &[], ("big.csv", &big)),
            None,
            Some(&token),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("import limit of 1 MiB"),
        "{}",
        reply.body
    );
    // Without a length up front, the count while streaming stops it.
    let chunks = futures_util::stream::iter(
        (0..20).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 100 * 1024])),
    );
    let request = Request::post("/api/v1/imports/people?file_name=big.csv")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from_stream(chunks))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.body
    );
    let lead = app.sign_in(AccessRole::Admin).await;
    let page = app
        .send(post(
            "/people/import",
            multipart(Some(&lead.csrf), &[], ("big.csv", &big)),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("import limit of 1 MiB"), "{}", page.body);
}

#[tokio::test]
async fn an_upload_form_without_its_csrf_token_is_refused() {
    let app = TestApp::new().await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let reply = app
        .send(post(
            "/people/import",
            multipart(None, &[], ("hr.csv", ROSTER.as_bytes())),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let wrong = app
        .send(post(
            "/people/import",
            multipart(Some("forged"), &[], ("hr.csv", ROSTER.as_bytes())),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_leads_import_and_a_site_lead_follows_only_their_own_imports() {
    let app = TestApp::new().await;
    let trainer = app.token(AccessRole::Trainer).await;
    let reply = app
        .send(post(
            "/api/v1/imports/people",
            multipart(None, &[], ("hr.csv", ROSTER.as_bytes())),
            None,
            Some(&trainer),
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "trainers import completions only"
    );
    // Analysts may import, but only KPI measurements: a roster is refused.
    let analyst = app.token(AccessRole::Analyst).await;
    let reply = app
        .send(post(
            "/api/v1/imports/people",
            multipart(None, &[], ("hr.csv", ROSTER.as_bytes())),
            None,
            Some(&analyst),
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "analysts import measurements only"
    );
    for role in [
        AccessRole::EndUser,
        AccessRole::Vendor,
        AccessRole::Executive,
        AccessRole::Champion,
    ] {
        let token = app.token(role).await;
        let reply = app
            .send(post(
                "/api/v1/imports/people",
                multipart(None, &[], ("hr.csv", ROSTER.as_bytes())),
                None,
                Some(&token),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(
            app.api(&token, Method::GET, "/api/v1/imports", None)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
    let admin = app.token(AccessRole::Admin).await;
    let body = multipart(
        None,
        &[("mode", "valid_rows"), ("map_employee_id", "Staff No")],
        ("hr.csv", ROSTER.as_bytes()),
    );
    let reply = app
        .send(post("/api/v1/imports/people", body, None, Some(&admin)))
        .await;
    let admins = reply.json()["id"].as_i64().unwrap();
    finished(&app, &admin, admins).await;

    let site_lead = app.token(AccessRole::SiteLead).await;
    let body = multipart(
        None,
        &[("mode", "valid_rows"), ("map_employee_id", "Staff No")],
        ("hr.csv", ROSTER.as_bytes()),
    );
    let reply = app
        .send(post("/api/v1/imports/people", body, None, Some(&site_lead)))
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    let own = finished(&app, &site_lead, reply.json()["id"].as_i64().unwrap()).await;
    // E3 is at site B, outside the lead's site A; E1 is unchanged, E2 has a bad email.
    assert_eq!(own["counts"]["rejected"], 2, "{own}");
    assert!(
        own["row_errors"]
            .to_string()
            .contains("sites assigned to you"),
        "{own}"
    );
    let theirs = app
        .api(&site_lead, Method::GET, "/api/v1/imports", None)
        .await
        .json();
    assert_eq!(theirs["total"], 1);
    let other = app
        .api(
            &site_lead,
            Method::GET,
            &format!("/api/v1/imports/{admins}"),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}
