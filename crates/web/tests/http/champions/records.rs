//! Designating champions: CRUD through the API and the forms, refusals naming the field,
//! one designation per person, advanced training per module.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{admin, champion, created, id, module, people};

#[tokio::test]
async fn a_champion_is_designated_read_back_changed_and_removed_with_audit() {
    let (app, token) = admin().await;
    let f = &app.f;
    let ehr = module(&app, &token, "AMB").await;
    let rx = module(&app, &token, "RX").await;
    let made = created(
        &app,
        &token,
        "/api/v1/champions",
        champion(f.person_a, f.site_a, f.unit_a, "night", &[ehr, rx]),
    )
    .await;
    assert_eq!(made["person_name"], "Ana Alpha");
    assert_eq!(made["unit_name"], "ICU");
    assert_eq!(made["site_id"], f.site_a);
    assert_eq!(made["shift"], "night");
    assert_eq!(made["module_ids"], json!([ehr, rx]));
    assert_eq!(made["since"], "2026-01-05");
    let path = format!("/api/v1/champions/{}", id(&made));
    let patched = app
        .api(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"module_ids": [rx], "notes": "Covers pharmacy too"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let patched = patched.json();
    assert_eq!(patched["module_ids"], json!([rx]));
    assert_eq!(
        patched["shift"], "night",
        "a patch keeps what it does not name"
    );
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.json(),
        patched
    );
    let list = app
        .api(&token, Method::GET, "/api/v1/champions?shift=night", None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    for (module, total) in [(rx, 1), (ehr, 0)] {
        let path = format!("/api/v1/champions?module_id={module}");
        let list = app.api(&token, Method::GET, &path, None).await.json();
        assert_eq!(list["total"], total, "module {module}: {list}");
    }
    let doc = app
        .api(&token, Method::GET, "/api/v1/openapi.json", None)
        .await
        .json();
    for path in [
        "/api/v1/champions/{id}",
        "/api/v1/champions/coverage",
        "/api/v1/champions/target",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} described");
    }
    assert!(doc["components"]["schemas"]["PlacedAt"].is_object());
    let audit = app
        .api(&token, Method::GET, "/api/v1/audit?entity=champion", None)
        .await
        .json();
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
    let reply = app.api(&token, Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.api(&token, Method::GET, &path, None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_refusal_names_its_field() {
    let (app, token) = admin().await;
    let f = &app.f;
    let ehr = module(&app, &token, "AMB").await;
    let post = |body| app.api(&token, Method::POST, "/api/v1/champions", Some(body));
    let empty = post(json!({})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = empty.field_errors().into_iter().map(|(f, _)| f).collect();
    for field in [
        "person_id",
        "site_id",
        "unit_id",
        "shift",
        "module_ids",
        "since",
    ] {
        assert!(
            fields.contains(&field.to_owned()),
            "{field}: {}",
            empty.body
        );
    }
    let refusal = |reply: crate::support::Reply| {
        let errors = reply.field_errors();
        assert_eq!(errors.len(), 1, "{}", reply.body);
        (reply.status, errors[0].0.clone(), errors[0].1.clone())
    };
    let (status, field, _) =
        refusal(post(champion(f.person_a, f.site_a, f.unit_a, "noon", &[ehr])).await);
    assert_eq!(
        (status, field.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "shift")
    );
    let (_, field, _) =
        refusal(post(champion(f.person_a, f.site_a, f.unit_b, "day", &[ehr])).await);
    assert_eq!(field, "unit_id", "the unit belongs to another site");
    let (_, field, message) =
        refusal(post(champion(f.person_b, f.site_a, f.unit_a, "day", &[ehr])).await);
    assert_eq!(field, "person_id");
    assert!(message.contains("does not work at Site A"), "{message}");
    let (_, field, _) =
        refusal(post(champion(f.person_a, f.site_a, f.unit_a, "day", &[99_999])).await);
    assert_eq!(field, "module_ids");
    let mut bad_date = champion(f.person_a, f.site_a, f.unit_a, "day", &[ehr]);
    bad_date["since"] = json!("last spring");
    let (_, field, _) = refusal(post(bad_date).await);
    assert_eq!(field, "since");
    created(
        &app,
        &token,
        "/api/v1/champions",
        champion(f.person_a, f.site_a, f.unit_a, "day", &[ehr]),
    )
    .await;
    let (status, field, message) = refusal(
        post(champion(
            f.person_a,
            f.site_a,
            f.unit_empty_a,
            "night",
            &[ehr],
        ))
        .await,
    );
    assert_eq!(
        (status, field.as_str()),
        (StatusCode::CONFLICT, "person_id")
    );
    assert!(message.contains("one unit and shift"), "{message}");
    let leaver = people(&app, "Leaver", 1, f.site_a, f.unit_a, Some("day")).await[0];
    let reply = app
        .api(
            &token,
            Method::PATCH,
            &format!("/api/v1/people/{leaver}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (_, field, message) =
        refusal(post(champion(leaver, f.site_a, f.unit_a, "day", &[ehr])).await);
    assert_eq!(field, "person_id");
    assert!(message.contains("inactive"), "{message}");
    let reply = app
        .api(
            &token,
            Method::GET,
            "/api/v1/champions?advanced_training=maybe",
            None,
        )
        .await;
    assert_eq!(refusal(reply).1, "advanced_training");
    // What a champion names cannot be deleted from under them.
    for path in [
        format!("/api/v1/people/{}", f.person_a),
        format!("/api/v1/units/{}", f.unit_a),
        format!("/api/v1/modules/{ehr}"),
    ] {
        let reply = app.api(&token, Method::DELETE, &path, None).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{path}: {}", reply.body);
        assert!(reply.body.contains("champion"), "{path}: {}", reply.body);
    }
}

#[tokio::test]
async fn a_champions_advanced_training_follows_their_modules() {
    let (app, token) = admin().await;
    let f = &app.f;
    let ehr = module(&app, &token, "AMB").await;
    let rx = module(&app, &token, "RX").await;
    let course = |code: &str, module: Option<i64>| {
        json!({"code": code, "title": format!("Course {code}"), "kind": "classroom",
               "hours": 4, "module_id": module, "advanced": true})
    };
    let amb = id(&created(&app, &token, "/api/v1/courses", course("AMB-SU", Some(ehr))).await);
    created(&app, &token, "/api/v1/courses", course("RX-SU", Some(rx))).await;
    let all = id(&created(&app, &token, "/api/v1/courses", course("SU-101", None)).await);
    let mut basic = course("AMB-1", Some(ehr));
    basic["advanced"] = json!(false);
    created(&app, &token, "/api/v1/courses", basic).await;
    let made = created(
        &app,
        &token,
        "/api/v1/champions",
        champion(f.person_a, f.site_a, f.unit_a, "day", &[ehr]),
    )
    .await;
    let codes: Vec<&str> = made["advanced_training"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["AMB-SU", "SU-101"],
        "their module's and everyone's, advanced only"
    );
    assert_eq!(made["advanced_training_complete"], false);
    let incomplete = "/api/v1/champions?advanced_training=incomplete";
    assert_eq!(
        app.api(&token, Method::GET, incomplete, None).await.json()["total"],
        1
    );
    for course in [amb, all] {
        created(
            &app,
            &token,
            "/api/v1/completions",
            json!({"person_id": f.person_a, "course_id": course, "completed_on": "2026-02-01"}),
        )
        .await;
    }
    let now = app
        .api(
            &token,
            Method::GET,
            &format!("/api/v1/champions/{}", id(&made)),
            None,
        )
        .await
        .json();
    assert_eq!(now["advanced_training_complete"], true);
    assert_eq!(now["advanced_training"][0]["completed_on"], "2026-02-01");
    assert_eq!(
        app.api(&token, Method::GET, incomplete, None).await.json()["total"],
        0
    );
}

#[tokio::test]
async fn the_champion_form_keeps_typed_values_and_names_each_problem() {
    let app = crate::support::TestApp::new().await;
    let session = app
        .sign_in(muster_domain::access::AccessRole::ProgramLead)
        .await;
    let form = app.page(&session, "/champions/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"module_ids\"") || form.body.contains("Modules"));
    let reply = app
        .post_form(
            &session,
            "/champions",
            &format!(
                "person_id={}&site_id={}&shift=day&since=",
                app.f.person_a, app.f.site_a
            ),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert!(reply.body.contains("choose at least one module"));
    assert!(
        reply
            .body
            .contains(&format!("value=\"{}\"", app.f.person_a))
    );
    let list = app.page(&session, "/champions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Coverage map"));
}
