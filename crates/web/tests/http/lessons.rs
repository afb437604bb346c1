//! Lessons learned and embedding assignments through the pages and the API: search, the
//! follow-ups a lesson makes (a readiness criterion, a plan task for a later wave) with the
//! link kept, embedding checked against the waves and guarded per site, and the leaders'
//! coverage per wave.

use axum::http::{Method, StatusCode, header};
use muster_domain::access::AccessRole;
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

/// Site A goes live in wave 1 (March), site B in wave 2 (June): (wave 1, wave 2).
async fn two_waves(app: &TestApp, token: &str) -> (i64, i64) {
    let wave = |name: &str, go_live: &str, site: i64| json!({"name": name, "go_live": go_live, "site_ids": [site]});
    let mut ids = Vec::new();
    for body in [
        wave("Wave 1", "2027-03-01", app.f.site_a),
        wave("Wave 2", "2027-06-01", app.f.site_b),
    ] {
        let reply = app
            .api(token, Method::POST, "/api/v1/waves", Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        ids.push(reply.json()["id"].as_i64().unwrap());
    }
    (ids[0], ids[1])
}

fn lesson(wave: i64) -> Value {
    json!({
        "title": "Printer mappings were wrong on 4 West",
        "observation": "Labels printed on the wrong unit for six hours after cutover",
        "recommendation": "Walk every printer mapping at the dress rehearsal",
        "source": "retrospective",
        "phase": "go_live",
        "wave_id": wave,
    })
}

fn field_errors(reply: &Reply) -> Vec<String> {
    reply.field_errors().into_iter().map(|(f, _)| f).collect()
}

#[tokio::test]
async fn a_lesson_is_recorded_searched_and_guarded() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (wave_1, _) = two_waves(&app, &lead).await;
    let champion = app.token(AccessRole::Champion).await;
    let made = app
        .api(
            &champion,
            Method::POST,
            "/api/v1/lessons",
            Some(lesson(wave_1)),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = made.json();
    assert_eq!(made["recorded_by"], "Test Champion");
    let path = format!("/api/v1/lessons/{}", made["id"]);
    let patch = app
        .api(
            &champion,
            Method::PATCH,
            &path,
            Some(json!({"phase": "cutover"})),
        )
        .await;
    assert_eq!(
        patch.status,
        StatusCode::FORBIDDEN,
        "champions record, leads edit"
    );
    let patch = app
        .api(
            &lead,
            Method::PATCH,
            &path,
            Some(json!({"phase": "cutover"})),
        )
        .await;
    assert_eq!(patch.json()["phase"], "cutover");

    let mut body = lesson(wave_1);
    body["source"] = json!("ticket");
    let refused = app
        .api(&lead, Method::POST, "/api/v1/lessons", Some(body))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&refused), ["ticket_id"]);

    let search = |q: &str| {
        let path = format!("/api/v1/lessons?q={q}");
        let token = lead.clone();
        let app = &app;
        async move { app.api(&token, Method::GET, &path, None).await.json() }
    };
    assert_eq!(
        search("printer%20DRESS").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        search("printer%20badge").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let end_user = app.token(AccessRole::EndUser).await;
    let reply = app
        .api(&end_user, Method::GET, "/api/v1/lessons", None)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // A link from a ticket starts the form filled in.
    let lead_session = app.sign_in(AccessRole::ProgramLead).await;
    let form = app
        .page(
            &lead_session,
            "/lessons/new?source=ticket&ticket_id=77&phase=go_live",
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"77\""), "{}", form.body);
    assert!(form.body.contains("<option value=\"ticket\" selected"));
    let odd = app.page(&lead_session, "/lessons/new?colour=red").await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);

    let session = app.sign_in(AccessRole::Executive).await;
    let page = app.page(&session, "/lessons?q=printer").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Printer mappings were wrong on 4 West"));
    let page = app
        .page(&session, &format!("/lessons/{}", made["id"]))
        .await;
    assert!(
        page.body
            .contains("Walk every printer mapping at the dress rehearsal")
    );
    assert!(
        !page.body.contains("Make it a plan task"),
        "executives do not change the plan"
    );
}

#[tokio::test]
async fn a_lesson_makes_a_later_waves_task_and_a_criterion_and_keeps_the_links() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (wave_1, wave_2) = two_waves(&app, &lead).await;
    let made = app
        .api(&lead, Method::POST, "/api/v1/lessons", Some(lesson(wave_1)))
        .await
        .json();
    let id = made["id"].as_i64().unwrap();
    let tasks = format!("/api/v1/lessons/{id}/tasks");
    let task = |wave: i64| json!({"name": "Walk printer mappings", "duration": 3, "wave_id": wave});
    let same_wave = app
        .api(&lead, Method::POST, &tasks, Some(task(wave_1)))
        .await;
    assert_eq!(same_wave.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&same_wave), ["wave_id"]);
    let later = app
        .api(&lead, Method::POST, &tasks, Some(task(wave_2)))
        .await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.body);
    assert!(
        later.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/api/v1/tasks/")
    );
    let task_id = later.json()["id"].as_i64().unwrap();

    // The criterion through the page: the form comes prefilled from the lesson.
    let session = app.sign_in(AccessRole::ProgramLead).await;
    let form = app
        .page(&session, &format!("/lessons/{id}/criterion"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("value=\"Printer mappings were wrong on 4 West\"")
    );
    let reply = app
        .post_form(
            &session,
            &format!("/lessons/{id}/criterion"),
            "name=Printer+mappings+walked&description=&measure=attested&threshold=&amber_band=\
             &weight=5&owner=Device+lead&owner_account_id=&active=true",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let missing_owner = app
        .post_form(
            &session,
            &format!("/lessons/{id}/criterion"),
            "name=Another&measure=attested&weight=&owner=&owner_account_id=",
        )
        .await;
    assert_eq!(missing_owner.status, StatusCode::UNPROCESSABLE_ENTITY);

    let read = app
        .api(&lead, Method::GET, &format!("/api/v1/lessons/{id}"), None)
        .await
        .json();
    let follow_ups = read["follow_ups"].as_array().unwrap();
    assert_eq!(follow_ups.len(), 2, "{read}");
    assert_eq!(follow_ups[0]["kind"], "task");
    assert_eq!(follow_ups[0]["target_id"], task_id);
    assert_eq!(follow_ups[0]["wave_id"], wave_2);
    assert_eq!(follow_ups[1]["name"], "Printer mappings walked");
    let page = app.page(&session, &format!("/lessons/{id}")).await;
    assert!(page.body.contains(&format!("href=\"/tasks/{task_id}\"")));
    assert!(page.body.contains("Printer mappings walked"));

    // A trainer reads lessons but does not change the plan.
    let trainer = app.token(AccessRole::Trainer).await;
    let reply = app
        .api(&trainer, Method::POST, &tasks, Some(task(wave_2)))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

fn embedding(person: i64, home: i64, wave: i64) -> Value {
    json!({
        "person_id": person,
        "home_site_id": home,
        "host_wave_id": wave,
        "role": "work",
        "starts_on": "2027-02-27",
        "ends_on": "2027-03-06",
    })
}

#[tokio::test]
async fn site_leads_embed_their_own_people_in_an_earlier_go_live() {
    let app = TestApp::new().await;
    let lead = app.token(AccessRole::ProgramLead).await;
    let (wave_1, wave_2) = two_waves(&app, &lead).await;
    // Site A goes live first: its people have no earlier go-live to join.
    let site_lead = app.token(AccessRole::SiteLead).await;
    let own = app
        .api(
            &site_lead,
            Method::POST,
            "/api/v1/embedding",
            Some(embedding(app.f.person_a, app.f.site_a, wave_2)),
        )
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    assert_eq!(field_errors(&own), ["host_wave_id"]);
    let other_site = app
        .api(
            &site_lead,
            Method::POST,
            "/api/v1/embedding",
            Some(embedding(app.f.person_b, app.f.site_b, wave_1)),
        )
        .await;
    assert_eq!(
        other_site.status,
        StatusCode::FORBIDDEN,
        "site B is not theirs"
    );
    let made = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/embedding",
            Some(embedding(app.f.person_b, app.f.site_b, wave_1)),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.json()["person_name"], "Ben Beta");
    let wrong_person = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/embedding",
            Some(embedding(app.f.person_a, app.f.site_b, wave_1)),
        )
        .await;
    assert_eq!(field_errors(&wrong_person), ["person_id"]);

    let coverage = app
        .api(&lead, Method::GET, "/api/v1/embedding/coverage", None)
        .await
        .json();
    assert_eq!(coverage[1]["wave_id"], wave_2);
    assert_eq!(coverage[1]["sites"][0]["embedded_people"], 1);
    assert_eq!(
        coverage[1]["embedded_leaders"], 0,
        "Ben is a nurse, not a leader"
    );

    let session = app.sign_in(AccessRole::SiteLead).await;
    let page = app.page(&session, "/embedding/coverage").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("The first go-live: there is no earlier command center")
    );
    assert!(page.body.contains("0 of 0 leaders embedded"));
    let form = app.page(&session, "/embedding/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Site A (A)"));
}
