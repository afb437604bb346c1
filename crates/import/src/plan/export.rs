//! The plan as a task list (`table::EXPORT_COLUMNS`), in outline order and a chunk at a
//! time, from the computed schedule the store keeps: the same columns an import reads, so
//! that an export imports again, plus the computed dates, float and critical flag.

use std::sync::Arc;

use chrono::NaiveDate;
use muster_domain::plan::exchange::table::{
    EXPORT_COLUMNS, Labels, export_cells, predecessors_cell,
};
use muster_store::plan::schedule::PlanSchedule;
use muster_store::{Store, StoreResult};

use crate::export::{Export, ExportFormat};

/// The plan's rows still to write.
pub struct PlanRows {
    plan: Arc<PlanSchedule>,
    labels: Labels,
    /// Per task (by index), the indexes of the dependencies it is the successor of.
    into: Vec<Vec<u32>>,
    /// How far through the outline the rows are.
    next: usize,
}

impl PlanRows {
    /// The plan of `program_id` as of `today`. Owners' emails only `with_emails`: whoever
    /// may not read people gets the column empty.
    pub async fn new(
        store: &Store,
        program_id: i64,
        today: NaiveDate,
        with_emails: bool,
    ) -> StoreResult<PlanRows> {
        let plan = store.plan_schedule(program_id, today).await?;
        let mut owners: Vec<i64> = if with_emails {
            plan.tasks
                .iter()
                .filter_map(|t| t.owner_person_id)
                .collect()
        } else {
            Vec::new()
        };
        owners.sort_unstable();
        owners.dedup();
        let labels = store.plan_labels(program_id, &owners).await?;
        let mut into = vec![Vec::new(); plan.tasks.len()];
        for (k, d) in plan.dependencies.iter().enumerate() {
            if let Some(i) = plan.position(d.successor_id) {
                into[i].push(k as u32);
            }
        }
        Ok(PlanRows {
            plan,
            labels,
            into,
            next: 0,
        })
    }

    /// How many rows (tasks) there are in all.
    pub fn len(&self) -> usize {
        self.plan.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.plan.tasks.is_empty()
    }

    /// Writes up to `n` more rows to `export`; false once every row is written.
    pub fn write(&mut self, export: &mut Export, n: usize) -> std::io::Result<bool> {
        let order = &self.plan.outline.order;
        let end = (self.next + n).min(order.len());
        for &i in &order[self.next..end] {
            let links = self.into[i]
                .iter()
                .map(|&k| &self.plan.dependencies[k as usize]);
            let cells = export_cells(&self.plan.row(i), predecessors_cell(links), &self.labels);
            export.row(&cells)?;
        }
        self.next = end;
        Ok(end < order.len())
    }
}

/// A new export of the plan's columns in `format`.
pub fn new_export(format: ExportFormat) -> std::io::Result<Export> {
    Export::new(format, "Plan", &EXPORT_COLUMNS)
}

/// The whole plan of `program_id` written to `out` (for the command line and tests; the
/// web streams it chunk by chunk).
pub async fn write_file(
    store: &Store,
    program_id: i64,
    today: NaiveDate,
    format: ExportFormat,
    out: &std::path::Path,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    use std::io::Write;
    let mut rows = PlanRows::new(store, program_id, today, true).await?;
    let mut export = new_export(format)?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    while rows.write(&mut export, 500)? {
        file.write_all(&export.take()?)?;
    }
    file.write_all(&export.finish()?)?;
    file.flush()?;
    Ok(rows.len())
}
