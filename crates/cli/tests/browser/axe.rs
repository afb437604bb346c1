//! Accessibility checks with axe-core, injected into each page the tests reach.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Deserialize;

use super::rig::workspace_root;

/// Impacts that fail a test. Moderate and minor findings are reported, not failed on.
pub const FAILING_IMPACTS: &[&str] = &["serious", "critical"];

/// The axe-core source: MUSTER_AXE_JS, else what scripts/test.sh installs under target/.
/// Never skipped: without it the test fails and says how to get it.
pub fn load_source() -> String {
    let configured = std::env::var("MUSTER_AXE_JS")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let path = match &configured {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join("target/test-tools/node_modules/axe-core/axe.min.js"),
    };
    match std::fs::read_to_string(&path) {
        Ok(source) if source.contains("axe") => source,
        _ => panic!(
            "axe-core is missing: {} does not exist or is not axe.min.js{}. Run scripts/test.sh once \
             (it installs axe-core with npm into target/test-tools), or point MUSTER_AXE_JS at axe.min.js.",
            path.display(),
            if configured.is_some() {
                " (from MUSTER_AXE_JS)"
            } else {
                ""
            }
        ),
    }
}

/// Runs axe on the whole document and hands back the violations only, in a small shape.
pub const RUN: &str = r#"
const done = arguments[arguments.length - 1];
window.axe.run(document, { resultTypes: ['violations'] })
  .then(r => done({
    ok: true,
    violations: r.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({ target: n.target, html: n.html, summary: n.failureSummary || '' })),
    })),
  }))
  .catch(e => done({ ok: false, error: String(e && e.stack || e) }));
"#;

#[derive(Debug, Clone, Deserialize)]
pub struct Outcome {
    pub ok: bool,
    #[serde(default)]
    pub violations: Vec<Violation>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Node {
    /// CSS selectors (arrays of them inside frames or shadow roots).
    pub target: Vec<serde_json::Value>,
    pub html: String,
    pub summary: String,
}

impl Violation {
    pub fn fails(&self) -> bool {
        self.impact
            .as_deref()
            .is_some_and(|i| FAILING_IMPACTS.contains(&i))
    }
}

/// One audited page.
#[derive(Debug, Clone)]
pub struct Audit {
    /// Path and query of the page.
    pub page: String,
    pub title: String,
    /// The HTTP status the page came with.
    pub status: Option<u16>,
    pub violations: Vec<Violation>,
}

fn target_text(target: &[serde_json::Value]) -> String {
    target
        .iter()
        .map(|t| match t {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" >>> ")
}

/// A readable list of `violations` of the audited pages, each with its page, rule, help
/// and the elements concerned; only those `keep` selects. Empty when there are none.
pub fn report(audits: &[Audit], keep: impl Fn(&Violation) -> bool) -> String {
    let mut out = String::new();
    for audit in audits {
        let found: Vec<&Violation> = audit.violations.iter().filter(|v| keep(v)).collect();
        if found.is_empty() {
            continue;
        }
        let status = audit.status.map(|s| format!(" [{s}]")).unwrap_or_default();
        let _ = writeln!(out, "page {}{status} \"{}\":", audit.page, audit.title);
        for v in found {
            let _ = writeln!(
                out,
                "  [{}] {}: {} ({})",
                v.impact.as_deref().unwrap_or("?"),
                v.id,
                v.help,
                v.help_url
            );
            for node in &v.nodes {
                let _ = writeln!(out, "      at {}  {}", target_text(&node.target), node.html);
                for line in node.summary.lines() {
                    let _ = writeln!(out, "         {line}");
                }
            }
        }
    }
    out
}
