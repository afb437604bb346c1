//! The demo's governance: the executive steering committee, the physician advisory council,
//! the change control board, the nursing practice council and a council per site, seated
//! from the roster (the demo executive chairs the steering committee, so her account
//! decides for it); the decision rights they hold; a decision log of real program questions
//! with options, rationale, patient impact and a few dissents; and change requests across
//! the waves, most rejected as vanilla first, some approved. The large demo scales the log
//! and the requests up to thousands.

use chrono::{Duration, NaiveDate};
use muster_domain::access::{Actor, Scope};
use muster_domain::audit::Via;
use muster_domain::decision::{ChangeRequestDraft, ChangeStatus, DecisionRightDraft};
use muster_domain::decision_log::DecisionEntryDraft;
use muster_domain::governance::{GovernanceBodyDraft, GovernanceMemberDraft};
use muster_domain::person::{JobRole, PersonDraft, PersonFilter};
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;
use crate::demo::DOMAIN;

fn to_anyhow(e: muster_domain::Invalid) -> anyhow::Error {
    anyhow::Error::msg(e)
}

/// (question, options, decision, rationale, patient impact, dissent, body key, right kind)
type Question = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

const QUESTIONS: &[Question] = &[
    (
        "Standardize on one barcode scanning workflow for all med-surg units?",
        &[
            "One workflow for every med-surg unit",
            "Let each unit keep its own variant",
        ],
        "One workflow for every med-surg unit",
        "Variation was the root cause of three scanning overrides reviews last year; one workflow trains once and audits once.",
        "Patients want the right medication every time: one scanning routine their nurses never have to think about.",
        None,
        "nursing",
        "workflow",
    ),
    (
        "Delay wave 2 go-live by 4 weeks?",
        &[
            "Hold the date",
            "Delay 4 weeks",
            "Go live without the pharmacy interfaces",
        ],
        "Delay 4 weeks",
        "Interface testing for dispensing cabinets is three weeks behind and the readiness scorecard is red on proficiency.",
        "Patients want a safe go-live more than an early one: no medication downtime at the bedside.",
        Some("The CFO dissented: a 4-week delay costs about $1.2M in dual-running."),
        "steering",
        "timeline",
    ),
    (
        "Allow a custom sepsis order set for the ED?",
        &[
            "Use the vendor's sepsis order set",
            "Build a custom ED order set",
        ],
        "Use the vendor's sepsis order set",
        "The standard set meets SEP-1 once the lactate repeat is turned on; a custom set would need its own upkeep.",
        "Septic patients want antibiotics within the hour; the standard set gets them there with fewer clicks.",
        Some("Two ED physicians dissented: they want the fluid bolus defaulted."),
        "pac",
        "order_set",
    ),
    (
        "Keep paper downtime forms at every nursing station?",
        &[
            "Paper forms at every station",
            "Read-only downtime workstations only",
        ],
        "Both: BCA workstations plus a paper pack per unit",
        "Read-only reports cover most downtime, but admissions during downtime still need paper.",
        "Patients want their care to go on without a pause when the system is down.",
        None,
        "nursing",
        "workflow",
    ),
    (
        "Bring revenue cycle into wave 1?",
        &["Keep revenue cycle in wave 2", "Move it into wave 1"],
        "Keep revenue cycle in wave 2",
        "Running two billing systems for one quarter is cheaper than risking claims at the pilot.",
        "Patients want one correct bill; splitting billing across waves keeps statements consistent.",
        None,
        "steering",
        "scope",
    ),
    (
        "Fund 40 additional super users for night shift?",
        &[
            "No additional funding",
            "Fund 40 night-shift super users",
            "Fund 20 and use remote support",
        ],
        "Fund 40 night-shift super users",
        "Night shift had half the champion coverage of days at the pilot and twice the tickets per user.",
        "Patients admitted at night want nurses who are not waiting on hold for help.",
        Some("Finance dissented in favour of 20 plus remote support."),
        "steering",
        "budget",
    ),
    (
        "Adopt the vendor's standard discharge summary template?",
        &["Vendor template", "Custom template per service line"],
        "Vendor template",
        "The standard template meets the continuity-of-care requirements; service-line variants can be smart phrases.",
        "Patients and their family doctors want a discharge summary that looks the same every time.",
        None,
        "pac",
        "documentation",
    ),
    (
        "Turn on the patient portal proxy access for teenagers at go-live?",
        &["At go-live", "Three months after go-live"],
        "Three months after go-live",
        "Confidential-note filtering needs a policy review first.",
        "Teenagers want their confidential visits kept confidential; parents want access to the rest.",
        Some("Pediatrics dissented: families expect it on day one."),
        "pac",
        "clinical_content",
    ),
    (
        "Retire the legacy lab interface engine at wave 1 go-live?",
        &["Retire at go-live", "Run in parallel for 60 days"],
        "Run in parallel for 60 days",
        "Result routing to two outside clinics is not yet tested on the new engine.",
        "Patients want their results to reach every doctor who ordered them.",
        None,
        "ccb",
        "interface",
    ),
    (
        "Standardize allergy documentation on the vendor's reaction list?",
        &["Vendor reaction list", "Keep free text allergies"],
        "Vendor reaction list",
        "Coded reactions drive the interaction checks; free text does not.",
        "Patients want to be asked once about allergies and have every system know.",
        None,
        "pac",
        "clinical_content",
    ),
    (
        "Move the go-live weekend from Saturday to Friday night?",
        &["Saturday 02:00", "Friday 22:00"],
        "Friday 22:00",
        "Lower census on Friday night and the full support team is on site for the weekend.",
        "Patients in the ED during cutover want the shortest possible downtime.",
        None,
        "steering",
        "timeline",
    ),
    (
        "Allow unit-specific MAR views?",
        &["One MAR view", "Unit-specific views"],
        "One MAR view",
        "Unit views drift within months and break the training materials.",
        "Patients want every nurse who cares for them to see the same medication record.",
        None,
        "nursing",
        "workflow",
    ),
    (
        "Add two application analysts to the pharmacy team?",
        &["No change", "Two contract analysts for 6 months"],
        "Two contract analysts for 6 months",
        "Pharmacy build is on the critical path for wave 2.",
        "Patients want their medication orders verified quickly after go-live.",
        None,
        "steering",
        "budget",
    ),
    (
        "Build a custom report for daily bed-board huddles?",
        &["Vendor capacity dashboard", "Custom report"],
        "Vendor capacity dashboard",
        "The standard dashboard answers the huddle's five questions once unit names are mapped.",
        "Patients waiting in the ED want a bed found quickly; the standard dashboard does that.",
        None,
        "ccb",
        "report",
    ),
    (
        "Require two-factor sign-in for remote access from day one?",
        &["At go-live", "After wave 2"],
        "At go-live",
        "Remote access to the new record is the largest new attack surface.",
        "Patients want their records safe from ransomware.",
        Some("Two clinic managers dissented over the enrolment workload."),
        "steering",
        "scope",
    ),
    (
        "Use the vendor's standard fall-risk assessment?",
        &["Vendor Morse scale", "Keep the local scale"],
        "Vendor Morse scale",
        "The vendor scale drives the alerts and the benchmark reports.",
        "Patients want to be kept from falling, and the evidence is behind the Morse scale.",
        None,
        "nursing",
        "clinical_content",
    ),
    (
        "Should clinics keep paper intake questionnaires?",
        &["Portal and tablet check-in", "Paper plus scanning"],
        "Portal and tablet check-in",
        "Scanning paper reintroduces transcription.",
        "Patients want to answer the questions once, before they arrive.",
        None,
        "ccb",
        "workflow",
    ),
    (
        "Open question: extend command center hours for wave 2 clinics?",
        &["Day hours only", "Extended hours to 21:00"],
        "",
        "",
        "Patients seen in evening clinics want help for their care team when it is needed.",
        None,
        "steering",
        "budget",
    ),
    (
        "Open question: allow custom order panels for oncology infusion?",
        &["Vendor infusion plans", "Custom panels"],
        "",
        "",
        "Infusion patients want their regimen given exactly as planned.",
        None,
        "pac",
        "order_set",
    ),
    (
        "Open question: pilot ambient voice documentation in two clinics?",
        &[
            "Not during the rollout",
            "Pilot in two clinics after wave 2",
        ],
        "",
        "",
        "Patients want their doctor looking at them, not the screen.",
        None,
        "steering",
        "scope",
    ),
];

/// (title, kind, module code, justification, outcome, note)
const REQUESTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Custom sepsis order set for the ED",
        "order_set",
        "ED",
        "The ED wants a fluid bolus defaulted on the order set.",
        "rejected",
        "Vanilla first: the standard set with the lactate repeat meets SEP-1.",
    ),
    (
        "Unit-specific MAR column layout",
        "workflow",
        "IP",
        "Night nurses on 4 West prefer the due-times column first.",
        "rejected",
        "Vanilla first: one MAR view for every unit.",
    ),
    (
        "Local allergy free-text field",
        "clinical_content",
        "IP",
        "Some reactions are not in the vendor list.",
        "rejected",
        "Use the vendor list's 'other' with a comment.",
    ),
    (
        "Custom bed-board huddle report",
        "report",
        "IP",
        "The huddle wants the list sorted by expected discharge.",
        "rejected",
        "The standard capacity dashboard sorts by expected discharge.",
    ),
    (
        "Oncology infusion order panels",
        "order_set",
        "AMB",
        "Infusion regimens need institution-specific premedications.",
        "approved",
        "Approved: the vendor plans cannot carry the local premedication protocol.",
    ),
    (
        "Interface to the outside reference lab",
        "interface",
        "LAB",
        "Two clinics send send-outs to a lab the vendor does not list.",
        "approved",
        "Approved: no standard interface exists for this lab.",
    ),
    (
        "Custom discharge summary for cardiology",
        "documentation",
        "IP",
        "Cardiology wants echo findings at the top.",
        "rejected",
        "Vanilla first: use a smart phrase in the standard template.",
    ),
    (
        "Add a 'chaplain requested' flag to the patient header",
        "workflow",
        "IP",
        "Spiritual care requests are missed at handover.",
        "approved",
        "Approved: small, no standard alternative, patient-facing benefit.",
    ),
    (
        "Custom fall-risk score",
        "clinical_content",
        "IP",
        "Our local scale is familiar to staff.",
        "rejected",
        "Vanilla first: the Morse scale drives the alerts.",
    ),
    (
        "Pharmacy verification queue by floor",
        "workflow",
        "RX",
        "Pharmacists split work by floor, not by priority.",
        "rejected",
        "The standard queue can be filtered by floor.",
    ),
    (
        "Security role for float-pool nurses",
        "security",
        "IP",
        "Float nurses need access to several units without a new account each shift.",
        "approved",
        "Approved: a template role, reviewed quarterly.",
    ),
    (
        "Custom registration screen for the urgent care clinics",
        "workflow",
        "SCH",
        "Urgent care skips insurance verification at arrival.",
        "rejected",
        "The standard urgent-care workflow defers verification already.",
    ),
    (
        "Radiology protocol report",
        "report",
        "RAD",
        "Radiologists want protocol compliance per modality.",
        "pending",
        "",
    ),
    (
        "Surgical case request form with local implant list",
        "order_set",
        "OR",
        "Implant vendors differ per site.",
        "approved",
        "Approved: the implant list is site data, not build.",
    ),
    (
        "Custom ED tracking board colours",
        "workflow",
        "ED",
        "Staff are used to the old colours.",
        "rejected",
        "Vanilla first: colours follow the standard legend used in training.",
    ),
    (
        "Local note template for wound care",
        "documentation",
        "IP",
        "Wound nurses document staging differently.",
        "rejected",
        "Use the standard wound LDA documentation.",
    ),
    (
        "Claims edit for a regional payer",
        "other",
        "REV",
        "A regional payer rejects claims without a local modifier.",
        "approved",
        "Approved: payer rule, no standard alternative.",
    ),
    (
        "Custom lab collection labels",
        "workflow",
        "LAB",
        "Outreach couriers want the route printed on the label.",
        "pending",
        "",
    ),
    (
        "Clinic-specific visit types",
        "workflow",
        "SCH",
        "Each clinic names its visits differently.",
        "rejected",
        "Vanilla first: the standard visit types with clinic departments.",
    ),
    (
        "Extra ADT field for language interpreter",
        "interface",
        "IP",
        "Interpreter services need the preferred language in real time.",
        "approved",
        "Approved: the standard ADT message carries it once mapped.",
    ),
    (
        "Custom antibiotic stewardship report",
        "report",
        "RX",
        "Stewardship wants days of therapy per unit.",
        "pending",
        "",
    ),
    (
        "Private-practice referral letter template",
        "documentation",
        "AMB",
        "Referring practices want a one-page letter.",
        "rejected",
        "The standard referral letter is one page when sections are collapsed.",
    ),
    (
        "Oncology chemo consent in the record",
        "clinical_content",
        "AMB",
        "Consent forms are site-specific.",
        "approved",
        "Approved: consent text is legal content.",
    ),
    (
        "Custom scheduling ticket for MRI safety screening",
        "workflow",
        "RAD",
        "MRI screening questions must be answered before booking.",
        "pending",
        "",
    ),
    (
        "Local sepsis alert thresholds",
        "clinical_content",
        "ED",
        "Our ED wants a lower lactate threshold.",
        "rejected",
        "Vanilla first: the standard thresholds match the evidence.",
    ),
];

struct Bodies {
    steering: i64,
    pac: i64,
    ccb: i64,
    nursing: i64,
}

impl Bodies {
    fn of(&self, key: &str) -> i64 {
        match key {
            "steering" => self.steering,
            "pac" => self.pac,
            "ccb" => self.ccb,
            _ => self.nursing,
        }
    }
}

pub async fn load(store: &Store, actor: &Actor, scale: Scale, sites: &[i64]) -> anyhow::Result<()> {
    let change = Change::new(actor, Via::Cli);
    let program = actor.program_id;
    let body = |name: &str, kind: &str, site: Option<i64>, charter: &str, cadence: &str| {
        GovernanceBodyDraft {
            name: Some(name.into()),
            kind: Some(kind.into()),
            site_id: site.map(|s| s.to_string()),
            charter: Some(charter.into()),
            cadence: Some(cadence.into()),
        }
        .parse()
        .map_err(to_anyhow)
    };
    let create = async |spec| -> anyhow::Result<i64> {
        Ok(store.create_governance_body(&change, spec).await?.id)
    };
    let bodies = Bodies {
        steering: create(body("Executive steering committee", "steering_committee", None, "Owns scope, timeline and budget; decides go/no-go with the readiness scorecard.", "Every second Tuesday, 07:00")?).await?,
        pac: create(body("Physician advisory council", "physician_advisory_council", None, "Clinical content, order sets and physician documentation; vanilla first.", "Weekly, Thursday 12:00")?).await?,
        ccb: create(body("Change control board", "change_control_board", None, "Workflow, reports, interfaces and every change to the standard build after design sign-off.", "Weekly, Monday 15:00")?).await?,
        nursing: create(body("Nursing practice council", "other", None, "Nursing workflows, documentation and clinical content for nursing.", "Monthly, first Wednesday")?).await?,
    };
    let all_sites = store.all_sites(program).await?;
    let mut councils = Vec::new();
    for site in all_sites.iter().filter(|s| sites.contains(&s.id)).take(40) {
        let name = format!("{} site council", site.name);
        councils.push(
            create(body(
                &name,
                "site_council",
                Some(site.id),
                "Local readiness, super users and go-live logistics at the site.",
                "Every other week during the rollout",
            )?)
            .await?,
        );
    }

    // Members from the roster; the demo executive chairs the steering committee.
    let exec_person = store
        .create_person(
            &change,
            PersonDraft {
                name: Some("Helen Carter".into()),
                email: Some(format!("exec@{DOMAIN}")),
                job_role: Some("manager".into()),
                ..Default::default()
            }
            .parse()
            .map_err(to_anyhow)?,
        )
        .await?
        .id;
    let seat = async |body: i64, person: i64, role: &str| -> anyhow::Result<()> {
        let spec = GovernanceMemberDraft {
            body_id: Some(body.to_string()),
            person_id: Some(person.to_string()),
            role: Some(role.into()),
        }
        .parse()
        .map_err(to_anyhow)?;
        store.create_governance_member(&change, spec).await?;
        Ok(())
    };
    seat(bodies.steering, exec_person, "chair").await?;
    let people_of = async |role: JobRole, site: Option<i64>, n: u64| -> anyhow::Result<Vec<i64>> {
        let filter = PersonFilter {
            job_role: Some(role),
            site_id: site,
            active: Some(true),
            ..Default::default()
        };
        Ok(store
            .list_people(program, &Scope::Everything, &filter, None, n)
            .await?
            .items
            .into_iter()
            .map(|p| p.id)
            .collect())
    };
    for (i, p) in people_of(JobRole::Manager, None, 6)
        .await?
        .into_iter()
        .enumerate()
    {
        seat(
            bodies.steering,
            p,
            if i == 0 { "secretary" } else { "member" },
        )
        .await?;
    }
    for (i, p) in people_of(JobRole::Physician, None, 8)
        .await?
        .into_iter()
        .enumerate()
    {
        seat(bodies.pac, p, if i == 0 { "chair" } else { "member" }).await?;
    }
    for (i, p) in people_of(JobRole::Analyst, None, 6)
        .await?
        .into_iter()
        .enumerate()
    {
        seat(bodies.ccb, p, if i == 0 { "chair" } else { "member" }).await?;
    }
    for (i, p) in people_of(JobRole::Nurse, None, 8)
        .await?
        .into_iter()
        .enumerate()
    {
        seat(bodies.nursing, p, if i == 0 { "chair" } else { "member" }).await?;
    }
    for (&council, site) in councils
        .iter()
        .zip(all_sites.iter().filter(|s| sites.contains(&s.id)))
    {
        let mut seated = people_of(JobRole::Manager, Some(site.id), 1).await?;
        seated.extend(people_of(JobRole::Nurse, Some(site.id), 2).await?);
        seated.extend(people_of(JobRole::Physician, Some(site.id), 1).await?);
        seated.dedup();
        for (i, p) in seated.into_iter().enumerate() {
            seat(council, p, if i == 0 { "chair" } else { "member" }).await?;
        }
    }

    // Rights: existing ones (from the command center's demo) are given to their bodies, the
    // program-level ones are added.
    let rights = store.decision_rights(program).await?;
    for right in &rights {
        let holder = match right.decider.as_str() {
            "Physician advisory council" => Some(bodies.pac),
            "Change control board" => Some(bodies.ccb),
            "Executive steering committee" => Some(bodies.steering),
            _ => None,
        };
        if let Some(holder) = holder {
            let mut draft = DecisionRightDraft::from(right);
            draft.body_id = Some(holder.to_string());
            store
                .update_decision_right(&change, right.id, draft.parse().map_err(to_anyhow)?)
                .await?;
        }
    }
    let held: Vec<_> = rights
        .iter()
        .map(|r| (r.module_id, r.change_kind.code()))
        .collect();
    for (kind, holder) in [
        ("scope", bodies.steering),
        ("timeline", bodies.steering),
        ("budget", bodies.steering),
        ("documentation", bodies.pac),
        ("report", bodies.ccb),
        ("interface", bodies.ccb),
        ("other", bodies.ccb),
        ("order_set", bodies.pac),
        ("clinical_content", bodies.pac),
        ("workflow", bodies.ccb),
    ] {
        if held.contains(&(None, kind)) {
            continue;
        }
        let draft = DecisionRightDraft {
            change_kind: Some(kind.into()),
            body_id: Some(holder.to_string()),
            ..Default::default()
        };
        store
            .create_decision_right(&change, draft.parse().map_err(to_anyhow)?)
            .await?;
    }
    // Nursing workflow and clinical content for inpatient belong to the nursing council.
    let modules = store.all_modules(program).await?;
    let module_id = |code: &str| modules.iter().find(|m| m.code == code).map(|m| m.id);
    for kind in ["workflow", "clinical_content"] {
        let draft = DecisionRightDraft {
            change_kind: Some(kind.into()),
            module_id: module_id("IP").map(|m| m.to_string()),
            body_id: Some(bodies.nursing.to_string()),
            ..Default::default()
        };
        store
            .create_decision_right(&change, draft.parse().map_err(to_anyhow)?)
            .await?;
    }
    let rights = store.decision_rights(program).await?;
    let right_of = |body: i64, kind: &str| {
        rights
            .iter()
            .find(|r| r.body_id == Some(body) && r.change_kind.code() == kind)
            .map(|r| r.id)
    };

    let waves = store.all_waves(program).await?;
    let tasks: Vec<i64> = store
        .plan_schedule(program, chrono::Utc::now().date_naive())
        .await?
        .tasks
        .iter()
        .filter(|t| t.wave_id.is_some())
        .map(|t| t.id)
        .take(200)
        .collect();
    let mut rng = SmallRng::seed_from_u64(6);
    let start: NaiveDate = waves
        .first()
        .map_or(chrono::Utc::now().date_naive(), |w| w.go_live)
        - Duration::days(240);

    let rounds = match scale {
        Scale::Small => 1,
        Scale::Large => 150,
    };
    for round in 0..rounds {
        for (i, (question, options, decision, rationale, impact, dissent, key, kind)) in
            QUESTIONS.iter().enumerate()
        {
            let body = bodies.of(key);
            let decided = !decision.is_empty();
            let wave = waves.get((i + round) % waves.len().max(1)).map(|w| w.id);
            let question = if round == 0 {
                (*question).to_owned()
            } else {
                format!("{question} (wave review {round})")
            };
            let draft = DecisionEntryDraft {
                question: Some(question),
                options: Some(options.join("\n")),
                decision: decided.then(|| (*decision).to_owned()),
                rationale: decided.then(|| (*rationale).to_owned()),
                patient_impact: Some((*impact).to_owned()),
                body_id: Some(body.to_string()),
                decision_right_id: if decided {
                    right_of(body, kind).map(|r| r.to_string())
                } else {
                    None
                },
                decided_on: decided.then(|| {
                    (start + Duration::days((i as i64) * 9 + (round as i64) % 200)).to_string()
                }),
                dissent: dissent.map(str::to_owned),
                wave_ids: wave.map(|w| vec![w]),
                module_ids: ["workflow", "order_set", "clinical_content", "documentation"]
                    .contains(kind)
                    .then(|| {
                        modules
                            .iter()
                            .skip(i % modules.len())
                            .take(1)
                            .map(|m| m.id)
                            .collect()
                    }),
                task_ids: (!tasks.is_empty() && i % 3 == 0)
                    .then(|| tasks[rng.gen_range(0..tasks.len())].to_string()),
                ..Default::default()
            };
            store
                .create_decision(&change, draft.parse().map_err(to_anyhow)?)
                .await?;
        }
    }

    let request_rounds = match scale {
        Scale::Small => 1,
        Scale::Large => 100,
    };
    for round in 0..request_rounds {
        for (i, (title, kind, module, why, outcome, note)) in REQUESTS.iter().enumerate() {
            let wave = waves.get((i + round) % waves.len().max(1)).map(|w| w.id);
            let draft = ChangeRequestDraft {
                module_id: module_id(module).map(|m| m.to_string()),
                change_kind: Some((*kind).into()),
                title: Some(if round == 0 {
                    (*title).to_owned()
                } else {
                    format!("{title} ({round})")
                }),
                justification: Some((*why).into()),
                wave_id: wave.map(|w| w.to_string()),
                body_id: None,
            };
            let request = store
                .create_change_request(&change, None, draft.parse().map_err(to_anyhow)?)
                .await?;
            let status = match *outcome {
                "approved" => ChangeStatus::Approved,
                "rejected" => ChangeStatus::Rejected,
                _ => continue,
            };
            // The first round's decisions enter the log too, with their patient impact.
            let impact = (round == 0).then(|| {
                if status == ChangeStatus::Approved {
                    "Patients want the build to fit a real need the standard cannot meet".to_owned()
                } else {
                    "Patients want the tested standard build, kept current with every upgrade"
                        .to_owned()
                }
            });
            store
                .decide_change_request(&change, request.id, status, (*note).into(), impact)
                .await?;
        }
    }
    Ok(())
}
