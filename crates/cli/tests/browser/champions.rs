//! Champions in the browser: a site lead sees their own site's champions and coverage; a
//! program lead filters the coverage map to the lagging site, reads what is below target,
//! and opens a champion whose advanced training is not done. axe-core audits every page.

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
