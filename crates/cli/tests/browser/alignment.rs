//! Alignment in the browser, on the small demo: a program lead opens the program dashboard
//! from the navigation, finds a lesson from the first go-live by searching, makes it a plan
//! task for a later wave (refused for the lesson's own wave first), and reads the leaders'
//! embedding coverage. axe-core audits every page reached.

use anyhow::{Context, Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_turns_a_lesson_into_a_later_waves_task() {
    run(
        "a_program_lead_turns_a_lesson_into_a_later_waves_task",
        alignment_scenario,
    )
    .await;
}

async fn alignment_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.nav("Alignment").await?;
    assert_eq!(b.path().await?, "/alignment");
    let main = b.text("main").await?;
    for panel in [
        "Benefit goals",
        "Days in accounts receivable",
        "Stakeholder stance",
        "Overdue commitments (",
        "Pending decisions",
        "Customizations by wave",
        "Recent lessons learned",
        "Leaders embedded",
    ] {
        ensure!(
            main.contains(panel),
            "the dashboard shows {panel:?}: {main}"
        );
    }

    // The alignment matrix: record what a goal means for a group.
    b.click_link("Alignment matrix").await?;
    assert_eq!(b.path().await?, "/stakeholders/matrix");
    let cell = b
        .find("table.matrix td.effect-none a")
        .await
        .context("a cell not yet discussed")?;
    b.follow(cell).await?;
    b.select_value("f-effect", "gain").await?;
    b.fill("f-note", "Results from every site in one chart")
        .await?;
    b.press("form.record button[type=submit]").await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(flash.contains("Recorded: gain"), "saved: {flash:?}");
    ensure!(
        b.text("table.matrix")
            .await?
            .contains("Results from every site in one chart"),
        "the matrix shows the note"
    );
    b.click_link("Program dashboard").await?;

    b.click_link("Lessons").await?;
    b.fill("f-q", "printer mapping").await?;
    b.press("form.filters button[type=submit]").await?;
    let table = b.table().await?;
    let titles = table.texts("Lesson");
    ensure!(
        titles == ["Label printers were mapped to the wrong units"],
        "the search finds the one lesson: {titles:?}"
    );
    b.click_link("Label printers were mapped to the wrong units")
        .await?;
    let main = b.text("main").await?;
    ensure!(
        main.contains("Printer mappings walked unit by unit"),
        "the criterion it already led to: {main}"
    );

    b.click_link("Make it a plan task for a later wave").await?;
    ensure!(
        b.value("f-name").await? == "Label printers were mapped to the wrong units",
        "the form starts from the lesson"
    );
    b.fill("f-duration", "3").await?;
    let wave_1 = b.option_starting("f-wave_id", "Wave 1 (go-live").await?;
    b.select_value("f-wave_id", &wave_1).await?;
    b.press("form.record button[type=submit]").await?;
    let error = b.text("main").await?;
    ensure!(
        error.contains("not after Wave 1"),
        "the lesson's own wave is refused: {error}"
    );
    let wave_3 = b.option_starting("f-wave_id", "Wave 3 (go-live").await?;
    b.select_value("f-wave_id", &wave_3).await?;
    b.press("form.record button[type=submit]").await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(
        flash.contains("made from this lesson"),
        "made and linked: {flash:?}"
    );
    let table = b.table().await?;
    ensure!(
        table.texts("Kind").contains(&"Plan task"),
        "the lesson lists the task it led to"
    );

    b.click_link("Embedding").await?;
    assert_eq!(b.path().await?, "/embedding/coverage");
    let main = b.text("main").await?;
    ensure!(
        main.contains("leaders embedded in an earlier go-live"),
        "coverage per wave: {main}"
    );
    b.find("main table")
        .await
        .context("a table of sites per wave")?;
    Ok(())
}
