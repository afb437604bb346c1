//! Plan imports end to end on a fresh database of the backend MUSTER_TEST_DATABASE names:
//! Microsoft Project files and task lists into an empty plan and beside one, every problem
//! of a bad file named and nothing written, and an export that imports again.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use muster_domain::access::Actor;
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::module::ModuleDraft;
use muster_domain::person::PersonDraft;
use muster_domain::plan::exchange::PlanImported;
use muster_domain::plan::holiday::HolidayDraft;
use muster_domain::site::SiteDraft;
use muster_domain::text::Name;
use muster_domain::wave::WaveDraft;
use muster_import::export::ExportFormat;
use muster_import::plan::export::write_file;
use muster_import::plan::{PlanImport, PlanImportError, import_plan};
use muster_store::testing::TestDb;
use muster_store::{Change, Store};

struct Rig {
    store: Store,
    dir: tempfile::TempDir,
    _db: TestDb,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plan")
        .join(name)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

impl Rig {
    async fn new() -> Rig {
        let db = muster_store::testing::fresh().await;
        Rig {
            store: db.store.clone(),
            dir: tempfile::tempdir().unwrap(),
            _db: db,
        }
    }

    /// A program with what a task list may name: site RBH, module AMB, "Wave 1" and an
    /// owner, ana.plan@test.example.
    async fn program(&self, name: &str) -> Actor {
        let program = self
            .store
            .create_program(Name::parse(name).unwrap())
            .await
            .unwrap();
        let actor = Actor::operator(program.id);
        let change = Change::new(&actor, Via::Cli);
        let site = SiteDraft {
            name: Some("Riverbend Hospital".into()),
            code: Some("RBH".into()),
            kind: Some("hospital".into()),
            ..Default::default()
        };
        let site = self
            .store
            .create_site(&change, site.parse().unwrap())
            .await
            .unwrap();
        let module = ModuleDraft {
            code: Some("AMB".into()),
            name: Some("Ambulatory".into()),
            description: None,
        };
        self.store
            .create_module(&change, module.parse().unwrap())
            .await
            .unwrap();
        let wave = WaveDraft {
            name: Some("Wave 1".into()),
            go_live: Some("2027-06-07".into()),
            notes: None,
            site_ids: Some(vec![site.id]),
            ..WaveDraft::default()
        };
        self.store
            .create_wave(&change, wave.parse().unwrap())
            .await
            .unwrap();
        let person = PersonDraft {
            name: Some("Ana Plan".into()),
            email: Some("ana.plan@test.example".into()),
            job_role: Some("analyst".into()),
            site_id: Some(site.id.to_string()),
            employer_kind: Some("staff".into()),
            ..Default::default()
        };
        self.store
            .create_person(&change, person.parse().unwrap())
            .await
            .unwrap();
        actor
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    async fn import(
        &self,
        actor: &Actor,
        path: &Path,
        start: Option<&str>,
    ) -> Result<PlanImported, PlanImportError> {
        let request = PlanImport {
            path: path.to_owned(),
            file_name: path.file_name().unwrap().to_string_lossy().into_owned(),
            project_start: start.map(day),
        };
        import_plan(&self.store, actor, Via::Cli, request).await
    }

    /// Every problem of a refused import, as it would be shown.
    async fn refused(&self, actor: &Actor, path: &Path) -> Vec<String> {
        match self.import(actor, path, None).await {
            Err(PlanImportError::Refused(r)) => r.problems.iter().map(|p| p.to_string()).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    /// The plan's tasks and links, and the audit entries of plan imports.
    async fn counts(&self, actor: &Actor) -> (usize, usize, usize) {
        let pid = actor.program_id;
        let audit = self
            .store
            .list_audit(pid, &AuditFilter::default(), None, 500)
            .await
            .unwrap();
        (
            self.store.all_plan_tasks(pid).await.unwrap().len(),
            self.store.all_plan_dependencies(pid).await.unwrap().len(),
            audit
                .items
                .iter()
                .filter(|e| e.entity == "plan_import")
                .count(),
        )
    }
}

#[tokio::test]
async fn a_microsoft_project_file_becomes_the_plan_with_its_calendar_and_one_audit_entry() {
    let rig = Rig::new().await;
    let lead = rig.program("Riverbend").await;
    let done = rig
        .import(&lead, &fixture("ms_project.xml"), None)
        .await
        .unwrap();
    assert_eq!((done.tasks, done.dependencies, done.holidays), (6, 4, 1));
    assert!(done.calendar_applied && done.branch.is_none());
    assert!(done.summary().contains("as the plan"), "{}", done.summary());
    let pid = lead.program_id;
    let settings = rig.store.plan_settings(pid).await.unwrap();
    assert_eq!(settings.project_start, day("2027-03-01"));
    assert_eq!(settings.weekdays_code(), "mon,tue,wed,thu,fri");
    let holidays = rig.store.all_holidays(pid).await.unwrap();
    assert_eq!(
        holidays
            .iter()
            .map(|h| (h.day, h.name.as_str()))
            .collect::<Vec<_>>(),
        [(day("2027-03-05"), "Founders' day")]
    );
    assert_eq!(rig.counts(&lead).await, (6, 4, 1));
    let audit = rig
        .store
        .list_audit(pid, &AuditFilter::default(), None, 50)
        .await
        .unwrap();
    let entry = audit
        .items
        .iter()
        .find(|e| e.entity == "plan_import")
        .unwrap();
    let after = entry.after.as_ref().unwrap().to_string();
    assert!(
        after.contains("ms_project.xml") && after.contains("mspdi"),
        "{after}"
    );
    // The schedule follows the file: Workflow design (3 days, half done, started on the
    // first day) then Build (5 days) over the Friday holiday; the integrated test starts two
    // working days after Build starts (the 9th, later than its constraint, the 8th).
    let plan = rig
        .store
        .plan_schedule(pid, day("2027-03-01"))
        .await
        .unwrap();
    assert_eq!(plan.error, None);
    let by_name = |n: &str| {
        let i = plan.tasks.iter().position(|t| t.name == n).unwrap();
        &plan.dates[i]
    };
    assert_eq!(by_name("Build").early_start, day("2027-03-04"));
    assert_eq!(
        by_name("Build").early_finish,
        day("2027-03-11"),
        "the 5th is off"
    );
    assert_eq!(by_name("Integrated test").early_start, day("2027-03-09"));
    assert_eq!(by_name("Go-live").early_start, day("2027-03-11"));
}

#[tokio::test]
async fn a_second_file_goes_under_a_task_named_after_it_and_keeps_the_plans_calendar() {
    let rig = Rig::new().await;
    let lead = rig.program("Riverbend").await;
    rig.import(&lead, &fixture("ms_project.xml"), None)
        .await
        .unwrap();
    let done = rig
        .import(&lead, &fixture("projectlibre.xml"), None)
        .await
        .unwrap();
    assert_eq!(done.branch.as_deref(), Some("projectlibre.xml"));
    assert!(!done.calendar_applied);
    assert_eq!((done.tasks, done.dependencies, done.holidays), (3, 2, 0));
    let pid = lead.program_id;
    assert_eq!(
        rig.store.plan_settings(pid).await.unwrap().project_start,
        day("2027-03-01"),
        "ProjectLibre's 5 April start is not the plan's"
    );
    assert_eq!(rig.store.all_holidays(pid).await.unwrap().len(), 1);
    let tasks = rig.store.all_plan_tasks(pid).await.unwrap();
    let branch = tasks.iter().find(|t| t.name == "projectlibre.xml").unwrap();
    assert_eq!(branch.parent_id, None);
    let under: Vec<&str> = tasks
        .iter()
        .filter(|t| t.parent_id == Some(branch.id))
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(under, ["Analyzer interfaces", "Validation", "Lab go-live"]);
    let plan = rig
        .store
        .plan_schedule(pid, day("2027-03-01"))
        .await
        .unwrap();
    let top: Vec<&str> = plan
        .outline
        .order
        .iter()
        .filter(|&&i| plan.outline.depth[i] == 0)
        .map(|&i| plan.tasks[i].name.as_str())
        .collect();
    assert_eq!(
        top,
        ["Design & build", "Testing", "Go-live", "projectlibre.xml"],
        "the new branch comes last"
    );
}

const TASK_LIST: &str = "\
Task ID,Task Name,Duration,Outline Level,Predecessors,Owner,Site,Wave,Module,% Complete,Constraint,Constraint Date,Notes
10,Ambulatory build,,1,,,,,,,,,
11,Order sets,5 days,2,,ana.plan@test.example,RBH,Wave 1,AMB,40%,,,Top 50 first
12,Clinic content,2w,2,11FS+1d,,rbh,wave 1,amb,,Start No Earlier Than,2027-03-15,
13,Build sign-off,0,1,12;11SS,,,,,,As Soon As Possible,,
";

#[tokio::test]
async fn a_task_list_reads_outline_levels_links_and_names() {
    let rig = Rig::new().await;
    let lead = rig.program("Riverbend").await;
    let path = rig.file("build.csv", TASK_LIST);
    let done = rig.import(&lead, &path, Some("2027-03-01")).await.unwrap();
    assert_eq!((done.tasks, done.dependencies), (4, 3));
    assert!(
        done.calendar_applied,
        "the project start given becomes the plan's"
    );
    let pid = lead.program_id;
    let tasks = rig.store.all_plan_tasks(pid).await.unwrap();
    let t = |n: &str| tasks.iter().find(|t| t.name == n).unwrap();
    assert_eq!(t("Order sets").parent_id, Some(t("Ambulatory build").id));
    assert_eq!(t("Build sign-off").parent_id, None);
    assert!(t("Build sign-off").milestone);
    assert_eq!(t("Clinic content").duration, 10);
    assert_eq!(t("Order sets").percent_complete, 40);
    assert_eq!(t("Order sets").notes.as_deref(), Some("Top 50 first"));
    let (site, wave, module, owner) = (
        t("Clinic content").site_id,
        t("Clinic content").wave_id,
        t("Clinic content").module_id,
        t("Order sets").owner_person_id,
    );
    assert!(site.is_some() && wave.is_some() && module.is_some() && owner.is_some());
    assert_eq!(
        t("Order sets").site_id,
        site,
        "codes match whatever their case"
    );
    let links = rig.store.all_plan_dependencies(pid).await.unwrap();
    let kinds: Vec<(i64, i64, &str, i64)> = links
        .iter()
        .map(|d| (d.predecessor_id, d.successor_id, d.kind.code(), d.lag))
        .collect();
    let id = |n: &str| t(n).id;
    assert_eq!(
        kinds,
        [
            (id("Order sets"), id("Clinic content"), "fs", 1),
            (id("Clinic content"), id("Build sign-off"), "fs", 0),
            (id("Order sets"), id("Build sign-off"), "ss", 0),
        ]
    );
}

#[tokio::test]
async fn a_task_list_with_problems_names_each_by_row_and_column_and_writes_nothing() {
    let rig = Rig::new().await;
    let lead = rig.program("Riverbend").await;
    rig.import(&lead, &fixture("ms_project.xml"), None)
        .await
        .unwrap();
    let before = rig.counts(&lead).await;
    let path = rig.file(
        "bad.csv",
        "id,name,duration,parent,predecessors,site code,owner email,actual start\n\
         1,Good,3,,,RBH,,\n\
         2,Negative,-2,,1,,,\n\
         3,Loop A,1,,4,,,\n\
         4,Loop B,1,,3,,,\n\
         5,Dangling,1,,99FS+2d,,,\n\
         6,Unknown site,1,,,XYZ,nobody@test.example,\n\
         7,Orphan,1,42,,,,\n\
         8,Too early,1,,,,,2026-12-01\n",
    );
    let problems = rig.refused(&lead, &path).await;
    assert_eq!(
        problems,
        [
            "row 3, duration: cannot be negative",
            "row 7, owner email: there is no person with the email 'nobody@test.example' in Muster",
            "row 7, site code: there is no site with the code 'XYZ' in Muster",
            "row 8, parent: '42' names no task in the file",
            "row 6, predecessors: 99 names no task",
            "row 9, actual start: 2026-12-01 is before the project start, 2027-03-01: outside the calendar",
        ]
    );
    assert_eq!(
        rig.counts(&lead).await,
        before,
        "nothing written, not even in part"
    );

    // With those fixed, the loop is what is left, named by its rows.
    let path = rig.file(
        "loop.csv",
        "id,name,duration,predecessors\n3,Loop A,1,4\n4,Loop B,1,3\n",
    );
    let problems = rig.refused(&lead, &path).await;
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("the file, predecessors: the links form a loop")
            && problems[0].contains("row 2 'Loop A'")
            && problems[0].contains("row 3 'Loop B'"),
        "{problems:?}"
    );
    assert_eq!(rig.counts(&lead).await, before);
}

#[tokio::test]
async fn a_workbook_without_the_required_columns_names_them() {
    let rig = Rig::new().await;
    let lead = rig.program("Riverbend").await;
    let path = rig.dir.path().join("tasks.xlsx");
    let rows: Vec<Vec<String>> = vec![
        vec!["Task".into(), "Owner".into()],
        vec!["Design".into(), "ana.plan@test.example".into()],
    ];
    muster_import::testing::write_xlsx(&path, rows).unwrap();
    let problems = rig.refused(&lead, &path).await;
    assert_eq!(
        problems,
        [
            "the file, Id: the file has no such column, and every task needs one (name a column 'id'); its columns are: Task, Owner",
            "the file, Duration: the file has no such column, and every task needs one (name a column 'duration'); its columns are: Task, Owner",
        ]
    );
    assert_eq!(rig.counts(&lead).await, (0, 0, 0));
}

#[tokio::test]
async fn malformed_and_truncated_xml_write_nothing() {
    let rig = Rig::new().await;
    let lead = rig.program("Riverbend").await;
    let whole = std::fs::read_to_string(fixture("ms_project.xml")).unwrap();
    let path = rig.file("cut.xml", &whole[..whole.len() / 2]);
    let problems = rig.refused(&lead, &path).await;
    assert!(problems[0].contains("(truncated?)"), "{problems:?}");
    let path = rig.file("broken.xml", &whole.replace("</Duration>", "</Duratio>"));
    let problems = rig.refused(&lead, &path).await;
    assert!(problems[0].contains("the XML is malformed"), "{problems:?}");
    assert_eq!(rig.counts(&lead).await, (0, 0, 0));
    assert!(
        rig.store
            .all_holidays(lead.program_id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The rows of a CSV export, ids replaced by row numbers so that two plans compare.
fn comparable(csv: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    let number = |id: &str| {
        ids.iter()
            .position(|i| i == id)
            .map(|p| format!("#{p}"))
            .unwrap_or_else(|| format!("?{id}"))
    };
    for r in &mut rows {
        r[0] = number(&r[0]);
        if !r[1].is_empty() {
            r[1] = number(&r[1]);
        }
        r[11] = r[11]
            .split(';')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
                format!("{}{}", number(&digits), &p[digits.len()..])
            })
            .collect::<Vec<_>>()
            .join(";");
    }
    rows
}

#[tokio::test]
async fn an_export_imports_again_as_the_same_plan_in_csv_and_xlsx() {
    let rig = Rig::new().await;
    let first = rig.program("First").await;
    rig.import(&first, &fixture("ms_project.xml"), None)
        .await
        .unwrap();
    rig.import(&first, &rig.file("build.csv", TASK_LIST), None)
        .await
        .unwrap();
    let today = day("2027-03-01");
    let exported = rig.dir.path().join("export.csv");
    let n = write_file(
        &rig.store,
        first.program_id,
        today,
        ExportFormat::Csv,
        &exported,
    )
    .await
    .unwrap();
    assert_eq!(n, 11, "6 + the branch + 4");
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(
        text.starts_with("id,parent,outline_level,name,duration,milestone,"),
        "{text}"
    );

    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let second = rig.program(&format!("Second {}", format.extension())).await;
        let change = Change::new(&second, Via::Cli);
        // A task list carries no holidays: the second plan is given the first one's.
        let holiday = HolidayDraft {
            site_id: None,
            day: Some("2027-03-05".into()),
            name: Some("Founders' day".into()),
        };
        rig.store
            .create_holiday(&change, holiday.parse().unwrap())
            .await
            .unwrap();
        let file = rig.dir.path().join(format!("plan.{}", format.extension()));
        write_file(&rig.store, first.program_id, today, format, &file)
            .await
            .unwrap();
        let done = rig
            .import(&second, &file, Some("2027-03-01"))
            .await
            .unwrap();
        assert_eq!((done.tasks, done.dependencies), (11, 7), "{format:?}");
        let again = rig.dir.path().join("again.csv");
        write_file(
            &rig.store,
            second.program_id,
            today,
            ExportFormat::Csv,
            &again,
        )
        .await
        .unwrap();
        assert_eq!(
            comparable(&std::fs::read_to_string(&again).unwrap()),
            comparable(&text),
            "{format:?}: the same tasks, tree, links, names and computed dates"
        );
    }
}
