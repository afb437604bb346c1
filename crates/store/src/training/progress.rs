//! Per-person curriculum progress, kept as rows (person x curriculum of their role, once
//! they have completed one of its courses or been assessed; no row means nothing done yet)
//! that every write of completions or assessments rebuilds for the people it touches. The
//! dashboard, provisioning and readiness read these rows joined to people, so their cost
//! follows people and sites, never the millions of completion rows.

use std::collections::HashMap;

use muster_domain::access::Scope;
use muster_domain::person::{JobRole, PersonId};
use muster_domain::provisioning::Requirement;
use muster_domain::site::SiteId;
use muster_domain::training::progress::{
    Behind, CompletionCell, CurriculumProgress, PersonTraining,
};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use super::requirement::Required;
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};
use crate::{Backend, Store};

/// Whose progress to rebuild.
pub(crate) enum Target<'a> {
    People(&'a [PersonId]),
    Curriculum(i64),
    Program(i64),
}

/// People per rebuild statement.
const PEOPLE_PER_REFRESH: usize = 500;

/// Rebuilds the progress rows of `target` from completions, curriculum courses and the
/// latest assessment of each curriculum.
pub(crate) async fn refresh<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    target: Target<'_>,
) -> StoreResult<()> {
    // (people aliased p, their progress rows, their status rows, values) per statement set.
    let mut jobs: Vec<(String, String, String, Vec<Value>)> = Vec::new();
    match target {
        Target::People(ids) => {
            for chunk in ids.chunks(PEOPLE_PER_REFRESH) {
                let list = marks(chunk.len());
                let values: Vec<Value> = chunk.iter().map(|&i| i.into()).collect();
                let rows = format!("person_id IN ({list})");
                jobs.push((format!("p.id IN ({list})"), rows.clone(), rows, values));
            }
        }
        // A curriculum's courses or role changed: its rows, and the status of everyone in
        // the program (its old role's people as well as its new one's).
        Target::Curriculum(id) => {
            let program = "(SELECT program_id FROM curriculum WHERE id = ?)";
            jobs.push((
                format!("c.id = ? AND p.program_id = {program}"),
                "curriculum_id = ?".into(),
                format!("program_id = {program}"),
                vec![id.into()],
            ))
        }
        Target::Program(id) => jobs.push((
            "p.program_id = ?".into(),
            "program_id = ?".into(),
            "program_id = ?".into(),
            vec![id.into()],
        )),
    }
    for (people, progress_rows, status_rows, values) in jobs {
        let status_people = people.replace("c.id = ? AND ", "");
        let curriculum_values = match target {
            Target::Curriculum(_) => [values.clone(), values.clone()].concat(),
            _ => values.clone(),
        };
        let statements = [
            (
                format!("DELETE FROM curriculum_progress WHERE {progress_rows}"),
                values.clone(),
            ),
            (rebuild_progress(&people), curriculum_values),
            (
                format!("DELETE FROM training_status WHERE {status_rows}"),
                values.clone(),
            ),
            (rebuild_status(&status_people), status_values(&values)),
        ];
        for (sql, values) in statements {
            db.execute_raw(statement(backend, &sql, values)).await?;
        }
    }
    Ok(())
}

/// Progress rows for the people and curricula `people` selects (aliases p and c), kept only
/// where something is done.
fn rebuild_progress(people: &str) -> String {
    format!(
        "INSERT INTO curriculum_progress (program_id, person_id, curriculum_id, required, \
         done, proficiency_passed, completed_on) \
         SELECT program_id, person_id, curriculum_id, required, done, passed, \
         CASE WHEN done >= required THEN last_on END FROM ( \
           SELECT p.program_id AS program_id, p.id AS person_id, c.id AS curriculum_id, \
             (SELECT COUNT(*) FROM curriculum_course cc WHERE cc.curriculum_id = c.id) AS required, \
             (SELECT COUNT(*) FROM curriculum_course cc JOIN completion k \
                ON k.course_id = cc.course_id AND k.person_id = p.id \
              WHERE cc.curriculum_id = c.id) AS done, \
             COALESCE((SELECT a.passed FROM assessment a WHERE a.person_id = p.id \
               AND a.curriculum_id = c.id ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1), \
               FALSE) AS passed, \
             (SELECT MAX(k.completed_on) FROM curriculum_course cc JOIN completion k \
                ON k.course_id = cc.course_id AND k.person_id = p.id \
              WHERE cc.curriculum_id = c.id) AS last_on \
           FROM person p JOIN curriculum c \
             ON c.program_id = p.program_id AND c.job_role = p.job_role \
           WHERE {people}) x WHERE done > 0 OR passed = TRUE"
    )
}

/// Status rows for every person `people` selects (alias p), zeros for those with no
/// progress: a row per person keeps the figures' join the same size however many people
/// have started training (see `add_status_rows`). Besides the counts, the modules whose
/// curriculum they completed (and passed) as bit sets over `module.bit`, which a go-live's
/// requirement tests (`requirement.rs`). One pass over the people's complete progress rows,
/// grouped by person; `people` stands twice, so its values are given twice
/// (`status_values`).
fn rebuild_status(people: &str) -> String {
    let bit = super::requirement::module_bit("m");
    format!(
        "INSERT INTO training_status (person_id, program_id, complete, proficient, \
         last_completed_on, modules_complete, modules_proficient) \
         SELECT p.id, p.program_id, COALESCE(x.complete, 0), COALESCE(x.proficient, 0), \
         x.last_on, COALESCE(x.modules_complete, 0), COALESCE(x.modules_proficient, 0) \
         FROM person p LEFT JOIN ( \
           SELECT cp.person_id AS person_id, COUNT(*) AS complete, \
             CAST(SUM(CASE WHEN cp.proficiency_passed = TRUE THEN 1 ELSE 0 END) AS BIGINT) \
               AS proficient, \
             MAX(cp.completed_on) AS last_on, \
             CAST(SUM({bit}) AS BIGINT) AS modules_complete, \
             CAST(SUM(CASE WHEN cp.proficiency_passed = TRUE THEN {bit} ELSE 0 END) AS BIGINT) \
               AS modules_proficient \
           FROM curriculum_progress cp JOIN curriculum c ON c.id = cp.curriculum_id \
           JOIN module m ON m.id = c.module_id JOIN person q ON q.id = cp.person_id \
           WHERE c.job_role = q.job_role AND cp.done >= cp.required \
             AND cp.person_id IN (SELECT p.id FROM person p WHERE {people}) \
           GROUP BY cp.person_id) x ON x.person_id = p.id \
         WHERE {people}"
    )
}

/// The values of `rebuild_status(people)`: those of `people`, twice.
fn status_values(values: &[Value]) -> Vec<Value> {
    [values, values].concat()
}

/// The statements that take curriculum `curriculum_id`'s progress rows away and rebuild
/// the status rows of its program without them, for its deletion (in its transaction,
/// before the curriculum row goes): else a person's counts and module sets would still
/// hold a curriculum that no longer exists.
pub(crate) fn without_curriculum(
    backend: Backend,
    program_id: i64,
    curriculum_id: i64,
) -> Vec<Statement> {
    let program = vec![Value::from(program_id)];
    vec![
        statement(
            backend,
            "DELETE FROM curriculum_progress WHERE curriculum_id = ?",
            vec![curriculum_id.into()],
        ),
        statement(
            backend,
            "DELETE FROM training_status WHERE program_id = ?",
            program.clone(),
        ),
        statement(
            backend,
            &rebuild_status("p.program_id = ?"),
            status_values(&program),
        ),
    ]
}

/// Gives each person of program `program_id` with an id above `after_id` who has no status
/// row one of nothing done yet. Every person has one (new people get theirs here, in the
/// transaction that creates them), so that the figures by site and role join as many status
/// rows as there are people: PostgreSQL hash-joins them all, and with rows only for people
/// who had started training that join grew with the completions behind them.
pub(crate) async fn add_status_rows<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    program_id: i64,
    after_id: i64,
) -> StoreResult<()> {
    db.execute_raw(status_rows(backend, program_id, after_id))
        .await?;
    Ok(())
}

/// The statement `add_status_rows` runs.
pub(crate) fn status_rows(backend: Backend, program_id: i64, after_id: i64) -> Statement {
    let sql = "INSERT INTO training_status (person_id, program_id, complete, proficient) \
         SELECT p.id, p.program_id, 0, 0 FROM person p WHERE p.program_id = ? AND p.id > ? \
         ON CONFLICT (person_id) DO NOTHING";
    statement(backend, sql, vec![program_id.into(), after_id.into()])
}

/// The highest person id so far (0 for none): people created after it have higher ids.
pub(crate) async fn last_person_id<C: ConnectionTrait>(
    db: &C,
    backend: Backend,
) -> StoreResult<i64> {
    #[derive(FromQueryResult)]
    struct Last {
        id: Option<i64>,
    }
    let sql = "SELECT MAX(id) AS id FROM person";
    let last = Last::find_by_statement(statement(backend, sql, Vec::new()))
        .one(db)
        .await?;
    Ok(last.and_then(|l| l.id).unwrap_or(0))
}

/// Curricula per job role, as a table `r (job_role, n)` for program `?`.
pub(crate) const ROLE_CURRICULA: &str =
    "(SELECT job_role, COUNT(*) AS n FROM curriculum WHERE program_id = ? GROUP BY job_role) r";

/// People aliased `p` that `scope` reaches, as SQL and values; `None` for nobody.
pub(crate) fn people_in_scope(scope: &Scope) -> Option<(String, Vec<Value>)> {
    match scope {
        Scope::Nothing | Scope::Organization(_) => None,
        Scope::Everything => Some((String::new(), Vec::new())),
        Scope::Sites(ids) if ids.is_empty() => None,
        Scope::Sites(ids) => Some((
            format!(" AND p.site_id IN ({})", marks(ids.len())),
            ids.iter().map(|&i| i.into()).collect(),
        )),
        Scope::Own(account) => Some((
            " AND p.email = (SELECT a.email FROM account a WHERE a.id = ?)".into(),
            vec![(*account).into()],
        )),
    }
}

#[derive(FromQueryResult)]
struct CellRow {
    site_id: Option<i64>,
    job_role: String,
    people: i64,
    complete: i64,
    proficient: i64,
}

#[derive(FromQueryResult)]
struct ProgressRow {
    curriculum_id: i64,
    curriculum_name: String,
    required: i64,
    done: i64,
    proficiency_passed: bool,
    completed_on: Option<chrono::NaiveDate>,
}

#[derive(FromQueryResult)]
struct StandingRow {
    id: i64,
    name: String,
    job_role: String,
    curricula: i64,
    complete: i64,
    proficient: i64,
    last_completed_on: Option<chrono::NaiveDate>,
}

#[derive(FromQueryResult)]
struct NameRow {
    id: i64,
    name: String,
}

#[derive(FromQueryResult)]
struct Needed {
    person_id: i64,
    title: String,
    done: bool,
}

/// What a person falls short on.
#[derive(Debug, Clone, Copy)]
enum Shortfall {
    Completion,
    Proficiency,
}

/// A cell of the training figures: the active people of one job role at a site (or of
/// no site).
#[derive(Debug, Clone, Copy)]
pub struct TrainingCell {
    pub site_id: Option<SiteId>,
    pub job_role: JobRole,
}

/// A page of people behind on their training.
pub struct BehindPage {
    pub items: Vec<Behind>,
    pub next_cursor: Option<muster_domain::paging::Cursor>,
}

impl Store {
    /// Rebuilds progress for the whole program (after a bulk load from outside, or a
    /// roster import that changed job roles), or for some people.
    #[tracing::instrument(skip(self, people))]
    pub async fn refresh_training_progress(
        &self,
        program_id: i64,
        people: Option<&[PersonId]>,
    ) -> StoreResult<()> {
        let target = match people {
            Some(ids) => Target::People(ids),
            None => Target::Program(program_id),
        };
        refresh(&self.db, self.backend(), target).await
    }

    /// Completion by site and job role among active people whose role requires a
    /// curriculum under `requirement` (a go-live's, or every curriculum of the role).
    #[tracing::instrument(skip(self))]
    pub async fn completion_by_site_and_role(
        &self,
        program_id: i64,
        scope: &Scope,
        requirement: &Requirement,
    ) -> StoreResult<Vec<CompletionCell>> {
        let Some((scoped, mut values)) = people_in_scope(scope) else {
            return Ok(Vec::new());
        };
        let Required {
            role_curricula,
            complete,
            proficient,
            ..
        } = Required::of(requirement);
        let sql = format!(
            "SELECT p.site_id AS site_id, p.job_role AS job_role, CAST(COUNT(*) AS BIGINT) AS people, \
             CAST(SUM(CASE WHEN {complete} THEN 1 ELSE 0 END) AS BIGINT) AS complete, \
             CAST(SUM(CASE WHEN {proficient} THEN 1 ELSE 0 END) AS BIGINT) AS proficient \
             FROM person p JOIN {role_curricula} ON r.job_role = p.job_role \
             LEFT JOIN training_status t ON t.person_id = p.id \
             WHERE p.program_id = ? AND p.active = ?{scoped} GROUP BY p.site_id, p.job_role"
        );
        values.splice(0..0, [program_id.into(), program_id.into(), true.into()]);
        let rows = CellRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(CompletionCell {
                    site_id: r.site_id,
                    job_role: JobRole::parse(&r.job_role).map_err(StoreError::Corrupt)?,
                    people: r.people,
                    complete: r.complete,
                    proficient: r.proficient,
                })
            })
            .collect()
    }

    /// Active people of a site (or of no site), by name, each with how many of their role's
    /// curricula they have completed and passed: the provisioning list's source. One page
    /// costs one index probe per person, however many completions there are.
    #[tracing::instrument(skip(self))]
    pub async fn people_training(
        &self,
        program_id: i64,
        site_id: Option<SiteId>,
        after: Option<&muster_domain::paging::Cursor>,
        limit: u64,
    ) -> StoreResult<Vec<PersonTraining>> {
        let site = match site_id {
            Some(_) => "p.site_id = ?",
            None => "p.site_id IS NULL",
        };
        let mut values: Vec<Value> = vec![program_id.into(), true.into()];
        values.extend(site_id.map(Value::from));
        let mut sql = format!(
            "SELECT p.id AS id, p.name AS name, p.job_role AS job_role, \
             (SELECT COUNT(*) FROM curriculum c WHERE c.program_id = p.program_id \
               AND c.job_role = p.job_role) AS curricula, \
             COALESCE(t.complete, 0) AS complete, COALESCE(t.proficient, 0) AS proficient, \
             t.last_completed_on AS last_completed_on \
             FROM person p LEFT JOIN training_status t ON t.person_id = p.id \
             WHERE p.program_id = ? AND p.active = ? AND {site}"
        );
        if let Some(c) = after {
            sql.push_str(" AND (p.name > ? OR (p.name = ? AND p.id > ?))");
            values.extend([c.key.clone().into(), c.key.clone().into(), c.id.into()]);
        }
        sql.push_str(&format!(" ORDER BY p.name, p.id LIMIT {limit}"));
        let rows = StandingRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PersonTraining {
                    person_id: r.id,
                    name: r.name,
                    job_role: JobRole::parse(&r.job_role).map_err(StoreError::Corrupt)?,
                    curricula: r.curricula,
                    complete: r.complete,
                    proficient: r.proficient,
                    last_completed_on: r.last_completed_on,
                })
            })
            .collect()
    }

    /// One person's progress through each curriculum of their role.
    pub async fn person_progress(
        &self,
        program_id: i64,
        person_id: PersonId,
    ) -> StoreResult<Vec<CurriculumProgress>> {
        let sql = "SELECT c.id AS curriculum_id, c.name AS curriculum_name, \
             COALESCE(cp.required, (SELECT COUNT(*) FROM curriculum_course cc \
               WHERE cc.curriculum_id = c.id)) AS required, \
             COALESCE(cp.done, 0) AS done, \
             COALESCE(cp.proficiency_passed, FALSE) AS proficiency_passed, \
             cp.completed_on AS completed_on \
             FROM person p JOIN curriculum c ON c.program_id = p.program_id \
               AND c.job_role = p.job_role \
             LEFT JOIN curriculum_progress cp ON cp.person_id = p.id AND cp.curriculum_id = c.id \
             WHERE p.program_id = ? AND p.id = ? ORDER BY c.name";
        let rows = ProgressRow::find_by_statement(statement(
            self.backend(),
            sql,
            vec![program_id.into(), person_id.into()],
        ))
        .all(&self.db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CurriculumProgress {
                person_id,
                curriculum_id: r.curriculum_id,
                curriculum_name: r.curriculum_name,
                required: r.required,
                done: r.done,
                proficiency_passed: r.proficiency_passed,
                completed_on: r.completed_on,
            })
            .collect())
    }

    /// The active people of `cell` who have not completed every curriculum `requirement`
    /// asks of their role, by name, with the required courses each still misses.
    #[tracing::instrument(skip(self))]
    pub async fn people_behind(
        &self,
        program_id: i64,
        cell: &TrainingCell,
        requirement: &Requirement,
        after: Option<&muster_domain::paging::Cursor>,
        limit: u64,
    ) -> StoreResult<BehindPage> {
        self.people_short(
            program_id,
            cell,
            &Required::of(requirement),
            Shortfall::Completion,
            after,
            limit,
        )
        .await
    }

    /// The active people of `cell` who have completed the curricula `requirement` asks of
    /// their role but not passed proficiency in every one (the readiness proficiency
    /// drill-down).
    #[tracing::instrument(skip(self))]
    pub async fn people_not_proficient(
        &self,
        program_id: i64,
        cell: &TrainingCell,
        requirement: &Requirement,
        after: Option<&muster_domain::paging::Cursor>,
        limit: u64,
    ) -> StoreResult<BehindPage> {
        self.people_short(
            program_id,
            cell,
            &Required::of(requirement),
            Shortfall::Proficiency,
            after,
            limit,
        )
        .await
    }

    async fn people_short(
        &self,
        program_id: i64,
        cell: &TrainingCell,
        required: &Required,
        shortfall: Shortfall,
        after: Option<&muster_domain::paging::Cursor>,
        limit: u64,
    ) -> StoreResult<BehindPage> {
        let site = match cell.site_id {
            Some(_) => "p.site_id = ?",
            None => "p.site_id IS NULL",
        };
        let mut values: Vec<Value> = vec![
            program_id.into(),
            program_id.into(),
            true.into(),
            cell.job_role.code().into(),
        ];
        values.extend(cell.site_id.map(Value::from));
        let (complete, proficient) = (&required.complete, &required.proficient);
        let mut sql = format!(
            "SELECT p.id AS id, p.name AS name FROM person p JOIN {} \
             ON r.job_role = p.job_role LEFT JOIN training_status t ON t.person_id = p.id \
             WHERE p.program_id = ? AND p.active = ? AND p.job_role = ? AND {site} \
             AND {short}",
            required.role_curricula,
            short = match shortfall {
                Shortfall::Completion => format!("NOT {complete}"),
                Shortfall::Proficiency => format!("{complete} AND NOT {proficient}"),
            }
        );
        if let Some(c) = after {
            sql.push_str(" AND (p.name > ? OR (p.name = ? AND p.id > ?))");
            values.extend([c.key.clone().into(), c.key.clone().into(), c.id.into()]);
        }
        sql.push_str(&format!(" ORDER BY p.name, p.id LIMIT {}", limit + 1));
        let mut people = NameRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        let next_cursor = (people.len() as u64 > limit).then(|| {
            people.truncate(limit as usize);
            let last = people.last().expect("a full page");
            muster_domain::paging::Cursor {
                key: last.name.clone(),
                id: last.id,
            }
        });
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let mut needed: HashMap<i64, Vec<Needed>> = HashMap::new();
        if !ids.is_empty() {
            let sql = format!(
                "SELECT p.id AS person_id, k.title AS title, \
                 (EXISTS (SELECT 1 FROM completion m WHERE m.person_id = p.id \
                   AND m.course_id = k.id)) AS done \
                 FROM person p JOIN curriculum c ON c.program_id = p.program_id \
                   AND c.job_role = p.job_role \
                 JOIN curriculum_course cc ON cc.curriculum_id = c.id \
                 JOIN course k ON k.id = cc.course_id \
                 WHERE p.id IN ({}) AND {} ORDER BY p.id, c.name, cc.position",
                marks(ids.len()),
                required.curriculum
            );
            let values = ids.iter().map(|&i| i.into()).collect();
            for row in Needed::find_by_statement(statement(self.backend(), &sql, values))
                .all(&self.db)
                .await?
            {
                needed.entry(row.person_id).or_default().push(row);
            }
        }
        let items = people
            .into_iter()
            .map(|p| {
                let courses = needed.remove(&p.id).unwrap_or_default();
                Behind {
                    person_id: p.id,
                    name: p.name,
                    done: courses.iter().filter(|c| c.done).count() as i64,
                    required: courses.len() as i64,
                    missing: courses
                        .into_iter()
                        .filter(|c| !c.done)
                        .map(|c| c.title)
                        .collect(),
                }
            })
            .collect();
        Ok(BehindPage { items, next_cursor })
    }
}
