//! Writing an LMS completions import: checked rows upserted a statement's worth at a time
//! (a later completion of a course replaces an earlier one; the same date with the same
//! score and source changes nothing), the touched people remembered, and at the end their
//! curriculum progress and training status rebuilt in bulk, the job's outcome and its
//! audit entry written, all in one transaction: a failure leaves nothing half-imported.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use muster_domain::import::ImportId;
use muster_domain::import::completions::Catalog;
use muster_domain::person::PersonId;
use muster_domain::training::completion::{CompletionSpec, latest_per_course};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, TransactionTrait,
};

use super::COMPLETIONS_PER_STATEMENT;
use super::progress::{Target, refresh};
use crate::audit::Change;
use crate::entity::{course, person};
use crate::error::StoreResult;
use crate::import::ImportOutcome;
use crate::raw::{json_rows, statement};
use crate::{Backend, Store};

const COMPLETION_COLUMNS: &str =
    "program_id, person_id, course_id, completed_on, source, score, recorded_at";

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchWritten {
    /// Rows inserted or that replaced an earlier completion.
    pub written: u64,
    /// Rows that changed nothing: not later than the completion on record, or than a later
    /// row of the same batch.
    pub unchanged: u64,
}

/// How an import changed the completions table, known at its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompletionTally {
    pub created: u64,
    pub replaced: u64,
    pub unchanged: u64,
    /// People whose progress was rebuilt.
    pub people: u64,
}

impl Store {
    /// The people (with an employee id) and courses a completions file may name.
    #[tracing::instrument(skip(self))]
    pub async fn completion_catalog(&self, program_id: i64) -> StoreResult<Catalog> {
        use person::Column as P;
        let mut people: Vec<(PersonId, String, Option<i64>)> = Vec::new();
        self.people_in_pages(
            program_id,
            &[P::Id, P::EmployeeId, P::SiteId],
            |(id, employee_id, site): (i64, Option<String>, Option<i64>)| {
                if let Some(employee_id) = employee_id {
                    people.push((id, employee_id, site));
                }
                Ok(())
            },
        )
        .await?;
        let courses: Vec<(i64, String, String)> = course::Entity::find()
            .select_only()
            .columns([
                course::Column::Id,
                course::Column::Code,
                course::Column::Title,
            ])
            .filter(course::Column::ProgramId.eq(program_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(Catalog::new(people, courses))
    }

    /// Opens the transaction a completions import writes in, holding the job's row (and on
    /// SQLite the write lock) so that the counts before and after are its own.
    pub async fn begin_completion_import(
        &self,
        change: &Change<'_>,
        job: ImportId,
    ) -> StoreResult<CompletionWriter> {
        let txn = self.bulk_db.begin().await?;
        let backend = self.backend();
        let program_id = change.program_id();
        txn.execute_raw(statement(
            backend,
            "UPDATE import_job SET started_at = started_at WHERE id = ? AND program_id = ?",
            vec![job.into(), program_id.into()],
        ))
        .await?;
        let before = count(&txn, backend, "completion", program_id).await?;
        Ok(CompletionWriter {
            txn,
            backend,
            program_id,
            now: Utc::now(),
            before,
            written: 0,
            unchanged: 0,
            people: HashSet::new(),
            upsert_sql: None,
        })
    }
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// The rows of `table` (a table with a `program_id`) in the program.
async fn count(
    txn: &DatabaseTransaction,
    backend: Backend,
    table: &'static str,
    program_id: i64,
) -> StoreResult<u64> {
    let row = Count::find_by_statement(statement(
        backend,
        &format!("SELECT COUNT(*) AS n FROM {table} WHERE program_id = ?"),
        vec![program_id.into()],
    ))
    .one(txn)
    .await?;
    Ok(row.map_or(0, |r| r.n.max(0) as u64))
}

/// Whether to rebuild the progress of the whole program rather than of the `touched` people
/// of its `program_people`: statements of 500 people each cost about four times as much per
/// person as one statement over the program (28 s against 7 s for 400,000 people on SQLite;
/// docs/performance.md, "LMS completions import"), and the result is the same, progress
/// being derived from completions and assessments alone.
fn whole_program(touched: u64, program_people: u64) -> bool {
    touched * 4 >= program_people
}

/// One completions import's open transaction.
pub struct CompletionWriter {
    txn: DatabaseTransaction,
    backend: Backend,
    program_id: i64,
    now: DateTime<Utc>,
    /// The program's completions when the import began.
    before: u64,
    written: u64,
    unchanged: u64,
    /// Whose progress to rebuild at the end: bounded by the roster, not the file.
    people: HashSet<PersonId>,
    /// The upsert, built once.
    upsert_sql: Option<String>,
}

/// A batch of checked completions made ready for `CompletionWriter::write` without the
/// database, so that the import makes the next batch's while the database writes this one:
/// the latest row of each person and course (one statement may not touch a row twice), as
/// JSON texts of at most `COMPLETIONS_PER_STATEMENT` rows `[person, course, completed on,
/// source, score]` each.
pub struct CompletionBatch {
    rows: u64,
    people: Vec<PersonId>,
    upserts: Vec<String>,
}

impl CompletionBatch {
    pub fn new(batch: Vec<CompletionSpec>) -> Self {
        let rows = batch.len() as u64;
        let batch = latest_per_course(batch);
        let people = batch.iter().map(|c| c.person_id).collect();
        let upserts = batch
            .chunks(COMPLETIONS_PER_STATEMENT)
            .map(|chunk| {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|c| {
                        (
                            c.person_id,
                            c.course_id,
                            c.completed_on,
                            c.source.code(),
                            c.score,
                        )
                    })
                    .collect();
                serde_json::to_string(&rows).expect("completions serialize")
            })
            .collect();
        CompletionBatch {
            rows,
            people,
            upserts,
        }
    }
}

impl From<Vec<CompletionSpec>> for CompletionBatch {
    fn from(batch: Vec<CompletionSpec>) -> Self {
        CompletionBatch::new(batch)
    }
}

impl CompletionWriter {
    /// The upsert of a batch's JSON text (`CompletionBatch`). Parameters: program, now, JSON.
    fn upsert_sql(backend: Backend) -> String {
        // SQLite keeps dates as ISO text (a cast to DATE would make them numbers).
        let day = match backend {
            Backend::Sqlite => "r.value ->> 2",
            Backend::Postgres => "CAST(r.value ->> 2 AS DATE)",
        };
        format!(
            "INSERT INTO completion ({COMPLETION_COLUMNS}) SELECT ?, \
             CAST(r.value ->> 0 AS BIGINT), CAST(r.value ->> 1 AS BIGINT), {day}, \
             r.value ->> 3, CAST(r.value ->> 4 AS BIGINT), ? FROM {} WHERE TRUE \
             ON CONFLICT (person_id, course_id) DO UPDATE SET \
             completed_on = excluded.completed_on, source = excluded.source, \
             score = excluded.score, recorded_at = excluded.recorded_at \
             WHERE completion.completed_on < excluded.completed_on \
             OR (completion.completed_on = excluded.completed_on \
                 AND (completion.source <> excluded.source \
                      OR completion.score IS DISTINCT FROM excluded.score))",
            json_rows(backend)
        )
    }

    /// Writes one batch of checked rows (`CompletionBatch::new`).
    #[tracing::instrument(skip_all)]
    pub async fn write(&mut self, batch: impl Into<CompletionBatch>) -> StoreResult<BatchWritten> {
        let batch = batch.into();
        self.people.extend(batch.people);
        let backend = self.backend;
        let sql = self
            .upsert_sql
            .get_or_insert_with(|| Self::upsert_sql(backend))
            .clone();
        let mut written = 0;
        for json in batch.upserts {
            let values = vec![self.program_id.into(), self.now.into(), json.into()];
            written += self
                .txn
                .execute_raw(statement(backend, &sql, values))
                .await?
                .rows_affected();
        }
        let done = BatchWritten {
            written,
            unchanged: batch.rows - written,
        };
        self.written += done.written;
        self.unchanged += done.unchanged;
        Ok(done)
    }

    /// Rebuilds the progress of everyone the import touched (set-based: 500 people per
    /// statement, or the whole program in one when they are a quarter of it or more) and
    /// says what the import changed.
    pub async fn refresh_progress(&mut self) -> StoreResult<CompletionTally> {
        let mut people: Vec<PersonId> = self.people.drain().collect();
        people.sort_unstable();
        let program_people = count(&self.txn, self.backend, "person", self.program_id).await?;
        let target = if whole_program(people.len() as u64, program_people) {
            Target::Program(self.program_id)
        } else {
            Target::People(&people)
        };
        refresh(&self.txn, self.backend, target).await?;
        let after = count(&self.txn, self.backend, "completion", self.program_id).await?;
        let created = after.saturating_sub(self.before);
        Ok(CompletionTally {
            created,
            replaced: self.written.saturating_sub(created),
            unchanged: self.unchanged,
            people: people.len() as u64,
        })
    }

    /// Commits the rows with the job's outcome and its audit entry (`summary`).
    pub async fn commit(
        self,
        change: &Change<'_>,
        job: ImportId,
        outcome: &ImportOutcome,
        summary: &serde_json::Value,
    ) -> StoreResult<()> {
        Store::commit_import(self.txn, change, job, outcome, summary).await
    }

    /// Drops everything written (all or nothing refused, or a failure).
    pub async fn rollback(self) -> StoreResult<()> {
        self.txn.rollback().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::whole_program;

    #[test]
    fn the_whole_program_is_rebuilt_from_a_quarter_of_its_people() {
        assert!(whole_program(100, 400));
        assert!(
            !whole_program(99, 400),
            "below a quarter: the touched people only"
        );
        assert!(whole_program(3, 3));
    }
}
