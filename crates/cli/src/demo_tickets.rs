//! The demo's go-live: support teams, SLA policies, decision rights, a known issue, the
//! command center's settings, rounding on the flagship site, and tickets over the days
//! since go-live (1,500 over 10 days small; 250,000 over 30 days large), some breaching.

use anyhow::Context;
use chrono::{Duration, Utc};
use muster_domain::access::Actor;
use muster_domain::command_center::Settings;
use muster_domain::decision::{ChangeKind, DecisionRightDraft};
use muster_domain::known_issue::KnownIssueDraft;
use muster_domain::person::PersonFilter;
use muster_domain::placement::Placement;
use muster_domain::rounding::{Duty, RoundingSpec, Shift};
use muster_domain::support_team::{SupportTeam, SupportTeamSpec, TeamKind};
use muster_domain::text::Name;
use muster_domain::ticket::sla::{Timers, targets};
use muster_domain::ticket::triage::route;
use muster_domain::ticket::{Category, Impact, ResolutionCode, Status, Ticket, Urgency};
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;
use crate::demo::{DOMAIN, VENDOR_ORG};

const SUMMARIES: &[(&str, Category, &str)] = &[
    (
        "Cannot sign discharge orders",
        Category::BreakFix,
        "Discharge navigator",
    ),
    (
        "Wristband label printer prints blank labels",
        Category::Hardware,
        "Wristband printing",
    ),
    (
        "How do I co-sign a resident's note?",
        Category::HowTo,
        "Notes activity",
    ),
    (
        "No access to the ED track board",
        Category::Access,
        "ED track board",
    ),
    (
        "Lab results not crossing from the analyzer",
        Category::Interface,
        "Results review",
    ),
    (
        "Order set missing the sepsis bundle",
        Category::BuildChange,
        "Order sets",
    ),
    (
        "Allergies converted without reactions",
        Category::DataConversion,
        "Allergies",
    ),
    (
        "Badge tap does not log in at the workstation",
        Category::Hardware,
        "Workstation login",
    ),
    (
        "MAR shows a dose twice",
        Category::BreakFix,
        "Medication administration",
    ),
    (
        "Where is the flowsheet for vitals?",
        Category::HowTo,
        "Flowsheets",
    ),
    (
        "Scanner will not read patient wristbands",
        Category::Hardware,
        "Barcode scanning",
    ),
    (
        "Referral fax not sent to the clinic",
        Category::Interface,
        "Referrals",
    ),
    (
        "Cannot find my in basket messages",
        Category::HowTo,
        "In basket",
    ),
    (
        "Charge not dropping for the visit",
        Category::BreakFix,
        "Charge capture",
    ),
];

const NAMES: &[&str] = &[
    "A. Rivera",
    "B. Chen",
    "C. Okafor",
    "D. Novak",
    "E. Haddad",
    "F. Kowalski",
    "G. Singh",
    "H. Brennan",
    "I. Larsen",
    "J. Moreau",
    "K. Tanaka",
    "L. Adeyemi",
];

/// Loads the command center; `sites` are the demo's site ids, flagship first.
pub async fn load(store: &Store, actor: &Actor, scale: Scale, sites: &[i64]) -> anyhow::Result<()> {
    let change = Change::new(actor, muster_domain::audit::Via::Cli);
    let program = actor.program_id;
    let account = |local: &str| {
        let store = store.clone();
        let email = format!("{local}@{DOMAIN}");
        async move { anyhow::Ok(store.account_by_email(&email).await?.id) }
    };
    let lead = account("lead").await?;
    let analyst = account("analyst").await?;
    let trainer = account("trainer").await?;
    let vendor = account("vendor").await?;
    let end_user = account("user").await?;
    store
        .save_command_center_settings(
            &change,
            Settings {
                lead_account_id: Some(lead),
                ..Settings::default()
            },
        )
        .await?;
    let modules = store.list_modules(program, None, None, 100).await?.items;
    let team =
        |name: &str, kind, categories: &[Category], module_id, organization: Option<&str>, lead| {
            SupportTeamSpec {
                name: Name::parse(name).expect("valid team name"),
                kind,
                categories: categories.to_vec(),
                module_id,
                organization: organization.map(str::to_owned),
                lead_account_id: Some(lead),
            }
        };
    let app = [
        Category::BreakFix,
        Category::BuildChange,
        Category::DataConversion,
    ];
    let mut specs = vec![
        team("Triage queue", TeamKind::Triage, &[], None, None, lead),
        team(
            "Application support",
            TeamKind::Application,
            &app,
            None,
            None,
            analyst,
        ),
        team(
            "Technical support",
            TeamKind::Technical,
            &[Category::Access, Category::Hardware],
            None,
            None,
            analyst,
        ),
        team(
            "Training desk",
            TeamKind::Training,
            &[Category::HowTo],
            None,
            None,
            trainer,
        ),
        team(
            "Northwind interfaces",
            TeamKind::Vendor,
            &[Category::Interface],
            None,
            Some(VENDOR_ORG),
            vendor,
        ),
    ];
    for m in modules.iter().take(3) {
        specs.push(team(
            &format!("{} team", m.name),
            TeamKind::Application,
            &app,
            Some(m.id),
            None,
            analyst,
        ));
    }
    for spec in specs {
        store.create_support_team(&change, spec).await?;
    }
    let teams: Vec<SupportTeam> = store.all_support_teams(program).await?;
    for (kind, decider, account) in [
        (ChangeKind::OrderSet, "Physician advisory council", None),
        (
            ChangeKind::ClinicalContent,
            "Physician advisory council",
            None,
        ),
        (ChangeKind::Workflow, "Change control board", Some(lead)),
        (ChangeKind::Security, "Security office", None),
    ] {
        let draft = DecisionRightDraft {
            module_id: None,
            change_kind: Some(kind.code().into()),
            decider: Some(decider.into()),
            body_id: None,
            decider_account_id: account.map(|a: i64| a.to_string()),
        };
        store
            .create_decision_right(&change, draft.parse().map_err(anyhow::Error::msg)?)
            .await?;
    }
    let known = store
        .create_known_issue(
            &change,
            KnownIssueDraft {
                title: Some("Wristband printers print blank labels after the upgrade".into()),
                symptoms: Some("Zebra wristband printers feed a blank label when printing from admission.".into()),
                workaround: Some("Print from the unit's backup printer (Printer select, then 'WB-2'); a driver fix is being deployed.".into()),
                module_id: None,
                status: Some("published".into()),
            }
            .parse()
            .map_err(anyhow::Error::msg)?,
        )
        .await?;

    let (count, days) = match scale {
        Scale::Small => (1_500usize, 10i64),
        Scale::Large => (250_000, 30),
    };
    let mut rng = SmallRng::seed_from_u64(42);
    let settings = store.command_center_settings(program).await?;
    let now = Utc::now();
    let go_live = now - Duration::days(days - 1) - Duration::hours(now.timestamp() % 86_400 / 3600);
    let start = store.newest_ticket_number(program).await? + 1;
    let bar = crate::demo::spinner(count as u64, "tickets");
    let mut batch = Vec::with_capacity(20_000);
    for i in 0..count {
        // Most tickets arrive in the first days; the curve flattens as people settle in.
        let day = ((rng.r#gen::<f64>().powf(2.2)) * days as f64) as i64;
        let opened =
            go_live + Duration::days(day) + Duration::minutes(rng.gen_range(6 * 60..22 * 60));
        let opened = opened.min(now - Duration::minutes(rng.gen_range(1..240)));
        let (summary, category, workflow) = SUMMARIES[rng.gen_range(0..SUMMARIES.len())];
        let safety = rng.gen_ratio(1, 120);
        let impact = Impact::ALL[rng.gen_range(0..3)];
        let urgency = Urgency::ALL[rng.gen_range(0..3)];
        let priority = settings.priority_matrix.priority(impact, urgency, safety);
        let module_id = modules
            .get(rng.gen_range(0..modules.len().max(1)))
            .map(|m| m.id);
        let team_id = route(&teams, category, module_id).context("the demo has a triage queue")?;
        let goal = targets(&[], priority);
        let mut timers = Timers::start(opened, goal);
        // Resolution takes about the target; one in eight runs late.
        let late = rng.gen_ratio(1, 8);
        let spend = goal.1.num_minutes() as f64
            * if late {
                rng.gen_range(1.1..3.0)
            } else {
                rng.gen_range(0.1..0.95)
            };
        let responded = opened
            + Duration::minutes((goal.0.num_minutes() as f64 * rng.gen_range(0.2..1.3)) as i64);
        let resolved = opened + Duration::minutes(spend as i64);
        let mut status = Status::New;
        let mut assignee = None;
        if responded < now {
            timers.respond(responded);
            status = Status::InProgress;
            assignee = Some(if category == Category::Interface {
                vendor
            } else {
                analyst
            });
        }
        let linked = category == Category::Hardware && workflow == "Wristband printing";
        let (mut code, mut note) = (None, None);
        if resolved < now {
            timers.resolve(resolved);
            status = if resolved < now - Duration::hours(settings.reopen_window_hours) {
                Status::Closed
            } else {
                Status::Resolved
            };
            code = Some(if linked {
                ResolutionCode::Workaround
            } else {
                ResolutionCode::Fixed
            });
            note = Some(if linked {
                "Printed from the backup printer (known issue)".to_owned()
            } else {
                "Fixed and confirmed with the requester".to_owned()
            });
        }
        let site_id = if rng.gen_ratio(2, 5) {
            sites[0]
        } else {
            sites[rng.gen_range(0..sites.len())]
        };
        batch.push(Ticket {
            id: 0,
            number: start + i as i64,
            requester_account_id: rng.gen_ratio(1, 50).then_some(end_user),
            requester_name: NAMES[rng.gen_range(0..NAMES.len())].into(),
            contact: Some(format!("ext. {}", rng.gen_range(2000..7999))),
            site_id,
            unit_id: None,
            job_role: None,
            module_id,
            workflow: Some(workflow.into()),
            summary: summary.into(),
            what_happened: format!("{summary}. Seen at {}.", opened.format("%H:%M")),
            expected: None,
            category,
            impact,
            urgency,
            priority,
            patient_safety: safety,
            status,
            team_id,
            assignee_account_id: assignee,
            escalation_level: 0,
            known_issue_id: linked.then_some(known.id),
            merged_into_id: None,
            resolution_code: code,
            resolution_note: note,
            reopen_count: i64::from(rng.gen_ratio(1, 40)),
            version: 1,
            opened_at: opened,
            team_since_at: opened,
            responded_at: timers.responded_at,
            resolved_at: timers.resolved_at,
            closed_at: (status == Status::Closed)
                .then(|| resolved + Duration::hours(settings.reopen_window_hours)),
            updated_at: opened,
            sla: timers.read(now),
            timers,
        });
        if batch.len() == 20_000 {
            bar.inc(batch.len() as u64);
            store
                .insert_tickets_bulk(&change, std::mem::take(&mut batch))
                .await?;
        }
    }
    bar.inc(batch.len() as u64);
    store.insert_tickets_bulk(&change, batch).await?;
    bar.finish();
    let report = store.sweep(program, now).await?;
    eprintln!(
        "Command center: {count} tickets since go-live, {} SLA breaches recorded.",
        report.breaches
    );

    if scale == Scale::Small {
        let units = store
            .list_units(
                program,
                &muster_store::unit::UnitFilter {
                    site_id: Some(sites[0]),
                    search: None,
                },
                None,
                20,
            )
            .await?
            .items;
        let filter = PersonFilter {
            site_id: Some(sites[0]),
            ..Default::default()
        };
        let people = store
            .list_people(
                program,
                &muster_domain::access::Scope::Everything,
                &filter,
                None,
                40,
            )
            .await?
            .items;
        for (i, (unit, person)) in units.iter().cycle().zip(people.iter()).enumerate() {
            let spec = RoundingSpec {
                placement: Placement {
                    person_id: person.id,
                    site_id: sites[0],
                    unit_id: unit.id,
                    shift: Shift::ALL[i % 3],
                },
                shift_date: now.date_naive(),
                duty: if i % 2 == 0 {
                    Duty::Champion
                } else {
                    Duty::Support
                },
                notes: None,
            };
            store.create_rounding(&change, spec).await?;
        }
    }
    Ok(())
}
