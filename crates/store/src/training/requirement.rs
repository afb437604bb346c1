//! A go-live's training requirement (`Requirement`) in SQL: which curricula each job role
//! must complete, and whether a person has. The provisioning list, the readiness
//! scorecard's training measures and their drill-down decide it here alike, from the
//! person's one `training_status` row, so their cost follows people, never progress or
//! completion rows. For a go-live that lists modules, the status row's module bit sets
//! (migration 0030) say which modules' curricula the person has completed and passed.

use muster_domain::provisioning::{RequiredModule, Requirement};
use muster_domain::wave::WaveId;
use sea_orm::FromQueryResult;

use super::progress::ROLE_CURRICULA;
use crate::Store;
use crate::error::StoreResult;
use crate::raw::statement;

/// `module`'s bit in a person's module sets, as an SQL value.
pub(crate) fn module_bit(module: &str) -> String {
    format!("(CAST(1 AS BIGINT) << CAST({module}.bit AS INTEGER))")
}

/// A `Requirement` in SQL, over person `p`, their role's row `r` of `role_curricula` and
/// their status row `t` (`LEFT JOIN training_status t ON t.person_id = p.id`).
pub(crate) struct Required {
    /// The required curricula per job role, as a table `r (job_role, n, ...)` taking the
    /// program as its one value; a role that requires nothing has no row.
    pub role_curricula: String,
    /// Whether `p` has completed every required curriculum of their role.
    pub complete: String,
    /// Whether `p` has completed every required curriculum and passed each one's
    /// assessment.
    pub proficient: String,
    /// Whether curriculum `c` is required (of its role).
    pub curriculum: String,
    /// The day `p` completed the last of the required curricula (meaningful once
    /// `complete`).
    pub completed_on: String,
}

impl Required {
    pub(crate) fn of(requirement: &Requirement) -> Required {
        match requirement.modules() {
            [] => Required {
                role_curricula: ROLE_CURRICULA.to_owned(),
                complete: "COALESCE(t.complete, 0) >= r.n".into(),
                proficient: "COALESCE(t.proficient, 0) >= r.n".into(),
                curriculum: "TRUE".into(),
                completed_on: "t.last_completed_on".into(),
            },
            modules => {
                // Module ids are integers read from the database, written as literals so
                // the rule can stand anywhere in a statement without moving its values.
                let ids = modules
                    .iter()
                    .map(|m| m.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                // A module without a bit (past a program's 63rd) cannot be tested, so a
                // role requiring one counts nobody complete (`bits` < `n`).
                let all_of = |set: &str| {
                    format!("(r.bits = r.n AND (COALESCE(t.{set}, 0) & r.mask) = r.mask)")
                };
                Required {
                    role_curricula: format!(
                        "(SELECT c.job_role AS job_role, COUNT(*) AS n, COUNT(m.bit) AS bits, \
                         CAST(SUM({}) AS BIGINT) AS mask FROM curriculum c \
                         JOIN module m ON m.id = c.module_id WHERE c.program_id = ? \
                         AND c.module_id IN ({ids}) GROUP BY c.job_role) r",
                        module_bit("m")
                    ),
                    complete: all_of("modules_complete"),
                    proficient: all_of("modules_proficient"),
                    curriculum: format!("c.module_id IN ({ids})"),
                    // The status row keeps the day of the last curriculum of any module;
                    // the set's day is in the progress rows (a probe per person).
                    completed_on: format!(
                        "(SELECT MAX(cp.completed_on) FROM curriculum_progress cp \
                         JOIN curriculum c ON c.id = cp.curriculum_id \
                         WHERE cp.person_id = p.id AND c.job_role = p.job_role \
                         AND c.module_id IN ({ids}))"
                    ),
                }
            }
        }
    }
}

#[derive(FromQueryResult)]
struct ModuleRow {
    id: i64,
    name: String,
}

impl Store {
    /// Which curricula a go-live requires: those of the modules wave `wave_id` takes live,
    /// or every curriculum of each role without a wave or when it lists none.
    #[tracing::instrument(skip(self))]
    pub async fn go_live_requirement(
        &self,
        program_id: i64,
        wave_id: Option<WaveId>,
    ) -> StoreResult<Requirement> {
        let Some(wave_id) = wave_id else {
            return Ok(Requirement::AllOfRole);
        };
        let sql = "SELECT m.id AS id, m.name AS name FROM wave_module wm \
             JOIN module m ON m.id = wm.module_id WHERE wm.wave_id = ? AND wm.program_id = ?";
        let rows = ModuleRow::find_by_statement(statement(
            self.backend(),
            sql,
            vec![wave_id.into(), program_id.into()],
        ))
        .all(&self.db)
        .await?;
        Ok(Requirement::of_wave(
            rows.into_iter()
                .map(|m| RequiredModule {
                    id: m.id,
                    name: m.name,
                })
                .collect(),
        ))
    }
}
