//! Configuration: defaults < `muster.toml` < `MUSTER_*` environment < flags. The environment
//! and flags are read by clap (each flag names its variable); this file adds the file layer.

use std::path::{Path, PathBuf};

use anyhow::Context;
use muster_store::DatabaseUrl;
use serde::Deserialize;

pub const DEFAULT_DATABASE: &str = "sqlite://muster.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What `muster.toml` may say. Unknown keys are refused so that typos do not go unnoticed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub listen: Option<String>,
    pub secure_cookies: Option<bool>,
    pub log: Option<String>,
    pub log_format: Option<String>,
    /// SMTP relay for notification mail, `host:port`.
    pub smtp: Option<String>,
    pub smtp_from: Option<String>,
    /// Where uploaded import files and rejects files are kept.
    pub import_dir: Option<PathBuf>,
    /// Largest import upload, e.g. "1G".
    pub import_max_bytes: Option<String>,
}

impl FileConfig {
    /// Reads `path` if given (it must exist), else `./muster.toml` if it exists.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("muster.toml"), false),
        };
        if !path.exists() {
            anyhow::ensure!(
                !required,
                "the configuration file {} does not exist",
                path.display()
            );
            return Ok(FileConfig::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("{} is not a valid Muster configuration", path.display()))
    }
}

/// The first value given, in order of precedence (flag/env, then file, then default).
pub fn pick(flag_or_env: Option<String>, file: Option<String>, default: &str) -> String {
    flag_or_env.or(file).unwrap_or_else(|| default.to_owned())
}

pub fn database_url(flag_or_env: Option<String>, file: &FileConfig) -> anyhow::Result<DatabaseUrl> {
    DatabaseUrl::parse(&pick(flag_or_env, file.database.clone(), DEFAULT_DATABASE))
        .map_err(anyhow::Error::msg)
}

/// The mail relay from `host:port` and a sender (default `muster@<host>`).
pub fn smtp(
    relay: Option<String>,
    from: Option<String>,
) -> anyhow::Result<Option<muster_web::SmtpConfig>> {
    let Some(relay) = relay.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    let (host, port) = relay
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_owned(), p.parse::<u16>().ok()?)))
        .with_context(|| format!("the SMTP relay '{relay}' is not host:port"))?;
    let from = from.unwrap_or_else(|| format!("muster@{host}"));
    Ok(Some(muster_web::SmtpConfig { host, port, from }))
}

/// A size such as 1073741824, 500M or 2G (binary units).
pub fn bytes(text: &str) -> anyhow::Result<u64> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (digits, unit) = match t.char_indices().last() {
        Some((i, 'K')) => (&t[..i], 1u64 << 10),
        Some((i, 'M')) => (&t[..i], 1 << 20),
        Some((i, 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("is not a size such as 500M or 2G"))?;
    n.checked_mul(unit).context("is too large")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        assert_eq!(pick(Some("a".into()), Some("b".into()), "c"), "a");
        assert_eq!(pick(None, Some("b".into()), "c"), "b");
        assert_eq!(pick(None, None, "c"), "c");
    }

    #[test]
    fn a_config_file_with_a_typo_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("muster.toml");
        std::fs::write(&path, "databse = \"x\"\n").unwrap();
        assert!(FileConfig::load(Some(&path)).is_err());
        std::fs::write(
            &path,
            "database = \"postgres://u:p@h/db\"\nlisten = \"127.0.0.1:9000\"\n",
        )
        .unwrap();
        let file = FileConfig::load(Some(&path)).unwrap();
        assert_eq!(file.listen.as_deref(), Some("127.0.0.1:9000"));
        assert!(FileConfig::load(Some(&dir.path().join("missing.toml"))).is_err());
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(bytes("1G").unwrap(), 1 << 30);
        assert_eq!(bytes("500m").unwrap(), 500 << 20);
        assert_eq!(bytes("2048").unwrap(), 2048);
        assert!(bytes("lots").is_err());
    }

    #[test]
    fn an_smtp_relay_is_host_and_port() {
        let relay = smtp(Some("mail.example:25".into()), None).unwrap().unwrap();
        assert_eq!(
            (relay.host.as_str(), relay.port, relay.from.as_str()),
            ("mail.example", 25, "muster@mail.example")
        );
        assert!(smtp(Some("mail.example".into()), None).is_err());
        assert!(smtp(None, None).unwrap().is_none());
    }
}
