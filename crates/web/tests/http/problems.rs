//! Bad input gets a clear, specific application/problem+json answer, never a 500, and
//! nothing is half-written.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::json;

use crate::support::TestApp;

async fn admin() -> (TestApp, String) {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    (app, token)
}

fn raw(
    token: &str,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(ct) = content_type {
        r = r.header(header::CONTENT_TYPE, ct);
    }
    r.body(body.into()).unwrap()
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let (app, token) = admin().await;
    let reply = app
        .send(raw(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some("application/json"),
            "{\"name\": ",
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
}

#[tokio::test]
async fn a_wrong_type_or_unknown_field_is_a_422_naming_the_field() {
    let (app, token) = admin().await;
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "X", "code": "X", "kind": "clinic", "beds": true})),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert_eq!(reply.field_errors()[0].0, "beds");
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "X", "code": "X", "kind": "clinic", "colour": "red"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.field_errors()[0].1.contains("colour"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn every_invalid_field_is_reported_together() {
    let (app, token) = admin().await;
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/people",
            Some(json!({"email": "not-an-email", "job_role": "wizard"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, vec!["name", "email", "job_role"]);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let (app, token) = admin().await;
    let reply = app
        .send(raw(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some("text/plain"),
            "name=x",
        ))
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(reply.content_type(), "application/problem+json");
}

#[tokio::test]
async fn an_oversize_body_is_refused_with_413() {
    let (app, token) = admin().await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let reply = app
        .send(raw(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some("application/json"),
            huge,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_duplicate_code_or_email_is_a_409_on_its_field_and_writes_nothing() {
    let (app, token) = admin().await;
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "Again", "code": "a", "kind": "clinic"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(
        reply.field_errors(),
        vec![(
            "code".to_owned(),
            "another site already has this code".to_owned()
        )]
    );
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/people",
            Some(json!({"name": "Twin", "email": "ANA.ALPHA@test.example", "job_role": "nurse"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert_eq!(reply.field_errors()[0].0, "email");
    let sites = app
        .api(&token, Method::GET, "/api/v1/sites", None)
        .await
        .json();
    assert_eq!(sites["total"], 3);
}

#[tokio::test]
async fn deleting_something_still_referenced_is_a_409_that_says_what_refers_to_it() {
    let (app, token) = admin().await;
    let reply = app
        .api(
            &token,
            Method::DELETE,
            &format!("/api/v1/sites/{}", app.f.site_a),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    let detail = reply.json()["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("2 units") && detail.contains("1 person") && detail.contains("2 accounts"),
        "{detail}"
    );
    assert_eq!(
        app.api(
            &token,
            Method::GET,
            &format!("/api/v1/sites/{}", app.f.site_a),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_records_and_routes_are_404_problems() {
    let (app, token) = admin().await;
    for path in [
        "/api/v1/sites/999999",
        "/api/v1/sites/abc",
        "/api/v1/nothing-here",
    ] {
        let reply = app.api(&token, Method::GET, path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.content_type(), "application/problem+json", "{path}");
    }
}

#[tokio::test]
async fn bad_paging_and_filter_parameters_are_named() {
    let (app, token) = admin().await;
    let reply = app
        .api(&token, Method::GET, "/api/v1/people?limit=0", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.field_errors()[0].0, "limit");
    let reply = app
        .api(&token, Method::GET, "/api/v1/people?limit=lots", None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = app
        .api(&token, Method::GET, "/api/v1/people?job_role=wizard", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.field_errors()[0].0, "job_role");
    let reply = app
        .api(&token, Method::GET, "/api/v1/people?cursor=garbage!", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn no_or_a_bad_token_is_a_401_problem() {
    let app = TestApp::new().await;
    let reply = app
        .send(Request::get("/api/v1/sites").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(
        reply.headers.get(header::WWW_AUTHENTICATE).unwrap(),
        "Bearer"
    );
    let reply = app
        .api("mst_not-a-token", Method::GET, "/api/v1/sites", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn lists_page_with_cursors_through_every_row() {
    let (app, token) = admin().await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/people?limit=2".to_owned();
    loop {
        let page = app.api(&token, Method::GET, &path, None).await.json();
        assert_eq!(page["total"], 3);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/people?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, vec!["Ana Alpha", "Ben Beta", "Vic Vendor"]);
}

#[tokio::test]
async fn create_answers_201_with_a_location_and_patch_keeps_unsent_fields() {
    let (app, token) = admin().await;
    let reply = app
        .api(
            &token,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "Lakeside", "code": "lks", "kind": "clinic", "beds": "12"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let id = reply.json()["id"].as_i64().unwrap();
    assert_eq!(
        reply
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap(),
        format!("/api/v1/sites/{id}")
    );
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/sites/{id}"),
            Some(json!({"region": "West"})),
        )
        .await
        .json();
    assert_eq!(patched["code"], "LKS");
    assert_eq!(patched["beds"], 12);
    assert_eq!(patched["region"], "West");
}

#[tokio::test]
async fn the_openapi_document_describes_every_resource() {
    let app = TestApp::new().await;
    let reply = app
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/sites",
        "/api/v1/units/{id}",
        "/api/v1/waves",
        "/api/v1/modules",
        "/api/v1/people",
        "/api/v1/audit",
        "/api/v1/me",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/people/{id}"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["PersonDraft"].is_object());
}

#[tokio::test]
async fn health_and_metrics_need_no_sign_in() {
    let app = TestApp::new().await;
    let reply = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "ok"));
    let reply = app
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("http_requests_total"), "{}", reply.body);
}
