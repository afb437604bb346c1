//! Driving the browser: navigation that waits for the next document and audits it with
//! axe-core, form helpers, reading tables, signing in and out; and `run`, which sets up a
//! server and a browser for one scenario and always tears them down.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::{Value, json};

use super::axe::{self, Audit};
use super::rig::{Driver, Server};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "riverbend-demo";
/// A whole scenario, from the first page to the last.
const SCENARIO_LIMIT: Duration = Duration::from_secs(120);
/// Waiting for a page after a click or a key press.
const NAVIGATION_LIMIT: Duration = Duration::from_secs(15);

/// A browser tab on the server under test. Every page it arrives at is audited with axe.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    base: String,
    axe: Arc<String>,
    audits: Arc<Mutex<Vec<Audit>>>,
}

/// A table of the page: header texts, and per row the cells' text and link (if any).
#[derive(Debug, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<TableCell>>,
}

#[derive(Debug, Deserialize)]
pub struct TableCell {
    pub text: String,
    pub href: Option<String>,
}

impl Table {
    /// The index of the column headed `header`.
    pub fn column(&self, header: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("no column {header:?} in {:?}", self.headers))
    }

    /// The rows' texts in column `header`.
    pub fn texts(&self, header: &str) -> Vec<&str> {
        let i = self.column(header);
        self.rows.iter().map(|r| r[i].text.as_str()).collect()
    }
}

/// The last path segment of a link like `/sites/12` as an id.
pub fn id_of(href: &str) -> i64 {
    href.trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id at the end of {href:?}"))
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Every page audited so far, in order.
    pub fn audits(&self) -> Vec<Audit> {
        self.audits.lock().unwrap().clone()
    }

    // --- navigation ---------------------------------------------------------------------

    /// Opens `path` as if typed into the address bar.
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.client
            .goto(&self.url(path))
            .await
            .with_context(|| format!("opening {path}"))?;
        self.arrived().await
    }

    /// Marks the current document, so that `arrived` can tell when another has replaced it.
    async fn mark(&self) -> Result<()> {
        self.client
            .execute("window.__musterE2eOld = true;", vec![])
            .await
            .context("marking the page")?;
        Ok(())
    }

    /// Waits until a new document (not the marked one) has loaded, then audits it.
    async fn arrived(&self) -> Result<()> {
        let deadline = Instant::now() + NAVIGATION_LIMIT;
        loop {
            // While the old page unloads, scripts may fail: that just means "not yet".
            let ready = self
                .client
                .execute(
                    "return !window.__musterE2eOld && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(ready, Ok(Value::Bool(true))) {
                break;
            }
            if Instant::now() > deadline {
                bail!(
                    "no new page loaded within {NAVIGATION_LIMIT:?} (still at {})",
                    self.path_and_query().await.unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.audit().await
    }

    /// Clicks `element` (a link or a submit button) and waits for the page it leads to.
    pub async fn follow(&self, element: Element) -> Result<()> {
        self.mark().await?;
        element.click().await.context("clicking")?;
        self.arrived().await
    }

    /// Follows the link with exactly this text in the main content.
    pub async fn click_link(&self, text: &str) -> Result<()> {
        let link = self
            .find_in("main", Locator::LinkText(text))
            .await
            .with_context(|| format!("finding the link {text:?}"))?;
        self.follow(link).await
    }

    /// Follows a link of the main navigation.
    pub async fn nav(&self, label: &str) -> Result<()> {
        let link = self
            .find_in("nav[aria-label='Capabilities']", Locator::LinkText(label))
            .await
            .with_context(|| format!("finding {label:?} in the navigation"))?;
        self.follow(link).await
    }

    /// Submits the form around the button matched by `css`, by clicking the button.
    pub async fn press(&self, css: &str) -> Result<()> {
        let button = self.find(css).await?;
        self.follow(button).await
    }

    /// Clicks the button matched by `css` and checks that the browser does not send its form
    /// (client-side validation stops it).
    pub async fn press_blocked(&self, css: &str) -> Result<()> {
        let button = self.find(css).await?;
        self.mark().await?;
        button.click().await.context("clicking")?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let same = self
            .client
            .execute("return window.__musterE2eOld === true;", vec![])
            .await;
        if !matches!(same, Ok(Value::Bool(true))) {
            bail!("the browser sent the form although it should have refused to");
        }
        Ok(())
    }

    /// Presses keys on the keyboard, to whatever has the focus; with `navigates`, waits for
    /// the page they lead to.
    pub async fn keys(&self, text: &str, navigates: bool) -> Result<()> {
        let mut keys = KeyActions::new("keyboard".into());
        for c in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        if navigates {
            self.mark().await?;
        }
        self.client.perform_actions(keys).await.context("typing")?;
        if navigates {
            self.arrived().await
        } else {
            Ok(())
        }
    }

    // --- reading the page -------------------------------------------------------------

    pub async fn path(&self) -> Result<String> {
        Ok(self.client.current_url().await?.path().to_owned())
    }

    pub async fn path_and_query(&self) -> Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// The HTTP status the current document came with.
    pub async fn status(&self) -> Result<Option<u16>> {
        let status = self
            .client
            .execute("const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : null;", vec![])
            .await?;
        Ok(status.as_u64().map(|s| s as u16))
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => Ok(element),
            Err(e) => Err(anyhow!(e).context(format!(
                "finding {css} on {}",
                self.path_and_query().await.unwrap_or_default()
            ))),
        }
    }

    pub async fn find_in(&self, scope: &str, locator: Locator<'_>) -> Result<Element> {
        Ok(self.find(scope).await?.find(locator).await?)
    }

    pub async fn exists(&self, css: &str) -> Result<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// The visible text of the element matched by `css`.
    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.text().await?.trim().to_owned())
    }

    /// The flash message, if the page shows one.
    pub async fn flash(&self) -> Result<Option<String>> {
        let found = self
            .client
            .find_all(Locator::Css("p.flash[role='status']"))
            .await?;
        match found.first() {
            Some(e) => Ok(Some(e.text().await?.trim().to_owned())),
            None => Ok(None),
        }
    }

    /// The id of the focused element.
    pub async fn focused_id(&self) -> Result<String> {
        let id = self
            .client
            .execute(
                "return document.activeElement ? document.activeElement.id : '';",
                vec![],
            )
            .await?;
        Ok(id.as_str().unwrap_or_default().to_owned())
    }

    /// The first table in the main content.
    pub async fn table(&self) -> Result<Table> {
        let value = self
            .client
            .execute(
                r#"
                const t = document.querySelector('main table');
                if (!t) return null;
                const text = e => e.textContent.trim().replace(/\s+/g, ' ');
                return {
                  headers: [...t.querySelectorAll('thead th')].map(text),
                  rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => {
                    const a = td.querySelector('a[href]');
                    return { text: text(td), href: a ? a.getAttribute('href') : null };
                  })),
                };"#,
                vec![],
            )
            .await?;
        if value.is_null() {
            bail!("no table on {}", self.path_and_query().await?);
        }
        Ok(serde_json::from_value(value)?)
    }

    // --- forms --------------------------------------------------------------------------

    /// Types `value` into the (emptied) input with this id.
    pub async fn fill(&self, id: &str, value: &str) -> Result<()> {
        let input = self
            .client
            .find(Locator::Id(id))
            .await
            .with_context(|| format!("finding #{id}"))?;
        input.clear().await?;
        if !value.is_empty() {
            input
                .send_keys(value)
                .await
                .with_context(|| format!("typing into #{id}"))?;
        }
        Ok(())
    }

    /// Sets a control's value as a script would: for date inputs, whose typed keys follow
    /// the browser's locale.
    pub async fn set_value(&self, id: &str, value: &str) -> Result<()> {
        self.client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![id.into(), value.into()],
            )
            .await
            .with_context(|| format!("setting #{id}"))?;
        Ok(())
    }

    /// The current value of the form control with this id.
    pub async fn value(&self, id: &str) -> Result<String> {
        let element = self
            .client
            .find(Locator::Id(id))
            .await
            .with_context(|| format!("finding #{id}"))?;
        Ok(element.prop("value").await?.unwrap_or_default())
    }

    pub async fn select_value(&self, id: &str, value: &str) -> Result<()> {
        let select = self
            .client
            .find(Locator::Id(id))
            .await
            .with_context(|| format!("finding #{id}"))?;
        select
            .select_by_value(value)
            .await
            .with_context(|| format!("choosing value {value:?} in #{id}"))?;
        Ok(())
    }

    /// Chooses the option whose visible text is `label`.
    pub async fn select_label(&self, id: &str, label: &str) -> Result<()> {
        let select = self
            .client
            .find(Locator::Id(id))
            .await
            .with_context(|| format!("finding #{id}"))?;
        select
            .select_by_label(label)
            .await
            .with_context(|| format!("choosing {label:?} in #{id}"))?;
        Ok(())
    }

    /// The value of the option of select `id` whose text starts with `label`.
    pub async fn option_starting(&self, id: &str, label: &str) -> Result<String> {
        let value = self
            .client
            .execute(
                "const s = document.getElementById(arguments[0]); \
                 const o = s && [...s.options].find(o => o.textContent.trim().startsWith(arguments[1])); \
                 return o ? o.value : null;",
                vec![json!(id), json!(label)],
            )
            .await?;
        value
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no option starting {label:?} in #{id}"))
    }

    /// Picks `value` from the suggestions of text input `id` as the browser does when one
    /// is chosen from its datalist: the value replaced, then an `input` event.
    pub async fn choose_suggestion(&self, id: &str, value: &str) -> Result<()> {
        self.client
            .execute(
                "const i = document.getElementById(arguments[0]); i.value = arguments[1]; \
                 i.dispatchEvent(new InputEvent('input', { bubbles: true, \
                 inputType: 'insertReplacementText' }));",
                vec![json!(id), json!(value)],
            )
            .await
            .with_context(|| format!("choosing {value:?} in #{id}"))?;
        Ok(())
    }

    /// Waits (up to five seconds) until `css` matches an element whose text contains
    /// `text`: for what a script fills in after a request of its own.
    pub async fn until_text(&self, css: &str, text: &str) -> Result<()> {
        for _ in 0..200 {
            let found = self
                .client
                .execute(
                    "return [...document.querySelectorAll(arguments[0])] \
                     .some(e => e.textContent.includes(arguments[1]));",
                    vec![json!(css), json!(text)],
                )
                .await?;
            if found.as_bool() == Some(true) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(anyhow!("nothing matching {css} came to contain {text:?}"))
    }

    /// The visible text of the chosen option of a select.
    pub async fn selected_label(&self, id: &str) -> Result<String> {
        let label = self
            .client
            .execute("const s = document.getElementById(arguments[0]); return s && s.selectedOptions[0] ? s.selectedOptions[0].textContent.trim() : null;", vec![json!(id)])
            .await?;
        label
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no chosen option in #{id}"))
    }

    // --- accounts -----------------------------------------------------------------------

    /// Signs in through the sign-in form and lands on the overview.
    pub async fn sign_in(&self, email: &str) -> Result<()> {
        self.goto("/login").await?;
        self.fill("email", email).await?;
        self.fill("password", DEMO_PASSWORD).await?;
        let button = self
            .find_in(
                "main form",
                Locator::XPath(".//button[normalize-space()='Sign in']"),
            )
            .await?;
        self.follow(button).await?;
        let path = self.path().await?;
        if path != "/" {
            let problem = self.text("main").await.unwrap_or_default();
            bail!("signing in as {email} led to {path}, not the overview: {problem}");
        }
        Ok(())
    }

    /// Signs out with the header's button and lands on the sign-in page.
    pub async fn sign_out(&self) -> Result<()> {
        self.press("header form[action='/logout'] button").await?;
        let path = self.path().await?;
        if path != "/login" {
            bail!("signing out led to {path}, not /login");
        }
        Ok(())
    }

    // --- accessibility ------------------------------------------------------------------

    /// Runs axe-core on the current page.
    async fn axe_violations(&self, page: &str) -> Result<Vec<axe::Violation>> {
        let injected = self
            .client
            .execute(&format!("{}\n;return typeof window.axe;", self.axe), vec![])
            .await
            .with_context(|| format!("injecting axe-core into {page}"))?;
        if injected != json!("object") {
            bail!("axe-core did not load into {page} (typeof axe: {injected})");
        }
        let outcome = self
            .client
            .execute_async(axe::RUN, vec![])
            .await
            .with_context(|| format!("running axe-core on {page}"))?;
        let outcome: axe::Outcome =
            serde_json::from_value(outcome).context("reading axe-core's results")?;
        if !outcome.ok {
            bail!(
                "axe-core failed on {page}: {}",
                outcome.error.unwrap_or_default()
            );
        }
        Ok(outcome.violations)
    }

    /// Runs axe-core on the current page and records what it found.
    async fn audit(&self) -> Result<()> {
        let page = self.path_and_query().await?;
        let violations = self.axe_violations(&page).await?;
        let audit = Audit {
            page,
            title: self.client.title().await?,
            status: self.status().await?,
            violations,
        };
        self.audits.lock().unwrap().push(audit);
        Ok(())
    }

    /// Makes sure the checks can fail: axe-core must flag a page with known faults.
    async fn check_axe_catches_faults(&self) -> Result<()> {
        let faulty = "data:text/html,<!doctype html><html><head><title>faulty</title></head><body><main>\
                      <img src='x.png'><input type='text'></main></body></html>";
        self.client.goto(faulty).await?;
        let found: Vec<String> = self
            .axe_violations("a faulty page")
            .await?
            .into_iter()
            .filter(|v| v.fails())
            .map(|v| v.id)
            .collect();
        for rule in ["image-alt", "label"] {
            if !found.iter().any(|id| id == rule) {
                bail!(
                    "axe-core did not flag {rule} on a page made to break it (found {found:?}); the accessibility checks are not working"
                );
            }
        }
        Ok(())
    }
}

async fn connect(driver: &Driver) -> Client {
    let profile = driver.profile.display();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": driver.chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                format!("--user-data-dir={profile}"),
                "--window-size=1024,768",
            ],
        },
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "could not start Chromium through chromedriver at {}: {e}",
                driver.url
            )
        });
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(30)),
            Some(Duration::from_secs(30)),
            Some(Duration::ZERO),
        ))
        .await
        .expect("setting WebDriver timeouts");
    client
}

/// Saves a screenshot and the HTML of the current page, for a failed scenario.
async fn keep_evidence(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-failures");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let url = client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
    if let Ok(html) = client.source().await {
        let _ = std::fs::write(dir.join(format!("{name}.html")), html);
    }
    eprintln!(
        "the browser was at {url}; screenshot and HTML saved in {}/{name}.*",
        dir.display()
    );
}

enum Failure {
    Error(String),
    Panic(Box<dyn std::any::Any + Send>),
}

/// Runs `scenario` against a fresh server (demo program) in a fresh headless Chromium.
/// Fails if the scenario fails or if axe-core finds serious or critical violations on any
/// page it reached. The server, chromedriver and Chromium are stopped in every case.
pub async fn run<F, Fut>(name: &str, scenario: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let started = Instant::now();
    let axe_source = axe::load_source();
    let server = Server::start().await;
    let driver = Driver::start();
    let client = connect(&driver).await;
    let browser = Browser {
        client: client.clone(),
        base: server.url.clone(),
        axe: Arc::new(axe_source),
        audits: Arc::default(),
    };
    let audits = browser.audits.clone();
    if let Err(e) = browser.check_axe_catches_faults().await {
        let _ = client.clone().close().await;
        panic!("{e:#}");
    }

    // On a task of its own, so that a panic in the scenario comes back here as a value and
    // the browser is still closed properly.
    let task = tokio::spawn(scenario(browser));
    let abort = task.abort_handle();
    let failure = match tokio::time::timeout(SCENARIO_LIMIT, task).await {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(error))) => Some(Failure::Error(format!("{name} failed: {error:#}"))),
        Ok(Err(join)) if join.is_panic() => Some(Failure::Panic(join.into_panic())),
        Ok(Err(join)) => Some(Failure::Error(format!("{name} did not finish: {join}"))),
        Err(_) => {
            abort.abort();
            Some(Failure::Error(format!(
                "{name} took longer than {SCENARIO_LIMIT:?}"
            )))
        }
    };
    if failure.is_some() {
        keep_evidence(&client, name).await;
    }
    // Ends the session, which quits Chromium; the guards below stop whatever is left.
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;

    let audits = audits.lock().unwrap().clone();
    let notes = axe::report(&audits, |v| !v.fails());
    if !notes.is_empty() {
        println!("axe-core findings below serious (not failing the test):\n{notes}");
    }
    let serious = axe::report(&audits, |v| v.fails());
    println!(
        "{name}: {} pages audited with axe-core in {:.1}s on {}:",
        audits.len(),
        started.elapsed().as_secs_f64(),
        server.database_url.split(':').next().unwrap_or("?")
    );
    for a in &audits {
        println!(
            "  {} [{}] {:?}: {} violations",
            a.page,
            a.status.map(|s| s.to_string()).unwrap_or_default(),
            a.title,
            a.violations.len()
        );
    }
    if failure.is_some() && !serious.is_empty() {
        eprintln!("Also, axe-core found serious or critical accessibility violations:\n{serious}");
    }
    // On failure the guards stop the server and browser while this unwinds, and show their logs.
    match failure {
        Some(Failure::Error(message)) => panic!("{message}"),
        Some(Failure::Panic(payload)) => std::panic::resume_unwind(payload),
        None => assert!(
            serious.is_empty(),
            "axe-core found serious or critical accessibility violations:\n{serious}"
        ),
    }
    drop(driver);
    drop(server);
}
