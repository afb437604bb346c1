//! Governance in the browser, on the small demo: the program lead reads the governance
//! bodies and a body's page, searches the decision log, records a decision (refused first
//! without its patient-impact statement), raises a change request directly and decides it.
//! axe-core audits every page.

use anyhow::{Result, ensure};

use super::page::{Browser, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_keeps_the_decision_log_and_routes_change_requests() {
    run(
        "a_program_lead_keeps_the_decision_log_and_routes_change_requests",
        governance_scenario,
    )
    .await;
}

async fn governance_scenario(b: Browser) -> Result<()> {
    b.sign_in("lead@riverbend.example").await?;
    b.goto("/governance-bodies").await?;
    b.click_link("Physician advisory council").await?;
    let body = b.text("main").await?;
    ensure!(
        body.contains("Members") && body.contains("Order set"),
        "the body's page: {body}"
    );

    b.goto("/decisions?q=barcode").await?;
    let found = b.text("main").await?;
    ensure!(
        found.contains("Standardize on one barcode scanning workflow"),
        "search: {found}"
    );
    b.click_link("Standardize on one barcode scanning workflow for all med-surg units?")
        .await?;
    ensure!(b.text("main").await?.contains("What will patients want?"));

    b.goto("/decisions/new").await?;
    b.fill(
        "f-question",
        "Use the vendor's standard blood transfusion workflow?",
    )
    .await?;
    b.press("main form button[type=submit]").await?;
    ensure!(
        b.text("main").await?.contains("What will patients want?"),
        "refused, the patient-impact field named"
    );
    b.fill(
        "f-patient_impact",
        "Patients want two-person verification every time",
    )
    .await?;
    b.press("main form button[type=submit]").await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(flash.contains("Created decision"), "created: {flash:?}");

    b.goto("/change-requests/new").await?;
    b.fill("f-title", "Custom transfusion consent wording")
        .await?;
    b.fill(
        "f-justification",
        "State law requires wording the standard consent lacks",
    )
    .await?;
    b.press("main form button[type=submit]").await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(flash.contains("raised"), "raised: {flash:?}");
    b.goto("/change-requests").await?;
    ensure!(
        b.text("main")
            .await?
            .contains("Custom transfusion consent wording")
    );

    // The remaining forms and lists, for axe.
    b.goto("/governance-members").await?;
    b.goto("/governance-members/new").await?;
    b.goto("/governance-bodies/new").await?;
    b.goto("/decision-rights/new").await?;
    b.goto("/change-requests?status=approved").await?;
    Ok(())
}
