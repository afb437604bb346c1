//! For tests of this and other crates: a fresh database per test, on the backend named by
//! MUSTER_TEST_DATABASE (sqlite or postgres; sqlite when unset). PostgreSQL needs
//! MUSTER_TEST_POSTGRES_URL, an admin URL from which a throwaway database is created
//! (scripts/test.sh sets both). Compiled only with the `testing` feature.

use crate::{DatabaseUrl, Store};

/// The URL of a fresh, empty database; an SQLite file lives as long as this value.
pub struct TestUrl {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

impl TestUrl {
    /// An existing SQLite file (say, a backup) to run against.
    pub fn sqlite_file(path: &std::path::Path) -> TestUrl {
        TestUrl {
            url: DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap(),
            _dir: None,
        }
    }
}

/// A fresh, migrated database and its URL.
pub struct TestDb {
    pub store: Store,
    pub url: DatabaseUrl,
    _keep: TestUrl,
}

/// Which backend the tests run on, from MUSTER_TEST_DATABASE.
pub fn postgres_wanted() -> bool {
    match std::env::var("MUSTER_TEST_DATABASE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("MUSTER_TEST_DATABASE must be sqlite or postgres, not {other}"),
    }
}

/// A fresh empty database (not yet migrated) on the backend the environment names.
pub async fn fresh_url() -> TestUrl {
    if postgres_wanted() {
        let admin = std::env::var("MUSTER_TEST_POSTGRES_URL").expect(
            "MUSTER_TEST_DATABASE=postgres needs MUSTER_TEST_POSTGRES_URL (run scripts/test.sh)",
        );
        let name = format!("muster_test_{}", rand::random::<u64>());
        let admin_store = Store::connect(&DatabaseUrl::parse(&admin).unwrap())
            .await
            .unwrap();
        admin_store
            .execute_raw(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin_store.close().await.unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap();
        TestUrl {
            url: DatabaseUrl::parse(&format!("{base}/{name}")).unwrap(),
            _dir: None,
        }
    } else {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(&format!(
            "sqlite://{}",
            dir.path().join("test.db").display()
        ))
        .unwrap();
        TestUrl {
            url,
            _dir: Some(dir),
        }
    }
}

/// A fresh, migrated database on the backend the environment names.
pub async fn fresh() -> TestDb {
    let keep = fresh_url().await;
    let url = keep.url.clone();
    TestDb {
        store: Store::open(&url).await.unwrap(),
        url,
        _keep: keep,
    }
}

/// The names of `table`'s indexes, sorted: to show that a bulk load left them as it found
/// them.
pub async fn index_names(store: &Store, table: &str) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    let sql = match store.backend() {
        crate::Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name"
        }
        crate::Backend::Postgres => {
            "SELECT indexname::text AS name FROM pg_indexes WHERE tablename = ? ORDER BY 1"
        }
    };
    let statement = crate::raw::statement(store.backend(), sql, vec![table.into()]);
    let rows = store.db.query_all_raw(statement).await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect()
}

/// The number `sql` (a `SELECT COUNT(*) AS n ...`) counts: for checking what no API shows,
/// such as rows kept only for speed.
pub async fn count(store: &Store, sql: &str) -> i64 {
    use sea_orm::FromQueryResult;
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let stmt = crate::raw::statement(store.backend(), sql, Vec::new());
    Count::find_by_statement(stmt)
        .one(&store.db)
        .await
        .unwrap()
        .expect("a count")
        .n
}

/// People of the store without a training status row (every person should have one).
pub async fn people_without_training_status(store: &Store) -> i64 {
    count(
        store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM person p \
         WHERE NOT EXISTS (SELECT 1 FROM training_status t WHERE t.person_id = p.id)",
    )
    .await
}
