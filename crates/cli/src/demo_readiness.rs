//! The demo's readiness: the standard criteria (five computed, four attested), the go-live
//! decision right held by the executive steering committee (the demo executive records it),
//! attestations for the first wave's sites, and, in the small demo, two past assessments
//! (T-120 and T-90) so that the trend has points. The lagging site comes out red.

use muster_domain::access::{AccessRole, Actor};
use muster_domain::audit::Via;
use muster_domain::decision::DecisionRightDraft;
use muster_domain::readiness::assessment::AssessmentDraft;
use muster_domain::readiness::attestation::AttestationDraft;
use muster_domain::readiness::{Checkpoint, CriterionDraft};
use muster_store::{Change, Store};

use crate::Scale;

/// (name, measure, weight, owner, description)
const CRITERIA: &[(&str, &str, i64, &str, &str)] = &[
    (
        "Training complete (lowest role)",
        "training_completion",
        20,
        "Training lead",
        "At least 90% of every job role at the site has completed its curricula.",
    ),
    (
        "Proficiency pass rate",
        "proficiency_pass_rate",
        15,
        "Training lead",
        "At least 85% of the people who completed training passed proficiency.",
    ),
    (
        "Champion coverage",
        "champion_coverage",
        10,
        "Champion program lead",
        "Every unit and shift has its champions.",
    ),
    (
        "No open critical tickets",
        "open_critical_tickets",
        15,
        "Command center lead",
        "No P1 or P2 ticket open at the site.",
    ),
    (
        "Plan milestones on track",
        "plan_milestones",
        10,
        "Program management office",
        "Every milestone of the wave and the site held to a date is reached or forecast on time.",
    ),
    (
        "Devices deployed",
        "attested",
        10,
        "Site IT lead",
        "Workstations, printers and scanners installed and tested in every unit.",
    ),
    (
        "Downtime procedures ready",
        "attested",
        10,
        "Site lead",
        "Downtime forms printed, BCA workstations tested, staff briefed.",
    ),
    (
        "Dress rehearsal done",
        "attested",
        10,
        "Site lead",
        "A full dress rehearsal of go-live day with every unit.",
    ),
    (
        "Interfaces tested",
        "attested",
        10,
        "Integration lead",
        "Lab, pharmacy, imaging and ADT interfaces passed end-to-end testing.",
    ),
];

fn to_anyhow(e: muster_domain::Invalid) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale, sites: &[i64]) -> anyhow::Result<()> {
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let exec = store
        .all_accounts(program)
        .await?
        .into_iter()
        .find(|(_, _, _, role)| *role == AccessRole::Executive)
        .map(|(id, ..)| id);
    let right = DecisionRightDraft {
        change_kind: Some("go_live".into()),
        decider: Some("Executive steering committee".into()),
        decider_account_id: exec.map(|id| id.to_string()),
        ..Default::default()
    };
    store
        .create_decision_right(&change, right.parse().map_err(to_anyhow)?)
        .await?;
    let mut attested = Vec::new();
    for (name, measure, weight, owner, description) in CRITERIA {
        let draft = CriterionDraft {
            name: Some((*name).into()),
            description: Some((*description).into()),
            measure: Some((*measure).into()),
            weight: Some(weight.to_string()),
            owner: Some((*owner).into()),
            ..Default::default()
        };
        let c = store
            .create_criterion(&change, draft.parse().map_err(to_anyhow)?)
            .await?;
        if *measure == "attested" {
            attested.push(c.id);
        }
    }
    let waves = store.list_waves(program, None, None, 500).await?.items;
    let Some(first) = waves.iter().min_by_key(|w| w.go_live) else {
        return Ok(());
    };
    let today = chrono::Utc::now().date_naive();
    let lagging = sites.get(1).copied();
    // (days before today, per criterion: flagship's status, lagging site's status)
    let history: &[(i64, [(&str, &str); 4])] = &[
        (
            40,
            [
                ("partly", "not_met"),
                ("partly", "not_met"),
                ("not_met", "not_met"),
                ("partly", "not_met"),
            ],
        ),
        (
            5,
            [
                ("met", "partly"),
                ("met", "not_met"),
                ("partly", "not_met"),
                ("met", "partly"),
            ],
        ),
    ];
    let attest =
        |criterion: i64, site: i64, status: &str, on: chrono::NaiveDate| AttestationDraft {
            criterion_id: Some(criterion.to_string()),
            site_id: Some(site.to_string()),
            status: Some(status.into()),
            evidence: Some(match status {
                "met" => "Checked on site walk-through; sign-off on file.".into(),
                "partly" => {
                    "Under way: about half done, finish planned before the next checkpoint.".into()
                }
                _ => "Not started: waiting on the vendor's schedule.".into(),
            }),
            evidence_url: Some("https://intranet.riverbend.example/go-live/evidence".into()),
            attested_on: Some(on.format("%Y-%m-%d").to_string()),
        };
    let checkpoints = [Checkpoint::T120, Checkpoint::T90];
    for (step, (days_ago, statuses)) in history.iter().enumerate() {
        let on = today - chrono::Days::new(*days_ago as u64);
        for (criterion, (flagship, lagging_status)) in attested.iter().zip(statuses) {
            for site in &first.site_ids {
                let status = if Some(*site) == lagging {
                    lagging_status
                } else {
                    flagship
                };
                let spec = attest(*criterion, *site, status, on)
                    .parse(today)
                    .map_err(to_anyhow)?;
                // The latest "met" ones carry their sign-off sheet as an evidence file.
                let files = if *status == "met" && step + 1 == history.len() {
                    vec![muster_store::NewAttachment {
                        file_name: format!("sign-off-{criterion}-{site}.csv"),
                        content_type: "text/csv".into(),
                        data: format!(
                            "criterion,site,status,signed_on\n{criterion},{site},met,{on}\n"
                        )
                        .into_bytes(),
                    }]
                } else {
                    Vec::new()
                };
                store.create_attestation(&change, spec, files).await?;
            }
        }
        // The small demo's past checkpoints, frozen as they then stood on attestations.
        if scale == Scale::Small && checkpoints[step].date(first.go_live) <= today {
            let spec = AssessmentDraft {
                wave_id: Some(first.id.to_string()),
                checkpoint: Some(checkpoints[step].code().into()),
            }
            .parse()
            .map_err(to_anyhow)?;
            store
                .record_readiness_assessment(&change, spec, checkpoints[step].date(first.go_live))
                .await?;
        }
    }
    Ok(())
}
