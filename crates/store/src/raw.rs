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

/// `?, ?, ?` for an IN list of `n` values.
pub(crate) fn marks(n: usize) -> String {
    vec!["?"; n.max(1)].join(", ")
}
