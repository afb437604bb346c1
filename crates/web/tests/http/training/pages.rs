//! The training pages: dashboard heat map and drill-down, the person page, the session
//! calendar with its roster actions, and the iCalendar feeds.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::{created, plan};
use crate::support::TestApp;

#[tokio::test]
async fn the_dashboard_shows_completion_as_text_and_colour_and_drills_down_to_who_is_behind() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    for course in &p.courses {
        let body =
            json!({"person_id": p.end_user, "course_id": course, "completed_on": "2031-02-10"});
        created(&app, &trainer, "/api/v1/completions", body).await;
    }
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let page = app.page(&session, "/training").await;
    assert_eq!(page.status, StatusCode::OK);
    // Site A: the end user done, Ana, the site lead's and the trainer's nurses not: 1 of 3.
    assert!(page.body.contains("class=\"band-low\""), "{}", page.body);
    assert!(
        page.body
            .contains(">33%</a><span class=\"n\">1 of 3</span>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("90% or more"),
        "the legend names the bands"
    );
    let cell = format!("/training/cells?site_id={}", app.f.site_a);
    assert!(
        page.body.contains(&cell),
        "cells link to the people behind them"
    );
    let behind = app.page(&session, &format!("{cell}&job_role=nurse")).await;
    assert_eq!(behind.status, StatusCode::OK);
    assert!(
        behind.body.contains("Ana Alpha")
            && behind.body.contains("Inpatient IP-101, Inpatient IP-201"),
        "{}",
        behind.body
    );
    assert!(
        !behind.body.contains("Person End user"),
        "the complete are not listed"
    );

    let lead = app.sign_in(AccessRole::SiteLead).await;
    let elsewhere = app
        .page(
            &lead,
            &format!("/training/cells?site_id={}&job_role=nurse", app.f.site_b),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let user = app.sign_in(AccessRole::EndUser).await;
    let redirected = app.page(&user, "/training").await;
    assert_eq!(redirected.headers[header::LOCATION], "/training/me");
    let me = app.page(&user, "/training/me").await;
    let own = format!("/training/people/{}", p.end_user);
    assert_eq!(me.headers[header::LOCATION], own.as_str());
    let mine = app.page(&user, &own).await;
    assert!(
        mine.body.contains("Nurse — Inpatient") && mine.body.contains("2 of 2"),
        "{}",
        mine.body
    );
    assert_eq!(
        app.page(&user, &format!("/training/people/{}", app.f.person_a))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_roster_page_enrolls_me_and_course_titles_are_escaped() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    app.api(
        &trainer,
        Method::PATCH,
        &format!("/api/v1/courses/{}", p.courses[1]),
        Some(json!({"title": "<script>alert(1)</script>"})),
    )
    .await;
    let user = app.sign_in(AccessRole::EndUser).await;
    let roster = format!("/sessions/{}/roster", p.session);
    let page = app.page(&user, &roster).await;
    assert!(page.body.contains("Enroll me"), "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "escaped");
    let done = app.post_form(&user, &format!("{roster}/enroll"), "").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = app.page(&user, &roster).await;
    assert!(
        page.body.contains("<td>Enrolled</td>") && page.body.contains("Cancel place"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Attended"),
        "end users do not record attendance"
    );
    let calendar = app.page(&user, "/training/sessions?from=2031-03-01").await;
    assert_eq!(calendar.status, StatusCode::OK);
    assert!(
        calendar.body.contains("Week of Monday 3 March 2031"),
        "{}",
        calendar.body
    );
}

#[tokio::test]
async fn a_refused_roster_form_shows_the_roster_again_with_the_typed_id_and_why() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let trainer = app.sign_in(AccessRole::Trainer).await;
    let roster = format!("/sessions/{}/roster", p.session);
    let page = app.page(&trainer, &roster).await;
    page.has(&[
        "<label for=\"f-person_id\">Person",
        "id=\"f-person_id-find\"",
    ]);
    // An id no one has: 422, the roster again, the id kept and the reason beside it.
    let unknown = app
        .post_form(&trainer, &format!("{roster}/enroll"), "person_id=987654")
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    unknown.has(&[
        "Roster: Inpatient IP-201",
        "id=\"f-person_id\" name=\"person_id\" type=\"number\" value=\"987654\" required aria-invalid=\"true\" aria-describedby=\"e-person_id\"",
        "<p class=\"error\" id=\"e-person_id\">there is no person 987654</p>",
        "Some fields need attention",
    ]);
    // Someone already on the roster: 409 beside the same field.
    let path = format!("{roster}/enroll");
    let first = app
        .post_form(&trainer, &path, &format!("person_id={}", p.end_user))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let twice = app
        .post_form(&trainer, &path, &format!("person_id={}", p.end_user))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    twice.has(&[
        &format!("value=\"{}\" required aria-invalid=\"true\"", p.end_user),
        "<p class=\"error\" id=\"e-person_id\">",
    ]);
    // A row's action refused (attendance for someone not on the roster): the reason above
    // the roster, naming what was refused.
    let absent = app
        .post_form(
            &trainer,
            &format!("{roster}/attendance"),
            &format!("person_id={}&attended=true", p.lead_person),
        )
        .await;
    assert_eq!(
        absent.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        absent.body
    );
    absent.has(&[
        "<div class=\"problems\" role=\"alert\">",
        "<li>person_id: is not on this session&#39;s roster</li>",
    ]);
    assert!(!absent.body.contains("aria-invalid"), "{}", absent.body);
    // Cancelling a place twice names the person.
    let cancel = format!("{roster}/cancel");
    let body = format!("person_id={}", p.end_user);
    let once = app.post_form(&trainer, &cancel, &body).await;
    assert_eq!(once.status, StatusCode::SEE_OTHER, "{}", once.body);
    let again = app.post_form(&trainer, &cancel, &body).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    again.has(&["<li>Person End user: "]);
}

#[tokio::test]
async fn the_calendar_feed_is_rfc_5545_with_a_token_or_at_a_secret_link() {
    let app = TestApp::new().await;
    let p = plan(&app).await;
    let user = app.token(AccessRole::EndUser).await;
    let path = format!("/api/v1/sessions/{}/enroll", p.session);
    app.api(&user, Method::POST, &path, Some(json!({}))).await;
    let feed = app
        .api(&user, Method::GET, "/api/v1/calendar.ics", None)
        .await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.content_type().starts_with("text/calendar"));
    let text = &feed.body;
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");
    assert!(
        text.contains("DTSTART:20310303T090000Z\r\nDTEND:20310303T120000Z\r\n"),
        "{text}"
    );
    assert!(
        text.contains("LOCATION:Site A\\, Classroom 2\\, East wing\r\n"),
        "{text}"
    );
    assert!(text.split("\r\n").all(|line| line.len() <= 75));
    let lead = app.token(AccessRole::SiteLead).await;
    let theirs = app
        .api(&lead, Method::GET, "/api/v1/calendar.ics", None)
        .await;
    assert_eq!(theirs.body.matches("BEGIN:VEVENT").count(), 0, "not booked");
    let all = app
        .api(&lead, Method::GET, "/api/v1/calendar.ics?all=true", None)
        .await;
    assert_eq!(all.body.matches("BEGIN:VEVENT").count(), 1);

    let session = app.sign_in(AccessRole::EndUser).await;
    let made = app.post_form(&session, "/training/calendar-link", "").await;
    let link = made
        .body
        .split("<code>")
        .nth(1)
        .and_then(|r| r.split("</code>").next())
        .expect("the link is shown")
        .to_owned();
    assert!(
        link.starts_with("/calendar/") && link.ends_with(".ics"),
        "{link}"
    );
    let anonymous = |uri: String| Request::get(uri).body(Body::empty()).unwrap();
    let polled = app.send(anonymous(link.clone())).await;
    assert_eq!(polled.status, StatusCode::OK, "no sign-in needed");
    assert_eq!(polled.body.matches("BEGIN:VEVENT").count(), 1);
    assert_eq!(
        app.send(anonymous("/calendar/guessed.ics".into()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.post_form(&session, "/training/calendar-link", "").await;
    assert_eq!(
        app.send(anonymous(link)).await.status,
        StatusCode::NOT_FOUND,
        "a new link stops the old one"
    );
}

#[tokio::test]
async fn the_training_menu_offers_only_what_the_viewer_may_open() {
    let app = TestApp::new().await;
    let user = app.sign_in(AccessRole::EndUser).await;
    let theirs = app.page(&user, "/training/sessions").await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    for (link, page) in [
        ("href=\"/training/forecast\"", "/training/forecast"),
        ("href=\"/provisioning\"", "/provisioning"),
    ] {
        assert!(!theirs.body.contains(link), "{link} offered");
        assert_eq!(app.page(&user, page).await.status, StatusCode::FORBIDDEN);
    }
    let trainer = app.sign_in(AccessRole::Trainer).await;
    let page = app.page(&trainer, "/training/sessions").await;
    assert!(page.body.contains("href=\"/training/forecast\""));
    assert!(page.body.contains("href=\"/provisioning\""));
}
