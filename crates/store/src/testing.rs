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

/// PostgreSQL only: `table`'s indexes by name with their oids, sorted. An index created
/// again gets a new oid: to show that a bulk load dropped and recreated an index, or left
/// it alone.
pub async fn postgres_index_oids(store: &Store, table: &str) -> Vec<(String, i64)> {
    use sea_orm::ConnectionTrait;
    assert_eq!(
        store.backend(),
        crate::Backend::Postgres,
        "index oids are PostgreSQL's"
    );
    let sql = "SELECT c.relname::text AS name, CAST(c.oid AS BIGINT) AS oid FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = CAST(CAST(? AS text) AS regclass) ORDER BY 1";
    let statement = crate::raw::statement(store.backend(), sql, vec![table.into()]);
    let rows = store.db.query_all_raw(statement).await.unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get::<String>("", "name").unwrap(),
                r.try_get::<i64>("", "oid").unwrap(),
            )
        })
        .collect()
}

/// A transaction of another session that has read `table` and holds its share lock until
/// it is rolled back: a reader a bulk load must not wait behind for long.
pub async fn reader_of(store: &Store, table: &str) -> sea_orm::DatabaseTransaction {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let txn = store.db.begin().await.unwrap();
    txn.execute_unprepared(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap();
    txn
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

/// Two waves on a small plan shaped like the demo's, for tests of the waves page and of
/// moving a site or module: wave 1 (go-live 31 March 2027) takes Pharmacy and Laboratory
/// live at sites S and T; wave 2 (30 April) takes Pharmacy live and has no site yet. Each
/// wave builds its modules, then cuts over and goes live (a milestone held to its date);
/// each site's readiness work (under "Readiness: <site>", a summary with no wave) waits on
/// its wave's builds and feeds its cutover. Site S's 20 days of work make wave 1 late.
pub struct TwoWaves {
    pub wave_1: i64,
    pub wave_2: i64,
    pub pharmacy: i64,
    pub lab: i64,
    pub tasks: Vec<muster_domain::plan::task::PlanTask>,
}

impl TwoWaves {
    /// The id of the task called `name` in wave `wave` (or with no wave).
    pub fn task(&self, name: &str, wave: Option<i64>) -> i64 {
        self.tasks
            .iter()
            .find(|t| t.name == name && t.wave_id == wave)
            .unwrap_or_else(|| panic!("no task {name} in wave {wave:?}"))
            .id
    }
}

pub async fn two_waves(
    store: &Store,
    change: &crate::Change<'_>,
    site_s: i64,
    site_t: i64,
) -> TwoWaves {
    use muster_domain::module::ModuleDraft;
    use muster_domain::plan::task::TaskDraft;
    use muster_domain::plan::{ConstraintKind, DependencyKind};
    use muster_domain::wave::WaveDraft;

    use crate::plan::bulk::{NewDependency, NewTask};

    let module = |code: &str, name: &str| {
        ModuleDraft {
            code: Some(code.into()),
            name: Some(name.into()),
            description: None,
        }
        .parse()
        .unwrap()
    };
    let pharmacy = store
        .create_module(change, module("RX", "Pharmacy"))
        .await
        .unwrap()
        .id;
    let lab = store
        .create_module(change, module("LAB", "Laboratory"))
        .await
        .unwrap()
        .id;
    let wave = |name: &str, go_live: &str, sites: Vec<i64>, modules: Vec<i64>| {
        WaveDraft {
            name: Some(name.into()),
            go_live: Some(go_live.into()),
            site_ids: Some(sites),
            module_ids: Some(modules),
            interfaces: Some("12".into()),
            approved_customizations: Some("4".into()),
            ..Default::default()
        }
        .parse()
        .unwrap()
    };
    let wave_1 = store
        .create_wave(
            change,
            wave(
                "Wave 1",
                "2027-03-31",
                vec![site_s, site_t],
                vec![pharmacy, lab],
            ),
        )
        .await
        .unwrap()
        .id;
    let wave_2 = store
        .create_wave(change, wave("Wave 2", "2027-04-30", vec![], vec![pharmacy]))
        .await
        .unwrap()
        .id;
    store
        .update_plan_settings(
            change,
            "2027-03-01".parse().unwrap(),
            [true, true, true, true, true, false, false],
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    let mut add = |key: &str,
                   parent: Option<&str>,
                   name: &str,
                   duration: i64,
                   wave: Option<i64>,
                   site: Option<i64>,
                   module: Option<i64>| {
        let mut spec = TaskDraft {
            name: Some(name.into()),
            duration: Some(duration.to_string()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        spec.wave_id = wave;
        spec.site_id = site;
        spec.module_id = module;
        if name.ends_with("go-live") {
            let date = if wave == Some(wave_1) {
                "2027-03-31"
            } else {
                "2027-04-30"
            };
            spec.constraint = Some((ConstraintKind::FinishNoLaterThan, date.parse().unwrap()));
        }
        tasks.push(NewTask {
            key: key.into(),
            parent_key: parent.map(str::to_owned),
            spec,
        });
    };
    let (w1, w2) = (Some(wave_1), Some(wave_2));
    add("w1", None, "Wave 1", 0, w1, None, None);
    add("w1-build", Some("w1"), "Build (Wave 1)", 0, w1, None, None);
    add(
        "w1-rx",
        Some("w1-build"),
        "Build Pharmacy",
        10,
        w1,
        None,
        Some(pharmacy),
    );
    add(
        "w1-lab",
        Some("w1-build"),
        "Build Laboratory",
        8,
        w1,
        None,
        Some(lab),
    );
    add(
        "w1-s",
        Some("w1"),
        "Readiness: S",
        0,
        None,
        Some(site_s),
        None,
    );
    add(
        "w1-s-walk",
        Some("w1-s"),
        "Walkthrough S",
        20,
        w1,
        Some(site_s),
        None,
    );
    add(
        "w1-t",
        Some("w1"),
        "Readiness: T",
        0,
        None,
        Some(site_t),
        None,
    );
    add(
        "w1-t-walk",
        Some("w1-t"),
        "Walkthrough T",
        2,
        w1,
        Some(site_t),
        None,
    );
    add(
        "w1-cutover",
        Some("w1"),
        "Cutover (Wave 1)",
        3,
        w1,
        None,
        None,
    );
    add(
        "w1-go-live",
        Some("w1"),
        "Wave 1 go-live",
        0,
        w1,
        None,
        None,
    );
    add("w2", None, "Wave 2", 0, w2, None, None);
    add("w2-build", Some("w2"), "Build (Wave 2)", 0, w2, None, None);
    add(
        "w2-rx",
        Some("w2-build"),
        "Build Pharmacy",
        10,
        w2,
        None,
        Some(pharmacy),
    );
    add(
        "w2-cutover",
        Some("w2"),
        "Cutover (Wave 2)",
        3,
        w2,
        None,
        None,
    );
    add(
        "w2-go-live",
        Some("w2"),
        "Wave 2 go-live",
        0,
        w2,
        None,
        None,
    );
    let link = |p: &str, s: &str, kind: DependencyKind, lag: i64| NewDependency {
        predecessor_key: p.into(),
        successor_key: s.into(),
        kind,
        lag,
    };
    use DependencyKind::{FinishToStart as FS, StartToStart as SS};
    let links = vec![
        link("w1-rx", "w1-s-walk", SS, 5),
        link("w1-lab", "w1-s-walk", SS, 5),
        link("w1-s-walk", "w1-cutover", FS, 0),
        link("w1-rx", "w1-t-walk", SS, 5),
        link("w1-t-walk", "w1-cutover", FS, 0),
        link("w1-rx", "w1-cutover", FS, 0),
        link("w1-lab", "w1-cutover", FS, 0),
        link("w1-cutover", "w1-go-live", FS, 0),
        link("w2-rx", "w2-cutover", FS, 0),
        link("w2-cutover", "w2-go-live", FS, 0),
        link("w1-build", "w2-build", FS, 0),
    ];
    store.insert_plan_bulk(change, tasks, links).await.unwrap();
    let tasks = store.all_plan_tasks(change.program_id()).await.unwrap();
    TwoWaves {
        wave_1,
        wave_2,
        pharmacy,
        lab,
        tasks,
    }
}

/// Rows of the benefits rollups (migrations 0024 and 0025) that differ from the same figures
/// computed afresh from the measurements, counted both ways (a missing row, an extra one or
/// a different sum or count): zero when the database kept them right.
pub async fn benefit_rollups_differ(store: &Store) -> i64 {
    let rounded = |x: &str| format!("ROUND(CAST({x} AS NUMERIC), 6)");
    let months = format!(
        "SELECT goal_id, month, {}, program_n, {}, sites_n FROM goal_month",
        rounded("program_total"),
        rounded("sites_total")
    );
    let months_afresh = format!(
        "SELECT goal_id, month, {}, COUNT(*) - COUNT(site_id), {}, COUNT(site_id) \
         FROM measurement GROUP BY goal_id, month",
        rounded("COALESCE(SUM(CASE WHEN site_id IS NULL THEN value END), 0)"),
        rounded("COALESCE(SUM(CASE WHEN site_id IS NOT NULL THEN value END), 0)")
    );
    let waves = format!(
        "SELECT goal_id, wave_id, month, {}, n FROM goal_wave_month",
        rounded("total")
    );
    let waves_afresh = format!(
        "SELECT m.goal_id, ws.wave_id, m.month, {}, COUNT(*) FROM measurement m \
         JOIN wave_site ws ON ws.site_id = m.site_id GROUP BY m.goal_id, ws.wave_id, m.month",
        rounded("SUM(m.value)")
    );
    let differ = |a: &str, b: &str| format!("(SELECT COUNT(*) FROM ({a} EXCEPT {b}) d)");
    let sql = format!(
        "SELECT CAST({} + {} + {} + {} AS BIGINT) AS n",
        differ(&months, &months_afresh),
        differ(&months_afresh, &months),
        differ(&waves, &waves_afresh),
        differ(&waves_afresh, &waves)
    );
    count(store, &sql).await
}
