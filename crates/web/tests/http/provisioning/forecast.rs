//! The training forecast over HTTP: the lagging site flagged with the date it would meet
//! the threshold, the threshold as a parameter, the page, and who may see it.

use axum::http::{Method, StatusCode};
use chrono::{Days, Utc};
use muster_domain::access::AccessRole;
use serde_json::Value;

use super::{ROLES, world};
use crate::support::TestApp;

#[tokio::test]
async fn the_forecast_flags_the_site_that_will_miss_the_threshold_with_when_it_would_meet_it() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let exec = app.token(AccessRole::Executive).await;
    let path = format!("/api/v1/training/forecast?wave_id={}", w.wave);
    let reply = app.api(&exec, Method::GET, &path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let report = reply.json();
    assert_eq!(report["threshold"], 90.0);
    let site = |name: &str| -> Value {
        report["sites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["site"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name}: {report}"))
    };
    // Site A: 2 of its 3 active nurses complete, both within the last 28 days.
    let a = site("Site A")["forecast"].clone();
    assert_eq!(
        (a["required"].as_i64(), a["complete"].as_i64()),
        (Some(3), Some(2)),
        "{a}"
    );
    assert_eq!(a["percent_now"], 66.7);
    assert_eq!(a["meets"], true);
    let meets_on = Utc::now().date_naive() + Days::new(14);
    assert_eq!(a["meets_on"], meets_on.to_string().as_str());
    // Site B: nobody has started: never, at this pace.
    let b = site("Site B")["forecast"].clone();
    assert_eq!(
        (b["meets"].as_bool(), b["meets_on"].is_null()),
        (Some(false), true),
        "{b}"
    );

    let lower = app
        .api(&exec, Method::GET, &format!("{path}&threshold=50"), None)
        .await
        .json();
    let a = &lower["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["site"] == "Site A")
        .unwrap()["forecast"];
    assert_eq!(
        a["meets_on"],
        Utc::now().date_naive().to_string().as_str(),
        "already past 50%"
    );
    for bad in [
        "threshold=150",
        "threshold=0",
        "threshold=lots",
        "wave_id=999999",
    ] {
        let r = app
            .api(
                &exec,
                Method::GET,
                &format!("/api/v1/training/forecast?{bad}"),
                None,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
    }

    let session = app.sign_in(AccessRole::ProgramLead).await;
    let page = app.page(&session, "/training/forecast").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "1 of 2 sites will miss 90% at go-live.",
        "<tr class=\"misses\">\n    <th scope=\"row\">Site B</th>",
        "not at the current pace",
        "<strong>Will miss</strong>",
        "66.7% (2 of 3)",
        "<svg class=\"gauge\"",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
}

#[tokio::test]
async fn the_forecast_is_for_those_who_follow_training_and_site_leads_see_their_own_sites() {
    let app = TestApp::new().await;
    world(&app).await;
    //             adm  pl   sl   ana  trn  chp  end  ven  exe
    let expect = [200, 200, 200, 200, 200, 200, 403, 403, 200];
    for (i, role) in ROLES.into_iter().enumerate() {
        let token = app.token(role).await;
        let r = app
            .api(&token, Method::GET, "/api/v1/training/forecast", None)
            .await;
        assert_eq!(r.status.as_u16(), expect[i], "{role:?}: {}", r.body);
        if matches!(role, AccessRole::SiteLead | AccessRole::Champion) {
            let sites: Vec<String> = r.json()["sites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["site"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(sites, ["Site A"], "{role:?}");
        }
    }
    let user = app.sign_in(AccessRole::EndUser).await;
    assert_eq!(
        app.page(&user, "/training/forecast").await.status,
        StatusCode::FORBIDDEN
    );
}
