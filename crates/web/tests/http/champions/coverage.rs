//! Coverage on a constructed roster: the figures would be wrong if end users were not
//! grouped by unit and shift, if inactive people or people without a shift counted, if
//! champions not yet started or who have left counted, or if the ratio were not applied.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{admin, champion, created, module, people};
use crate::support::TestApp;

/// Site A: ICU has 21 day and 9 night end users (plus 3 who left and 5 with no shift);
/// Spare has 10 evening. ICU day has 2 champions (and one starting next year), ICU night 1,
/// Spare evening none. Site B's ED has 4 day end users and a champion who has left.
pub(super) async fn roster(app: &TestApp, token: &str) {
    let f = &app.f;
    let ehr = module(app, token, "AMB").await;
    let icu_day = people(app, "Day", 21, f.site_a, f.unit_a, Some("day")).await;
    let icu_night = people(app, "Night", 9, f.site_a, f.unit_a, Some("night")).await;
    people(app, "Spare", 10, f.site_a, f.unit_empty_a, Some("evening")).await;
    people(app, "Unsure", 5, f.site_a, f.unit_a, None).await;
    let gone = people(app, "Gone", 3, f.site_a, f.unit_a, Some("day")).await;
    let ed = people(app, "Ed", 4, f.site_b, f.unit_b, Some("day")).await;
    let designate = |person: i64, site: i64, unit: i64, shift: &str, since: &str| {
        let mut body = champion(person, site, unit, shift, &[ehr]);
        body["since"] = json!(since);
        created(app, token, "/api/v1/champions", body)
    };
    designate(icu_day[0], f.site_a, f.unit_a, "day", "2026-01-05").await;
    designate(icu_day[1], f.site_a, f.unit_a, "day", "2026-01-05").await;
    designate(icu_day[2], f.site_a, f.unit_a, "day", "2999-01-01").await;
    designate(icu_night[0], f.site_a, f.unit_a, "night", "2026-01-05").await;
    designate(ed[0], f.site_b, f.unit_b, "day", "2026-01-05").await;
    for person in gone.iter().chain([&ed[0]]) {
        let path = format!("/api/v1/people/{person}");
        let reply = app
            .api(token, Method::PATCH, &path, Some(json!({"active": false})))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
}

pub(super) fn cell<'a>(report: &'a Value, unit: &str, shift: &str) -> &'a Value {
    report["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit_name"] == unit && c["shift"] == shift)
        .unwrap_or_else(|| panic!("no cell {unit} {shift}: {report}"))
}

#[tokio::test]
async fn coverage_counts_active_end_users_and_champions_per_unit_and_shift() {
    let (app, token) = admin().await;
    roster(&app, &token).await;
    let f = &app.f;
    let report = app
        .api(&token, Method::GET, "/api/v1/champions/coverage", None)
        .await
        .json();
    assert_eq!(report["end_users_per_champion"], 10);
    assert_eq!(report["cells"].as_array().unwrap().len(), 4, "{report}");
    let day = cell(&report, "ICU", "day");
    assert_eq!(
        (
            &day["end_users"],
            &day["required"],
            &day["champions"],
            &day["missing"]
        ),
        (&json!(21), &json!(3), &json!(2), &json!(1))
    );
    assert_eq!(day["coverage"], "below");
    let night = cell(&report, "ICU", "night");
    assert_eq!(
        (&night["end_users"], &night["champions"]),
        (&json!(9), &json!(1))
    );
    assert_eq!(night["coverage"], "met");
    let spare = cell(&report, "Spare", "evening");
    assert_eq!(
        (&spare["coverage"], &spare["missing"]),
        (&json!("none"), &json!(1))
    );
    let ed = cell(&report, "ED", "day");
    assert_eq!((&ed["end_users"], &ed["champions"]), (&json!(3), &json!(0)));
    assert_eq!(report["below_target"].as_array().unwrap().len(), 3);
    let sites = app
        .store
        .champion_coverage_by_site(app.operator.program_id)
        .await
        .unwrap();
    let a = sites.iter().find(|s| s.site_id == f.site_a).unwrap();
    assert_eq!((a.cells, a.cells_met), (3, 1));
    let b = sites.iter().find(|s| s.site_id == f.site_b).unwrap();
    assert_eq!((b.cells, b.cells_met), (1, 0));

    // One champion per 11 end users: ICU day needs 2 and is met; the evening still needs 1.
    let reply = app
        .api(
            &token,
            Method::PUT,
            "/api/v1/champions/target",
            Some(json!({"end_users_per_champion": 11})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let path = format!("/api/v1/champions/coverage?site_id={}", f.site_a);
    let report = app.api(&token, Method::GET, &path, None).await.json();
    assert_eq!(report["cells"].as_array().unwrap().len(), 3, "only site A");
    assert_eq!(cell(&report, "ICU", "day")["coverage"], "met");
    assert_eq!(cell(&report, "ICU", "day")["required"], 2);
    assert_eq!(
        report["sites"],
        json!([{"site_id": f.site_a, "cells": 3, "cells_met": 2}])
    );
    let bad = app
        .api(
            &token,
            Method::PUT,
            "/api/v1/champions/target",
            Some(json!({"end_users_per_champion": 0})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.field_errors()[0].0, "end_users_per_champion");
}

#[tokio::test]
async fn the_coverage_map_says_each_state_in_words_and_lists_what_is_missing() {
    let (app, token) = admin().await;
    roster(&app, &token).await;
    let session = app.sign_in(AccessRole::SiteLead).await;
    let page = app.page(&session, "/champions/coverage").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "Target met",
        "Below target",
        "No champion",
        "Below target at Site A",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(
        !page.body.contains("ED"),
        "a site lead sees only their sites"
    );
    let other = app
        .page(
            &session,
            &format!("/champions/coverage?site_id={}", app.f.site_b),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let form = app
        .post_form(&lead, "/champions/target", "end_users_per_champion=many")
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.body.contains("value=\"many\""));
    let saved = app
        .post_form(&lead, "/champions/target", "end_users_per_champion=12")
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.page(&lead, "/champions/coverage").await;
    assert!(page.body.contains("One champion per 12 end users"));
}

/// The readiness scorecard's champion-coverage criterion reads the same figures: site A
/// meets the target on 1 of its 3 cells (33%, red against 100 with a 20-point band), site B
/// on none; at one champion per 100 end users ICU day is met too (67%), while Spare evening,
/// with no champion at all, never is.
#[tokio::test]
async fn the_readiness_scorecard_rates_champion_coverage_per_site() {
    let (app, token) = admin().await;
    roster(&app, &token).await;
    let f = &app.f;
    let wave = created(
        &app,
        &token,
        "/api/v1/waves",
        json!({"name": "Wave C", "go_live": "2099-01-04", "site_ids": [f.site_a, f.site_b]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let criterion = created(
        &app,
        &token,
        "/api/v1/readiness/criteria",
        json!({"name": "Champions in place", "measure": "champion_coverage", "weight": 10,
               "owner": "Program office"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let rating = |card: &Value, site: i64| {
        let site = card["sites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["site_id"] == site)
            .unwrap()
            .clone();
        let r = site["ratings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["criterion_id"] == criterion)
            .unwrap()
            .clone();
        (
            r["value"].as_f64().map(|v| v.round()),
            r["rag"].as_str().unwrap().to_owned(),
        )
    };
    let url = format!("/api/v1/readiness/scorecard?wave_id={wave}");
    let card = app.api(&token, Method::GET, &url, None).await.json();
    assert_eq!(
        rating(&card, f.site_a),
        (Some(33.0), "red".into()),
        "{card}"
    );
    assert_eq!(rating(&card, f.site_b), (Some(0.0), "red".into()));
    let reply = app
        .api(
            &token,
            Method::PUT,
            "/api/v1/champions/target",
            Some(json!({"end_users_per_champion": 100})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let card = app.api(&token, Method::GET, &url, None).await.json();
    assert_eq!(
        rating(&card, f.site_a),
        (Some(67.0), "red".into()),
        "{card}"
    );
}
