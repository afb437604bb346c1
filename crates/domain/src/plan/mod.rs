//! The rollout plan: tasks, the dependencies between them, the program's working calendar,
//! and the scheduling engine (`schedule.rs`) that gives each task its early and late dates,
//! its float and whether it is on the critical path. `go_live.rs` reads each wave's go-live
//! forecast from it; `wave_move.rs` moves a site or module to another wave on it.

pub mod baseline;
pub mod calendar;
pub mod cost;
pub mod dependency;
pub mod exchange;
pub mod go_live;
pub mod holiday;
pub mod ids;
pub mod outlook;
pub mod schedule;
pub mod settings;
pub mod task;
#[cfg(test)]
pub(crate) mod testing;
pub mod tree;
pub mod wave_move;

pub type TaskId = i64;

choice!(
    /// How a dependency ties its successor to its predecessor.
    DependencyKind {
        FinishToStart = ("fs", "Finish to start"),
        StartToStart = ("ss", "Start to start"),
        FinishToFinish = ("ff", "Finish to finish"),
        StartToFinish = ("sf", "Start to finish"),
    }
);

choice!(
    /// A date a task is held to, besides its dependencies.
    ConstraintKind {
        StartNoEarlierThan = ("snet", "Start no earlier than"),
        StartNoLaterThan = ("snlt", "Start no later than"),
        FinishNoEarlierThan = ("fnet", "Finish no earlier than"),
        FinishNoLaterThan = ("fnlt", "Finish no later than"),
        MustStartOn = ("mso", "Must start on"),
        MustFinishOn = ("mfo", "Must finish on"),
    }
);

impl ConstraintKind {
    /// Whether the date holds the start (else the finish).
    pub fn on_start(self) -> bool {
        matches!(
            self,
            Self::StartNoEarlierThan | Self::StartNoLaterThan | Self::MustStartOn
        )
    }

    /// Whether it pushes the task later (a floor on its early dates).
    pub fn is_floor(self) -> bool {
        !matches!(self, Self::StartNoLaterThan | Self::FinishNoLaterThan)
    }

    /// Whether it holds the task back (a ceiling on its late dates).
    pub fn is_ceiling(self) -> bool {
        !matches!(self, Self::StartNoEarlierThan | Self::FinishNoEarlierThan)
    }
}

/// The program's plan settings: when the project starts and which weekdays are worked.
/// `revision` moves with every change to the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSettings {
    pub project_start: chrono::NaiveDate,
    /// Monday first.
    pub working_weekdays: [bool; 7],
    pub revision: i64,
}

impl PlanSettings {
    /// "mon,tue,wed,thu,fri": how the weekdays are written and stored.
    pub fn weekdays_code(&self) -> String {
        settings::WEEKDAYS
            .iter()
            .zip(self.working_weekdays)
            .filter(|(_, on)| *on)
            .map(|((code, _), _)| *code)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A task with its computed dates and its place in the outline.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRow {
    #[serde(flatten)]
    pub task: task::PlanTask,
    pub schedule: schedule::Scheduled,
    /// 0 at the top of the outline.
    pub depth: u16,
    /// Has subtasks: its dates are theirs.
    pub summary: bool,
    /// Against the baseline asked for, if any and if the task was in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance: Option<baseline::Variance>,
}
