//! A dependency between two tasks as stored and as submitted.

use serde::{Deserialize, Serialize};

use super::task::{MAX_LAG, working_days};
use super::{DependencyKind, TaskId};
use crate::draft::{id, number_as_text, overlay};
use crate::validate::{Invalid, Validator};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDependency {
    pub id: i64,
    pub predecessor_id: TaskId,
    pub successor_id: TaskId,
    pub kind: DependencyKind,
    /// Working days; negative is a lead.
    pub lag: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DependencyDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub predecessor_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub successor_id: Option<String>,
    /// fs, ss, ff or sf (default fs)
    pub kind: Option<String>,
    /// Working days, -260 to 260; negative is a lead (default 0)
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub lag: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DependencySpec {
    pub predecessor_id: TaskId,
    pub successor_id: TaskId,
    pub kind: DependencyKind,
    pub lag: i64,
}

impl DependencyDraft {
    pub fn parse(self) -> Result<DependencySpec, Invalid> {
        let mut v = Validator::new();
        let predecessor = v.required("predecessor_id", self.predecessor_id, id);
        let successor = v.required("successor_id", self.successor_id, id);
        let kind = v.optional("kind", self.kind, |s| {
            if s.trim().is_empty() {
                Ok(DependencyKind::FinishToStart)
            } else {
                DependencyKind::parse(&s)
            }
        });
        let lag = v.optional("lag", self.lag, |s| {
            if s.trim().is_empty() {
                Ok(0)
            } else {
                working_days(&s, -MAX_LAG, MAX_LAG)
            }
        });
        if predecessor.is_some() && predecessor == successor {
            v.push("successor_id", "a task cannot depend on itself");
        }
        v.finish(|| DependencySpec {
            predecessor_id: predecessor.unwrap(),
            successor_id: successor.unwrap(),
            kind: kind.flatten().unwrap_or(DependencyKind::FinishToStart),
            lag: lag.flatten().unwrap_or(0),
        })
    }

    pub fn over(self, base: DependencyDraft) -> DependencyDraft {
        DependencyDraft {
            predecessor_id: overlay(base.predecessor_id, self.predecessor_id),
            successor_id: overlay(base.successor_id, self.successor_id),
            kind: overlay(base.kind, self.kind),
            lag: overlay(base.lag, self.lag),
        }
    }
}

impl From<&PlanDependency> for DependencyDraft {
    fn from(d: &PlanDependency) -> Self {
        DependencyDraft {
            predecessor_id: Some(d.predecessor_id.to_string()),
            successor_id: Some(d.successor_id.to_string()),
            kind: Some(d.kind.code().to_owned()),
            lag: Some(d.lag.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dependency_defaults_to_finish_to_start_and_refuses_itself() {
        let spec = DependencyDraft {
            predecessor_id: Some("3".into()),
            successor_id: Some("4".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((spec.kind, spec.lag), (DependencyKind::FinishToStart, 0));
        let lead = DependencyDraft {
            predecessor_id: Some("3".into()),
            successor_id: Some("4".into()),
            kind: Some("SS".into()),
            lag: Some("-2".into()),
        }
        .parse()
        .unwrap();
        assert_eq!((lead.kind, lead.lag), (DependencyKind::StartToStart, -2));
        let err = DependencyDraft {
            predecessor_id: Some("3".into()),
            successor_id: Some("3".into()),
            kind: Some("xx".into()),
            lag: Some("999".into()),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "lag", "successor_id"]);
    }
}
