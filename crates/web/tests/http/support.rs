//! `TestApp`: the whole application on a fresh database (SQLite or PostgreSQL, as the
//! environment says), with a program, three sites, and one account per access role.
//! Requests go through the real router in-process; no port, no mocks.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use muster_domain::access::{AccessRole, Actor};
use muster_domain::account::{Password, new_api_token, secret_digest};
use muster_domain::audit::Via;
use muster_domain::person::PersonDraft;
use muster_domain::site::SiteDraft;
use muster_domain::text::{Email, Name};
use muster_domain::unit::UnitDraft;
use muster_store::account::NewAccount;
use muster_store::testing::TestDb;
use muster_store::{Change, Store};
use muster_web::{AppState, WebConfig, app};
use serde_json::Value;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

/// Records every test can refer to. Site A is the one site leads and champions hold.
pub struct Fixture {
    pub site_a: i64,
    pub site_b: i64,
    pub site_unused: i64,
    pub unit_a: i64,
    pub unit_b: i64,
    pub unit_empty_a: i64,
    pub person_a: i64,
    pub person_b: i64,
    pub person_vendor: i64,
}

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub operator: Actor,
    pub f: Fixture,
    _db: TestDb,
}

pub fn email(role: AccessRole) -> String {
    format!("{}@test.example", role.code())
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(WebConfig::default()).await
    }

    pub async fn with_config(config: WebConfig) -> Self {
        let db = muster_store::testing::fresh().await;
        let store = db.store.clone();
        let program = store
            .create_program(Name::parse("Test Program").unwrap())
            .await
            .unwrap();
        let operator = Actor::operator(program.id);
        let change = Change::new(&operator, Via::Cli);
        let site = |code: &str| {
            SiteDraft {
                name: Some(format!("Site {code}")),
                code: Some(code.into()),
                kind: Some("hospital".into()),
                ..Default::default()
            }
            .parse()
            .unwrap()
        };
        let site_a = store.create_site(&change, site("A")).await.unwrap().id;
        let site_b = store.create_site(&change, site("B")).await.unwrap().id;
        let site_unused = store.create_site(&change, site("C")).await.unwrap().id;
        let unit = |site: i64, name: &str| {
            UnitDraft {
                site_id: Some(site.to_string()),
                name: Some(name.into()),
                code: None,
            }
            .parse()
            .unwrap()
        };
        let unit_a = store
            .create_unit(&change, unit(site_a, "ICU"))
            .await
            .unwrap()
            .id;
        let unit_b = store
            .create_unit(&change, unit(site_b, "ED"))
            .await
            .unwrap()
            .id;
        let unit_empty_a = store
            .create_unit(&change, unit(site_a, "Spare"))
            .await
            .unwrap()
            .id;
        let person = |name: &str, site: i64, unit: i64, org: Option<&str>| {
            PersonDraft {
                name: Some(name.into()),
                email: Some(format!(
                    "{}@test.example",
                    name.to_lowercase().replace(' ', ".")
                )),
                job_role: Some("nurse".into()),
                site_id: Some(site.to_string()),
                unit_id: Some(unit.to_string()),
                employer_kind: Some(if org.is_some() { "vendor" } else { "staff" }.into()),
                organization: org.map(str::to_owned),
                ..Default::default()
            }
            .parse()
            .unwrap()
        };
        let person_a = store
            .create_person(&change, person("Ana Alpha", site_a, unit_a, None))
            .await
            .unwrap()
            .id;
        let person_b = store
            .create_person(&change, person("Ben Beta", site_b, unit_b, None))
            .await
            .unwrap()
            .id;
        let person_vendor = store
            .create_person(
                &change,
                person("Vic Vendor", site_b, unit_b, Some("Acme IT")),
            )
            .await
            .unwrap()
            .id;
        let hash = tokio::task::spawn_blocking(|| Password::parse(PASSWORD).unwrap().hash())
            .await
            .unwrap();
        for &role in AccessRole::ALL {
            let site_ids = if matches!(role, AccessRole::SiteLead | AccessRole::Champion) {
                vec![site_a]
            } else {
                vec![]
            };
            let new = NewAccount {
                email: Email::parse(&email(role)).unwrap(),
                name: Name::parse(&format!("Test {}", role.label())).unwrap(),
                password_hash: hash.clone(),
                role,
                site_ids,
                organization: (role == AccessRole::Vendor).then(|| "Acme IT".to_owned()),
            };
            store.create_account(&change, new).await.unwrap();
        }
        let router = app(AppState::new(store.clone(), config));
        let f = Fixture {
            site_a,
            site_b,
            site_unused,
            unit_a,
            unit_b,
            unit_empty_a,
            person_a,
            person_b,
            person_vendor,
        };
        TestApp {
            router,
            store,
            operator,
            f,
            _db: db,
        }
    }

    /// A bearer token for the account of `role`.
    pub async fn token(&self, role: AccessRole) -> String {
        let account = self.store.account_by_email(&email(role)).await.unwrap();
        let token = new_api_token();
        self.store
            .create_api_token(
                &Change::new(&self.operator, Via::Cli),
                account.id,
                "test",
                secret_digest(&token),
            )
            .await
            .unwrap();
        token
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// An API call with a bearer token and an optional JSON body.
    pub async fn api(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// Signs in through the login form; returns a browser-like session.
    pub async fn sign_in(&self, role: AccessRole) -> Session {
        let form = format!(
            "email={}&password={}&next=/",
            email(role),
            PASSWORD.replace(' ', "+")
        );
        let reply = self.send(form_request("/login", &form, None)).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            reply.body
        );
        let cookie = reply.cookie("muster_session").expect("a session cookie");
        let home = self
            .send(
                Request::get("/")
                    .header(header::COOKIE, format!("muster_session={cookie}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let csrf = home
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf token on page")
            .to_owned();
        Session { cookie, csrf }
    }

    pub async fn page(&self, session: &Session, path: &str) -> Reply {
        self.send(
            Request::get(path)
                .header(header::COOKIE, session.cookie_header())
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// The page a redirect leads to, with the flash message the redirect set.
    pub async fn follow(&self, session: &Session, reply: &Reply) -> String {
        let to = reply.headers[header::LOCATION]
            .to_str()
            .unwrap_or_else(|_| panic!("a redirect, not {}: {}", reply.status, reply.body));
        let flash = reply.cookie("muster_flash").unwrap_or_default();
        self.send(
            Request::get(to)
                .header(
                    header::COOKIE,
                    format!("{}; muster_flash={flash}", session.cookie_header()),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .body
    }

    /// Posts a form as the browser would, with the session's CSRF token.
    pub async fn post_form(&self, session: &Session, path: &str, fields: &str) -> Reply {
        let body = if fields.is_empty() {
            format!("csrf_token={}", session.csrf)
        } else {
            format!("csrf_token={}&{fields}", session.csrf)
        };
        self.send(form_request(path, &body, Some(session))).await
    }
}

pub fn form_request(path: &str, body: &str, session: Option<&Session>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "muster.test");
    if let Some(s) = session {
        request = request.header(header::COOKIE, s.cookie_header());
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    pub fn cookie_header(&self) -> String {
        format!("muster_session={}", self.cookie)
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// Fails naming the first of `texts` the body does not contain.
    pub fn has(&self, texts: &[&str]) {
        for t in texts {
            assert!(self.body.contains(t), "missing {t:?} in:\n{}", self.body);
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie(name).and_then(|c| {
            c.split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, v)| v.to_owned())
        })
    }

    /// The whole Set-Cookie line for `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// The field errors of a problem+json body, as (field, message).
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.json()["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap_or_default().to_owned(),
                            e["message"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
