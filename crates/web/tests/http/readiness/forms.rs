//! Refused readiness forms come back as their page (422) with what was submitted and each
//! error beside its field, not as a redirect that loses the typing.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;

use super::{day, setup};
use crate::support::TestApp;

#[tokio::test]
async fn a_refused_go_no_go_keeps_the_decision_and_rationale_and_names_conditions() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    // No go-live right configured: an administrator records the decision.
    let admin = app.sign_in(AccessRole::Admin).await;
    let form = format!(
        "wave_id={}&decision=go_with_conditions&rationale=Training+is+nearly+there&conditions=&dissent=Pharmacy+disagrees",
        s.wave
    );
    let refused = app.post_form(&admin, "/readiness/gates", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.has(&[
            "value=\"go_with_conditions\" checked",
            ">Training is nearly there</textarea>",
            ">Pharmacy disagrees</textarea>",
            "<p class=\"error\" id=\"e-conditions\">a go with conditions must say what the conditions are</p>",
            "id=\"f-conditions\" name=\"conditions\" rows=\"4\" aria-invalid=\"true\" aria-describedby=\"e-conditions h-conditions\"",
            "Some fields need attention",
        ],
    );
    let gates = app
        .api(
            &app.token(AccessRole::Admin).await,
            Method::GET,
            "/api/v1/readiness/gates",
            None,
        )
        .await
        .json();
    assert_eq!(gates.as_array().unwrap().len(), 0, "nothing recorded");
}

#[tokio::test]
async fn a_refused_assessment_names_the_checkpoint_and_one_without_a_wave_names_that() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let bad = app
        .post_form(
            &lead,
            "/readiness/assessments",
            &format!("wave_id={}&checkpoint=t999", s.wave),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.has(&[
            "id=\"f-checkpoint\" name=\"checkpoint\" aria-invalid=\"true\" aria-describedby=\"e-checkpoint\"",
            "<p class=\"error\" id=\"e-checkpoint\">&#39;t999&#39; is not one of",
        ],
    );
    let form = format!("wave_id={}&checkpoint=", s.wave);
    let first = app.post_form(&lead, "/readiness/assessments", &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let no_wave = app
        .post_form(&lead, "/readiness/assessments", "wave_id=&checkpoint=")
        .await;
    assert_eq!(
        no_wave.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no wave to show: the reasons on a page of their own"
    );
    assert!(
        no_wave.body.contains("wave id is required"),
        "{}",
        no_wave.body
    );
}

#[tokio::test]
async fn a_refused_attestation_shows_the_site_page_with_its_evidence_and_the_date_error() {
    let app = TestApp::new().await;
    let s = setup(&app, 200).await;
    let lead = app.sign_in(AccessRole::ProgramLead).await;
    let site = app.f.site_a;
    let page = app
        .page(&lead, &format!("/readiness/waves/{}/sites/{site}", s.wave))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let action = format!("/readiness/attestations?wave_id={}", s.wave);
    page.has(&[
        &format!("action=\"{}\"", action.replace('&', "&amp;")),
        &format!("id=\"f-c{}-evidence\"", s.devices),
        &format!("id=\"f-c{}-evidence\"", s.downtime),
    ]);
    let form = format!(
        "criterion_id={}&site_id={site}&status=partly&evidence=300+of+320+carts+in+place&evidence_url=https%3A%2F%2Fdocs.example%2Fcarts&attested_on={}",
        s.devices,
        day(3)
    );
    let refused = app.post_form(&lead, &action, &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let c = s.devices;
    refused.has(&[
        "Readiness: Site A in Wave R",
        ">300 of 320 carts in place</textarea>",
        "value=\"https://docs.example/carts\"",
        "value=\"partly\" checked",
        &format!("value=\"{}\"", day(3)),
        &format!("<p class=\"error\" id=\"e-c{c}-attested_on\">cannot be in the future</p>"),
        &format!("aria-describedby=\"e-c{c}-attested_on\""),
    ]);
    assert!(
        !refused
            .body
            .contains(&format!("e-c{}-attested_on", s.downtime)),
        "the other criterion's form is blank"
    );
    // Without the wave in the address, the site's next go-live is the page shown.
    let refused = app.post_form(&lead, "/readiness/attestations", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused.has(&["cannot be in the future", "carts in place"]);
    let done = app
        .post_form(&lead, &action, &form.replace(&day(3), &day(0)))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}
