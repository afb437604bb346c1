//! Evidence files on attestations: uploaded with the attestation form or later by its
//! author through the API, listed on the history, downloaded as attachments by whoever may
//! read that site's readiness; files too large or of the wrong kind refused by name.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use muster_domain::readiness::attestation::EVIDENCE;
use serde_json::{Value, json};

use super::setup;
use crate::support::{Reply, Session, TestApp};
use crate::training::{created, id};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const CSV: &[u8] = b"room,device,deployed\n4 North 12,WOW-0042,yes\n";

/// A multipart body: `fields` first (as forms send the CSRF token), then `files` as
/// `files` parts.
fn multipart(fields: &[(&str, String)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "EvidenceBoundary7";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The site page's attestation form, posted as a browser would.
async fn post_form(
    app: &TestApp,
    session: &Session,
    csrf: &str,
    fields: &[(&str, String)],
    files: &[(&str, &[u8])],
) -> Reply {
    let mut all = vec![("csrf_token", csrf.to_owned())];
    all.extend(fields.iter().cloned());
    let (kind, body) = multipart(&all, files);
    app.send(
        Request::post("/readiness/attestations")
            .header(header::CONTENT_TYPE, kind)
            .header(header::HOST, "muster.test")
            .header(header::COOKIE, session.cookie_header())
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Evidence files sent to `POST /api/v1/readiness/attestations/{id}/evidence`.
async fn upload(app: &TestApp, token: &str, attestation: i64, files: &[(&str, &[u8])]) -> Reply {
    let (kind, body) = multipart(&[], files);
    app.send(
        Request::post(format!(
            "/api/v1/readiness/attestations/{attestation}/evidence"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, kind)
        .body(Body::from(body))
        .unwrap(),
    )
    .await
}

/// The page the form's redirect leads to, with its flash message.
async fn follow(app: &TestApp, session: &Session, reply: &Reply) -> String {
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "{}",
        reply.body.split("<main").nth(1).unwrap_or(&reply.body)
    );
    app.follow(session, reply).await
}

fn header_of(reply: &Reply, name: header::HeaderName) -> &str {
    reply
        .headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// An attestation by `token` with a JSON body, no files yet.
async fn attested(app: &TestApp, token: &str, criterion: i64, site: i64) -> i64 {
    let body = json!({"criterion_id": criterion, "site_id": site, "status": "met",
                      "evidence": "Rehearsal signed off"});
    id(&created(app, token, "/api/v1/readiness/attestations", body).await)
}

fn names(files: &Value) -> Vec<String> {
    files
        .as_array()
        .unwrap_or_else(|| panic!("a list of files: {files}"))
        .iter()
        .map(|f| f["file_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_attestation_form_carries_evidence_files_that_readers_of_the_site_download() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let site_page = app
        .page(
            &lead,
            &format!("/readiness/waves/{}/sites/{}", s.wave, app.f.site_a),
        )
        .await;
    assert!(
        site_page.body.contains("enctype=\"multipart/form-data\"")
            && site_page
                .body
                .contains(&format!("id=\"f-c{}-files\"", s.devices)),
        "the attestation form takes files: {}",
        site_page.body
    );
    let fields = [
        ("criterion_id", s.devices.to_string()),
        ("site_id", app.f.site_a.to_string()),
        ("status", "met".to_owned()),
        ("evidence", "Devices deployed on every unit".to_owned()),
    ];
    let forged = post_form(&app, &lead, "forged", &fields, &[("devices.csv", CSV)]).await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "the CSRF token is checked"
    );

    let posted = post_form(
        &app,
        &lead,
        &lead.csrf,
        &fields,
        &[("../devices.csv", CSV), ("sign-off.pdf", PDF)],
    )
    .await;
    let history = follow(&app, &lead, &posted).await;
    assert!(
        history.contains("Attested: Met, with 2 evidence files."),
        "{history}"
    );
    for shown in [
        "devices.csv",
        "sign-off.pdf",
        "45 bytes",
        "Test Program lead",
    ] {
        assert!(
            history.contains(shown),
            "the history shows {shown}: {history}"
        );
    }

    let list = app
        .api(
            &s.lead,
            Method::GET,
            &format!(
                "/api/v1/readiness/attestations?criterion_id={}&site_id={}",
                s.devices, app.f.site_a
            ),
            None,
        )
        .await
        .json();
    let a = &list[0];
    assert_eq!(names(&a["files"]), ["devices.csv", "sign-off.pdf"]);
    assert_eq!(a["files"][1]["content_type"], "application/pdf");
    assert_eq!(a["files"][1]["size"], PDF.len());
    let (attestation, pdf) = (id(a), id(&a["files"][1]));
    let href = format!("/readiness/attestations/{attestation}/evidence/{pdf}");
    assert!(
        history.contains(&href),
        "the history links the file: {history}"
    );

    let file = app.page(&lead, &href).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert_eq!(file.body.as_bytes(), PDF, "the bytes uploaded");
    assert_eq!(file.content_type(), "application/pdf");
    assert_eq!(
        header_of(&file, header::CONTENT_DISPOSITION),
        "attachment; filename=\"sign-off.pdf\""
    );
    assert_eq!(header_of(&file, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(header_of(&file, header::CONTENT_SECURITY_POLICY).contains("sandbox"));

    // Whoever reads the site's scorecard downloads; the API serves the same file.
    for role in [AccessRole::SiteLead, AccessRole::Executive] {
        let token = app.token(role).await;
        let api = app
            .api(&token, Method::GET, &format!("/api/v1{href}"), None)
            .await;
        assert_eq!(api.status, StatusCode::OK, "{role:?}: {}", api.body);
        assert_eq!(api.body.as_bytes(), PDF, "{role:?}");
    }
    let user = app.token(AccessRole::EndUser).await;
    let refused = app
        .api(&user, Method::GET, &format!("/api/v1{href}"), None)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "end users see no readiness"
    );
}

#[tokio::test]
async fn a_file_too_large_or_of_the_wrong_kind_is_refused_by_name() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let mut big = PDF.to_vec();
    big.resize(EVIDENCE.max_bytes + 1, b' ');
    let fields = [
        ("criterion_id", s.downtime.to_string()),
        ("site_id", app.f.site_a.to_string()),
        ("status", "met".to_owned()),
        ("evidence", "Downtime binders on every unit".to_owned()),
    ];
    let posted = post_form(
        &app,
        &lead,
        &lead.csrf,
        &fields,
        &[
            ("binder.pdf", PDF),
            ("downtime-procedures.pdf", &big),
            ("notes.exe", b"MZ\x90\x00\x03\x00"),
        ],
    )
    .await;
    // The site page again, the file named beside the file input with the other refused
    // file and the typed fields kept.
    assert_eq!(
        posted.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        posted.body
    );
    let c = s.downtime;
    posted.has(&[
        &format!(
            "<p class=\"error\" id=\"e-c{c}-files\">downtime-procedures.pdf is too large: evidence files may be at most 10 MiB each"
        ),
        "; notes.exe is not",
        &format!("id=\"f-c{c}-files\" name=\"files\" type=\"file\" multiple"),
        "aria-invalid=\"true\"",
        ">Downtime binders on every unit</textarea>",
        "value=\"met\" checked",
        "Any files chosen were not kept: choose them again.",
    ]);
    let none = app
        .api(
            &s.lead,
            Method::GET,
            &format!("/api/v1/readiness/attestations?criterion_id={}", s.downtime),
            None,
        )
        .await
        .json();
    assert_eq!(none, json!([]), "nothing recorded without its evidence");

    let a = attested(&app, &s.lead, s.downtime, app.f.site_a).await;
    let too_big = upload(&app, &s.lead, a, &[("downtime-procedures.pdf", &big)]).await;
    assert_eq!(
        too_big.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_big.body
    );
    let errors = too_big.field_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "files");
    assert!(
        errors[0]
            .1
            .starts_with("downtime-procedures.pdf is too large"),
        "{errors:?}"
    );

    let disguised = upload(&app, &s.lead, a, &[("plan.pdf", b"MZ\x90\x00\x03\x00")]).await;
    assert_eq!(disguised.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        disguised.field_errors()[0]
            .1
            .starts_with("plan.pdf is not a PDF"),
        "{}",
        disguised.body
    );
    let empty = upload(&app, &s.lead, a, &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed = app
        .api(
            &s.lead,
            Method::GET,
            &format!("/api/v1/readiness/attestations/{a}/evidence"),
            None,
        )
        .await;
    assert_eq!(listed.json(), json!([]), "refused files are not kept");
}

#[tokio::test]
async fn only_the_author_adds_evidence_and_other_sites_evidence_stays_hidden() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    // The lead's attestation at site B, with evidence added afterwards through the API.
    let at_b = attested(&app, &s.lead, s.devices, app.f.site_b).await;
    let added = upload(&app, &s.lead, at_b, &[("devices.csv", CSV)]).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let file = id(&added.json()[0]);
    assert_eq!(added.json()[0]["uploaded_by"], "Test Program lead");
    let more = upload(&app, &s.lead, at_b, &[("sign-off.pdf", PDF)]).await;
    assert_eq!(more.status, StatusCode::CREATED, "added, not replaced");
    let list_b = format!("/api/v1/readiness/attestations/{at_b}/evidence");
    let listed = app.api(&s.lead, Method::GET, &list_b, None).await.json();
    assert_eq!(names(&listed), ["devices.csv", "sign-off.pdf"]);

    // The site lead holds site A only: site B's evidence is not there for them.
    let site_lead = app.token(AccessRole::SiteLead).await;
    let file_b = format!("{list_b}/{file}");
    for path in [&list_b, &file_b] {
        let hidden = app.api(&site_lead, Method::GET, path, None).await;
        assert_eq!(
            hidden.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            hidden.body
        );
    }
    let session = app.sign_in(AccessRole::SiteLead).await;
    let page = app
        .page(
            &session,
            &format!("/readiness/attestations/{at_b}/evidence/{file}"),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Who may not attest may not attach; nor may anyone but the author.
    let exec = app.token(AccessRole::Executive).await;
    let refused = upload(&app, &exec, at_b, &[("x.csv", CSV)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let at_a = attested(&app, &s.lead, s.devices, app.f.site_a).await;
    let not_author = upload(&app, &site_lead, at_a, &[("x.csv", CSV)]).await;
    assert_eq!(
        not_author.status,
        StatusCode::FORBIDDEN,
        "{}",
        not_author.body
    );
    assert!(
        not_author.body.contains("Test Program lead"),
        "names the author: {}",
        not_author.body
    );
    let own = attested(&app, &site_lead, s.devices, app.f.site_a).await;
    let ok = upload(&app, &site_lead, own, &[("walk.csv", CSV)]).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);

    let audit = app
        .api(
            &app.token(AccessRole::Admin).await,
            Method::GET,
            "/api/v1/audit?entity=readiness_evidence",
            None,
        )
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let entries = audit.json()["items"].as_array().map_or(0, Vec::len);
    assert_eq!(entries, 3, "one audit entry per upload: {}", audit.body);
}
