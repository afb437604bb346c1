//! The demo's lessons learned and embedding assignments. Fifteen lessons from the first
//! wave's go-live (retrospectives, tickets and readiness reviews), two of which already led
//! to a readiness criterion and a plan task for the last wave; and leaders of later sites
//! embedded in earlier command centers, with some still to go. The large demo repeats the
//! lessons at every first-wave site and embeds a share of every later site's managers.

use muster_domain::access::{Actor, Scope};
use muster_domain::audit::Via;
use muster_domain::embedding::EmbeddingDraft;
use muster_domain::lesson::LessonDraft;
use muster_domain::person::{JobRole, PersonFilter};
use muster_domain::plan::task::TaskDraft;
use muster_domain::readiness::CriterionDraft;
use muster_store::{Change, Store};

use crate::Scale;

/// (title, what happened, what later waves should do, source, phase, module code)
const LESSONS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Label printers were mapped to the wrong units",
        "Specimen labels for 4 West printed on 4 East for the first six hours; nurses walked tubes across the floor.",
        "Walk every printer mapping unit by unit at the dress rehearsal, with a nurse printing a real label.",
        "retrospective",
        "cutover",
        "LAB",
    ),
    (
        "Barcode scanners dropped off the wireless network",
        "Medication administration scanning fell to 71% on day two because handheld scanners lost their network profile after a reboot.",
        "Push the scanner profile through device management and test a cold reboot of every model before go-live.",
        "ticket",
        "go_live",
        "IP",
    ),
    (
        "Pharmacy verification queue backed up at shift change",
        "Orders waited up to 90 minutes for verification at 19:00 because all pharmacists were in handoff.",
        "Stagger pharmacist shift change by 30 minutes for the first two weeks.",
        "retrospective",
        "go_live",
        "RX",
    ),
    (
        "Physicians skipped the personalization lab",
        "Only 38% of hospitalists built their favorites before go-live; order entry took twice as long in week one.",
        "Book personalization sessions inside the credentialing deadline and have physician champions sit with each group.",
        "readiness_review",
        "training",
        "IP",
    ),
    (
        "Downtime reports were not printing",
        "The business continuity workstations printed blank census reports during the planned downtime drill.",
        "Check every business continuity workstation prints its reports a week before cutover.",
        "readiness_review",
        "cutover",
        "HIM",
    ),
    (
        "ED tracking board columns did not match triage",
        "Triage nurses could not see the acuity column on the wall boards; charge nurses kept a paper board.",
        "Review tracking board layouts with ED charge nurses during workflow walkthroughs.",
        "ticket",
        "build",
        "ED",
    ),
    (
        "Registration could not find legacy patients",
        "Conversion loaded patients without their legacy medical record numbers; front desk created duplicates.",
        "Test patient search by legacy number in the conversion rehearsal and count duplicates created per day.",
        "retrospective",
        "testing",
        "SCH",
    ),
    (
        "Surgical preference cards were incomplete",
        "A third of preference cards lacked supplies; the OR started late on day one.",
        "Have each surgeon's team sign off their preference cards two weeks before go-live.",
        "readiness_review",
        "build",
        "OR",
    ),
    (
        "Charge review work queues overflowed",
        "Charges held in review grew to 4,200 in the first week; days in accounts receivable rose by six.",
        "Staff charge review at double strength for the first month and watch the queue daily in the huddle.",
        "retrospective",
        "stabilization",
        "REV",
    ),
    (
        "Super users were pulled back to their own shifts",
        "Unit managers recalled champions to cover staffing on day three; at-the-elbow coverage collapsed on nights.",
        "Backfill champions' shifts in the budget and agree with managers before go-live that they stay on the floor.",
        "retrospective",
        "go_live",
        "AMB",
    ),
    (
        "Command center tickets lacked the unit",
        "A quarter of tickets had no unit, so roaming support could not find the caller.",
        "Make the unit required in the ticket form and print the support number with the unit on every workstation.",
        "ticket",
        "go_live",
        "AMB",
    ),
    (
        "Interface to the reference lab lagged",
        "Results from the reference lab arrived up to four hours late because the interface engine queued them behind ADT.",
        "Load-test the interface engine with a full day's message volume, not a sample.",
        "ticket",
        "testing",
        "LAB",
    ),
    (
        "Radiology protocols were missing for two scanners",
        "CT orders for the new scanners had no protocol; technologists phoned radiologists for each study.",
        "Build and test protocols for every modality and scanner listed in the device inventory.",
        "readiness_review",
        "build",
        "RAD",
    ),
    (
        "Clinic schedules were converted a week late",
        "Appointment conversion slipped and clinics booked on paper for five days.",
        "Convert future appointments at T-14 and freeze legacy scheduling then.",
        "retrospective",
        "cutover",
        "SCH",
    ),
    (
        "Discharge medication reconciliation was skipped",
        "Discharge reconciliation was completed for 62% of patients in week one; pharmacists caught three omissions.",
        "Add reconciliation to the discharge checklist and report its completion daily on the benefits dashboard.",
        "retrospective",
        "stabilization",
        "RX",
    ),
];

pub async fn load(store: &Store, actor: &Actor, scale: Scale) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let mut waves = store.all_waves(program).await?;
    waves.sort_by_key(|w| w.go_live);
    let (Some(first), Some(last)) = (waves.first(), waves.last()) else {
        return Ok(());
    };
    let modules = store.all_modules(program).await?;
    let module_of = |code: &str| modules.iter().find(|m| m.code == code).map(|m| m.id);
    // A ticket number the ticket lessons came from (the demo's tickets are numbered from 1).
    let ticket = store.ticket_by_number(program, 1).await.ok();
    let lesson_sites: Vec<i64> = match scale {
        Scale::Small => first.site_ids.iter().take(1).copied().collect(),
        Scale::Large => first.site_ids.clone(),
    };
    let mut made = Vec::new();
    for &site in &lesson_sites {
        for (i, (title, what, advice, source, phase, module)) in LESSONS.iter().enumerate() {
            let (source, ticket_id) = match (*source, &ticket) {
                ("ticket", Some(t)) => ("ticket", Some(t.id.to_string())),
                ("ticket", None) => ("retrospective", None),
                (other, _) => (other, None),
            };
            let draft = LessonDraft {
                title: Some((*title).into()),
                observation: Some((*what).into()),
                recommendation: Some((*advice).into()),
                source: Some(source.into()),
                ticket_id,
                wave_id: Some(first.id.to_string()),
                // Every third lesson is program-wide.
                site_id: (i % 3 != 2).then(|| site.to_string()),
                module_id: module_of(module).map(|m| m.to_string()),
                phase: Some((*phase).into()),
            };
            let spec = draft.parse().map_err(anyhow::Error::msg)?;
            made.push(store.create_lesson(&change, spec).await?);
        }
    }
    // Two lessons already led somewhere, once.
    if let (Some(printers), Some(downtime)) = (made.first(), made.get(4)) {
        let criterion = CriterionDraft {
            name: Some("Printer mappings walked unit by unit".into()),
            description: Some(printers.recommendation.clone()),
            measure: Some("attested".into()),
            weight: Some("5".into()),
            owner: Some("Site IT lead".into()),
            active: Some(true),
            ..Default::default()
        };
        let spec = criterion.parse().map_err(anyhow::Error::msg)?;
        store
            .criterion_from_lesson(&change, printers.id, spec)
            .await?;
        if waves.len() > 1 {
            let task = TaskDraft {
                name: Some(format!("{}: downtime report print test", last.name)),
                wave_id: Some(last.id.to_string()),
                module_id: downtime.module_id.map(|m| m.to_string()),
                duration: Some("2".into()),
                notes: Some(downtime.recommendation.clone()),
                ..Default::default()
            };
            let spec = task.parse().map_err(anyhow::Error::msg)?;
            store.task_from_lesson(&change, downtime.id, spec).await?;
        }
    }

    // Managers of later sites embed in the go-live before theirs: all but one per site in
    // the small demo (so a gap shows), half in the large one.
    let mut embedded = 0;
    for pair in waves.windows(2) {
        let (host, later) = (&pair[0], &pair[1]);
        for &site in &later.site_ids {
            let filter = PersonFilter {
                site_id: Some(site),
                job_role: Some(JobRole::Manager),
                active: Some(true),
                ..Default::default()
            };
            let managers = store
                .list_people(program, &Scope::Everything, &filter, None, 40)
                .await?
                .items;
            let take = match scale {
                Scale::Small => managers.len().saturating_sub(1),
                Scale::Large => managers.len() / 2,
            };
            for (n, m) in managers.iter().take(take).enumerate() {
                let starts = host.go_live - chrono::Duration::days(2);
                let draft = EmbeddingDraft {
                    person_id: Some(m.id.to_string()),
                    home_site_id: Some(site.to_string()),
                    host_wave_id: Some(host.id.to_string()),
                    host_site_id: host.site_ids.first().map(|s| s.to_string()),
                    role: Some(if n % 3 == 0 { "work" } else { "observe" }.into()),
                    starts_on: Some(starts.to_string()),
                    ends_on: Some((starts + chrono::Duration::days(7)).to_string()),
                    notes: None,
                };
                let spec = draft.parse().map_err(anyhow::Error::msg)?;
                store.create_embedding(&change, spec).await?;
                embedded += 1;
            }
        }
    }
    eprintln!(
        "Loaded {} lessons and {embedded} embedding assignments in {:.1?}.",
        made.len(),
        started.elapsed()
    );
    Ok(())
}
