//! Loading a whole plan at once (demo data, file imports): tasks and dependencies checked
//! together before anything is written, then written in one transaction with one audit
//! entry, a few statements per thousand rows.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::Invalid;
use muster_domain::audit::AuditAction;
use muster_domain::plan::DependencyKind;
use muster_domain::plan::dependency::PlanDependency;
use muster_domain::plan::task::{PlanTask, TaskSpec};
use muster_domain::validate::FieldError;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{EntityTrait, TransactionTrait};

use super::entity::{plan_dependency, plan_task};
use super::task::task_row;
use crate::Store;
use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult};

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

/// What was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Loaded {
    pub tasks: usize,
    pub dependencies: usize,
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

impl Store {
    /// Adds `tasks` and `dependencies` (between them) to the program's plan, all or
    /// nothing: unknown keys, a parent loop or a dependency cycle refuse the whole load,
    /// naming where.
    pub async fn insert_plan_bulk(
        &self,
        change: &Change<'_>,
        tasks: Vec<NewTask>,
        dependencies: Vec<NewDependency>,
    ) -> StoreResult<Loaded> {
        let program_id = change.program_id();
        self.plan_settings(program_id).await?;
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
        for d in &dependencies {
            let p = key_of(&d.predecessor_key, "predecessor")?;
            let s = key_of(&d.successor_key, "successor")?;
            if p == s {
                return Err(refuse(
                    "successor",
                    format!("task '{}' depends on itself", d.successor_key),
                ));
            }
            links.push((p, s, d.kind, d.lag));
        }
        // Check the new tasks as a plan of their own (ids are positions) before writing.
        let provisional: Vec<PlanTask> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| PlanTask {
                id: i as i64 + 1,
                parent_id: t.parent_key.as_ref().map(|k| index[k.as_str()] as i64 + 1),
                position: i as i64,
                name: format!("{} ({})", t.spec.name.as_str(), t.key),
                owner_person_id: None,
                site_id: None,
                wave_id: None,
                module_id: None,
                duration: t.spec.duration,
                milestone: t.spec.milestone,
                constraint_kind: None,
                constraint_date: None,
                percent_complete: 0,
                actual_start: None,
                actual_finish: None,
                notes: None,
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
        let mut ids = vec![0i64; tasks.len()];
        let levels = depth.iter().copied().max().map_or(0, |d| d + 1);
        for level in 0..levels {
            let at_level: Vec<usize> = (0..tasks.len()).filter(|&i| depth[i] == level).collect();
            for chunk in at_level.chunks(ROWS_PER_STATEMENT) {
                let rows = chunk.iter().map(|&i| {
                    let mut spec = tasks[i].spec.clone();
                    spec.parent_id = tasks[i].parent_key.as_ref().map(|k| ids[index[k.as_str()]]);
                    let position = spec.position.unwrap_or(i as i64 + 1);
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
        };
        let summary = serde_json::json!({ "bulk_insert": loaded });
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
