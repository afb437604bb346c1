//! Champions in the browser: a site lead sees their own site's champions and coverage; a
//! program lead filters the coverage map to the lagging site, reads what is below target,
//! and opens a champion whose advanced training is not done; they give one unit its own
//! target, the form refusing a bad value with the value kept and the error by its field.
//! axe-core audits every page.

use anyhow::{Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_read_the_champion_coverage_map_and_the_champions_behind_it() {
    run(
        "leads_read_the_champion_coverage_map_and_the_champions_behind_it",
        champions_scenario,
    )
    .await;
}

async fn champions_scenario(b: Browser) -> Result<()> {
    b.sign_in("site.lead@riverbend.example").await?;
    b.nav("Champions").await?;
    assert_eq!(b.path().await?, "/champions");
    let list = b.table().await?;
    ensure!(!list.rows.is_empty(), "the flagship has champions");
    ensure!(
        list.texts("Site")
            .iter()
            .all(|s| *s == "Riverbend Medical Center"),
        "a site lead sees only their site's champions"
    );
    b.click_link("Coverage map").await?;
    assert_eq!(b.path().await?, "/champions/coverage");
    let headings = b.text("main").await?;
    ensure!(
        headings.contains("Riverbend Medical Center")
            && !headings.contains("Riverbend North Hospital"),
        "only their own site is mapped"
    );
    ensure!(
        b.text("main .legend").await?.contains("Below target"),
        "a legend names each state in words"
    );
    b.sign_out().await?;

    b.sign_in("admin@riverbend.example").await?;
    b.goto("/champions/coverage").await?;
    b.select_label("f-site_id", "Riverbend North Hospital (RNH)")
        .await?;
    b.press("form.filters button").await?;
    ensure!(
        b.path_and_query().await?.contains("site_id="),
        "the filter is in the address"
    );
    let page = b.text("main").await?;
    ensure!(
        page.contains("Below target at Riverbend North Hospital"),
        "the below-target list"
    );
    ensure!(
        !page.contains("Below target at Riverbend Medical Center"),
        "only the chosen site"
    );
    let map = b.table().await?;
    ensure!(
        map.rows
            .iter()
            .flat_map(|r| r.iter().skip(1))
            .any(|c| c.text.contains("Below target") || c.text.contains("No champion")),
        "the lagging site is short somewhere, said in words"
    );

    // A unit's own target, from the map: refused, kept, then saved and shown.
    let target_link = b.find("main table.coverage tbody td a").await?;
    b.follow(target_link).await?;
    ensure!(
        b.path().await?.starts_with("/champions/target/units/"),
        "the map's target links to the unit's target form"
    );
    b.fill("f-end_users_per_champion", "0").await?;
    b.fill("f-note", "High acuity").await?;
    b.press("main form.record button.primary").await?;
    assert_eq!(b.status().await?, Some(422), "a bad target is refused");
    ensure!(
        b.text("#e-end_users_per_champion")
            .await?
            .contains("between 1 and 500"),
        "the error is beside its field"
    );
    let input = b.find("#f-end_users_per_champion").await?;
    assert_eq!(input.attr("aria-invalid").await?.as_deref(), Some("true"));
    assert_eq!(b.value("f-end_users_per_champion").await?, "0");
    assert_eq!(b.value("f-note").await?, "High acuity", "the note is kept");
    b.fill("f-end_users_per_champion", "5").await?;
    b.press("main form.record button.primary").await?;
    ensure!(
        b.path().await?.starts_with("/units/"),
        "saved: back to the unit"
    );
    ensure!(
        b.flash()
            .await?
            .unwrap_or_default()
            .contains("One champion per 5 end users (unit override)"),
        "the flash says which target applies now"
    );
    ensure!(
        b.text("main").await?.contains("High acuity"),
        "the unit page shows the override and its reason"
    );
    b.goto("/champions/coverage").await?;
    ensure!(
        b.text("main").await?.contains("1 per 5 (unit override)"),
        "the map says which target applied"
    );

    b.goto("/champions?advanced_training=incomplete").await?;
    let behind = b.table().await?;
    ensure!(
        !behind.rows.is_empty(),
        "some champions have training to do"
    );
    ensure!(
        behind
            .texts("Advanced training")
            .iter()
            .all(|t| t.contains("to do")),
        "each says how much is left"
    );
    let first = b.find("main table tbody a").await?;
    b.follow(first).await?;
    ensure!(
        b.text("main").await?.contains("Not completed"),
        "the champion's page lists the course not yet done"
    );
    for path in ["/champions/new", "/champions/target"] {
        b.goto(path).await?;
        ensure!(b.status().await? == Some(200), "{path} opens");
    }
    Ok(())
}
