//! The scorecard: ratings from thresholds and weights, scoping, pages.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{attest, overall, rag, setup, train_one};
use crate::support::TestApp;
use crate::training::{created, id};

#[tokio::test]
async fn the_scorecard_rates_each_criterion_by_its_threshold_and_weighs_the_overall() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    train_one(&app).await;
    assert_eq!(
        attest(&app, &s.lead, s.devices, app.f.site_a, "met").await,
        StatusCode::CREATED
    );
    assert_eq!(
        attest(&app, &s.lead, s.downtime, app.f.site_a, "not_met").await,
        StatusCode::CREATED
    );
    assert_eq!(
        attest(&app, &s.lead, s.devices, app.f.site_b, "partly").await,
        StatusCode::CREATED
    );
    let exec = app.token(AccessRole::Executive).await;
    let url = format!("/api/v1/readiness/scorecard?wave_id={}", s.wave);
    let reply = app.api(&exec, Method::GET, &url, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let card = reply.json();
    // 33% against a threshold of 30: green (the default 90 would make it red).
    assert_eq!(rag(&card, app.f.site_a, s.training), "green");
    assert_eq!(rag(&card, app.f.site_a, s.devices), "green");
    assert_eq!(rag(&card, app.f.site_a, s.downtime), "red");
    // 50 + 40 of 100 (equal weights would give 67, red); one red criterion keeps it amber.
    assert_eq!(overall(&card, app.f.site_a), (90.0, "amber".into()));
    // Site B: nobody trained there, devices partly: 20 of 100.
    assert_eq!(rag(&card, app.f.site_b, s.devices), "amber");
    assert_eq!(rag(&card, app.f.site_b, s.downtime), "unknown");
    assert_eq!(overall(&card, app.f.site_b), (20.0, "red".into()));

    let one = app
        .api(
            &exec,
            Method::GET,
            &format!("/api/v1/readiness/scorecard?site_id={}", app.f.site_b),
            None,
        )
        .await
        .json();
    assert_eq!(
        one["sites"].as_array().unwrap().len(),
        1,
        "the site's own wave, that site only"
    );
    assert_eq!(one["wave_id"], s.wave);
}

#[tokio::test]
async fn site_leads_see_their_own_sites_executives_all_and_end_users_nothing() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let url = format!("/api/v1/readiness/scorecard?wave_id={}", s.wave);
    let lead = app.token(AccessRole::SiteLead).await;
    let card = app.api(&lead, Method::GET, &url, None).await.json();
    let sites: Vec<i64> = card["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site_id"].as_i64().unwrap())
        .collect();
    assert_eq!(sites, [app.f.site_a]);
    let elsewhere = format!("{url}&site_id={}", app.f.site_b);
    assert_eq!(
        app.api(&lead, Method::GET, &elsewhere, None).await.status,
        StatusCode::FORBIDDEN
    );
    let exec = app.token(AccessRole::Executive).await;
    assert_eq!(
        app.api(&exec, Method::GET, &url, None).await.json()["sites"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    for role in [AccessRole::EndUser, AccessRole::Vendor] {
        let token = app.token(role).await;
        assert_eq!(
            app.api(&token, Method::GET, &url, None).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
    let missing = app
        .api(&exec, Method::GET, "/api/v1/readiness/scorecard", None)
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.body
    );
}

#[tokio::test]
async fn the_pages_label_every_colour_and_drill_down_to_what_is_behind_it() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    train_one(&app).await;
    attest(&app, &s.lead, s.devices, app.f.site_b, "not_met").await;
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let wave = app
        .page(&session, &format!("/readiness/waves/{}", s.wave))
        .await;
    assert_eq!(wave.status, StatusCode::OK, "{}", wave.body);
    assert!(wave.body.contains("class=\"rag-red\""), "{}", wave.body);
    assert!(
        wave.body.contains("<span class=\"rag\">Red</span>"),
        "colour and label"
    );
    assert!(wave.body.contains("weight 40"), "weights shown");
    assert!(
        wave.body.contains(&format!(
            "/training/cells?site_id={}&#38;job_role=nurse",
            app.f.site_a
        )),
        "training drills down to the people behind: {}",
        wave.body
    );
    assert!(wave.body.contains(&format!(
        "/readiness/attestations?criterion_id={}&#38;site_id={}",
        s.devices, app.f.site_b
    )));
    assert!(wave.body.contains("Record assessment") && wave.body.contains("Trend"));
    let site = app
        .page(
            &session,
            &format!("/readiness/waves/{}/sites/{}", s.wave, app.f.site_b),
        )
        .await;
    assert_eq!(site.status, StatusCode::OK, "{}", site.body);
    assert!(
        site.body.contains("Attest: Devices deployed"),
        "the attestation form"
    );
    let history = app
        .page(
            &session,
            &format!("/readiness/attestations?criterion_id={}", s.devices),
        )
        .await;
    assert!(
        history.body.contains("Seen on the site walk"),
        "{}",
        history.body
    );
    let lead = app.sign_in(AccessRole::SiteLead).await;
    let refused = app
        .page(
            &lead,
            &format!("/readiness/waves/{}/sites/{}", s.wave, app.f.site_b),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let index = app.page(&session, "/readiness").await;
    assert!(index.body.contains("Wave R") && index.body.contains("Not decided"));
}

/// Site A's rating and value of `criterion` on `wave`'s scorecard.
async fn site_a_figure(app: &TestApp, token: &str, wave: i64, criterion: i64) -> (String, Value) {
    let url = format!("/api/v1/readiness/scorecard?wave_id={wave}");
    let card = app.api(token, Method::GET, &url, None).await.json();
    let value = card["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site_id"] == app.f.site_a)
        .unwrap()["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["criterion_id"] == criterion)
        .unwrap()["value"]
        .clone();
    (rag(&card, app.f.site_a, criterion), value)
}

#[tokio::test]
async fn plan_milestones_on_track_are_measured_from_the_schedule_per_site() {
    let app = TestApp::new().await;
    // Wave 1 goes live at sites A and B; its go-live milestone, held to 31 March, is
    // forecast 8 April (site A's 20 days of walkthroughs).
    let change = muster_store::Change::new(&app.operator, muster_domain::audit::Via::Cli);
    let plan =
        muster_store::testing::two_waves(&app.store, &change, app.f.site_a, app.f.site_b).await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let criterion = json!({"name": "Plan on track", "measure": "plan_milestones", "weight": 10,
        "owner": "PMO"});
    let criterion = id(&created(&app, &lead, "/api/v1/readiness/criteria", criterion).await);
    let card = |site| {
        let (app, lead) = (&app, lead.clone());
        async move {
            let url = format!("/api/v1/readiness/scorecard?wave_id={}", plan.wave_1);
            let card = app.api(&lead, Method::GET, &url, None).await.json();
            rag(&card, site, criterion)
        }
    };
    assert_eq!(
        site_a_figure(&app, &lead, plan.wave_1, criterion).await,
        ("red".into(), json!(0.0)),
        "the wave's one milestone held to a date is late"
    );
    assert_eq!(card(app.f.site_b).await, "red");

    // Site A's own milestone, held to a date it meets; and one held to nothing.
    for (name, date) in [
        ("Site A signed off", Some("2027-12-31")),
        ("Site A party", None),
    ] {
        let task = json!({"name": name, "duration": "0", "wave_id": plan.wave_1.to_string(),
            "site_id": app.f.site_a.to_string(), "constraint_kind": date.map(|_| "fnlt"),
            "constraint_date": date});
        created(&app, &lead, "/api/v1/tasks", task).await;
    }
    assert_eq!(
        site_a_figure(&app, &lead, plan.wave_1, criterion).await,
        ("red".into(), json!(50.0)),
        "one of site A's two milestones held to a date is on track"
    );
    assert_eq!(
        card(app.f.site_b).await,
        "red",
        "site A's milestone is not B's"
    );

    // The cell drills down to the wave's timeline.
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let page = app
        .page(&session, &format!("/readiness/waves/{}", plan.wave_1))
        .await;
    let drill = format!("/plan/waves#wave-{}-timeline", plan.wave_1);
    assert!(page.body.contains(&drill), "{drill}: {}", page.body);
    let criteria = app.page(&session, "/readiness/criteria/new").await;
    assert!(
        criteria.body.contains("Plan milestones on track (%)"),
        "the measure is offered: {}",
        criteria.body
    );
}
