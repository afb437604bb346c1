//! Loading a whole plan at once (demo data, file imports): tasks and dependencies checked
//! together before anything is written, then written in one transaction with one audit
//! entry, a few statements per thousand rows. A load made for an empty plan may bring its
//! calendar (project start, working weekdays, holidays), applied in the same transaction.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use muster_domain::Invalid;
use muster_domain::audit::AuditAction;
use muster_domain::plan::dependency::PlanDependency;
use muster_domain::plan::task::{PlanTask, TaskSpec};
use muster_domain::plan::{DependencyKind, PlanSettings};
use muster_domain::validate::FieldError;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, TransactionTrait};

use super::entity::{plan_dependency, plan_holiday, plan_settings, plan_task};
use super::task::task_row;
use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult};
use crate::raw::{backend_of, statement};

/// Rows per INSERT: SQLite allows at most 32,766 bound values per statement.
const ROWS_PER_STATEMENT: usize = 32_000 / 19;

/// A task to load, known by a key of the file it comes from (a row number, a UID).
#[derive(Debug, Clone)]
pub struct NewTask {
    pub key: String,
    pub parent_key: Option<String>,
    /// Its `parent_id` is ignored: `parent_key` says where it sits.
    pub spec: TaskSpec,
}

#[derive(Debug, Clone)]
pub struct NewDependency {
    pub predecessor_key: String,
    pub successor_key: String,
    pub kind: DependencyKind,
    pub lag: i64,
}

/// The calendar a load brings (a Microsoft Project file's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadCalendar {
    pub project_start: NaiveDate,
    /// Monday first.
    pub working_weekdays: [bool; 7],
    /// Program-wide days off, with their names; days that already are are left alone.
    pub holidays: Vec<(NaiveDate, String)>,
}

/// A whole plan, or a branch of one, to load.
#[derive(Debug, Clone, Default)]
pub struct PlanLoad {
    pub tasks: Vec<NewTask>,
    pub dependencies: Vec<NewDependency>,
    /// The load was prepared for a plan with no tasks: refused if the plan has some by the
    /// time it is written (another load got there first).
    pub into_empty: bool,
    /// Applied with the tasks; only with `into_empty`.
    pub calendar: Option<LoadCalendar>,
    /// Where the load comes from, for its audit entry (a file's name and format).
    pub source: serde_json::Value,
}

/// What was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Loaded {
    pub tasks: usize,
    pub dependencies: usize,
    /// Program-wide holidays added with the load's calendar.
    pub holidays: usize,
}

fn refuse(field: &str, message: String) -> StoreError {
    StoreError::Invalid(Invalid(vec![FieldError::new(field, message)]))
}

/// Each task's depth below the top, parents checked to exist and not to loop.
fn depths(tasks: &[NewTask], index: &HashMap<&str, usize>) -> StoreResult<Vec<usize>> {
    let mut depth: Vec<Option<usize>> = vec![None; tasks.len()];
    for start in 0..tasks.len() {
        let mut chain = Vec::new();
        let mut at = start;
        let base = loop {
            if let Some(d) = depth[at] {
                break d + 1;
            }
            if chain.contains(&at) {
                return Err(refuse(
                    "parent",
                    format!("task '{}' is its own ancestor", tasks[at].key),
                ));
            }
            chain.push(at);
            match &tasks[at].parent_key {
                None => break 0,
                Some(p) => {
                    at = *index.get(p.as_str()).ok_or_else(|| {
                        refuse(
                            "parent",
                            format!("task '{}': no task '{p}' to sit under", tasks[at].key),
                        )
                    })?;
                }
            }
        };
        for (k, &i) in chain.iter().rev().enumerate() {
            depth[i] = Some(base + k);
        }
    }
    Ok(depth.into_iter().map(|d| d.unwrap_or(0)).collect())
}

/// Whether the program's plan has no tasks.
async fn plan_is_empty<C: ConnectionTrait>(db: &C, program_id: i64) -> StoreResult<bool> {
    let row = db
        .query_one_raw(statement(
            backend_of(db),
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM plan_task WHERE program_id = ? LIMIT 1) t",
            vec![program_id.into()],
        ))
        .await?;
    let n: i64 = row.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(n == 0)
}

/// Where the load's top-level tasks go: after the plan's.
async fn next_root_position(txn: &DatabaseTransaction, program_id: i64) -> StoreResult<i64> {
    let row = txn
        .query_one_raw(statement(
            backend_of(txn),
            "SELECT COALESCE(MAX(position), 0) AS p FROM plan_task WHERE program_id = ? AND parent_id IS NULL",
            vec![program_id.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "p"))
        .transpose()?
        .unwrap_or(0)
        + 1)
}

/// The calendar's settings and holidays, written in `txn` with the settings' audit entry.
async fn apply_calendar(
    txn: &DatabaseTransaction,
    change: &Change<'_>,
    before: &PlanSettings,
    calendar: &LoadCalendar,
) -> StoreResult<usize> {
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};
    let program_id = change.program_id();
    let after = PlanSettings {
        project_start: calendar.project_start,
        working_weekdays: calendar.working_weekdays,
        revision: before.revision + 1,
    };
    let now = Utc::now();
    plan_settings::ActiveModel {
        program_id: Set(program_id),
        project_start: Set(after.project_start),
        working_weekdays: Set(after.weekdays_code()),
        revision: NotSet,
        updated_at: Set(now),
    }
    .update(txn)
    .await?;
    record(
        txn,
        change,
        "plan_settings",
        program_id,
        AuditAction::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    let taken: HashSet<NaiveDate> = plan_holiday::Entity::find()
        .filter(plan_holiday::Column::ProgramId.eq(program_id))
        .filter(plan_holiday::Column::SiteId.is_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|h| h.day)
        .collect();
    let new: Vec<&(NaiveDate, String)> = calendar
        .holidays
        .iter()
        .filter(|(day, _)| !taken.contains(day))
        .collect();
    for chunk in new.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|(day, name)| plan_holiday::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            site_id: Set(None),
            day: Set(*day),
            name: Set(name.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        });
        plan_holiday::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(new.len())
}

impl Store {
    /// Whether the program's plan has no tasks yet.
    pub async fn plan_is_empty(&self, program_id: i64) -> StoreResult<bool> {
        plan_is_empty(&self.db, program_id).await
    }

    /// Adds `tasks` and `dependencies` (between them) to the program's plan, all or
    /// nothing: unknown keys, a parent loop or a dependency cycle refuse the whole load,
    /// naming where.
    pub async fn insert_plan_bulk(
        &self,
        change: &Change<'_>,
        tasks: Vec<NewTask>,
        dependencies: Vec<NewDependency>,
    ) -> StoreResult<Loaded> {
        self.load_plan(
            change,
            PlanLoad {
                tasks,
                dependencies,
                ..Default::default()
            },
        )
        .await
    }

    /// Loads `load` into the program's plan, all or nothing (see `insert_plan_bulk`); its
    /// calendar, if any, with it. One audit entry for the load (and one for the settings
    /// a calendar changes).
    pub async fn load_plan(&self, change: &Change<'_>, load: PlanLoad) -> StoreResult<Loaded> {
        let PlanLoad {
            tasks,
            dependencies,
            into_empty,
            calendar,
            source,
        } = load;
        let program_id = change.program_id();
        let settings = self.plan_settings(program_id).await?;
        let mut index = HashMap::with_capacity(tasks.len());
        for (i, t) in tasks.iter().enumerate() {
            if index.insert(t.key.as_str(), i).is_some() {
                return Err(refuse("key", format!("task '{}' is given twice", t.key)));
            }
        }
        let depth = depths(&tasks, &index)?;
        let key_of = |k: &str, field: &str| {
            index
                .get(k)
                .copied()
                .ok_or_else(|| refuse(field, format!("no task '{k}'")))
        };
        let mut links = Vec::with_capacity(dependencies.len());
        let mut pairs = HashSet::with_capacity(dependencies.len());
        for d in &dependencies {
            let p = key_of(&d.predecessor_key, "predecessor")?;
            let s = key_of(&d.successor_key, "successor")?;
            if p == s {
                return Err(refuse(
                    "successor",
                    format!("task '{}' depends on itself", d.successor_key),
                ));
            }
            if !pairs.insert((p, s)) {
                return Err(refuse(
                    "dependencies",
                    format!(
                        "task '{}' is linked to task '{}' twice",
                        d.successor_key, d.predecessor_key
                    ),
                ));
            }
            links.push((p, s, d.kind, d.lag));
        }
        // Check the new tasks as a plan of their own (ids are positions) before writing.
        let provisional: Vec<PlanTask> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let parent = t.parent_key.as_ref().map(|k| index[k.as_str()] as i64 + 1);
                let name = format!("{} ({})", t.spec.name.as_str(), t.key);
                t.spec.planned(i as i64 + 1, parent, i as i64, name)
            })
            .collect();
        let provisional_links: Vec<PlanDependency> = links
            .iter()
            .map(|&(p, s, kind, lag)| PlanDependency {
                id: 0,
                predecessor_id: p as i64 + 1,
                successor_id: s as i64 + 1,
                kind,
                lag,
            })
            .collect();
        if let Some(cycle) = muster_domain::plan::tree::cycle(&provisional, &provisional_links) {
            return Err(refuse(
                "dependencies",
                format!("the dependencies form a cycle: {}", cycle.join(" -> ")),
            ));
        }

        let now = Utc::now();
        let txn = self.db.begin().await?;
        if into_empty {
            // Takes SQLite's write lock and PostgreSQL's row lock before looking, so two
            // loads into an empty plan cannot both find it empty.
            txn.execute_raw(statement(
                self.backend(),
                "UPDATE plan_settings SET revision = revision WHERE program_id = ?",
                vec![program_id.into()],
            ))
            .await?;
            if !plan_is_empty(&txn, program_id).await? {
                return Err(StoreError::Conflict(Invalid::one(
                    "file",
                    "the plan got tasks while the file was being read; import it again",
                )));
            }
        }
        let holidays = match &calendar {
            Some(calendar) if into_empty => {
                apply_calendar(&txn, change, &settings, calendar).await?
            }
            _ => 0,
        };
        let root_position = next_root_position(&txn, program_id).await?;
        let mut ids = vec![0i64; tasks.len()];
        let levels = depth.iter().copied().max().map_or(0, |d| d + 1);
        for level in 0..levels {
            let at_level: Vec<usize> = (0..tasks.len()).filter(|&i| depth[i] == level).collect();
            for chunk in at_level.chunks(ROWS_PER_STATEMENT) {
                let rows = chunk.iter().map(|&i| {
                    let mut spec = tasks[i].spec.clone();
                    spec.parent_id = tasks[i].parent_key.as_ref().map(|k| ids[index[k.as_str()]]);
                    let position = match (spec.position, &tasks[i].parent_key) {
                        (Some(p), _) => p,
                        (None, None) => root_position + i as i64,
                        (None, Some(_)) => i as i64 + 1,
                    };
                    task_row(program_id, spec, position, now)
                });
                let keys = plan_task::Entity::insert_many(rows)
                    .exec_with_returning_keys(&txn)
                    .await?;
                for (&i, id) in chunk.iter().zip(keys) {
                    ids[i] = id;
                }
            }
        }
        for chunk in links.chunks(ROWS_PER_STATEMENT) {
            let rows = chunk
                .iter()
                .map(|&(p, s, kind, lag)| plan_dependency::ActiveModel {
                    id: NotSet,
                    program_id: Set(program_id),
                    predecessor_id: Set(ids[p]),
                    successor_id: Set(ids[s]),
                    kind: Set(kind.code().to_owned()),
                    lag: Set(lag),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            plan_dependency::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        let loaded = Loaded {
            tasks: tasks.len(),
            dependencies: links.len(),
            holidays,
        };
        let summary = serde_json::json!({
            "bulk_insert": loaded,
            "source": source,
            "calendar": calendar.filter(|_| into_empty),
        });
        record(
            &txn,
            change,
            "plan_import",
            0,
            AuditAction::Create,
            None,
            Some(&summary),
        )
        .await?;
        txn.commit().await?;
        Ok(loaded)
    }
}
