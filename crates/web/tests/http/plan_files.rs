//! Plan files through the pages and the API: a Microsoft Project file uploaded through the
//! form (with its CSRF token) becomes the plan; a file with problems is shown again with
//! each one and writes nothing; the API answers counts or a problem document; the export
//! in CSV and XLSX, who may do which, and an export imported again.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::Value;

use crate::imports::{multipart, post};
use crate::support::{Reply, TestApp};

const MS_PROJECT: &[u8] = include_bytes!("../../../import/tests/fixtures/plan/ms_project.xml");
const PROJECTLIBRE: &[u8] = include_bytes!("../../../import/tests/fixtures/plan/projectlibre.xml");

/// The file itself as the body of `POST /api/v1/tasks/import{query}`.
async fn upload(app: &TestApp, token: &str, query: &str, content_type: &str, body: &[u8]) -> Reply {
    let request = Request::post(format!("/api/v1/tasks/import{query}"))
        .header(header::CONTENT_TYPE, content_type)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body.to_vec()))
        .unwrap();
    app.send(request).await
}

async fn task_count(app: &TestApp, token: &str) -> u64 {
    app.api(token, Method::GET, "/api/v1/schedule?limit=1", None)
        .await
        .json()["tasks"]["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_program_lead_imports_a_microsoft_project_file_through_the_page() {
    let app = TestApp::new().await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let plan = app.page(&lead, "/plan").await;
    for link in [
        "href=\"/plan/import\"",
        "href=\"/api/v1/tasks.csv\"",
        "href=\"/api/v1/tasks.xlsx\"",
    ] {
        assert!(plan.body.contains(link), "/plan links {link}");
    }
    let form = app.page(&lead, "/plan/import").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("the file&#x27;s tasks become the plan")
            || form.body.contains("tasks become the plan")
    );

    // Without the form's CSRF token the upload is refused before it is read.
    let forged = app
        .send(post(
            "/plan/import",
            multipart(None, &[], ("rollout.xml", MS_PROJECT)),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);

    let reply = app
        .send(post(
            "/plan/import",
            multipart(Some(&lead.csrf), &[], ("rollout.xml", MS_PROJECT)),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.headers[header::LOCATION], "/plan");
    let page = app.follow(&lead, &reply).await;
    assert!(
        page.contains("Loaded 6 task(s) and 4 dependency(ies) from rollout.xml as the plan")
            && page.contains("starts on 2027-03-01"),
        "{page}"
    );
    assert!(
        page.contains("Design &#38; build") && page.contains("Integrated test"),
        "{page}"
    );
    assert!(
        page.contains("Project start 2027-03-01"),
        "the file's calendar"
    );

    // A second file goes under a task named after it.
    let again = app
        .send(post(
            "/plan/import",
            multipart(Some(&lead.csrf), &[], ("lab.xml", PROJECTLIBRE)),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let page = app.follow(&lead, &again).await;
    assert!(
        page.contains("under the new top-level task &#39;lab.xml&#39;"),
        "{page}"
    );
    let token = app.token(AccessRole::ProgramLead).await;
    assert_eq!(task_count(&app, &token).await, 6 + 1 + 3);
}

#[tokio::test]
async fn a_file_with_problems_is_shown_again_with_each_one_and_nothing_is_written() {
    let app = TestApp::new().await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let bad = "id,name,duration,predecessors\n1,Design,3,\n2,Build,-2,1\n3,Test,1,44\n";
    let reply = app
        .send(post(
            "/plan/import",
            multipart(
                Some(&lead.csrf),
                &[("project_start", "2027-03-01")],
                ("tasks.csv", bad.as_bytes()),
            ),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    for text in [
        "The file has 2 problems; nothing was imported.",
        "<td>row 3</td><td>duration</td><td>cannot be negative</td>",
        "<td>row 4</td><td>predecessors</td><td>44 names no task</td>",
        "value=\"2027-03-01\"",
    ] {
        assert!(reply.body.contains(text), "{text} in {}", reply.body);
    }
    let token = app.token(AccessRole::ProgramLead).await;
    assert_eq!(task_count(&app, &token).await, 0);
    let missing = app
        .send(post(
            "/plan/import",
            multipart(
                Some(&lead.csrf),
                &[],
                ("tasks.csv", b"Task,Owner\nDesign,x\n"),
            ),
            Some(&lead),
            None,
        ))
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("<td>the file</td><td>Id</td>")
            && missing.body.contains("<td>the file</td><td>Duration</td>"),
        "{}",
        missing.body
    );
}

#[tokio::test]
async fn the_api_imports_a_file_or_answers_its_problems_as_a_problem_document() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::ProgramLead).await;
    let reply = upload(
        &app,
        &token,
        "?file_name=rollout.xml",
        "application/xml",
        MS_PROJECT,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let done = reply.json();
    assert_eq!(done["tasks"], 6);
    assert_eq!(done["dependencies"], 4);
    assert_eq!(done["holidays"], 1);
    assert_eq!(done["format"], "mspdi");
    assert_eq!(done["calendar_applied"], true);
    assert_eq!(done["branch"], Value::Null);

    let truncated = &MS_PROJECT[..MS_PROJECT.len() / 2];
    let reply = upload(&app, &token, "", "application/xml", truncated).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert_eq!(reply.content_type(), "application/problem+json");
    let problem = reply.json();
    assert_eq!(problem["total"], 1);
    let first = &problem["errors"][0];
    assert!(
        first["at"].as_str().unwrap().starts_with("line "),
        "{problem}"
    );
    assert!(
        first["message"].as_str().unwrap().contains("(truncated?)"),
        "{problem}"
    );

    // Multipart works too; a dangling link is named by its task and element.
    let dangling = String::from_utf8_lossy(PROJECTLIBRE).replace(
        "<PredecessorUID>2</PredecessorUID>",
        "<PredecessorUID>44</PredecessorUID>",
    );
    let reply = app
        .send(post(
            "/api/v1/tasks/import",
            multipart(None, &[], ("lab.xml", dangling.as_bytes())),
            None,
            Some(&token),
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let problem = reply.json();
    assert_eq!(problem["errors"][0]["at"], "Task UID 3 (line 55)");
    assert_eq!(problem["errors"][0]["field"], "<PredecessorUID>");
    assert_eq!(problem["errors"][0]["message"], "44 names no task");
    assert_eq!(
        task_count(&app, &token).await,
        6,
        "the refused files wrote nothing"
    );
    let openapi = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    assert!(openapi["paths"]["/api/v1/tasks/import"]["post"].is_object());
    assert!(openapi["paths"]["/api/v1/tasks.csv"]["get"].is_object());
    assert!(openapi["paths"]["/api/v1/tasks.xlsx"]["get"].is_object());
    assert!(openapi["components"]["schemas"]["ImportProblem"].is_object());
}

#[tokio::test]
async fn the_plan_exports_as_csv_and_xlsx_and_the_export_imports_again() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::ProgramLead).await;
    let reply = upload(
        &app,
        &token,
        "?file_name=rollout.xml",
        "application/xml",
        MS_PROJECT,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let csv = app
        .api(&token, Method::GET, "/api/v1/tasks.csv", None)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "id,parent,outline_level,name,duration,milestone,constraint_kind,constraint_date,percent_complete,actual_start,actual_finish,predecessors,owner_email,site_code,wave,module_code,notes,early_start,early_finish,late_start,late_finish,total_float,critical"
    );
    assert_eq!(lines.len(), 7, "a header and six tasks");
    let build = lines.iter().find(|l| l.contains(",Build,")).unwrap();
    assert!(
        build.contains(",5,no,") && build.ends_with(",yes"),
        "{build}"
    );
    let xlsx = app
        .api(&token, Method::GET, "/api/v1/tasks.xlsx", None)
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type().contains("spreadsheetml"));
    assert!(xlsx.body.as_bytes().starts_with(b"PK"), "a ZIP workbook");

    // The export imports again: under a new top-level task, the same six tasks and links.
    let reply = upload(
        &app,
        &token,
        "?file_name=export.csv",
        "text/csv",
        csv.body.as_bytes(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(reply.json()["tasks"], 6);
    assert_eq!(reply.json()["dependencies"], 4);
    assert_eq!(reply.json()["branch"], "export.csv");
    assert_eq!(task_count(&app, &token).await, 13);
}

#[tokio::test]
async fn who_may_import_and_export_a_plan() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let reply = upload(
        &app,
        &lead,
        "?file_name=rollout.xml",
        "application/xml",
        MS_PROJECT,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    // Importing adds tasks program-wide: not for site leads, analysts or vendors.
    for role in [
        AccessRole::SiteLead,
        AccessRole::Analyst,
        AccessRole::Vendor,
        AccessRole::EndUser,
    ] {
        let token = app.token(role).await;
        let reply = upload(
            &app,
            &token,
            "?file_name=x.xml",
            "application/xml",
            PROJECTLIBRE,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{role:?}: {}",
            reply.body
        );
    }
    let session = app.sign_in(AccessRole::SiteLead).await;
    assert_eq!(
        app.page(&session, "/plan/import").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !app.page(&session, "/plan")
            .await
            .body
            .contains("href=\"/plan/import\"")
    );
    // Reading the plan is exporting it, but owners' emails only for who reads all people.
    let owned = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/tasks",
            Some(serde_json::json!({"name": "Owned", "duration": 1, "owner_person_id": app.f.person_a})),
        )
        .await;
    assert_eq!(owned.status, StatusCode::CREATED, "{}", owned.body);
    let as_lead = app.api(&lead, Method::GET, "/api/v1/tasks.csv", None).await;
    assert!(
        as_lead.body.contains("ana.alpha@test.example"),
        "{}",
        as_lead.body
    );
    let end_user = app.token(AccessRole::EndUser).await;
    assert_eq!(
        app.api(&end_user, Method::GET, "/api/v1/tasks.csv", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let vendor = app.token(AccessRole::Vendor).await;
    let as_vendor = app
        .api(&vendor, Method::GET, "/api/v1/tasks.csv", None)
        .await;
    assert_eq!(as_vendor.status, StatusCode::OK);
    assert!(as_vendor.body.contains(",Owned,") && !as_vendor.body.contains("ana.alpha@"));
    assert_eq!(
        task_count(&app, &lead).await,
        7,
        "the refused imports wrote nothing"
    );
}
