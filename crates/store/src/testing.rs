//! For tests of this and other crates: a fresh database per test, on the backend named by
//! MUSTER_TEST_DATABASE (sqlite or postgres; sqlite when unset). PostgreSQL needs
//! MUSTER_TEST_POSTGRES_URL, an admin URL from which a throwaway database is created
//! (scripts/test.sh sets both). Compiled only with the `testing` feature.

use crate::{DatabaseUrl, Store};

/// A fresh, migrated database; an SQLite file lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh database on the backend the environment names.
pub async fn fresh() -> TestDb {
    match std::env::var("MUSTER_TEST_DATABASE").as_deref() {
        Ok("postgres") => {
            let admin = std::env::var("MUSTER_TEST_POSTGRES_URL")
                .expect("MUSTER_TEST_DATABASE=postgres needs MUSTER_TEST_POSTGRES_URL (run scripts/test.sh)");
            let name = format!("muster_test_{}", rand::random::<u64>());
            let admin_store = Store::connect(&DatabaseUrl::parse(&admin).unwrap()).await.unwrap();
            admin_store.execute_raw(&format!("CREATE DATABASE {name}")).await.unwrap();
            admin_store.close().await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
            let url = DatabaseUrl::parse(&format!("{base}/{name}")).unwrap();
            TestDb { store: Store::open(&url).await.unwrap(), url, _dir: None }
        }
        Ok("sqlite") | Err(_) => {
            let dir = tempfile::tempdir().unwrap();
            let url = DatabaseUrl::parse(dir.path().join("test.db").to_str().unwrap()).unwrap();
            TestDb { store: Store::open(&url).await.unwrap(), url, _dir: Some(dir) }
        }
        Ok(other) => panic!("MUSTER_TEST_DATABASE must be sqlite or postgres, not {other}"),
    }
}
