//! A unit's own coverage target over HTTP: the form on the unit's page refuses a bad value
//! with what was typed and the error by its field, saves and removes (blank) the override;
//! the API reads, sets and removes it, naming the field of a bad value; coverage uses it and
//! says which target applied; only those who set the program's target set a unit's.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::admin;
use super::coverage::{cell, roster};
use crate::support::TestApp;

/// `GET /api/v1/champions/coverage`, every site.
async fn coverage(app: &TestApp, token: &str) -> serde_json::Value {
    app.api(token, Method::GET, "/api/v1/champions/coverage", None)
        .await
        .json()
}

#[tokio::test]
async fn a_unit_target_is_set_in_its_form_refused_with_the_typed_value_and_removed_when_blank() {
    let (app, token) = admin().await;
    roster(&app, &token).await;
    let icu = app.f.unit_a;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let unit_page = app.page(&lead, &format!("/units/{icu}")).await;
    assert_eq!(unit_page.status, StatusCode::OK);
    unit_page.has(&[
        "Champion coverage target",
        "One champion per 10 end users",
        "Program default",
        "Set a target for this unit",
    ]);
    let form = format!("/champions/target/units/{icu}");
    let blank = app.page(&lead, &form).await;
    assert_eq!(blank.status, StatusCode::OK);
    assert!(blank.body.contains("Leave blank to use the program"));

    let refused = app
        .post_form(&lead, &form, "end_users_per_champion=0&note=ICU+acuity")
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.has(&[
        "value=\"0\"",
        ">ICU acuity</textarea>",
        "must be between 1 and 500",
        "aria-describedby=\"e-end_users_per_champion h-end_users_per_champion\"",
    ]);
    let note_alone = app
        .post_form(&lead, &form, "end_users_per_champion=&note=why")
        .await;
    assert_eq!(note_alone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(note_alone.body.contains("is required to keep a note"));

    let saved = app
        .post_form(&lead, &form, "end_users_per_champion=7&note=ICU+acuity")
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let report = coverage(&app, &token).await;
    let day = cell(&report, "ICU", "day");
    assert_eq!(
        (
            &day["end_users_per_champion"],
            &day["target_source"],
            &day["required"],
            &day["coverage"]
        ),
        (&json!(7), &json!("unit"), &json!(3), &json!("below")),
        "21 end users at one per 7 need 3; two champions are not enough"
    );
    assert_eq!(cell(&report, "ICU", "night")["required"], 2);
    let spare = cell(&report, "Spare", "evening");
    assert_eq!(
        (&spare["end_users_per_champion"], &spare["target_source"]),
        (&json!(10), &json!("program"))
    );
    let map = app.page(&lead, "/champions/coverage").await;
    assert!(map.body.contains("1 per 7 (unit override)"));
    assert!(map.body.contains("1 per 10 (program default)"));
    let unit_page = app.page(&lead, &format!("/units/{icu}")).await;
    assert!(unit_page.body.contains("Unit override"));
    assert!(unit_page.body.contains("ICU acuity"));
    let edit = app.page(&lead, &form).await;
    assert!(
        edit.body.contains("value=\"7\""),
        "the form shows the override"
    );

    let cleared = app
        .post_form(&lead, &form, "end_users_per_champion=&note=")
        .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.body);
    let now = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/champions/target/units/{icu}"),
            None,
        )
        .await
        .json();
    assert_eq!(
        (&now["end_users_per_champion"], &now["target_source"]),
        (&json!(10), &json!("program"))
    );
}

#[tokio::test]
async fn the_api_reads_sets_and_removes_a_unit_target_and_names_a_bad_field() {
    let (app, token) = admin().await;
    roster(&app, &token).await;
    let path = format!("/api/v1/champions/target/units/{}", app.f.unit_a);
    let put = |body| app.api(&token, Method::PUT, &path, Some(body));
    let bad = put(json!({"end_users_per_champion": "many", "note": "x".repeat(501)})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["end_users_per_champion", "note"]);
    let missing = put(json!({"note": "why"})).await;
    assert_eq!(missing.field_errors()[0].0, "end_users_per_champion");

    let saved = put(json!({"end_users_per_champion": 21, "note": "Quiet unit"})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let saved = saved.json();
    assert_eq!(
        (
            &saved["end_users_per_champion"],
            &saved["target_source"],
            &saved["program_end_users_per_champion"],
            &saved["note"]
        ),
        (&json!(21), &json!("unit"), &json!(10), &json!("Quiet unit"))
    );
    let report = coverage(&app, &token).await;
    let day = cell(&report, "ICU", "day");
    assert_eq!(
        (&day["required"], &day["coverage"]),
        (&json!(1), &json!("met"))
    );
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.json(),
        saved
    );

    let removed = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    let again = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let report = coverage(&app, &token).await;
    assert_eq!(cell(&report, "ICU", "day")["target_source"], "program");
    let nowhere = app
        .api(
            &token,
            Method::GET,
            "/api/v1/champions/target/units/999999",
            None,
        )
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_those_who_set_the_program_target_set_a_units() {
    let app = TestApp::new().await;
    let f = &app.f;
    let own = format!("/api/v1/champions/target/units/{}", f.unit_a);
    let other = format!("/api/v1/champions/target/units/{}", f.unit_b);
    let body = || Some(json!({"end_users_per_champion": 5}));
    // (role, read own site's unit, set, remove)
    let expect = [
        (AccessRole::Admin, 200, 200, 204),
        (AccessRole::ProgramLead, 200, 200, 204),
        (AccessRole::SiteLead, 200, 403, 403),
        (AccessRole::Analyst, 200, 403, 403),
        (AccessRole::Vendor, 403, 403, 403),
    ];
    for (role, read, set, remove) in expect {
        let token = app.token(role).await;
        let got = (
            role,
            app.api(&token, Method::GET, &own, None)
                .await
                .status
                .as_u16(),
            app.api(&token, Method::PUT, &own, body())
                .await
                .status
                .as_u16(),
            app.api(&token, Method::DELETE, &own, None)
                .await
                .status
                .as_u16(),
        );
        assert_eq!(got, (role, read, set, remove));
    }
    let site_lead = app.token(AccessRole::SiteLead).await;
    let elsewhere = app.api(&site_lead, Method::GET, &other, None).await;
    assert_eq!(
        elsewhere.status,
        StatusCode::FORBIDDEN,
        "another site's unit"
    );
    let session = app.sign_in(AccessRole::SiteLead).await;
    let form = format!("/champions/target/units/{}", f.unit_a);
    assert_eq!(
        app.page(&session, &form).await.status,
        StatusCode::FORBIDDEN
    );
    let posted = app
        .post_form(&session, &form, "end_users_per_champion=5")
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    let unit_page = app.page(&session, &format!("/units/{}", f.unit_a)).await;
    assert!(unit_page.body.contains("Champion coverage target"));
    assert!(
        !unit_page.body.contains("Set a target for this unit"),
        "no link for those who may not set it"
    );
}
