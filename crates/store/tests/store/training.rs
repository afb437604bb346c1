//! Training in the store: rosters with waitlist promotion, attendance that completes the
//! course, completions where the later date wins (one by one and in bulk), progress and
//! the figures by site and role, and follow-ups suggested once.

use chrono::{NaiveDate, TimeZone, Utc};
use muster_domain::access::{Actor, Scope};
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::provisioning::Requirement;
use muster_domain::training::assessment::AssessmentDraft;
use muster_domain::training::completion::{CompletionFilter, CompletionSource, CompletionSpec};
use muster_domain::training::course::CourseDraft;
use muster_domain::training::curriculum::CurriculumDraft;
use muster_domain::training::session::{EnrollmentStatus, SessionDraft};
use muster_store::training::TrainingCell;
use muster_store::{Change, Store, StoreError};

use super::{inpatient, person, program, site, support};

pub(crate) struct World {
    pub actor: Actor,
    pub site_a: i64,
    pub site_b: i64,
    pub nurses: Vec<i64>,
    pub courses: Vec<i64>,
    pub curriculum: i64,
}

pub(crate) async fn world(store: &Store) -> World {
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let site_a = store.create_site(&change, site("A")).await.unwrap().id;
    let site_b = store.create_site(&change, site("B")).await.unwrap().id;
    let mut nurses = Vec::new();
    for (i, s) in [site_a, site_a, site_a, site_b].into_iter().enumerate() {
        let p = person(
            &format!("Nurse {i}"),
            &format!("n{i}@t.example"),
            Some(s),
            "nurse",
        );
        nurses.push(store.create_person(&change, p).await.unwrap().id);
    }
    let module = inpatient(store, &change).await;
    let mut courses = Vec::new();
    for (code, kind) in [("IP-1", "e_learning"), ("IP-2", "classroom")] {
        let draft = CourseDraft {
            code: Some(code.into()),
            title: Some(format!("Course {code}")),
            kind: Some(kind.into()),
            hours: Some("2".into()),
            module_id: Some(module.to_string()),
            ..Default::default()
        };
        courses.push(
            store
                .create_course(&change, draft.parse().unwrap())
                .await
                .unwrap()
                .id,
        );
    }
    let draft = CurriculumDraft {
        name: Some("Nurse — Inpatient".into()),
        job_role: Some("nurse".into()),
        module_id: Some(module.to_string()),
        course_ids: Some(courses.clone()),
        expected_hours: None,
        pass_mark: Some("80".into()),
    };
    let curriculum = store
        .create_curriculum(&change, draft.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(curriculum.expected_hours, 4.0);
    World {
        actor,
        site_a,
        site_b,
        nurses,
        courses,
        curriculum: curriculum.id,
    }
}

fn cell_of(
    cells: &[muster_domain::training::progress::CompletionCell],
    site: i64,
) -> muster_domain::training::progress::CompletionCell {
    cells
        .iter()
        .find(|c| c.site_id == Some(site))
        .unwrap()
        .clone()
}

fn done(person_id: i64, course_id: i64, day: u32, source: CompletionSource) -> CompletionSpec {
    CompletionSpec {
        person_id,
        course_id,
        completed_on: NaiveDate::from_ymd_opt(2027, 3, day).unwrap(),
        source,
        score: None,
    }
}

#[tokio::test]
async fn a_cancelled_seat_goes_to_the_first_waiting_and_attendance_completes_the_course() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Api);
    let start = Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap();
    let session = SessionDraft {
        course_id: Some(w.courses[1].to_string()),
        starts_at: Some(start.to_rfc3339()),
        ends_at: Some((start + chrono::Duration::hours(3)).to_rfc3339()),
        site_id: Some(w.site_a.to_string()),
        room: Some("Room 1".into()),
        trainer_person_id: Some(w.nurses[3].to_string()),
        capacity: Some("1".into()),
    };
    let session = db
        .store
        .create_training_session(&change, session.parse().unwrap())
        .await
        .unwrap();
    let first = db
        .store
        .enroll(&change, session.id, w.nurses[0])
        .await
        .unwrap();
    let second = db
        .store
        .enroll(&change, session.id, w.nurses[1])
        .await
        .unwrap();
    let third = db
        .store
        .enroll(&change, session.id, w.nurses[2])
        .await
        .unwrap();
    assert_eq!(first.status, EnrollmentStatus::Enrolled);
    assert_eq!(
        (second.status, second.waitlist_position),
        (EnrollmentStatus::Waitlisted, Some(1))
    );
    assert_eq!(third.waitlist_position, Some(2));
    assert!(matches!(
        db.store.enroll(&change, session.id, w.nurses[2]).await,
        Err(StoreError::Conflict(_))
    ));

    db.store
        .cancel_enrollment(&change, session.id, w.nurses[0])
        .await
        .unwrap();
    let roster = db
        .store
        .roster(w.actor.program_id, session.id)
        .await
        .unwrap();
    let of = |p: i64| roster.iter().find(|e| e.person_id == p).unwrap().clone();
    assert_eq!(
        of(w.nurses[1]).status,
        EnrollmentStatus::Enrolled,
        "the first in line is promoted"
    );
    assert_eq!(
        of(w.nurses[2]).waitlist_position,
        Some(1),
        "the line moves up"
    );
    assert_eq!(of(w.nurses[0]).status, EnrollmentStatus::Cancelled);
    let audited = db
        .store
        .list_audit(
            w.actor.program_id,
            &AuditFilter {
                entity: Some("enrollment".into()),
                ..Default::default()
            },
            None,
            50,
        )
        .await
        .unwrap();
    // Three enrollments, the cancellation, the promotion and the renumbering.
    assert_eq!(audited.total, 6);

    db.store
        .record_attendance(&change, session.id, w.nurses[1], true)
        .await
        .unwrap();
    let progress = db
        .store
        .person_progress(w.actor.program_id, w.nurses[1])
        .await
        .unwrap();
    assert_eq!((progress[0].done, progress[0].required), (1, 2));
    let completions = db
        .store
        .list_completions(
            w.actor.program_id,
            &Scope::Everything,
            &CompletionFilter {
                person_id: Some(w.nurses[1]),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(completions.items[0].source, CompletionSource::Session);
    assert_eq!(completions.items[0].completed_on, start.date_naive());
    assert!(
        db.store
            .record_attendance(&change, session.id, w.nurses[2], true)
            .await
            .is_err(),
        "the waiting do not attend"
    );
    db.store
        .record_attendance(&change, session.id, w.nurses[1], false)
        .await
        .unwrap();
    let progress = db
        .store
        .person_progress(w.actor.program_id, w.nurses[1])
        .await
        .unwrap();
    assert_eq!(
        progress[0].done, 0,
        "a no-show withdraws the completion attendance recorded"
    );
}

#[tokio::test]
async fn the_later_completion_wins_and_figures_follow_progress_by_site_and_role() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Cli);
    let loaded = db
        .store
        .insert_completions_bulk(
            &change,
            vec![
                done(w.nurses[0], w.courses[0], 5, CompletionSource::LmsImport),
                done(w.nurses[0], w.courses[1], 6, CompletionSource::LmsImport),
                done(w.nurses[1], w.courses[0], 7, CompletionSource::LmsImport),
                done(w.nurses[3], w.courses[0], 8, CompletionSource::LmsImport),
                done(w.nurses[3], w.courses[1], 9, CompletionSource::LmsImport),
                // An older completion of the same course does not replace the newer one.
                done(w.nurses[3], w.courses[1], 1, CompletionSource::LmsImport),
            ],
        )
        .await
        .unwrap();
    assert_eq!(loaded, 6);
    let all = db
        .store
        .list_completions(
            w.actor.program_id,
            &Scope::Everything,
            &CompletionFilter::default(),
            None,
            2,
        )
        .await
        .unwrap();
    assert_eq!(all.total, 5, "one row per person and course");
    let next = muster_domain::paging::Cursor::decode(all.next_cursor.as_deref().unwrap()).unwrap();
    let rest = db
        .store
        .list_completions(
            w.actor.program_id,
            &Scope::Everything,
            &CompletionFilter::default(),
            Some(&next),
            10,
        )
        .await
        .unwrap();
    assert_eq!(all.items.len() + rest.items.len(), 5);
    let later = db
        .store
        .record_completion(
            &change,
            done(w.nurses[0], w.courses[0], 20, CompletionSource::Muster),
        )
        .await
        .unwrap();
    assert_eq!(later.completed_on.format("%d").to_string(), "20");
    let earlier = db
        .store
        .record_completion(
            &change,
            done(w.nurses[0], w.courses[0], 2, CompletionSource::Muster),
        )
        .await
        .unwrap();
    assert_eq!(
        earlier.completed_on.format("%d").to_string(),
        "20",
        "the later date stays"
    );

    let cells = db
        .store
        .completion_by_site_and_role(
            w.actor.program_id,
            &Scope::Everything,
            &Requirement::AllOfRole,
        )
        .await
        .unwrap();
    let cell = |site| cells.iter().find(|c| c.site_id == Some(site)).unwrap();
    assert_eq!((cell(w.site_a).people, cell(w.site_a).complete), (3, 1));
    assert_eq!((cell(w.site_b).people, cell(w.site_b).complete), (1, 1));
    assert_eq!(cell(w.site_b).proficient, 0, "no assessment passed yet");
    let scoped = db
        .store
        .completion_by_site_and_role(
            w.actor.program_id,
            &Scope::Sites(vec![w.site_b]),
            &Requirement::AllOfRole,
        )
        .await
        .unwrap();
    assert_eq!(scoped.len(), 1);

    let behind = db
        .store
        .people_behind(
            w.actor.program_id,
            &TrainingCell {
                site_id: Some(w.site_a),
                job_role: muster_domain::person::JobRole::Nurse,
            },
            &Requirement::AllOfRole,
            None,
            10,
        )
        .await
        .unwrap();
    let names: Vec<(&str, Vec<String>)> = behind
        .items
        .iter()
        .map(|b| (b.name.as_str(), b.missing.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Nurse 1", vec!["Course IP-2".to_owned()]),
            (
                "Nurse 2",
                vec!["Course IP-1".to_owned(), "Course IP-2".to_owned()]
            )
        ]
    );

    let standing = db
        .store
        .people_training(w.actor.program_id, Some(w.site_a), None, 10)
        .await
        .unwrap();
    let of = |name: &str| standing.iter().find(|p| p.name == name).unwrap().clone();
    assert!(
        of("Nurse 0").trained() && !of("Nurse 0").ready(),
        "complete, not yet assessed"
    );
    assert_eq!((of("Nurse 1").complete, of("Nurse 1").curricula), (0, 1));

    // Another job role has other curricula: the person's figures follow at once.
    let mut moved = db
        .store
        .person(w.actor.program_id, w.nurses[0])
        .await
        .unwrap();
    moved.job_role = muster_domain::person::JobRole::Physician;
    let draft = muster_domain::person::PersonDraft::from(&moved);
    db.store
        .update_person(&change, moved.id, draft.parse().unwrap())
        .await
        .unwrap();
    let cells = db
        .store
        .completion_by_site_and_role(
            w.actor.program_id,
            &Scope::Everything,
            &Requirement::AllOfRole,
        )
        .await
        .unwrap();
    assert_eq!(
        cell_of(&cells, w.site_a).complete,
        0,
        "Nurse 0 has left the nurses"
    );
    assert_eq!(cell_of(&cells, w.site_a).people, 2);

    // A curriculum that gains a course is incomplete again for everyone.
    let draft = CourseDraft {
        code: Some("IP-3".into()),
        title: Some("Course IP-3".into()),
        kind: Some("e_learning".into()),
        hours: Some("1".into()),
        ..Default::default()
    };
    let third = db
        .store
        .create_course(&change, draft.parse().unwrap())
        .await
        .unwrap();
    let mut curriculum = db
        .store
        .curriculum(w.actor.program_id, w.curriculum)
        .await
        .unwrap();
    curriculum.course_ids.push(third.id);
    let draft = muster_domain::training::curriculum::CurriculumDraft::from(&curriculum);
    db.store
        .update_curriculum(&change, w.curriculum, draft.parse().unwrap())
        .await
        .unwrap();
    let cells = db
        .store
        .completion_by_site_and_role(
            w.actor.program_id,
            &Scope::Everything,
            &Requirement::AllOfRole,
        )
        .await
        .unwrap();
    assert!(cells.iter().all(|c| c.complete == 0), "{cells:?}");
}

#[tokio::test]
async fn the_latest_assessment_decides_and_failures_suggest_one_follow_up_each() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Api);
    let assess = |person: i64, score: &str, day: &str| AssessmentDraft {
        person_id: Some(person.to_string()),
        curriculum_id: Some(w.curriculum.to_string()),
        score: Some(score.into()),
        assessed_on: Some(day.into()),
        assessor: Some("Sofia Alvarez".into()),
    };
    let passed = db
        .store
        .record_assessment(
            &change,
            assess(w.nurses[0], "80", "2027-03-01").parse().unwrap(),
        )
        .await
        .unwrap();
    assert!(passed.passed && passed.pass_mark == 80);
    let failed = db
        .store
        .record_assessment(
            &change,
            assess(w.nurses[0], "79", "2027-03-02").parse().unwrap(),
        )
        .await
        .unwrap();
    assert!(!failed.passed);
    db.store
        .record_assessment(
            &change,
            assess(w.nurses[1], "60", "2027-03-01").parse().unwrap(),
        )
        .await
        .unwrap();
    db.store
        .record_assessment(
            &change,
            assess(w.nurses[1], "95", "2027-03-03").parse().unwrap(),
        )
        .await
        .unwrap();
    let progress = db
        .store
        .person_progress(w.actor.program_id, w.nurses[0])
        .await
        .unwrap();
    assert!(!progress[0].proficiency_passed, "the latest attempt failed");

    let today = NaiveDate::from_ymd_opt(2027, 4, 1).unwrap();
    let first = db
        .store
        .suggest_follow_ups(&change, w.site_a, today)
        .await
        .unwrap();
    assert_eq!(
        (first.suggested, first.created),
        (1, 1),
        "only the latest failure counts"
    );
    let again = db
        .store
        .suggest_follow_ups(&change, w.site_a, today)
        .await
        .unwrap();
    assert_eq!(again.created, 0, "suggesting again adds nothing");
    let follow_ups = db
        .store
        .list_follow_ups(
            w.actor.program_id,
            &Scope::Everything,
            &Default::default(),
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(follow_ups.total, 1);
    assert_eq!(follow_ups.items[0].person_id, w.nurses[0]);
    assert!(follow_ups.items[0].topic.contains("Nurse — Inpatient"));
    assert_eq!(
        db.store
            .suggest_follow_ups(&change, w.site_b, today)
            .await
            .unwrap()
            .suggested,
        0
    );
}

#[tokio::test]
async fn how_to_tickets_since_go_live_suggest_coaching_once_per_module() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Api);
    let program = w.actor.program_id;
    // Nurse 0 (n0@t.example) has an account and raised how-to tickets at site A.
    let account = db
        .store
        .create_account(
            &change,
            muster_store::account::NewAccount {
                email: muster_domain::text::Email::parse("n0@t.example").unwrap(),
                name: muster_domain::text::Name::parse("Nurse 0").unwrap(),
                password_hash: "x".into(),
                role: muster_domain::access::AccessRole::EndUser,
                site_ids: vec![],
                organization: None,
            },
        )
        .await
        .unwrap();
    let wave = muster_domain::wave::WaveDraft {
        name: Some("Wave 1".into()),
        go_live: Some("2027-03-01".into()),
        notes: None,
        site_ids: Some(vec![w.site_a]),
        ..Default::default()
    };
    db.store
        .create_wave(&change, wave.parse().unwrap())
        .await
        .unwrap();
    let go_live = Utc
        .with_ymd_and_hms(2027, 3, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    db.store
        .execute_raw(&format!(
            "INSERT INTO support_team (program_id, name, kind, categories, created_at, updated_at) \
             VALUES ({program}, 'Triage', 'triage', '', '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z')"
        ))
        .await
        .unwrap();
    for (number, category, opened) in [
        (1, "how_to", go_live + 3_600),
        (2, "how_to", go_live + 7_200),
        (3, "break_fix", go_live + 7_200),
        (4, "how_to", go_live - 86_400),
    ] {
        let sql = format!(
            "INSERT INTO ticket (program_id, number, requester_account_id, requester_name, site_id, \
             summary, what_happened, category, impact, urgency, priority, patient_safety, status, \
             team_id, escalation_level, reopen_count, version, opened_at, team_since_at, \
             response_due_at, resolve_due_at, response_breached, resolve_breached, updated_at) \
             VALUES ({program}, {number}, {}, 'Nurse 0', {}, 'Where is it?', 'Lost', '{category}', \
             'low', 'low', 'p4', FALSE, 'new', (SELECT MIN(id) FROM support_team), 0, 0, 1, \
             {opened}, {opened}, {opened}, {opened}, FALSE, FALSE, {opened})",
            account.id, w.site_a
        );
        assert_eq!(db.store.execute_raw(&sql).await.unwrap(), 1);
    }
    let today = NaiveDate::from_ymd_opt(2027, 3, 10).unwrap();
    let first = db
        .store
        .suggest_follow_ups(&change, w.site_a, today)
        .await
        .unwrap();
    assert_eq!((first.suggested, first.created), (1, 1));
    let again = db
        .store
        .suggest_follow_ups(&change, w.site_a, today)
        .await
        .unwrap();
    assert_eq!(again.created, 0);
    let list = db
        .store
        .list_follow_ups(program, &Scope::Everything, &Default::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(list.items[0].person_id, w.nurses[0]);
    assert!(
        list.items[0].topic.contains("2 how-to tickets"),
        "{}",
        list.items[0].topic
    );
}

#[tokio::test]
async fn every_person_has_a_training_status_row_from_creation_and_can_still_be_deleted() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Api);
    let s = db.store.create_site(&change, site("A")).await.unwrap().id;
    let one = db
        .store
        .create_person(&change, person("One", "one@t.example", Some(s), "nurse"))
        .await
        .unwrap();
    let bulk = vec![
        person("Two", "two@t.example", Some(s), "nurse"),
        person("Three", "three@t.example", Some(s), "physician"),
    ];
    db.store.insert_people_bulk(&change, bulk).await.unwrap();
    let rows = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM training_status";
    assert_eq!(support::count(&db.store, rows).await, 3);
    assert_eq!(support::people_without_training_status(&db.store).await, 0);
    db.store.delete_person(&change, one.id).await.unwrap();
    assert_eq!(
        support::count(&db.store, rows).await,
        2,
        "the row goes with its person"
    );
    db.store
        .refresh_training_progress(actor.program_id, None)
        .await
        .unwrap();
    assert_eq!(
        support::people_without_training_status(&db.store).await,
        0,
        "a rebuild keeps the rows of people with nothing done"
    );
}
