//! Stakeholders in the browser, on the small demo: the program lead opens the emergency
//! physicians' page (stuck at Desire, overdue commitments, the progress chart and its table,
//! stance over time), the overdue commitments, the latest ADKAR per group, the RACI matrix
//! with its gap, and is refused a second accountable on a deliverable. axe-core audits every
//! page, the forms included.

use anyhow::{Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_follows_stakeholders_their_readiness_and_the_raci() {
    run(
        "a_program_lead_follows_stakeholders_their_readiness_and_the_raci",
        stakeholder_scenario,
    )
    .await;
}

async fn stakeholder_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.goto("/stakeholders").await?;
    b.click_link("Emergency physicians").await?;
    let main = b.text("main").await?;
    ensure!(main.contains("Desire"), "the barrier point: {main}");
    ensure!(main.contains("Overdue"), "overdue commitments flagged");
    ensure!(
        main.contains("Opposed") && main.contains("Skeptic"),
        "stance over time"
    );
    ensure!(b.exists("svg.progress-chart").await?, "the progress chart");

    b.goto("/commitments?overdue=true").await?;
    let table = b.table().await?;
    ensure!(!table.rows.is_empty(), "overdue commitments are listed");
    b.click_link(&table.rows[0][0].text).await?;

    b.goto("/adkar/latest").await?;
    ensure!(b.text("main").await?.contains("Emergency physicians"));
    b.goto("/adkar").await?;
    let table = b.table().await?;
    b.click_link(&table.rows[0][0].text).await?;

    b.goto("/raci/matrix").await?;
    ensure!(
        b.text("main").await?.contains("No accountable"),
        "the gap is flagged"
    );
    b.goto("/raci").await?;
    let first = b.table().await?;
    let deliverable = first.rows[0][0].text.clone();

    // A second accountable on the first deliverable is refused by name.
    b.goto("/raci/new").await?;
    b.select_label("f-task_id", &deliverable).await?;
    b.select_value("f-role", "accountable").await?;
    b.fill("f-person_id", "1").await?;
    b.press("main form button[type=submit]").await?;
    let main = b.text("main").await?;
    ensure!(
        main.contains("already has an accountable person"),
        "refused: {main}"
    );

    for path in ["/stakeholders/new", "/commitments/new", "/adkar/new"] {
        b.goto(path).await?;
    }
    Ok(())
}
