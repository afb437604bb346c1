//! The LMS completions import end to end on a fresh database of the backend
//! MUSTER_TEST_DATABASE names: exports as LMS systems write them (BOM, Latin-1, US and
//! European dates, Excel serial dates), duplicates, the upsert, the progress refresh, and
//! every kind of bad file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use muster_domain::access::{Actor, Scope};
use muster_domain::audit::Via;
use muster_domain::import::date::DateOrder;
use muster_domain::import::{FileFormat, ImportJob, ImportKind, ImportMode, ImportStatus};
use muster_domain::module::ModuleDraft;
use muster_domain::provisioning::Requirement;
use muster_domain::site::SiteDraft;
use muster_domain::text::Name;
use muster_domain::training::completion::{Completion, CompletionFilter, CompletionSource};
use muster_domain::training::course::CourseDraft;
use muster_domain::training::curriculum::CurriculumDraft;
use muster_import::{Progress, open, run};
use muster_store::import::{ImportOutcome, NewImport};
use muster_store::testing::TestDb;
use muster_store::{Change, Store};

struct Rig {
    store: Store,
    admin: Actor,
    dir: tempfile::TempDir,
    _db: TestDb,
}

const ROSTER: &str = "Employee ID,Name,Email,Role,Site\n\
E1,Ana Ruiz,ana@rb.example,nurse,RBH\n\
E2,Ben Ode,ben@rb.example,nurse,RBH\n\
E3,José Muñoz,jose@rb.example,nurse,RBH\n";

impl Rig {
    /// A program with one site, three nurses (imported from a roster), two courses and
    /// the nurses' curriculum of both.
    async fn new() -> Rig {
        let db = muster_store::testing::fresh().await;
        let store = db.store.clone();
        let program = store
            .create_program(Name::parse("Riverbend").unwrap())
            .await
            .unwrap();
        let admin = Actor::operator(program.id);
        let change = Change::new(&admin, Via::Cli);
        let site = SiteDraft {
            name: Some("Riverbend Hospital".into()),
            code: Some("RBH".into()),
            kind: Some("hospital".into()),
            ..Default::default()
        };
        store
            .create_site(&change, site.parse().unwrap())
            .await
            .unwrap();
        let module = ModuleDraft {
            code: Some("IP".into()),
            name: Some("Inpatient".into()),
            description: None,
        };
        let module = store
            .create_module(&change, module.parse().unwrap())
            .await
            .unwrap()
            .id;
        let mut courses = Vec::new();
        for (code, title) in [("EHR-101", "Orders basics"), ("EHR-102", "Charting")] {
            let draft = CourseDraft {
                code: Some(code.into()),
                title: Some(title.into()),
                kind: Some("e_learning".into()),
                hours: Some("2".into()),
                module_id: Some(module.to_string()),
                ..Default::default()
            };
            courses.push(
                store
                    .create_course(&change, draft.parse().unwrap())
                    .await
                    .unwrap()
                    .id,
            );
        }
        let curriculum = CurriculumDraft {
            name: Some("Nurse — Inpatient".into()),
            job_role: Some("nurse".into()),
            module_id: Some(module.to_string()),
            course_ids: Some(courses),
            expected_hours: None,
            pass_mark: Some("80".into()),
        };
        store
            .create_curriculum(&change, curriculum.parse().unwrap())
            .await
            .unwrap();
        let rig = Rig {
            store,
            admin,
            dir: tempfile::tempdir().unwrap(),
            _db: db,
        };
        let (job, _) = rig
            .import(
                ImportKind::People,
                "roster.csv",
                ROSTER.as_bytes(),
                ImportMode::AllOrNothing,
            )
            .await;
        assert_eq!(job.counts.imported, 3);
        rig
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    async fn import(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        mode: ImportMode,
    ) -> (ImportJob, ImportOutcome) {
        self.import_with(kind, name, bytes, mode, DateOrder::Either)
            .await
    }

    async fn import_with(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        mode: ImportMode,
        date_order: DateOrder,
    ) -> (ImportJob, ImportOutcome) {
        let path = self.file(name, bytes);
        let format = open(&path, name, kind, &Default::default())
            .await
            .map(|o| o.format)
            .unwrap_or(FileFormat::Csv);
        let new = NewImport {
            kind,
            file_name: name.into(),
            file_bytes: bytes.len() as u64,
            format,
            status: ImportStatus::Queued,
            mode,
            complete_roster: false,
            date_order,
            mapping: BTreeMap::new(),
            upload_path: Some(path.display().to_string()),
        };
        let change = Change::new(&self.admin, Via::Cli);
        let job = self.store.create_import(&change, new).await.unwrap();
        let rejects = self.dir.path().join(format!("{}.rejects.csv", job.id));
        let progress = Arc::new(Progress::default());
        let outcome = run(
            &self.store,
            &self.admin,
            Via::Cli,
            &job,
            &path,
            &rejects,
            progress,
        )
        .await;
        let job = self
            .store
            .import_job(self.admin.program_id, job.id)
            .await
            .unwrap();
        (job, outcome)
    }

    async fn completions(&self, mode: ImportMode, csv: &str) -> (ImportJob, ImportOutcome) {
        self.import(ImportKind::Completions, "lms.csv", csv.as_bytes(), mode)
            .await
    }

    async fn recorded(&self) -> Vec<Completion> {
        let mut items = self
            .store
            .list_completions(
                self.admin.program_id,
                &Scope::Everything,
                &CompletionFilter::default(),
                None,
                100,
            )
            .await
            .unwrap()
            .items;
        items.sort_by_key(|c| (c.person_name.clone(), c.course_title.clone()));
        items
    }

    /// (person, course, date) of every completion on record.
    async fn on_record(&self) -> Vec<(String, String, String)> {
        self.recorded()
            .await
            .into_iter()
            .map(|c| (c.person_name, c.course_title, c.completed_on.to_string()))
            .collect()
    }

    /// Curricula complete per person, from the progress rows.
    async fn complete(&self) -> i64 {
        let cells = self
            .store
            .completion_by_site_and_role(
                self.admin.program_id,
                &Scope::Everything,
                &Requirement::AllOfRole,
            )
            .await
            .unwrap();
        cells.iter().map(|c| c.complete).sum()
    }
}

fn row(person: &str, course: &str, day: &str) -> (String, String, String) {
    (person.into(), course.into(), day.into())
}

#[tokio::test]
async fn an_lms_export_with_a_bom_and_several_date_formats_imports_and_progress_follows() {
    let rig = Rig::new().await;
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(
        "User ID,Course Code,Completion Date,Score,Delivery,Region\n\
         E1,EHR-101,2026-03-01,88,e-learning,North\n\
         E1,ehr-102,03/15/2026,91%,,North\n\
         E2,Orders basics,14.03.2026,,Classroom,South\n"
            .as_bytes(),
    );
    let (job, outcome) = rig
        .import(
            ImportKind::Completions,
            "lms.csv",
            &bytes,
            ImportMode::AllOrNothing,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    let c = job.counts;
    assert_eq!(
        (c.imported, c.updated, c.unchanged, c.rows_total),
        (3, 0, 0, 3)
    );
    let message = job.message.unwrap();
    assert!(message.contains("byte-order mark"), "{message}");
    assert!(
        message.contains("progress rebuilt for 2 people"),
        "{message}"
    );
    let recorded = rig.recorded().await;
    assert_eq!((recorded[0].score, recorded[1].score), (Some(91), Some(88)));
    assert_eq!(recorded[0].source, CompletionSource::LmsImport);
    assert_eq!(recorded[2].source, CompletionSource::Session);
    assert_eq!(
        rig.on_record().await,
        vec![
            row("Ana Ruiz", "Charting", "2026-03-15"),
            row("Ana Ruiz", "Orders basics", "2026-03-01"),
            row("Ben Ode", "Orders basics", "2026-03-14"),
        ]
    );
    assert_eq!(rig.complete().await, 1, "Ana finished her curriculum");
}

#[tokio::test]
async fn a_later_completion_replaces_an_earlier_one_and_duplicate_rows_keep_the_latest() {
    let rig = Rig::new().await;
    let (job, _) = rig
        .completions(
            ImportMode::AllOrNothing,
            "Employee ID,Course,Completed\n\
             E1,EHR-101,2026-03-01\n\
             E1,EHR-101,2026-03-09\n\
             E1,EHR-101,2026-03-05\n",
        )
        .await;
    let c = job.counts;
    assert_eq!((c.imported, c.unchanged, c.rejected), (1, 2, 0), "{c:?}");
    assert_eq!(
        rig.on_record().await,
        vec![row("Ana Ruiz", "Orders basics", "2026-03-09")]
    );

    let (job, _) = rig
        .completions(
            ImportMode::AllOrNothing,
            "Employee ID,Course,Completed\n\
             E1,EHR-101,2026-03-20\n\
             E1,EHR-102,2026-03-21\n\
             E2,EHR-101,2026-03-02\n",
        )
        .await;
    let c = job.counts;
    assert_eq!((c.imported, c.updated, c.unchanged), (2, 1, 0), "{c:?}");
    let (job, _) = rig
        .completions(
            ImportMode::AllOrNothing,
            "Employee ID,Course,Completed\nE1,EHR-101,2026-03-04\nE2,EHR-101,2026-03-02\n",
        )
        .await;
    let c = job.counts;
    assert_eq!(
        (c.imported, c.updated, c.unchanged),
        (0, 0, 2),
        "an older completion and the same one again change nothing"
    );
    assert_eq!(
        rig.on_record().await,
        vec![
            row("Ana Ruiz", "Charting", "2026-03-21"),
            row("Ana Ruiz", "Orders basics", "2026-03-20"),
            row("Ben Ode", "Orders basics", "2026-03-02"),
        ]
    );
    assert_eq!(rig.complete().await, 1);
}

const BAD: &str = "Employee ID,Course,Completed,Score\n\
E1,EHR-101,2026-03-01,80\n\
E9,EHR-101,2026-03-01,80\n\
E2,NOPE,2026-03-01,\n\
E2,EHR-102,,\n\
E3,EHR-102,2030-01-01,\n\
E3,EHR-101,03/04/2026,101\n\
E3,EHR-102,2026-03-02,,surplus\n";

#[tokio::test]
async fn all_or_nothing_writes_nothing_and_names_every_bad_row_and_field() {
    let rig = Rig::new().await;
    let (job, outcome) = rig.completions(ImportMode::AllOrNothing, BAD).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.message
            .unwrap()
            .contains("Nothing was imported: 6 of 7 rows")
    );
    assert!(rig.recorded().await.is_empty());
    let errors: Vec<(u64, &str)> = job
        .row_errors
        .iter()
        .map(|e| (e.row, e.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (3, "employee_id"),
            (4, "course"),
            (5, "completed_on"),
            (6, "completed_on"),
            (7, "completed_on"),
            (7, "score"),
            (8, "row"),
        ]
    );
    let text = |row: u64| {
        job.row_errors
            .iter()
            .find(|e| e.row == row)
            .unwrap()
            .message
            .clone()
    };
    assert!(text(3).contains("no person with employee id 'E9'"));
    assert!(text(6).contains("in the future"));
    assert!(text(7).contains("day/month or month/day"));
    assert!(text(8).contains("the header names 4"));
    let rejects = std::fs::read_to_string(outcome.rejects_path.unwrap()).unwrap();
    assert_eq!(rejects.lines().count(), 7, "{rejects}");
    assert!(rejects.starts_with("Employee ID,Course,Completed,Score,reason\n"));
}

#[tokio::test]
async fn valid_rows_mode_imports_the_good_rows_and_a_us_file_reads_month_first() {
    let rig = Rig::new().await;
    let (job, outcome) = rig
        .import_with(
            ImportKind::Completions,
            "us.csv",
            BAD.as_bytes(),
            ImportMode::ValidRows,
            DateOrder::MonthFirst,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!((job.counts.imported, job.counts.rejected), (1, 6));
    let (job, _) = rig
        .import_with(
            ImportKind::Completions,
            "us.csv",
            b"Employee ID,Course,Completed\nE3,EHR-101,03/04/2026\n",
            ImportMode::AllOrNothing,
            DateOrder::MonthFirst,
        )
        .await;
    assert_eq!(job.counts.imported, 1);
    assert!(
        rig.on_record()
            .await
            .contains(&row("José Muñoz", "Orders basics", "2026-03-04"))
    );
}

#[tokio::test]
async fn latin1_semicolon_files_and_xlsx_with_excel_serial_dates_import() {
    let rig = Rig::new().await;
    let mut bytes = b"Employee ID;Course title;Date\nE3;Orders basics;01.03.2026\nE3;Charting;02.03.2026\nE1;Charting;ann".to_vec();
    bytes.push(0xE9); // é in Latin-1: a bad date, named in Windows-1252
    bytes.extend(b"e\n");
    let (job, _) = rig
        .import(
            ImportKind::Completions,
            "latin1.csv",
            &bytes,
            ImportMode::ValidRows,
        )
        .await;
    assert_eq!((job.counts.imported, job.counts.rejected), (2, 1));
    assert!(
        job.row_errors[0].message.contains("'anné"),
        "{:?}",
        job.row_errors
    );
    assert!(job.message.unwrap().contains("Windows-1252"));

    let path = rig.dir.path().join("lms.xlsx");
    let rows: Vec<Vec<String>> = [
        vec!["Learner ID", "Course Code", "Completion Date", "Score"],
        vec!["E2", "EHR-101", "46082", "75"],
        vec!["E2", "EHR-102", "2026-03-02", "80"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    muster_import::testing::write_xlsx(&path, &rows).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (job, outcome) = rig
        .import(
            ImportKind::Completions,
            "lms.xlsx",
            &bytes,
            ImportMode::AllOrNothing,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Done, "{outcome:?}");
    assert_eq!(job.format, FileFormat::Xlsx);
    assert!(
        rig.on_record()
            .await
            .contains(&row("Ben Ode", "Orders basics", "2026-03-01")),
        "46082 is 1 March 2026 in Excel's day count"
    );
    assert_eq!(rig.complete().await, 2);
}

#[tokio::test]
async fn files_that_cannot_be_read_fail_whole_and_write_nothing() {
    let rig = Rig::new().await;
    let missing = rig
        .completions(ImportMode::ValidRows, "Employee ID,Score\nE1,80\n")
        .await
        .0;
    assert_eq!(missing.status, ImportStatus::Failed);
    let message = missing.message.unwrap();
    assert!(
        message.contains("no column for Course")
            && message.contains("no column for Completion date"),
        "{message}"
    );
    let no_header = rig.completions(ImportMode::ValidRows, ",,\n").await.0;
    assert!(no_header.message.unwrap().contains("header row"));

    let quoted = "Employee ID,Course,Completed\nE1,EHR-101,2026-03-01\nE2,\"EHR-101,2026-03-01\nE3,EHR-101,2026-03-01\n";
    let (job, _) = rig.completions(ImportMode::AllOrNothing, quoted).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert_eq!(job.row_errors[0].row, 3, "{:?}", job.row_errors);
    let mut runaway = quoted.to_string();
    runaway.push_str(&"E3,EHR-101,2026-03-01\n".repeat(100_000));
    let (job, _) = rig.completions(ImportMode::ValidRows, &runaway).await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.message.as_deref().unwrap().contains("row 3 never ends"),
        "{:?}",
        job.message
    );

    let zip = rig.dir.path().join("not-a-workbook.zip");
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
        z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
    }
    let bytes = std::fs::read(&zip).unwrap();
    let (job, _) = rig
        .import(
            ImportKind::Completions,
            "lms.xlsx",
            &bytes,
            ImportMode::ValidRows,
        )
        .await;
    assert_eq!(job.status, ImportStatus::Failed);
    assert!(
        job.message.unwrap().contains("not an Excel workbook"),
        "a ZIP of something else"
    );
    assert!(rig.recorded().await.is_empty(), "nothing half-imported");
}
