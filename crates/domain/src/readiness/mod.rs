//! Go-live readiness: a catalog of weighted criteria, each rated red, amber or green per site
//! from a measure Muster computes or from its owner's attestation; scorecards per site and
//! wave taken at fixed checkpoints before go-live and kept as history; a forecast of training
//! completion (`forecast.rs`); and the go/no-go gate decision (`gate.rs`).

pub mod assessment;
pub mod attestation;
pub mod forecast;
pub mod gate;
pub mod scorecard;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

pub type CriterionId = i64;

choice!(
    /// Where a criterion's value comes from. "Plan milestones on track" waits for the
    /// project plan (its own issue) and joins this list then.
    Measure {
        TrainingCompletion = ("training_completion", "Training completion, lowest job role (%)"),
        ProficiencyPassRate = ("proficiency_pass_rate", "Proficiency pass rate (%)"),
        ChampionCoverage = ("champion_coverage", "Units and shifts with champion coverage met (%)"),
        OpenCriticalTickets = ("open_critical_tickets", "Open P1 and P2 tickets"),
        PlanMilestones = ("plan_milestones", "Plan milestones on track (%)"),
        Attested = ("attested", "Attested by the owner with evidence"),
    }
);

impl Measure {
    /// Lower is better for ticket counts; higher for every percentage.
    pub fn lower_is_better(self) -> bool {
        matches!(self, Measure::OpenCriticalTickets)
    }

    /// A sensible threshold and amber band for a new criterion on this measure: the figures
    /// the issue names (training 90 %, proficiency 85 %, coverage met, no open critical ticket,
    /// every plan milestone on track; amber with one in five late).
    pub fn default_threshold(self) -> (f64, f64) {
        match self {
            Measure::TrainingCompletion => (90.0, 10.0),
            Measure::ProficiencyPassRate => (85.0, 10.0),
            Measure::ChampionCoverage => (100.0, 20.0),
            Measure::OpenCriticalTickets => (0.0, 5.0),
            Measure::PlanMilestones => (100.0, 20.0),
            Measure::Attested => (1.0, 0.0),
        }
    }
}

choice!(
    /// Red, amber, green; `Unknown` when there is nothing to rate yet (not attested).
    Rag {
        Green = ("green", "Green"),
        Amber = ("amber", "Amber"),
        Red = ("red", "Red"),
        Unknown = ("unknown", "Not rated"),
    }
);

impl Rag {
    /// The share of a criterion's weight it earns: green all, amber half, red and unknown none.
    pub fn credit(self) -> f64 {
        match self {
            Rag::Green => 1.0,
            Rag::Amber => 0.5,
            Rag::Red | Rag::Unknown => 0.0,
        }
    }
}

choice!(
    /// An owner's attestation of a criterion Muster cannot measure.
    Attestation {
        Met = ("met", "Met"),
        Partly = ("partly", "Partly met"),
        NotMet = ("not_met", "Not met"),
    }
);

impl Attestation {
    pub fn rag(self) -> Rag {
        match self {
            Attestation::Met => Rag::Green,
            Attestation::Partly => Rag::Amber,
            Attestation::NotMet => Rag::Red,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub id: CriterionId,
    pub name: String,
    pub description: Option<String>,
    pub measure: Measure,
    /// Green at or beyond this value (at or below it when lower is better).
    pub threshold: f64,
    /// Amber within this distance short of the threshold; red beyond.
    pub amber_band: f64,
    /// Relative weight in the overall score, 1–100.
    pub weight: i64,
    /// Who answers for it (a role or a name), and the account that attests, if one does.
    pub owner: String,
    pub owner_account_id: Option<i64>,
    pub active: bool,
}

impl Criterion {
    /// Rates a measured value (for `Attested`, 1 met, 0.5 partly, 0 not met).
    pub fn rate(&self, value: Option<f64>) -> Rag {
        let Some(value) = value else {
            return Rag::Unknown;
        };
        let short = if self.measure.lower_is_better() {
            value - self.threshold
        } else {
            self.threshold - value
        };
        if short <= 0.0 {
            Rag::Green
        } else if short <= self.amber_band {
            Rag::Amber
        } else {
            Rag::Red
        }
    }
}

/// One rated cell of a scorecard: a criterion at a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    pub criterion_id: CriterionId,
    pub value: Option<f64>,
    pub rag: Rag,
}

/// A site's overall standing from its ratings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overall {
    /// The weighted share of credit earned, 0–100.
    pub score: f64,
    pub rag: Rag,
}

/// Overall green needs a score of at least this and no red criterion.
pub const GREEN_SCORE: f64 = 90.0;
/// Below this the site is red overall.
pub const AMBER_SCORE: f64 = 70.0;

/// The weighted score and overall colour: red below `AMBER_SCORE`, green at `GREEN_SCORE`
/// or more with no red criterion, amber otherwise. No criteria: not rated.
pub fn overall(criteria: &[Criterion], ratings: &[Rating]) -> Overall {
    let weighted: Vec<(f64, Rag)> = ratings
        .iter()
        .filter_map(|r| {
            let c = criteria.iter().find(|c| c.id == r.criterion_id)?;
            Some((c.weight as f64, r.rag))
        })
        .collect();
    let total: f64 = weighted.iter().map(|(w, _)| w).sum();
    if total <= 0.0 {
        return Overall {
            score: 0.0,
            rag: Rag::Unknown,
        };
    }
    let earned: f64 = weighted.iter().map(|(w, rag)| w * rag.credit()).sum();
    let score = (earned / total * 1000.0).round() / 10.0;
    let any_red = weighted.iter().any(|(_, rag)| *rag == Rag::Red);
    let rag = if score < AMBER_SCORE {
        Rag::Red
    } else if score >= GREEN_SCORE && !any_red {
        Rag::Green
    } else {
        Rag::Amber
    };
    Overall { score, rag }
}

choice!(
    /// The fixed assessments before each wave's go-live.
    Checkpoint {
        T120 = ("t120", "T-120"),
        T90 = ("t90", "T-90"),
        T60 = ("t60", "T-60"),
        T30 = ("t30", "T-30"),
        T7 = ("t7", "T-7"),
    }
);

impl Checkpoint {
    pub fn days_before(self) -> u64 {
        match self {
            Checkpoint::T120 => 120,
            Checkpoint::T90 => 90,
            Checkpoint::T60 => 60,
            Checkpoint::T30 => 30,
            Checkpoint::T7 => 7,
        }
    }

    pub fn date(self, go_live: NaiveDate) -> NaiveDate {
        go_live - Days::new(self.days_before())
    }

    /// The latest checkpoint on or before `today` for a go-live on `go_live`, if any has come.
    pub fn current(go_live: NaiveDate, today: NaiveDate) -> Option<Checkpoint> {
        Checkpoint::ALL
            .iter()
            .copied()
            .rfind(|c| c.date(go_live) <= today)
    }
}

/// A criterion as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CriterionDraft {
    pub name: Option<String>,
    pub description: Option<String>,
    /// training_completion, proficiency_pass_rate, champion_coverage,
    /// open_critical_tickets or attested
    pub measure: Option<String>,
    /// Blank: the measure's default.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub threshold: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub amber_band: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub weight: Option<String>,
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_account_id: Option<String>,
    #[serde(default, deserialize_with = "crate::draft::flag")]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriterionSpec {
    pub name: Name,
    pub description: Option<String>,
    pub measure: Measure,
    pub threshold: f64,
    pub amber_band: f64,
    pub weight: i64,
    pub owner: Name,
    pub owner_account_id: Option<i64>,
    pub active: bool,
}

fn optional_number(raw: String) -> Result<Option<f64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
        _ => Err(format!("'{raw}' is not a number of zero or more")),
    }
}

fn weight(raw: String) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(w) if (1..=100).contains(&w) => Ok(w),
        _ => Err("must be a whole number from 1 to 100".into()),
    }
}

impl CriterionDraft {
    pub fn parse(self) -> Result<CriterionSpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let description = v.optional("description", self.description, |s| {
            optional_text(&s, 4_000)
        });
        let measure = v.required("measure", self.measure, |s| Measure::parse(&s));
        let threshold = v.optional("threshold", self.threshold, optional_number);
        let band = v.optional("amber_band", self.amber_band, optional_number);
        let weight = v.required("weight", self.weight, weight);
        let owner = v.required("owner", self.owner, |s| Name::parse(&s));
        let account = v.optional("owner_account_id", self.owner_account_id, optional_id);
        if let (Some(Measure::Attested), Some(Some(Some(t)))) = (measure, threshold)
            && t != 1.0
        {
            v.push(
                "threshold",
                "an attested criterion is green when met; leave it blank",
            );
        }
        v.finish(|| {
            let measure = measure.unwrap();
            let (default_threshold, default_band) = measure.default_threshold();
            CriterionSpec {
                name: name.unwrap(),
                description: description.unwrap().flatten(),
                measure,
                threshold: threshold.unwrap().flatten().unwrap_or(default_threshold),
                amber_band: band.unwrap().flatten().unwrap_or(default_band),
                weight: weight.unwrap(),
                owner: owner.unwrap(),
                owner_account_id: account.unwrap().flatten(),
                active: self.active.unwrap_or(true),
            }
        })
    }

    pub fn over(self, base: CriterionDraft) -> CriterionDraft {
        CriterionDraft {
            name: overlay(base.name, self.name),
            description: overlay(base.description, self.description),
            measure: overlay(base.measure, self.measure),
            threshold: overlay(base.threshold, self.threshold),
            amber_band: overlay(base.amber_band, self.amber_band),
            weight: overlay(base.weight, self.weight),
            owner: overlay(base.owner, self.owner),
            owner_account_id: overlay(base.owner_account_id, self.owner_account_id),
            active: overlay(base.active, self.active),
        }
    }
}

impl From<&Criterion> for CriterionDraft {
    fn from(c: &Criterion) -> Self {
        CriterionDraft {
            name: Some(c.name.clone()),
            description: Some(c.description.clone().unwrap_or_default()),
            measure: Some(c.measure.code().into()),
            threshold: Some(c.threshold.to_string()),
            amber_band: Some(c.amber_band.to_string()),
            weight: Some(c.weight.to_string()),
            owner: Some(c.owner.clone()),
            owner_account_id: Some(
                c.owner_account_id
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
            active: Some(c.active),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(id: i64, measure: Measure, weight: i64) -> Criterion {
        let (threshold, amber_band) = measure.default_threshold();
        Criterion {
            id,
            name: format!("c{id}"),
            description: None,
            measure,
            threshold,
            amber_band,
            weight,
            owner: "Program lead".into(),
            owner_account_id: None,
            active: true,
        }
    }

    #[test]
    fn percentages_rate_green_at_the_threshold_amber_within_the_band_red_beyond() {
        let c = criterion(1, Measure::TrainingCompletion, 10);
        assert_eq!(c.rate(Some(90.0)), Rag::Green);
        assert_eq!(c.rate(Some(99.0)), Rag::Green);
        assert_eq!(c.rate(Some(80.0)), Rag::Amber);
        assert_eq!(c.rate(Some(79.9)), Rag::Red);
        assert_eq!(c.rate(None), Rag::Unknown);
    }

    #[test]
    fn ticket_counts_are_better_lower() {
        let c = criterion(1, Measure::OpenCriticalTickets, 10);
        assert_eq!(c.rate(Some(0.0)), Rag::Green);
        assert_eq!(c.rate(Some(5.0)), Rag::Amber);
        assert_eq!(c.rate(Some(6.0)), Rag::Red);
    }

    #[test]
    fn attestations_rate_by_what_the_owner_said() {
        let c = criterion(1, Measure::Attested, 10);
        assert_eq!(c.rate(Some(1.0)), Attestation::Met.rag());
        assert_eq!(
            c.rate(Some(0.5)),
            Rag::Red,
            "half-met is the owner's amber, not a value"
        );
        assert_eq!(Attestation::Partly.rag(), Rag::Amber);
    }

    #[test]
    fn the_overall_score_weighs_each_criterion_and_one_red_blocks_green() {
        let criteria = [
            criterion(1, Measure::TrainingCompletion, 30),
            criterion(2, Measure::ProficiencyPassRate, 60),
            criterion(3, Measure::Attested, 10),
        ];
        let rated = |rags: [Rag; 3]| -> Vec<Rating> {
            rags.iter()
                .enumerate()
                .map(|(i, &rag)| Rating {
                    criterion_id: i as i64 + 1,
                    value: None,
                    rag,
                })
                .collect()
        };
        let all_green = overall(&criteria, &rated([Rag::Green; 3]));
        assert_eq!((all_green.score, all_green.rag), (100.0, Rag::Green));
        let light_red = overall(&criteria, &rated([Rag::Green, Rag::Green, Rag::Red]));
        assert_eq!((light_red.score, light_red.rag), (90.0, Rag::Amber));
        let amber = overall(&criteria, &rated([Rag::Amber, Rag::Green, Rag::Green]));
        assert_eq!((amber.score, amber.rag), (85.0, Rag::Amber));
        let heavy_red = overall(&criteria, &rated([Rag::Green, Rag::Red, Rag::Green]));
        assert_eq!((heavy_red.score, heavy_red.rag), (40.0, Rag::Red));
        assert_eq!(overall(&[], &[]).rag, Rag::Unknown);
    }

    #[test]
    fn checkpoints_fall_before_go_live_and_the_latest_one_passed_is_current() {
        let go_live = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(
            Checkpoint::T30.date(go_live),
            NaiveDate::from_ymd_opt(2027, 1, 30).unwrap()
        );
        let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert_eq!(
            Checkpoint::current(go_live, day(1, 1)),
            Some(Checkpoint::T60)
        );
        assert_eq!(
            Checkpoint::current(go_live, day(2, 22)),
            Some(Checkpoint::T7)
        );
        assert_eq!(
            Checkpoint::current(go_live, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            None
        );
    }

    #[test]
    fn a_criterion_draft_names_every_bad_field_and_fills_the_measure_defaults() {
        let bad = CriterionDraft {
            measure: Some("vibes".into()),
            weight: Some("0".into()),
            threshold: Some("-3".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "measure", "threshold", "weight", "owner"]);
        let good = CriterionDraft {
            name: Some("Proficiency".into()),
            measure: Some("proficiency_pass_rate".into()),
            weight: Some("20".into()),
            owner: Some("Training lead".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!((good.threshold, good.amber_band), (85.0, 10.0));
        assert!(good.active);
    }
}
