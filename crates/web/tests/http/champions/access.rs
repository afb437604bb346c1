//! Who may do what with champions: leads designate (site leads at their own sites), support
//! staff read, champions and end users see their own sites', vendors nothing; the target is
//! the program's, set by program leads.

use axum::http::{Method, StatusCode};
use muster_domain::access::AccessRole;
use serde_json::json;

use super::{champion, created, id, module};
use crate::support::TestApp;

#[tokio::test]
async fn site_leads_designate_champions_only_at_their_own_sites() {
    let app = TestApp::new().await;
    let f = &app.f;
    let admin = app.token(AccessRole::Admin).await;
    let ehr = module(&app, &admin, "AMB").await;
    let at_b = created(
        &app,
        &admin,
        "/api/v1/champions",
        champion(f.person_b, f.site_b, f.unit_b, "day", &[ehr]),
    )
    .await;
    let lead = app.token(AccessRole::SiteLead).await;
    let own = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/champions",
            Some(champion(f.person_a, f.site_a, f.unit_a, "day", &[ehr])),
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let other = app
        .api(
            &lead,
            Method::POST,
            "/api/v1/champions",
            Some(champion(f.person_vendor, f.site_b, f.unit_b, "day", &[ehr])),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let path = format!("/api/v1/champions/{}", id(&at_b));
    for method in [Method::GET, Method::DELETE] {
        let reply = app.api(&lead, method.clone(), &path, None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method}");
    }
    let list = app
        .api(&lead, Method::GET, "/api/v1/champions", None)
        .await
        .json();
    assert_eq!(list["total"], 1, "only site A's champion: {list}");
    let target = app
        .api(
            &lead,
            Method::PUT,
            "/api/v1/champions/target",
            Some(json!({"end_users_per_champion": 5})),
        )
        .await;
    assert_eq!(
        target.status,
        StatusCode::FORBIDDEN,
        "the target is program-wide"
    );
}

#[tokio::test]
async fn each_role_reads_or_writes_champions_as_the_policy_says() {
    let app = TestApp::new().await;
    let f = &app.f;
    let admin = app.token(AccessRole::Admin).await;
    let ehr = module(&app, &admin, "AMB").await;
    let made = created(
        &app,
        &admin,
        "/api/v1/champions",
        champion(f.person_a, f.site_a, f.unit_a, "day", &[ehr]),
    )
    .await;
    let one = format!("/api/v1/champions/{}", id(&made));
    // (role, list, one record at site A, coverage, create, target)
    let expect = [
        (AccessRole::Admin, 200, 200, 200, 422, 200),
        (AccessRole::ProgramLead, 200, 200, 200, 422, 200),
        (AccessRole::SiteLead, 200, 200, 200, 422, 403),
        (AccessRole::Analyst, 200, 200, 200, 403, 403),
        (AccessRole::Trainer, 200, 200, 200, 403, 403),
        (AccessRole::Champion, 200, 200, 200, 403, 403),
        (AccessRole::EndUser, 200, 403, 200, 403, 403),
        (AccessRole::Vendor, 403, 403, 403, 403, 403),
        (AccessRole::Executive, 200, 200, 200, 403, 403),
    ];
    for (role, list, record, coverage, create, target) in expect {
        let token = app.token(role).await;
        let status = |reply: crate::support::Reply| reply.status.as_u16();
        let got = (
            role,
            status(
                app.api(&token, Method::GET, "/api/v1/champions", None)
                    .await,
            ),
            status(app.api(&token, Method::GET, &one, None).await),
            status(
                app.api(&token, Method::GET, "/api/v1/champions/coverage", None)
                    .await,
            ),
            // Allowed roles get as far as validation: the site is theirs, the body is not.
            status(
                app.api(
                    &token,
                    Method::POST,
                    "/api/v1/champions",
                    Some(json!({"site_id": f.site_a})),
                )
                .await,
            ),
            status(
                app.api(
                    &token,
                    Method::PUT,
                    "/api/v1/champions/target",
                    Some(json!({"end_users_per_champion": 10})),
                )
                .await,
            ),
        );
        assert_eq!(got, (role, list, record, coverage, create, target));
    }
    // The end user has no site: they see no champion, not an error.
    let token = app.token(AccessRole::EndUser).await;
    let list = app
        .api(&token, Method::GET, "/api/v1/champions", None)
        .await
        .json();
    assert_eq!(list["total"], 0);
}
