//! The LMS completions import's writer: a later completion replaces an earlier one (across
//! batches and within one), the same date with the same score changes nothing, the
//! progress of everyone touched is rebuilt before the commit, and a rollback leaves
//! nothing behind.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use muster_domain::access::Scope;
use muster_domain::audit::Via;
use muster_domain::import::{FileFormat, ImportCounts, ImportKind, ImportMode, ImportStatus};
use muster_domain::provisioning::Requirement;
use muster_domain::training::completion::{CompletionFilter, CompletionSource, CompletionSpec};
use muster_store::import::{ImportOutcome, NewImport};
use muster_store::training::CompletionTally;
use muster_store::{Change, Store};

use super::support;
use super::training::{World, world};

fn on(person_id: i64, course_id: i64, day: u32, score: Option<i64>) -> CompletionSpec {
    CompletionSpec {
        person_id,
        course_id,
        completed_on: NaiveDate::from_ymd_opt(2027, 3, day).unwrap(),
        source: CompletionSource::LmsImport,
        score,
    }
}

async fn job(store: &Store, w: &World) -> i64 {
    let new = NewImport {
        kind: ImportKind::Completions,
        file_name: "lms.csv".into(),
        file_bytes: 10,
        format: FileFormat::Csv,
        status: ImportStatus::Queued,
        mode: ImportMode::ValidRows,
        complete_roster: false,
        date_order: Default::default(),
        mapping: BTreeMap::new(),
        upload_path: None,
    };
    store
        .create_import(&Change::new(&w.actor, Via::Cli), new)
        .await
        .unwrap()
        .id
}

fn done(message: &str) -> ImportOutcome {
    ImportOutcome {
        status: ImportStatus::Done,
        counts: ImportCounts::default(),
        message: message.into(),
        row_errors: Vec::new(),
        rejects_path: None,
    }
}

async fn completed_on(store: &Store, w: &World, person: i64, course: i64) -> Option<NaiveDate> {
    let filter = CompletionFilter {
        person_id: Some(person),
        course_id: Some(course),
        ..Default::default()
    };
    let page = store
        .list_completions(w.actor.program_id, &Scope::Everything, &filter, None, 10)
        .await
        .unwrap();
    page.items.first().map(|c| c.completed_on)
}

#[tokio::test]
async fn an_import_keeps_the_latest_completion_and_rebuilds_progress_before_it_commits() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let (n0, n1, n2) = (w.nurses[0], w.nurses[1], w.nurses[2]);
    let (c1, c2) = (w.courses[0], w.courses[1]);
    let change = Change::new(&w.actor, Via::Cli);
    // On record before the import: nurse 2 did course 1 on 20 March.
    db.store
        .insert_completions_bulk(&change, vec![on(n2, c1, 20, Some(90))])
        .await
        .unwrap();
    let id = job(&db.store, &w).await;
    let mut writer = db.store.begin_completion_import(&change, id).await.unwrap();
    let first = writer
        .write(vec![
            on(n0, c1, 5, None),
            on(n1, c1, 2, None),
            on(n1, c1, 4, None),
        ])
        .await
        .unwrap();
    assert_eq!(
        (first.written, first.unchanged),
        (2, 1),
        "4 March beats 2 March"
    );
    let second = writer
        .write(vec![
            on(n0, c1, 3, None),      // earlier than 5 March: ignored
            on(n0, c2, 9, None),      // new
            on(n2, c1, 20, Some(90)), // the same as on record: nothing to do
            on(n2, c2, 21, None),     // new
        ])
        .await
        .unwrap();
    assert_eq!((second.written, second.unchanged), (2, 2));
    let third = writer.write(vec![on(n1, c1, 6, Some(70))]).await.unwrap();
    assert_eq!(
        third.written, 1,
        "a later completion replaces the earlier one"
    );
    let tally = writer.refresh_progress().await.unwrap();
    assert_eq!(
        tally,
        CompletionTally {
            created: 4,
            replaced: 1,
            unchanged: 3,
            people: 3,
        }
    );
    writer
        .commit(&change, id, &done("ok"), &serde_json::json!({"import": id}))
        .await
        .unwrap();

    assert_eq!(
        completed_on(&db.store, &w, n0, c1)
            .await
            .unwrap()
            .to_string(),
        "2027-03-05"
    );
    assert_eq!(
        completed_on(&db.store, &w, n1, c1)
            .await
            .unwrap()
            .to_string(),
        "2027-03-06"
    );
    // Progress was rebuilt in the import's transaction: without it these read nothing.
    let progress = db
        .store
        .person_progress(w.actor.program_id, n0)
        .await
        .unwrap();
    assert_eq!((progress[0].done, progress[0].required), (2, 2));
    assert_eq!(progress[0].completed_on.unwrap().to_string(), "2027-03-09");
    let progress = db
        .store
        .person_progress(w.actor.program_id, n2)
        .await
        .unwrap();
    assert_eq!(progress[0].done, 2);
    let cells = db
        .store
        .completion_by_site_and_role(
            w.actor.program_id,
            &Scope::Everything,
            &Requirement::AllOfRole,
        )
        .await
        .unwrap();
    let site_a = cells.iter().find(|c| c.site_id == Some(w.site_a)).unwrap();
    assert_eq!((site_a.people, site_a.complete), (3, 2));
    let job = db.store.import_job(w.actor.program_id, id).await.unwrap();
    assert_eq!(job.status, ImportStatus::Done);
}

#[tokio::test]
async fn a_rolled_back_import_leaves_no_completion_and_no_progress() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Cli);
    let id = job(&db.store, &w).await;
    let mut writer = db.store.begin_completion_import(&change, id).await.unwrap();
    writer
        .write(vec![on(w.nurses[0], w.courses[0], 5, None)])
        .await
        .unwrap();
    writer.refresh_progress().await.unwrap();
    writer.rollback().await.unwrap();
    assert_eq!(
        completed_on(&db.store, &w, w.nurses[0], w.courses[0]).await,
        None
    );
    assert!(
        db.store
            .person_progress(w.actor.program_id, w.nurses[0])
            .await
            .unwrap()
            .iter()
            .all(|p| p.done == 0)
    );
    let job = db.store.import_job(w.actor.program_id, id).await.unwrap();
    assert_eq!(
        job.status,
        ImportStatus::Queued,
        "the job waits for its outcome"
    );
}
