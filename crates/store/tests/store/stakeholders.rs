//! Stakeholder groups in the store: stance history, commitments overdue and their monthly
//! progress, ADKAR's latest per group and site, RACI's one accountable, and the program
//! dashboard's panels.

use chrono::{Duration, NaiveDate, Utc};
use muster_domain::access::{AccessRole, Actor};
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::plan::task::TaskDraft;
use muster_domain::stakeholder::adkar::{AdkarDraft, Element};
use muster_domain::stakeholder::commitment::{CommitmentDraft, CommitmentSpec, CommitmentStatus};
use muster_domain::stakeholder::raci::{RaciDraft, RaciGap, RaciSpec};
use muster_domain::stakeholder::{StakeholderDraft, StakeholderSpec, Stance};
use muster_store::stakeholder::adkar::AdkarFilter;
use muster_store::stakeholder::commitment::CommitmentFilter;
use muster_store::{Change, Store, StoreError};

use super::{person, program, site, support};

pub(crate) fn group(name: &str, stance: &str) -> StakeholderSpec {
    StakeholderDraft {
        kind: Some("physician_group".into()),
        name: Some(name.into()),
        interests: Some("Fewer clicks per note".into()),
        gains: Some("One chart across every site".into()),
        concessions: Some("Standard order sets".into()),
        influence: Some("high".into()),
        stance: Some(stance.into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn commitment(group_id: i64, what: &str, due: NaiveDate, status: &str) -> CommitmentSpec {
    CommitmentDraft {
        group_id: Some(group_id.to_string()),
        what: Some(what.into()),
        due_on: Some(due.to_string()),
        status: Some(status.into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[tokio::test]
async fn a_stance_change_is_kept_as_history_and_audited() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let g = store
        .create_stakeholder(&change, group("Hospitalists", "skeptic"))
        .await
        .unwrap();
    store
        .update_stakeholder(&change, g.id, group("Hospitalists", "skeptic"))
        .await
        .unwrap();
    store
        .update_stakeholder(&change, g.id, group("Hospitalists", "supporter"))
        .await
        .unwrap();
    let history = store.stance_history(pid, g.id).await.unwrap();
    let stances: Vec<Stance> = history.iter().map(|h| h.stance).collect();
    assert_eq!(
        stances,
        vec![Stance::Skeptic, Stance::Supporter],
        "an unchanged stance adds no row"
    );
    assert_eq!(history[1].changed_by, "Test Admin");
    let audit = store
        .list_audit(
            pid,
            &AuditFilter {
                entity: Some("stakeholder_group".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 3);
    let err = store
        .create_stakeholder(&change, group("Hospitalists", "neutral"))
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(invalid) => assert!(invalid.message_for("name").is_some()),
        other => panic!("expected a name conflict, got {other:?}"),
    }
    store.delete_stakeholder(&change, g.id).await.unwrap();
    assert!(store.stance_history(pid, g.id).await.unwrap().is_empty());
}

async fn two_groups_with_commitments(store: &Store, actor: &Actor) -> (i64, i64) {
    let change = Change::new(actor, Via::Api);
    let ed = store
        .create_stakeholder(&change, group("Emergency physicians", "opposed"))
        .await
        .unwrap()
        .id;
    let nursing = store
        .create_stakeholder(&change, group("Nursing", "champion"))
        .await
        .unwrap()
        .id;
    let t = today();
    for (g, what, due, status) in [
        (
            ed,
            "Sign off ED order sets",
            t - Duration::days(10),
            "planned",
        ),
        (
            ed,
            "Name ED physician champions",
            t - Duration::days(3),
            "in_progress",
        ),
        (
            ed,
            "Attend workflow walkthrough",
            t - Duration::days(20),
            "missed",
        ),
        (
            ed,
            "Staff the command center",
            t + Duration::days(5),
            "planned",
        ),
        (
            nursing,
            "Super users on every unit",
            t - Duration::days(30),
            "done",
        ),
        (
            nursing,
            "Old paper MAR retired",
            t - Duration::days(1),
            "withdrawn",
        ),
    ] {
        store
            .create_commitment(&change, commitment(g, what, due, status))
            .await
            .unwrap();
    }
    (ed, nursing)
}

#[tokio::test]
async fn overdue_commitments_are_open_and_past_due_and_feed_the_dashboard() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let (ed, nursing) = two_groups_with_commitments(store, &actor).await;
    let overdue = store
        .overdue_commitments(&actor, today(), 10)
        .await
        .unwrap();
    let names: Vec<&str> = overdue.items.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(
        names,
        vec!["Sign off ED order sets", "Name ED physician champions"]
    );
    assert_eq!(overdue.total, 2);
    assert!(
        overdue
            .items
            .iter()
            .all(|c| c.overdue && c.group_name == "Emergency physicians")
    );
    assert_eq!(
        store
            .overdue_commitments(&actor, today(), 1)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    let stances = store.stakeholder_stances(&actor).await.unwrap();
    let rows: Vec<(&str, Stance, i64)> = stances
        .iter()
        .map(|s| (s.name.as_str(), s.stance, s.overdue_commitments))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Emergency physicians", Stance::Opposed, 2),
            ("Nursing", Stance::Champion, 0)
        ],
        "the least supportive first among equally influential groups"
    );
    let end_user = Actor {
        role: AccessRole::EndUser,
        ..actor.clone()
    };
    assert!(
        store
            .stakeholder_stances(&end_user)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .overdue_commitments(&end_user, today(), 10)
            .await
            .unwrap()
            .total,
        0
    );

    let filter = CommitmentFilter {
        group_id: Some(ed),
        overdue: Some(false),
        ..Default::default()
    };
    let not_overdue = store
        .list_commitments(actor.program_id, &filter, None, 10)
        .await
        .unwrap();
    assert_eq!(
        not_overdue.total, 2,
        "the missed one and the one not yet due"
    );
    let (page, total) = store
        .group_commitments(actor.program_id, ed, today())
        .await
        .unwrap();
    assert_eq!(total, 4);
    assert!(
        page[0].overdue && page[1].overdue && !page[2].overdue,
        "overdue first"
    );
    let (nursing_items, _) = store
        .group_commitments(actor.program_id, nursing, today())
        .await
        .unwrap();
    let done = nursing_items
        .iter()
        .find(|c| c.status == CommitmentStatus::Done)
        .unwrap();
    assert_eq!(
        done.done_on,
        Some(today()),
        "marked done without a date: done today"
    );
}

#[tokio::test]
async fn commitment_progress_is_the_share_done_at_each_month_end() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let g = store
        .create_stakeholder(&change, group("Pharmacy", "supporter"))
        .await
        .unwrap()
        .id;
    let t = today();
    let mut done = commitment(
        g,
        "Formulary build signed off",
        t - Duration::days(70),
        "done",
    );
    done.done_on = Some(t - Duration::days(75));
    store.create_commitment(&change, done).await.unwrap();
    store
        .create_commitment(
            &change,
            commitment(g, "Pharmacists trained", t - Duration::days(5), "planned"),
        )
        .await
        .unwrap();
    let months = store
        .commitment_progress(actor.program_id, g, t)
        .await
        .unwrap();
    let last = months.last().unwrap();
    assert_eq!((last.due, last.done), (2, 1));
    assert_eq!(last.percent(), 50);
    assert_eq!(months.first().unwrap().done, 1);
    assert!(months.len() >= 3);
}

#[tokio::test]
async fn the_latest_adkar_per_group_and_site_shows_its_barrier() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let site_a = store.create_site(&change, site("A")).await.unwrap().id;
    let g = store
        .create_stakeholder(&change, group("Hospitalists", "skeptic"))
        .await
        .unwrap()
        .id;
    let assess = |site: Option<i64>, on: &str, d: &str| {
        AdkarDraft {
            group_id: Some(g.to_string()),
            site_id: site.map(|s| s.to_string()),
            assessed_on: Some(on.into()),
            awareness: Some("4".into()),
            desire: Some(d.into()),
            knowledge: Some("3".into()),
            ability: Some("2".into()),
            reinforcement: Some("1".into()),
            notes: None,
        }
        .parse()
        .unwrap()
    };
    store
        .create_adkar(&change, assess(None, "2027-01-10", "2"))
        .await
        .unwrap();
    store
        .create_adkar(&change, assess(None, "2027-03-10", "5"))
        .await
        .unwrap();
    store
        .create_adkar(&change, assess(Some(site_a), "2027-02-10", "3"))
        .await
        .unwrap();
    let latest = store
        .latest_adkar(actor.program_id, &AdkarFilter::default())
        .await
        .unwrap();
    let got: Vec<(Option<i64>, String, Option<Element>)> = latest
        .iter()
        .map(|a| (a.site_id, a.assessed_on.to_string(), a.barrier))
        .collect();
    assert_eq!(
        got,
        vec![
            (None, "2027-03-10".into(), Some(Element::Knowledge)),
            (Some(site_a), "2027-02-10".into(), Some(Element::Desire)),
        ]
    );
    let history = store.adkar_history(actor.program_id, g).await.unwrap();
    assert_eq!(history.len(), 3);
    let page = store
        .list_adkar(actor.program_id, &AdkarFilter::default(), None, 2)
        .await
        .unwrap();
    assert_eq!(
        page.items[0].assessed_on.to_string(),
        "2027-03-10",
        "newest first"
    );
    let cursor =
        muster_domain::paging::Cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap();
    let next = store
        .list_adkar(actor.program_id, &AdkarFilter::default(), Some(&cursor), 2)
        .await
        .unwrap();
    assert_eq!(next.items.len(), 1);
    assert_eq!(next.items[0].assessed_on.to_string(), "2027-01-10");
}

fn raci(task: i64, role: &str, person: i64) -> RaciSpec {
    RaciDraft {
        task_id: Some(task.to_string()),
        role: Some(role.into()),
        person_id: Some(person.to_string()),
        group_id: None,
    }
    .parse()
    .unwrap()
}

#[tokio::test]
async fn a_second_accountable_is_refused_naming_the_deliverable_and_the_holder() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let pid = actor.program_id;
    let task = |name: &str, parent: Option<i64>| {
        TaskDraft {
            name: Some(name.into()),
            parent_id: parent.map(|p| p.to_string()),
            duration: Some("5".into()),
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    let wave = store
        .create_plan_task(&change, task("Wave 1", None))
        .await
        .unwrap()
        .id;
    let build = store
        .create_plan_task(&change, task("Build (Wave 1)", Some(wave)))
        .await
        .unwrap()
        .id;
    let test = store
        .create_plan_task(&change, task("Test (Wave 1)", Some(wave)))
        .await
        .unwrap()
        .id;
    for parent in [build, test] {
        store
            .create_plan_task(&change, task("Configure", Some(parent)))
            .await
            .unwrap();
    }
    let ana = store
        .create_person(
            &change,
            person("Ana Ruiz", "ana@rb.example", None, "analyst"),
        )
        .await
        .unwrap()
        .id;
    let ben = store
        .create_person(
            &change,
            person("Ben Cole", "ben@rb.example", None, "manager"),
        )
        .await
        .unwrap()
        .id;
    store
        .create_raci(&change, raci(build, "accountable", ana))
        .await
        .unwrap();
    store
        .create_raci(&change, raci(build, "responsible", ben))
        .await
        .unwrap();
    let err = store
        .create_raci(&change, raci(build, "accountable", ben))
        .await
        .unwrap_err();
    match err {
        StoreError::Conflict(invalid) => {
            let message = invalid.message_for("role").unwrap();
            assert!(
                message.contains("Build (Wave 1)") && message.contains("Ana Ruiz"),
                "{message}"
            );
        }
        other => panic!("expected a conflict on role, got {other:?}"),
    }
    let a = store
        .create_raci(&change, raci(test, "responsible", ana))
        .await
        .unwrap();
    assert_eq!(a.person_name.as_deref(), Some("Ana Ruiz"));
    assert_eq!(a.task_name, "Test (Wave 1)");
    // Changing the accountable assignment itself is not a second accountable.
    let accountable = store
        .list_raci(pid, &Default::default(), None, 10)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|r| r.role.code() == "accountable")
        .unwrap();
    store
        .update_raci(&change, accountable.id, raci(build, "accountable", ben))
        .await
        .unwrap();

    let matrix = store.raci_matrix(pid).await.unwrap();
    let rows: Vec<(&str, &[RaciGap])> = matrix
        .rows
        .iter()
        .map(|r| (r.task_name.as_str(), r.gaps.as_slice()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Build (Wave 1)", &[][..]),
            ("Test (Wave 1)", &[RaciGap::NoAccountable][..])
        ]
    );
    let names: Vec<&str> = matrix.holders.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["Ana Ruiz", "Ben Cole"]);
    assert_eq!(matrix.rows[0].letters, vec!["", "RA"]);
}

#[tokio::test]
async fn a_deliverable_with_raci_assignments_is_not_deleted() {
    let db = support::fresh().await;
    let store = &db.store;
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let task = TaskDraft {
        name: Some("Train (Wave 1)".into()),
        duration: Some("5".into()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let task = store.create_plan_task(&change, task).await.unwrap().id;
    let ana = store
        .create_person(
            &change,
            person("Ana Ruiz", "ana@rb.example", None, "analyst"),
        )
        .await
        .unwrap()
        .id;
    let assignment = store
        .create_raci(&change, raci(task, "responsible", ana))
        .await
        .unwrap();
    match store.delete_plan_task(&change, task).await.unwrap_err() {
        StoreError::InUse(message) => {
            assert!(
                message.contains("Train (Wave 1) has 1 RACI assignment"),
                "{message}"
            )
        }
        other => panic!("expected in use, got {other:?}"),
    }
    store.delete_raci(&change, assignment.id).await.unwrap();
    store.delete_plan_task(&change, task).await.unwrap();
}
