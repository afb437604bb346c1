//! Plan files in the browser, on the small demo (whose plan has tasks): a program lead
//! opens the import page from the plan, uploads a task list with problems and reads them
//! in a table, then a ProjectLibre file, which goes in under a task named after it. The
//! export links are on the plan. axe-core audits every page reached, the refused upload
//! included.

use anyhow::{Context, Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_imports_a_plan_file_and_reads_the_problems_of_a_bad_one() {
    run(
        "a_program_lead_imports_a_plan_file_and_reads_the_problems_of_a_bad_one",
        plan_import_scenario,
    )
    .await;
}

async fn plan_import_scenario(b: Browser) -> Result<()> {
    let tag = super::tag();
    let dir = std::env::temp_dir();
    let bad = dir.join(format!("muster-e2e-plan-{tag}.csv"));
    std::fs::write(
        &bad,
        "id,name,duration,predecessors\n1,Design,3,\n2,Build,-2,1\n3,Test,1,44\n",
    )?;
    let good = dir.join(format!("lab-{tag}.xml"));
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../import/tests/fixtures/plan/projectlibre.xml"
        ),
        &good,
    )?;

    b.sign_in("lead@riverbend.example").await?;
    b.nav("Plan").await?;
    ensure!(
        b.exists("a[href='/api/v1/tasks.csv']").await?
            && b.exists("a[href='/api/v1/tasks.xlsx']").await?,
        "the plan offers its export"
    );
    b.click_link("Import a plan file").await?;
    assert_eq!(b.path().await?, "/plan/import");
    let path = |p: &std::path::Path| p.to_str().context("a UTF-8 temp path").map(str::to_owned);

    b.find("#f-file").await?.send_keys(&path(&bad)?).await?;
    b.press("main form.record button.primary").await?;
    let problems = b.text("#import-problems").await?;
    ensure!(
        problems.contains("The file has 2 problems; nothing was imported.")
            && problems.contains("row 3")
            && problems.contains("cannot be negative")
            && problems.contains("44 names no task"),
        "each problem with its row and column: {problems}"
    );

    b.find("#f-file").await?.send_keys(&path(&good)?).await?;
    b.press("main form.record button.primary").await?;
    assert_eq!(b.path().await?, "/plan");
    let flash = b.flash().await?.unwrap_or_default();
    let branch = format!("lab-{tag}.xml");
    ensure!(
        flash.contains("Loaded 3 task(s) and 2 dependency(ies)")
            && flash.contains(&format!("under the new top-level task '{branch}'")),
        "what was loaded: {flash}"
    );
    b.goto(&format!("/plan?search=lab-{}", tag.to_lowercase()))
        .await?;
    ensure!(
        b.text("main table").await?.contains(&branch),
        "the new branch is in the plan"
    );
    let _ = std::fs::remove_file(&bad);
    let _ = std::fs::remove_file(&good);
    Ok(())
}
