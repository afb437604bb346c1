//! The demo's alignment matrix: what the program's goals mean for its stakeholder groups,
//! gains and concessions with what each one is. Groups and goals are found by name, so the
//! large demo's per-site groups are left for their own councils to discuss.

use muster_domain::access::Actor;
use muster_domain::alignment::AlignmentCellDraft;
use muster_domain::audit::Via;
use muster_store::{Change, Store};

/// (group, goal, effect, note)
const CELLS: &[(&str, &str, &str, &str)] = &[
    (
        "Nursing",
        "Medication administration scanning rate",
        "concession",
        "Scan every dose, even in a rush; no overrides without a reason",
    ),
    (
        "Pharmacy",
        "Medication administration scanning rate",
        "gain",
        "Fewer dispensing errors reach the bedside",
    ),
    (
        "Patient and family advisory council",
        "Medication administration scanning rate",
        "gain",
        "The right medicine, checked at the bedside",
    ),
    (
        "Board quality committee",
        "Medication administration scanning rate",
        "gain",
        "A measured safety practice to report",
    ),
    (
        "Revenue cycle",
        "Days in accounts receivable",
        "gain",
        "Cleaner claims and faster cash",
    ),
    (
        "Hospitalist group",
        "Days in accounts receivable",
        "concession",
        "Sign notes and diagnoses the same day so coding is not held",
    ),
    (
        "Implementation consultants",
        "Days in accounts receivable",
        "neutral",
        "",
    ),
    (
        "Hospitalist group",
        "CPOE adoption",
        "concession",
        "Enter every order themselves; verbal orders for emergencies only",
    ),
    (
        "Emergency physicians",
        "CPOE adoption",
        "concession",
        "Give up the departmental system and order entry by scribes",
    ),
    (
        "Pharmacy",
        "CPOE adoption",
        "gain",
        "Legible, complete orders with allergies checked",
    ),
    (
        "Patient and family advisory council",
        "Patient portal activation",
        "gain",
        "Results, messages and appointments in one place",
    ),
    (
        "IT infrastructure",
        "Patient portal activation",
        "concession",
        "Run identity proofing and a help line for patients",
    ),
    (
        "Hospitalist group",
        "Duplicate lab orders",
        "gain",
        "See every result already drawn, across sites",
    ),
    ("Revenue cycle", "Duplicate lab orders", "neutral", ""),
    (
        "Hospitalist group",
        "Time to note sign",
        "concession",
        "Shared templates instead of personal ones",
    ),
    (
        "Emergency physicians",
        "Time to note sign",
        "concession",
        "Document in the chart during the shift",
    ),
    (
        "Nursing",
        "Discharge before noon",
        "concession",
        "Discharge teaching before the morning medication pass ends",
    ),
    (
        "Board quality committee",
        "Discharge before noon",
        "gain",
        "Beds free for the afternoon admissions",
    ),
    (
        "Nursing",
        "Clinician EHR satisfaction",
        "gain",
        "Flowsheets built with nurses, and champions on every shift",
    ),
    (
        "EHR vendor",
        "Clinician EHR satisfaction",
        "gain",
        "A reference site that clinicians vouch for",
    ),
];

pub async fn load(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    let change = Change::new(actor, Via::Cli);
    let matrix = store.alignment_matrix(actor.program_id).await?;
    let id_of = |list: &[muster_domain::alignment::Heading], name: &str| {
        list.iter().find(|h| h.name == name).map(|h| h.id)
    };
    for (group, goal, effect, note) in CELLS {
        let (Some(group), Some(goal)) = (id_of(&matrix.groups, group), id_of(&matrix.goals, goal))
        else {
            continue;
        };
        let draft = AlignmentCellDraft {
            effect: Some((*effect).into()),
            note: Some((*note).into()),
        };
        let spec = draft.parse().map_err(anyhow::Error::msg)?;
        store.set_alignment_cell(&change, group, goal, spec).await?;
    }
    Ok(())
}
