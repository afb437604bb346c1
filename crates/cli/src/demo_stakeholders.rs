//! The demo's stakeholders: ten program-wide groups (hospitalists, emergency physicians,
//! nursing, pharmacy, revenue cycle, IT infrastructure, the EHR vendor, the implementation
//! consultants, the board's quality committee and the patient and family advisory council)
//! with what each gains and concedes, about thirty commitments (a few overdue, one missed),
//! ADKAR assessments at three dates with the emergency physicians stuck at Desire, stance
//! changes kept as history, and RACI on the plan's deliverables with one gap (the last
//! deliverable has nobody accountable). The large demo adds medical staff, nursing and
//! department manager groups at every hospital and one group at every clinic and ambulatory
//! center, each with ten commitments (about 2,800 in all) and ADKAR history at its site.

use chrono::{Duration, NaiveDate, Utc};
use muster_domain::access::{Actor, Scope};
use muster_domain::audit::Via;
use muster_domain::person::{JobRole, PersonFilter};
use muster_domain::site::SiteKind;
use muster_domain::stakeholder::StakeholderDraft;
use muster_domain::stakeholder::adkar::AdkarDraft;
use muster_domain::stakeholder::commitment::CommitmentDraft;
use muster_domain::stakeholder::raci::RaciDraft;
use muster_store::{Change, Store};

use crate::Scale;

/// (kind, name, influence, stance at first, stance now, interests, gains, concessions)
type Group = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const GROUPS: &[Group] = &[
    (
        "physician_group",
        "Hospitalist group",
        "high",
        "skeptic",
        "supporter",
        "Rounding time, admission and discharge throughput, note burden",
        "One chart across all three hospitals; discharge reconciliation that pulls outpatient medications; mobile rounding lists",
        "Standard admission order sets instead of personal ones; documentation templates agreed by the whole group",
    ),
    (
        "physician_group",
        "Emergency physicians",
        "high",
        "opposed",
        "skeptic",
        "Door-to-provider time, patient safety in a crowded department, fewer clicks per patient",
        "Tracking board with real-time lab and imaging status; triage protocols that place orders before the physician sees the patient",
        "Give up the departmental ED system they chose; physician order entry for every order, no more verbal orders except in resuscitation",
    ),
    (
        "nursing",
        "Nursing",
        "high",
        "supporter",
        "champion",
        "Safe staffing during go-live, time at the bedside, fewer duplicate flowsheets",
        "Barcode medication administration; one flowsheet instead of three paper forms; handoff reports built from the chart",
        "Document in the new flowsheets from day one; super users released from the schedule for training and go-live",
    ),
    (
        "department",
        "Pharmacy",
        "medium",
        "neutral",
        "supporter",
        "Formulary control, verification queue times, antimicrobial stewardship",
        "Closed-loop medication management; interventions documented in the chart; dispensing cabinets driven by verified orders",
        "Rebuild the formulary in the vendor's model; pharmacists verify every order before the first dose outside emergencies",
    ),
    (
        "revenue_cycle",
        "Revenue cycle",
        "high",
        "neutral",
        "supporter",
        "Days in accounts receivable, clean claim rate, cash flow through the transition",
        "Single billing office across hospital and clinics; claim edits before the bill drops; charge capture from the clinical record",
        "Accept a cash dip in the first 90 days; retrain coders and billers; retire the legacy billing system's workarounds",
    ),
    (
        "it",
        "IT infrastructure",
        "medium",
        "supporter",
        "supporter",
        "Network capacity, device standards, a support model the team can staff",
        "Retire 40 legacy applications and their interfaces; one identity and access model; vendor-hosted disaster recovery",
        "Device refresh on the program's timeline; weekend cutover staffing; change freezes before every go-live",
    ),
    (
        "vendor",
        "EHR vendor",
        "high",
        "champion",
        "champion",
        "A referenceable go-live, adoption of the foundation build, renewal",
        "A flagship customer in the region; feedback on the ambulatory content",
        "Dedicated go-live staff on site for two weeks per wave; fixes to the build within the agreed service levels",
    ),
    (
        "consultants",
        "Implementation consultants",
        "medium",
        "supporter",
        "supporter",
        "Clear scope, decisions on time, a schedule that holds",
        "A well-run engagement to show other health systems",
        "Knowledge transfer to staff analysts before each wave ends; no scope added without a change request",
    ),
    (
        "board",
        "Board quality committee",
        "high",
        "neutral",
        "supporter",
        "Patient safety, regulatory standing, the return on the investment",
        "Quality measures reported from the chart instead of abstracted by hand; a single view of safety events",
        "Approve the contingency budget; accept temporarily lower productivity in the first months",
    ),
    (
        "patient_representatives",
        "Patient and family advisory council",
        "low",
        "neutral",
        "supporter",
        "Access to records and results, shorter waits, being told what changes",
        "A patient portal with results, messaging and scheduling; one medical record number across the system",
        "Longer visits and waits during go-live weeks; re-enrolment in the new portal",
    ),
];

/// (group index, what, due in days from today, status, evidence)
const COMMITMENTS: &[(usize, &str, i64, &str, &str)] = &[
    (
        0,
        "Name two hospitalist physician champions per hospital",
        -80,
        "done",
        "Medical staff office letter of 12 names",
    ),
    (
        0,
        "Approve the admission order set library",
        -25,
        "done",
        "Order set review minutes, P&T committee",
    ),
    (
        0,
        "Every hospitalist completes provider training",
        25,
        "in_progress",
        "",
    ),
    (
        1,
        "Name an ED physician lead for the build",
        -60,
        "done",
        "ED medical director appointed Dr. Okafor",
    ),
    (
        1,
        "Sign off the ED tracking board design",
        -12,
        "in_progress",
        "",
    ),
    (
        1,
        "Validate triage protocols with standing orders",
        -4,
        "planned",
        "",
    ),
    (
        1,
        "ED physicians attend the dress rehearsal",
        30,
        "planned",
        "",
    ),
    (
        2,
        "One super user per unit and shift",
        -45,
        "done",
        "Champion roster in Muster",
    ),
    (
        2,
        "Release super users for 16 hours of training",
        -10,
        "done",
        "Staffing office schedule",
    ),
    (
        2,
        "Flowsheet rows validated by unit educators",
        14,
        "in_progress",
        "",
    ),
    (
        3,
        "Formulary build reviewed line by line",
        -30,
        "done",
        "Formulary sign-off sheet",
    ),
    (
        3,
        "Dispensing cabinet profiles tested with the vendor",
        -6,
        "in_progress",
        "",
    ),
    (
        3,
        "Pharmacists complete verification training",
        40,
        "planned",
        "",
    ),
    (
        4,
        "Charge description master mapped to the new build",
        -50,
        "done",
        "CDM mapping workbook v3",
    ),
    (
        4,
        "Claim edit rules reviewed with payers",
        -20,
        "missed",
        "Two payers did not respond in time; moved to wave 2",
    ),
    (4, "Work queues staffed for go-live week", 20, "planned", ""),
    (
        5,
        "Workstations and printers installed on every unit",
        -15,
        "done",
        "Device inventory report",
    ),
    (
        5,
        "Network assessment of the three hospitals",
        -70,
        "done",
        "Assessment report",
    ),
    (
        5,
        "Downtime (BCA) workstations tested",
        10,
        "in_progress",
        "",
    ),
    (
        6,
        "Go-live support staff named for wave 1",
        -35,
        "done",
        "Vendor staffing plan",
    ),
    (
        6,
        "Fix the medication reconciliation defect before testing",
        -3,
        "in_progress",
        "",
    ),
    (
        6,
        "Two weeks of on-site support at each go-live",
        60,
        "planned",
        "",
    ),
    (
        7,
        "Knowledge transfer plan for staff analysts",
        -40,
        "done",
        "Plan approved by the program office",
    ),
    (
        7,
        "Integrated testing scripts written for every workflow",
        -8,
        "in_progress",
        "",
    ),
    (7, "Consultant roll-off schedule agreed", 45, "planned", ""),
    (
        8,
        "Approve the contingency budget",
        -55,
        "done",
        "Board minutes",
    ),
    (
        8,
        "Quality dashboard requirements agreed",
        15,
        "in_progress",
        "",
    ),
    (
        8,
        "Review go/no-go criteria before wave 1",
        50,
        "planned",
        "",
    ),
    (
        9,
        "Review patient portal sign-up material",
        -28,
        "done",
        "Council meeting notes",
    ),
    (
        9,
        "Patient letter about the go-live weeks",
        35,
        "planned",
        "",
    ),
    (
        9,
        "Old portal sunset notice",
        5,
        "withdrawn",
        "Kept open until wave 2",
    ),
];

/// ADKAR at 120, 60 and 10 days ago per group: (A, D, K, A, R) each time. The emergency
/// physicians stay stuck at Desire.
const ADKAR: &[[[i64; 5]; 3]] = &[
    [[3, 2, 2, 1, 1], [4, 3, 3, 2, 1], [5, 4, 4, 3, 2]],
    [[3, 1, 2, 1, 1], [4, 2, 2, 2, 1], [4, 2, 3, 2, 1]],
    [[4, 4, 2, 2, 1], [5, 4, 3, 3, 2], [5, 5, 4, 3, 2]],
    [[3, 3, 2, 2, 1], [4, 4, 3, 2, 2], [4, 4, 4, 3, 2]],
    [[3, 2, 2, 2, 1], [4, 3, 3, 2, 2], [4, 4, 3, 3, 2]],
    [[4, 4, 3, 3, 2], [5, 4, 4, 3, 3], [5, 5, 4, 4, 3]],
    [[5, 5, 4, 4, 3], [5, 5, 5, 4, 4], [5, 5, 5, 5, 4]],
    [[4, 4, 3, 3, 2], [5, 4, 4, 4, 3], [5, 5, 4, 4, 3]],
    [[3, 3, 2, 2, 2], [4, 4, 3, 3, 3], [5, 4, 4, 4, 4]],
    [[2, 3, 1, 1, 1], [3, 3, 2, 2, 1], [4, 4, 3, 2, 2]],
];

/// The per-hospital groups of the large demo: (kind, name, leader's role).
const SITE_GROUPS: &[(&str, &str, JobRole)] = &[
    ("physician_group", "Medical staff", JobRole::Physician),
    ("nursing", "Nursing", JobRole::Nurse),
    ("department", "Department managers", JobRole::Manager),
];

/// The one group of each clinic and ambulatory center in the large demo.
const CLINIC_GROUPS: &[(&str, &str, JobRole)] =
    &[("department", "Providers and staff", JobRole::Physician)];

const SITE_COMMITMENTS: &[&str] = &[
    "Name physician champions for every department",
    "Super users released for training",
    "Unit walkthroughs of the future-state workflows",
    "Downtime procedures briefed on every shift",
    "Dress rehearsal attended by every unit",
    "Go-live staffing plan approved",
    "Command center huddle attendance assigned",
    "Printer and device mapping validated on the floor",
    "Training completion above 90% for every role",
    "Post-go-live optimization requests triaged",
];

fn to_anyhow(e: muster_domain::Invalid) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

async fn people(
    store: &Store,
    actor: &Actor,
    role: JobRole,
    site: Option<i64>,
    n: u64,
) -> anyhow::Result<Vec<i64>> {
    let filter = PersonFilter {
        job_role: Some(role),
        site_id: site,
        ..Default::default()
    };
    Ok(store
        .list_people(actor.program_id, &Scope::Everything, &filter, None, n)
        .await?
        .items
        .into_iter()
        .map(|p| p.id)
        .collect())
}

fn group_draft(g: &Group, stance: &str, leader: Option<i64>) -> StakeholderDraft {
    let (kind, name, influence, _, _, interests, gains, concessions) = *g;
    StakeholderDraft {
        kind: Some(kind.into()),
        name: Some(name.into()),
        site_id: None,
        interests: Some(interests.into()),
        gains: Some(gains.into()),
        concessions: Some(concessions.into()),
        influence: Some(influence.into()),
        stance: Some(stance.into()),
        leader_person_id: leader.map(|l| l.to_string()),
    }
}

fn commitment_draft(
    group: i64,
    what: &str,
    due: NaiveDate,
    status: &str,
    evidence: &str,
    today: NaiveDate,
) -> CommitmentDraft {
    let done_on = (status == "done").then(|| (due - Duration::days(2)).min(today).to_string());
    CommitmentDraft {
        group_id: Some(group.to_string()),
        what: Some(what.into()),
        due_on: Some(due.to_string()),
        status: Some(status.into()),
        done_on,
        evidence: Some(evidence.into()),
        owner_person_id: None,
    }
}

fn adkar_draft(
    group: i64,
    site: Option<i64>,
    on: NaiveDate,
    s: [i64; 5],
    notes: &str,
) -> AdkarDraft {
    AdkarDraft {
        group_id: Some(group.to_string()),
        site_id: site.map(|s| s.to_string()),
        assessed_on: Some(on.to_string()),
        awareness: Some(s[0].to_string()),
        desire: Some(s[1].to_string()),
        knowledge: Some(s[2].to_string()),
        ability: Some(s[3].to_string()),
        reinforcement: Some(s[4].to_string()),
        notes: Some(notes.into()),
    }
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale, sites: &[i64]) -> anyhow::Result<()> {
    let change = Change::new(actor, Via::Cli);
    let today = Utc::now().date_naive();
    let leader_roles = [
        JobRole::Physician,
        JobRole::Physician,
        JobRole::Nurse,
        JobRole::Pharmacist,
        JobRole::Coder,
        JobRole::Analyst,
        JobRole::Other,
        JobRole::Manager,
        JobRole::Manager,
        JobRole::FrontDesk,
    ];
    let mut group_ids = Vec::new();
    for (i, g) in GROUPS.iter().enumerate() {
        let leader = people(store, actor, leader_roles[i], None, 1)
            .await?
            .first()
            .copied();
        let (_, _, _, first, now, ..) = *g;
        let spec = group_draft(g, first, leader).parse().map_err(to_anyhow)?;
        let id = store.create_stakeholder(&change, spec).await?.id;
        if first != now {
            let spec = group_draft(g, now, leader).parse().map_err(to_anyhow)?;
            store.update_stakeholder(&change, id, spec).await?;
        }
        group_ids.push(id);
    }
    for &(g, what, due, status, evidence) in COMMITMENTS {
        let draft = commitment_draft(
            group_ids[g],
            what,
            today + Duration::days(due),
            status,
            evidence,
            today,
        );
        store
            .create_commitment(&change, draft.parse().map_err(to_anyhow)?)
            .await?;
    }
    let dates = [
        today - Duration::days(120),
        today - Duration::days(60),
        today - Duration::days(10),
    ];
    for (g, history) in ADKAR.iter().enumerate() {
        for (on, scores) in dates.iter().zip(history) {
            let notes = if g == 1 {
                "Physicians still see the new tracking board as slower than the departmental system; peer demonstrations planned"
            } else {
                ""
            };
            let draft = adkar_draft(group_ids[g], None, *on, *scores, notes);
            store
                .create_adkar(&change, draft.parse().map_err(to_anyhow)?)
                .await?;
        }
    }
    raci(store, actor, &group_ids).await?;
    if matches!(scale, Scale::Large) {
        site_groups(store, actor, sites, today).await?;
    }
    Ok(())
}

/// RACI for every deliverable: a manager accountable, an analyst responsible, the
/// hospitalists consulted on the phases, the board's quality committee informed. The last
/// deliverable has no accountable: the gap the matrix flags.
async fn raci(store: &Store, actor: &Actor, groups: &[i64]) -> anyhow::Result<()> {
    let change = Change::new(actor, Via::Cli);
    let deliverables = store.plan_deliverables(actor.program_id).await?;
    let managers = people(store, actor, JobRole::Manager, None, 4).await?;
    let analysts = people(store, actor, JobRole::Analyst, None, 6).await?;
    if managers.is_empty() || analysts.is_empty() {
        return Ok(());
    }
    let last = deliverables.len().saturating_sub(1);
    for (i, (task, name)) in deliverables.iter().enumerate() {
        let mut rows: Vec<(&str, Option<i64>, Option<i64>)> = vec![
            ("responsible", Some(analysts[i % analysts.len()]), None),
            ("informed", None, Some(groups[8])),
        ];
        if i != last {
            rows.push(("accountable", Some(managers[i % managers.len()]), None));
        }
        if !name.starts_with("Readiness") {
            rows.push(("consulted", None, Some(groups[0])));
        } else {
            rows.push(("consulted", None, Some(groups[2])));
        }
        for (role, person, group) in rows {
            let draft = RaciDraft {
                task_id: Some(task.to_string()),
                role: Some(role.into()),
                person_id: person.map(|p| p.to_string()),
                group_id: group.map(|g| g.to_string()),
            };
            store
                .create_raci(&change, draft.parse().map_err(to_anyhow)?)
                .await?;
        }
    }
    Ok(())
}

/// The large demo's per-site groups (three at each hospital, one at each clinic and
/// ambulatory center), each with ten commitments and ADKAR at its site.
async fn site_groups(
    store: &Store,
    actor: &Actor,
    sites: &[i64],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let change = Change::new(actor, Via::Cli);
    let mut hospitals = Vec::new();
    for &site in sites {
        hospitals.push(store.site(actor.program_id, site).await?);
    }
    let bar = crate::demo::spinner(hospitals.len() as u64, "groups");
    let statuses = [
        "done",
        "done",
        "done",
        "in_progress",
        "planned",
        "done",
        "planned",
        "in_progress",
        "planned",
        "missed",
    ];
    for (h, site) in hospitals.iter().enumerate() {
        let groups = if site.kind == SiteKind::Hospital {
            SITE_GROUPS
        } else {
            CLINIC_GROUPS
        };
        for (k, &(kind, name, role)) in groups.iter().enumerate() {
            let leader = people(store, actor, role, Some(site.id), 1)
                .await?
                .first()
                .copied();
            let stance = ["supporter", "neutral", "skeptic", "champion"][(h + k) % 4];
            let draft = StakeholderDraft {
                kind: Some(kind.into()),
                name: Some(format!("{name}, {}", site.name)),
                site_id: Some(site.id.to_string()),
                interests: Some("Safe patient care through go-live at this hospital; staffing; time to learn".into()),
                gains: Some("The hospital's record joins the system-wide chart; fewer paper downtime forms".into()),
                concessions: Some("Release staff for training on the program's schedule; adopt the system-wide standard workflows".into()),
                influence: Some(["high", "medium", "medium"][k].into()),
                stance: Some(stance.into()),
                leader_person_id: leader.map(|l| l.to_string()),
            };
            let group = store
                .create_stakeholder(&change, draft.parse().map_err(to_anyhow)?)
                .await?
                .id;
            for (c, what) in SITE_COMMITMENTS.iter().enumerate() {
                let due = today + Duration::days(-90 + (c as i64) * 20 + (h as i64 % 7));
                let status = statuses[(c + h + k) % statuses.len()];
                let status = if status == "done" && due > today {
                    "in_progress"
                } else {
                    status
                };
                let draft = commitment_draft(group, what, due, status, "", today);
                store
                    .create_commitment(&change, draft.parse().map_err(to_anyhow)?)
                    .await?;
            }
            for (d, days) in [100i64, 50, 7].iter().enumerate() {
                let base = 2 + d as i64;
                let lag = ((h + k) % 3) as i64;
                let s = [
                    (base + 1).min(5),
                    (base - lag + 1).clamp(1, 5),
                    (base - lag).clamp(1, 5),
                    (base - 1 - lag).clamp(1, 5),
                    (base - 2).clamp(1, 5),
                ];
                let draft = adkar_draft(group, Some(site.id), today - Duration::days(*days), s, "");
                store
                    .create_adkar(&change, draft.parse().map_err(to_anyhow)?)
                    .await?;
            }
        }
        bar.inc(1);
    }
    bar.finish();
    Ok(())
}
