//! The schedule kept in memory follows every kind of write to the plan by reading only the
//! tasks and links written (or deleted) since the revision it was computed at (migration
//! 0022's stamps): after each write it must equal the schedule of a store that has kept
//! nothing and reads every row.

use chrono::NaiveDate;
use muster_domain::audit::Via;
use muster_domain::lesson::LessonDraft;
use muster_domain::plan::DependencyKind;
use muster_domain::plan::dependency::DependencyDraft;
use muster_domain::plan::holiday::HolidayDraft;
use muster_domain::plan::task::{TaskDraft, TaskSpec};
use muster_domain::plan::wave_move::{MoveKind, WaveMove, WaveMoveSpec};
use muster_store::plan::bulk::{NewDependency, NewTask};
use muster_store::testing::two_waves;
use muster_store::{Change, DatabaseUrl, Store};

use super::{program, site, support};

fn today() -> NaiveDate {
    "2026-11-22".parse().unwrap()
}

fn spec(name: &str, parent: Option<i64>, duration: i64) -> TaskSpec {
    TaskDraft {
        name: Some(name.into()),
        parent_id: parent.map(|p| p.to_string()),
        duration: Some(duration.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn link(p: i64, s: i64, kind: &str, lag: i64) -> muster_domain::plan::dependency::DependencySpec {
    DependencyDraft {
        predecessor_id: Some(p.to_string()),
        successor_id: Some(s.to_string()),
        kind: Some(kind.into()),
        lag: Some(lag.to_string()),
    }
    .parse()
    .unwrap()
}

/// `kept`'s schedule (read incrementally unless `in_full`) against a fresh store's, row by
/// row, naming the write it follows and the task or link that differs.
async fn same_as_afresh(kept: &Store, url: &DatabaseUrl, pid: i64, after: &str, in_full: bool) {
    let mine = kept.plan_schedule(pid, today()).await.unwrap();
    let fresh = Store::open(url).await.unwrap();
    let theirs = fresh.plan_schedule(pid, today()).await.unwrap();
    assert!(theirs.read_in_full);
    assert_eq!(
        mine.read_in_full, in_full,
        "after {after}: read in full (or only what changed)"
    );
    assert_eq!(
        mine.settings.revision, theirs.settings.revision,
        "after {after}: revision"
    );
    let ids = |s: &muster_store::plan::schedule::PlanSchedule| -> Vec<i64> {
        s.tasks.iter().map(|t| t.id).collect()
    };
    assert_eq!(
        ids(&mine),
        ids(&theirs),
        "after {after}: the plan's task ids"
    );
    for (a, b) in mine.tasks.iter().zip(&theirs.tasks) {
        assert_eq!(a, b, "after {after}: task {} ({})", b.id, b.name);
    }
    let links = |s: &muster_store::plan::schedule::PlanSchedule| -> Vec<i64> {
        s.dependencies.iter().map(|d| d.id).collect()
    };
    assert_eq!(
        links(&mine),
        links(&theirs),
        "after {after}: the plan's link ids"
    );
    for (a, b) in mine.dependencies.iter().zip(&theirs.dependencies) {
        assert_eq!(a, b, "after {after}: link {}", b.id);
    }
    for (a, b) in mine.dates.iter().zip(&theirs.dates) {
        assert_eq!(a, b, "after {after}: dates of task {}", b.id);
    }
    assert_eq!(mine.finish, theirs.finish, "after {after}: finish");
    assert_eq!(mine.error, theirs.error, "after {after}: error");
    fresh.close().await.unwrap();
}

#[tokio::test]
async fn a_kept_schedule_follows_every_kind_of_write_reading_only_what_changed() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let s = store.create_site(&change, site("S")).await.unwrap().id;
    let t = store.create_site(&change, site("T")).await.unwrap().id;
    let plan = two_waves(store, &change, s, t).await;
    let url = &db.url;
    // A second process on the same database (the CLI importing a plan, another server).
    let other = Store::open(url).await.unwrap();
    let other_change = Change::new(&actor, Via::Cli);

    assert_eq!(store.warm_plan_schedules(today()).await.unwrap(), 1);
    let warm = store.plan_schedule(pid, today()).await.unwrap();
    assert!(warm.read_in_full, "the first schedule reads every row");
    assert!(
        std::sync::Arc::ptr_eq(&warm, &store.plan_schedule(pid, today()).await.unwrap()),
        "a warmed plan is kept"
    );
    same_as_afresh(store, url, pid, "the first read", true).await;

    // One task's progress, as the task table's inline form saves it.
    let walk = plan.task("Walkthrough S", Some(plan.wave_1));
    let mut progress = store.plan_task(pid, walk).await.unwrap();
    progress.percent_complete = 40;
    progress.actual_start = Some("2027-03-02".parse().unwrap());
    store
        .update_plan_task(&change, walk, TaskDraft::from(&progress).parse().unwrap())
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a task's progress", false).await;

    // A new task and links to and from it; a link changed; a link deleted.
    let extra = store
        .create_plan_task(&change, spec("Extra check", None, 4))
        .await
        .unwrap();
    let follow = store
        .create_plan_task(&change, spec("Extra follow-up", None, 2))
        .await
        .unwrap();
    let into = store
        .create_plan_dependency(&change, link(walk, extra.id, "ss", 2))
        .await
        .unwrap();
    let out = store
        .create_plan_dependency(&change, link(extra.id, follow.id, "fs", -1))
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a task and two links added", false).await;
    store
        .update_plan_dependency(&change, into.id, link(walk, extra.id, "ff", 3))
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a link changed", false).await;
    store.delete_plan_dependency(&change, out.id).await.unwrap();
    same_as_afresh(store, url, pid, "a link deleted", false).await;

    // A task deleted: its links go with it (the database's cascade).
    let doomed = store
        .create_plan_task(&change, spec("Doomed", None, 2))
        .await
        .unwrap();
    store
        .create_plan_dependency(&change, link(extra.id, doomed.id, "fs", 0))
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a task to delete", false).await;
    store.delete_plan_task(&change, doomed.id).await.unwrap();
    same_as_afresh(store, url, pid, "a task and its link deleted", false).await;

    // A task from a lesson (`create_plan_task_also`).
    let lesson = store
        .create_lesson(
            &change,
            LessonDraft {
                title: Some("Printers".into()),
                observation: Some("Label printers printed to the wrong ward".into()),
                recommendation: Some("Walk every printer mapping".into()),
                source: Some("retrospective".into()),
                phase: Some("go_live".into()),
                wave_id: Some(plan.wave_1.to_string()),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    store
        .task_from_lesson(&change, lesson.id, spec("Printer walk", None, 1))
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a task from a lesson", false).await;

    // An import by another process, under the plan's last task.
    let loaded = other
        .insert_plan_bulk(
            &other_change,
            vec![
                NewTask {
                    key: "a".into(),
                    parent_key: None,
                    spec: spec("Imported A", None, 3),
                },
                NewTask {
                    key: "b".into(),
                    parent_key: Some("a".into()),
                    spec: spec("Imported B", None, 2),
                },
            ],
            vec![NewDependency {
                predecessor_key: "a".into(),
                successor_key: "b".into(),
                kind: DependencyKind::StartToStart,
                lag: 1,
            }],
        )
        .await
        .unwrap();
    assert_eq!(loaded.tasks, 2);
    same_as_afresh(store, url, pid, "an import by another process", false).await;

    // A site moved to the other wave: tasks change wave and parent, links are rewired or
    // dropped (raw SQL in one transaction).
    store
        .apply_wave_move(
            &change,
            today(),
            &WaveMoveSpec {
                change: WaveMove {
                    kind: MoveKind::Site,
                    item_id: s,
                    from_wave_id: plan.wave_1,
                    to_wave_id: plan.wave_2,
                },
                revision: None,
            },
        )
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a site moved to another wave", false).await;

    // The calendar: a holiday, new working days; and a new day with no change at all.
    store
        .create_holiday(
            &change,
            HolidayDraft {
                day: Some("2027-03-03".into()),
                name: Some("Founders' day".into()),
                site_id: None,
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a holiday", false).await;
    store
        .update_plan_settings(
            &change,
            "2027-03-01".parse().unwrap(),
            [true, true, true, true, false, false, false],
        )
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "four working days a week", false).await;
    let tomorrow = store
        .plan_schedule(pid, today().succ_opt().unwrap())
        .await
        .unwrap();
    assert!(
        !tomorrow.read_in_full,
        "a new day reschedules the kept rows"
    );

    // A change too large to apply row by row is read in full.
    let many: Vec<NewTask> = (0..200)
        .map(|i| NewTask {
            key: i.to_string(),
            parent_key: None,
            spec: spec(&format!("Bulk {i}"), None, 1),
        })
        .collect();
    other
        .insert_plan_bulk(&other_change, many, Vec::new())
        .await
        .unwrap();
    same_as_afresh(store, url, pid, "a large import", true).await;
    other.close().await.unwrap();
}
