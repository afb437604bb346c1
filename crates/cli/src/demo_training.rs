//! The demo's training: courses for each module, curricula for the main job roles,
//! classroom sessions in the weeks before each wave's go-live, completions that follow a
//! curve (one site, Riverbend North, clearly lagging), assessments with some failures, and
//! follow-ups. Large scale: 4,000,000 completion records through the bulk insert.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::person::{EmployerKind, JobRole, PersonSpec};
use muster_domain::text::{Email, Name};
use muster_domain::training::assessment::AssessmentDraft;
use muster_domain::training::completion::{CompletionSource, CompletionSpec};
use muster_domain::training::course::CourseDraft;
use muster_domain::training::curriculum::CurriculumDraft;
use muster_domain::training::follow_up::FollowUpDraft;
use muster_domain::training::session::SessionDraft;
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;
use crate::demo::DOMAIN;

/// Each module's courses: (code suffix, title, classroom, hours, advanced, required).
const COURSES: &[(&str, &str, bool, f64, bool, bool)] = &[
    ("101", "fundamentals", false, 1.5, false, true),
    ("102", "documentation", false, 1.0, false, true),
    ("201", "workflows lab", true, 4.0, false, true),
    ("301", "champion deep dive", true, 6.0, true, false),
    ("110", "tips and shortcuts", false, 0.5, false, false),
    ("120", "what's new", false, 0.5, false, false),
];
const MODULES: &[&str] = &["AMB", "IP", "ED", "RX", "LAB", "RAD", "SCH", "REV"];
/// Which modules each job role is trained on.
const CURRICULA: &[(JobRole, &[&str])] = &[
    (JobRole::Physician, &["AMB", "IP", "ED"]),
    (JobRole::App, &["AMB"]),
    (JobRole::Nurse, &["IP", "ED", "AMB"]),
    (JobRole::Pharmacist, &["RX"]),
    (JobRole::Therapist, &["AMB"]),
    (JobRole::LabTech, &["LAB"]),
    (JobRole::RadiologyTech, &["RAD"]),
    (JobRole::FrontDesk, &["SCH"]),
    (JobRole::Scheduler, &["SCH"]),
    (JobRole::Coder, &["REV"]),
    (JobRole::Manager, &["AMB"]),
];
/// Completions per bulk insert.
const BATCH: usize = 250_000;
const LARGE_COMPLETIONS: usize = 4_000_000;

struct Catalog {
    /// Course ids by code ("IP-201"), and whether each is classroom.
    courses: HashMap<String, (i64, bool)>,
    /// Each role's required courses, in order, no repeats.
    required: HashMap<JobRole, Vec<i64>>,
    /// Each role's curricula: (id, required course ids).
    curricula: HashMap<JobRole, Vec<(i64, Vec<i64>)>>,
    optional: Vec<i64>,
}

fn parsed<T>(r: Result<T, muster_domain::Invalid>) -> anyhow::Result<T> {
    r.map_err(anyhow::Error::msg)
}

async fn catalog(store: &Store, change: &Change<'_>) -> anyhow::Result<Catalog> {
    let modules: HashMap<String, (i64, String)> = store
        .all_modules(change.program_id())
        .await?
        .into_iter()
        .map(|m| (m.code, (m.id, m.name)))
        .collect();
    let mut courses = HashMap::new();
    let mut optional = Vec::new();
    let start = CourseDraft {
        code: Some("EHR-100".into()),
        title: Some("Getting started with the EHR".into()),
        kind: Some("e_learning".into()),
        hours: Some("1".into()),
        ..Default::default()
    };
    let first = store.create_course(change, parsed(start.parse())?).await?;
    courses.insert(first.code.clone(), (first.id, false));
    for code in MODULES {
        let (module_id, name) = &modules[*code];
        for (suffix, title, classroom, hours, advanced, required) in COURSES {
            let draft = CourseDraft {
                code: Some(format!("{code}-{suffix}")),
                title: Some(format!("{name} {title}")),
                kind: Some(
                    if *classroom {
                        "classroom"
                    } else {
                        "e_learning"
                    }
                    .into(),
                ),
                hours: Some(hours.to_string()),
                module_id: Some(module_id.to_string()),
                advanced: Some(*advanced),
                active: Some(true),
            };
            let course = store.create_course(change, parsed(draft.parse())?).await?;
            if !required && !classroom {
                optional.push(course.id);
            }
            courses.insert(course.code, (course.id, *classroom));
        }
    }
    let mut required = HashMap::new();
    let mut curricula = HashMap::new();
    for (role, codes) in CURRICULA {
        let mut all: Vec<i64> = Vec::new();
        for code in *codes {
            let ids: Vec<i64> = [
                "EHR-100".to_owned(),
                format!("{code}-101"),
                format!("{code}-102"),
                format!("{code}-201"),
            ]
            .iter()
            .map(|c| courses[c].0)
            .collect();
            let draft = CurriculumDraft {
                name: Some(format!("{} — {}", role.label(), modules[*code].1)),
                job_role: Some(role.code().into()),
                module_id: Some(modules[*code].0.to_string()),
                course_ids: Some(ids.clone()),
                expected_hours: None,
                pass_mark: Some(
                    if *role == JobRole::Physician {
                        "85"
                    } else {
                        "80"
                    }
                    .into(),
                ),
            };
            let c = store
                .create_curriculum(change, parsed(draft.parse())?)
                .await?;
            all.extend(
                ids.iter()
                    .filter(|id| !all.contains(id))
                    .copied()
                    .collect::<Vec<_>>(),
            );
            curricula
                .entry(*role)
                .or_insert_with(Vec::new)
                .push((c.id, ids));
        }
        required.insert(*role, all);
    }
    Ok(Catalog {
        courses,
        required,
        curricula,
        optional,
    })
}

/// When training runs for a site: from `start` to a week before go-live.
#[derive(Clone, Copy)]
struct Window {
    start: NaiveDate,
    end: NaiveDate,
    /// Share of the window behind us, 0 to 1.
    progress: f64,
}

fn window(go_live: NaiveDate, today: NaiveDate, lead_days: i64) -> Window {
    let start = go_live - Duration::days(lead_days);
    let end = go_live - Duration::days(7);
    let span = (end - start).num_days().max(1) as f64;
    let progress = ((today - start).num_days() as f64 / span).clamp(0.0, 1.0);
    Window {
        start,
        end,
        progress,
    }
}

/// Accounts that appear in training as people: the trainer teaches, the end user and the
/// champion train. They work at the flagship.
async fn account_people(
    store: &Store,
    change: &Change<'_>,
    flagship: i64,
) -> anyhow::Result<HashMap<&'static str, i64>> {
    let mut ids = HashMap::new();
    for (local, name, role) in [
        ("trainer", "Sofia Alvarez", JobRole::Trainer),
        ("user", "Daniel Kim", JobRole::Nurse),
        ("champion", "Grace Okafor", JobRole::Nurse),
    ] {
        let spec = PersonSpec {
            name: Name::parse(name).expect("valid name"),
            email: Email::parse(&format!("{local}@{DOMAIN}")).expect("valid email"),
            employee_id: None,
            job_role: role,
            site_id: Some(flagship),
            unit_id: None,
            employer_kind: EmployerKind::Staff,
            organization: None,
            shift: None,
            active: true,
            daily_rate: None,
        };
        ids.insert(local, store.create_person(change, spec).await?.id);
    }
    Ok(ids)
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale, sites: &[i64]) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let today = Utc::now().date_naive();
    let mut rng = SmallRng::seed_from_u64(7);
    let cat = catalog(store, &change).await?;
    let me = account_people(store, &change, sites[0]).await?;
    let lead_days = if scale == Scale::Small { 180 } else { 400 };
    let mut windows: HashMap<i64, Window> = HashMap::new();
    for wave in store.list_waves(program, None, None, 500).await?.items {
        for site in wave.site_ids {
            windows.insert(site, window(wave.go_live, today, lead_days));
        }
    }
    let lagging = sites.get(1).copied();
    let people = store.active_trainees(program).await?;

    // Completions: earlier courses first; each person has their own pace.
    let target = (scale == Scale::Large).then_some(LARGE_COMPLETIONS);
    let bar = crate::demo::spinner(target.unwrap_or(people.len()) as u64, "training");
    let mut done_by: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH + 64);
    let mut total = 0usize;
    for (n, (person, site, role)) in people.iter().enumerate() {
        let Some(w) = site.and_then(|s| windows.get(&s)).copied() else {
            continue;
        };
        // The lagging site started like the others but has stalled lately: fewer people
        // complete, and their courses fall in the first four fifths of the time so far,
        // so the forecast's recent pace is slow there.
        let (factor, span) = if *site == lagging {
            (0.4, 0.8)
        } else {
            (1.0, 1.0)
        };
        let pace: f64 = rng.r#gen();
        let required = cat.required.get(role).map(Vec::as_slice).unwrap_or(&[]);
        let elapsed = (today.min(w.end) - w.start).num_days().max(0);
        for (i, course) in required.iter().enumerate() {
            let share = ((w.progress * 1.3 - 0.03 * i as f64).clamp(0.0, 0.97)) * factor;
            if pace >= share {
                continue;
            }
            let at = ((i as f64 + rng.r#gen::<f64>()) / required.len() as f64
                * elapsed as f64
                * span) as i64;
            let classroom = cat.courses.values().any(|(id, c)| id == course && *c);
            batch.push(CompletionSpec {
                person_id: *person,
                course_id: *course,
                completed_on: w.start + Duration::days(at.min(elapsed)),
                source: if classroom {
                    CompletionSource::Session
                } else {
                    CompletionSource::LmsImport
                },
                score: (!classroom).then(|| rng.gen_range(70..=100)),
            });
            done_by.entry(*person).or_default().push(*course);
        }
        if let Some(target) = target {
            // Optional refreshers fill the large demo up to its 4,000,000 records.
            let left_people = (people.len() - n) as f64;
            let due =
                (target.saturating_sub(total + batch.len()) as f64 / left_people).round() as usize;
            let due = due.min(cat.optional.len());
            let first = rng.gen_range(0..cat.optional.len());
            for k in 0..due {
                batch.push(CompletionSpec {
                    person_id: *person,
                    course_id: cat.optional[(first + k) % cat.optional.len()],
                    completed_on: today - Duration::days(rng.gen_range(1..300)),
                    source: CompletionSource::LmsImport,
                    score: None,
                });
            }
        }
        if batch.len() >= BATCH {
            total += batch.len();
            bar.inc(if target.is_some() {
                batch.len() as u64
            } else {
                0
            });
            store
                .insert_completions_bulk(&change, std::mem::take(&mut batch))
                .await?;
        }
        if target.is_none() {
            bar.inc(1);
        }
    }
    if let Some(target) = target {
        // The last people's refreshers may overshoot by a few rows.
        batch.truncate(target.saturating_sub(total));
    }
    total += batch.len();
    store.insert_completions_bulk(&change, batch).await?;
    bar.finish();
    let loaded = started.elapsed();

    let sessions = sessions(
        store,
        &change,
        &cat,
        sites,
        &windows,
        &people,
        me["trainer"],
        scale,
    )
    .await?;
    if scale == Scale::Small {
        rosters(store, &change, &sessions, &people, &me).await?;
    }
    let assessed = assessments(
        store, &change, &cat, &people, &done_by, &windows, &mut rng, scale,
    )
    .await?;
    let mut suggested = 0;
    for site in sites
        .iter()
        .filter(|s| windows.get(s).is_some_and(|w| w.progress > 0.3))
        .take(4)
    {
        suggested += store
            .suggest_follow_ups(&change, *site, today)
            .await?
            .created;
    }
    let asked = FollowUpDraft {
        person_id: Some(me["user"].to_string()),
        topic: Some("Medication administration at the bedside: practice session".into()),
        reason: Some("requested".into()),
        due_on: Some((today + Duration::days(10)).format("%Y-%m-%d").to_string()),
        ..Default::default()
    };
    store
        .create_follow_up(&change, parsed(asked.parse())?)
        .await?;
    store.analyze().await?;
    eprintln!(
        "Training: {total} completions in {loaded:.1?}; {} sessions, {assessed} assessments, {suggested} follow-ups suggested; {:.1?} in all.",
        sessions.len(),
        started.elapsed()
    );
    Ok(())
}

/// Classroom sessions every other week in the sixteen weeks before each site's go-live;
/// at large scale only for the sites whose training has begun.
#[allow(clippy::too_many_arguments)]
async fn sessions(
    store: &Store,
    change: &Change<'_>,
    cat: &Catalog,
    sites: &[i64],
    windows: &HashMap<i64, Window>,
    people: &[(i64, Option<i64>, JobRole)],
    fallback_trainer: i64,
    scale: Scale,
) -> anyhow::Result<Vec<(i64, i64, i64, chrono::DateTime<Utc>)>> {
    let mut made = Vec::new();
    let modules: &[&str] = &["IP", "ED", "AMB", "SCH"];
    for (index, site) in sites.iter().enumerate() {
        let Some(w) = windows.get(site) else { continue };
        if scale == Scale::Large && w.progress <= 0.0 {
            continue;
        }
        let trainer = people
            .iter()
            .find(|(_, s, r)| *s == Some(*site) && *r == JobRole::Trainer)
            .map_or(fallback_trainer, |p| p.0);
        let rooms = if index < 3 { modules } else { &modules[2..] };
        for (m, code) in rooms.iter().enumerate() {
            let (course, _) = cat.courses[&format!("{code}-201")];
            for week in (2..=16).step_by(2) {
                let day = w.end + Duration::days(7) - Duration::weeks(week)
                    + Duration::days(m as i64 % 4);
                let start = Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("nine o'clock"));
                let draft = SessionDraft {
                    course_id: Some(course.to_string()),
                    starts_at: Some(start.to_rfc3339()),
                    ends_at: Some((start + Duration::hours(4)).to_rfc3339()),
                    site_id: Some(site.to_string()),
                    room: Some(format!("Training room {}", m + 1)),
                    trainer_person_id: Some(trainer.to_string()),
                    capacity: Some("12".into()),
                };
                let s = store
                    .create_training_session(change, parsed(draft.parse())?)
                    .await?;
                made.push((s.id, *site, course, start));
            }
        }
    }
    Ok(made)
}

/// Small demo: past sessions at the sites in training have their attendance (which
/// completes the course); the flagship's next inpatient session is full with a waitlist,
/// the demo end user on it.
async fn rosters(
    store: &Store,
    change: &Change<'_>,
    sessions: &[(i64, i64, i64, chrono::DateTime<Utc>)],
    people: &[(i64, Option<i64>, JobRole)],
    me: &HashMap<&'static str, i64>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let nurses = |site: i64| {
        people
            .iter()
            .filter(move |(_, s, r)| *s == Some(site) && *r == JobRole::Nurse)
            .map(|p| p.0)
    };
    let mut taken = 0;
    for (id, site, _, _) in sessions.iter().filter(|s| s.3 < now) {
        for (k, person) in nurses(*site).skip(taken % 50).take(6).enumerate() {
            store.enroll(change, *id, person).await?;
            store.record_attendance(change, *id, person, k != 5).await?;
        }
        taken += 6;
    }
    let flagship = sessions.first().map(|s| s.1);
    if let Some(next) = sessions
        .iter()
        .filter(|s| Some(s.1) == flagship && s.3 > now)
        .min_by_key(|s| s.3)
    {
        store.enroll(change, next.0, me["user"]).await?;
        for person in nurses(next.1).skip(200).take(13) {
            store.enroll(change, next.0, person).await?;
        }
        store.enroll(change, next.0, me["champion"]).await?;
    }
    Ok(())
}

/// Proficiency assessments for people who finished a curriculum, about one in five
/// failing; the lagging site fails more.
#[allow(clippy::too_many_arguments)]
async fn assessments(
    store: &Store,
    change: &Change<'_>,
    cat: &Catalog,
    people: &[(i64, Option<i64>, JobRole)],
    done_by: &HashMap<i64, Vec<i64>>,
    windows: &HashMap<i64, Window>,
    rng: &mut SmallRng,
    scale: Scale,
) -> anyhow::Result<usize> {
    let cap = if scale == Scale::Small { 400 } else { 1_000 };
    let mut made = 0;
    for (person, site, role) in people {
        let Some(done) = done_by.get(person) else {
            continue;
        };
        let Some(w) = site.and_then(|s| windows.get(&s)) else {
            continue;
        };
        for (curriculum, courses) in cat.curricula.get(role).into_iter().flatten() {
            if made >= cap || !courses.iter().all(|c| done.contains(c)) || rng.gen_ratio(1, 3) {
                continue;
            }
            let score = (rng.gen_range(68..=100) + rng.gen_range(0..=10)).min(100);
            let draft = AssessmentDraft {
                person_id: Some(person.to_string()),
                curriculum_id: Some(curriculum.to_string()),
                score: Some(score.to_string()),
                assessed_on: Some(
                    w.start
                        .max(Utc::now().date_naive() - Duration::days(rng.gen_range(1..20)))
                        .format("%Y-%m-%d")
                        .to_string(),
                ),
                assessor: Some("Sofia Alvarez".into()),
            };
            store
                .record_assessment(change, parsed(draft.parse())?)
                .await?;
            made += 1;
        }
    }
    Ok(made)
}
