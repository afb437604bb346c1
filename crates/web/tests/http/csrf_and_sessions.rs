//! Sign-in, sessions and CSRF: what keeps a browser session from being borrowed.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use muster_web::WebConfig;
use serde_json::json;

use crate::support::{PASSWORD, TestApp, email, form_request};

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_secure_when_served_over_tls() {
    let app = TestApp::with_config(WebConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let form = format!(
        "email={}&password={}",
        email(AccessRole::Admin),
        PASSWORD.replace(' ', "+")
    );
    let reply = app.send(form_request("/login", &form, None)).await;
    let cookie = reply.set_cookie("muster_session").unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing from {cookie}");
    }
    let plain = TestApp::new().await;
    let reply = plain.send(form_request("/login", &form, None)).await;
    assert!(
        !reply
            .set_cookie("muster_session")
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::new().await;
    let wrong = app
        .send(form_request(
            "/login",
            &format!("email={}&password=nope", email(AccessRole::Admin)),
            None,
        ))
        .await;
    let unknown = app
        .send(form_request(
            "/login",
            "email=nobody%40test.example&password=nope",
            None,
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("do not match an account")
            && unknown.body.contains("do not match an account")
    );
    assert!(wrong.set_cookie("muster_session").is_none());
}

#[tokio::test]
async fn sign_in_is_refused_for_a_while_after_repeated_failures_even_with_the_right_password() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        app.send(form_request(
            "/login",
            &format!("email={}&password=wrong", email(AccessRole::Analyst)),
            None,
        ))
        .await;
    }
    let right = format!(
        "email={}&password={}",
        email(AccessRole::Analyst),
        PASSWORD.replace(' ', "+")
    );
    let reply = app.send(form_request("/login", &right, None)).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.headers.get(header::RETRY_AFTER).is_some());
    assert!(reply.body.contains("Too many failed sign-ins"));
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let fields = "name=Forged&code=FRG&kind=clinic";
    let missing = app
        .send(form_request("/sites", fields, Some(&session)))
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("form has expired"));
    let wrong = app
        .send(form_request(
            "/sites",
            &format!("csrf_token=guess&{fields}"),
            Some(&session),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let right = app.post_form(&session, "/sites", fields).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    let token = app.token(AccessRole::Admin).await;
    let sites = app
        .api(&token, Method::GET, "/api/v1/sites?q=forged", None)
        .await
        .json();
    assert_eq!(
        sites["total"], 1,
        "exactly the one accepted form made a site"
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_the_token() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let body = format!("csrf_token={}&name=X&code=X&kind=clinic", session.csrf);
    let request = |origin: &str| {
        Request::post("/sites")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "muster.test")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, session.cookie_header())
            .body(Body::from(body.clone()))
            .unwrap()
    };
    assert_eq!(
        app.send(request("https://evil.example")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.send(request("http://muster.test")).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_api_with_a_session_cookie_needs_the_csrf_header_but_a_bearer_token_does_not() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let call = |csrf: Option<&str>| {
        let mut r = Request::post("/api/v1/modules")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, session.cookie_header());
        if let Some(t) = csrf {
            r = r.header("x-csrf-token", t);
        }
        r.body(Body::from(
            json!({"code": "RX", "name": "Pharmacy"}).to_string(),
        ))
        .unwrap()
    };
    assert_eq!(app.send(call(None)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.send(call(Some(&session.csrf))).await.status,
        StatusCode::CREATED
    );
    let token = app.token(AccessRole::Admin).await;
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/modules",
            Some(json!({"code": "LAB", "name": "Lab"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    let reply = app.post_form(&session, "/logout", "").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let after = app.page(&session, "/sites").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.headers.get(header::LOCATION).unwrap(), "/login");
}

#[tokio::test]
async fn an_expired_session_sends_pages_to_sign_in_and_the_api_to_401() {
    let app = TestApp::new().await;
    let session = app.sign_in(AccessRole::Admin).await;
    app.store.execute_raw("DELETE FROM session").await.unwrap();
    let account = app
        .store
        .account_by_email(&email(AccessRole::Admin))
        .await
        .unwrap();
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let hash = muster_domain::account::secret_digest(&session.cookie);
    app.store
        .create_session(
            &account,
            app.operator.program_id,
            hash,
            session.csrf.clone(),
            past,
        )
        .await
        .unwrap();
    let page = app.page(&session, "/people").await;
    assert_eq!(page.headers.get(header::LOCATION).unwrap(), "/login");
    let api = app
        .send(
            Request::get("/api/v1/people")
                .header(header::COOKIE, session.cookie_header())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = TestApp::new().await;
    let reply = app
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(reply.headers.get(name).is_some(), "{name} missing");
    }
}
