//! Hand-written SQL for reports and aggregates: written once with `?` placeholders, which
//! become `$1, $2...` on PostgreSQL.

use sea_orm::{DatabaseBackend, Statement, Value};

use crate::Backend;

pub(crate) fn statement(backend: Backend, sql: &str, values: Vec<Value>) -> Statement {
    match backend {
        Backend::Sqlite => Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values),
        Backend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 16);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(c);
                }
            }
            Statement::from_sql_and_values(DatabaseBackend::Postgres, out, values)
        }
    }
}

/// The backend a connection or transaction talks to.
pub(crate) fn backend_of<C: sea_orm::ConnectionTrait>(db: &C) -> Backend {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// The rows of a JSON array of arrays bound as one text parameter, each as `r.value`, its
/// cells read with `r.value ->> N` as text: a bulk write binds one text per statement
/// instead of a value per cell, made while the previous statement runs (about 1 s of 6.7 s of
/// CPU for 400,000 people; docs/performance.md, "Roster import").
pub(crate) fn json_rows(backend: Backend) -> &'static str {
    match backend {
        // jsonb_each: each row's array comes as a binary slice that `->>` reads as it
        // is; json_each's would be printed as text and parsed again per column.
        Backend::Sqlite => "jsonb_each(?) AS r",
        // jsonb, not json: `->>` on a json value parses its text again for each column
        // (2.2 s of the server's CPU for 400,000 people, of 17.5).
        Backend::Postgres => "jsonb_array_elements(CAST(? AS jsonb)) AS r(value)",
    }
}

/// `?, ?, ?` for an IN list of `n` values.
pub(crate) fn marks(n: usize) -> String {
    vec!["?"; n.max(1)].join(", ")
}
