//! The `muster` command as an operator uses it: the real binary on a real database.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use muster_store::testing::{TestUrl, fresh_url, postgres_wanted};

fn muster(db: &TestUrl, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_muster"))
        .args(args)
        .env("MUSTER_DATABASE", db.url.expose())
        .env_remove("MUSTER_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .expect("the muster binary runs")
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["user", "add", "--help"],
        &["user", "list", "--help"],
        &["token", "create", "--help"],
        &["demo", "--help"],
        &["backup", "--help"],
        &["program", "create", "--help"],
        &["import", "people", "--help"],
        &["import", "completions", "--help"],
        &["import", "plan", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_muster"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn an_operator_adds_users_lists_them_and_makes_a_token() {
    let db = fresh_url().await;
    let out = muster(&db, &["user", "list"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("muster program create"),
        "{}",
        text(&out)
    );
    assert!(
        muster(&db, &["program", "create", "--name", "Test Health"])
            .status
            .success()
    );

    let out = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args([
            "user",
            "add",
            "--email",
            "Ana@Test.example",
            "--name",
            "Ana Admin",
            "--role",
            "admin",
        ])
        .env("MUSTER_DATABASE", db.url.expose())
        .env("MUSTER_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !text(&out).contains("shown this once"),
        "a given password is not echoed"
    );

    // No password given and no terminal: one is generated and printed once.
    let out = muster(
        &db,
        &[
            "user",
            "add",
            "--email",
            "exec@test.example",
            "--name",
            "Eve Exec",
            "--role",
            "executive",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Its password, shown this once: "));

    let out = muster(
        &db,
        &[
            "user",
            "add",
            "--email",
            "lead@test.example",
            "--name",
            "Sam Lead",
            "--role",
            "site_lead",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("--site is required"));

    let out = muster(
        &db,
        &[
            "user",
            "add",
            "--email",
            "ana@test.example",
            "--name",
            "Twin",
            "--role",
            "admin",
        ],
    );
    assert!(!out.status.success(), "duplicate emails are refused");

    let listed = text(&muster(&db, &["user", "list"]));
    assert!(
        listed.contains("ana@test.example") && listed.contains("executive"),
        "{listed}"
    );

    let out = muster(
        &db,
        &[
            "token",
            "create",
            "--email",
            "ana@test.example",
            "--label",
            "LMS sync",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .starts_with("mst_")
    );
}

#[tokio::test]
async fn the_password_can_come_from_standard_input() {
    let db = fresh_url().await;
    assert!(
        muster(&db, &["program", "create", "--name", "P"])
            .status
            .success()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args([
            "user",
            "add",
            "--email",
            "t@test.example",
            "--name",
            "T",
            "--role",
            "trainer",
        ])
        .env("MUSTER_DATABASE", db.url.expose())
        .env_remove("MUSTER_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("at least 10 characters"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn the_demo_loads_only_into_an_empty_database() {
    let db = fresh_url().await;
    let out = muster(&db, &["demo", "--scale", "small"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("admin@riverbend.example"));
    let listed = text(&muster(&db, &["user", "list"]));
    for role in [
        "admin",
        "program_lead",
        "site_lead",
        "analyst",
        "trainer",
        "champion",
        "end_user",
        "vendor",
        "executive",
    ] {
        assert!(listed.contains(role), "{role} account missing: {listed}");
    }
    let again = muster(&db, &["demo"]);
    assert!(!again.status.success());
    assert!(text(&again).contains("only into an empty database"));
}

#[tokio::test]
async fn a_backup_is_a_consistent_copy_that_opens_as_a_database() {
    let db = fresh_url().await;
    assert!(
        muster(&db, &["program", "create", "--name", "Backed Up"])
            .status
            .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let out = muster(&db, &["backup", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    if postgres_wanted() {
        assert!(text(&out).contains("pg_dump --format=custom"));
        assert!(!text(&out).contains("password="), "no secret in the advice");
    } else {
        let copy = TestUrl::sqlite_file(&target);
        let listed = text(&muster(&copy, &["program", "list"]));
        assert!(listed.contains("Backed Up"), "{listed}");
        let again = muster(&db, &["backup", target.to_str().unwrap()]);
        assert!(
            !again.status.success(),
            "an existing file is never overwritten"
        );
    }
}

#[tokio::test]
async fn an_operator_imports_a_roster_and_gets_the_rejects() {
    let db = fresh_url().await;
    assert!(
        muster(&db, &["program", "create", "--name", "Test Health"])
            .status
            .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hr.csv");
    std::fs::write(
        &file,
        "Staff Number,Full Name,E-mail,Role,Badge colour\nE1,Ana Ruiz,ana@t.example,nurse,red\nE2,Ben,not-mail,nurse,blue\nE3,Cy,cy@t.example,Wizard,green\n",
    )
    .unwrap();
    let rejects = dir.path().join("rejects.csv");
    let path = file.to_str().unwrap();
    let all = muster(
        &db,
        &[
            "import",
            "people",
            path,
            "--mapping",
            "employee_id=staff number",
        ],
    );
    assert!(
        !all.status.success(),
        "all or nothing refuses: {}",
        text(&all)
    );
    assert!(
        text(&all).contains("Nothing was imported: 2 of 3 rows"),
        "{}",
        text(&all)
    );
    assert!(text(&all).contains("row 3, email"), "{}", text(&all));
    assert!(
        text(&all).contains("ignored columns: Badge colour"),
        "{}",
        text(&all)
    );

    let args = [
        "import",
        "people",
        path,
        "--mapping",
        "employee_id=Staff Number",
        "--mode",
        "valid-rows",
        "--rejects",
        rejects.to_str().unwrap(),
    ];
    let valid = muster(&db, &args);
    assert!(valid.status.success(), "{}", text(&valid));
    assert!(
        text(&valid).contains("1 new, 0 updated"),
        "{}",
        text(&valid)
    );
    let written = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        written.starts_with("Staff Number,Full Name,E-mail,Role,Badge colour,reason\n"),
        "{written}"
    );
    assert!(
        written.contains("E3,Cy,cy@t.example,Wizard,green,\"job_role: 'Wizard' is not one of"),
        "{written}"
    );

    let no_ids = dir.path().join("no-ids.csv");
    std::fs::write(&no_ids, "Full Name,E-mail,Role\nAna,ana@t.example,nurse\n").unwrap();
    let missing = muster(&db, &["import", "people", no_ids.to_str().unwrap()]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("employee_id: the file has no column for Employee id"),
        "{}",
        text(&missing)
    );
    let nowhere = muster(&db, &["import", "people", "/no/such/file.csv"]);
    assert!(!nowhere.status.success() && text(&nowhere).contains("cannot be read"));
}

#[tokio::test]
async fn an_operator_imports_a_plan_and_is_told_every_problem_of_a_bad_one() {
    let db = fresh_url().await;
    assert!(
        muster(&db, &["program", "create", "--name", "Plan"])
            .status
            .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("tasks.csv");
    std::fs::write(
        &bad,
        "id,name,duration,predecessors\n1,Design,3,\n2,Build,-2,44\n",
    )
    .unwrap();
    let refused = muster(&db, &["import", "plan", bad.to_str().unwrap()]);
    assert!(!refused.status.success(), "{}", text(&refused));
    for line in [
        "row 3, duration: cannot be negative",
        "row 3, predecessors: 44 names no task",
        "the file has 2 problems; nothing was imported",
    ] {
        assert!(text(&refused).contains(line), "{line}: {}", text(&refused));
    }
    let xml = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../import/tests/fixtures/plan/ms_project.xml"
    );
    let done = muster(&db, &["import", "plan", xml]);
    assert!(done.status.success(), "{}", text(&done));
    assert!(
        text(&done)
            .contains("Loaded 6 task(s) and 4 dependency(ies) from ms_project.xml as the plan"),
        "{}",
        text(&done)
    );
}

#[tokio::test]
async fn an_operator_imports_lms_completions_with_us_dates_and_a_progress_bar() {
    let db = fresh_url().await;
    assert!(
        muster(&db, &["program", "create", "--name", "Test Health"])
            .status
            .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("hr.csv");
    std::fs::write(
        &roster,
        "Employee ID,Name,Email,Role
E1,Ana Ruiz,ana@t.example,nurse
",
    )
    .unwrap();
    assert!(
        muster(&db, &["import", "people", roster.to_str().unwrap()])
            .status
            .success()
    );
    {
        use muster_domain::training::course::CourseDraft;
        let store = muster_store::Store::open(&db.url).await.unwrap();
        let program = store.programs().await.unwrap()[0].id;
        let operator = muster_domain::access::Actor::operator(program);
        let change = muster_store::Change::new(&operator, muster_domain::audit::Via::Cli);
        let course = CourseDraft {
            code: Some("EHR-101".into()),
            title: Some("Orders".into()),
            kind: Some("e_learning".into()),
            hours: Some("1".into()),
            ..Default::default()
        };
        store
            .create_course(&change, course.parse().unwrap())
            .await
            .unwrap();
        store.close().await.unwrap();
    }
    let file = dir.path().join("lms.csv");
    std::fs::write(
        &file,
        "Learner,Activity Code,Completed\nE1,EHR-101,03/04/2026\nE9,EHR-101,03/05/2026\n",
    )
    .unwrap();
    let rejects = dir.path().join("rejects.csv");
    let args = [
        "import",
        "completions",
        file.to_str().unwrap(),
        "--mapping",
        "employee_id=Learner",
        "--dates",
        "month-first",
        "--mode",
        "valid-rows",
        "--rejects",
        rejects.to_str().unwrap(),
    ];
    let out = muster(&db, &args);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1 new completions"), "{}", text(&out));
    assert!(
        text(&out).contains("course") && text(&out).contains("<- Activity Code"),
        "{}",
        text(&out)
    );
    let written = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        written.contains("no person with employee id 'E9'"),
        "{written}"
    );
    let all = muster(
        &db,
        &[
            "import",
            "completions",
            file.to_str().unwrap(),
            "--mapping",
            "employee_id=Learner",
        ],
    );
    assert!(
        !all.status.success(),
        "all or nothing, and 03/04/2026 is ambiguous without --dates"
    );
    assert!(
        text(&all).contains("day/month or month/day"),
        "{}",
        text(&all)
    );
}

#[test]
fn a_database_password_is_never_printed() {
    let out = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args([
            "migrate",
            "--database",
            "postgres://muster:hunter2-secret@127.0.0.1:1/muster",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = text(&out);
    assert!(!all.contains("hunter2-secret"), "{all}");
    assert!(all.contains("muster:***@127.0.0.1"), "{all}");
}

#[test]
fn configuration_comes_from_the_file_then_the_environment_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file_db = dir.path().join("from-file.db");
    let env_db = dir.path().join("from-env.db");
    std::fs::write(
        dir.path().join("muster.toml"),
        format!("database = \"sqlite://{}\"\n", file_db.display()),
    )
    .unwrap();
    let run = |env: Option<&std::path::Path>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_muster"));
        c.current_dir(dir.path())
            .args(["migrate"])
            .env_remove("MUSTER_DATABASE");
        if let Some(p) = env {
            c.env("MUSTER_DATABASE", format!("sqlite://{}", p.display()));
        }
        c.output().unwrap()
    };
    assert!(run(None).status.success());
    assert!(file_db.exists(), "the file's database was used");
    assert!(run(Some(&env_db)).status.success());
    assert!(env_db.exists(), "the environment beat the file");
    let flag_db = dir.path().join("from-flag.db");
    let out = Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(dir.path())
        .args([
            "migrate",
            "--database",
            &format!("sqlite://{}", flag_db.display()),
        ])
        .env("MUSTER_DATABASE", format!("sqlite://{}", env_db.display()))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(flag_db.exists(), "the flag beat the environment");
}

#[tokio::test]
async fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    let db = fresh_url().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("MUSTER_DATABASE", db.url.expose())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    while !seen.contains('\n') {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "serve exited early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let address = seen
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(
            format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit after SIGTERM, got {status}");
}
