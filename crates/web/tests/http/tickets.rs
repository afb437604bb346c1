//! The command center's tickets through the API and the pages: intake, numbering,
//! idempotency, who sees what, honest closing, optimistic locking, similar tickets,
//! merging, attachments, the rules (breach, escalation), the live stream and mail.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::{TestApp, email};

fn ticket(app: &TestApp, summary: &str) -> Value {
    json!({"site_id": app.f.site_a, "summary": summary, "what_happened": "It happened at the nurses' station"})
}

async fn file(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app
        .api(token, Method::POST, "/api/v1/tickets", Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()
}

#[tokio::test]
async fn tickets_are_numbered_triaged_and_routed_at_once() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let first = file(&app, &user, ticket(&app, "Cannot sign discharge orders")).await;
    let second = file(&app, &user, json!({"site_id": app.f.site_a, "summary": "Wrong patient banner",
        "what_happened": "Banner shows another patient", "patient_safety": true, "impact": "low", "urgency": "low"})).await;
    assert_eq!(first["number"], 1);
    assert_eq!(second["number"], 2);
    assert_eq!(first["status"], "new");
    assert_eq!(first["priority"], "p3");
    assert_eq!(
        second["priority"], "p1",
        "patient safety always yields the top priority"
    );
    assert!(second["sla"]["response_left_seconds"].as_i64().unwrap() <= 15 * 60);
    let teams = app
        .store
        .all_support_teams(app.operator.program_id)
        .await
        .unwrap();
    assert_eq!(
        first["team_id"], teams[0].id,
        "unrouted tickets wait in the triage queue"
    );

    let bad = app
        .api(
            &user,
            Method::POST,
            "/api/v1/tickets",
            Some(json!({"site_id": 999_999, "summary": " ", "what_happened": "x"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.field_errors().iter().any(|(f, _)| f == "summary"));
    let unknown_site = app
        .api(
            &user,
            Method::POST,
            "/api/v1/tickets",
            Some(json!({"site_id": 999_999, "summary": "x", "what_happened": "x"})),
        )
        .await;
    assert_eq!(unknown_site.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_site.field_errors()[0].0, "site_id");
}

#[tokio::test]
async fn a_double_submission_returns_the_same_ticket() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let send = || {
        Request::post("/api/v1/tickets")
            .header(header::AUTHORIZATION, format!("Bearer {user}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "click-1")
            .body(Body::from(ticket(&app, "Printer offline").to_string()))
            .unwrap()
    };
    let once = app.send(send()).await;
    let twice = app.send(send()).await;
    assert_eq!(once.status, StatusCode::CREATED);
    assert_eq!(twice.status, StatusCode::OK);
    assert_eq!(once.json()["id"], twice.json()["id"]);
    let mine = app
        .api(&user, Method::GET, "/api/v1/tickets?mine=true", None)
        .await
        .json();
    assert_eq!(mine["total"], 1);
}

#[tokio::test]
async fn a_burst_is_numbered_without_gaps_and_a_bad_ticket_is_refused_alone() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let send = |body: Value, key: Option<&'static str>| {
        let mut request = Request::post("/api/v1/tickets")
            .header(header::AUTHORIZATION, format!("Bearer {user}"))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        app.send(request.body(Body::from(body.to_string())).unwrap())
    };
    let mut requests = Vec::new();
    for i in 0..27 {
        requests.push(send(ticket(&app, &format!("Burst ticket {i}")), None));
    }
    let wrong_unit = json!({"site_id": app.f.site_a, "unit_id": app.f.unit_b,
        "summary": "Unit of another site", "what_happened": "x"});
    requests.push(send(wrong_unit, None));
    requests.push(send(ticket(&app, "Double click"), Some("burst-key")));
    requests.push(send(ticket(&app, "Double click"), Some("burst-key")));
    let replies = futures_util::future::join_all(requests).await;

    let refused = &replies[27];
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.field_errors()[0].0, "unit_id");
    let (a, b) = (replies[28].json(), replies[29].json());
    assert_eq!(
        a["id"], b["id"],
        "the same key twice in one burst is one ticket"
    );
    let mut statuses = [replies[28].status, replies[29].status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
    let mut numbers: Vec<i64> = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .map(|r| r.json()["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=28).collect::<Vec<_>>());
}

#[tokio::test]
async fn requesters_see_their_own_tickets_only() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let champion = app.token(AccessRole::Champion).await;
    let other = file(&app, &champion, ticket(&app, "Scanner will not pair")).await;
    let mine = file(&app, &user, ticket(&app, "Cannot find my worklist")).await;
    let list = app
        .api(&user, Method::GET, "/api/v1/tickets", None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine["id"]);
    let peek = app
        .api(
            &user,
            Method::GET,
            &format!("/api/v1/tickets/{}", other["id"]),
            None,
        )
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);
    let triage = app
        .api(
            &user,
            Method::PATCH,
            &format!("/api/v1/tickets/{}", mine["id"]),
            Some(json!({"impact": "high"})),
        )
        .await;
    assert_eq!(triage.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_ticket_closes_honestly_and_the_requester_is_told() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let analyst = app.token(AccessRole::Analyst).await;
    let t = file(&app, &user, ticket(&app, "Cannot print wristbands")).await;
    let path = format!("/api/v1/tickets/{}", t["id"]);
    let bare = app
        .api(
            &analyst,
            Method::PATCH,
            &path,
            Some(json!({"status": "resolved"})),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bare.field_errors().into_iter().map(|(f, _)| f).collect();
    assert!(
        fields.contains(&"resolution_code".into()) && fields.contains(&"resolution_note".into())
    );

    let stale = app
        .api(
            &analyst,
            Method::PATCH,
            &path,
            Some(json!({"version": 0, "comment": "looking"})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.field_errors()[0].0, "version");

    let done = app
        .api(
            &analyst,
            Method::PATCH,
            &path,
            Some(json!({"version": 1, "status": "resolved",
            "resolution_code": "fixed", "resolution_note": "Printer driver reinstalled"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["status"], "resolved");
    let told = app
        .api(&user, Method::GET, "/api/v1/notifications", None)
        .await
        .json();
    assert!(
        told[0]["message"].as_str().unwrap().contains("resolved"),
        "{told}"
    );

    let reopen = app
        .api(
            &user,
            Method::PATCH,
            &path,
            Some(json!({"status": "reopened", "comment": "Still fails on ward 3"})),
        )
        .await;
    assert_eq!(reopen.status, StatusCode::OK, "{}", reopen.body);
    assert_eq!(reopen.json()["reopen_count"], 1);
    let events = app
        .api(&user, Method::GET, &format!("{path}/events"), None)
        .await
        .json();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"created"));
    assert!(kinds.contains(&"status"));
}

#[tokio::test]
async fn a_refused_ticket_form_comes_back_with_what_was_typed_and_writes_nothing() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let t = file(&app, &user, ticket(&app, "Cannot print wristbands")).await;
    let id = t["id"].as_i64().unwrap();
    let path = format!("/tickets/{id}");
    let staff = app.sign_in(AccessRole::Analyst).await;

    // Resolving without a note: the page again, the note's error beside it, nothing lost.
    let bare = app
        .post_form(
            &staff,
            &path,
            "version=1&status=resolved&resolution_code=fixed&resolution_note=&comment=Driver+reinstalled+on+ward+3",
        )
        .await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bare.body
    );
    assert!(
        bare.body.contains("id=\"e-resolution_note\""),
        "the note's error"
    );
    assert!(
        bare.body
            .contains(">Driver reinstalled on ward 3</textarea>"),
        "the comment typed"
    );
    assert!(
        bare.body.contains("<option value=\"fixed\" selected>"),
        "the resolution code chosen"
    );
    assert!(
        bare.body.contains("<option value=\"resolved\" selected>"),
        "the status chosen"
    );

    // Someone changed the ticket since it was read: 409, the comment kept, the reason shown.
    let stale = app
        .post_form(&staff, &path, "version=0&comment=Looking+now")
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale.body.contains(">Looking now</textarea>"),
        "the comment typed"
    );
    assert!(
        stale.body.contains("version: "),
        "the clash named above the form"
    );

    // A merge into something that is not a ticket number: the number typed, its error.
    let merge = app
        .post_form(&staff, &format!("{path}/merge"), "into=wristband")
        .await;
    assert_eq!(merge.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(merge.body.contains("id=\"e-into\"") && merge.body.contains("value=\"wristband\""));

    // A change request without its justification: the title typed, the error beside it.
    let change = app
        .post_form(
            &staff,
            &format!("{path}/change-requests"),
            "change_kind=workflow&module_id=&title=Print+from+the+ward&justification=",
        )
        .await;
    assert_eq!(
        change.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        change.body
    );
    assert!(
        change.body.contains("value=\"Print from the ward\""),
        "the title typed"
    );
    assert!(
        change.body.contains("id=\"e-justification\""),
        "the justification's error"
    );

    // None of it was written.
    let now = app
        .api(&user, Method::GET, &format!("/api/v1/tickets/{id}"), None)
        .await
        .json();
    assert_eq!(
        (now["status"].as_str(), now["version"].as_i64()),
        (Some("new"), Some(1)),
        "{now}"
    );
    let events = app
        .api(
            &user,
            Method::GET,
            &format!("/api/v1/tickets/{id}/events"),
            None,
        )
        .await
        .json();
    assert_eq!(
        events.as_array().unwrap().len(),
        1,
        "only its creation: {events}"
    );

    // Once resolved the ticket no longer offers a merge: a refused merge says why on the
    // page the redirect leads to, instead of drawing a form the page does not show.
    let analyst = app.token(AccessRole::Analyst).await;
    let resolved = app
        .api(
            &analyst,
            Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            Some(json!({"status": "resolved", "resolution_code": "fixed",
                "resolution_note": "Driver reinstalled"})),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.body);
    let gone = app
        .post_form(&staff, &format!("{path}/merge"), "into=999")
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let next = app.follow(&staff, &gone).await;
    assert!(next.contains("there is no ticket 999"), "{next}");
}

#[tokio::test]
async fn similar_tickets_are_found_and_duplicates_merged() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let nurse = app.token(AccessRole::Champion).await;
    let analyst = app.token(AccessRole::Analyst).await;
    let keep = file(&app, &user, ticket(&app, "Label printer jams on 4 West")).await;
    file(&app, &user, ticket(&app, "Cannot open the MAR")).await;
    let dup = file(
        &app,
        &nurse,
        ticket(&app, "4 West label printer jams again"),
    )
    .await;
    // Search takes new tickets within muster_store::ticket::SEARCH_LAG, not at once.
    let deadline = std::time::Instant::now() + 3 * muster_store::ticket::SEARCH_LAG;
    let (found, numbers) = loop {
        let found = app
            .api(
                &analyst,
                Method::GET,
                "/api/v1/tickets/similar?q=printer%20jams",
                None,
            )
            .await
            .json();
        let numbers: Vec<i64> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["number"].as_i64().unwrap())
            .collect();
        if numbers.contains(&3) || std::time::Instant::now() > deadline {
            break (found, numbers);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        numbers.contains(&1) && numbers.contains(&3) && !numbers.contains(&2),
        "{found}"
    );
    let searched = app
        .api(&analyst, Method::GET, "/api/v1/tickets?q=printer", None)
        .await
        .json();
    assert_eq!(searched["total"], 2);

    let merged = app
        .api(
            &analyst,
            Method::POST,
            &format!("/api/v1/tickets/{}/merge", dup["id"]),
            Some(json!({"into": keep["number"]})),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(merged.json()["status"], "merged");
    let told = app
        .api(&nurse, Method::GET, "/api/v1/notifications", None)
        .await
        .json();
    assert!(told[0]["message"].as_str().unwrap().contains("merged"));
    // The duplicate's requester now hears of the kept ticket's progress too.
    app.api(&analyst, Method::PATCH, &format!("/api/v1/tickets/{}", keep["id"]),
        Some(json!({"status": "resolved", "resolution_code": "fixed", "resolution_note": "New rollers"}))).await;
    let told = app
        .api(&nurse, Method::GET, "/api/v1/notifications", None)
        .await
        .json();
    assert!(
        told[0]["message"].as_str().unwrap().contains("New rollers"),
        "{told}"
    );
}

fn multipart(csrf: &str, summary: &str, site: i64, file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "XmusterX";
    let mut body = Vec::new();
    for (name, value) in [
        ("csrf_token", csrf.to_owned()),
        ("idempotency_key", "k1".into()),
        ("site_id", site.to_string()),
        ("summary", summary.into()),
        ("what_happened", "Screen froze".into()),
    ] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{}\"\r\nContent-Type: image/png\r\n\r\n", file.0).as_bytes());
    body.extend(file.1);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_intake_form_takes_screenshots_and_refuses_other_files() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::EndUser).await;
    let form = app.page(&session, "/tickets/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    let post = |(kind, body): (String, Vec<u8>)| {
        Request::post("/tickets")
            .header(header::CONTENT_TYPE, kind)
            .header(header::HOST, "muster.test")
            .header(header::COOKIE, session.cookie_header())
            .body(Body::from(body))
            .unwrap()
    };
    let png = b"\x89PNG\r\n\x1a\n-fake-but-png-signed";
    let bad = app
        .send(post(multipart(
            &session.csrf,
            "Frozen screen",
            app.f.site_a,
            ("notes.exe", b"MZ\x90\x00"),
        )))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("notes.exe is not a PNG"), "{}", bad.body);
    let forged = app
        .send(post(multipart(
            "wrong",
            "Frozen screen",
            app.f.site_a,
            ("a.png", png),
        )))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let ok = app
        .send(post(multipart(
            &session.csrf,
            "Frozen screen",
            app.f.site_a,
            ("shot.png", png),
        )))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let location = ok.headers[header::LOCATION].to_str().unwrap().to_owned();
    let page = app.page(&session, &location).await;
    assert!(page.body.contains("shot.png") && page.body.contains("Frozen screen"));
    let href = page
        .body
        .split("href=\"/tickets/")
        .find(|s| s.contains("/attachments/"))
        .unwrap();
    let file = app
        .page(
            &session,
            &format!("/tickets/{}", href.split('"').next().unwrap()),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.content_type(), "image/png");
    let list = app.page(&session, "/tickets").await;
    assert!(list.body.contains("My tickets") && list.body.contains("Frozen screen"));
}

#[tokio::test]
async fn a_screenshot_of_a_few_megabytes_is_taken_and_served_as_uploaded() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::EndUser).await;
    // Over axum's 2 MB extractor default, inside the 5 MiB attachment limit.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(3 * 1024 * 1024, 7);
    let (kind, body) = multipart(&session.csrf, "Big screen", app.f.site_a, ("big.png", &png));
    let ok = app
        .send(
            Request::post("/tickets")
                .header(header::CONTENT_TYPE, kind)
                .header(header::HOST, "muster.test")
                .header(header::COOKIE, session.cookie_header())
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let ticket: i64 = ok.headers[header::LOCATION].to_str().unwrap()["/tickets/".len()..]
        .parse()
        .unwrap();
    let lead = app.token(AccessRole::ProgramLead).await;
    let shown = app
        .api(
            &lead,
            Method::GET,
            &format!("/api/v1/tickets/{ticket}"),
            None,
        )
        .await
        .json();
    let files = app
        .store
        .ticket_attachments(app.operator.program_id, ticket)
        .await
        .unwrap();
    assert_eq!(files.len(), 1, "{shown}");
    assert_eq!(files[0].file.size, png.len() as i64);
    assert_eq!(files[0].file.uploaded_by.as_deref(), Some("Test End user"));
    let download = app
        .api(
            &lead,
            Method::GET,
            &format!("/api/v1/tickets/{ticket}/attachments/{}", files[0].file.id),
            None,
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.headers[header::CONTENT_DISPOSITION],
        "inline; filename=\"big.png\""
    );
    assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn the_rules_record_breaches_and_escalate_to_the_leads() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let t = file(
        &app,
        &user,
        json!({"site_id": app.f.site_a, "summary": "Wrong dose shown",
        "what_happened": "Heparin dose displays in mg", "patient_safety": true}),
    )
    .await;
    let later = chrono::Utc::now() + chrono::Duration::minutes(40);
    let report = app
        .store
        .sweep(app.operator.program_id, later)
        .await
        .unwrap();
    assert_eq!(
        report.breaches, 1,
        "the 15-minute response target has passed"
    );
    assert_eq!(report.escalations, 1);
    let analyst = app.token(AccessRole::Analyst).await;
    let got = app
        .api(
            &analyst,
            Method::GET,
            &format!("/api/v1/tickets/{}", t["id"]),
            None,
        )
        .await
        .json();
    assert_eq!(
        got["escalation_level"], 2,
        "an unassigned patient-safety ticket goes to the command center lead"
    );
    assert_eq!(got["sla"]["response_breached"], true);
    let again = app
        .store
        .sweep(app.operator.program_id, later)
        .await
        .unwrap();
    assert_eq!(
        again.breaches + again.escalations,
        0,
        "each breach is recorded once"
    );
    let summary = app
        .api(
            &analyst,
            Method::GET,
            "/api/v1/command-center/summary",
            None,
        )
        .await
        .json();
    assert_eq!(summary["open"], 1);
    assert_eq!(summary["patient_safety"], 1);
    let huddle = app
        .api(&analyst, Method::GET, "/api/v1/command-center/huddle", None)
        .await
        .json();
    assert_eq!(huddle["days"][0]["arrivals"], 1);
    let forbidden = app
        .api(&user, Method::GET, "/api/v1/command-center/summary", None)
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_new_ticket_reaches_a_connected_board_within_a_second() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let request = Request::get("/api/v1/command-center/stream")
        .header(header::AUTHORIZATION, format!("Bearer {lead}"))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    let first = tokio::time::timeout(Duration::from_secs(10), body.frame())
        .await
        .expect("the board's figures first");
    let first = first.unwrap().unwrap().into_data().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: summary"));
    let mut seen = String::new();
    let user = app.token(AccessRole::EndUser).await;
    let started = std::time::Instant::now();
    file(&app, &user, ticket(&app, "Badge reader down")).await;
    while !seen.contains("Badge reader down") {
        let left = Duration::from_secs(1).saturating_sub(started.elapsed());
        let frame = tokio::time::timeout(left, body.frame())
            .await
            .expect("the ticket within a second");
        if let Some(Ok(frame)) = frame
            && let Some(data) = frame.data_ref()
        {
            seen.push_str(&String::from_utf8_lossy(data));
        }
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(seen.contains("event: ticket"));
}

#[tokio::test]
async fn change_requests_go_to_whoever_holds_the_decision_right() {
    let app = TestApp::new().await;
    let user = app.token(AccessRole::EndUser).await;
    let analyst = app.token(AccessRole::Analyst).await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let t = file(&app, &user, ticket(&app, "Order set lacks sepsis bundle")).await;
    let raised = app
        .api(&analyst, Method::POST, &format!("/api/v1/tickets/{}/change-requests", t["id"]),
            Some(json!({"change_kind": "order_set", "title": "Add sepsis bundle", "justification": "Standard set has no lactate"})))
        .await;
    assert_eq!(raised.status, StatusCode::CREATED, "{}", raised.body);
    let cr = raised.json();
    assert!(cr["decider"].as_str().unwrap().contains("program lead"));
    let refused = app
        .api(
            &analyst,
            Method::POST,
            &format!("/api/v1/change-requests/{}/decision", cr["id"]),
            Some(json!({"status": "approved", "decision_note": "ok"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let decided = app
        .api(
            &lead,
            Method::POST,
            &format!("/api/v1/change-requests/{}/decision", cr["id"]),
            Some(json!({"status": "approved", "decision_note": "Safety first"})),
        )
        .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    let session = app.sign_in(AccessRole::EndUser).await;
    let page = app.page(&session, &format!("/tickets/{}", t["id"])).await;
    assert!(
        page.body.contains("Approved") && page.body.contains("Safety first"),
        "the ticket shows the decision"
    );
}

/// A minimal SMTP server: accepts one message and hands back what was sent.
async fn smtp_sink() -> (u16, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut conn = BufReader::new(socket);
        conn.get_mut()
            .write_all(b"220 sink ESMTP\r\n")
            .await
            .unwrap();
        let mut data = String::new();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if conn.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    conn.get_mut().write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                }
                continue;
            }
            let reply: &[u8] = match line.get(..4).unwrap_or_default() {
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    conn.get_mut().write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            conn.get_mut().write_all(reply).await.unwrap();
        }
        let _ = tx.send(data);
    });
    (port, rx)
}

#[tokio::test]
async fn status_changes_are_mailed_through_smtp() {
    let (port, received) = smtp_sink().await;
    let config = muster_web::WebConfig {
        smtp: Some(muster_web::SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "muster@test.example".into(),
        }),
        ..Default::default()
    };
    let app = TestApp::with_config(config.clone()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let state = muster_web::AppState::new(app.store.clone(), config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(muster_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let user = app.token(AccessRole::EndUser).await;
    let analyst = app.token(AccessRole::Analyst).await;
    let t = file(&app, &user, ticket(&app, "Cannot log in to the kiosk")).await;
    app.api(
        &analyst,
        Method::PATCH,
        &format!("/api/v1/tickets/{}", t["id"]),
        Some(json!({"status": "in_progress"})),
    )
    .await;
    let mail = tokio::time::timeout(Duration::from_secs(10), received)
        .await
        .expect("a mail within 10 s")
        .unwrap();
    assert!(
        mail.contains(&format!("To: <{}>", email(AccessRole::EndUser))),
        "{mail}"
    );
    assert!(
        mail.contains("Ticket 1") && mail.contains("in progress"),
        "{mail}"
    );
    let _ = stop.send(());
    let _ = server.await;
}

#[tokio::test]
async fn intake_follows_new_teams_and_sites_at_once() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    // The intake task keeps the program's rules between batches; this warms it.
    let first = file(&app, &lead, ticket(&app, "Interface feed is late")).await;
    let team = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/support-teams",
            Some(json!({"name": "Interfaces", "kind": "technical", "categories": ["interface"]})),
        )
        .await
        .json();
    let site = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "New clinic", "code": "NEWC", "kind": "clinic"})),
        )
        .await
        .json();
    let routed = file(
        &app,
        &lead,
        json!({"site_id": site["id"], "summary": "ADT feed down", "what_happened": "x",
            "category": "interface"}),
    )
    .await;
    assert_ne!(first["team_id"], team["id"]);
    assert_eq!(routed["team_id"], team["id"], "{routed}");
}
