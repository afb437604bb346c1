//! Waves against the plan through the pages and the API: the waves page (forecast, slip,
//! scale index, timeline and its table), the scale API, the what-if (nothing written) and
//! the save (program leads and administrators), and a wave's modules and counts.

use axum::http::{Method, StatusCode, header};
use muster_domain::access::AccessRole;
use muster_domain::audit::Via;
use muster_store::Change;
use muster_store::testing::{TwoWaves, two_waves};
use serde_json::{Value, json};

use crate::support::TestApp;

/// The store's two-wave plan, with sites A (S: 20 days of readiness work, late) and B.
async fn planned(app: &TestApp) -> TwoWaves {
    let change = Change::new(&app.operator, Via::Cli);
    two_waves(&app.store, &change, app.f.site_a, app.f.site_b).await
}

fn site_a_move(app: &TestApp, p: &TwoWaves) -> Value {
    json!({"site_id": app.f.site_a, "from_wave_id": p.wave_1, "to_wave_id": p.wave_2})
}

#[tokio::test]
async fn the_waves_page_shows_each_forecast_slip_scale_and_timeline() {
    let app = TestApp::new().await;
    planned(&app).await;
    let session = app.sign_in(AccessRole::Executive).await;
    let page = app.page(&session, "/plan/waves").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    for expected in [
        "Forecast 6 working days late: moves from 31 Mar to 8 Apr.",
        "On track: forecast 1 Apr, 21 working days before the planned 30 Apr.",
        "+6 working days (+8 calendar)",
        "scope 2 x size 2 x complexity 3 = 12",
        "2 modules: Pharmacy, Laboratory",
        "12 interfaces + 4 approved customizations",
        "Milestone timeline of Wave 1",
        "<desc id=\"tl-",
        "What sets the date",
        "Walkthrough S",
        "1 forecast to go live late",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in {body}");
    }
    assert_eq!(
        body.matches("<svg role=\"img\"").count(),
        2,
        "a timeline per wave"
    );
    assert!(body.contains("class=\"slip\""), "wave 1's slip is drawn");
    assert!(
        body.contains("<a href=\"/plan/waves\">Waves</a>"),
        "the plan's navigation links the page"
    );
    let plan = app.page(&session, "/plan").await;
    assert!(plan.body.contains("href=\"/plan/waves\""));
}

#[tokio::test]
async fn the_scale_api_gives_the_index_its_factors_and_where_the_users_come_from() {
    let app = TestApp::new().await;
    let p = planned(&app).await;
    let token = app.token(AccessRole::Analyst).await;
    let reply = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/waves/{}/scale", p.wave_1),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let scale = &reply.json()["scale"];
    assert_eq!(scale["index"], 12, "{scale}");
    assert_eq!(scale["band"], "medium");
    assert_eq!(scale["scope"]["points"], 2);
    assert_eq!(scale["size"]["points"], 2);
    assert_eq!(scale["complexity"]["points"], 3);
    assert_eq!(scale["users"], 3, "site A's one person and site B's two");
    assert_eq!(scale["sites"][0]["basis"], "roster");
    assert!(
        scale["scope"]["scale"]
            .as_str()
            .unwrap()
            .contains("10 or more = 5")
    );
    let go_live = &reply.json()["go_live"];
    assert_eq!(go_live["status"], "late");
    assert_eq!(go_live["slip_working_days"], 6);
    assert_eq!(
        go_live["cost_of_slip"],
        Value::Null,
        "no cost of delay entered"
    );
    let lead = app.token(AccessRole::ProgramLead).await;
    let item = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/cost-items",
            Some(serde_json::json!({"kind": "legacy_run", "per_day": "10,000"})),
        )
        .await;
    assert_eq!(item.status, StatusCode::CREATED, "{}", item.body);
    let priced = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/waves/{}/scale", p.wave_1),
            None,
        )
        .await
        .json();
    let days = priced["go_live"]["slip_calendar_days"].as_i64().unwrap();
    assert!(days >= 6, "{priced}");
    assert_eq!(priced["go_live"]["cost_of_slip"], 1_000_000 * days);

    let all = app
        .api(&token, Method::GET, "/api/v1/plan/waves", None)
        .await
        .json();
    assert_eq!(all["waves"].as_array().unwrap().len(), 2);
    assert_eq!(all["waves"][1]["go_live"]["status"], "on_track");
    let missing = app
        .api(&token, Method::GET, "/api/v1/waves/999999/scale", None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    assert!(
        missing
            .content_type()
            .starts_with("application/problem+json")
    );
}

#[tokio::test]
async fn a_what_if_writes_nothing_and_a_save_makes_the_same_move() {
    let app = TestApp::new().await;
    let p = planned(&app).await;
    let analyst = app.token(AccessRole::Analyst).await;
    let what_if = app
        .api(
            &analyst,
            Method::POST,
            "/api/v1/waves/what-if",
            Some(site_a_move(&app, &p)),
        )
        .await;
    assert_eq!(what_if.status, StatusCode::OK, "{}", what_if.body);
    let seen = what_if.json();
    assert_eq!(seen["applied"], false);
    assert_eq!(seen["from"]["moved_working_days"], -15, "{seen}");
    assert_eq!(seen["to"]["moved_working_days"], 15);
    assert_eq!(
        seen["to"]["after"]["words"],
        "on track: forecast 22 Apr, 6 working days before the planned 30 Apr"
    );
    assert_eq!(
        seen["from"]["scale_after"]["sites"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(seen["links_dropped"].as_array().unwrap().len(), 1);
    let wave_1 = format!("/api/v1/waves/{}", p.wave_1);
    let lead = app.token(AccessRole::ProgramLead).await;
    let before = app.api(&lead, Method::GET, &wave_1, None).await.json();
    assert_eq!(
        before["site_ids"].as_array().unwrap().len(),
        2,
        "nothing written"
    );

    // An analyst updates the plan's progress but does not move sites between waves.
    let mut body = site_a_move(&app, &p);
    body["revision"] = seen["revision"].clone();
    let refused = app
        .api(
            &analyst,
            Method::POST,
            "/api/v1/waves/moves",
            Some(body.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let saved = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/waves/moves",
            Some(body.clone()),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let saved = saved.json();
    assert_eq!(saved["applied"], true);
    assert!(saved["revision"].as_i64() > seen["revision"].as_i64());
    assert_eq!(
        saved["to"]["after"], seen["to"]["after"],
        "the save is the what-if"
    );
    let after = app.api(&lead, Method::GET, &wave_1, None).await.json();
    assert_eq!(after["site_ids"], json!([app.f.site_b]));
    let outlook = app
        .api(
            &lead,
            Method::GET,
            &format!("/api/v1/waves/{}/scale", p.wave_2),
            None,
        )
        .await
        .json();
    assert_eq!(outlook["go_live"], seen["to"]["after"]);

    // Saving the same what-if again: the plan has moved on.
    let again = app
        .api(&lead, Method::POST, "/api/v1/waves/moves", Some(body))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.field_errors()[0].0, "revision");
}

#[tokio::test]
async fn moves_are_refused_clearly() {
    let app = TestApp::new().await;
    let p = planned(&app).await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let ask = |body: Value| {
        let app = &app;
        let lead = lead.clone();
        async move {
            app.api(&lead, Method::POST, "/api/v1/waves/what-if", Some(body))
                .await
        }
    };
    let same =
        ask(json!({"site_id": app.f.site_a, "from_wave_id": p.wave_1, "to_wave_id": p.wave_1}))
            .await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );
    assert_eq!(same.field_errors()[0].0, "to_wave_id");
    assert!(same.field_errors()[0].1.contains("the wave it leaves"));

    let not_in = ask(
        json!({"site_id": app.f.site_unused, "from_wave_id": p.wave_1, "to_wave_id": p.wave_2}),
    )
    .await;
    assert_eq!(not_in.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        not_in.field_errors(),
        [(
            "site_id".to_owned(),
            "Site C does not go live in Wave 1".to_owned()
        )]
    );
    let unknown =
        ask(json!({"module_id": 999999, "from_wave_id": 999998, "to_wave_id": p.wave_2})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = unknown.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["module_id", "from_wave_id"]);
    let nothing = ask(json!({"from_wave_id": p.wave_1, "to_wave_id": p.wave_2})).await;
    assert_eq!(nothing.field_errors()[0].0, "kind");
    let extra = ask(json!({"site_id": 1, "from_wave_id": 1, "to_wave_id": 2, "when": "now"})).await;
    assert_eq!(
        extra.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        extra.body
    );
    let stale = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/waves/moves",
            Some(json!({"site_id": app.f.site_a, "from_wave_id": p.wave_1, "to_wave_id": p.wave_2, "revision": 0})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(
        stale.field_errors()[0]
            .1
            .contains("has changed since this what-if")
    );
}

#[tokio::test]
async fn the_what_if_page_previews_and_its_save_button_moves_the_site() {
    let app = TestApp::new().await;
    let p = planned(&app).await;
    let query = format!(
        "/plan/waves/what-if?kind=site&site_id={}&module_id=&from_wave_id={}&to_wave_id={}",
        app.f.site_a, p.wave_1, p.wave_2
    );
    let analyst = app.sign_in(AccessRole::Analyst).await;
    let look = app.page(&analyst, &query).await;
    assert_eq!(look.status, StatusCode::OK, "{}", look.body);
    assert!(
        look.body.contains("Moving Site A from Wave 1 to Wave 2"),
        "{}",
        look.body
    );
    assert!(look.body.contains("15 working days later"));
    assert!(
        look.body
            .contains("Program leads and administrators save moves")
    );
    assert!(!look.body.contains("Save this move"));
    let fields = format!(
        "kind=site&site_id={}&from_wave_id={}&to_wave_id={}",
        app.f.site_a, p.wave_1, p.wave_2
    );
    let refused = app
        .post_form(&analyst, "/plan/waves/what-if", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let look = app.page(&lead, &query).await;
    assert!(look.body.contains("Save this move"), "{}", look.body);
    assert!(look.body.contains("name=\"revision\""));
    let saved = app.post_form(&lead, "/plan/waves/what-if", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.headers[header::LOCATION],
        format!("/plan/waves#wave-{}", p.wave_2).as_str()
    );
    let flash = saved.set_cookie("muster_flash").unwrap();
    assert!(flash.contains("Moved"), "{flash}");
    let wave_2 = app
        .store
        .wave(app.operator.program_id, p.wave_2)
        .await
        .unwrap();
    assert_eq!(wave_2.site_ids, [app.f.site_a]);

    // The same form again: refused (the site has left wave 1), answered with the what-if
    // again, the choice kept and the reason beside the field it concerns.
    let again = app.post_form(&lead, "/plan/waves/what-if", &fields).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    again.has(&[
        "value=\"site\" checked",
        &format!("<option value=\"{}\" selected>Site A", app.f.site_a),
        &format!("<option value=\"{}\" selected>Wave 1", p.wave_1),
        &format!("<option value=\"{}\" selected>Wave 2", p.wave_2),
        "Some fields need attention",
    ]);
    assert!(
        again.body.contains("<p class=\"error\" id=\"e-"),
        "{}",
        again.body
    );
    assert!(!again.body.contains("Save this move"), "{}", again.body);

    // A save of a what-if the plan has moved on from: 409, the reason listed above the
    // form (no field shows the revision) and the effect as it stands now, to save again.
    let back = format!(
        "kind=site&site_id={}&from_wave_id={}&to_wave_id={}&revision=0",
        app.f.site_a, p.wave_2, p.wave_1
    );
    let stale = app.post_form(&lead, "/plan/waves/what-if", &back).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    stale.has(&[
        "<li>revision: the plan has changed since this what-if (revision 0, now",
        "Moving Site A from Wave 2 to Wave 1",
        "Save this move",
        &format!("<option value=\"{}\" selected>Wave 2", p.wave_2),
    ]);

    // A form asking for the same wave twice shows the message beside the field.
    let same = format!(
        "/plan/waves/what-if?kind=site&site_id={}&module_id=&from_wave_id={}&to_wave_id={}",
        app.f.site_b, p.wave_1, p.wave_1
    );
    let page = app.page(&lead, &same).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("<p class=\"error\" id=\"e-to_wave_id\">"),
        "{}",
        page.body
    );
    // A link from the waves page only fills the form in.
    let prefilled = app
        .page(
            &lead,
            &format!("/plan/waves/what-if?from_wave_id={}", p.wave_1),
        )
        .await;
    assert_eq!(prefilled.status, StatusCode::OK);
    assert!(!prefilled.body.contains("Moving "));
}

#[tokio::test]
async fn a_wave_form_and_the_api_take_its_modules_and_counts() {
    let app = TestApp::new().await;
    let p = planned(&app).await;
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let form = app
        .page(&session, &format!("/waves/{}/edit", p.wave_2))
        .await;
    assert!(form.body.contains("Modules going live") && form.body.contains("name=\"interfaces\""));
    let fields = format!(
        "name=Wave+2&go_live=2027-04-30&module_ids={}&module_ids={}&interfaces=40&approved_customizations=9",
        p.pharmacy, p.lab
    );
    let saved = app
        .post_form(&session, &format!("/waves/{}", p.wave_2), &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = app.page(&session, &format!("/waves/{}", p.wave_2)).await;
    assert!(
        shown.body.contains("Pharmacy, Laboratory"),
        "{}",
        shown.body
    );
    let token = app.token(AccessRole::ProgramLead).await;
    let bad = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/waves/{}", p.wave_2),
            Some(json!({"interfaces": -1, "module_ids": [999999]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.field_errors()[0].0, "interfaces");
    let wave = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/waves/{}", p.wave_2),
            None,
        )
        .await
        .json();
    assert_eq!(wave["interfaces"], 40);
    assert_eq!(wave["approved_customizations"], 9);
    assert_eq!(wave["module_ids"].as_array().unwrap().len(), 2);
}

/// Who may read the waves page, the what-if and the APIs, and who may save a move, role by
/// role (in the order of the authorization matrix: admin, program lead, site lead, analyst,
/// trainer, champion, end user, vendor, executive). Each role gets a fresh app.
#[tokio::test]
async fn who_may_see_waves_against_the_plan_and_who_may_move_them() {
    use AccessRole::*;
    const ROLES: [AccessRole; 9] = [
        Admin,
        ProgramLead,
        SiteLead,
        Analyst,
        Trainer,
        Champion,
        EndUser,
        Vendor,
        Executive,
    ];
    const READERS: [u16; 9] = [200, 200, 200, 200, 200, 200, 403, 200, 200];
    const MOVERS: [u16; 9] = [200, 200, 403, 403, 403, 403, 403, 403, 403];
    let mut failures = Vec::new();
    for (i, role) in ROLES.into_iter().enumerate() {
        let app = TestApp::new().await;
        let p = planned(&app).await;
        let token = app.token(role).await;
        let session = app.sign_in(role).await;
        let body = site_a_move(&app, &p);
        let api = [
            (
                Method::GET,
                "/api/v1/plan/waves".to_owned(),
                None,
                READERS[i],
            ),
            (
                Method::GET,
                format!("/api/v1/waves/{}/scale", p.wave_1),
                None,
                READERS[i],
            ),
            (
                Method::POST,
                "/api/v1/waves/what-if".to_owned(),
                Some(body.clone()),
                READERS[i],
            ),
            (
                Method::POST,
                "/api/v1/waves/moves".to_owned(),
                Some(body),
                MOVERS[i],
            ),
        ];
        for (method, path, body, expect) in api {
            let reply = app.api(&token, method.clone(), &path, body).await;
            if reply.status.as_u16() != expect {
                failures.push(format!(
                    "{method} {path} as {}: {} not {expect}",
                    role.code(),
                    reply.status
                ));
            }
        }
        for path in [
            "/plan/waves".to_owned(),
            format!("/plan/waves/what-if?from_wave_id={}", p.wave_1),
        ] {
            let reply = app.page(&session, &path).await;
            if reply.status.as_u16() != READERS[i] {
                failures.push(format!(
                    "GET {path} as {}: {} not {}",
                    role.code(),
                    reply.status,
                    READERS[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_openapi_document_describes_waves_against_the_plan() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Analyst).await;
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for (path, method) in [
        ("/api/v1/plan/waves", "get"),
        ("/api/v1/waves/{id}/scale", "get"),
        ("/api/v1/waves/what-if", "post"),
        ("/api/v1/waves/moves", "post"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} undocumented"
        );
    }
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "WaveOutlook",
        "ScaleIndex",
        "GoLiveForecast",
        "WaveMoveOutcome",
    ] {
        assert!(schemas[schema].is_object(), "no schema {schema}");
    }
    for field in ["module_ids", "interfaces", "approved_customizations"] {
        assert!(
            schemas["Wave"]["properties"][field].is_object(),
            "the wave's {field} is undocumented"
        );
    }
}
