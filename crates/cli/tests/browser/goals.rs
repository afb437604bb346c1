//! Benefit goals in the browser, on the small demo: a program lead reads the benefits
//! dashboard (the off-track KPI flagged at the top, charts with their tables), opens a
//! goal, records a measurement on its measurements page (a percent over 100 refused beside
//! its field), filters the dashboard by site, finds the goal's owner by name on the goal
//! form, and opens the measurements import. axe-core audits every page.

use anyhow::{Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_follows_the_benefits_and_records_a_measurement() {
    run(
        "a_program_lead_follows_the_benefits_and_records_a_measurement",
        goals_scenario,
    )
    .await;
}

async fn goals_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.goto("/benefits").await?;
    let off = b.text("#off-track-title").await?;
    ensure!(
        off.starts_with("Off track (1 of 8)"),
        "one KPI flagged: {off}"
    );
    let first = b.text("section.kpi h2").await?;
    ensure!(
        first.contains("Days in accounts receivable"),
        "the off-track KPI comes first: {first}"
    );
    ensure!(
        b.exists("section.kpi svg[role=img] polyline.series")
            .await?
    );
    ensure!(
        b.exists("section.kpi details table").await?,
        "each chart's table"
    );

    b.click_link("CPOE adoption").await?;
    ensure!(b.text("main").await?.contains("Where it stands"));
    b.click_link("Chart, all measurements, enter one").await?;
    b.select_label("f-site_id", "Riverbend Medical Center (RMC)")
        .await?;
    b.set_value("f-period", "2026-01-01").await?;
    b.fill("f-value", "140").await?;
    b.press("main form[method=post] button[type=submit]")
        .await?;
    let error = b.text("#e-value").await?;
    ensure!(
        error.contains("not a percent between 0 and 100"),
        "refused beside the field: {error}"
    );
    b.fill("f-value", "66.5").await?;
    b.press("main form[method=post] button[type=submit]")
        .await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(flash.contains("Recorded 66.5%"), "recorded: {flash:?}");

    b.goto("/benefits").await?;
    b.select_label("f-site_id", "Riverbend Medical Center (RMC)")
        .await?;
    b.press("form.filters button[type=submit]").await?;
    ensure!(b.path_and_query().await?.contains("site_id="));
    b.goto("/goals").await?;
    b.goto("/people").await?;
    let name = b.table().await?.texts("Name")[0].to_owned();
    b.goto("/goals/new").await?;
    // The owner is found by name: the search box beside the id suggests people and fills
    // the id in, and the chosen person's name shows beside it.
    b.fill("f-owner_person_id-find", &name).await?;
    b.until_text("#l-owner_person_id option", &name).await?;
    let suggestion = b.option_starting("l-owner_person_id", &name).await?;
    b.choose_suggestion("f-owner_person_id-find", &suggestion)
        .await?;
    let id = b.value("f-owner_person_id").await?;
    ensure!(
        suggestion.ends_with(&format!("#{id}")),
        "the id filled in: {id:?} from {suggestion:?}"
    );
    b.until_text("#s-owner_person_id", &name).await?;
    b.goto("/imports/new?kind=measurements").await?;
    ensure!(
        b.exists("input[name=kind][value=measurements]:checked")
            .await?,
        "the import form opens on measurements"
    );
    Ok(())
}
