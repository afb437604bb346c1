//! Rounding: who walks which unit when, planned by site leads at their own sites.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use super::{admin, created, id, location, refusal};
use crate::support::TestApp;

fn rounding(person: i64, site: i64, unit: i64, date: &str, shift: &str) -> Value {
    json!({"person_id": person, "site_id": site, "unit_id": unit, "shift_date": date,
           "shift": shift, "duty": "support"})
}

#[tokio::test]
async fn a_rounding_assignment_names_its_person_unit_and_site() {
    let (app, token) = admin().await;
    let f = &app.f;
    let body = rounding(f.person_b, f.site_a, f.unit_a, "2027-04-03", "day");
    let made = created(&app, &token, "rounding", body).await;
    assert_eq!(made["person_name"], "Ben Beta");
    assert_eq!(made["unit_name"], "ICU");
    assert_eq!(made["site_id"], f.site_a);
    let path = format!("/api/v1/rounding/{}", id(&made));
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"notes": "Bring scanners", "duty": "champion"})),
        )
        .await
        .json();
    assert_eq!(patched["notes"], "Bring scanners");
    assert_eq!(patched["shift_date"], "2027-04-03");
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.json(),
        patched
    );
}

#[tokio::test]
async fn rounding_refusals_name_the_person_or_the_unit() {
    let (app, token) = admin().await;
    let f = &app.f;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/rounding", Some(body));
    created(
        &app,
        &token,
        "rounding",
        rounding(f.person_a, f.site_a, f.unit_a, "2027-04-03", "night"),
    )
    .await;
    let twice = post(rounding(
        f.person_a,
        f.site_a,
        f.unit_empty_a,
        "2027-04-03",
        "night",
    ))
    .await;
    assert_eq!(refusal(&twice), (StatusCode::CONFLICT, "person_id".into()));
    assert!(twice.body.contains("already rounding on that shift"));
    let nobody = post(rounding(999_999, f.site_a, f.unit_a, "2027-04-03", "day")).await;
    assert_eq!(
        refusal(&nobody),
        (StatusCode::UNPROCESSABLE_ENTITY, "person_id".into())
    );
    let elsewhere = post(rounding(
        f.person_a,
        f.site_a,
        f.unit_b,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(
        refusal(&elsewhere),
        (StatusCode::UNPROCESSABLE_ENTITY, "unit_id".into())
    );
    let date = post(rounding(f.person_a, f.site_a, f.unit_a, "April 3", "day")).await;
    assert_eq!(
        refusal(&date),
        (StatusCode::UNPROCESSABLE_ENTITY, "shift_date".into())
    );
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/units/{}", f.unit_empty_a),
            None,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::NO_CONTENT,
        "no one rounds on the spare unit"
    );
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/people/{}", f.person_a),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("1 rounding assignment")
    );
}

#[tokio::test]
async fn a_site_lead_plans_rounding_only_at_their_own_sites() {
    let (app, admin_token) = admin().await;
    let f = &app.f;
    let token = app.token(AccessRole::SiteLead).await;
    let post = |body: Value| app.api(&token, Method::POST, "/api/v1/rounding", Some(body));
    let own = post(rounding(
        f.person_b,
        f.site_a,
        f.unit_a,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let other = post(rounding(
        f.person_a,
        f.site_b,
        f.unit_b,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let disguised = post(rounding(
        f.person_a,
        f.site_a,
        f.unit_b,
        "2027-04-03",
        "day",
    ))
    .await;
    assert_eq!(
        refusal(&disguised),
        (StatusCode::UNPROCESSABLE_ENTITY, "unit_id".into())
    );
    let theirs = created(
        &app,
        &admin_token,
        "rounding",
        rounding(f.person_b, f.site_b, f.unit_b, "2027-04-04", "day"),
    )
    .await;
    let path = format!("/api/v1/rounding/{}", id(&theirs));
    let reply = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"notes": "mine now"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.status,
        StatusCode::OK
    );
    let vendor = app.token(AccessRole::Vendor).await;
    assert_eq!(
        app.api(&vendor, Method::GET, "/api/v1/rounding", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn rounding_lists_by_date_with_filters_and_pages() {
    let (app, token) = admin().await;
    let f = &app.f;
    for (person, site, unit, date, shift) in [
        (f.person_a, f.site_a, f.unit_a, "2027-04-05", "day"),
        (f.person_b, f.site_b, f.unit_b, "2027-04-03", "night"),
        (f.person_a, f.site_a, f.unit_a, "2027-04-03", "day"),
    ] {
        created(
            &app,
            &token,
            "rounding",
            rounding(person, site, unit, date, shift),
        )
        .await;
    }
    let mut dates = Vec::new();
    let mut path = "/api/v1/rounding?limit=2".to_owned();
    loop {
        let page = app.api(&token, Method::GET, &path, None).await.json();
        assert_eq!(page["total"], 3);
        for r in page["items"].as_array().unwrap() {
            dates.push(format!(
                "{} {}",
                r["shift_date"].as_str().unwrap(),
                r["person_name"].as_str().unwrap()
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/rounding?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(dates.len(), 3);
    assert!(
        dates[0].starts_with("2027-04-03") && dates[2].starts_with("2027-04-05"),
        "{dates:?}"
    );
    let by_site = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/rounding?site_id={}", f.site_b),
            None,
        )
        .await
        .json();
    assert_eq!(by_site["total"], 1);
    assert_eq!(by_site["items"][0]["person_name"], "Ben Beta");
    let by_day = app
        .api(
            &token,
            Method::GET,
            "/api/v1/rounding?shift_date=2027-04-03&duty=support",
            None,
        )
        .await
        .json();
    assert_eq!(by_day["total"], 2);
    let bad = app
        .api(
            &token,
            Method::GET,
            "/api/v1/rounding?shift_date=soon",
            None,
        )
        .await;
    assert_eq!(
        refusal(&bad),
        (StatusCode::UNPROCESSABLE_ENTITY, "shift_date".into())
    );
}

#[tokio::test]
async fn a_site_lead_plans_rounding_through_the_form() {
    let app = TestApp::new().await;
    let f = &app.f;
    let session = app.sign_in(AccessRole::SiteLead).await;
    let form = app.page(&session, "/rounding/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Site A") && !form.body.contains("Site B"),
        "only their sites"
    );
    let reply = app
        .post_form(
            &session,
            "/rounding",
            &format!(
                "person_id={}&site_id={}&unit_id={}&shift_date=2027-04-03&shift=evening&duty=champion&notes=",
                f.person_a, f.site_a, f.unit_a
            ),
        )
        .await;
    let page = app.page(&session, &location(&reply)).await;
    assert!(page.body.contains("Ana Alpha") && page.body.contains("Evening"));
    let list = app.page(&session, "/rounding").await;
    assert!(list.body.contains("2027-04-03"));
}
