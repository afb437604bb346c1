//! The roster writer's deferred indexes: dropped for a large first import, and never lost,
//! whether the import commits or rolls back.

use muster_domain::access::Scope;
use muster_domain::audit::Via;
use muster_domain::import::people::PersonWrite;
use muster_domain::person::PersonFilter;
use muster_store::Change;
use muster_store::testing as support;

use super::{person, program};

/// How many people the program has.
async fn people_in_program(
    store: &muster_store::Store,
    actor: &muster_domain::access::Actor,
) -> u64 {
    let page = store
        .list_people(
            actor.program_id,
            &Scope::Everything,
            &PersonFilter::default(),
            None,
            10,
        )
        .await
        .unwrap();
    page.total
}

#[tokio::test]
async fn a_large_import_that_rolls_back_after_dropping_the_person_indexes_leaves_them_all() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let before = support::index_names(store, "person").await;
    assert!(before.len() >= 8, "{before:?}");
    let oids_before = match support::postgres_wanted() {
        true => support::postgres_index_oids(store, "person").await,
        false => Vec::new(),
    };
    let change = Change::new(&actor, Via::Cli);

    let mut writer = store.begin_roster_import(&change, false).await.unwrap();
    assert!(
        !writer.expect_new(100).await.unwrap(),
        "a small import keeps the indexes"
    );
    assert!(
        writer.expect_new(1_000_000).await.unwrap(),
        "a large first import defers them"
    );
    let people: Vec<_> = (0..50)
        .map(|i| {
            let mut spec = person(&format!("P {i}"), &format!("p{i}@x.example"), None, "nurse");
            spec.employee_id = Some(format!("E{i}"));
            PersonWrite::Create(spec)
        })
        .collect();
    writer.write(people).await.unwrap();
    writer.rollback().await.unwrap();

    assert_eq!(support::index_names(store, "person").await, before);
    if support::postgres_wanted() {
        assert_eq!(
            support::postgres_index_oids(store, "person").await,
            oids_before,
            "person's indexes (name, oid): the dropped ones back as they were"
        );
    }
    assert_eq!(
        people_in_program(store, &actor).await,
        0,
        "nothing of the import is left"
    );
}

/// On SQLite an import holds the write lock from its start: another connection's write
/// waits for it, instead of committing while the import reads its file and leaving the
/// import unable to write at all (a deferred transaction that has read cannot start writing
/// after another commit).
#[tokio::test]
async fn another_write_during_an_import_waits_for_it_instead_of_failing_it() {
    let db = support::fresh().await;
    let store = db.store.clone();
    let actor = program(&store).await;
    let change = Change::new(&actor, Via::Cli);
    let mut writer = store.begin_roster_import(&change, false).await.unwrap();
    let other = {
        let (store, actor) = (store.clone(), actor.clone());
        tokio::spawn(async move {
            let change = Change::new(&actor, Via::Ui);
            store
                .create_person(
                    &change,
                    person("Walk In", "walk.in@x.example", None, "nurse"),
                )
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut spec = person("Imported", "imported@x.example", None, "nurse");
    spec.employee_id = Some("E1".into());
    writer
        .write(vec![PersonWrite::Create(spec)])
        .await
        .expect("the import still writes after another connection tried to");
    writer.rollback().await.unwrap();
    other
        .await
        .unwrap()
        .expect("the other write went in after the import");
}

/// SQLite checks no foreign keys row by row on the roster connection: the writer checks the
/// sites and units it wrote at the commit. A site deleted between the file's check and the
/// write (here: one that never existed) fails the import whole, on both databases.
#[tokio::test]
async fn a_row_naming_a_site_that_is_gone_fails_the_import_and_writes_nothing() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Cli);
    let job = store
        .create_import(
            &change,
            muster_store::import::NewImport {
                kind: muster_domain::import::ImportKind::People,
                file_name: "roster.csv".into(),
                file_bytes: 1,
                format: muster_domain::import::FileFormat::Csv,
                status: muster_domain::import::ImportStatus::Running,
                mode: muster_domain::import::ImportMode::AllOrNothing,
                complete_roster: false,
                date_order: Default::default(),
                mapping: Default::default(),
                upload_path: None,
            },
        )
        .await
        .unwrap();
    let mut writer = store.begin_roster_import(&change, false).await.unwrap();
    let mut spec = person("Gone Site", "gone@x.example", Some(999_999), "nurse");
    spec.employee_id = Some("E1".into());
    let outcome = muster_store::import::ImportOutcome {
        status: muster_domain::import::ImportStatus::Done,
        counts: Default::default(),
        message: String::new(),
        row_errors: Vec::new(),
        rejects_path: None,
    };
    let result = match writer.write(vec![PersonWrite::Create(spec)]).await {
        // PostgreSQL checks the foreign key as the row is written.
        Err(e) => {
            writer.rollback().await.unwrap();
            Err(e)
        }
        Ok(()) => {
            writer
                .commit(&change, job.id, &outcome, &serde_json::json!({}))
                .await
        }
    };
    assert!(result.is_err(), "a person at a missing site was committed");
    assert_eq!(
        people_in_program(store, &actor).await,
        0,
        "nothing of the import is left"
    );
}
