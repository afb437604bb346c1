//! `muster import people FILE` and `muster import completions FILE`: the roster and LMS
//! completions imports at the command line, with a progress bar and the same checks,
//! modes and outcome as the pages and the API. `muster import plan FILE`: a Microsoft
//! Project XML file or a task list into the plan, all or nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::import::date::DateOrder;
use muster_domain::import::{ImportKind, ImportMode, ImportStatus, Mapping};
use muster_import::Progress;
use muster_store::import::NewImport;
use muster_store::{Change, Store};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import people from a CSV or XLSX roster (HR export): upsert by employee id
    People {
        /// The CSV or XLSX file
        file: PathBuf,
        /// Which column feeds a field, e.g. --mapping email="Work Email" (repeatable);
        /// fields left out are matched from the headers. Fields: employee_id, name, email,
        /// job_role, site, unit, employer_kind, organization, shift, active, termination_date
        #[arg(long = "mapping", value_name = "FIELD=HEADER")]
        mapping: Vec<String>,
        /// all-or-nothing: any bad row and nothing is written; valid-rows: import the rest
        #[arg(long, value_enum, default_value_t = Mode::AllOrNothing)]
        mode: Mode,
        /// The file is the complete roster: people with an employee id who are not in it are
        /// marked inactive (never deleted)
        #[arg(long)]
        complete_roster: bool,
        /// How dates with slashes (03/04/2027) read: either (refuse the ambiguous),
        /// month-first (US), day-first
        #[arg(long, value_enum, default_value_t = Dates::Either)]
        dates: Dates,
        /// Write the refused rows, with a reason column, to this CSV file
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
    },
    /// Import training completions from a CSV or XLSX LMS export: one per person and
    /// course, a later completion replacing an earlier one; progress rebuilt at the end
    Completions {
        /// The CSV or XLSX file
        file: PathBuf,
        /// Which column feeds a field, e.g. --mapping course="Activity Code" (repeatable);
        /// fields left out are matched from the headers. Fields: employee_id, course,
        /// completed_on, score, source
        #[arg(long = "mapping", value_name = "FIELD=HEADER")]
        mapping: Vec<String>,
        /// all-or-nothing: any bad row and nothing is written; valid-rows: import the rest
        #[arg(long, value_enum, default_value_t = Mode::AllOrNothing)]
        mode: Mode,
        /// How dates with slashes (03/04/2027) read: either (refuse the ambiguous),
        /// month-first (US), day-first
        #[arg(long, value_enum, default_value_t = Dates::Either)]
        dates: Dates,
        /// Write the refused rows, with a reason column, to this CSV file
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
    },
    /// Import KPI measurements of the benefit goals from a CSV or XLSX file: goal name,
    /// site code (blank: program-wide), period, value in the goal's unit; the same goal,
    /// site and period again replaces the value
    Measurements {
        /// The CSV or XLSX file
        file: PathBuf,
        /// Which column feeds a field, e.g. --mapping goal="KPI" (repeatable); fields left
        /// out are matched from the headers. Fields: goal, site, period, value
        #[arg(long = "mapping", value_name = "FIELD=HEADER")]
        mapping: Vec<String>,
        /// all-or-nothing: any bad row and nothing is written; valid-rows: import the rest
        #[arg(long, value_enum, default_value_t = Mode::AllOrNothing)]
        mode: Mode,
        /// How dates with slashes (03/04/2027) read: either (refuse the ambiguous),
        /// month-first (US), day-first
        #[arg(long, value_enum, default_value_t = Dates::Either)]
        dates: Dates,
        /// Write the refused rows, with a reason column, to this CSV file
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
    },
    /// Import a plan: Microsoft Project XML (.xml, as Microsoft Project or ProjectLibre
    /// save it) or a task list (.csv, .xlsx), all or nothing. Into an empty plan the file
    /// becomes the plan (and an XML file's calendar the plan's); otherwise its tasks are
    /// added under a new top-level task named after the file
    Plan {
        /// The .xml, .csv or .xlsx file
        file: PathBuf,
        /// For a task list into an empty plan: the project start to set (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        start: Option<chrono::NaiveDate>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    AllOrNothing,
    ValidRows,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dates {
    Either,
    MonthFirst,
    DayFirst,
}

pub async fn run(store: &Store, operator: Actor, command: ImportCommand) -> anyhow::Result<()> {
    let (kind, file, mapping, mode, complete_roster, dates, rejects) = match command {
        ImportCommand::Plan { file, start } => return plan(store, operator, file, start).await,
        ImportCommand::People {
            file,
            mapping,
            mode,
            complete_roster,
            dates,
            rejects,
        } => (
            ImportKind::People,
            file,
            mapping,
            mode,
            complete_roster,
            dates,
            rejects,
        ),
        ImportCommand::Completions {
            file,
            mapping,
            mode,
            dates,
            rejects,
        } => (
            ImportKind::Completions,
            file,
            mapping,
            mode,
            false,
            dates,
            rejects,
        ),
        ImportCommand::Measurements {
            file,
            mapping,
            mode,
            dates,
            rejects,
        } => (
            ImportKind::Measurements,
            file,
            mapping,
            mode,
            false,
            dates,
            rejects,
        ),
    };
    let mode = match mode {
        Mode::AllOrNothing => ImportMode::AllOrNothing,
        Mode::ValidRows => ImportMode::ValidRows,
    };
    let date_order = match dates {
        Dates::Either => DateOrder::Either,
        Dates::MonthFirst => DateOrder::MonthFirst,
        Dates::DayFirst => DateOrder::DayFirst,
    };
    let mapping = Mapping::parse_pairs(&mapping).map_err(|e| anyhow::anyhow!("--mapping {e}"))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::metadata(&file)
        .with_context(|| format!("{} cannot be read", file.display()))?
        .len();
    let opened = muster_import::open(&file, &name, kind, &mapping)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let resolved = match opened.resolved {
        Ok(r) => r,
        Err(invalid) => {
            for e in &invalid.0 {
                eprintln!("  {}: {}", e.field, e.message);
            }
            bail!(
                "the columns of {} do not fit; nothing was imported",
                file.display()
            );
        }
    };
    eprintln!("Reading {} ({}):", file.display(), opened.format.label());
    for (field, header) in &resolved.used {
        eprintln!("  {field:<16} <- {header}");
    }
    if !resolved.ignored.is_empty() {
        eprintln!("  ignored columns: {}", resolved.ignored.join(", "));
    }
    let change = Change::new(&operator, Via::Cli);
    let new = NewImport {
        kind,
        file_name: name,
        file_bytes: bytes,
        format: opened.format,
        status: ImportStatus::Queued,
        mode,
        complete_roster,
        date_order,
        mapping: resolved.mapping(kind.columns()),
        upload_path: None,
    };
    let job = store.create_import(&change, new).await?;
    let scratch = std::env::temp_dir().join(format!(
        "muster-rejects-{}-{}.csv",
        std::process::id(),
        job.id
    ));
    let rejects_path = rejects.clone().unwrap_or_else(|| scratch.clone());
    let progress = Arc::new(Progress::default());
    let bar = bar();
    let task = {
        let (store, actor, job, file, rejects_path, progress) = (
            store.clone(),
            operator.clone(),
            job.clone(),
            file.clone(),
            rejects_path.clone(),
            progress.clone(),
        );
        tokio::spawn(async move {
            muster_import::run(
                &store,
                &actor,
                Via::Cli,
                &job,
                &file,
                &rejects_path,
                progress,
            )
            .await
        })
    };
    while !task.is_finished() {
        tick(&bar, &progress);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let outcome = task.await?;
    tick(&bar, &progress);
    bar.finish_and_clear();
    let job = store.import_job(operator.program_id, job.id).await?;
    println!("Import {}: {}", job.id, outcome.message);
    report_rejects(
        &job.row_errors,
        outcome.rejects_path.as_deref(),
        rejects.as_deref(),
        job.counts.rejected,
    );
    let _ = std::fs::remove_file(&scratch);
    if outcome.status == ImportStatus::Failed {
        bail!("import {} failed", job.id);
    }
    Ok(())
}

/// `muster import plan FILE`: the outcome in a sentence, or every problem with where it is.
async fn plan(
    store: &Store,
    operator: Actor,
    file: PathBuf,
    start: Option<chrono::NaiveDate>,
) -> anyhow::Result<()> {
    use muster_import::plan::{PlanImport, PlanImportError, import_plan};
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::metadata(&file).with_context(|| format!("{} cannot be read", file.display()))?;
    let started = std::time::Instant::now();
    let request = PlanImport {
        path: file.clone(),
        file_name,
        project_start: start,
    };
    match import_plan(store, &operator, Via::Cli, request).await {
        Ok(done) => {
            println!("{}", done.summary());
            eprintln!("({:.1} s)", started.elapsed().as_secs_f64());
            Ok(())
        }
        Err(PlanImportError::Refused(refused)) => {
            for p in &refused.problems {
                eprintln!("  {p}");
            }
            bail!("{}: {}", file.display(), refused.summary())
        }
        Err(PlanImportError::File(e)) => {
            bail!("{}: {e}; nothing was imported", file.display())
        }
        Err(PlanImportError::Store(e)) => Err(e.into()),
    }
}

fn report_rejects(
    errors: &[muster_domain::import::RowError],
    written: Option<&str>,
    asked: Option<&Path>,
    rejected: u64,
) {
    if rejected == 0 {
        return;
    }
    for e in errors.iter().take(10) {
        eprintln!("  row {}, {}: {}", e.row, e.field, e.message);
    }
    match (written, asked) {
        (Some(_), Some(path)) => eprintln!(
            "Refused rows: {rejected}, each with its reason, in {}.",
            path.display()
        ),
        _ => eprintln!(
            "Refused rows: {rejected}; pass --rejects FILE to get them all with their reasons."
        ),
    }
}

fn bar() -> ProgressBar {
    let bar = ProgressBar::new(100);
    bar.set_style(
        ProgressStyle::with_template("importing [{bar:40}] {pos:>3}% {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

fn tick(bar: &ProgressBar, progress: &Progress) {
    let c = progress.counts();
    bar.set_position(u64::from(progress.percent()));
    bar.set_message(format!(
        "{} rows, {} new, {} updated, {} unchanged, {} rejected",
        c.rows_done, c.imported, c.updated, c.unchanged, c.rejected
    ));
}
