//! Browser end-to-end tests: the real `muster` binary (`serve --demo`) on a fresh database
//! (MUSTER_TEST_DATABASE: sqlite or postgres), driven through a real headless Chromium by
//! chromedriver. Nothing is mocked. Every page the tests reach is checked with axe-core, and
//! a serious or critical accessibility violation fails the test.
//!
//! Needs chromium and chromedriver (MUSTER_CHROMIUM, MUSTER_CHROMEDRIVER; /usr/bin by
//! default) and axe-core's axe.min.js (MUSTER_AXE_JS, else target/test-tools/...): run
//! scripts/test.sh once to install them. Each test starts its own server and browser;
//! nextest runs these one at a time (test group "browser" in .config/nextest.toml), and so
//! should `cargo test -- --test-threads=1`.

#[path = "browser/alignment.rs"]
mod alignment;
#[path = "browser/axe.rs"]
mod axe;
#[path = "browser/champions.rs"]
mod champions;
#[path = "browser/goals.rs"]
mod goals;
#[path = "browser/governance.rs"]
mod governance;
#[path = "browser/page.rs"]
mod page;
#[path = "browser/plan.rs"]
mod plan;
#[path = "browser/plan_files.rs"]
mod plan_files;
#[path = "browser/provisioning.rs"]
mod provisioning;
#[path = "browser/readiness.rs"]
mod readiness;
#[path = "browser/rig.rs"]
mod rig;
#[path = "browser/stakeholders.rs"]
mod stakeholders;
#[path = "browser/training.rs"]
mod training;
#[path = "browser/waves.rs"]
mod waves;

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use fantoccini::key::Key;
use page::{Browser, DEMO_PASSWORD, id_of, run};

const ADMIN: &str = "admin@riverbend.example";
const SITE_LEAD: &str = "site.lead@riverbend.example";
/// The one site the demo site lead is assigned to.
const SITE_LEAD_SITE: &str = "Riverbend Medical Center";

/// A short random tag that keeps this run's records apart from the demo data.
fn tag() -> String {
    format!("{:06X}", rand::random::<u32>() & 0x00ff_ffff)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_signs_in_creates_a_site_and_a_person_and_sees_them_listed() {
    run(
        "admin_signs_in_creates_a_site_and_a_person_and_sees_them_listed",
        admin_scenario,
    )
    .await;
}

async fn admin_scenario(b: Browser) -> Result<()> {
    let tag = tag();
    let site_name = format!("E2E Test Site {tag}");
    let site_code = format!("E2E{tag}");
    let person_name = format!("Quinn Tester {tag}");
    let person_email = format!("quinn.tester.{}@e2e.example", tag.to_lowercase());

    // Sign in through the form: the overview, with the admin-only audit log in the navigation.
    b.sign_in(ADMIN).await?;
    ensure!(
        b.exists("#size").await?,
        "the overview shows the program at a glance"
    );
    ensure!(
        b.find_in(
            "nav[aria-label='Capabilities']",
            Locator::LinkText("Audit log")
        )
        .await
        .is_ok(),
        "an admin sees the audit log"
    );

    // A new site, by the list's "New site" link.
    b.nav("Sites").await?;
    assert_eq!(b.path().await?, "/sites");
    b.click_link("New site").await?;
    assert_eq!(b.path().await?, "/sites/new");
    assert_eq!(b.text("h1").await?, "New site");

    // Without a name, the browser itself refuses to send the form ...
    b.fill("f-code", &site_code).await?;
    b.select_value("f-kind", "clinic").await?;
    b.fill("f-region", "Test region").await?;
    b.fill("f-beds", "12").await?;
    b.fill("f-expected_users", "40").await?;
    b.press_blocked("main form.record button.primary").await?;
    let missing = b
        .client
        .execute(
            "return document.getElementById('f-name').validity.valueMissing;",
            vec![],
        )
        .await?;
    assert_eq!(
        missing,
        serde_json::json!(true),
        "the browser flags the empty name"
    );

    // ... and so does the server, for a client that skips that check: the form comes back
    // (422) with its values and the reason next to the field.
    b.client
        .execute(
            "document.querySelector('main form.record').noValidate = true;",
            vec![],
        )
        .await?;
    b.press("main form.record button.primary").await?;
    assert_eq!(
        b.status().await?,
        Some(422),
        "an invalid form is answered 422"
    );
    assert_eq!(b.path().await?, "/sites");
    ensure!(
        b.exists("main .problems[role='alert']").await?,
        "the form says that fields need attention"
    );
    let name_error = b.text("#e-name").await?;
    ensure!(
        !name_error.is_empty(),
        "the name field has an error message"
    );
    let name_input = b.find("#f-name").await?;
    assert_eq!(
        name_input.attr("aria-invalid").await?.as_deref(),
        Some("true")
    );
    assert_eq!(
        name_input.attr("aria-describedby").await?.as_deref(),
        Some("e-name")
    );
    assert_eq!(
        b.value("f-code").await?,
        site_code,
        "the form keeps what was typed"
    );
    assert_eq!(b.value("f-kind").await?, "clinic");

    // Complete it: created, and shown on its own page with a flash message.
    b.fill("f-name", &site_name).await?;
    b.press("main form.record button.primary").await?;
    let site_path = b.path().await?;
    ensure!(
        site_path.starts_with("/sites/"),
        "creating a site leads to its page, not {site_path}"
    );
    let site_id = id_of(&site_path);
    assert_eq!(
        b.flash().await?.as_deref(),
        Some(format!("Created site {site_name}.").as_str())
    );
    assert_eq!(b.text("h1").await?, site_name);
    ensure!(
        b.text("dl.facts").await?.contains(&site_code),
        "the site page shows the code"
    );

    // Its edit form and delete confirmation (left with Cancel).
    b.click_link("Edit").await?;
    assert_eq!(b.path().await?, format!("/sites/{site_id}/edit"));
    assert_eq!(b.value("f-name").await?, site_name);
    b.click_link("Cancel").await?;
    assert_eq!(b.path().await?, site_path);
    assert_eq!(b.flash().await?, None, "a flash message is shown once");
    b.click_link("Delete").await?;
    assert_eq!(b.path().await?, format!("/sites/{site_id}/delete"));
    ensure!(
        b.text("main")
            .await?
            .contains(&format!("Delete site {site_name}?")),
        "the confirmation names the site"
    );
    ensure!(
        b.exists("main form button.danger").await?,
        "the confirmation has a Delete button"
    );
    b.click_link("Cancel").await?;
    assert_eq!(b.path().await?, site_path);

    // The sites list, filtered by the new code, lists it.
    b.nav("Sites").await?;
    b.fill("f-q", &site_code).await?;
    b.press("form.filters button[type='submit']").await?;
    assert_eq!(b.path().await?, "/sites");
    ensure!(
        b.path_and_query()
            .await?
            .contains(&format!("q={site_code}")),
        "the filter is in the address"
    );
    let sites = b.table().await?;
    assert_eq!(
        sites.texts("Name"),
        vec![site_name.as_str()],
        "the filtered list holds just the new site"
    );
    assert_eq!(sites.texts("Code"), vec![site_code.as_str()]);
    assert_eq!(
        sites.rows[0][sites.column("Name")].href.as_deref(),
        Some(site_path.as_str())
    );

    // The other lists, and one wave.
    b.nav("Units").await?;
    assert_eq!(b.path().await?, "/units");
    ensure!(
        !b.table().await?.rows.is_empty(),
        "the demo program has units"
    );
    b.nav("Waves").await?;
    assert_eq!(b.path().await?, "/waves");
    let waves = b.table().await?;
    let wave_href = waves
        .rows
        .first()
        .and_then(|r| r[0].href.clone())
        .context("the demo program has waves")?;
    b.click_link(&waves.rows[0][0].text).await?;
    assert_eq!(b.path().await?, wave_href);
    b.nav("Modules").await?;
    assert_eq!(b.path().await?, "/modules");

    // A new person at the new site, chosen by its visible name.
    b.nav("People").await?;
    assert_eq!(b.path().await?, "/people");
    b.click_link("New person").await?;
    assert_eq!(b.path().await?, "/people/new");
    b.fill("f-name", &person_name).await?;
    b.fill("f-email", &person_email).await?;
    b.select_value("f-job_role", "nurse").await?;
    let site_option = format!("{site_name} ({site_code})");
    b.select_label("f-site_id", &site_option).await?;
    assert_eq!(b.selected_label("f-site_id").await?, site_option);
    ensure!(
        b.find("#f-active").await?.is_selected().await?,
        "a new person is active unless unticked"
    );
    b.press("main form.record button.primary").await?;
    let person_path = b.path().await?;
    ensure!(
        person_path.starts_with("/people/"),
        "creating a person leads to their page, not {person_path}"
    );
    let person_id = id_of(&person_path);
    assert_eq!(
        b.flash().await?.as_deref(),
        Some(format!("Created person {person_name}.").as_str())
    );
    let site_link = b
        .find_in("dl.facts", Locator::LinkText(&site_name))
        .await
        .context("the person page links the site")?;
    assert_eq!(
        site_link.attr("href").await?.as_deref(),
        Some(site_path.as_str())
    );

    // The people list, filtered by the unique name, lists them at the new site.
    b.nav("People").await?;
    b.fill("f-q", &person_name).await?;
    b.press("form.filters button[type='submit']").await?;
    ensure!(
        b.path_and_query().await?.starts_with("/people?"),
        "the filter stays on /people"
    );
    let people = b.table().await?;
    assert_eq!(
        people.texts("Name"),
        vec![person_name.as_str()],
        "the filtered list holds just the new person"
    );
    assert_eq!(people.texts("Site"), vec![site_name.as_str()]);
    assert_eq!(people.texts("Email"), vec![person_email.as_str()]);
    assert_eq!(people.texts("Job role"), vec!["Nurse"]);
    b.click_link(&person_name).await?;
    assert_eq!(b.path().await?, person_path);

    // The audit log records both, made on the web by the admin.
    b.nav("Audit log").await?;
    assert_eq!(b.path().await?, "/audit");
    let audit = b.table().await?;
    for what in [
        format!("Created site {site_id}"),
        format!("Created person {person_id}"),
    ] {
        let i = audit
            .texts("What")
            .iter()
            .position(|w| *w == what)
            .with_context(|| format!("the audit log shows {what:?}"))?;
        ensure!(
            audit.rows[i][audit.column("Who")].text.contains(ADMIN),
            "{what} is attributed to the admin"
        );
        assert_eq!(audit.rows[i][audit.column("Via")].text, "Web");
    }

    // The program's settings, from the navigation.
    let program = b.find_in("header", Locator::LinkText("Program")).await?;
    b.follow(program).await?;
    assert_eq!(b.path().await?, "/program");

    // The API documentation, from the footer.
    let api = b.find_in("footer", Locator::LinkText("API")).await?;
    b.follow(api).await?;
    assert_eq!(b.path().await?, "/api/docs");

    // Every kind of page the admin reached was audited.
    let audited: Vec<String> = b
        .audits()
        .iter()
        .map(|a| a.page.split('?').next().unwrap_or_default().to_owned())
        .collect();
    let wanted = [
        "/login".to_owned(),
        "/".into(),
        "/sites".into(),
        "/sites/new".into(),
        site_path.clone(),
        format!("/sites/{site_id}/edit"),
        format!("/sites/{site_id}/delete"),
        "/units".into(),
        "/waves".into(),
        wave_href,
        "/modules".into(),
        "/people".into(),
        "/people/new".into(),
        person_path,
        "/audit".into(),
        "/program".into(),
        "/api/docs".into(),
    ];
    for page in &wanted {
        ensure!(
            audited.contains(page),
            "{page} was not audited; audited: {audited:?}"
        );
    }
    ensure!(
        b.audits()
            .iter()
            .any(|a| a.page == "/sites" && a.status == Some(422)),
        "the form with errors was audited"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_lead_sees_only_own_site_people_and_cannot_open_others() {
    run(
        "site_lead_sees_only_own_site_people_and_cannot_open_others",
        site_lead_scenario,
    )
    .await;
}

async fn site_lead_scenario(b: Browser) -> Result<()> {
    // As admin: someone at another site than the site lead's.
    b.sign_in(ADMIN).await?;
    b.nav("Sites").await?;
    let sites = b.table().await?;
    let other_site = sites
        .rows
        .iter()
        .find(|r| r[sites.column("Name")].text != SITE_LEAD_SITE)
        .context("the demo program has more than one site")?;
    let other_site_name = other_site[sites.column("Name")].text.clone();
    let other_site_id = id_of(
        other_site[sites.column("Name")]
            .href
            .as_deref()
            .context("site link")?,
    );
    b.goto(&format!("/people?site_id={other_site_id}")).await?;
    let others = b.table().await?;
    let outsider = others
        .rows
        .first()
        .with_context(|| format!("{other_site_name} has people"))?;
    assert_eq!(outsider[others.column("Site")].text, other_site_name);
    let outsider_name = outsider[others.column("Name")].text.clone();
    let outsider_href = outsider[others.column("Name")]
        .href
        .clone()
        .context("person link")?;
    b.sign_out().await?;
    assert_eq!(b.flash().await?.as_deref(), Some("You are signed out."));

    // As the site lead: no audit log, and only their site's people, page after page.
    b.sign_in(SITE_LEAD).await?;
    ensure!(
        b.find_in(
            "nav[aria-label='Capabilities']",
            Locator::LinkText("Audit log")
        )
        .await
        .is_err(),
        "a site lead has no audit log"
    );
    b.nav("People").await?;
    assert_eq!(b.path().await?, "/people");
    for page in 1..=2 {
        let people = b.table().await?;
        ensure!(
            !people.rows.is_empty(),
            "the site lead sees people on page {page}"
        );
        for (name, site) in people.texts("Name").iter().zip(people.texts("Site")) {
            ensure!(
                site == SITE_LEAD_SITE,
                "page {page} of /people shows {name} at {site:?}, outside the site lead's site"
            );
        }
        match b.find_in("nav.pager", Locator::LinkText("Next page")).await {
            Ok(next) if page == 1 => b.follow(next).await?,
            _ => break,
        }
    }

    // Searching for the outsider by name finds nobody of theirs.
    b.nav("People").await?;
    b.fill("f-q", &outsider_name).await?;
    b.press("form.filters button[type='submit']").await?;
    if b.exists("main table").await? {
        let found = b.table().await?;
        ensure!(
            found
                .rows
                .iter()
                .all(|r| r[found.column("Name")].href.as_deref() != Some(outsider_href.as_str())),
            "the search lists {outsider_name}, who works at {other_site_name}"
        );
        ensure!(
            found.texts("Site").iter().all(|s| *s == SITE_LEAD_SITE),
            "the search lists people of other sites"
        );
    } else {
        ensure!(
            b.exists("main p.empty").await?,
            "an empty search says nothing matches"
        );
    }

    // Their own site's people open; the outsider's page is refused, saying why.
    b.nav("People").await?;
    let own = b.table().await?;
    let own_name = own.rows[0][own.column("Name")].text.clone();
    b.click_link(&own_name).await?;
    assert_eq!(b.status().await?, Some(200));
    assert_eq!(b.text("h1").await?, own_name);

    b.goto(&outsider_href).await?;
    assert_eq!(
        b.status().await?,
        Some(403),
        "another site's person is forbidden"
    );
    assert_eq!(b.text("h1").await?, "Forbidden (403)");
    let why = b.text("main .problems[role='alert']").await?;
    ensure!(
        why.contains("at a site outside your assignment"),
        "the 403 page says why: {why:?}"
    );
    ensure!(
        !b.text("main").await?.contains(&outsider_name),
        "the 403 page does not show who it was"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_sign_in_works() {
    run("keyboard_only_sign_in_works", keyboard_scenario).await;
}

async fn keyboard_scenario(b: Browser) -> Result<()> {
    b.goto("/login").await?;
    // The email field has the focus from the start (autofocus); else Tab gets there.
    for _ in 0..5 {
        if b.focused_id().await? == "email" {
            break;
        }
        b.keys(&Key::Tab, false).await?;
    }
    assert_eq!(
        b.focused_id().await?,
        "email",
        "the email field can be reached with the keyboard"
    );
    b.keys(ADMIN, false).await?;
    b.keys(&Key::Tab, false).await?;
    assert_eq!(
        b.focused_id().await?,
        "password",
        "Tab moves from the email to the password"
    );
    b.keys(DEMO_PASSWORD, false).await?;
    assert_eq!(b.value("email").await?, ADMIN);
    b.keys(&Key::Enter, true).await?;
    assert_eq!(
        b.path().await?,
        "/",
        "Enter signs in and opens the overview"
    );
    ensure!(
        b.exists("#size").await?,
        "the overview shows the program at a glance"
    );
    ensure!(
        b.text("header .who").await?.contains("Sign out"),
        "signed in"
    );

    // The skip link is the first stop of the keyboard on every signed-in page.
    b.keys(&Key::Tab, false).await?;
    let first =
        b.client.execute("return document.activeElement.className + ' ' + document.activeElement.getAttribute('href');", vec![]).await?;
    assert_eq!(
        first,
        serde_json::json!("skip #main"),
        "the first Tab stop is the skip link"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_files_a_ticket_and_the_live_board_shows_the_next_one() {
    run(
        "a_user_files_a_ticket_and_the_live_board_shows_the_next_one",
        command_center_scenario,
    )
    .await;
}

async fn command_center_scenario(b: Browser) -> Result<()> {
    let tag = tag();
    // An end user reports a problem from the elbow: the form, then the ticket with its number.
    b.sign_in("user@riverbend.example").await?;
    b.nav("Tickets").await?;
    ensure!(
        b.text("h1").await? == "My tickets",
        "end users see their own tickets"
    );
    b.click_link("Report a problem").await?;
    assert_eq!(b.path().await?, "/tickets/new");
    b.fill("f-summary", &format!("Wristband printer blank {tag}"))
        .await?;
    b.select_label("f-site_id", "Riverbend Medical Center (RMC)")
        .await?;
    b.fill("f-what_happened", "The label comes out blank")
        .await?;
    b.press("form.intake button[type=submit]").await?;
    let flash = b.flash().await?.unwrap_or_default();
    ensure!(
        flash.contains("filed"),
        "the requester gets a ticket number at once: {flash:?}"
    );
    ensure!(
        b.path().await?.starts_with("/tickets/"),
        "and sees the ticket"
    );
    b.goto("/known-issues").await?;
    b.goto("/notifications").await?;
    b.sign_out().await?;

    // The program lead watches the board; a new ticket appears without a reload.
    b.sign_in("lead@riverbend.example").await?;
    b.nav("Command center").await?;
    ensure!(
        b.exists("#board .tiles").await?,
        "the board shows its figures"
    );
    let probe = format!("Live ticker probe {tag}");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const csrf = document.querySelector('input[name=csrf_token]').value;
         fetch('/api/v1/sites?limit=1').then(r => r.json()).then(p => fetch('/api/v1/tickets', {{
           method: 'POST', headers: {{'Content-Type': 'application/json', 'X-CSRF-Token': csrf}},
           body: JSON.stringify({{site_id: p.items[0].id, summary: '{probe}', what_happened: 'probe'}})
         }})).then(r => done(r.status));"
    );
    let status = b.client.execute_async(&script, vec![]).await?;
    ensure!(
        status == serde_json::json!(201),
        "the probe ticket was filed: {status}"
    );
    let mut shown = false;
    for _ in 0..50 {
        if b.text("#ticker").await?.contains(&probe) {
            shown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure!(
        shown,
        "the new ticket reached the open board within 5 s without a reload"
    );
    for path in [
        "/tickets",
        "/command-center/huddle",
        "/command-center/vendors",
        "/command-center/settings",
        "/change-requests",
        "/support-teams",
        "/sla-policies",
        "/decision-rights",
        "/rounding",
    ] {
        b.goto(path).await?;
        ensure!(b.status().await? == Some(200), "{path} opens");
    }
    // One ticket's page, from the list.
    b.goto("/tickets?status=open").await?;
    let first = b.find("table tbody a").await?;
    b.follow(first).await?;
    ensure!(
        b.exists("form.record").await?,
        "the lead can work the ticket"
    );
    // Resolving without saying what was done is refused, and the page keeps what was typed
    // (axe audits the refused page too).
    b.select_value("f-status", "resolved").await?;
    b.select_value("f-resolution_code", "fixed").await?;
    b.fill("f-comment", "Reseated the printer cable").await?;
    b.press("form.record button.primary").await?;
    ensure!(
        b.status().await? == Some(422),
        "a resolve without a note is refused"
    );
    ensure!(
        b.exists("#e-resolution_note").await?,
        "the note's error is beside it"
    );
    ensure!(
        b.value("f-comment").await? == "Reseated the printer cable"
            && b.selected_label("f-resolution_code").await? != "— when resolving —",
        "what was typed and chosen is still there"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_lead_imports_a_roster_file_through_the_pages() {
    run(
        "a_program_lead_imports_a_roster_file_through_the_pages",
        import_scenario,
    )
    .await;
}

async fn import_scenario(b: Browser) -> Result<()> {
    let tag = tag();
    let file = std::env::temp_dir().join(format!("muster-e2e-roster-{tag}.csv"));
    std::fs::write(
        &file,
        format!(
            "Employee ID,Full Name,Work Email,Job Title,Site Code,Dept,Shift,Badge\n\
             X{tag}1,Imogen Import {tag},imogen.{t}@e2e.example,nurse,RMC,RMC-02,night,blue\n\
             X{tag}2,Ivo Import {tag},not-an-email,nurse,RMC,,day,red\n",
            t = tag.to_lowercase()
        ),
    )?;
    b.sign_in("lead@riverbend.example").await?;
    b.nav("People").await?;
    b.click_link("Import people").await?;
    assert_eq!(b.path().await?, "/people/import");
    b.find("#f-file")
        .await?
        .send_keys(file.to_str().context("a UTF-8 temp path")?)
        .await
        .context("choosing the file")?;
    b.press("main form.record button.primary").await?;
    ensure!(
        b.path().await?.starts_with("/imports/"),
        "the upload leads to the mapping"
    );
    assert_eq!(b.selected_label("f-map_email").await?, "Work Email");
    assert_eq!(b.selected_label("f-map_unit").await?, "Dept");
    let preview = b.text("main table").await?;
    ensure!(
        preview.contains(&format!("Imogen Import {tag}"))
            && preview.contains("is not an email address"),
        "the preview shows the first rows and their errors: {preview}"
    );
    b.find("input[name=mode][value=valid_rows]")
        .await?
        .click()
        .await?;
    b.press("button[name=intent][value=start]").await?;
    let mut status = String::new();
    for _ in 0..100 {
        status = b.text("[data-field=status]").await.unwrap_or_default();
        if status == "Done" || status == "Failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "Done", "the progress page ends on the outcome");
    b.goto(&b.path().await?).await?;
    let counts = b.text("dl.facts").await?;
    ensure!(
        counts.contains("New people\n1") || counts.contains("New people 1"),
        "one new person: {counts}"
    );
    ensure!(
        b.exists("a[href$='/rejects.csv']").await?,
        "the rejected row can be downloaded"
    );
    b.goto("/imports").await?;
    // The upload form offers both kinds (axe checks it with completions chosen).
    b.goto("/completions/import").await?;
    ensure!(
        b.exists("input[name=kind][value=completions]:checked")
            .await?
            && b.exists("input[name=kind][value=people]").await?,
        "the upload form offers people and completions"
    );
    b.goto(&format!("/people?q=Imogen+Import+{tag}")).await?;
    ensure!(
        b.text("main table")
            .await?
            .contains(&format!("Imogen Import {tag}")),
        "the imported person is listed"
    );
    let _ = std::fs::remove_file(&file);
    Ok(())
}
