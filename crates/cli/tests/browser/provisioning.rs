//! Provisioning and the forecast in the browser, on the small demo: a trainer opens the
//! provisioning list from the navigation, filters it to the ready and to the not ready,
//! narrows it to a go-live and reads which modules it requires, and reads the forecast,
//! where the lagging site is flagged. axe-core audits every page.

use anyhow::{Context, Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_sees_who_may_have_access_and_which_site_will_miss_its_go_live() {
    run(
        "a_trainer_sees_who_may_have_access_and_which_site_will_miss_its_go_live",
        provisioning_scenario,
    )
    .await;
}

/// The figure under a count's label, e.g. "Ready for access".
async fn count(b: &Browser, label: &str) -> Result<u64> {
    let figures = b.text("main dl.figures").await?;
    let at = figures.find(label).context("the count's label")?;
    figures[at + label.len()..]
        .split_whitespace()
        .next()
        .context("a figure")?
        .replace(',', "")
        .parse()
        .with_context(|| format!("{label} as a number in {figures:?}"))
}

async fn provisioning_scenario(b: Browser) -> Result<()> {
    b.sign_in("trainer@riverbend.example").await?;
    b.nav("Provisioning").await?;
    assert_eq!(b.path().await?, "/provisioning");
    let (ready, not_ready) = (
        count(&b, "Ready for access").await?,
        count(&b, "Not ready").await?,
    );
    ensure!(
        ready > 0 && not_ready > 0,
        "both kinds: {ready} ready, {not_ready} not"
    );

    b.select_value("f-status", "ready").await?;
    b.press("form.filters button[type=submit]").await?;
    let table = b.table().await?;
    ensure!(!table.rows.is_empty(), "the ready are listed");
    ensure!(
        table.texts("Status").iter().all(|s| *s == "Ready"),
        "only the ready"
    );
    ensure!(
        table.texts("Why not").iter().all(|s| s.is_empty()),
        "with no reason"
    );

    b.select_value("f-status", "not_ready").await?;
    b.press("form.filters button[type=submit]").await?;
    let table = b.table().await?;
    ensure!(
        table.texts("Why not").iter().all(|s| !s.is_empty()),
        "each not-ready person has a reason"
    );
    let reasons = table.texts("Why not").join(" | ");
    ensure!(
        reasons.contains("missing courses: ") || reasons.contains("not assessed"),
        "reasons in words: {reasons}"
    );
    ensure!(
        b.exists("a[href^='/api/v1/provisioning.xlsx?status=not_ready']")
            .await?,
        "the export keeps the filter"
    );
    ensure!(
        !b.exists("#required-modules").await?,
        "no go-live, no required modules line"
    );

    let wave = b.option_starting("f-wave_id", "Wave 1 (go-live").await?;
    b.select_value("f-wave_id", &wave).await?;
    b.select_value("f-status", "").await?;
    b.press("form.filters button[type=submit]").await?;
    let required = b.text("#required-modules").await?;
    ensure!(
        required.starts_with("Required for this go-live: ")
            && required.contains("Ambulatory")
            && required.contains("Inpatient")
            && !required.contains("Revenue cycle"),
        "Wave 1's modules, revenue cycle held back: {required:?}"
    );
    ensure!(
        b.exists(&format!(
            "a[href^='/api/v1/provisioning.csv?wave_id={wave}']"
        ))
        .await?,
        "the export is for the go-live"
    );

    b.goto("/training").await?;
    b.click_link("Forecast").await?;
    assert_eq!(b.path().await?, "/training/forecast");
    let forecast = b.table().await?;
    let outlook = forecast.column("Outlook");
    let north = forecast
        .rows
        .iter()
        .find(|r| r[0].text == "Riverbend North Hospital")
        .context("the lagging site's row")?;
    ensure!(
        north[outlook].text == "Will miss",
        "Riverbend North is flagged: {north:?}"
    );
    let flagship = forecast
        .rows
        .iter()
        .find(|r| r[0].text == "Riverbend Medical Center")
        .context("the flagship's row")?;
    ensure!(
        flagship[outlook].text == "On track",
        "the flagship is not: {flagship:?}"
    );
    Ok(())
}
