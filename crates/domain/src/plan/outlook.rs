//! Waves against the plan: each wave's go-live forecast, scale index and milestones (the
//! waves page), and what moving a site or module to another wave does to both waves and
//! to the schedule (the what-if), all read from scheduled plans.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::TaskId;
use super::go_live::{GoLiveForecast, PlanDates};
use super::schedule::Scheduled;
use super::task::PlanTask;
use super::wave_move::{DropReason, PlanMove, WaveMove};
use crate::site::SiteId;
use crate::wave::scale::{ScaleIndex, ScaleInputs, SiteHeadcount};
use crate::wave::{Wave, WaveId};

/// How many steps back the driving path is followed.
pub const DRIVING_STEPS: usize = 6;

/// A scheduled plan as the outlook reads it.
pub struct ScheduledPlan<'a> {
    pub tasks: &'a [PlanTask],
    pub dates: &'a [Scheduled],
    /// Each wave's go-live milestone, by index.
    pub go_lives: &'a HashMap<WaveId, usize>,
    pub finish: NaiveDate,
    /// Program working days from the first date to the second.
    pub working_days: &'a dyn Fn(NaiveDate, NaiveDate) -> i64,
}

impl ScheduledPlan<'_> {
    pub fn go_live(&self, wave: &Wave) -> GoLiveForecast {
        let milestone = self
            .go_lives
            .get(&wave.id)
            .map(|&i| (&self.tasks[i], &self.dates[i]));
        GoLiveForecast::assess(wave.id, wave.go_live, milestone, self.working_days)
    }
}

/// A wave's scale inputs: its modules, its sites' people (`headcounts` by site) and its
/// counted complexity.
pub fn scale_inputs(wave: &Wave, headcounts: &HashMap<SiteId, SiteHeadcount>) -> ScaleInputs {
    ScaleInputs {
        modules: wave.module_ids.len(),
        sites: wave
            .site_ids
            .iter()
            .map(|s| {
                headcounts.get(s).cloned().unwrap_or(SiteHeadcount {
                    site_id: *s,
                    name: format!("site {s}"),
                    roster: 0,
                    expected_users: None,
                })
            })
            .collect(),
        interfaces: wave.interfaces,
        approved_customizations: wave.approved_customizations + wave.requested_customizations,
    }
}

/// A milestone on a wave's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineMilestone {
    pub task_id: TaskId,
    pub name: String,
    /// A site's own milestone; `None` for the wave's.
    pub site_id: Option<SiteId>,
    /// Its early finish (its actual finish once reached).
    pub forecast: NaiveDate,
    /// The date it is held to (a "finish no later than" or "must finish on"), if any.
    pub deadline: Option<NaiveDate>,
    pub done: bool,
    pub critical: bool,
    /// The wave's go-live milestone.
    pub go_live: bool,
}

impl TimelineMilestone {
    /// Not reached and forecast after the date it is held to.
    pub fn late(&self) -> bool {
        !self.done && self.deadline.is_some_and(|d| self.forecast > d)
    }
}

/// The share of a site's milestones in a wave that are on track, in percent: of the
/// wave's own milestones and the site's, those held to a date (reached, or not late for
/// it). `None` when none is held to a date: there is nothing to be on track for.
pub fn milestones_on_track(timeline: &[TimelineMilestone], site: SiteId) -> Option<f64> {
    let held: Vec<&TimelineMilestone> = timeline
        .iter()
        .filter(|m| m.site_id.is_none_or(|s| s == site) && m.deadline.is_some())
        .collect();
    let on_track = held.iter().filter(|m| !m.late()).count();
    (!held.is_empty()).then(|| on_track as f64 * 100.0 / held.len() as f64)
}

/// A task on the driving path of a wave's go-live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrivingTask {
    pub task_id: TaskId,
    pub name: String,
    /// Its wave: the path may lead into another wave's work.
    pub wave_id: Option<WaveId>,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub percent_complete: i64,
    /// Started: its own progress sets its finish from here on.
    pub under_way: bool,
    pub critical: bool,
}

/// One wave on the waves page.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveOutlook {
    pub wave: Wave,
    pub go_live: GoLiveForecast,
    pub scale: ScaleIndex,
    /// The wave's milestones (tasks of no duration and no subtasks naming the wave), by
    /// forecast date.
    pub milestones: Vec<TimelineMilestone>,
    /// The work that sets the go-live date, nearest first, back to work under way.
    pub driving_path: Vec<DrivingTask>,
}

/// Every wave's outlook, by go-live date, with what they were read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveOutlooks {
    pub status_date: NaiveDate,
    /// The plan's finish.
    pub finish: NaiveDate,
    pub revision: i64,
    /// Why the plan could not be scheduled, if it could not: its dates, and so the
    /// forecasts, are then the project start and mean nothing.
    pub error: Option<String>,
    pub waves: Vec<WaveOutlook>,
}

/// Each wave's milestones (leaf tasks of no duration naming it), by index: one pass.
pub fn milestones_by_wave(tasks: &[PlanTask], summary: &[bool]) -> HashMap<WaveId, Vec<usize>> {
    let mut out: HashMap<WaveId, Vec<usize>> = HashMap::new();
    for (i, t) in tasks.iter().enumerate() {
        if let Some(w) = t.wave_id
            && t.milestone
            && t.duration == 0
            && !summary[i]
        {
            out.entry(w).or_default().push(i);
        }
    }
    out
}

/// The waves page's view of `wave`: `milestones` are its milestones' indexes
/// (`milestones_by_wave`).
pub fn outlook(
    wave: &Wave,
    plan: &ScheduledPlan<'_>,
    links: &PlanDates<'_>,
    milestones: &[usize],
    headcounts: &HashMap<SiteId, SiteHeadcount>,
) -> WaveOutlook {
    let go_live = plan.go_live(wave);
    let go_live_index = plan.go_lives.get(&wave.id).copied();
    let driving_path = go_live_index
        .map(|i| links.driving_path(i, DRIVING_STEPS, plan.working_days))
        .unwrap_or_default()
        .into_iter()
        .map(|i| {
            let (t, d) = (&plan.tasks[i], &plan.dates[i]);
            DrivingTask {
                task_id: t.id,
                name: t.name.clone(),
                wave_id: t.wave_id,
                start: d.early_start,
                finish: d.early_finish,
                percent_complete: t.percent_complete,
                under_way: t.actual_start.is_some(),
                critical: d.critical,
            }
        })
        .collect();
    WaveOutlook {
        scale: scale_inputs(wave, headcounts).index(),
        wave: wave.clone(),
        go_live,
        milestones: timeline(wave, plan, milestones),
        driving_path,
    }
}

/// `wave`'s milestones (`milestones` are their indexes, `milestones_by_wave`) by forecast
/// date, each with the date it is held to.
pub fn timeline(
    wave: &Wave,
    plan: &ScheduledPlan<'_>,
    milestones: &[usize],
) -> Vec<TimelineMilestone> {
    let go_live_index = plan.go_lives.get(&wave.id).copied();
    let mut timeline: Vec<TimelineMilestone> = milestones
        .iter()
        .map(|&i| {
            let (t, d) = (&plan.tasks[i], &plan.dates[i]);
            let deadline = t
                .constraint_kind
                .filter(|k| !k.on_start() && k.is_ceiling())
                .and(t.constraint_date);
            TimelineMilestone {
                task_id: t.id,
                name: t.name.clone(),
                site_id: t.site_id,
                forecast: t.actual_finish.filter(|_| d.done).unwrap_or(d.early_finish),
                deadline,
                done: d.done,
                critical: d.critical,
                go_live: Some(i) == go_live_index,
            }
        })
        .collect();
    timeline.sort_by_key(|m| (m.forecast, m.task_id));
    timeline
}

/// A wave's go-live before and after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoLiveChange {
    pub wave_id: WaveId,
    pub name: String,
    pub before: GoLiveForecast,
    pub after: GoLiveForecast,
    /// Working days the forecast moves (positive: later).
    pub moved_working_days: i64,
}

/// One of the two waves of a move: its scale and its go-live, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveEffect {
    pub scale_before: ScaleIndex,
    pub scale_after: ScaleIndex,
    #[serde(flatten)]
    pub go_live: GoLiveChange,
}

/// A link the move rewires or drops, by the names of its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkNote {
    pub dependency_id: i64,
    /// "Build Pharmacy (Wave 1) -> Walkthrough".
    pub was: String,
    /// The link after the move; `None` when it is dropped.
    pub now: Option<String>,
    pub dropped: Option<DropReason>,
}

/// What a move of a site or module to another wave does, before anything is saved (or
/// once it is, with `applied`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveMoveOutcome {
    pub change: WaveMove,
    /// The site's or module's name.
    pub item: String,
    pub from: WaveEffect,
    pub to: WaveEffect,
    /// Other waves whose go-live forecast moves too.
    pub other_waves: Vec<GoLiveChange>,
    /// The plan's finish before and after.
    pub finish_before: NaiveDate,
    pub finish_after: NaiveDate,
    pub finish_moved_working_days: i64,
    /// Tasks whose wave changes, and tasks moved under another parent.
    pub tasks_moved: usize,
    pub tasks_reparented: usize,
    pub links_rewired: Vec<LinkNote>,
    pub links_dropped: Vec<LinkNote>,
    /// Things to know that the figures do not say.
    pub notes: Vec<String>,
    /// Why the moved plan cannot be scheduled (a loop): it cannot be saved.
    pub error: Option<String>,
    /// The plan revision this was computed on; after a save, the new one.
    pub revision: i64,
    pub applied: bool,
}

/// Everything a what-if compares.
pub struct WhatIf<'a> {
    pub change: &'a WaveMove,
    pub item: String,
    /// The two waves as they are and as they would be (`WaveMove::moved_waves`).
    pub from: (&'a Wave, &'a Wave),
    pub to: (&'a Wave, &'a Wave),
    /// Every wave of the program, for knock-on effects.
    pub waves: &'a [Wave],
    pub headcounts: &'a HashMap<SiteId, SiteHeadcount>,
    pub before: ScheduledPlan<'a>,
    pub after: ScheduledPlan<'a>,
    pub plan_move: &'a PlanMove,
    pub error: Option<String>,
    pub revision: i64,
}

impl WhatIf<'_> {
    fn change_of(&self, before: &Wave, after: &Wave) -> GoLiveChange {
        let b = self.before.go_live(before);
        let a = self.after.go_live(after);
        GoLiveChange {
            wave_id: before.id,
            name: before.name.clone(),
            moved_working_days: a.moved_by(&b),
            before: b,
            after: a,
        }
    }

    fn effect(&self, (before, after): (&Wave, &Wave)) -> WaveEffect {
        WaveEffect {
            scale_before: scale_inputs(before, self.headcounts).index(),
            scale_after: scale_inputs(after, self.headcounts).index(),
            go_live: self.change_of(before, after),
        }
    }

    /// A task's name as the notes show it: with its wave's name when it has a wave.
    fn named(&self, id: TaskId, names: &HashMap<TaskId, (&str, Option<WaveId>)>) -> String {
        match names.get(&id) {
            Some((name, Some(w))) => match self.waves.iter().find(|x| x.id == *w) {
                Some(wave) if !name.contains(wave.name.as_str()) => {
                    format!("{name} ({})", wave.name)
                }
                _ => (*name).to_owned(),
            },
            Some((name, None)) => (*name).to_owned(),
            None => format!("task {id}"),
        }
    }

    pub fn outcome(&self) -> WaveMoveOutcome {
        let from = self.effect(self.from);
        let to = self.effect(self.to);
        let other_waves = self
            .waves
            .iter()
            .filter(|w| w.id != self.change.from_wave_id && w.id != self.change.to_wave_id)
            .map(|w| self.change_of(w, w))
            .filter(|c| c.before.forecast != c.after.forecast)
            .collect();
        // Names as the plan had them (the wave a task was in) and as it would have them.
        let names_before: HashMap<TaskId, (&str, Option<WaveId>)> = self
            .before
            .tasks
            .iter()
            .map(|t| (t.id, (t.name.as_str(), t.wave_id)))
            .collect();
        let names_after: HashMap<TaskId, (&str, Option<WaveId>)> = self
            .after
            .tasks
            .iter()
            .map(|t| (t.id, (t.name.as_str(), t.wave_id)))
            .collect();
        let link = |(p, s): (TaskId, TaskId), names: &HashMap<TaskId, (&str, Option<WaveId>)>| {
            format!("{} -> {}", self.named(p, names), self.named(s, names))
        };
        let links_rewired = self
            .plan_move
            .rewired
            .iter()
            .map(|r| LinkNote {
                dependency_id: r.dependency_id,
                was: link(r.was, &names_before),
                now: Some(link(r.now, &names_after)),
                dropped: None,
            })
            .collect();
        let links_dropped = self
            .plan_move
            .dropped
            .iter()
            .map(|d| LinkNote {
                dependency_id: d.dependency_id,
                was: link((d.predecessor_id, d.successor_id), &names_before),
                now: None,
                dropped: Some(d.reason),
            })
            .collect();
        let mut notes = Vec::new();
        if self.change.kind == super::wave_move::MoveKind::Module
            && to.scale_before.modules == to.scale_after.modules
        {
            notes.push(format!(
                "{} already goes live in {}: its scope stays {} modules; {}'s work on it \
                 moves there",
                self.item, self.to.0.name, to.scale_after.modules, self.from.0.name
            ));
        }
        notes.push(
            "Interfaces and approved customizations are counted per wave and do not move with \
             a site or module: edit the waves to change them."
                .into(),
        );
        for (wave, effect) in [(self.from.0, &from), (self.to.0, &to)] {
            if effect.go_live.before.milestone_id.is_none() {
                notes.push(format!(
                    "{} has no go-live milestone in the plan, so it has no forecast",
                    wave.name
                ));
            }
        }
        WaveMoveOutcome {
            change: *self.change,
            item: self.item.clone(),
            other_waves,
            finish_before: self.before.finish,
            finish_after: self.after.finish,
            finish_moved_working_days: (self.before.working_days)(
                self.before.finish,
                self.after.finish,
            ),
            tasks_moved: self.plan_move.rewaved.len(),
            tasks_reparented: self.plan_move.reparented.len(),
            links_rewired,
            links_dropped,
            notes,
            error: self.error.clone(),
            revision: self.revision,
            applied: false,
            from,
            to,
        }
    }
}

#[cfg(test)]
mod tests;
