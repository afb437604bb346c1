//! The provisioning list for a go-live: a wave that brings modules live requires only its
//! modules' curricula of each role; a wave that lists none, or no wave, requires them all.
//! Counts, pages, the status filter and the reasons agree on both.

use chrono::NaiveDate;
use muster_domain::access::{Actor, Scope};
use muster_domain::audit::Via;
use muster_domain::module::ModuleDraft;
use muster_domain::person::JobRole;
use muster_domain::provisioning::{ProvisioningStatus, Requirement};
use muster_domain::training::assessment::AssessmentDraft;
use muster_domain::training::completion::{CompletionSource, CompletionSpec};
use muster_domain::training::course::CourseDraft;
use muster_domain::training::curriculum::CurriculumDraft;
use muster_domain::wave::WaveDraft;
use muster_store::provisioning::ProvisioningFilter;
use muster_store::training::TrainingCell;
use muster_store::{Change, Store, StoreError};

use super::{person, program, site, support};

/// Physicians Pat (complete and passed in Ambulatory only), Quinn (nothing done) and Rae
/// (complete and passed in both), nurse Nina (her role's one curriculum is Inpatient), all
/// at one site; a wave taking Ambulatory live there and a wave listing no modules.
struct World {
    actor: Actor,
    program_id: i64,
    site_a: i64,
    /// Physician — Ambulatory.
    ambulatory_md: i64,
    pat: i64,
    quinn: i64,
    rae: i64,
    nina: i64,
    ambulatory_wave: i64,
    unscoped_wave: i64,
}

async fn world(store: &Store) -> World {
    let actor = program(store).await;
    let change = Change::new(&actor, Via::Api);
    let site_a = store.create_site(&change, site("A")).await.unwrap().id;
    let mut modules = Vec::new();
    for (code, name) in [("AMB", "Ambulatory"), ("IP", "Inpatient")] {
        let draft = ModuleDraft {
            code: Some(code.into()),
            name: Some(name.into()),
            description: None,
        };
        let module = store.create_module(&change, draft.parse().unwrap()).await;
        modules.push(module.unwrap().id);
    }
    let mut curricula = Vec::new();
    let mut courses = Vec::new();
    for (code, name, role, module) in [
        ("AMB-MD", "Physician — Ambulatory", "physician", modules[0]),
        ("IP-MD", "Physician — Inpatient", "physician", modules[1]),
        ("IP-RN", "Nurse — Inpatient", "nurse", modules[1]),
    ] {
        let course = CourseDraft {
            code: Some(code.into()),
            title: Some(format!("Course {code}")),
            kind: Some("e_learning".into()),
            hours: Some("2".into()),
            module_id: Some(module.to_string()),
            ..Default::default()
        };
        let course = store.create_course(&change, course.parse().unwrap()).await;
        let course = course.unwrap().id;
        let curriculum = CurriculumDraft {
            name: Some(name.into()),
            job_role: Some(role.into()),
            module_id: Some(module.to_string()),
            course_ids: Some(vec![course]),
            expected_hours: None,
            pass_mark: Some("80".into()),
        };
        let curriculum = store.create_curriculum(&change, curriculum.parse().unwrap());
        curricula.push(curriculum.await.unwrap().id);
        courses.push(course);
    }
    let mut people = Vec::new();
    for (name, role) in [
        ("Pat Physician", "physician"),
        ("Quinn Physician", "physician"),
        ("Rae Physician", "physician"),
        ("Nina Nurse", "nurse"),
    ] {
        let email = format!("{}@t.example", name.to_lowercase().replace(' ', "."));
        let p = person(name, &email, Some(site_a), role);
        people.push(store.create_person(&change, p).await.unwrap().id);
    }
    let (pat, rae) = (people[0], people[2]);
    for (who, which) in [(pat, 0), (rae, 0), (rae, 1)] {
        let done = CompletionSpec {
            person_id: who,
            course_id: courses[which],
            completed_on: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            source: CompletionSource::Muster,
            score: None,
        };
        store.record_completion(&change, done).await.unwrap();
        let assessed = AssessmentDraft {
            person_id: Some(who.to_string()),
            curriculum_id: Some(curricula[which].to_string()),
            score: Some("90".into()),
            assessed_on: Some("2027-03-02".into()),
            assessor: Some("Sofia Alvarez".into()),
        };
        let assessed = assessed.parse().unwrap();
        store.record_assessment(&change, assessed).await.unwrap();
    }
    let wave = |name: &str, module_ids: Vec<i64>| WaveDraft {
        name: Some(name.into()),
        go_live: Some("2027-06-01".into()),
        site_ids: Some(vec![site_a]),
        module_ids: Some(module_ids),
        ..Default::default()
    };
    let ambulatory = wave("Ambulatory go-live", vec![modules[0]])
        .parse()
        .unwrap();
    let unscoped = wave("Big bang", Vec::new()).parse().unwrap();
    World {
        program_id: actor.program_id,
        site_a,
        ambulatory_md: curricula[0],
        pat,
        quinn: people[1],
        rae,
        nina: people[3],
        ambulatory_wave: store.create_wave(&change, ambulatory).await.unwrap().id,
        unscoped_wave: store.create_wave(&change, unscoped).await.unwrap().id,
        actor,
    }
}

/// Each person's status and reasons on the whole list under `filter`, after checking that
/// the counts agree with the page and that the status filter splits it the same way.
async fn list(
    store: &Store,
    w: &World,
    filter: ProvisioningFilter,
) -> Vec<(i64, ProvisioningStatus, Vec<String>)> {
    let requirement = &store
        .go_live_requirement(w.program_id, filter.wave_id)
        .await
        .unwrap();
    let page = |filter: ProvisioningFilter| async move {
        store
            .provisioning_page(
                w.program_id,
                &Scope::Everything,
                &filter,
                requirement,
                None,
                50,
            )
            .await
            .unwrap()
            .items
    };
    let items = page(filter.clone()).await;
    let counts = store
        .provisioning_counts(w.program_id, &Scope::Everything, &filter, requirement)
        .await
        .unwrap();
    let of = |status| items.iter().filter(|e| e.status == status).count() as u64;
    assert_eq!(
        (counts.people, counts.ready, counts.not_ready),
        (
            items.len() as u64,
            of(ProvisioningStatus::Ready),
            of(ProvisioningStatus::NotReady)
        ),
        "the counts are the page's statuses under {filter:?}"
    );
    for &status in ProvisioningStatus::ALL {
        let only = page(ProvisioningFilter {
            status: Some(status),
            ..filter.clone()
        })
        .await;
        let expected: Vec<i64> = items
            .iter()
            .filter(|e| e.status == status)
            .map(|e| e.person_id)
            .collect();
        let got: Vec<i64> = only.iter().map(|e| e.person_id).collect();
        assert_eq!(got, expected, "status filter {status:?} under {filter:?}");
    }
    items
        .into_iter()
        .map(|e| (e.person_id, e.status, e.reasons))
        .collect()
}

fn of(
    list: &[(i64, ProvisioningStatus, Vec<String>)],
    person: i64,
) -> (ProvisioningStatus, Vec<String>) {
    let (_, status, reasons) = list
        .iter()
        .find(|(id, ..)| *id == person)
        .unwrap_or_else(|| panic!("person {person} is listed: {list:?}"));
    (*status, reasons.clone())
}

fn reasons(said: &[&str]) -> Vec<String> {
    said.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn a_go_live_requires_only_the_curricula_of_the_modules_it_brings_live() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let requirement = db
        .store
        .go_live_requirement(w.program_id, Some(w.ambulatory_wave))
        .await
        .unwrap();
    assert_eq!(requirement.describe(), "Ambulatory");
    let wave = list(
        &db.store,
        &w,
        ProvisioningFilter {
            wave_id: Some(w.ambulatory_wave),
            ..Default::default()
        },
    )
    .await;
    use ProvisioningStatus::{NotReady, Ready};
    assert_eq!(of(&wave, w.pat), (Ready, vec![]), "Pat for the wave");
    assert_eq!(of(&wave, w.rae), (Ready, vec![]), "Rae for the wave");
    assert_eq!(
        of(&wave, w.quinn),
        (
            NotReady,
            reasons(&[
                "missing courses: Course AMB-MD (Physician — Ambulatory)",
                "not assessed (Physician — Ambulatory)"
            ])
        ),
        "Quinn for the wave: only the wave's curriculum is named"
    );
    assert_eq!(
        of(&wave, w.nina),
        (
            NotReady,
            reasons(&["no curriculum for job role Nurse in this go-live's modules (Ambulatory)"])
        ),
        "Nina for the wave"
    );

    let everyone = list(&db.store, &w, ProvisioningFilter::default()).await;
    assert_eq!(
        of(&everyone, w.pat),
        (
            NotReady,
            reasons(&[
                "missing courses: Course IP-MD (Physician — Inpatient)",
                "not assessed (Physician — Inpatient)"
            ])
        ),
        "Pat without a wave needs Inpatient too"
    );
    assert_eq!(of(&everyone, w.rae), (Ready, vec![]), "Rae without a wave");
    assert_eq!(of(&everyone, w.nina).0, NotReady, "Nina without a wave");
    assert_eq!(
        of(&everyone, w.quinn).1.len(),
        4,
        "Quinn without a wave: both curricula: {everyone:?}"
    );
}

#[tokio::test]
async fn a_wave_listing_no_modules_keeps_the_rule_of_every_curriculum() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let requirement = db
        .store
        .go_live_requirement(w.program_id, Some(w.unscoped_wave))
        .await
        .unwrap();
    assert_eq!(requirement, Requirement::AllOfRole);
    let unscoped = list(
        &db.store,
        &w,
        ProvisioningFilter {
            wave_id: Some(w.unscoped_wave),
            ..Default::default()
        },
    )
    .await;
    let everyone = list(&db.store, &w, ProvisioningFilter::default()).await;
    assert_eq!(unscoped, everyone, "the same statuses and reasons");
    assert_eq!(
        of(&unscoped, w.pat).0,
        ProvisioningStatus::NotReady,
        "Pat lacks Inpatient"
    );
}

/// (job role, people, complete, proficient) per cell of the training figures.
async fn figures(
    store: &Store,
    w: &World,
    requirement: &Requirement,
) -> Vec<(String, i64, i64, i64)> {
    let mut cells: Vec<_> = store
        .completion_by_site_and_role(w.program_id, &Scope::Everything, requirement)
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.job_role.code().to_owned(),
                c.people,
                c.complete,
                c.proficient,
            )
        })
        .collect();
    cells.sort();
    cells
}

/// Who the drill-down lists as behind among the site's physicians, with what they miss.
async fn behind(store: &Store, w: &World, requirement: &Requirement) -> Vec<(i64, Vec<String>)> {
    let cell = TrainingCell {
        site_id: Some(w.site_a),
        job_role: JobRole::Physician,
    };
    store
        .people_behind(w.program_id, &cell, requirement, None, 10)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|b| (b.person_id, b.missing))
        .collect()
}

#[tokio::test]
async fn the_readiness_figures_for_a_go_live_count_its_modules_curricula_as_provisioning_does() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let ambulatory = db
        .store
        .go_live_requirement(w.program_id, Some(w.ambulatory_wave))
        .await
        .unwrap();
    assert_eq!(
        figures(&db.store, &w, &ambulatory).await,
        [("physician".to_owned(), 3, 2, 2)],
        "Pat and Rae have Ambulatory; nurses have nothing in this go-live's modules"
    );
    assert_eq!(
        figures(&db.store, &w, &Requirement::AllOfRole).await,
        [
            ("nurse".to_owned(), 1, 0, 0),
            ("physician".to_owned(), 3, 1, 1)
        ],
        "every curriculum: only Rae has both"
    );
    assert_eq!(
        behind(&db.store, &w, &ambulatory).await,
        [(w.quinn, vec!["Course AMB-MD".to_owned()])],
        "the go-live's drill-down names only its modules' courses"
    );
    assert_eq!(
        behind(&db.store, &w, &Requirement::AllOfRole).await,
        [
            (w.pat, vec!["Course IP-MD".to_owned()]),
            (
                w.quinn,
                vec!["Course AMB-MD".to_owned(), "Course IP-MD".to_owned()]
            )
        ]
    );

    // The scorecard carries what it counted.
    let card = db
        .store
        .scorecard(w.program_id, w.ambulatory_wave)
        .await
        .unwrap();
    assert_eq!(card.required_modules, ambulatory.modules());
    let card = db
        .store
        .scorecard(w.program_id, w.unscoped_wave)
        .await
        .unwrap();
    assert!(card.required_modules.is_empty());

    // Every rebuild keeps the module sets: Rae fails a later Ambulatory assessment.
    let failed = AssessmentDraft {
        person_id: Some(w.rae.to_string()),
        curriculum_id: Some(w.ambulatory_md.to_string()),
        score: Some("50".into()),
        assessed_on: Some("2027-03-09".into()),
        assessor: Some("Sofia Alvarez".into()),
    };
    let change = Change::new(&w.actor, Via::Api);
    let failed = failed.parse().unwrap();
    db.store.record_assessment(&change, failed).await.unwrap();
    assert_eq!(
        figures(&db.store, &w, &ambulatory).await,
        [("physician".to_owned(), 3, 2, 1)],
        "Rae is complete in Ambulatory, no longer proficient"
    );
}

#[tokio::test]
async fn a_program_has_at_most_63_modules_each_with_a_bit_of_its_own() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Api);
    let draft = |n: usize| ModuleDraft {
        code: Some(format!("M{n}")),
        name: Some(format!("Module {n}")),
        description: None,
    };
    let mut ids = Vec::new();
    for n in 0..63 {
        let module = db.store.create_module(&change, draft(n).parse().unwrap());
        ids.push(module.await.unwrap().id);
    }
    let refused = db
        .store
        .create_module(&change, draft(63).parse().unwrap())
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Refused(why)) if why.contains("at most 63 modules")),
        "{refused:?}"
    );
    // A deleted module's bit is free again.
    db.store.delete_module(&change, ids[5]).await.unwrap();
    db.store
        .create_module(&change, draft(64).parse().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_deleted_curriculum_no_longer_counts_in_anyones_training() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Api);
    // A third physician curriculum, in a module of its own, which Pat completes (not
    // assessed, so it may be deleted).
    let draft = ModuleDraft {
        code: Some("ED".into()),
        name: Some("Emergency".into()),
        description: None,
    };
    let ed = db
        .store
        .create_module(&change, draft.parse().unwrap())
        .await;
    let ed = ed.unwrap().id;
    let course = CourseDraft {
        code: Some("ED-MD".into()),
        title: Some("Course ED-MD".into()),
        kind: Some("e_learning".into()),
        hours: Some("1".into()),
        module_id: Some(ed.to_string()),
        ..Default::default()
    };
    let course = db
        .store
        .create_course(&change, course.parse().unwrap())
        .await;
    let course = course.unwrap().id;
    let curriculum = CurriculumDraft {
        name: Some("Physician — Emergency".into()),
        job_role: Some("physician".into()),
        module_id: Some(ed.to_string()),
        course_ids: Some(vec![course]),
        expected_hours: None,
        pass_mark: Some("80".into()),
    };
    let curriculum = db
        .store
        .create_curriculum(&change, curriculum.parse().unwrap());
    let curriculum = curriculum.await.unwrap().id;
    let done = CompletionSpec {
        person_id: w.pat,
        course_id: course,
        completed_on: NaiveDate::from_ymd_opt(2027, 3, 3).unwrap(),
        source: CompletionSource::Muster,
        score: None,
    };
    db.store.record_completion(&change, done).await.unwrap();
    assert_eq!(
        figures(&db.store, &w, &Requirement::AllOfRole).await,
        [
            ("nurse".to_owned(), 1, 0, 0),
            ("physician".to_owned(), 3, 0, 0)
        ],
        "three curricula now: nobody has all"
    );

    db.store
        .delete_curriculum(&change, curriculum)
        .await
        .unwrap();
    assert_eq!(
        figures(&db.store, &w, &Requirement::AllOfRole).await,
        [
            ("nurse".to_owned(), 1, 0, 0),
            ("physician".to_owned(), 3, 1, 1)
        ],
        "Rae has both that are left; Pat's Emergency no longer makes up for Inpatient"
    );
    let emergency = Requirement::of_wave(vec![muster_domain::provisioning::RequiredModule {
        id: ed,
        name: "Emergency".into(),
    }]);
    assert_eq!(
        figures(&db.store, &w, &emergency).await,
        [],
        "no role has a curriculum in Emergency any more"
    );
}

#[tokio::test]
async fn a_module_in_use_is_kept_with_what_names_it() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Api);
    let modules = db.store.all_modules(w.program_id).await.unwrap();
    let inpatient = modules.iter().find(|m| m.code == "IP").unwrap().id;
    match db.store.delete_module(&change, inpatient).await {
        Err(StoreError::InUse(why)) => assert_eq!(
            why, "module IP is still named by 2 courses, 2 curricula",
            "the courses and curricula, not a database error"
        ),
        other => panic!("expected the module kept, got {other:?}"),
    }
}

#[tokio::test]
async fn the_training_forecast_of_a_go_live_counts_its_modules_and_the_day_each_set_was_done() {
    let db = support::fresh().await;
    let w = world(&db.store).await;
    let change = Change::new(&w.actor, Via::Api);
    // Pat completes her Inpatient course on 20 March: her last curriculum of any module,
    // but her Ambulatory set was done on 1 March.
    let courses = db.store.all_courses(w.program_id).await.unwrap();
    let inpatient_md = courses.iter().find(|c| c.code == "IP-MD").unwrap().id;
    let done = CompletionSpec {
        person_id: w.pat,
        course_id: inpatient_md,
        completed_on: NaiveDate::from_ymd_opt(2027, 3, 20).unwrap(),
        source: CompletionSource::Muster,
        score: None,
    };
    db.store.record_completion(&change, done).await.unwrap();
    let today = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    let of = |wave: i64| {
        let store = &db.store;
        async move {
            let all = store
                .training_forecast(w.program_id, &Scope::Everything, Some(wave), today, 90.0)
                .await
                .unwrap();
            assert_eq!(all.len(), 1, "one site");
            let f = &all[0].forecast;
            (f.required, f.complete, f.percent_at_go_live)
        }
    };
    assert_eq!(
        of(w.ambulatory_wave).await,
        (3, 2, 66.7),
        "the physicians; Pat and Rae had Ambulatory before the window (3 March on), so \
         no pace: two of three at go-live"
    );
    assert_eq!(
        of(w.unscoped_wave).await,
        (4, 2, 100.0),
        "every curriculum: Pat became complete on 20 March, within the window, a pace \
         that reaches everyone by 1 June"
    );
}
