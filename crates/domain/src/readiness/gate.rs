//! The go/no-go gate: one decision per wave, recorded by whoever holds that decision right,
//! with the scorecard it was made on, its conditions and any dissent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scorecard::Scorecard;
use crate::draft::id;
use crate::text::optional_text;
use crate::validate::{Invalid, Validator};

choice!(
    GateDecision {
        Go = ("go", "Go"),
        GoWithConditions = ("go_with_conditions", "Go with conditions"),
        NoGo = ("no_go", "No-go"),
    }
);

/// A recorded gate decision. A wave may be decided again; every decision is kept and the
/// latest is the wave's current one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gate {
    pub id: i64,
    pub wave_id: i64,
    pub decision: GateDecision,
    pub rationale: String,
    pub conditions: Option<String>,
    pub dissent: Option<String>,
    /// Who recorded it, and for which decision-right holder.
    pub decided_by: String,
    pub decided_by_account_id: Option<i64>,
    pub decider: String,
    pub decided_at: DateTime<Utc>,
    /// The scorecard as it stood when the decision was made, frozen.
    pub scorecard: Scorecard,
}

/// A gate decision as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GateDraft {
    #[serde(default, deserialize_with = "crate::draft::number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub wave_id: Option<String>,
    /// go, go_with_conditions or no_go
    pub decision: Option<String>,
    pub rationale: Option<String>,
    /// Required for a go with conditions: what must be true, by when.
    pub conditions: Option<String>,
    /// Who disagreed and why; recorded, not hidden.
    pub dissent: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GateSpec {
    pub wave_id: i64,
    pub decision: GateDecision,
    pub rationale: String,
    pub conditions: Option<String>,
    pub dissent: Option<String>,
}

impl GateDraft {
    pub fn parse(self) -> Result<GateSpec, Invalid> {
        let mut v = Validator::new();
        let wave_id = v.required("wave_id", self.wave_id, id);
        let decision = v.required("decision", self.decision, |s| GateDecision::parse(&s));
        let rationale = v.required("rationale", self.rationale, |s| {
            optional_text(&s, 8_000)?.ok_or_else(|| "is required".to_owned())
        });
        let conditions = v.optional("conditions", self.conditions, |s| optional_text(&s, 8_000));
        let dissent = v.optional("dissent", self.dissent, |s| optional_text(&s, 8_000));
        if decision == Some(GateDecision::GoWithConditions)
            && conditions
                .as_ref()
                .is_some_and(|c| c.as_ref().is_none_or(|c| c.is_none()))
        {
            v.push(
                "conditions",
                "a go with conditions must say what the conditions are",
            );
        }
        v.finish(|| GateSpec {
            wave_id: wave_id.unwrap(),
            decision: decision.unwrap(),
            rationale: rationale.unwrap(),
            conditions: conditions.unwrap().flatten(),
            dissent: dissent.unwrap().flatten(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_go_with_conditions_must_name_them_and_every_decision_needs_a_rationale() {
        let bare = GateDraft {
            decision: Some("go_with_conditions".into()),
            rationale: Some("  ".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = bare.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["wave_id", "rationale", "conditions"]);
        let go = GateDraft {
            wave_id: Some("4".into()),
            decision: Some("no_go".into()),
            rationale: Some("Two sites red on training".into()),
            dissent: Some("CMIO: the red sites are small clinics".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(go.decision, GateDecision::NoGo);
        assert!(go.dissent.is_some());
    }
}
