//! A scorecard: every site of a wave rated on every active criterion, with the overall
//! standing, from figures the store gathers once per site (never per row). The same shape is
//! frozen into an assessment or a gate decision, so a later scorecard cannot change them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Attestation, Criterion, CriterionId, Measure, Overall, Rag, Rating, overall};
use crate::access::Scope;
use crate::person::JobRole;
use crate::provisioning::RequiredModule;
use crate::site::SiteId;
use crate::training::progress::{CompletionCell, percent};

/// A percentage and the job role it comes from (the lowest one, for the drill-down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleFigure {
    pub percent: i64,
    pub job_role: JobRole,
}

/// What Muster knows about one site, gathered before rating.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteFigures {
    /// The lowest job role's completion.
    pub training: Option<RoleFigure>,
    /// Of the people complete, the share proficient; the role is the one with the lowest
    /// pass rate.
    pub proficiency: Option<RoleFigure>,
    pub open_critical_tickets: i64,
    /// Cells (unit x shift) meeting the champion target, percent; `None` until measured.
    pub champion_coverage: Option<f64>,
    /// The wave's and the site's plan milestones held to a date that are on track,
    /// percent (`plan::outlook::milestones_on_track`); `None` when none is held to one.
    pub plan_milestones: Option<f64>,
    /// The latest attestation of each attested criterion at this site.
    pub attested: HashMap<CriterionId, Attestation>,
}

/// Training and proficiency figures per site from the completion cells (site x role).
pub fn training_figures(
    cells: &[CompletionCell],
) -> HashMap<SiteId, (Option<RoleFigure>, Option<RoleFigure>)> {
    let mut by_site: HashMap<SiteId, Vec<&CompletionCell>> = HashMap::new();
    for cell in cells {
        if let Some(site) = cell.site_id {
            by_site.entry(site).or_default().push(cell);
        }
    }
    let lowest = |cells: &[&CompletionCell], figure: fn(&CompletionCell) -> Option<i64>| {
        cells
            .iter()
            .filter_map(|c| {
                figure(c).map(|percent| RoleFigure {
                    percent,
                    job_role: c.job_role,
                })
            })
            .min_by_key(|f| (f.percent, f.job_role))
    };
    by_site
        .into_iter()
        .map(|(site, cells)| {
            let training = lowest(&cells, |c| percent(c.complete, c.people));
            let complete: i64 = cells.iter().map(|c| c.complete).sum();
            let proficient: i64 = cells.iter().map(|c| c.proficient).sum();
            let proficiency = percent(proficient, complete).and_then(|percent| {
                lowest(&cells, |c| self::percent(c.proficient, c.complete))
                    .map(|l| RoleFigure { percent, ..l })
            });
            (site, (training, proficiency))
        })
        .collect()
}

/// One site's row of a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteCard {
    pub site_id: SiteId,
    pub site_name: String,
    /// One per criterion, in the scorecard's criteria order.
    pub ratings: Vec<Rating>,
    pub overall: Overall,
    /// The job roles behind the training and proficiency figures (the drill-down's).
    #[serde(default)]
    pub training_role: Option<JobRole>,
    #[serde(default)]
    pub proficiency_role: Option<JobRole>,
}

/// A wave's scorecard, live or as frozen into an assessment or gate decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scorecard {
    pub wave_id: i64,
    pub wave_name: String,
    pub go_live: NaiveDate,
    pub computed_at: DateTime<Utc>,
    /// The active criteria with the thresholds and weights the ratings used.
    pub criteria: Vec<Criterion>,
    /// The modules whose curricula the training measures counted (the wave's); empty for
    /// every curriculum of each role (a wave that lists no modules, or a card frozen
    /// before go-lives had modules).
    #[serde(default)]
    pub required_modules: Vec<RequiredModule>,
    pub sites: Vec<SiteCard>,
}

/// The value a criterion reads from a site's figures, and its rating.
pub fn rate(criterion: &Criterion, figures: &SiteFigures) -> Rating {
    let attested = figures.attested.get(&criterion.id).copied();
    let value = match criterion.measure {
        Measure::TrainingCompletion => figures.training.map(|f| f.percent as f64),
        Measure::ProficiencyPassRate => figures.proficiency.map(|f| f.percent as f64),
        Measure::ChampionCoverage => figures.champion_coverage,
        Measure::OpenCriticalTickets => Some(figures.open_critical_tickets as f64),
        Measure::PlanMilestones => figures.plan_milestones,
        Measure::Attested => attested.map(Attestation::value),
    };
    let rag = match (criterion.measure, attested) {
        (Measure::Attested, Some(a)) => a.rag(),
        (Measure::Attested, None) => Rag::Unknown,
        _ => criterion.rate(value),
    };
    Rating {
        criterion_id: criterion.id,
        value,
        rag,
    }
}

/// One site's card from its figures.
pub fn site_card(
    criteria: &[Criterion],
    site_id: SiteId,
    site_name: String,
    figures: &SiteFigures,
) -> SiteCard {
    let ratings: Vec<Rating> = criteria.iter().map(|c| rate(c, figures)).collect();
    SiteCard {
        site_id,
        site_name,
        overall: overall(criteria, &ratings),
        ratings,
        training_role: figures.training.map(|f| f.job_role),
        proficiency_role: figures.proficiency.map(|f| f.job_role),
    }
}

impl Scorecard {
    /// Keeps only the sites `scope` reaches (a site lead's own sites).
    pub fn only_sites(mut self, scope: &Scope) -> Self {
        self.sites.retain(|s| match scope {
            Scope::Everything => true,
            Scope::Sites(ids) => ids.contains(&s.site_id),
            _ => false,
        });
        self
    }

    pub fn site(&self, site_id: SiteId) -> Option<&SiteCard> {
        self.sites.iter().find(|s| s.site_id == site_id)
    }

    /// The criterion of a rating.
    pub fn criterion(&self, id: CriterionId) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }
}

impl Attestation {
    /// The value an attestation stands for: met 1, partly 0.5, not met 0.
    pub fn value(self) -> f64 {
        match self {
            Attestation::Met => 1.0,
            Attestation::Partly => 0.5,
            Attestation::NotMet => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(
        site: i64,
        role: JobRole,
        people: i64,
        complete: i64,
        proficient: i64,
    ) -> CompletionCell {
        CompletionCell {
            site_id: Some(site),
            job_role: role,
            people,
            complete,
            proficient,
        }
    }

    #[test]
    fn training_is_the_lowest_roles_share_and_proficiency_the_share_of_the_complete() {
        let cells = [
            cell(1, JobRole::Nurse, 10, 9, 9),
            cell(1, JobRole::Physician, 4, 2, 1),
            cell(2, JobRole::Nurse, 0, 0, 0),
        ];
        let figures = training_figures(&cells);
        let (training, proficiency) = figures[&1];
        assert_eq!(
            training,
            Some(RoleFigure {
                percent: 50,
                job_role: JobRole::Physician
            })
        );
        assert_eq!(
            proficiency.map(|p| p.percent),
            Some(90),
            "10 of 11 complete"
        );
        assert_eq!(proficiency.map(|p| p.job_role), Some(JobRole::Physician));
        assert_eq!(figures[&2], (None, None), "nobody there: not rated");
    }

    #[test]
    fn a_card_rates_each_measure_and_attestations_by_what_the_owner_said() {
        let criterion = |id, measure, threshold, weight| Criterion {
            id,
            name: format!("c{id}"),
            description: None,
            measure,
            threshold,
            amber_band: 10.0,
            weight,
            owner: "Lead".into(),
            owner_account_id: None,
            active: true,
        };
        let criteria = [
            criterion(1, Measure::TrainingCompletion, 90.0, 50),
            criterion(2, Measure::OpenCriticalTickets, 0.0, 10),
            criterion(3, Measure::Attested, 1.0, 20),
            criterion(4, Measure::ChampionCoverage, 100.0, 20),
        ];
        let figures = SiteFigures {
            training: Some(RoleFigure {
                percent: 85,
                job_role: JobRole::Nurse,
            }),
            open_critical_tickets: 0,
            attested: HashMap::from([(3, Attestation::Partly)]),
            ..Default::default()
        };
        let card = site_card(&criteria, 7, "North".into(), &figures);
        let rags: Vec<Rag> = card.ratings.iter().map(|r| r.rag).collect();
        assert_eq!(rags, [Rag::Amber, Rag::Green, Rag::Amber, Rag::Unknown]);
        assert_eq!(card.ratings[2].value, Some(0.5));
        // 25 + 10 + 10 of 100: red overall.
        assert_eq!((card.overall.score, card.overall.rag), (45.0, Rag::Red));
        assert_eq!(card.training_role, Some(JobRole::Nurse));
    }
}
