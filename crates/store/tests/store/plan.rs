//! The plan in the store: tasks in a tree, dependencies refused when they close a loop, site
//! holidays, and a schedule kept until the plan changes.

use chrono::NaiveDate;
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::plan::dependency::DependencyDraft;
use muster_domain::plan::holiday::HolidayDraft;
use muster_domain::plan::task::TaskDraft;
use muster_store::{Change, StoreError};

use super::{program, site, support};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn task(name: &str, parent: Option<i64>, duration: &str) -> muster_domain::plan::task::TaskSpec {
    TaskDraft {
        name: Some(name.into()),
        parent_id: parent.map(|p| p.to_string()),
        duration: Some(duration.into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn link(p: i64, s: i64) -> muster_domain::plan::dependency::DependencySpec {
    DependencyDraft {
        predecessor_id: Some(p.to_string()),
        successor_id: Some(s.to_string()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

#[tokio::test]
async fn a_plan_schedules_its_tree_and_is_recomputed_only_when_it_changes() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let site_a = store.create_site(&change, site("A")).await.unwrap().id;
    store
        .update_plan_settings(
            &change,
            day("2027-03-01"),
            [true, true, true, true, true, false, false],
        )
        .await
        .unwrap();
    let build = store
        .create_plan_task(&change, task("Build", None, "0"))
        .await
        .unwrap();
    let design = store
        .create_plan_task(&change, task("Design", Some(build.id), "3"))
        .await
        .unwrap();
    let mut configure = task("Configure", Some(build.id), "4");
    configure.site_id = Some(site_a);
    let configure = store.create_plan_task(&change, configure).await.unwrap();
    let go_live = store
        .create_plan_task(&change, task("Go-live", None, "0"))
        .await
        .unwrap();
    assert_eq!(
        (design.position, configure.position, go_live.position),
        (1, 2, 2)
    );
    store
        .create_plan_dependency(&change, link(design.id, configure.id))
        .await
        .unwrap();
    store
        .create_plan_dependency(&change, link(build.id, go_live.id))
        .await
        .unwrap();

    let today = day("2027-02-01");
    let first = store.plan_schedule(pid, today).await.unwrap();
    assert_eq!(first.error, None);
    let (_, go) = first.task(go_live.id).unwrap();
    assert_eq!(
        go.early_start,
        day("2027-03-10"),
        "Design Mon-Wed, Configure Thu-Tue"
    );
    let (_, phase) = first.task(build.id).unwrap();
    assert_eq!(
        (phase.early_start, phase.early_finish),
        (day("2027-03-01"), day("2027-03-09"))
    );
    let again = store.plan_schedule(pid, today).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "kept while nothing changed"
    );

    // A holiday at the configuring site moves go-live by a day; the schedule sees it at once.
    store
        .create_holiday(
            &change,
            HolidayDraft {
                site_id: Some(site_a.to_string()),
                day: Some("2027-03-08".into()),
                name: Some("Founders' day".into()),
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    let moved = store.plan_schedule(pid, today).await.unwrap();
    assert_eq!(
        moved.task(go_live.id).unwrap().1.early_start,
        day("2027-03-11")
    );
    assert_eq!(moved.outline.depth[moved.position(design.id).unwrap()], 1);

    // A link closing a loop through the tree is refused by name; nothing is written.
    let err = store
        .create_plan_dependency(&change, link(configure.id, build.id))
        .await
        .unwrap_err();
    let StoreError::Invalid(invalid) = err else {
        panic!("{err:?}")
    };
    assert!(
        invalid
            .message_for("successor_id")
            .unwrap()
            .contains("Configure"),
        "{invalid:?}"
    );
    assert_eq!(store.all_plan_dependencies(pid).await.unwrap().len(), 2);
    // A parent under its own subtask is refused too.
    let err = store
        .update_plan_task(&change, build.id, task("Build", Some(design.id), "0"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    // A summary with subtasks cannot be deleted; a leaf can, with its links.
    assert!(matches!(
        store.delete_plan_task(&change, build.id).await,
        Err(StoreError::InUse(_))
    ));
    store.delete_plan_task(&change, design.id).await.unwrap();
    assert_eq!(store.all_plan_dependencies(pid).await.unwrap().len(), 1);
    let audit = store
        .list_audit(pid, &AuditFilter::default(), None, 100)
        .await
        .unwrap();
    assert!(audit.items.iter().any(|e| e.entity == "plan_dependency"));
}

#[tokio::test]
async fn a_load_that_fails_half_way_leaves_no_task_calendar_or_audit_entry_behind() {
    use muster_store::plan::bulk::{LoadCalendar, NewDependency, NewTask, PlanLoad};
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let before = store.plan_settings(pid).await.unwrap();
    let new = |key: &str, parent: Option<&str>, spec| NewTask {
        key: key.into(),
        parent_key: parent.map(str::to_owned),
        spec,
    };
    // The top level writes first; the subtask then names a site that does not exist, which
    // only the database notices: the transaction has written rows by then.
    let mut broken = task("Configure", None, "2");
    broken.site_id = Some(999_999);
    let load = PlanLoad {
        tasks: vec![
            new("1", None, task("Build", None, "0")),
            new("2", Some("1"), task("Design", None, "3")),
            new("3", Some("1"), broken),
        ],
        dependencies: vec![NewDependency {
            predecessor_key: "2".into(),
            successor_key: "3".into(),
            kind: muster_domain::plan::DependencyKind::FinishToStart,
            lag: 0,
        }],
        into_empty: true,
        calendar: Some(LoadCalendar {
            project_start: day("2027-03-01"),
            working_weekdays: [true, true, true, true, false, false, false],
            holidays: vec![(day("2027-03-05"), "Founders' day".into())],
        }),
        source: serde_json::json!({"file": "broken.xml"}),
    };
    assert!(store.load_plan(&change, load).await.is_err());
    assert!(store.plan_is_empty(pid).await.unwrap(), "no task written");
    assert!(store.all_plan_dependencies(pid).await.unwrap().is_empty());
    assert!(
        store.all_holidays(pid).await.unwrap().is_empty(),
        "no holiday"
    );
    assert_eq!(
        store.plan_settings(pid).await.unwrap(),
        before,
        "the calendar as it was"
    );
    let audit = store
        .list_audit(pid, &AuditFilter::default(), None, 100)
        .await
        .unwrap();
    assert!(
        !audit
            .items
            .iter()
            .any(|e| e.entity == "plan_import" || e.entity == "plan_settings"),
        "{:?}",
        audit.items
    );

    // The same load without the bad reference goes in whole, calendar and all; a second
    // load prepared for an empty plan is then refused rather than mixed in.
    let good = || PlanLoad {
        tasks: vec![
            new("1", None, task("Build", None, "0")),
            new("2", Some("1"), task("Design", None, "3")),
        ],
        into_empty: true,
        calendar: Some(LoadCalendar {
            project_start: day("2027-03-01"),
            working_weekdays: [true, true, true, true, false, false, false],
            holidays: vec![(day("2027-03-05"), "Founders' day".into())],
        }),
        ..Default::default()
    };
    let loaded = store.load_plan(&change, good()).await.unwrap();
    assert_eq!((loaded.tasks, loaded.holidays), (2, 1));
    let settings = store.plan_settings(pid).await.unwrap();
    assert_eq!(settings.project_start, day("2027-03-01"));
    assert_eq!(settings.weekdays_code(), "mon,tue,wed,thu");
    let again = store.load_plan(&change, good()).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
    assert_eq!(store.all_plan_tasks(pid).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_load_refuses_the_same_link_twice_before_writing() {
    use muster_store::plan::bulk::{NewDependency, NewTask};
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let tasks = ["1", "2"]
        .map(|k| NewTask {
            key: k.into(),
            parent_key: None,
            spec: task(k, None, "1"),
        })
        .to_vec();
    let link = || NewDependency {
        predecessor_key: "1".into(),
        successor_key: "2".into(),
        kind: muster_domain::plan::DependencyKind::FinishToStart,
        lag: 0,
    };
    let err = store
        .insert_plan_bulk(&change, tasks, vec![link(), link()])
        .await
        .unwrap_err();
    let StoreError::Invalid(invalid) = err else {
        panic!("{err:?}")
    };
    assert!(
        invalid
            .message_for("dependencies")
            .unwrap()
            .contains("twice")
    );
    assert!(store.plan_is_empty(actor.program_id).await.unwrap());
}
