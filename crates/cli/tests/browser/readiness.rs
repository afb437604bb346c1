//! Readiness in the browser: a program lead opens the first wave's scorecard (every cell
//! coloured and labelled), finds the lagging site red, drills into a site and an
//! attestation history, opens a past assessment and records one. An attestation dated in
//! the future is refused with the site page shown again, the evidence kept, the error
//! beside the date and the file input asking for its files again; then a criterion is
//! attested with a real evidence file chosen in the file input, which the history lists and
//! serves as a download. axe-core audits every page reached.

use anyhow::{Context, Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_reads_the_scorecard_and_finds_the_lagging_site_red() {
    run(
        "a_program_lead_reads_the_scorecard_and_finds_the_lagging_site_red",
        readiness_scenario,
    )
    .await;
}

async fn readiness_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.nav("Readiness").await?;
    assert_eq!(b.path().await?, "/readiness");
    b.click_link("Wave 1").await?;
    let card = b.table().await?;
    let lagging = card
        .rows
        .iter()
        .find(|r| r[0].text == "Riverbend North Hospital")
        .context("the lagging site's row")?;
    let overall = &lagging.last().context("an overall cell")?.text;
    ensure!(
        overall.ends_with("Red"),
        "the lagging site is red, in words: {overall}"
    );
    ensure!(
        card.headers.iter().any(|h| h.contains("weight 20")),
        "weights are shown: {:?}",
        card.headers
    );
    let site = lagging[0]
        .href
        .clone()
        .context("the site links to its detail")?;
    let devices = lagging
        .iter()
        .filter_map(|c| c.href.clone())
        .find(|h| h.starts_with("/readiness/attestations"))
        .context("an attested cell drills down to its history")?;
    b.press("form.inline button").await?;
    ensure!(
        b.flash()
            .await?
            .unwrap_or_default()
            .contains("Assessment recorded"),
        "recording an assessment says so"
    );
    b.goto(&site).await?;
    ensure!(
        b.text("main").await?.contains("Attest:"),
        "the attestation forms"
    );
    let evidence = b
        .find("main form.stack textarea[name=evidence]")
        .await?
        .attr("id")
        .await?
        .context("the evidence box has an id")?;
    let date = evidence.replace("-evidence", "-attested_on");
    b.find("main form.stack input[name=status][value=partly]")
        .await?
        .click()
        .await?;
    b.fill(&evidence, "300 of 320 carts in place").await?;
    b.set_value(&date, "2999-01-01").await?;
    b.press("main form.stack button").await?;
    assert_eq!(b.status().await?, Some(422), "a future date is refused");
    let error = date.replacen("f-", "e-", 1);
    ensure!(
        b.text(&format!("#{error}"))
            .await?
            .contains("cannot be in the future"),
        "the error is beside the date"
    );
    assert_eq!(
        b.value(&evidence).await?,
        "300 of 320 carts in place",
        "the evidence is kept"
    );
    ensure!(
        b.find("main form.stack input[name=status][value=partly]")
            .await?
            .prop("checked")
            .await?
            .as_deref()
            == Some("true"),
        "the chosen status is kept"
    );
    let files_help = evidence.replace("f-", "h-").replace("-evidence", "-files");
    ensure!(
        b.text(&format!("#{files_help}"))
            .await?
            .contains("choose them again"),
        "the refused form says its files were not kept"
    );
    attest_with_a_file(&b, &site).await?;
    b.goto(&devices).await?;
    let history = b.table().await?;
    ensure!(
        history.rows.len() >= 2,
        "the history keeps every attestation"
    );
    b.goto("/readiness").await?;
    b.click_link("Wave 1").await?;
    b.click_link("Recorded").await?;
    ensure!(
        b.text("main").await?.contains("T-120"),
        "a past checkpoint's frozen scorecard"
    );
    Ok(())
}

/// On the site page, the first attestation form: a status, a few words and a real CSV
/// chosen in the file input; the history it leads to lists the file, and the file comes
/// back from its link as a download.
async fn attest_with_a_file(b: &Browser, site: &str) -> Result<()> {
    b.goto(site).await?;
    ensure!(
        b.text("main").await?.contains("Attest:"),
        "the attestation forms"
    );
    let input = b.find("main form input[type='file'][name='files']").await?;
    let input_id = input.attr("id").await?.context("the file input's id")?;
    let evidence = input_id.replace("-files", "-evidence");
    let name = format!("devices-{}.csv", super::tag());
    let file = std::env::temp_dir().join(&name);
    let content = "room,device,deployed\n4 North 12,WOW-0042,yes\n";
    std::fs::write(&file, content)?;
    input
        .send_keys(file.to_str().context("a UTF-8 temp path")?)
        .await?;
    b.fill(&evidence, "Deployment sheet attached").await?;
    let form = format!("main form:has(#{input_id})");
    b.find(&format!("{form} input[name='status'][value='met']"))
        .await?
        .click()
        .await?;
    b.press(&format!("{form} button[type='submit']")).await?;
    let _ = std::fs::remove_file(&file);
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(
        flash.contains("with 1 evidence file"),
        "the attestation says its file was kept: {flash}"
    );
    ensure!(
        b.path().await?.starts_with("/readiness/attestations"),
        "the form leads to the attestation history"
    );
    let history = b.table().await?;
    let files = history.column("Evidence files");
    let row = history
        .rows
        .iter()
        .find(|r| r[files].text.contains(&name))
        .with_context(|| format!("{name} in the history: {:?}", history.rows))?;
    let href = row[files]
        .href
        .clone()
        .context("the file links to its download")?;
    let answer = b
        .client
        .execute(
            "return fetch(arguments[0]).then(async r => [r.status, \
             r.headers.get('content-disposition'), await r.text()]);",
            vec![serde_json::Value::String(href.clone())],
        )
        .await?;
    ensure!(
        answer == serde_json::json!([200, format!("attachment; filename=\"{name}\""), content]),
        "{href} serves the file as uploaded, as a download: {answer}"
    );
    Ok(())
}
