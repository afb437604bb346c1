//! The HTML forms: Post/Redirect/Get, field errors beside their fields with values kept,
//! escaped output, and refusals that say why.

use axum::http::{StatusCode, header};
use muster_domain::access::AccessRole;

use crate::support::TestApp;

#[tokio::test]
async fn a_created_site_redirects_to_its_page_with_a_message_shown_once() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app
        .post_form(
            &session,
            "/sites",
            "name=Lakeside+Clinic&code=lks&kind=clinic&region=West&beds=&expected_users=80",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let location = reply
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let flash = reply.cookie("muster_flash").unwrap();
    let page = app
        .send(
            axum::http::Request::get(&location)
                .header(
                    header::COOKIE,
                    format!("{}; muster_flash={flash}", session.cookie_header()),
                )
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        page.body.contains("Created site Lakeside Clinic."),
        "{}",
        page.body
    );
    assert!(
        page.set_cookie("muster_flash")
            .unwrap()
            .contains("Max-Age=0"),
        "the message is cleared once shown"
    );
    let list = app.page(&session, "/sites?q=lakeside").await;
    assert!(list.body.contains("Lakeside Clinic") && list.body.contains("LKS"));
}

#[tokio::test]
async fn an_invalid_form_comes_back_422_with_messages_beside_fields_and_values_kept() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app.post_form(&session, "/people", "name=&email=not-an-email&job_role=nurse&site_id=&unit_id=&employer_kind=staff&organization=&active=true").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("id=\"e-name\""), "name error shown");
    assert!(reply.body.contains("is not an email address"));
    assert!(
        reply.body.contains("value=\"not-an-email\""),
        "the typed value is kept"
    );
}

#[tokio::test]
async fn a_duplicate_code_in_a_form_is_a_409_on_the_code_field() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let reply = app
        .post_form(&session, "/sites", "name=Again&code=A&kind=clinic")
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.body.contains("another site already has this code"));
}

#[tokio::test]
async fn a_refused_delete_says_what_still_refers_to_the_record() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app
        .post_form(&session, &format!("/units/{}/delete", app.f.unit_a), "")
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("still used by 1 person"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn text_is_escaped_wherever_it_is_shown() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app
        .post_form(
            &session,
            "/modules",
            "code=XSS&name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&description=",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let list = app.page(&session, "/modules").await;
    assert!(!list.body.contains("<script>alert(1)"), "raw markup leaked");
    assert!(
        list.body.contains("&#60;script&#62;") || list.body.contains("&lt;script&gt;"),
        "{}",
        list.body
    );
}

#[tokio::test]
async fn a_wave_form_with_no_site_ticked_clears_its_sites() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app
        .post_form(
            &session,
            "/waves",
            &format!(
                "name=W1&go_live=2027-02-01&site_ids={}&site_ids={}&notes=",
                app.f.site_a, app.f.site_b
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let location = reply
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(app.page(&session, &location).await.body.contains("Site B"));
    let reply = app
        .post_form(&session, &location, "name=W1&go_live=2027-02-01&notes=")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = app.page(&session, &location).await;
    assert!(!page.body.contains("Site B"), "sites were cleared");
}

#[tokio::test]
async fn the_people_list_filters_by_site_and_role_and_pages() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let page = app
        .page(
            &session,
            &format!("/people?site_id={}&job_role=nurse&q=", app.f.site_b),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Ben Beta")
            && page.body.contains("Vic Vendor")
            && !page.body.contains("Ana Alpha")
    );
    let paged = app.page(&session, "/people?limit=1").await;
    assert!(paged.body.contains("rel=\"next\""));
}

#[tokio::test]
async fn the_program_is_renamed_from_its_settings_page_and_a_blank_name_is_refused() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let reply = app.post_form(&session, "/program", "name=").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("id=\"e-name\"") && reply.body.contains("must not be empty"),
        "{}",
        reply.body
    );
    let reply = app
        .post_form(&session, "/program", "name=Riverbend+Health+2027")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        app.page(&session, "/")
            .await
            .body
            .contains("Riverbend Health 2027")
    );
}
