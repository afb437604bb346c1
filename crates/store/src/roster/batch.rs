//! A roster batch made ready for the writer without the database: its creates and plain
//! updates as JSON texts, one per upsert statement.

use muster_domain::import::people::PersonWrite;
use muster_domain::person::PersonSpec;

use super::PEOPLE_PER_STATEMENT;

/// A batch as one JSON array of rows, `[employee id, name, email, job role, site, unit,
/// employer kind, organization, shift, active]` each, for `RosterWriter::upsert_sql`.
fn people_json(people: &[&PersonSpec]) -> String {
    let rows: Vec<_> = people
        .iter()
        .map(|s| {
            (
                s.employee_id.as_deref(),
                s.name.as_str(),
                s.email.as_str(),
                s.job_role.code(),
                s.site_id,
                s.unit_id,
                s.employer_kind.code(),
                s.organization.as_deref(),
                s.shift.map(|x| x.code()),
                s.active,
            )
        })
        .collect();
    serde_json::to_string(&rows).expect("people serialize")
}

/// A batch of checked rows ready for `RosterWriter::write`: its creates and plain updates
/// as JSON texts of at most `PEOPLE_PER_STATEMENT` rows, made without the database so that
/// the import makes the next batch's while the database writes this one.
pub struct RosterBatch {
    pub(super) writes: Vec<PersonWrite>,
    /// One JSON text per upsert statement (`RosterWriter::upsert_sql`).
    pub(super) upserts: Vec<String>,
}

impl RosterBatch {
    pub fn new(writes: Vec<PersonWrite>) -> Self {
        let specs: Vec<&PersonSpec> = writes
            .iter()
            .filter_map(|w| match w {
                PersonWrite::Create(spec)
                | PersonWrite::Update {
                    adopt: false, spec, ..
                } => Some(spec),
                _ => None,
            })
            .collect();
        let upserts = specs
            .chunks(PEOPLE_PER_STATEMENT)
            .map(people_json)
            .collect();
        RosterBatch { writes, upserts }
    }

    pub fn writes(&self) -> &[PersonWrite] {
        &self.writes
    }
}

impl From<Vec<PersonWrite>> for RosterBatch {
    fn from(writes: Vec<PersonWrite>) -> Self {
        RosterBatch::new(writes)
    }
}
