//! What every page shares: the layout (navigation by capability, the signed-in user and
//! role, breadcrumbs, the flash message), rendering, and the security headers.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use muster_domain::access::{Action, Subject};

use crate::auth::{Viewer, cookie};
use crate::error::PageError;

pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

pub struct Crumb {
    pub label: String,
    pub href: String,
}

/// The frame around every signed-in page.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub role_label: &'static str,
    pub nav: Vec<NavItem>,
    pub crumbs: Vec<Crumb>,
    pub flash: Option<String>,
    pub csrf_token: String,
    /// "$90,100.00": what one day of delay costs, in the program header.
    pub delay_cost: Option<String>,
    /// The href of the first breadcrumb after Overview: the capability the page belongs to
    /// ("/alignment" pages share the alignment sub-navigation).
    pub section: String,
    /// The codes of the subjects the viewer may read, for sub-navigation links.
    readable: Vec<&'static str>,
}

impl Layout {
    /// Whether the viewer may read subject `code`: sub-navigation shows only such links.
    pub fn may_read(&self, code: &str) -> bool {
        self.readable.contains(&code)
    }
}

const NAV: &[(&str, &str, Subject)] = &[
    ("Overview", "/", Subject::Program),
    ("Tickets", "/tickets", Subject::Ticket),
    ("Command center", "/command-center", Subject::CommandCenter),
    ("Plan", "/plan", Subject::Plan),
    ("Training", "/training", Subject::TrainingRecord),
    ("Readiness", "/readiness", Subject::ReadinessAssessment),
    ("Champions", "/champions", Subject::Champion),
    ("Provisioning", "/provisioning", Subject::Provisioning),
    ("Alignment", "/alignment", Subject::Goal),
    ("Sites", "/sites", Subject::Site),
    ("Units", "/units", Subject::Unit),
    ("Waves", "/waves", Subject::Wave),
    ("Modules", "/modules", Subject::Module),
    ("People", "/people", Subject::Person),
    ("Known issues", "/known-issues", Subject::KnownIssue),
    ("Audit log", "/audit", Subject::Audit),
    ("Program", "/program", Subject::Program),
];

impl Viewer {
    /// The layout for a page titled `title`, under `crumbs` (Overview is implied first).
    pub fn layout(&self, title: impl Into<String>, crumbs: Vec<(String, String)>) -> Layout {
        let title = title.into();
        let section = crumbs
            .first()
            .map(|(_, href)| href.clone())
            .unwrap_or_else(|| "/".into());
        let nav = NAV
            .iter()
            .filter(|(_, _, subject)| self.actor.may(Action::Read, *subject))
            .map(|&(label, href, _)| NavItem {
                label,
                href,
                current: href == section,
            })
            .collect();
        let section_href = section.clone();
        let mut all = vec![Crumb {
            label: "Overview".into(),
            href: "/".into(),
        }];
        all.extend(
            crumbs
                .into_iter()
                .map(|(label, href)| Crumb { label, href }),
        );
        Layout {
            title,
            user_name: self.actor.name.clone(),
            role_label: self.actor.role.label(),
            nav,
            crumbs: all,
            flash: self.flash.clone(),
            csrf_token: self.csrf_token.clone(),
            delay_cost: self.delay_cost.map(|c| c.to_string()),
            section: section_href,
            readable: Subject::ALL
                .iter()
                .filter(|s| self.actor.may(Action::Read, **s))
                .map(|s| s.code())
                .collect(),
        }
    }
}

/// Renders a page with `status`; a shown flash message is cleared.
pub fn render_with(
    status: axum::http::StatusCode,
    page: &impl Template,
    viewer: &Viewer,
) -> Result<Response, PageError> {
    let mut response = (status, Html(page.render()?)).into_response();
    if viewer.flash.is_some() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie::clear(cookie::FLASH));
    }
    Ok(response)
}

pub fn render(page: &impl Template, viewer: &Viewer) -> Result<Response, PageError> {
    render_with(axum::http::StatusCode::OK, page, viewer)
}

/// Post/Redirect/Get: redirect to `to` with a message for the next page.
pub fn redirect_with_flash(to: &str, message: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie::flash(message));
    response
}

/// A refused form's flash message: "Not done: field message; ...".
pub fn not_done(invalid: &muster_domain::Invalid) -> String {
    let text: Vec<String> = invalid
        .0
        .iter()
        .map(|e| format!("{} {}", e.field.replace('_', " "), e.message))
        .collect();
    format!("Not done: {}.", text.join("; "))
}

/// Headers that keep pages from being framed, sniffed or leaking referrers, and scripts to
/// our own.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
    response
}

/// The stylesheet and script, compiled into the binary.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.js"),
    )
}

/// 400000 -> "400,000".
pub fn thousands(n: u64) -> String {
    muster_domain::text::thousands(n)
}

/// A page with one form: a resource's new and edit pages, and settings pages.
#[derive(askama::Template)]
#[template(path = "resource/form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub action: String,
    pub submit: &'static str,
    pub cancel_href: String,
    pub fields: Vec<crate::form::Field>,
    pub problems: Vec<String>,
    pub field_errors: bool,
}

/// A one-form settings page (the plan's settings, the champion coverage target): the form
/// posting to `action`, with `invalid`'s errors beside their fields and a 422 when refused.
pub fn settings_form(
    viewer: &Viewer,
    layout: Layout,
    action: &str,
    cancel_href: &str,
    mut fields: Vec<crate::form::Field>,
    invalid: Option<&muster_domain::Invalid>,
) -> Result<Response, PageError> {
    let problems = crate::form::attach_errors(&mut fields, invalid);
    let page = FormPage {
        layout,
        action: action.into(),
        submit: "Save",
        cancel_href: cancel_href.into(),
        field_errors: invalid.is_some() && problems.is_empty(),
        fields,
        problems,
    };
    let status = if invalid.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    render_with(status, &page, viewer)
}
