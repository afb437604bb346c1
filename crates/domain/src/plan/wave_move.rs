//! Moving a site or a module from one wave to another, and what that does to the plan.
//!
//! The same rules serve the what-if (the plan changed in memory and scheduled again, nothing
//! written) and the save (the same changes written in one transaction):
//!
//! - **What moves.** For a site: every task of that site in the wave it leaves (wave A),
//!   and the site's tasks with no wave that hang directly under one of wave A's own tasks
//!   (a "Readiness: site" summary). For a module: every task of that module in wave A.
//!   The moved tasks' wave becomes the new wave (wave B).
//! - **Wave A's own tasks** are its tasks with no site that are not moved: its go-live chain
//!   (build, integrated testing, cutover, the go-live milestone, its phases). Each may have
//!   an *equivalent* in wave B: wave A's go-live milestone is wave B's go-live milestone
//!   (`go_live.rs`); any other is wave B's task with no site, the same module and the same
//!   kind (milestone or not) whose name is its name with the wave's name replaced by wave
//!   B's ("Cutover (Wave 1)" is "Cutover (Wave 2)"; "Build Pharmacy" is "Build Pharmacy").
//! - **Links** between a moved task and a task staying in wave A are rewired to that task's
//!   equivalent, keeping their kind and lag. A link whose wave-A end has no equivalent
//!   (a site task of wave A, a task wave B lacks) is dropped: wave A no longer waits for the
//!   moved work, and the moved work no longer waits for wave A. So is a rewired link that
//!   would repeat a link already there, or tie a task to itself. Links among moved tasks,
//!   and to other waves or to tasks of no wave, stay as they are.
//! - **The outline.** A moved task whose parent is one of wave A's own tasks moves under
//!   that parent's equivalent (keeping its position among siblings), or stays where it is if
//!   there is none.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::TaskId;
use super::dependency::PlanDependency;
use super::task::PlanTask;
use crate::draft::{number_as_text, optional_id};
use crate::validate::{Invalid, Validator};
use crate::wave::{Wave, WaveId};

choice!(
    /// What is moved between waves.
    MoveKind {
        Site = ("site", "Site"),
        Module = ("module", "Module"),
    }
);

/// A site or module moving from one wave to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveMove {
    pub kind: MoveKind,
    /// The site's or the module's id.
    pub item_id: i64,
    pub from_wave_id: WaveId,
    pub to_wave_id: WaveId,
}

/// A move as a form or JSON body asks for it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WaveMoveDraft {
    /// site or module; may be left out when only one of site_id and module_id is given
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// The wave it leaves.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub from_wave_id: Option<String>,
    /// The wave it joins.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub to_wave_id: Option<String>,
    /// When saving: the plan revision the what-if was computed on; a plan changed since is
    /// refused (409) rather than saved unseen.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub revision: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaveMoveSpec {
    pub change: WaveMove,
    pub revision: Option<i64>,
}

impl WaveMoveDraft {
    pub fn parse(self) -> Result<WaveMoveSpec, Invalid> {
        let mut v = Validator::new();
        let site = v
            .optional("site_id", self.site_id, optional_id)
            .flatten()
            .flatten();
        let module = v
            .optional("module_id", self.module_id, optional_id)
            .flatten()
            .flatten();
        let kind = v
            .optional("kind", self.kind, |s| {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    MoveKind::parse(&s).map(Some)
                }
            })
            .flatten()
            .flatten();
        let item = match (kind, site, module) {
            (Some(MoveKind::Site), Some(site), _) | (None, Some(site), None) => {
                Some((MoveKind::Site, site))
            }
            (Some(MoveKind::Module), _, Some(module)) | (None, None, Some(module)) => {
                Some((MoveKind::Module, module))
            }
            (Some(MoveKind::Site), None, _) => {
                v.push("site_id", "choose the site to move");
                None
            }
            (Some(MoveKind::Module), _, None) => {
                v.push("module_id", "choose the module to move");
                None
            }
            (None, Some(_), Some(_)) => {
                v.push("kind", "say whether the site or the module moves");
                None
            }
            (None, None, None) => {
                v.push("kind", "choose a site or a module to move");
                None
            }
        };
        let wave = |raw: Option<String>, what: &str| -> Result<WaveId, String> {
            optional_id(raw.unwrap_or_default())?
                .ok_or_else(|| format!("choose the wave it {what}"))
        };
        let from = v.check("from_wave_id", wave(self.from_wave_id, "leaves"));
        let to = v.check("to_wave_id", wave(self.to_wave_id, "joins"));
        if from.is_some() && from == to {
            v.push(
                "to_wave_id",
                "is the wave it leaves: choose another wave to move it to",
            );
        }
        let revision = v
            .optional("revision", self.revision, optional_id)
            .flatten()
            .flatten();
        v.finish(|| {
            let (kind, item_id) = item.expect("checked");
            WaveMoveSpec {
                change: WaveMove {
                    kind,
                    item_id,
                    from_wave_id: from.expect("checked"),
                    to_wave_id: to.expect("checked"),
                },
                revision,
            }
        })
    }
}

impl WaveMove {
    /// Whether the move fits the two waves as they are: the site goes live in the wave it
    /// leaves and not already in the other; the module is in the leaving wave's scope (it
    /// may already be in the other's: then the other's scope stays, and the leaving wave's
    /// work on it moves there). `item` names the site or module in the messages.
    pub fn check(&self, from: &Wave, to: &Wave, item: &str) -> Result<(), Invalid> {
        let (field, there, already) = match self.kind {
            MoveKind::Site => (
                "site_id",
                from.site_ids.contains(&self.item_id),
                to.site_ids.contains(&self.item_id),
            ),
            MoveKind::Module => ("module_id", from.module_ids.contains(&self.item_id), false),
        };
        if !there {
            let message = match self.kind {
                MoveKind::Site => format!("{item} does not go live in {}", from.name),
                MoveKind::Module => format!("{item} is not in {}'s scope", from.name),
            };
            return Err(Invalid::one(field, message));
        }
        if already {
            return Err(Invalid::one(
                field,
                format!("{item} already goes live in {}", to.name),
            ));
        }
        Ok(())
    }

    /// The two waves with the site or module moved: (the wave it leaves, the wave it joins).
    pub fn moved_waves(&self, from: &Wave, to: &Wave) -> (Wave, Wave) {
        let (mut from, mut to) = (from.clone(), to.clone());
        let (leaving, joining) = match self.kind {
            MoveKind::Site => (&mut from.site_ids, &mut to.site_ids),
            MoveKind::Module => (&mut from.module_ids, &mut to.module_ids),
        };
        leaving.retain(|&id| id != self.item_id);
        if !joining.contains(&self.item_id) {
            joining.push(self.item_id);
            joining.sort_unstable();
        }
        (from, to)
    }
}

/// A task moving under another parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reparent {
    pub task_id: TaskId,
    pub from_parent_id: Option<TaskId>,
    pub to_parent_id: TaskId,
}

/// A link whose wave-A end moves to its equivalent in wave B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rewire {
    pub dependency_id: i64,
    pub was: (TaskId, TaskId),
    /// (predecessor, successor) after the move.
    pub now: (TaskId, TaskId),
}

choice!(
    /// Why a link goes.
    DropReason {
        NoEquivalent = ("no_equivalent", "the other wave has no equivalent task"),
        Repeats = ("repeats", "the other wave already has this link"),
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dropped {
    pub dependency_id: i64,
    pub predecessor_id: TaskId,
    pub successor_id: TaskId,
    pub reason: DropReason,
}

/// What a move does to the plan's tasks and links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanMove {
    /// Tasks whose wave becomes the new one.
    pub rewaved: Vec<TaskId>,
    pub reparented: Vec<Reparent>,
    pub rewired: Vec<Rewire>,
    pub dropped: Vec<Dropped>,
}

/// Occurrences of `from` in `name` that stand alone (not part of a longer word or number:
/// "Wave 1" in "Cutover (Wave 1)", not in "Wave 10") replaced by `to`.
pub fn swap_wave_name(name: &str, from: &str, to: &str) -> String {
    if from.is_empty() {
        return name.to_owned();
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find(from) {
        out.push_str(&rest[..at]);
        let prev = out.chars().next_back();
        let next = rest[at + from.len()..].chars().next();
        out.push_str(if word(prev) || word(next) { from } else { to });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// The waves a move is between, as the rules need them.
pub struct MoveWaves<'a> {
    pub from_name: &'a str,
    pub to_name: &'a str,
    /// Each wave's go-live milestone, by task id.
    pub from_go_live: Option<TaskId>,
    pub to_go_live: Option<TaskId>,
}

/// What `change` does to the plan (`tasks` and `dependencies` as they are now).
pub fn plan_move(
    tasks: &[PlanTask],
    dependencies: &[PlanDependency],
    change: &WaveMove,
    waves: &MoveWaves<'_>,
) -> PlanMove {
    let (a, b) = (change.from_wave_id, change.to_wave_id);
    let by_id: HashMap<TaskId, &PlanTask> = tasks.iter().map(|t| (t.id, t)).collect();
    let own_of_a = |t: &PlanTask| t.wave_id == Some(a) && t.site_id.is_none();
    let moves = |t: &PlanTask| match change.kind {
        MoveKind::Site => {
            t.site_id == Some(change.item_id)
                && (t.wave_id == Some(a)
                    || t.wave_id.is_none()
                        && t.parent_id
                            .and_then(|p| by_id.get(&p))
                            .is_some_and(|p| own_of_a(p)))
        }
        MoveKind::Module => t.module_id == Some(change.item_id) && t.wave_id == Some(a),
    };
    let moved: HashSet<TaskId> = tasks.iter().filter(|t| moves(t)).map(|t| t.id).collect();
    let staying_in_a =
        |id: TaskId| !moved.contains(&id) && by_id.get(&id).is_some_and(|t| t.wave_id == Some(a));
    // Wave B's own tasks by what identifies an equivalent; the lowest id on a tie.
    let mut of_b: HashMap<(String, Option<i64>, bool), TaskId> = HashMap::new();
    for t in tasks
        .iter()
        .filter(|t| t.wave_id == Some(b) && t.site_id.is_none())
    {
        of_b.entry((t.name.clone(), t.module_id, t.milestone))
            .and_modify(|id| *id = (*id).min(t.id))
            .or_insert(t.id);
    }
    let equivalent = |id: TaskId| -> Option<TaskId> {
        let t = by_id.get(&id)?;
        if !own_of_a(t) {
            return None;
        }
        if Some(id) == waves.from_go_live {
            return waves.to_go_live;
        }
        let name = swap_wave_name(&t.name, waves.from_name, waves.to_name);
        of_b.get(&(name, t.module_id, t.milestone)).copied()
    };

    let mut out = PlanMove::default();
    for t in tasks.iter().filter(|t| moved.contains(&t.id)) {
        if t.wave_id == Some(a) {
            out.rewaved.push(t.id);
        }
        if let Some(parent) = t.parent_id.filter(|&p| staying_in_a(p))
            && let Some(to) = equivalent(parent)
        {
            out.reparented.push(Reparent {
                task_id: t.id,
                from_parent_id: Some(parent),
                to_parent_id: to,
            });
        }
    }
    let mut pairs: HashSet<(TaskId, TaskId)> = dependencies
        .iter()
        .map(|d| (d.predecessor_id, d.successor_id))
        .collect();
    for d in dependencies {
        let (p, s) = (d.predecessor_id, d.successor_id);
        let now = match (moved.contains(&p), moved.contains(&s)) {
            (true, false) if staying_in_a(s) => equivalent(s).map(|s| (p, s)),
            (false, true) if staying_in_a(p) => equivalent(p).map(|p| (p, s)),
            _ => continue,
        };
        let drop = |reason| Dropped {
            dependency_id: d.id,
            predecessor_id: p,
            successor_id: s,
            reason,
        };
        match now {
            None => out.dropped.push(drop(DropReason::NoEquivalent)),
            Some(now) if now.0 == now.1 || !pairs.insert(now) => {
                out.dropped.push(drop(DropReason::Repeats))
            }
            Some(now) => out.rewired.push(Rewire {
                dependency_id: d.id,
                was: (p, s),
                now,
            }),
        }
    }
    out
}

impl PlanMove {
    /// The plan with the move made: tasks and links as they would be stored.
    pub fn apply(
        &self,
        tasks: &[PlanTask],
        dependencies: &[PlanDependency],
        to_wave_id: WaveId,
    ) -> (Vec<PlanTask>, Vec<PlanDependency>) {
        let rewaved: HashSet<TaskId> = self.rewaved.iter().copied().collect();
        let parents: HashMap<TaskId, TaskId> = self
            .reparented
            .iter()
            .map(|r| (r.task_id, r.to_parent_id))
            .collect();
        let tasks = tasks
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if rewaved.contains(&t.id) {
                    t.wave_id = Some(to_wave_id);
                }
                if let Some(&p) = parents.get(&t.id) {
                    t.parent_id = Some(p);
                }
                t
            })
            .collect();
        let rewired: HashMap<i64, (TaskId, TaskId)> = self
            .rewired
            .iter()
            .map(|r| (r.dependency_id, r.now))
            .collect();
        let dropped: HashSet<i64> = self.dropped.iter().map(|d| d.dependency_id).collect();
        let dependencies = dependencies
            .iter()
            .filter(|d| !dropped.contains(&d.id))
            .map(|d| {
                let mut d = d.clone();
                if let Some(&(p, s)) = rewired.get(&d.id) {
                    d.predecessor_id = p;
                    d.successor_id = s;
                }
                d
            })
            .collect();
        (tasks, dependencies)
    }
}

#[cfg(test)]
mod tests;
