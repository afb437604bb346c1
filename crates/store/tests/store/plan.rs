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
