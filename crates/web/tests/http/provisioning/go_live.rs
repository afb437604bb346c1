//! The list for a go-live over HTTP: a wave bringing Inpatient live requires the nurses'
//! Inpatient curriculum only, not their Ambulatory one, in the API (which names the
//! required modules), the CSV export and the page; a wave listing no modules requires both.

use axum::http::{Method, StatusCode};
use chrono::{Days, Utc};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{World, entry, reasons, world};
use crate::support::TestApp;
use crate::training::{created, id};

/// The Inpatient module of the world's nurse curriculum, a nurse curriculum in a new
/// Ambulatory module that nobody has done, and a wave bringing Inpatient live at site A:
/// (the wave, Inpatient's id).
async fn inpatient_go_live(app: &TestApp, w: &World) -> (i64, i64) {
    let admin = app.token(AccessRole::Admin).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let curriculum = app
        .api(
            &trainer,
            Method::GET,
            &format!("/api/v1/curricula/{}", w.p.curriculum),
            None,
        )
        .await;
    assert_eq!(curriculum.status, StatusCode::OK, "{}", curriculum.body);
    let inpatient = curriculum.json()["module_id"].as_i64().expect("a module");
    let ambulatory = id(&created(
        app,
        &admin,
        "/api/v1/modules",
        json!({"code": "AMB", "name": "Ambulatory"}),
    )
    .await);
    let course = json!({"code": "AMB-101", "title": "Ambulatory AMB-101", "kind": "e_learning", "hours": 1, "module_id": ambulatory});
    let course = id(&created(app, &trainer, "/api/v1/courses", course).await);
    let nurses = json!({"name": "Nurse — Ambulatory", "job_role": "nurse", "module_id": ambulatory, "course_ids": [course], "pass_mark": 80});
    created(app, &trainer, "/api/v1/curricula", nurses).await;
    let go_live = (Utc::now().date_naive() + Days::new(60)).to_string();
    let wave = json!({"name": "Inpatient go-live", "go_live": go_live, "site_ids": [app.f.site_a], "module_ids": [inpatient]});
    let inpatient_wave = id(&created(app, &admin, "/api/v1/waves", wave).await);
    (inpatient_wave, inpatient)
}

#[tokio::test]
async fn a_go_live_requires_only_the_curricula_of_its_modules_in_the_api_the_export_and_the_page() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let (inpatient_wave, inpatient) = inpatient_go_live(&app, &w).await;
    let trainer = app.token(AccessRole::Trainer).await;

    let lead = app.token(AccessRole::ProgramLead).await;
    let get = |query: String| {
        let (app, lead) = (&app, lead.clone());
        async move {
            let path = format!("/api/v1/provisioning?site_id={}{query}", app.f.site_a);
            let r = app.api(&lead, Method::GET, &path, None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
            r.json()
        }
    };
    let for_wave = get(format!("&wave_id={inpatient_wave}")).await;
    assert_eq!(
        for_wave["required_modules"],
        json!([{"id": inpatient, "name": "Inpatient"}]),
        "{for_wave}"
    );
    assert_eq!(
        for_wave["counts"],
        json!({"people": 5, "ready": 1, "not_ready": 4, "inactive": 1}),
        "{for_wave}"
    );
    assert_eq!(entry(&for_wave, w.p.end_user)["status"], "ready");
    assert_eq!(
        reasons(&for_wave, app.f.person_a),
        [
            "missing courses: Inpatient IP-201 (Nurse — Inpatient)",
            "not assessed (Nurse — Inpatient)"
        ],
        "Ana for the Inpatient go-live: nothing of Ambulatory"
    );

    let unscoped_ambulatory = [
        "missing courses: Ambulatory AMB-101 (Nurse — Ambulatory)",
        "not assessed (Nurse — Ambulatory)",
    ];
    for (query, what) in [
        (String::new(), "without a wave"),
        (
            format!("&wave_id={}", w.wave),
            "for a wave listing no modules",
        ),
    ] {
        let list: Value = get(query).await;
        assert_eq!(list["required_modules"], json!([]), "{what}: {list}");
        assert_eq!(
            list["counts"]["ready"], 0,
            "{what}: nobody has Ambulatory: {list}"
        );
        assert_eq!(entry(&list, w.p.end_user)["status"], "not_ready", "{what}");
        assert_eq!(
            reasons(&list, w.p.end_user),
            unscoped_ambulatory,
            "the end user {what}"
        );
    }

    let csv = app
        .api(
            &trainer,
            Method::GET,
            &format!(
                "/api/v1/provisioning.csv?site_id={}&wave_id={inpatient_wave}",
                app.f.site_a
            ),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ready: Vec<&str> = rows
        .iter()
        .filter(|r| &r[6] == "Ready")
        .map(|r| &r[1])
        .collect();
    assert_eq!(
        ready,
        ["Person End user"],
        "the ready in the CSV: {}",
        csv.body
    );
    let ana = rows.iter().find(|r| &r[1] == "Ana Alpha").expect("Ana");
    assert_eq!(
        &ana[7],
        "missing courses: Inpatient IP-201 (Nurse — Inpatient); not assessed (Nurse — Inpatient)"
    );

    let session = app.sign_in(AccessRole::Trainer).await;
    for (query, line) in [
        (
            format!("?wave_id={inpatient_wave}"),
            Some("Required for this go-live: <strong>Inpatient</strong>."),
        ),
        (
            format!("?wave_id={}", w.wave),
            Some("Required for this go-live: <strong>all curricula of each role</strong>."),
        ),
        (String::new(), None),
    ] {
        let page = app.page(&session, &format!("/provisioning{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
        match line {
            Some(line) => assert!(page.body.contains(line), "{query}: {line}: {}", page.body),
            None => assert!(
                !page.body.contains("Required for this go-live"),
                "no wave, no line: {}",
                page.body
            ),
        }
    }
}

/// Site A's training figure and the role behind it on the scorecard of `wave`, with the
/// modules it counted.
async fn training_on_card(app: &TestApp, token: &str, wave: i64) -> (Value, Value, Value) {
    let url = format!("/api/v1/readiness/scorecard?wave_id={wave}");
    let reply = app.api(token, Method::GET, &url, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let card = reply.json();
    let site = card["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site_id"] == app.f.site_a)
        .unwrap_or_else(|| panic!("site A on {card}"))
        .clone();
    (
        site["ratings"][0]["value"].clone(),
        site["training_role"].clone(),
        card["required_modules"].clone(),
    )
}

#[tokio::test]
async fn the_readiness_scorecard_of_a_go_live_counts_its_modules_and_drills_down_to_them() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let (inpatient_wave, inpatient) = inpatient_go_live(&app, &w).await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let criterion = json!({"name": "Training complete", "measure": "training_completion",
        "weight": 100, "owner": "Site lead", "threshold": 90.0, "amber_band": 5.0});
    created(&app, &lead, "/api/v1/readiness/criteria", criterion).await;

    // Nobody has done the nurses' Ambulatory curriculum: a go-live of every curriculum
    // finds no nurse complete; the Inpatient go-live counts the nurses who have Inpatient.
    let (all, all_role, all_modules) = training_on_card(&app, &lead, w.wave).await;
    assert_eq!(
        (all, all_role, all_modules),
        (json!(0.0), json!("nurse"), json!([]))
    );
    let (value, role, modules) = training_on_card(&app, &lead, inpatient_wave).await;
    assert_eq!(modules, json!([{"id": inpatient, "name": "Inpatient"}]));
    assert!(
        value.as_f64().is_some_and(|v| v > 0.0),
        "the Inpatient go-live counts the end user's Inpatient: {value} ({role})"
    );

    // The wave's page says what it counts; its red training cell drills down to the
    // people behind under the same rule.
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let page = app
        .page(&session, &format!("/readiness/waves/{inpatient_wave}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let line =
        "Training and proficiency count the curricula of this go-live&#39;s modules: Inpatient.";
    assert!(page.body.contains(line), "{line}: {}", page.body);
    let role = role.as_str().expect("a role behind the figure");
    let drill = format!(
        "/training/cells?site_id={}&#38;job_role={role}&#38;wave_id={inpatient_wave}",
        app.f.site_a
    );
    assert!(
        page.body.contains(&drill),
        "{drill} on the page: {}",
        page.body
    );
    let behind = |wave: Option<i64>| {
        let (app, session) = (&app, &session);
        async move {
            let wave = wave.map(|w| format!("&wave_id={w}")).unwrap_or_default();
            let path = format!(
                "/training/cells?site_id={}&job_role=nurse{wave}",
                app.f.site_a
            );
            let page = app.page(session, &path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
            page.body
        }
    };
    let for_wave = behind(Some(inpatient_wave)).await;
    assert!(
        for_wave.contains("Counted for Inpatient go-live: <strong>Inpatient</strong>."),
        "{for_wave}"
    );
    assert!(!for_wave.contains("Ambulatory AMB-101"), "{for_wave}");
    let every = behind(None).await;
    assert!(every.contains("Ambulatory AMB-101"), "{every}");
    assert!(!every.contains("Counted for"), "{every}");
    let unknown = app
        .page(
            &session,
            &format!(
                "/training/cells?site_id={}&job_role=nurse&wave_id=999999",
                app.f.site_a
            ),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
