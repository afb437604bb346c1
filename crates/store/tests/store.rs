//! Store tests. Each runs on a fresh database of the backend chosen by MUSTER_TEST_DATABASE,
//! so the same tests prove SQLite and PostgreSQL alike.

use muster_store::testing as support;

use muster_domain::access::{AccessRole, Actor, Scope};
use muster_domain::audit::{AuditAction, AuditFilter, Via};
use muster_domain::paging::Cursor;
use muster_domain::person::{JobRole, PersonDraft, PersonFilter};
use muster_domain::site::SiteDraft;
use muster_domain::text::{Email, Name};
use muster_domain::unit::UnitDraft;
use muster_domain::wave::WaveDraft;
use muster_store::account::NewAccount;
use muster_store::{Change, Store, StoreError};

pub(crate) async fn program(store: &Store) -> Actor {
    let p = store
        .create_program(Name::parse("Riverbend Health").unwrap())
        .await
        .unwrap();
    Actor {
        account_id: None,
        name: "Test Admin".into(),
        ..Actor::operator(p.id)
    }
}

pub(crate) fn site(code: &str) -> muster_domain::site::SiteSpec {
    SiteDraft {
        name: Some(format!("Site {code}")),
        code: Some(code.into()),
        kind: Some("hospital".into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

pub(crate) fn person(
    name: &str,
    email: &str,
    site_id: Option<i64>,
    role: &str,
) -> muster_domain::person::PersonSpec {
    PersonDraft {
        name: Some(name.into()),
        email: Some(email.into()),
        job_role: Some(role.into()),
        site_id: site_id.map(|s| s.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

/// Module IP, "Inpatient": its id.
pub(crate) async fn inpatient(store: &Store, change: &Change<'_>) -> i64 {
    let module = muster_domain::module::ModuleDraft {
        code: Some("IP".into()),
        name: Some("Inpatient".into()),
        description: None,
    };
    store
        .create_module(change, module.parse().unwrap())
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn migrations_apply_once_and_reopening_is_harmless() {
    let db = support::fresh().await;
    let again = Store::open(&db.url).await.unwrap();
    again.ping().await.unwrap();
}

#[tokio::test]
async fn a_site_is_created_updated_and_deleted_with_an_audit_entry_for_each() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Api);
    let created = db.store.create_site(&change, site("RBM")).await.unwrap();
    let mut spec = site("RBM");
    spec.beds = Some(300);
    let updated = db
        .store
        .update_site(&change, created.id, spec)
        .await
        .unwrap();
    assert_eq!(updated.beds, Some(300));
    db.store.delete_site(&change, created.id).await.unwrap();
    assert!(matches!(
        db.store.site(actor.program_id, created.id).await,
        Err(StoreError::NotFound { .. })
    ));

    let filter = AuditFilter {
        entity: Some("site".into()),
        ..Default::default()
    };
    let log = db
        .store
        .list_audit(actor.program_id, &filter, None, 10)
        .await
        .unwrap();
    let actions: Vec<_> = log.items.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::Delete,
            AuditAction::Update,
            AuditAction::Create
        ]
    );
    let update = &log.items[1];
    assert!(update.before.as_deref().unwrap().contains("\"beds\":null"));
    assert!(update.after.as_deref().unwrap().contains("\"beds\":300"));
    assert_eq!(update.via, Via::Api);
    assert!(update.actor.contains("Test Admin"));
}

#[tokio::test]
async fn a_duplicate_site_code_is_a_field_conflict_and_nothing_is_written() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Ui);
    db.store.create_site(&change, site("RBM")).await.unwrap();
    match db.store.create_site(&change, site("rbm")).await {
        Err(StoreError::Conflict(invalid)) => assert!(invalid.message_for("code").is_some()),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let log = db
        .store
        .list_audit(
            actor.program_id,
            &AuditFilter {
                entity: Some("site".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(log.total, 1);
}

#[tokio::test]
async fn a_site_still_in_use_is_not_deleted_and_the_refusal_says_why() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Ui);
    let s = db.store.create_site(&change, site("RBM")).await.unwrap();
    let unit = UnitDraft {
        site_id: Some(s.id.to_string()),
        name: Some("ICU".into()),
        code: None,
    }
    .parse()
    .unwrap();
    db.store.create_unit(&change, unit).await.unwrap();
    db.store
        .create_person(
            &change,
            person("Ana Ruiz", "ana@rb.example", Some(s.id), "nurse"),
        )
        .await
        .unwrap();
    let wave = WaveDraft {
        name: Some("Wave 1".into()),
        go_live: Some("2027-03-01".into()),
        site_ids: Some(vec![s.id]),
        ..Default::default()
    };
    db.store
        .create_wave(&change, wave.parse().unwrap())
        .await
        .unwrap();
    match db.store.delete_site(&change, s.id).await {
        Err(StoreError::InUse(message)) => {
            assert!(
                message.contains("1 unit")
                    && message.contains("1 person")
                    && message.contains("1 wave"),
                "{message}"
            )
        }
        other => panic!("expected in-use, got {other:?}"),
    }
    assert!(db.store.site(actor.program_id, s.id).await.is_ok());
}

#[tokio::test]
async fn a_person_cannot_be_placed_in_a_unit_of_another_site() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Ui);
    let a = db.store.create_site(&change, site("A")).await.unwrap();
    let b = db.store.create_site(&change, site("B")).await.unwrap();
    let unit = UnitDraft {
        site_id: Some(b.id.to_string()),
        name: Some("ED".into()),
        code: None,
    }
    .parse()
    .unwrap();
    let unit = db.store.create_unit(&change, unit).await.unwrap();
    let mut spec = person("Ana Ruiz", "ana@rb.example", Some(a.id), "nurse");
    spec.unit_id = Some(unit.id);
    match db.store.create_person(&change, spec).await {
        Err(StoreError::Invalid(invalid)) => assert!(
            invalid
                .message_for("unit_id")
                .unwrap()
                .contains("another site")
        ),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn duplicate_emails_are_refused_on_the_email_field() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Ui);
    db.store
        .create_person(&change, person("Ana Ruiz", "ana@rb.example", None, "nurse"))
        .await
        .unwrap();
    match db
        .store
        .create_person(&change, person("Ana R.", "ANA@rb.example", None, "nurse"))
        .await
    {
        Err(StoreError::Conflict(invalid)) => assert!(invalid.message_for("email").is_some()),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn people_pages_cover_every_match_once_in_name_order_within_scope() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Ui);
    let a = db.store.create_site(&change, site("A")).await.unwrap();
    let b = db.store.create_site(&change, site("B")).await.unwrap();
    // Equal names on purpose: the cursor must break ties by id.
    for i in 0..23 {
        let name = format!("Person {:02}", i % 7);
        let site = if i % 3 == 0 { b.id } else { a.id };
        let role = if i % 2 == 0 { "nurse" } else { "physician" };
        db.store
            .create_person(
                &change,
                person(&name, &format!("p{i}@rb.example"), Some(site), role),
            )
            .await
            .unwrap();
    }
    let filter = PersonFilter {
        job_role: Some(JobRole::Nurse),
        ..Default::default()
    };
    let scope = Scope::Sites(vec![a.id]);
    let (mut seen, mut cursor) = (Vec::new(), None::<Cursor>);
    loop {
        let page = db
            .store
            .list_people(actor.program_id, &scope, &filter, cursor.as_ref(), 3)
            .await
            .unwrap();
        seen.extend(
            page.items
                .iter()
                .map(|p| (p.name.clone(), p.id, p.site_id, p.job_role)),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(Cursor::decode(&next).unwrap()),
            None => break,
        }
        assert_eq!(page.total, 8);
    }
    assert_eq!(seen.len(), 8);
    assert!(
        seen.iter()
            .all(|(_, _, site, role)| *site == Some(a.id) && *role == JobRole::Nurse)
    );
    let mut sorted = seen.clone();
    sorted.sort_by(|x, y| (x.0.as_str(), x.1).cmp(&(y.0.as_str(), y.1)));
    assert_eq!(seen, sorted);
    let nothing = db
        .store
        .list_people(actor.program_id, &Scope::Nothing, &filter, None, 10)
        .await
        .unwrap();
    assert_eq!(nothing.total, 0);
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes_even_in_raw_sql() {
    let db = support::fresh().await;
    let _actor = program(&db.store).await;
    assert!(
        db.store
            .execute_raw("UPDATE audit_log SET actor = 'someone else'")
            .await
            .is_err()
    );
    assert!(db.store.execute_raw("DELETE FROM audit_log").await.is_err());
}

#[tokio::test]
async fn sessions_and_tokens_lead_back_to_their_account_until_they_end() {
    let db = support::fresh().await;
    let admin = program(&db.store).await;
    let change = Change::new(&admin, Via::Cli);
    let s = db.store.create_site(&change, site("A")).await.unwrap();
    let new = NewAccount {
        email: Email::parse("lead@rb.example").unwrap(),
        name: Name::parse("Site Lead").unwrap(),
        password_hash: "not-a-real-hash".into(),
        role: AccessRole::SiteLead,
        site_ids: vec![s.id],
        organization: None,
    };
    let account = db.store.create_account(&change, new.clone()).await.unwrap();
    assert!(matches!(
        db.store.create_account(&change, new).await,
        Err(StoreError::Conflict(_))
    ));

    let expires = chrono::Utc::now() + chrono::Duration::hours(1);
    db.store
        .create_session(
            &account,
            admin.program_id,
            "hash1".into(),
            "csrf1".into(),
            expires,
        )
        .await
        .unwrap();
    let session = db.store.session("hash1").await.unwrap().unwrap();
    assert_eq!(session.actor.role, AccessRole::SiteLead);
    assert_eq!(session.actor.site_ids, vec![s.id]);
    db.store.delete_session("hash1").await.unwrap();
    assert!(db.store.session("hash1").await.unwrap().is_none());

    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    db.store
        .create_session(
            &account,
            admin.program_id,
            "hash2".into(),
            "csrf2".into(),
            past,
        )
        .await
        .unwrap();
    assert!(
        db.store.session("hash2").await.unwrap().is_none(),
        "an expired session is no session"
    );

    db.store
        .create_api_token(&change, account.id, "ci", "tokenhash".into())
        .await
        .unwrap();
    assert_eq!(
        db.store
            .token_actor("tokenhash")
            .await
            .unwrap()
            .unwrap()
            .email,
        "lead@rb.example"
    );
    assert!(db.store.token_actor("other").await.unwrap().is_none());
}

#[path = "store/plan.rs"]
mod plan;
#[path = "store/plan_revisions.rs"]
mod plan_revisions;
#[path = "store/provisioning.rs"]
mod provisioning;
#[path = "store/roster.rs"]
mod roster;
#[path = "store/training.rs"]
mod training;
#[path = "store/waves.rs"]
mod waves;

#[path = "store/champions.rs"]
mod champions;
#[path = "store/completion_import.rs"]
mod completion_import;
#[path = "store/lessons.rs"]
mod lessons;

#[path = "store/evidence.rs"]
mod evidence;
#[path = "store/goals.rs"]
mod goals;
#[path = "store/governance.rs"]
mod governance;
#[path = "store/stakeholders.rs"]
mod stakeholders;
