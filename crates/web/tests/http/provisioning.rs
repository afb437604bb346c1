//! The provisioning list over HTTP: who is ready and why not, the filters and paging, the
//! CSV and XLSX exports read back, and who may see it. The forecast, on the same data, is
//! in `forecast`.

use axum::http::{Method, StatusCode};
use chrono::{Days, Utc};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::training::{Plan, created, id, plan};

mod forecast;
mod go_live;

/// Site A: the end user ready; the site lead's person failed proficiency (72 of 80); Ana
/// missing a course and not assessed; a coder with no curriculum; a nurse who left. Site B:
/// Ben and the vendor, nothing done. A wave holds both sites, going live in 30 days.
pub struct World {
    pub p: Plan,
    pub coder: i64,
    pub leaver: i64,
    pub wave: i64,
}

/// Roles in the order of the expectation rows, as in the authorization matrix.
pub const ROLES: [AccessRole; 9] = [
    AccessRole::Admin,
    AccessRole::ProgramLead,
    AccessRole::SiteLead,
    AccessRole::Analyst,
    AccessRole::Trainer,
    AccessRole::Champion,
    AccessRole::EndUser,
    AccessRole::Vendor,
    AccessRole::Executive,
];

fn days_ago(n: u64) -> String {
    (Utc::now().date_naive() - Days::new(n)).to_string()
}

pub async fn world(app: &TestApp) -> World {
    let p = plan(app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let admin = app.token(AccessRole::Admin).await;
    let done = |person: i64, course: i64, ago: u64| json!({"person_id": person, "course_id": course, "completed_on": days_ago(ago)});
    for course in &p.courses {
        created(
            app,
            &trainer,
            "/api/v1/completions",
            done(p.end_user, *course, 10),
        )
        .await;
        created(
            app,
            &trainer,
            "/api/v1/completions",
            done(p.lead_person, *course, 5),
        )
        .await;
    }
    created(
        app,
        &trainer,
        "/api/v1/completions",
        done(app.f.person_a, p.courses[0], 3),
    )
    .await;
    let assess = |person: i64, score: i64| json!({"person_id": person, "curriculum_id": p.curriculum, "score": score, "assessed_on": days_ago(2), "assessor": "Sofia Alvarez"});
    created(app, &trainer, "/api/v1/assessments", assess(p.end_user, 91)).await;
    created(
        app,
        &trainer,
        "/api/v1/assessments",
        assess(p.lead_person, 72),
    )
    .await;
    let person = |name: &str, role: &str| json!({"name": name, "email": format!("{}@test.example", name.to_lowercase().replace(' ', ".")), "employee_id": format!("E-{}", name.split(' ').next().unwrap().to_uppercase()), "job_role": role, "site_id": app.f.site_a});
    let coder = id(&created(app, &admin, "/api/v1/people", person("Cody Coder", "coder")).await);
    let leaver = id(&created(app, &admin, "/api/v1/people", person("Lee Leaver", "nurse")).await);
    let gone = app
        .api(
            &admin,
            Method::PATCH,
            &format!("/api/v1/people/{leaver}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    let go_live = (Utc::now().date_naive() + Days::new(30)).to_string();
    let wave =
        json!({"name": "Wave 1", "go_live": go_live, "site_ids": [app.f.site_a, app.f.site_b]});
    let wave = id(&created(app, &admin, "/api/v1/waves", wave).await);
    World {
        p,
        coder,
        leaver,
        wave,
    }
}

fn entry(list: &Value, person: i64) -> &Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person_id"] == person)
        .unwrap_or_else(|| panic!("person {person} is listed: {list}"))
}

fn reasons(list: &Value, person: i64) -> Vec<String> {
    entry(list, person)["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_list_says_who_is_ready_and_exactly_why_the_others_are_not() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let path = format!("/api/v1/provisioning?site_id={}", app.f.site_a);
    let reply = app.api(&lead, Method::GET, &path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list = reply.json();
    assert_eq!(
        list["counts"],
        json!({"people": 5, "ready": 1, "not_ready": 4, "inactive": 1}),
        "{list}"
    );
    assert_eq!(entry(&list, w.p.end_user)["status"], "ready");
    assert!(reasons(&list, w.p.end_user).is_empty());
    assert_eq!(
        reasons(&list, w.p.lead_person),
        ["proficiency not passed: scored 72, pass mark 80 (Nurse — Inpatient)"]
    );
    assert_eq!(
        reasons(&list, app.f.person_a),
        [
            "missing courses: Inpatient IP-201 (Nurse — Inpatient)",
            "not assessed (Nurse — Inpatient)"
        ]
    );
    assert_eq!(
        reasons(&list, w.coder),
        ["no curriculum for job role Coder / biller"]
    );
    assert_eq!(reasons(&list, w.leaver), ["inactive in the roster"]);
    assert_eq!(entry(&list, w.leaver)["status"], "not_ready");
    let ana = entry(&list, app.f.person_a);
    assert_eq!(
        (ana["site"].as_str(), ana["unit"].as_str()),
        (Some("Site A"), Some("ICU"))
    );
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");
}

#[tokio::test]
async fn filters_narrow_the_list_and_pages_follow_one_another() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let get = |path: String| {
        let app = &app;
        let lead = lead.clone();
        async move {
            let r = app.api(&lead, Method::GET, &path, None).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
            r.json()
        }
    };
    let ready = get("/api/v1/provisioning?status=ready".into()).await;
    let ids: Vec<i64> = ready["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [w.p.end_user]);
    assert_eq!(
        ready["counts"]["people"], 7,
        "counts ignore the status filter: {ready}"
    );
    let coders = get("/api/v1/provisioning?job_role=coder&status=not_ready".into()).await;
    assert_eq!(coders["items"].as_array().unwrap().len(), 1);
    let wave = get(format!(
        "/api/v1/provisioning?wave_id={}&site_id={}",
        w.wave, app.f.site_b
    ))
    .await;
    assert_eq!(wave["counts"]["people"], 2);
    let go_live = (Utc::now().date_naive() + Days::new(30)).to_string();
    assert_eq!(wave["go_live"], go_live.as_str());

    let mut seen = Vec::new();
    let mut path = "/api/v1/provisioning?limit=3".to_owned();
    loop {
        let page = get(path.clone()).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["person_id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/provisioning?limit=3&cursor={c}"),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7, "every person once across the pages");

    for (query, field) in [
        ("status=maybe", "status"),
        ("job_role=wizard", "job_role"),
        ("site_id=x", "site_id"),
        ("site_id=999999", "site_id"),
        ("wave_id=999999", "wave_id"),
        ("cursor=%25%25", "cursor"),
        ("limit=0", "limit"),
    ] {
        let r = app
            .api(
                &lead,
                Method::GET,
                &format!("/api/v1/provisioning?{query}"),
                None,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.body
        );
        assert_eq!(r.field_errors()[0].0, field, "{query}");
    }
}

#[tokio::test]
async fn the_exports_hold_the_same_filtered_list_as_csv_and_as_a_real_workbook() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let trainer = app.token(AccessRole::Trainer).await;
    let query = format!("site_id={}", app.f.site_a);
    let csv = app
        .api(
            &trainer,
            Method::GET,
            &format!("/api/v1/provisioning.csv?{query}"),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"provisioning-")
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "employee_id",
            "name",
            "email",
            "site",
            "unit",
            "job_role",
            "status",
            "reasons"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let ana = rows.iter().find(|r| &r[1] == "Ana Alpha").expect("Ana");
    assert_eq!(
        (&ana[3], &ana[4], &ana[5], &ana[6], &ana[7]),
        (
            "Site A",
            "ICU",
            "Nurse",
            "Not ready",
            "missing courses: Inpatient IP-201 (Nurse — Inpatient); not assessed (Nurse — Inpatient)"
        )
    );

    let bytes = raw_body(
        &app,
        &trainer,
        &format!("/api/v1/provisioning.xlsx?{query}&status=not_ready"),
    )
    .await;
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("a real workbook");
    let sheet = book.worksheet_range("Provisioning").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    c => c.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 1 + 4, "header and the four not ready: {rows:?}");
    assert_eq!(rows[0][7], "reasons");
    let leaver = rows
        .iter()
        .find(|r| r[1] == "Lee Leaver")
        .expect("the leaver");
    assert_eq!(
        (leaver[0].as_str(), leaver[7].as_str()),
        ("E-LEE", "inactive in the roster")
    );
    assert!(
        rows.iter().all(|r| r[1] != "Person End user"),
        "the ready are filtered out"
    );
    let _ = w;
}

/// The whole body of an XLSX download, as bytes (a workbook is not text).
async fn raw_body(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

#[tokio::test]
async fn who_may_read_the_list_follows_the_policy_site_by_site() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let site_b = format!("/api/v1/provisioning?site_id={}", app.f.site_b);
    //                 adm  pl   sl   ana  trn  chp  end  ven  exe
    let all_sites = [200, 200, 200, 200, 200, 403, 403, 403, 403];
    let other_site = [200, 200, 403, 200, 200, 403, 403, 403, 403];
    for (i, role) in ROLES.into_iter().enumerate() {
        let token = app.token(role).await;
        for (path, expect) in [
            ("/api/v1/provisioning".to_owned(), all_sites[i]),
            ("/api/v1/provisioning.csv".to_owned(), all_sites[i]),
            ("/api/v1/provisioning.xlsx".to_owned(), all_sites[i]),
            (site_b.clone(), other_site[i]),
            (
                format!("{}.csv?site_id={}", "/api/v1/provisioning", app.f.site_b),
                other_site[i],
            ),
        ] {
            let r = app.api(&token, Method::GET, &path, None).await;
            assert_eq!(r.status.as_u16(), expect, "{role:?} {path}: {}", r.body);
        }
    }
    // A site lead's list without a site filter holds only their own site's people.
    let lead = app.token(AccessRole::SiteLead).await;
    let list = app
        .api(
            &lead,
            Method::GET,
            &format!("/api/v1/provisioning?wave_id={}", w.wave),
            None,
        )
        .await
        .json();
    assert_eq!(list["counts"]["people"], 5, "{list}");
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["site_id"] == app.f.site_a)
    );
    let csv = app
        .api(&lead, Method::GET, "/api/v1/provisioning.csv", None)
        .await;
    assert!(!csv.body.contains("Ben Beta"), "{}", csv.body);
    let unsigned = app
        .send(
            axum::http::Request::get("/api/v1/provisioning.csv")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_page_shows_counts_reasons_filters_and_export_links_for_the_same_filters() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let session = app.sign_in(AccessRole::Trainer).await;
    let home = app.page(&session, "/").await;
    assert!(
        home.body.contains("href=\"/provisioning\""),
        "in the navigation"
    );
    let path = format!(
        "/provisioning?site_id={}&wave_id={}&status=not_ready",
        app.f.site_a, w.wave
    );
    let page = app.page(&session, &path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "<h1>Provisioning for Wave 1</h1>",
        "<dt>Ready for access</dt><dd>1</dd>",
        "<dt>Not ready</dt><dd>4</dd>",
        "proficiency not passed: scored 72, pass mark 80 (Nurse — Inpatient)",
        "<li>inactive in the roster</li>",
        "<label for=\"f-status\">Status</label>",
        &format!(
            "href=\"/api/v1/provisioning.xlsx?site_id={}&#38;wave_id={}&#38;status=not_ready\"",
            app.f.site_a, w.wave
        ),
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(
        !page.body.contains("Person End user"),
        "the ready are filtered out"
    );
    let bad = app.page(&session, "/provisioning?status=maybe").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let champion = app.sign_in(AccessRole::Champion).await;
    assert_eq!(
        app.page(&champion, "/provisioning").await.status,
        StatusCode::FORBIDDEN
    );
    let home = app.page(&champion, "/").await;
    assert!(
        !home.body.contains("href=\"/provisioning\""),
        "not offered to champions"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_provisioning_and_the_forecast() {
    let app = TestApp::new().await;
    let token = app.token(AccessRole::Admin).await;
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for path in [
        "/api/v1/provisioning",
        "/api/v1/provisioning.csv",
        "/api/v1/provisioning.xlsx",
        "/api/v1/training/forecast",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/provisioning"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        params,
        [
            "site_id", "wave_id", "status", "job_role", "cursor", "limit"
        ]
    );
    assert!(doc["components"]["schemas"]["ProvisioningEntry"]["properties"]["reasons"].is_object());
    assert!(
        doc["components"]["schemas"]["ProvisioningList"]["properties"]["required_modules"]
            .is_object(),
        "the list names the modules it requires"
    );
    assert!(doc["components"]["schemas"]["SiteForecast"].is_object());
}
