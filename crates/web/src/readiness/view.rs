//! How a scorecard reads on a page: every cell coloured AND labelled (the colour is never
//! the only signal), with a link to what is behind it; and the trend as a small SVG line
//! with the same figures in a table.

use muster_domain::provisioning::Requirement;
use muster_domain::readiness::scorecard::{Scorecard, SiteCard};
use muster_domain::readiness::{Criterion, Measure, Overall, Rag, Rating};

use super::criteria::target;

pub struct Head {
    pub name: String,
    pub measure: &'static str,
    pub target: String,
    pub weight: i64,
}

pub struct CellView {
    pub rag: &'static str,
    pub rag_label: &'static str,
    pub text: String,
    pub href: Option<String>,
}

pub struct Row {
    pub site_name: String,
    pub href: String,
    pub cells: Vec<CellView>,
    pub overall: CellView,
}

/// The value as words: "85%", "3 open", "Partly met", "not rated".
pub fn value_text(c: &Criterion, r: &Rating) -> String {
    let Some(v) = r.value else {
        return "not rated".into();
    };
    match c.measure {
        Measure::OpenCriticalTickets => format!("{v} open"),
        Measure::Attested if v >= 1.0 => "Met".into(),
        Measure::Attested if v > 0.0 => "Partly met".into(),
        Measure::Attested => "Not met".into(),
        _ => format!("{v}%"),
    }
}

pub fn overall_view(o: &Overall) -> CellView {
    CellView {
        rag: o.rag.code(),
        rag_label: o.rag.label(),
        text: if o.rag == Rag::Unknown {
            "not rated".into()
        } else {
            format!("{}", o.score)
        },
        href: None,
    }
}

/// Which curricula the card's training measures counted: its go-live's modules', or all
/// of each role's.
pub fn counted(card: &Scorecard) -> String {
    match Requirement::of_wave(card.required_modules.clone()) {
        all @ Requirement::AllOfRole => all.describe(),
        modules => format!(
            "the curricula of this go-live's modules: {}",
            modules.describe()
        ),
    }
}

/// Where a cell drills down to: the people or items behind the figure.
pub fn drill_down(wave_id: i64, site: &SiteCard, c: &Criterion) -> Option<String> {
    let s = site.site_id;
    match c.measure {
        Measure::TrainingCompletion => site.training_role.map(|r| {
            format!(
                "/training/cells?site_id={s}&job_role={}&wave_id={wave_id}",
                r.code()
            )
        }),
        Measure::ProficiencyPassRate => site.proficiency_role.map(|r| {
            format!(
                "/training/cells?site_id={s}&job_role={}&shortfall=proficiency&wave_id={wave_id}",
                r.code()
            )
        }),
        Measure::ChampionCoverage => Some(format!("/champions/coverage?site_id={s}")),
        Measure::PlanMilestones => Some(format!("/plan/waves#wave-{wave_id}-timeline")),
        Measure::OpenCriticalTickets => Some(format!(
            "/readiness/waves/{wave_id}/sites/{s}#criterion-{}",
            c.id
        )),
        Measure::Attested => Some(format!(
            "/readiness/attestations?criterion_id={}&site_id={s}",
            c.id
        )),
    }
}

pub fn heads(card: &Scorecard) -> Vec<Head> {
    card.criteria
        .iter()
        .map(|c| Head {
            name: c.name.clone(),
            measure: c.measure.label(),
            target: target(c),
            weight: c.weight,
        })
        .collect()
}

pub fn rows(card: &Scorecard) -> Vec<Row> {
    card.sites
        .iter()
        .map(|site| Row {
            site_name: site.site_name.clone(),
            href: format!("/readiness/waves/{}/sites/{}", card.wave_id, site.site_id),
            cells: card
                .criteria
                .iter()
                .zip(&site.ratings)
                .map(|(c, r)| CellView {
                    rag: r.rag.code(),
                    rag_label: r.rag.label(),
                    text: value_text(c, r),
                    href: drill_down(card.wave_id, site, c),
                })
                .collect(),
            overall: overall_view(&site.overall),
        })
        .collect()
}

/// One point of a trend: an assessment (or the live scorecard) and the site's standing.
pub struct Point {
    pub label: String,
    pub score: Option<f64>,
    pub rag_label: &'static str,
    pub rag: &'static str,
}

/// A site's overall score across the assessments, as an SVG polyline's points in a
/// 120 x 32 box (score 0 at the bottom, 100 at the top); `None` with fewer than two scores.
pub fn sparkline(points: &[Point]) -> Option<String> {
    let scored: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.score.map(|s| (i, s)))
        .collect();
    if scored.len() < 2 {
        return None;
    }
    let step = 116.0 / (points.len() - 1).max(1) as f64;
    Some(
        scored
            .iter()
            .map(|&(i, s)| format!("{:.1},{:.1}", 2.0 + i as f64 * step, 30.0 - s * 0.28))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The words a screen reader hears for a sparkline.
pub fn spoken(points: &[Point]) -> String {
    let parts: Vec<String> = points
        .iter()
        .map(|p| match p.score {
            Some(s) => format!("{} {s} ({})", p.label, p.rag_label),
            None => format!("{} not rated", p.label),
        })
        .collect();
    format!("Overall score: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(score: Option<f64>) -> Point {
        Point {
            label: "T-30".into(),
            score,
            rag_label: "Green",
            rag: "green",
        }
    }

    #[test]
    fn a_sparkline_needs_two_scores_and_puts_100_at_the_top() {
        assert_eq!(sparkline(&[point(Some(50.0))]), None);
        let line = sparkline(&[point(Some(0.0)), point(None), point(Some(100.0))]).unwrap();
        assert_eq!(line, "2.0,30.0 118.0,2.0");
        assert!(spoken(&[point(None)]).contains("not rated"));
    }
}
