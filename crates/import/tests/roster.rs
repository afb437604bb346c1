//! The roster import end to end on a fresh database of the backend MUSTER_TEST_DATABASE
//! names: files as HR systems write them, and every kind of bad input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use muster_domain::access::{AccessRole, Actor, Scope};
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::import::{ImportJob, ImportKind, ImportMode, ImportStatus};
use muster_domain::person::{Person, PersonDraft, PersonFilter};
use muster_domain::site::SiteDraft;
use muster_domain::text::Name;
use muster_domain::unit::UnitDraft;
use muster_import::Progress;
use muster_import::{open, run};
use muster_store::import::{ImportOutcome, NewImport};
use muster_store::testing::TestDb;
use muster_store::{Change, Store};

struct Rig {
    store: Store,
    admin: Actor,
    dir: tempfile::TempDir,
    site_b: i64,
    _db: TestDb,
}

impl Rig {
    async fn new() -> Rig {
        let db = muster_store::testing::fresh().await;
        let store = db.store.clone();
        let program = store
            .create_program(Name::parse("Riverbend").unwrap())
            .await
            .unwrap();
        let admin = Actor::operator(program.id);
        let change = Change::new(&admin, Via::Cli);
        let mut sites = Vec::new();
        for (code, name) in [("RBH", "Riverbend Hospital"), ("NCL", "North Clinic")] {
            let spec = SiteDraft {
                name: Some(name.into()),
                code: Some(code.into()),
                kind: Some("hospital".into()),
                ..Default::default()
            };
            sites.push(
                store
                    .create_site(&change, spec.parse().unwrap())
                    .await
                    .unwrap()
                    .id,
            );
        }
        for (site, name, code) in [
            (sites[0], "ICU", Some("ICU1")),
            (sites[1], "Front office", None),
        ] {
            let unit = UnitDraft {
                site_id: Some(site.to_string()),
                name: Some(name.into()),
                code: code.map(str::to_owned),
            };
            store
                .create_unit(&change, unit.parse().unwrap())
                .await
                .unwrap();
        }
        Rig {
            store,
            admin,
            dir: tempfile::tempdir().unwrap(),
            site_b: sites[1],
            _db: db,
        }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    async fn import(
        &self,
        name: &str,
        bytes: &[u8],
        mode: ImportMode,
        complete: bool,
    ) -> (ImportJob, ImportOutcome) {
        self.import_as(&self.admin.clone(), name, bytes, mode, complete)
            .await
    }

    async fn import_as(
        &self,
        actor: &Actor,
        name: &str,
        bytes: &[u8],
        mode: ImportMode,
        complete: bool,
    ) -> (ImportJob, ImportOutcome) {
        let path = self.file(name, bytes);
        let format = open(&path, name, ImportKind::People, &Default::default())
            .await
            .map(|o| o.format)
            .unwrap_or(muster_domain::import::FileFormat::Csv);
        let new = NewImport {
            kind: ImportKind::People,
            file_name: name.into(),
            file_bytes: bytes.len() as u64,
            format,
            status: ImportStatus::Queued,
            mode,
            complete_roster: complete,
            date_order: Default::default(),
            mapping: BTreeMap::new(),
            upload_path: Some(path.display().to_string()),
        };
        let change = Change::new(actor, Via::Cli);
        let job = self.store.create_import(&change, new).await.unwrap();
        let rejects = self.dir.path().join(format!("{}.rejects.csv", job.id));
        let outcome = run(
            &self.store,
            actor,
            Via::Cli,
            &job,
            &path,
            &rejects,
            Arc::new(Progress::default()),
        )
        .await;
        let job = self
            .store
            .import_job(self.admin.program_id, job.id)
            .await
            .unwrap();
        (job, outcome)
    }

    async fn people(&self) -> Vec<Person> {
        let page = self
            .store
            .list_people(
                self.admin.program_id,
                &Scope::Everything,
                &PersonFilter::default(),
                None,
                1000,
            )
            .await
            .unwrap();
        page.items
    }

    async fn by_employee_id(&self, id: &str) -> Person {
        self.people()
            .await
            .into_iter()
            .find(|p| p.employee_id.as_deref() == Some(id))
            .unwrap()
    }
}

fn rejects(outcome: &ImportOutcome) -> String {
    std::fs::read_to_string(outcome.rejects_path.as_ref().expect("a rejects file")).unwrap()
}

const GOOD: &str = "Employee ID,Full Name,Work Email,Job Title,Site,Unit,Shift,Notes\n\
E1,Ana Ruiz,ana@rb.example,nurse,RBH,ICU1,night,likes tea\n\
E2,Ben Ode,ben@rb.example,Physician,North Clinic,Front office,,\n\
E3,Cy Dee,cy@rb.example,pharmacist,rbh,,day,\n";

#[tokio::test]
async fn a_csv_with_a_byte_order_mark_imports_and_a_re_import_updates_instead_of_duplicating() {
    let rig = Rig::new().await;
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(GOOD.as_bytes());
    let (job, outcome) = rig
        .import("roster.csv", &bytes, ImportMode::AllOrNothing, false)
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!((job.counts.imported, job.counts.rows_total), (3, 3));
    assert!(job.message.unwrap().contains("byte-order mark"));
    let ana = rig.by_employee_id("E1").await;
    assert_eq!(
        (ana.name.as_str(), ana.shift.map(|s| s.code())),
        ("Ana Ruiz", Some("night"))
    );
    assert!(ana.unit_id.is_some());

    let changed = GOOD
        .replace("Ana Ruiz", "Ana Ruiz-Ode")
        .replace("E3,Cy Dee,cy@rb.example,pharmacist,rbh,,day,\n", "");
    let (job, _) = rig
        .import(
            "roster2.csv",
            changed.as_bytes(),
            ImportMode::AllOrNothing,
            true,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done);
    let c = job.counts;
    assert_eq!(
        (c.imported, c.updated, c.unchanged, c.deactivated),
        (0, 1, 1, 1),
        "{c:?}"
    );
    let people = rig.people().await;
    assert_eq!(people.len(), 3, "nobody is duplicated or deleted");
    assert_eq!(rig.by_employee_id("E1").await.name, "Ana Ruiz-Ode");
    assert!(
        !rig.by_employee_id("E3").await.active,
        "left the roster: inactive, not deleted"
    );
    assert_eq!(rig.by_employee_id("E1").await.id, ana.id);
    assert_eq!(
        muster_store::testing::people_without_training_status(&rig.store).await,
        0,
        "imported people have their training status row"
    );
}

/// A re-import with an audit entry per person: the unchanged get none, the changed one
/// its whole before image (the daily rate Muster holds, which no roster carries,
/// included), and the person a complete roster leaves out one marking them inactive.
#[tokio::test]
async fn a_re_import_audits_the_changed_with_their_before_image_and_retires_the_left_out() {
    // SAFETY: tests in this binary read this variable only when an import starts.
    unsafe { std::env::set_var("MUSTER_IMPORT_AUDIT", "person") };
    let rig = Rig::new().await;
    let (job, outcome) = rig
        .import(
            "roster.csv",
            GOOD.as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    let ana = rig.by_employee_id("E1").await;
    let rated = PersonDraft {
        daily_rate: Some("1800".into()),
        ..Default::default()
    }
    .over(PersonDraft::from(&ana))
    .parse()
    .unwrap();
    let change = Change::new(&rig.admin, Via::Cli);
    let ana = rig
        .store
        .update_person(&change, ana.id, rated)
        .await
        .unwrap();
    let (ben, cy) = (
        rig.by_employee_id("E2").await,
        rig.by_employee_id("E3").await,
    );
    let changed = GOOD
        .replace("Ana Ruiz", "Ana Ruiz-Ode")
        .replace("E3,Cy Dee,cy@rb.example,pharmacist,rbh,,day,\n", "");
    let (job, outcome) = rig
        .import(
            "again.csv",
            changed.as_bytes(),
            ImportMode::AllOrNothing,
            true,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    let c = job.counts;
    assert_eq!(
        (c.imported, c.updated, c.unchanged, c.deactivated),
        (0, 1, 1, 1),
        "{c:?}"
    );
    let audit = |id: i64| {
        let filter = AuditFilter {
            entity: Some("person".into()),
            entity_id: Some(id),
            ..Default::default()
        };
        let store = rig.store.clone();
        let program = rig.admin.program_id;
        async move {
            store
                .list_audit(program, &filter, None, 100)
                .await
                .unwrap()
                .items
        }
    };
    let json = |text: &Option<String>| -> serde_json::Value {
        serde_json::from_str(text.as_deref().expect("a before or after image")).unwrap()
    };
    // Ana: created, rated by hand, renamed by the import (newest first).
    let entries = audit(ana.id).await;
    assert_eq!(entries.len(), 3, "{entries:?}");
    let renamed = &entries[0];
    let (before, after) = (json(&renamed.before), json(&renamed.after));
    assert_eq!(before["name"], "Ana Ruiz", "{before}");
    assert_eq!(
        before["daily_rate"], 180_000,
        "the before image is whole: {before}"
    );
    assert_eq!(before["shift"], "night", "{before}");
    assert_eq!(after["name"], "Ana Ruiz-Ode", "{after}");
    assert_eq!(
        after["daily_rate"], 180_000,
        "the rate is not the roster's: {after}"
    );
    // Ben: created only; his unchanged row writes no entry.
    assert_eq!(audit(ben.id).await.len(), 1, "unchanged: no entry");
    // Cy: left out of the complete roster, marked inactive, before and after.
    let retired = audit(cy.id).await;
    assert_eq!(retired.len(), 2, "{retired:?}");
    let (before, after) = (json(&retired[0].before), json(&retired[0].after));
    assert_eq!(
        (before["active"].clone(), after["active"].clone()),
        (true.into(), false.into())
    );
    assert_eq!(before["email"], "cy@rb.example", "{before}");
    assert!(!rig.by_employee_id("E3").await.active);
}

/// Rows reach the database as one JSON text per batch: quotes, backslashes, non-ASCII,
/// leading zeros and blanks come out exactly as they went in.
#[tokio::test]
async fn awkward_values_are_stored_exactly_as_the_file_gives_them() {
    let rig = Rig::new().await;
    let csv = "Employee ID,Name,Email,Role,Site,Unit,Employer,Organization,Shift,Status\n\
        007,\"O'Brien, \"\"Pat\"\" \\ Jr\",pat@rb.example,nurse,RBH,ICU1,,,evening,Active\n\
        0012,Zoë 😀 Ñandú,zoe@rb.example,Physician,,,consultant,\"Acme \"\"X\"\"\",,Terminated\n";
    let (job, outcome) = rig
        .import(
            "awkward.csv",
            csv.as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    let pat = rig.by_employee_id("007").await;
    assert_eq!(pat.name, "O'Brien, \"Pat\" \\ Jr", "name of row 2");
    assert_eq!(
        pat.shift.map(|s| s.code()),
        Some("evening"),
        "shift of row 2"
    );
    assert!(
        pat.unit_id.is_some() && pat.site_id.is_some(),
        "place of row 2"
    );
    assert!(pat.active, "active of row 2");
    assert_eq!(pat.organization, None, "organization of row 2");
    let zoe = rig.by_employee_id("0012").await;
    assert_eq!(zoe.name, "Zoë 😀 Ñandú", "name of row 3");
    assert_eq!(zoe.email, "zoe@rb.example", "email of row 3");
    assert_eq!(zoe.job_role.code(), "physician", "job role of row 3");
    assert_eq!(zoe.employer_kind.code(), "consultant", "employer of row 3");
    assert_eq!(
        zoe.organization.as_deref(),
        Some("Acme \"X\""),
        "organization of row 3"
    );
    assert_eq!(
        (zoe.site_id, zoe.unit_id, zoe.shift),
        (None, None, None),
        "row 3"
    );
    assert!(!zoe.active, "a terminated row is inactive (row 3)");
}

#[tokio::test]
async fn latin1_files_are_read_as_windows_1252() {
    let rig = Rig::new().await;
    let mut bytes = b"Employee ID;Name;Email;Role\nE1;Jos".to_vec();
    bytes.push(0xE9); // é in Latin-1
    bytes.extend(b" Mu\xf1oz;jose@rb.example;nurse\n");
    let (job, outcome) = rig
        .import("latin1.csv", &bytes, ImportMode::AllOrNothing, false)
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!(rig.by_employee_id("E1").await.name, "José Muñoz");
    let message = job.message.unwrap();
    assert!(
        message.contains("Windows-1252") && message.contains("semicolons"),
        "{message}"
    );
}

const BAD: &str = "Employee ID,Name,Email,Role,Site,Unit,Termination date\n\
E1,Ana,ana@rb.example,nurse,RBH,ICU,\n\
E2,Ben,not-an-email,wizard,Nowhere,,\n\
E1,Ana again,ana2@rb.example,nurse,RBH,,\n\
E4,Dee,dee@rb.example,nurse,RBH,Kitchen,03/04/2027\n\
E5,Eve,eve@rb.example,nurse,NCL,,2020-01-31\n";

#[tokio::test]
async fn all_or_nothing_writes_nothing_and_names_every_bad_row_and_field() {
    let rig = Rig::new().await;
    let (job, outcome) = rig
        .import("bad.csv", BAD.as_bytes(), ImportMode::AllOrNothing, false)
        .await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert_eq!((job.counts.imported, job.counts.rejected), (0, 3));
    assert!(
        job.message
            .as_deref()
            .unwrap()
            .contains("Nothing was imported: 3 of 5 rows")
    );
    assert!(rig.people().await.is_empty());
    let errors: Vec<(u64, &str)> = job
        .row_errors
        .iter()
        .map(|e| (e.row, e.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, "site"),
            (3, "email"),
            (3, "job_role"),
            (4, "employee_id"),
            (5, "unit"),
            (5, "termination_date")
        ]
    );
    let file = rejects(&outcome);
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(
        lines[0],
        "Employee ID,Name,Email,Role,Site,Unit,Termination date,reason"
    );
    assert!(
        lines[2].starts_with("E1,Ana again,") && lines[2].contains("also on row 2"),
        "{file}"
    );
    assert!(job.has_rejects);
}

#[tokio::test]
async fn valid_rows_mode_imports_the_good_rows_and_returns_the_rest_with_reasons() {
    // Per-person audit entries too (other tests do not count audit entries).
    // SAFETY: tests in this binary read this variable only when an import starts.
    unsafe { std::env::set_var("MUSTER_IMPORT_AUDIT", "person") };
    let rig = Rig::new().await;
    let (job, outcome) = rig
        .import("bad.csv", BAD.as_bytes(), ImportMode::ValidRows, false)
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!((job.counts.imported, job.counts.rejected), (2, 3));
    assert!(!rig.by_employee_id("E5").await.active, "terminated in 2020");
    assert_eq!(rejects(&outcome).lines().count(), 4);
    let audit = rig
        .store
        .list_audit(rig.admin.program_id, &AuditFilter::default(), None, 100)
        .await
        .unwrap();
    let entities: Vec<&str> = audit.items.iter().map(|e| e.entity.as_str()).collect();
    assert_eq!(
        entities.iter().filter(|e| **e == "import").count(),
        1,
        "{entities:?}"
    );
    assert_eq!(
        entities.iter().filter(|e| **e == "person").count(),
        2,
        "{entities:?}"
    );
}

#[tokio::test]
async fn an_xlsx_workbook_imports_with_numeric_employee_ids() {
    let rig = Rig::new().await;
    let path = rig.dir.path().join("source.xlsx");
    let rows: Vec<Vec<String>> = [
        vec!["EmpID", "Name", "E-mail", "Position", "Facility"],
        vec!["1001", "Ana", "ana@rb.example", "nurse", "RBH"],
        vec!["1002", "Ben & Co", "ben@rb.example", "Physician", "NCL"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    muster_import::testing::write_xlsx(&path, &rows).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (job, outcome) = rig
        .import("roster.xlsx", &bytes, ImportMode::AllOrNothing, false)
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!(job.format, muster_domain::import::FileFormat::Xlsx);
    assert_eq!(rig.by_employee_id("1002").await.name, "Ben & Co");
}

#[tokio::test]
async fn files_that_are_not_what_they_claim_fail_whole_with_a_clear_message() {
    let rig = Rig::new().await;
    // A ZIP holding something else, named .xlsx.
    let path = rig.dir.path().join("photos.zip");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        zip.start_file("holiday.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"not a workbook").unwrap();
        zip.finish().unwrap();
    }
    let (job, _) = rig
        .import(
            "roster.xlsx",
            &std::fs::read(&path).unwrap(),
            ImportMode::ValidRows,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.message
            .as_deref()
            .unwrap()
            .contains("not an Excel workbook"),
        "{:?}",
        job.message
    );

    let (job, _) = rig
        .import("roster.xlsx", GOOD.as_bytes(), ImportMode::ValidRows, false)
        .await;
    assert!(
        job.message
            .as_deref()
            .unwrap()
            .contains("named .xlsx but is not"),
        "{:?}",
        job.message
    );

    let (job, _) = rig
        .import(
            "cols.csv",
            b"Name,Favourite colour\nAna,blue\n",
            ImportMode::ValidRows,
            false,
        )
        .await;
    let message = job.message.unwrap();
    assert!(
        message.contains("no column for Email") && message.contains("Favourite colour"),
        "{message}"
    );
    assert!(rig.people().await.is_empty());
}

#[tokio::test]
async fn an_unbalanced_quote_is_a_row_error_or_a_file_error_never_half_an_import() {
    let rig = Rig::new().await;
    let short = "Employee ID,Name,Email,Role\nE1,Ana,ana@rb.example,nurse\nE2,\"Ben,ben@rb.example,nurse\nE3,Cy,cy@rb.example,nurse\n";
    let (job, _) = rig
        .import(
            "quote.csv",
            short.as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert_eq!(job.row_errors[0].row, 3, "{:?}", job.row_errors);
    assert!(rig.people().await.is_empty());

    let mut long = String::from(
        "Employee ID,Name,Email,Role\nE1,Ana,ana@rb.example,nurse\nE2,\"Ben,ben@rb.example,nurse\n",
    );
    for n in 3..100_000 {
        long.push_str(&format!("E{n},P{n},p{n}@rb.example,nurse\n"));
    }
    let (job, _) = rig
        .import("runaway.csv", long.as_bytes(), ImportMode::ValidRows, false)
        .await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.message.as_deref().unwrap().contains("row 3 never ends"),
        "{:?}",
        job.message
    );
    assert!(
        rig.people().await.is_empty(),
        "nothing half-imported, even in valid-rows mode"
    );
}

#[tokio::test]
async fn a_person_entered_by_hand_is_matched_by_email_and_people_without_ids_are_kept() {
    let rig = Rig::new().await;
    let change = Change::new(&rig.admin, Via::Cli);
    for (name, email) in [
        ("Ana Hand", "ana@rb.example"),
        ("Vic Vendor", "vic@acme.example"),
    ] {
        let draft = PersonDraft {
            name: Some(name.into()),
            email: Some(email.into()),
            job_role: Some("nurse".into()),
            ..Default::default()
        };
        rig.store
            .create_person(&change, draft.parse().unwrap())
            .await
            .unwrap();
    }
    let (job, outcome) = rig
        .import(
            "roster.csv",
            GOOD.as_bytes(),
            ImportMode::AllOrNothing,
            true,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!(
        (
            job.counts.imported,
            job.counts.updated,
            job.counts.deactivated
        ),
        (2, 1, 0)
    );
    let people = rig.people().await;
    assert_eq!(people.len(), 4);
    assert!(people.iter().all(|p| p.active));
    assert_eq!(rig.by_employee_id("E1").await.name, "Ana Ruiz");
}

#[tokio::test]
async fn a_site_lead_imports_their_own_sites_people_only() {
    let rig = Rig::new().await;
    rig.import(
        "roster.csv",
        GOOD.as_bytes(),
        ImportMode::AllOrNothing,
        false,
    )
    .await;
    let lead = Actor {
        role: AccessRole::SiteLead,
        site_ids: vec![rig.site_b],
        account_id: Some(42),
        ..rig.admin.clone()
    };
    // Ben (E2) is at North Clinic, the lead's site; Ana and Cy are not the lead's to change.
    let file = "Employee ID,Name,Email,Role,Site\nE2,Ben Ode,ben@rb.example,nurse,NCL\nE1,Ana,ana@rb.example,nurse,NCL\n";
    let (job, _) = rig
        .import_as(
            &lead,
            "mine.csv",
            file.as_bytes(),
            ImportMode::ValidRows,
            true,
        )
        .await;
    assert_eq!(
        (
            job.counts.updated,
            job.counts.rejected,
            job.counts.deactivated
        ),
        (1, 1, 0),
        "{:?}",
        job
    );
    assert!(job.row_errors[0].message.contains("sites assigned to you"));
    assert!(
        rig.by_employee_id("E3").await.active,
        "another site's person stays active"
    );
}

/// A roster of `n` people over both sites (every third at North Clinic), with an ICU nurse
/// every fifth row; `last` is appended as the final row.
fn big_roster(n: usize, last: &str) -> String {
    let mut csv = String::from("Employee ID,Full Name,Work Email,Job Title,Site,Unit\n");
    for i in 0..n {
        let (site, unit, role) = match i {
            i if i % 3 == 0 => ("NCL", "Front office", "scheduler"),
            i if i % 5 == 0 => ("RBH", "ICU1", "nurse"),
            _ => ("RBH", "", "Physician"),
        };
        csv.push_str(&format!(
            "N{i:06},Person {:06},p{i}@rb.example,{role},{site},{unit}\n",
            n - i
        ));
    }
    csv.push_str(last);
    csv
}

async fn total(rig: &Rig, filter: PersonFilter) -> u64 {
    rig.store
        .list_people(rig.admin.program_id, &Scope::Everything, &filter, None, 5)
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn a_large_first_import_leaves_every_person_index_in_place_and_the_lists_right() {
    // 25,000 new people: enough to drop the secondary indexes during the import and
    // create them again before the commit.
    let rig = Rig::new().await;
    let indexes = muster_store::testing::index_names(&rig.store, "person").await;
    let postgres = rig.store.backend() == muster_store::Backend::Postgres;
    let oids_before = match postgres {
        true => muster_store::testing::postgres_index_oids(&rig.store, "person").await,
        false => Vec::new(),
    };
    let n = 25_000;
    let (job, outcome) = rig
        .import(
            "big.csv",
            big_roster(n, "").as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!(job.counts.imported, n as u64);
    assert_eq!(
        muster_store::testing::index_names(&rig.store, "person").await,
        indexes
    );

    let ncl = (0..n).filter(|i| i % 3 == 0).count() as u64;
    let icu_nurses = (0..n).filter(|i| i % 3 != 0 && i % 5 == 0).count() as u64;
    assert_eq!(total(&rig, PersonFilter::default()).await, n as u64);
    let at_ncl = PersonFilter {
        site_id: Some(rig.site_b),
        ..Default::default()
    };
    assert_eq!(total(&rig, at_ncl).await, ncl);
    let nurses = PersonFilter {
        job_role: Some(muster_domain::person::JobRole::parse("nurse").unwrap()),
        ..Default::default()
    };
    assert_eq!(total(&rig, nurses).await, icu_nurses);
    let icu = rig
        .store
        .person_by_email(rig.admin.program_id, "p5@rb.example")
        .await
        .unwrap()
        .unwrap()
        .unit_id;
    let in_icu = PersonFilter {
        unit_id: icu,
        ..Default::default()
    };
    assert_eq!(total(&rig, in_icu).await, icu_nurses);
    let first = rig
        .store
        .list_people(
            rig.admin.program_id,
            &Scope::Everything,
            &PersonFilter::default(),
            None,
            2,
        )
        .await
        .unwrap();
    let names: Vec<&str> = first.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Person 000001", "Person 000002"]);
    assert_eq!(
        muster_store::testing::people_without_training_status(&rig.store).await,
        0,
        "every batch's new people have their training status row"
    );
    if rig.store.backend() == muster_store::Backend::Sqlite {
        // The planner's statistics count the new people (the site-only list's plan
        // depends on them: migration 0028).
        let fresh_stats = "SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'person' \
             AND idx = 'ix_person_name' AND CAST(stat AS INTEGER) >= 25000";
        assert_eq!(
            muster_store::testing::count(&rig.store, fresh_stats).await,
            1
        );
    }
    if postgres {
        // The five plain indexes were created again (new oids); the unique and partial
        // ones stayed live (same oids); the planner's statistics count the new people.
        let after = muster_store::testing::postgres_index_oids(&rig.store, "person").await;
        let recreated: Vec<&str> = after
            .iter()
            .filter(|index| !oids_before.contains(index))
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            recreated,
            [
                "ix_person_name",
                "ix_person_role_name",
                "ix_person_site_name",
                "ix_person_site_role_name",
                "ix_person_unit_shift"
            ],
            "person indexes created again by the import"
        );
        let analysed = "SELECT CAST(reltuples AS BIGINT) AS n FROM pg_class \
             WHERE relname = 'person' AND relkind = 'r'";
        assert!(
            muster_store::testing::count(&rig.store, analysed).await >= 25_000,
            "pg_class.reltuples of person after the import's ANALYZE"
        );
    }

    // A re-import finds everyone through the rebuilt unique and secondary indexes.
    let (job, outcome) = rig
        .import(
            "again.csv",
            big_roster(n, "").as_bytes(),
            ImportMode::AllOrNothing,
            true,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!((job.counts.unchanged, job.counts.imported), (n as u64, 0));
}

#[tokio::test]
async fn an_all_or_nothing_failure_after_the_indexes_were_dropped_leaves_them_and_no_people() {
    let rig = Rig::new().await;
    let indexes = muster_store::testing::index_names(&rig.store, "person").await;
    let postgres = rig.store.backend() == muster_store::Backend::Postgres;
    let oids_before = match postgres {
        true => muster_store::testing::postgres_index_oids(&rig.store, "person").await,
        false => Vec::new(),
    };
    let bad_last_row = "N999999,Late Row,not-an-email,nurse,RBH,\n";
    let (job, outcome) = rig
        .import(
            "big.csv",
            big_roster(25_000, bad_last_row).as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Failed, "{outcome:?}");
    assert_eq!(job.counts.rejected, 1);
    assert_eq!(
        muster_store::testing::index_names(&rig.store, "person").await,
        indexes
    );
    assert_eq!(total(&rig, PersonFilter::default()).await, 0);
    if postgres {
        assert_eq!(
            muster_store::testing::postgres_index_oids(&rig.store, "person").await,
            oids_before,
            "person's indexes (name, oid) as before the refused import"
        );
    }
}

#[tokio::test]
async fn a_large_first_import_on_postgres_waits_only_briefly_for_readers_of_the_person_table() {
    let rig = Rig::new().await;
    if rig.store.backend() != muster_store::Backend::Postgres {
        return; // SQLite's import holds the write lock; readers keep their snapshot.
    }
    let oids_before = muster_store::testing::postgres_index_oids(&rig.store, "person").await;
    let reader = muster_store::testing::reader_of(&rig.store, "person").await;
    let started = std::time::Instant::now();
    let (job, outcome) = rig
        .import(
            "big.csv",
            big_roster(25_000, "").as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    let waited = started.elapsed();
    reader.rollback().await.unwrap();
    assert_eq!(job.status, ImportStatus::Failed, "{outcome:?}");
    let message = job.message.unwrap_or_default();
    assert!(
        message.starts_with("nothing was imported: person table: busy: "),
        "job message: {message}"
    );
    assert!(
        waited < std::time::Duration::from_secs(30),
        "the import gave up after {waited:?}"
    );
    assert_eq!(total(&rig, PersonFilter::default()).await, 0);
    assert_eq!(
        muster_store::testing::postgres_index_oids(&rig.store, "person").await,
        oids_before,
        "person's indexes (name, oid) as before the refused import"
    );

    // With the reader gone the same file imports.
    let (job, outcome) = rig
        .import(
            "big.csv",
            big_roster(25_000, "").as_bytes(),
            ImportMode::AllOrNothing,
            false,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!(job.counts.imported, 25_000);
}

#[allow(dead_code)]
fn _unused(_: &Path) {}
