//! Waves against the plan in the browser, on the small demo: a program lead opens the waves
//! page from the plan, reads wave 1 late by 8 working days with its scale index and
//! timeline, asks what moving Riverbend North Hospital to wave 2 would do, saves it, and
//! finds wave 2 with three sites; then opens a wave's form with its modules and counts.
//! axe-core audits every page reached.

use anyhow::{Context, Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_reads_the_go_live_forecasts_and_moves_a_site_to_another_wave() {
    run(
        "a_program_lead_reads_the_go_live_forecasts_and_moves_a_site_to_another_wave",
        waves_scenario,
    )
    .await;
}

async fn waves_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.nav("Plan").await?;
    b.click_link("Waves").await?;
    assert_eq!(b.path().await?, "/plan/waves");
    let summary = b.table().await?;
    let statuses = summary.texts("Status");
    ensure!(
        statuses.first() == Some(&"Late"),
        "wave 1 is late in the summary: {statuses:?}"
    );
    let wave_1 = summary.rows[0][0]
        .href
        .clone()
        .context("wave 1 links to its section")?;
    let section = format!("section{wave_1}");
    let text = b.text(&section).await?;
    ensure!(
        text.contains("Forecast 8 working days late"),
        "wave 1's slip in words: {text}"
    );
    ensure!(
        text.contains("Scale index:") && text.contains("scope 4 x size"),
        "the scale index and how it is computed: {text}"
    );
    ensure!(
        b.exists(&format!("{section} svg[role='img'] desc")).await?,
        "a described timeline"
    );

    b.click_link("What if a site or module moved to another wave?")
        .await?;
    assert_eq!(b.path().await?, "/plan/waves/what-if");
    let site = b
        .option_starting("f-site_id", "Riverbend North Hospital")
        .await?;
    b.select_value("f-site_id", &site).await?;
    let from = b.option_starting("f-from_wave_id", "Wave 1 ").await?;
    let to = b.option_starting("f-to_wave_id", "Wave 2 ").await?;
    b.select_value("f-from_wave_id", &from).await?;
    b.select_value("f-to_wave_id", &to).await?;
    b.press("form.record button[type=submit]").await?;
    let main = b.text("main").await?;
    ensure!(
        main.contains("Moving Riverbend North Hospital from Wave 1 to Wave 2"),
        "the effect is shown: {main}"
    );
    ensure!(
        main.contains("Scale index") && main.contains("Forecast go-live"),
        "both waves before and after: {main}"
    );
    b.press("form.inline button[type=submit]").await?;
    assert_eq!(b.path().await?, "/plan/waves");
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(
        flash.starts_with("Moved Riverbend North Hospital to Wave 2"),
        "the save says what it did: {flash}"
    );
    let wave_2 = b.text(&format!("section#wave-{to}")).await?;
    ensure!(
        wave_2.contains("3 sites"),
        "wave 2 has the hospital now: {wave_2}"
    );

    b.goto(&format!("/waves/{from}/edit")).await?;
    ensure!(
        b.exists("input[name='module_ids']").await? && b.exists("#f-interfaces").await?,
        "the wave form has its modules and counts"
    );
    b.goto(&format!(
        "/plan/waves/what-if?kind=site&site_id={site}&module_id=&from_wave_id={to}&to_wave_id={to}"
    ))
    .await?;
    ensure!(
        b.status().await? == Some(422) && b.exists("#e-to_wave_id").await?,
        "the same wave twice is refused beside the field"
    );
    Ok(())
}
