//! The demo program, "Riverbend Health": believable data so every page has something to
//! show, at two scales. Small: 6 sites, 3 waves, ~2,000 people. Large: a national program of
//! 200 sites, 10 waves and 400,000 people, for benchmarks. Deterministic: the same data on
//! every run. Later capabilities add their own data here.

use anyhow::Context;
use chrono::{Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use muster_domain::access::{AccessRole, Actor};
use muster_domain::account::Password;
use muster_domain::audit::Via;
use muster_domain::module::ModuleDraft;
use muster_domain::money::Cents;
use muster_domain::person::{EmployerKind, JobRole, PersonSpec, Shift};
use muster_domain::site::{Site, SiteDraft, SiteKind};
use muster_domain::text::{Email, Name};
use muster_domain::unit::UnitDraft;
use muster_domain::wave::WaveDraft;
use muster_store::account::NewAccount;
use muster_store::{Change, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::Scale;

pub const DEMO_PASSWORD: &str = "riverbend-demo";
pub(crate) const DOMAIN: &str = "riverbend.example";
pub(crate) const VENDOR_ORG: &str = "Northwind Health IT";
const CONSULTING_ORGS: &[&str] = &["Bluecrest Advisory", "Harborview Partners"];

/// (email local part, name, role): one account per access role.
const ACCOUNTS: &[(&str, &str, AccessRole)] = &[
    ("admin", "Alex Morgan", AccessRole::Admin),
    ("lead", "Priya Raman", AccessRole::ProgramLead),
    ("site.lead", "Marcus Bell", AccessRole::SiteLead),
    ("analyst", "Jordan Lee", AccessRole::Analyst),
    ("trainer", "Sofia Alvarez", AccessRole::Trainer),
    ("champion", "Grace Okafor", AccessRole::Champion),
    ("user", "Daniel Kim", AccessRole::EndUser),
    ("vendor", "Nora Fields", AccessRole::Vendor),
    ("exec", "Helen Carter", AccessRole::Executive),
];

const FIRST: &[&str] = &[
    "Aaliyah", "Aaron", "Abigail", "Adam", "Adriana", "Ahmed", "Aisha", "Alan", "Alicia", "Amir",
    "Ana", "Andre", "Angela", "Anil", "Ben", "Bianca", "Carlos", "Carmen", "Chen", "Chloe",
    "Chris", "Dana", "David", "Deepa", "Diego", "Elena", "Eli", "Emma", "Farah", "Felix", "Fatima",
    "Gabriel", "Hana", "Hector", "Ines", "Isaac", "Ivy", "Jamal", "Jana", "Javier", "Jin", "Julia",
    "Kai", "Kavya", "Keisha", "Kenji", "Laura", "Leo", "Lina", "Luis", "Maya", "Mei", "Miguel",
    "Mina", "Nadia", "Nathan", "Noah", "Olga", "Omar", "Paula", "Quinn", "Rafael", "Rosa", "Ruth",
    "Sam", "Sara", "Tariq", "Tessa", "Theo", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Banerjee",
    "Barnes",
    "Becker",
    "Bennett",
    "Brooks",
    "Castillo",
    "Chang",
    "Chowdhury",
    "Clarke",
    "Coleman",
    "Cruz",
    "Das",
    "Delgado",
    "Dubois",
    "Ellis",
    "Evans",
    "Fischer",
    "Flores",
    "Foster",
    "Garcia",
    "Gupta",
    "Hale",
    "Hansen",
    "Hayes",
    "Herrera",
    "Hughes",
    "Ibrahim",
    "Ito",
    "Jensen",
    "Johnson",
    "Kaur",
    "Keller",
    "Khan",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Mahmoud",
    "Marsh",
    "Mendes",
    "Miller",
    "Morales",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Ortiz",
    "Patel",
    "Perez",
    "Quinn",
    "Ramos",
    "Reyes",
    "Rossi",
    "Santos",
    "Schmidt",
    "Shah",
    "Silva",
    "Singh",
    "Sokolov",
    "Tanaka",
    "Torres",
    "Tran",
    "Varga",
    "Walsh",
    "Wang",
    "Weber",
    "Williams",
    "Wright",
    "Yamada",
    "Young",
    "Zhang",
];
const MODULES: &[(&str, &str)] = &[
    ("AMB", "Ambulatory"),
    ("IP", "Inpatient"),
    ("ED", "Emergency department"),
    ("RX", "Pharmacy"),
    ("LAB", "Laboratory"),
    ("RAD", "Radiology"),
    ("OR", "Surgery and anesthesia"),
    ("REV", "Revenue cycle"),
    ("SCH", "Scheduling and registration"),
    ("HIM", "Health information management"),
];
const HOSPITAL_UNITS: &[&str] = &[
    "Emergency Department",
    "Intensive Care",
    "Medical-Surgical 3 North",
    "Medical-Surgical 4 South",
    "Labor and Delivery",
    "Pediatrics",
    "Cardiology",
    "Oncology",
    "Operating Rooms",
    "Pharmacy",
    "Laboratory",
    "Radiology",
    "Registration",
    "Health Information",
    "Rehabilitation",
    "Behavioral Health",
    "Neonatal ICU",
    "Step-Down Unit",
    "Dialysis",
    "Endoscopy",
    "Cath Lab",
    "Post-Anesthesia Care",
    "Wound Care",
    "Nutrition Services",
    "Case Management",
    "Patient Access",
    "Infusion Center",
    "Sleep Lab",
    "Respiratory Therapy",
    "Telemetry",
];
const CLINIC_UNITS: &[&str] = &[
    "Primary Care",
    "Front Desk",
    "Nurse Triage",
    "Lab Draw",
    "Pediatrics",
    "Women's Health",
];
const AMBULATORY_UNITS: &[&str] = &[
    "Surgery Center",
    "Pre-Op",
    "Recovery",
    "Imaging",
    "Physical Therapy",
    "Registration",
    "Pharmacy",
    "Lab Draw",
];
/// Job roles with their share of the workforce, per mille.
const ROLE_MIX: &[(JobRole, u32)] = &[
    (JobRole::Nurse, 350),
    (JobRole::Physician, 100),
    (JobRole::App, 50),
    (JobRole::Pharmacist, 20),
    (JobRole::Therapist, 40),
    (JobRole::LabTech, 40),
    (JobRole::RadiologyTech, 30),
    (JobRole::FrontDesk, 120),
    (JobRole::Scheduler, 60),
    (JobRole::Coder, 40),
    (JobRole::Manager, 50),
    (JobRole::Analyst, 20),
    (JobRole::Trainer, 10),
    (JobRole::Other, 70),
];

struct Plan {
    hospitals: usize,
    clinics: usize,
    centers: usize,
    waves: usize,
    people: usize,
}

fn plan(scale: Scale) -> Plan {
    match scale {
        Scale::Small => Plan {
            hospitals: 3,
            clinics: 2,
            centers: 1,
            waves: 3,
            people: 2_000,
        },
        Scale::Large => Plan {
            hospitals: 40,
            clinics: 120,
            centers: 40,
            waves: 10,
            people: 400_000,
        },
    }
}

const SMALL_SITES: &[(&str, &str, SiteKind, &str)] = &[
    (
        "Riverbend Medical Center",
        "RMC",
        SiteKind::Hospital,
        "Central",
    ),
    (
        "Riverbend North Hospital",
        "RNH",
        SiteKind::Hospital,
        "North",
    ),
    (
        "Lakeside Community Hospital",
        "LCH",
        SiteKind::Hospital,
        "West",
    ),
    ("Oak Street Clinic", "OSC", SiteKind::Clinic, "Central"),
    ("Hillcrest Family Clinic", "HFC", SiteKind::Clinic, "North"),
    (
        "Riverbend Surgery Center",
        "RSC",
        SiteKind::AmbulatoryCenter,
        "Central",
    ),
];
const REGIONS: &[&str] = &[
    "North", "South", "East", "West", "Central", "Coastal", "Mountain", "Valley",
];

pub(crate) fn spinner(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:<10} [{bar:40}] {pos}/{len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// Loads the demo program into `store`, which must hold no program yet.
pub async fn load(store: &Store, scale: Scale) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let plan = plan(scale);
    let mut rng = SmallRng::seed_from_u64(2026);
    let program = store
        .create_program(Name::parse("Riverbend Health").expect("valid name"))
        .await?;
    let operator = Actor::operator(program.id);
    let change = Change::new(&operator, Via::Cli);

    let mut module_ids = std::collections::HashMap::new();
    for (code, name) in MODULES {
        let draft = ModuleDraft {
            code: Some((*code).into()),
            name: Some((*name).into()),
            description: None,
        };
        let module = store
            .create_module(&change, draft.parse().map_err(anyhow::Error::msg)?)
            .await?;
        module_ids.insert(*code, module.id);
    }

    let site_count = plan.hospitals + plan.clinics + plan.centers;
    let bar = spinner(site_count as u64, "sites");
    let mut sites: Vec<(Site, Vec<i64>)> = Vec::with_capacity(site_count);
    for i in 0..site_count {
        let (name, code, kind, region) =
            match SMALL_SITES.get(i).filter(|_| matches!(scale, Scale::Small)) {
                Some(&(n, c, k, r)) => (n.to_owned(), c.to_owned(), k, r.to_owned()),
                None => {
                    let kind = if i < plan.hospitals {
                        SiteKind::Hospital
                    } else if i < plan.hospitals + plan.clinics {
                        SiteKind::Clinic
                    } else {
                        SiteKind::AmbulatoryCenter
                    };
                    let town = format!(
                        "{} {}",
                        LAST[i % LAST.len()],
                        ["Valley", "Ridge", "Harbor", "Springs", "Park"][i / LAST.len() % 5]
                    );
                    let name = match kind {
                        SiteKind::Hospital => format!("{town} Hospital"),
                        SiteKind::Clinic => format!("{town} Clinic"),
                        SiteKind::AmbulatoryCenter => format!("{town} Ambulatory Center"),
                    };
                    (
                        name,
                        format!("S{:03}", i + 1),
                        kind,
                        REGIONS[i % REGIONS.len()].to_owned(),
                    )
                }
            };
        let (beds, users) = match kind {
            SiteKind::Hospital => (rng.gen_range(120..650), rng.gen_range(1_500..6_000)),
            SiteKind::Clinic => (0, rng.gen_range(40..300)),
            SiteKind::AmbulatoryCenter => (rng.gen_range(0..20), rng.gen_range(100..600)),
        };
        let draft = SiteDraft {
            name: Some(name),
            code: Some(code),
            kind: Some(kind.code().into()),
            region: Some(region),
            beds: Some(beds.to_string()),
            expected_users: Some(users.to_string()),
        };
        let site = store
            .create_site(&change, draft.parse().map_err(anyhow::Error::msg)?)
            .await?;
        let unit_names = match kind {
            SiteKind::Hospital => HOSPITAL_UNITS,
            SiteKind::Clinic => CLINIC_UNITS,
            SiteKind::AmbulatoryCenter => AMBULATORY_UNITS,
        };
        let unit_names = if matches!(scale, Scale::Small) && kind == SiteKind::Hospital {
            &unit_names[..12]
        } else {
            unit_names
        };
        let mut unit_ids = Vec::new();
        for (j, unit) in unit_names.iter().enumerate() {
            let draft = UnitDraft {
                site_id: Some(site.id.to_string()),
                name: Some((*unit).into()),
                code: Some(format!("{}-{:02}", site.code, j + 1)),
            };
            unit_ids.push(
                store
                    .create_unit(&change, draft.parse().map_err(anyhow::Error::msg)?)
                    .await?
                    .id,
            );
        }
        sites.push((site, unit_ids));
        bar.inc(1);
    }
    bar.finish();

    let today = Utc::now().date_naive();
    let per_wave = site_count.div_ceil(plan.waves);
    for w in 0..plan.waves {
        let go_live = today + Duration::days(60 + 90 * w as i64);
        let going: Vec<&Site> = sites
            .iter()
            .skip(w * per_wave)
            .take(per_wave)
            .map(|(s, _)| s)
            .collect();
        let scope = wave_scope(w, &going);
        let draft = WaveDraft {
            name: Some(format!("Wave {}", w + 1)),
            go_live: Some(go_live.format("%Y-%m-%d").to_string()),
            notes: Some(if w == 0 {
                "Flagship hospital and its nearest clinic go first; revenue cycle follows \
                 in wave 2 once the clinical go-live is stable."
                    .into()
            } else {
                String::new()
            }),
            site_ids: Some(going.iter().map(|s| s.id).collect()),
            module_ids: Some(scope.iter().map(|code| module_ids[code]).collect()),
            interfaces: Some(interfaces(&scope, going.len()).to_string()),
            approved_customizations: Some(customizations(w).to_string()),
        };
        store
            .create_wave(&change, draft.parse().map_err(anyhow::Error::msg)?)
            .await?;
    }

    // People go to sites in proportion to each site's expected EHR users.
    let weights: Vec<i64> = sites
        .iter()
        .map(|(s, _)| s.expected_users.unwrap_or(1).max(1))
        .collect();
    let total_weight: i64 = weights.iter().sum();
    let bar = spinner(plan.people as u64, "people");
    let mut batch = Vec::with_capacity(20_000);
    let mut n = 0usize;
    for (index, ((site, units), weight)) in sites.iter().zip(&weights).enumerate() {
        let share = if index + 1 == sites.len() {
            plan.people - n
        } else {
            (plan.people as i64 * weight / total_weight) as usize
        };
        for _ in 0..share {
            n += 1;
            batch.push(person(&mut rng, n, site.id, units));
            if batch.len() == 20_000 {
                bar.inc(batch.len() as u64);
                store
                    .insert_people_bulk(&change, std::mem::take(&mut batch))
                    .await?;
            }
        }
    }
    bar.inc(batch.len() as u64);
    store.insert_people_bulk(&change, batch).await?;
    bar.finish();
    store.analyze().await?;

    let flagship = sites
        .first()
        .map(|(s, _)| s.id)
        .context("the demo has sites")?;
    let hash = tokio::task::spawn_blocking(|| {
        Password::parse(DEMO_PASSWORD)
            .expect("demo password is long enough")
            .hash()
    })
    .await?;
    for (local, name, role) in ACCOUNTS {
        let site_ids = if matches!(role, AccessRole::SiteLead | AccessRole::Champion) {
            vec![flagship]
        } else {
            vec![]
        };
        let organization = (*role == AccessRole::Vendor).then(|| VENDOR_ORG.to_owned());
        let new = NewAccount {
            email: Email::parse(&format!("{local}@{DOMAIN}")).expect("valid demo email"),
            name: Name::parse(name).expect("valid demo name"),
            // One hash for all demo accounts: they share the published demo password.
            password_hash: hash.clone(),
            role: *role,
            site_ids,
            organization,
        };
        store.create_account(&change, new).await?;
    }
    let site_ids: Vec<i64> = sites.iter().map(|(s, _)| s.id).collect();
    crate::demo_tickets::load(store, &operator, scale, &site_ids).await?;
    crate::demo_training::load(store, &operator, scale, &site_ids).await?;
    crate::demo_plan::load(store, &operator, scale).await?;
    crate::demo_readiness::load(store, &operator, scale, &site_ids).await?;
    crate::demo_champions::load(store, &operator, scale, &site_ids).await?;
    crate::demo_lessons::load(store, &operator, scale).await?;
    crate::demo_governance::load(store, &operator, scale, &site_ids).await?;
    crate::demo_stakeholders::load(store, &operator, scale, &site_ids).await?;
    crate::demo_goals::load(store, &operator, scale).await?;
    crate::demo_alignment::load(store, &operator).await?;
    eprintln!(
        "Loaded the demo program with {} sites and {} people in {:.1?}.",
        site_count,
        plan.people,
        started.elapsed()
    );
    Ok(())
}

/// The modules each kind of site takes live, by code.
fn modules_of(kind: SiteKind) -> &'static [&'static str] {
    match kind {
        SiteKind::Hospital => &[
            "AMB", "IP", "ED", "RX", "LAB", "RAD", "OR", "REV", "SCH", "HIM",
        ],
        SiteKind::Clinic => &["AMB", "SCH", "REV", "LAB", "HIM"],
        SiteKind::AmbulatoryCenter => &["AMB", "OR", "RX", "SCH", "REV", "HIM"],
    }
}

/// A wave's scope: what its sites' kinds take live, in the order of `MODULES`; the first
/// wave holds revenue cycle back for the second.
fn wave_scope(w: usize, sites: &[&Site]) -> Vec<&'static str> {
    MODULES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| sites.iter().any(|s| modules_of(s.kind).contains(code)))
        .filter(|code| w > 0 || *code != "REV")
        .collect()
}

/// Interfaces going live: each module's usual feeds (lab instruments, PACS, pharmacy
/// dispensing, claims...) once per wave, and an ADT feed per site.
fn interfaces(scope: &[&str], sites: usize) -> usize {
    let per_module = |code: &str| match code {
        "LAB" => 8,
        "IP" | "REV" => 6,
        "RX" | "RAD" => 5,
        "ED" | "OR" | "AMB" => 3,
        _ => 2,
    };
    scope.iter().map(|c| per_module(c)).sum::<usize>() + sites
}

/// Approved customizations: the pilot wave needs the most; later waves reuse its build.
fn customizations(w: usize) -> usize {
    match w {
        0 => 18,
        1 => 11,
        _ => 4 + w % 3,
    }
}

fn person(rng: &mut SmallRng, n: usize, site_id: i64, units: &[i64]) -> PersonSpec {
    let first = FIRST[rng.gen_range(0..FIRST.len())];
    let last = LAST[rng.gen_range(0..LAST.len())];
    let mut pick = rng.gen_range(0..1000);
    let job_role = ROLE_MIX
        .iter()
        .find(|(_, share)| {
            if pick < *share {
                true
            } else {
                pick -= share;
                false
            }
        })
        .map_or(JobRole::Other, |(r, _)| *r);
    let (employer_kind, organization) = match rng.gen_range(0..100) {
        0..=1 => (EmployerKind::Vendor, Some(VENDOR_ORG.to_owned())),
        2..=7 => (
            EmployerKind::Consultant,
            Some(CONSULTING_ORGS[n % CONSULTING_ORGS.len()].to_owned()),
        ),
        _ => (EmployerKind::Staff, None),
    };
    PersonSpec {
        name: Name::parse(&format!("{first} {last}")).expect("valid name"),
        email: Email::parse(&format!(
            "{}.{}.{n}@{DOMAIN}",
            first.to_lowercase(),
            last.to_lowercase()
        ))
        .expect("valid email"),
        employee_id: (employer_kind == EmployerKind::Staff).then(|| format!("E{n:07}")),
        job_role,
        site_id: Some(site_id),
        unit_id: units.get(rng.gen_range(0..units.len().max(1))).copied(),
        employer_kind,
        organization,
        // Half of the day shift, a quarter each evening and night, as hospitals staff.
        shift: Some([Shift::Day, Shift::Day, Shift::Evening, Shift::Night][n % 4]),
        active: rng.gen_range(0..100) >= 3,
        // Consultants and vendor staff bill by the day: $1,200 to $2,400.
        daily_rate: (employer_kind != EmployerKind::Staff)
            .then(|| Cents(120_000 + (n % 13) as i64 * 10_000)),
    }
}

pub fn print_logins() {
    println!("Demo sign-ins (password for all: {DEMO_PASSWORD}):");
    for (local, _, role) in ACCOUNTS {
        println!("  {:<14} {local}@{DOMAIN}", role.code());
    }
}
