//! Writing a roster import: new and changed people upserted by employee id, 2,000 rows of
//! JSON per `INSERT ... SELECT ... ON CONFLICT (program_id, employee_id) DO UPDATE`, each
//! batch's new people given their training status rows, people a complete roster
//! leaves out marked inactive, all in one transaction that also records the job's outcome
//! and the audit entries, so that a failure at any point leaves nothing half-imported.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use muster_domain::audit::AuditAction;
use muster_domain::import::ImportId;
use muster_domain::import::people::{PersonWrite, Places as PlaceNames, Roster};
use muster_domain::money::Cents;
use muster_domain::person::{EmployerKind, JobRole, Person, PersonSpec, Shift};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait, Value,
};

use crate::audit::{Change, actor_label};
use crate::deferred_index::DeferredIndexes;
use crate::entity::{person, unit};
use crate::error::{StoreError, StoreResult, map_unique};
use crate::import::ImportOutcome;
use crate::raw::{marks, statement};
use crate::{Backend, Store};

mod batch;
mod postgres;
pub use batch::RosterBatch;

/// Columns written per person.
const PERSON_COLUMNS: &str = "program_id, employee_id, name, email, job_role, site_id, unit_id, \
     employer_kind, organization, shift, active, created_at, updated_at";
pub const PEOPLE_PER_STATEMENT: usize = 2_000;
const VALUES_PER_AUDIT: usize = 10;
/// What an upsert changes of a person found by employee id.
const UPSERT_SET: &str = "name = excluded.name, email = excluded.email, \
     job_role = excluded.job_role, site_id = excluded.site_id, unit_id = excluded.unit_id, \
     employer_kind = excluded.employer_kind, organization = excluded.organization, \
     shift = excluded.shift, active = excluded.active, updated_at = excluded.updated_at";
const AUDITS_PER_STATEMENT: usize = 3_000;

impl Store {
    /// The program's sites, units and people, to check a file against.
    #[tracing::instrument(skip(self))]
    pub async fn roster_snapshot(&self, program_id: i64) -> StoreResult<(PlaceNames, Roster)> {
        let sites = self.all_sites(program_id).await?;
        let units = unit::Entity::find()
            .filter(unit::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?;
        let places = PlaceNames::new(
            sites.into_iter().map(|s| (s.id, s.code, s.name)),
            units.into_iter().map(|u| (u.id, u.site_id, u.code, u.name)),
        );
        Ok((places, self.roster_people(program_id).await?))
    }

    /// Every person of the program, read `SNAPSHOT_PAGE` at a time by id with only the
    /// columns a check needs, into the compact `Roster`: a whole roster read as models at
    /// once peaked at 1.1 GiB for 400,000 people (docs/performance.md).
    async fn roster_people(&self, program_id: i64) -> StoreResult<Roster> {
        use person::Column as P;
        let columns = [
            P::Id,
            P::Name,
            P::Email,
            P::EmployeeId,
            P::JobRole,
            P::SiteId,
            P::UnitId,
            P::EmployerKind,
            P::Organization,
            P::Shift,
            P::Active,
            P::DailyRateCents,
        ];
        let mut roster = Roster::default();
        self.people_in_pages(program_id, &columns, |row: SnapshotRow| {
            roster.add(snapshot_person(row)?.as_ref());
            Ok(())
        })
        .await?;
        Ok(roster)
    }

    /// Reads `columns` (the first must be the id) of the program's people, `SNAPSHOT_PAGE`
    /// at a time in id order, handing each row to `each`, so no query holds them all.
    pub(crate) async fn people_in_pages<T>(
        &self,
        program_id: i64,
        columns: &[person::Column],
        mut each: impl FnMut(T) -> StoreResult<()>,
    ) -> StoreResult<()>
    where
        T: sea_orm::TryGetableMany + FirstId,
    {
        let mut after = 0;
        loop {
            let page: Vec<T> = person::Entity::find()
                .select_only()
                .columns(columns.iter().copied())
                .filter(person::Column::ProgramId.eq(program_id))
                .filter(person::Column::Id.gt(after))
                .order_by_asc(person::Column::Id)
                .limit(SNAPSHOT_PAGE)
                .into_tuple()
                .all(&self.db)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.first_id();
            let full = page.len() as u64 == SNAPSHOT_PAGE;
            for row in page {
                each(row)?;
            }
            if !full {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Opens the transaction a roster import writes in. `audit_each`: one audit entry per
    /// person created, changed or retired, besides the one for the job.
    pub async fn begin_roster_import(
        &self,
        change: &Change<'_>,
        audit_each: bool,
    ) -> StoreResult<RosterWriter> {
        let txn = self.roster_db.begin().await?;
        // The person table's size, for the index deferral rule (`expect_new`).
        let table_rows = match self.backend() {
            Backend::Sqlite => {
                // Take the write lock before reading: a deferred SQLite transaction that has
                // read cannot start writing once another connection has committed (it fails
                // at once, busy, without waiting), and an import reads a whole file between
                // its first read and its first write.
                txn.execute_unprepared("DELETE FROM person WHERE 0").await?;
                person::Entity::find().count(&txn).await?
            }
            Backend::Postgres => postgres::table_rows(&txn).await?,
        };
        let last_person_id = crate::training::last_person_id(&txn, self.backend()).await?;
        Ok(RosterWriter {
            txn,
            backend: self.backend(),
            program_id: change.program_id(),
            now: Utc::now(),
            actor_account_id: change.actor.account_id,
            actor: actor_label(change.actor),
            via: change.via.code(),
            audit_each,
            audit: Vec::new(),
            upsert_sql: None,
            status_after: last_person_id,
            places: Places::default(),
            table_rows,
            created: 0,
            deferred: None,
        })
    }
}

/// People read per query for a roster snapshot.
const SNAPSHOT_PAGE: u64 = 20_000;

/// A snapshot row whose first column is the person's id.
pub(crate) trait FirstId {
    fn first_id(&self) -> i64;
}

impl FirstId for SnapshotRow {
    fn first_id(&self) -> i64 {
        self.0
    }
}

impl<A, B> FirstId for (i64, A, B) {
    fn first_id(&self) -> i64 {
        self.0
    }
}

/// id, name, email, employee id, job role, site, unit, employer kind, organization, shift,
/// active, daily rate.
type SnapshotRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    bool,
    Option<i64>,
);

fn snapshot_person(row: SnapshotRow) -> StoreResult<Person> {
    let (id, name, email, employee_id, job_role, site_id, unit_id, employer_kind, organization) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    Ok(Person {
        id,
        name,
        email,
        employee_id,
        job_role: JobRole::parse(&job_role).map_err(StoreError::Corrupt)?,
        site_id,
        unit_id,
        employer_kind: EmployerKind::parse(&employer_kind).map_err(StoreError::Corrupt)?,
        organization,
        shift: row
            .9
            .as_deref()
            .map(Shift::parse)
            .transpose()
            .map_err(StoreError::Corrupt)?,
        active: row.10,
        daily_rate: row.11.map(Cents),
    })
}

/// Sites and units referred to by the rows written. SQLite does not check them row by row
/// on the roster connection (`Store::roster_db`): the writer checks them once, in its
/// transaction, which holds the write lock, so none can be deleted before it commits.
#[derive(Default)]
struct Places {
    sites: BTreeSet<i64>,
    units: BTreeSet<i64>,
}

impl Places {
    fn add(&mut self, spec: &PersonSpec) {
        self.sites.extend(spec.site_id);
        self.units.extend(spec.unit_id);
    }
}

/// An audit entry waiting to be written with others in one statement.
struct AuditRow {
    entity_id: i64,
    action: AuditAction,
    before: Option<String>,
    after: Option<String>,
}

/// One roster import's open transaction.
pub struct RosterWriter {
    txn: DatabaseTransaction,
    backend: Backend,
    program_id: i64,
    now: DateTime<Utc>,
    actor_account_id: Option<i64>,
    actor: String,
    via: &'static str,
    audit_each: bool,
    audit: Vec<AuditRow>,
    /// The upsert, built once.
    upsert_sql: Option<String>,
    /// People above this id have a training status row already: each batch's new people
    /// get theirs with it (while the reading thread keeps the other core busy).
    status_after: i64,
    /// The sites and units the import's rows refer to, checked at the commit.
    places: Places,
    /// People in the whole table (every program) when the import began (on PostgreSQL,
    /// counted only as far as `expect_new` can use).
    table_rows: u64,
    /// People created so far.
    created: u64,
    /// The person table's secondary indexes, when dropped until the commit.
    deferred: Option<DeferredIndexes>,
}

/// Dropping the person table's secondary indexes and creating them again at the commit
/// pays when the new people are many, against the people already in the table (every
/// program's): creating an index sorts the whole table once, inserting into it costs per
/// new row. Measured in docs/performance.md ("Roster import").
const DEFER_INDEXES_MIN_NEW: u64 = 20_000;
const DEFER_INDEXES_SHARE_OF_TABLE: f64 = 3.0;

fn person_json(p: &Person) -> String {
    serde_json::to_string(p).expect("people serialize")
}

/// The person a roster row makes; the daily rate is not the roster's and stays as it was.
fn as_person(id: i64, spec: &PersonSpec, daily_rate: Option<Cents>) -> Person {
    Person {
        id,
        name: spec.name.as_str().to_owned(),
        email: spec.email.as_str().to_owned(),
        employee_id: spec.employee_id.clone(),
        job_role: spec.job_role,
        site_id: spec.site_id,
        unit_id: spec.unit_id,
        employer_kind: spec.employer_kind,
        organization: spec.organization.clone(),
        shift: spec.shift,
        active: spec.active,
        daily_rate,
    }
}

impl RosterWriter {
    /// The upsert of a batch given as one JSON text (`batch.rs`), taken apart by the
    /// database (SQLite's `jsonb_each`, PostgreSQL's `jsonb_array_elements`): binding one
    /// text instead of 26,000 values a statement saved about 1 s of CPU (of 6.7) on 400,000
    /// people (docs/performance.md, "Roster import"). Parameters: program, now, now, JSON.
    fn upsert_sql(backend: Backend) -> String {
        format!(
            "{} ON CONFLICT (program_id, employee_id) DO UPDATE SET {UPSERT_SET}",
            Self::insert_sql(backend)
        )
    }

    /// `upsert_sql` without its ON CONFLICT clause: for rows the check found new.
    fn insert_sql(backend: Backend) -> String {
        let rows = crate::raw::json_rows(backend);
        format!(
            "INSERT INTO person ({PERSON_COLUMNS}) SELECT ?, r.value ->> 0, r.value ->> 1, \
             r.value ->> 2, r.value ->> 3, CAST(r.value ->> 4 AS BIGINT), \
             CAST(r.value ->> 5 AS BIGINT), r.value ->> 6, r.value ->> 7, r.value ->> 8, \
             CAST(r.value ->> 9 AS BOOLEAN), ?, ? FROM {rows} WHERE TRUE"
        )
    }

    /// A spec's values from the employee id to `active`, in `PERSON_COLUMNS` order.
    fn spec_values(spec: &PersonSpec) -> [Value; 10] {
        [
            spec.employee_id.clone().into(),
            spec.name.as_str().into(),
            spec.email.as_str().into(),
            spec.job_role.code().into(),
            spec.site_id.into(),
            spec.unit_id.into(),
            spec.employer_kind.code().into(),
            spec.organization.clone().into(),
            spec.shift.map(|s| s.code()).into(),
            spec.active.into(),
        ]
    }

    /// Writes one batch of checked rows, its upserts as `RosterBatch::new` made them.
    #[tracing::instrument(skip_all)]
    pub async fn write(&mut self, batch: impl Into<RosterBatch>) -> StoreResult<()> {
        let batch = batch.into();
        let (mut creates, mut updates) = (0, 0);
        for write in &batch.writes {
            match write {
                PersonWrite::Create(spec) => {
                    creates += 1;
                    self.places.add(spec);
                }
                PersonWrite::Update {
                    before,
                    adopt: true,
                    spec,
                } => {
                    self.places.add(spec);
                    self.adopt(before.id, spec).await?
                }
                PersonWrite::Update { spec, .. } => {
                    updates += 1;
                    self.places.add(spec)
                }
                PersonWrite::Unchanged(_) => {}
            }
        }
        self.created += creates;
        self.expect_new(self.created).await?;
        let only_new = postgres::only_new_people(self.backend, updates);
        for json in batch.upserts {
            let backend = self.backend;
            let sql = if only_new {
                postgres::with_status_rows(&Self::insert_sql(backend))
            } else {
                self.upsert_sql
                    .get_or_insert_with(|| Self::upsert_sql(backend))
                    .clone()
            };
            let values = vec![
                self.program_id.into(),
                self.now.into(),
                self.now.into(),
                json.into(),
            ];
            self.txn
                .execute_raw(statement(self.backend, &sql, values))
                .await
                .map_err(|e| map_unique(e, crate::person::UNIQUE))?;
        }
        if creates > 0 && only_new {
            // Their status rows came with them.
            self.status_after = crate::training::last_person_id(&self.txn, self.backend).await?;
        } else if creates > 0 {
            self.add_status_rows().await?;
        }
        if self.audit_each {
            self.audit_batch(&batch.writes).await?;
        }
        Ok(())
    }

    /// Gives the people created since the last call their training status row.
    async fn add_status_rows(&mut self) -> StoreResult<()> {
        crate::training::add_status_rows(
            &self.txn,
            self.backend,
            self.program_id,
            self.status_after,
        )
        .await?;
        self.status_after = crate::training::last_person_id(&self.txn, self.backend).await?;
        Ok(())
    }

    /// Every site and unit the rows refer to still exists in the program (SQLite's
    /// foreign key checks are off on the roster connection); a conflict otherwise.
    async fn check_places(&self) -> StoreResult<()> {
        for (table, ids) in [("site", &self.places.sites), ("unit", &self.places.units)] {
            let ids: Vec<i64> = ids.iter().copied().collect();
            for chunk in ids.chunks(PEOPLE_PER_STATEMENT) {
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM {table} WHERE program_id = ? AND id IN ({})",
                    marks(chunk.len())
                );
                let mut values: Vec<Value> = vec![self.program_id.into()];
                values.extend(chunk.iter().map(|&id| Value::from(id)));
                let found: i64 = self
                    .txn
                    .query_one_raw(statement(self.backend, &sql, values))
                    .await?
                    .map_or(Ok(0), |row| row.try_get("", "n"))?;
                if found != chunk.len() as i64 {
                    return Err(StoreError::Conflict(muster_domain::Invalid::one(
                        table,
                        format!("a {table} named in the file was deleted while it was read"),
                    )));
                }
            }
        }
        Ok(())
    }

    /// Told that about `new_people` people will be created in all (an estimate from the
    /// file's first rows, or the count so far): drops the person table's secondary indexes
    /// until the commit when that many make rebuilding them cheaper than inserting into
    /// them. On PostgreSQL that locks the person table until the commit (see
    /// `deferred_index`): this rule holds it only for an initial roster load, when the
    /// table holds almost nothing others read. Returns whether they are deferred.
    pub async fn expect_new(&mut self, new_people: u64) -> StoreResult<bool> {
        if self.deferred.is_none()
            && new_people >= DEFER_INDEXES_MIN_NEW
            && new_people as f64 >= DEFER_INDEXES_SHARE_OF_TABLE * self.table_rows as f64
        {
            self.deferred = DeferredIndexes::drop(&self.txn, self.backend, "person").await?;
        }
        Ok(self.deferred.is_some())
    }

    /// A person entered by hand, found by email: the row's values and employee id.
    async fn adopt(&self, id: i64, spec: &PersonSpec) -> StoreResult<()> {
        let sql = "UPDATE person SET employee_id = ?, name = ?, email = ?, job_role = ?, \
             site_id = ?, unit_id = ?, employer_kind = ?, organization = ?, shift = ?, active = ?, \
             updated_at = ? WHERE id = ? AND program_id = ?";
        let mut values: Vec<Value> = Self::spec_values(spec).into();
        values.extend([self.now.into(), id.into(), self.program_id.into()]);
        self.txn
            .execute_raw(statement(self.backend, sql, values))
            .await
            .map_err(|e| map_unique(e, crate::person::UNIQUE))?;
        Ok(())
    }

    /// Queues an audit entry per created or changed person of `batch`.
    async fn audit_batch(&mut self, batch: &[PersonWrite]) -> StoreResult<()> {
        let created: Vec<&PersonSpec> = batch
            .iter()
            .filter_map(|w| match w {
                PersonWrite::Create(spec) => Some(spec),
                _ => None,
            })
            .collect();
        let ids = self.ids_of(&created).await?;
        for spec in created {
            let Some(&id) = spec.employee_id.as_ref().and_then(|e| ids.get(e)) else {
                continue;
            };
            self.audit.push(AuditRow {
                entity_id: id,
                action: AuditAction::Create,
                before: None,
                after: Some(person_json(&as_person(id, spec, None))),
            });
        }
        for write in batch {
            if let PersonWrite::Update { before, spec, .. } = write {
                self.audit.push(AuditRow {
                    entity_id: before.id,
                    action: AuditAction::Update,
                    before: Some(person_json(before)),
                    after: Some(person_json(&as_person(before.id, spec, before.daily_rate))),
                });
            }
        }
        self.flush_audit(false).await
    }

    /// Employee id -> person id for the people just created.
    async fn ids_of(
        &self,
        created: &[&PersonSpec],
    ) -> StoreResult<std::collections::HashMap<String, i64>> {
        let mut ids = std::collections::HashMap::with_capacity(created.len());
        for chunk in created.chunks(PEOPLE_PER_STATEMENT) {
            let employee_ids: Vec<String> =
                chunk.iter().filter_map(|s| s.employee_id.clone()).collect();
            let rows = person::Entity::find()
                .filter(person::Column::ProgramId.eq(self.program_id))
                .filter(person::Column::EmployeeId.is_in(employee_ids))
                .all(&self.txn)
                .await?;
            ids.extend(
                rows.into_iter()
                    .filter_map(|p| Some((p.employee_id?, p.id))),
            );
        }
        Ok(ids)
    }

    /// Writes queued audit entries a statement's worth at a time; `all`: the rest too.
    async fn flush_audit(&mut self, all: bool) -> StoreResult<()> {
        while self.audit.len() >= AUDITS_PER_STATEMENT || (all && !self.audit.is_empty()) {
            let take = self.audit.len().min(AUDITS_PER_STATEMENT);
            let rows: Vec<AuditRow> = self.audit.drain(..take).collect();
            let row = format!("({})", marks(VALUES_PER_AUDIT));
            let sql = format!(
                "INSERT INTO audit_log (program_id, at, actor_account_id, actor, via, entity, \
                 entity_id, action, before_json, after_json) VALUES {}",
                vec![row; rows.len()].join(", ")
            );
            let mut values: Vec<Value> = Vec::with_capacity(rows.len() * VALUES_PER_AUDIT);
            for r in rows {
                values.extend([
                    self.program_id.into(),
                    self.now.into(),
                    self.actor_account_id.into(),
                    self.actor.clone().into(),
                    self.via.into(),
                    "person".into(),
                    r.entity_id.into(),
                    r.action.code().into(),
                    r.before.into(),
                    r.after.into(),
                ]);
            }
            self.txn
                .execute_raw(statement(self.backend, &sql, values))
                .await?;
        }
        Ok(())
    }

    /// Marks `people` inactive (they left: never deleted); returns how many.
    pub async fn deactivate(&mut self, people: Vec<Person>) -> StoreResult<u64> {
        let mut count = 0;
        for chunk in people.chunks(PEOPLE_PER_STATEMENT) {
            let sql = format!(
                "UPDATE person SET active = ?, updated_at = ? WHERE program_id = ? AND id IN ({})",
                marks(chunk.len())
            );
            let mut values: Vec<Value> =
                vec![false.into(), self.now.into(), self.program_id.into()];
            values.extend(chunk.iter().map(|p| Value::from(p.id)));
            count += self
                .txn
                .execute_raw(statement(self.backend, &sql, values))
                .await?
                .rows_affected();
        }
        if self.audit_each {
            for before in people {
                let after = Person {
                    active: false,
                    ..before.clone()
                };
                self.audit.push(AuditRow {
                    entity_id: before.id,
                    action: AuditAction::Update,
                    before: Some(person_json(&before)),
                    after: Some(person_json(&after)),
                });
            }
        }
        Ok(count)
    }

    /// Commits the rows with the job's outcome and its audit entry (`summary`).
    pub async fn commit(
        mut self,
        change: &Change<'_>,
        job: ImportId,
        outcome: &ImportOutcome,
        summary: &serde_json::Value,
    ) -> StoreResult<()> {
        self.flush_audit(true).await?;
        self.check_places().await?;
        if let Some(deferred) = self.deferred.take() {
            deferred.recreate(&self.txn).await?;
        }
        self.add_status_rows().await?;
        Store::commit_import(self.txn, change, job, outcome, summary).await
    }

    /// Drops everything written (all or nothing refused, or a failure).
    pub async fn rollback(self) -> StoreResult<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}
