//! The plan in the browser, on the small demo: a program lead reads the cost of a day's
//! delay in the header, records progress from a row of the table, saves a baseline, compares
//! the Gantt chart with it, reads the slip report and the cost of delay, opens the calendar
//! settings and holidays, and makes a calendar link for the milestones. axe-core audits
//! every page.

use anyhow::{Context, Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_keeps_the_plan_and_sees_what_a_day_costs() {
    run(
        "a_program_lead_keeps_the_plan_and_sees_what_a_day_costs",
        plan_scenario,
    )
    .await;
}

async fn plan_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.nav("Plan").await?;
    assert_eq!(b.path().await?, "/plan");
    let header = b.text("header.top").await?;
    ensure!(
        header.contains("One day of delay costs $"),
        "the header prices a day: {header}"
    );

    // Progress from the first row that has a form.
    let input = b.find("form.inline input[name=percent_complete]").await?;
    let id = input.attr("id").await?.context("the input's id")?;
    b.fill(&id, "35").await?;
    b.press(&format!("form.inline:has(#{id}) button[type=submit]"))
        .await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(flash.contains("35% complete"), "saved inline: {flash:?}");
    ensure!(b.value(&id).await? == "35", "the row shows it");
    // Over 100: the table again (422, audited by axe), the typed figure kept in its row and
    // the reason beside it.
    b.fill(&id, "135").await?;
    b.press(&format!("form.inline:has(#{id}) button[type=submit]"))
        .await?;
    assert_eq!(b.status().await?, Some(422), "135% is refused");
    ensure!(b.value(&id).await? == "135", "the typed figure is kept");
    let error = id.replacen("f-", "e-", 1);
    let why = b.text(&format!("#{error}")).await?;
    ensure!(
        why.contains("not a percentage from 0 to 100"),
        "the reason is beside the input: {why:?}"
    );
    b.fill(&id, "35").await?;

    // A baseline, then the chart compared with it.
    b.goto("/baselines/new").await?;
    b.fill("f-name", "Browser baseline").await?;
    b.press("main form button[type=submit]").await?;
    b.goto("/plan/gantt").await?;
    b.select_label("f-baseline_id", "Browser baseline").await?;
    b.press("form.filters button[type=submit]").await?;
    ensure!(
        b.exists("svg rect.baseline").await?,
        "baseline bars are drawn"
    );

    b.click_link("Slip report").await?;
    ensure!(b.text("main").await?.contains("Browser baseline"));
    b.click_link("Cost of delay").await?;
    let cost = b.text("main").await?;
    ensure!(
        cost.contains("Legacy EHR licences") && cost.contains("Consultants' daily rates"),
        "itemized: {cost}"
    );
    b.goto("/cost-items/new").await?;

    b.goto("/plan").await?;
    b.click_link("Calendar").await?;
    assert_eq!(b.path().await?, "/holidays");
    b.goto("/plan/settings").await?;
    ensure!(
        b.exists("input[name=working_weekdays][value=mon]:checked")
            .await?
    );

    b.goto("/plan/subscribe").await?;
    b.press("main form button[type=submit]").await?;
    let link = b.text("main code").await?;
    ensure!(link.ends_with("/plan.ics"), "a private link: {link}");
    Ok(())
}
