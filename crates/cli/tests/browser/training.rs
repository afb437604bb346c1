//! Training in the browser: a trainer reads the heat map, drills down to the lagging
//! site's people, opens the calendar and a roster; an end user reaches their own training
//! page from the navigation. axe-core audits every page reached.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_drills_into_the_lagging_site_and_an_end_user_sees_their_training() {
    run(
        "a_trainer_drills_into_the_lagging_site_and_an_end_user_sees_their_training",
        training_scenario,
    )
    .await;
}

async fn training_scenario(b: Browser) -> Result<()> {
    b.sign_in("trainer@riverbend.example").await?;
    b.nav("Training").await?;
    assert_eq!(b.path().await?, "/training");
    let heat = b.table().await?;
    let rows: Vec<&str> = heat.rows.iter().map(|r| r[0].text.as_str()).collect();
    ensure!(
        rows.contains(&"Riverbend North Hospital"),
        "the heat map lists the sites: {rows:?}"
    );
    let figure = |site: &str| -> Result<i64> {
        let row = heat
            .rows
            .iter()
            .find(|r| r[0].text == site)
            .context("the site's row")?;
        let all = row.last().context("an all-roles cell")?;
        all.text
            .split('%')
            .next()
            .unwrap_or_default()
            .trim()
            .parse()
            .context("a percentage shown as text")
    };
    let (flagship, lagging) = (
        figure("Riverbend Medical Center")?,
        figure("Riverbend North Hospital")?,
    );
    ensure!(
        lagging + 20 < flagship,
        "Riverbend North lags: {lagging}% against {flagship}%"
    );
    ensure!(
        b.text("main .legend").await?.contains("90% or more"),
        "a legend explains the colours"
    );

    // From the lagging site's nurses to who is behind and what they miss.
    let nurse = heat.column("Nurse");
    let row = heat
        .rows
        .iter()
        .find(|r| r[0].text == "Riverbend North Hospital")
        .context("row")?;
    let href = row[nurse]
        .href
        .clone()
        .context("the nurses' figure links to the people")?;
    b.goto(&href).await?;
    let behind = b.table().await?;
    ensure!(!behind.rows.is_empty(), "the drill-down lists people");
    ensure!(
        behind
            .texts("Still to complete")
            .iter()
            .all(|t| !t.is_empty()),
        "each says what is missing"
    );

    // The calendar, week by week, then a session's roster with attendance buttons.
    b.goto("/training/sessions").await?;
    ensure!(
        b.text("main section h2").await?.contains("calendar"),
        "the feed section"
    );
    let first = b.find("main table tbody a").await?;
    b.follow(first).await?;
    ensure!(
        b.text("h1").await?.starts_with("Roster"),
        "a session's roster"
    );
    // An unknown person id: the roster again (422, audited by axe), the id kept and the
    // reason beside it.
    b.fill("f-person_id", "987654321").await?;
    b.press("form[aria-label='Enroll a person'] button[type=submit]")
        .await?;
    assert_eq!(b.status().await?, Some(422), "an unknown person is refused");
    ensure!(
        b.value("f-person_id").await? == "987654321",
        "the id is kept"
    );
    let why = b.text("#e-person_id").await?;
    ensure!(
        why.contains("there is no person 987654321"),
        "the reason is beside the field: {why:?}"
    );
    for path in [
        "/courses",
        "/curricula",
        "/curricula/1",
        "/completions",
        "/assessments",
        "/follow-ups",
        "/sessions/new",
    ] {
        b.goto(path).await?;
        ensure!(b.status().await? == Some(200), "{path} opens");
    }
    b.sign_out().await?;

    // The end user's own training page, from the same navigation entry.
    b.sign_in("user@riverbend.example").await?;
    b.nav("Training").await?;
    ensure!(
        b.path().await?.starts_with("/training/people/"),
        "end users land on their own page"
    );
    assert_eq!(b.text("h1").await?, "Training: Daniel Kim");
    ensure!(b.exists("main progress").await?, "progress per curriculum");
    let page = b.text("main").await?;
    ensure!(page.contains("Enrolled"), "their booked session is listed");
    ensure!(
        page.contains("Medication administration"),
        "their follow-up is listed"
    );
    let directory = b
        .find_in(
            "nav[aria-label='Capabilities']",
            Locator::LinkText("People"),
        )
        .await;
    ensure!(directory.is_err(), "end users do not browse the directory");
    Ok(())
}
