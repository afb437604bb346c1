//! Opening the database: the embedded SQLite file by default, PostgreSQL by URL.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::{DatabaseConnection, SqlxPostgresConnector, SqlxSqliteConnector};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::error::StoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL whose password never reaches a log: `Display` and `Debug` mask it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Accepts `postgres://...`, `postgresql://...`, `sqlite:PATH`, `sqlite://PATH` or a bare
    /// file path (an SQLite file).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("the database URL is empty".into());
        }
        if raw.starts_with("postgres://")
            || raw.starts_with("postgresql://")
            || raw.starts_with("sqlite:")
        {
            return Ok(Self(raw.to_owned()));
        }
        if raw.contains("://") {
            return Err(format!(
                "unsupported database URL scheme in '{}': use sqlite: or postgres://",
                mask(raw)
            ));
        }
        Ok(Self(format!("sqlite://{raw}")))
    }

    pub fn backend(&self) -> Backend {
        if self.0.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The URL with its secrets, for the connection itself only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SQLite file path, when this is an SQLite URL.
    pub fn sqlite_path(&self) -> Option<&str> {
        let rest = self
            .0
            .strip_prefix("sqlite://")
            .or_else(|| self.0.strip_prefix("sqlite:"))?;
        Some(rest.split('?').next().unwrap_or(rest))
    }
}

/// The URL with any password, in the user part or in the query string, replaced by `***`.
fn mask(url: &str) -> String {
    let mut shown = url.to_owned();
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && let Some((user, _)) = userinfo.split_once(':')
    {
        shown = format!("{scheme}://{user}:***@{host}");
    }
    if let Some(start) = shown.find("password=") {
        let end = shown[start..].find('&').map_or(shown.len(), |e| start + e);
        shown = format!("{}password=***{}", &shown[..start], &shown[end..]);
    }
    shown
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&mask(&self.0))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// The open database. Cheap to clone: it wraps a pool.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// The ticket intake task's own connection on SQLite. SQLite empties a connection's
    /// page cache whenever another connection has written, so the one busy writer keeps its
    /// pages warm by being the only one using its connection. On PostgreSQL, `db`.
    pub(crate) intake_db: DatabaseConnection,
    /// Bulk writes (a roster import) on SQLite: one connection, opened when needed and
    /// closed when idle, with a page cache big enough for a large import's index pages
    /// (64 MiB) and its statement journals in memory rather than in temporary files. On
    /// PostgreSQL, `db`.
    pub(crate) bulk_db: DatabaseConnection,
    /// A roster import's connection on SQLite: as `bulk_db`, but without SQLite's row-by-row
    /// foreign key checks, which cost a third of a 400,000-person import's SQL work
    /// (docs/performance.md, "Roster import"). The roster writer checks the references it
    /// writes itself, once per import (`RosterWriter::check_places`). On PostgreSQL, `db`.
    pub(crate) roster_db: DatabaseConnection,
    backend: Backend,
    /// The ticket intake task, started by the first new ticket.
    pub(crate) writer: std::sync::Arc<tokio::sync::OnceCell<crate::ticket::TicketWriter>>,
    /// Notifications also go out by mail (set when SMTP is configured).
    pub(crate) mail: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// API tokens recently seen, with their actor (see `account::TokenCache`).
    pub(crate) tokens: std::sync::Arc<crate::account::TokenCache>,
    /// Computed plans, kept until the plan changes (`plan::schedule`).
    pub(crate) schedules: std::sync::Arc<crate::plan::Schedules>,
}

impl Store {
    /// Opens (creating an SQLite file if needed) and migrates the database.
    #[tracing::instrument(skip_all, fields(url = %url))]
    pub async fn open(url: &DatabaseUrl) -> StoreResult<Self> {
        let store = Self::connect(url).await?;
        crate::migrate::run(&store).await?;
        Ok(store)
    }

    /// Opens the database without migrating it.
    pub async fn connect(url: &DatabaseUrl) -> StoreResult<Self> {
        match url.backend() {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url.expose())?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    // 16 MiB of pages per pooled connection: the OS caches the file as well,
                    // and a connection's cache is emptied whenever another one writes.
                    .pragma("cache_size", "-16384");
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .min_connections(1)
                    .connect_with(options.clone())
                    .await?;
                // Connected on first use: most stores never file a ticket.
                let intake = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(0)
                    .connect_lazy_with(options.clone().pragma("cache_size", "-65536"));
                let bulk_options = options
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory");
                let bulk = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(0)
                    .idle_timeout(Duration::from_secs(60))
                    .connect_lazy_with(bulk_options.clone());
                let roster = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(0)
                    .idle_timeout(Duration::from_secs(60))
                    // A smaller page cache than the bulk connection's: creating the person
                    // table's deferred indexes sorts in runs the size of the cache, and 16 MiB
                    // runs took no longer than 64 MiB ones while the 400,000-person import
                    // peaked at 137 MiB instead of 194 (docs/performance.md, "Roster import").
                    .connect_lazy_with(
                        bulk_options
                            .foreign_keys(false)
                            .pragma("cache_size", "-16384"),
                    );
                Ok(Store {
                    db: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
                    intake_db: SqlxSqliteConnector::from_sqlx_sqlite_pool(intake),
                    bulk_db: SqlxSqliteConnector::from_sqlx_sqlite_pool(bulk),
                    roster_db: SqlxSqliteConnector::from_sqlx_sqlite_pool(roster),
                    backend: Backend::Sqlite,
                    writer: Default::default(),
                    mail: Default::default(),
                    tokens: Default::default(),
                    schedules: Default::default(),
                })
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url.expose())?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                let db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
                Ok(Store {
                    intake_db: db.clone(),
                    bulk_db: db.clone(),
                    roster_db: db.clone(),
                    db,
                    backend: Backend::Postgres,
                    writer: Default::default(),
                    mail: Default::default(),
                    tokens: Default::default(),
                    schedules: Default::default(),
                })
            }
        }
    }

    /// Queue an email with every notification from now on (the mailer sends them).
    pub fn enable_mail(&self) {
        self.mail.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Is the database answering? (for `/healthz`)
    pub async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await?;
        Ok(())
    }

    pub async fn close(self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            self.intake_db.close().await?;
            self.bulk_db.close().await?;
            self.roster_db.close().await?;
        }
        self.db.close().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_a_printed_url() {
        let url = DatabaseUrl::parse(
            "postgres://muster:s3cret@db.example:5432/muster?sslmode=require&password=other",
        )
        .unwrap();
        let shown = format!("{url} {url:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("other"),
            "{shown}"
        );
        assert!(shown.contains("muster:***@db.example"));
    }

    #[test]
    fn a_bare_path_is_an_sqlite_file() {
        let url = DatabaseUrl::parse("muster.db").unwrap();
        assert_eq!(url.backend(), Backend::Sqlite);
        assert_eq!(url.sqlite_path(), Some("muster.db"));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }
}
