//! Lessons learned across sites: what a go-live taught, tagged by module, site and phase so
//! that later waves find it, and the readiness criteria and plan tasks it led to.

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::module::ModuleId;
use crate::site::SiteId;
use crate::text::Name;
use crate::ticket::required_text;
use crate::validate::{Invalid, Validator};
use crate::wave::{Wave, WaveId};

pub type LessonId = i64;

choice!(
    /// Where a lesson was learned.
    LessonSource {
        Retrospective = ("retrospective", "Retrospective"),
        Ticket = ("ticket", "Command-center ticket"),
        ReadinessReview = ("readiness_review", "Readiness review"),
        Other = ("other", "Other"),
    }
);

choice!(
    /// The phase of a deployment a lesson belongs to.
    Phase {
        Planning = ("planning", "Planning and governance"),
        Build = ("build", "Workflow design and build"),
        Testing = ("testing", "Testing"),
        Training = ("training", "Training"),
        Cutover = ("cutover", "Cutover"),
        GoLive = ("go_live", "Go-live and command center"),
        Stabilization = ("stabilization", "Stabilization and optimization"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lesson {
    pub id: LessonId,
    pub title: String,
    /// What happened.
    pub observation: String,
    /// What later waves should do.
    pub recommendation: String,
    pub source: LessonSource,
    /// The ticket it came from, when the source is a ticket.
    pub ticket_id: Option<i64>,
    /// The go-live it was learned in.
    pub wave_id: Option<i64>,
    pub site_id: Option<SiteId>,
    pub module_id: Option<ModuleId>,
    pub phase: Phase,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// The readiness criteria and plan tasks it led to.
    pub follow_ups: Vec<FollowUp>,
}

choice!(
    /// What a lesson led to.
    FollowUpKind {
        Criterion = ("criterion", "Readiness criterion"),
        Task = ("task", "Plan task"),
    }
);

/// A readiness criterion or plan task made from a lesson; the link outlives renames.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub kind: FollowUpKind,
    /// The criterion's or task's id.
    pub target_id: i64,
    /// Its name now; empty when it has since been deleted.
    pub name: String,
    /// For a task, the wave it belongs to.
    pub wave_id: Option<i64>,
}

impl FollowUp {
    pub fn href(&self) -> String {
        match self.kind {
            FollowUpKind::Criterion => format!("/readiness/criteria/{}", self.target_id),
            FollowUpKind::Task => format!("/tasks/{}", self.target_id),
        }
    }
}

/// A lesson as a form or JSON body gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LessonDraft {
    pub title: Option<String>,
    /// What happened.
    pub observation: Option<String>,
    /// What later waves should do.
    pub recommendation: Option<String>,
    /// retrospective, ticket, readiness_review or other
    pub source: Option<String>,
    /// Required when the source is a ticket.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub ticket_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub wave_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub module_id: Option<String>,
    /// planning, build, testing, training, cutover, go_live or stabilization
    pub phase: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LessonSpec {
    pub title: Name,
    pub observation: String,
    pub recommendation: String,
    pub source: LessonSource,
    pub ticket_id: Option<i64>,
    pub wave_id: Option<i64>,
    pub site_id: Option<SiteId>,
    pub module_id: Option<ModuleId>,
    pub phase: Phase,
}

impl LessonDraft {
    pub fn parse(self) -> Result<LessonSpec, Invalid> {
        let mut v = Validator::new();
        let title = v.required("title", self.title, |s| Name::parse(&s));
        let observation = v.required("observation", self.observation, |s| {
            required_text(&s, 8_000)
        });
        let recommendation = v.required("recommendation", self.recommendation, |s| {
            required_text(&s, 8_000)
        });
        let source = v.required("source", self.source, |s| LessonSource::parse(&s));
        let ticket_id = v.optional("ticket_id", self.ticket_id, optional_id);
        let wave_id = v.optional("wave_id", self.wave_id, optional_id);
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let module_id = v.optional("module_id", self.module_id, optional_id);
        let phase = v.required("phase", self.phase, |s| Phase::parse(&s));
        // `None`: the id was refused already; `Some(None)`: none given.
        let ticket_id = ticket_id.map(Option::flatten);
        if source == Some(LessonSource::Ticket) && ticket_id == Some(None) {
            v.push("ticket_id", "name the ticket this lesson comes from");
        }
        v.finish(|| LessonSpec {
            title: title.unwrap(),
            observation: observation.unwrap(),
            recommendation: recommendation.unwrap(),
            source: source.unwrap(),
            ticket_id: ticket_id.unwrap(),
            wave_id: wave_id.unwrap().flatten(),
            site_id: site_id.unwrap().flatten(),
            module_id: module_id.unwrap().flatten(),
            phase: phase.unwrap(),
        })
    }

    pub fn over(self, base: LessonDraft) -> LessonDraft {
        LessonDraft {
            title: overlay(base.title, self.title),
            observation: overlay(base.observation, self.observation),
            recommendation: overlay(base.recommendation, self.recommendation),
            source: overlay(base.source, self.source),
            ticket_id: overlay(base.ticket_id, self.ticket_id),
            wave_id: overlay(base.wave_id, self.wave_id),
            site_id: overlay(base.site_id, self.site_id),
            module_id: overlay(base.module_id, self.module_id),
            phase: overlay(base.phase, self.phase),
        }
    }
}

impl From<&Lesson> for LessonDraft {
    fn from(l: &Lesson) -> Self {
        let id_text = |id: Option<i64>| Some(id.map(|n| n.to_string()).unwrap_or_default());
        LessonDraft {
            title: Some(l.title.clone()),
            observation: Some(l.observation.clone()),
            recommendation: Some(l.recommendation.clone()),
            source: Some(l.source.code().into()),
            ticket_id: id_text(l.ticket_id),
            wave_id: id_text(l.wave_id),
            site_id: id_text(l.site_id),
            module_id: id_text(l.module_id),
            phase: Some(l.phase.code().into()),
        }
    }
}

impl Lesson {
    /// A plan task made from this lesson is for a wave that goes live after the one the
    /// lesson was learned in (any wave when it names none).
    pub fn check_later_wave(
        &self,
        waves: &[Wave],
        task_wave: Option<WaveId>,
    ) -> Result<(), Invalid> {
        let find = |id| waves.iter().find(|w: &&Wave| w.id == id);
        let Some(task_wave) = task_wave.and_then(find) else {
            return Err(Invalid::one(
                "wave_id",
                "choose the later wave the task is for",
            ));
        };
        match self.wave_id.and_then(find) {
            Some(own) if task_wave.go_live <= own.go_live => Err(Invalid::one(
                "wave_id",
                format!(
                    "{} goes live on {}, not after {} ({}) where this lesson was learned",
                    task_wave.name, task_wave.go_live, own.name, own.go_live
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// The words of a lesson search: lower-cased, at most eight, each at least two characters.
pub fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .take(8)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> LessonDraft {
        LessonDraft {
            title: Some("Label printers were mapped to the wrong units".into()),
            observation: Some("Thirty tickets in the first 12 hours".into()),
            recommendation: Some("Test every printer mapping at dress rehearsal".into()),
            source: Some("retrospective".into()),
            phase: Some("go_live".into()),
            site_id: Some(String::new()),
            ..Default::default()
        }
    }

    #[test]
    fn a_lesson_says_what_happened_and_what_to_do_next_time() {
        let spec = draft().parse().unwrap();
        assert_eq!(spec.phase, Phase::GoLive);
        assert_eq!(spec.site_id, None);
        let err = LessonDraft {
            recommendation: Some("  ".into()),
            phase: Some("someday".into()),
            ..draft()
        }
        .parse()
        .unwrap_err();
        assert_eq!(err.message_for("recommendation"), Some("must not be empty"));
        assert!(err.message_for("phase").is_some());
        assert!(err.message_for("title").is_none());
    }

    #[test]
    fn a_lesson_from_a_ticket_names_the_ticket() {
        let from_ticket = LessonDraft {
            source: Some("ticket".into()),
            ..draft()
        };
        let err = from_ticket.clone().parse().unwrap_err();
        assert_eq!(
            err.message_for("ticket_id"),
            Some("name the ticket this lesson comes from")
        );
        let ok = LessonDraft {
            ticket_id: Some("42".into()),
            ..from_ticket
        };
        assert_eq!(ok.parse().unwrap().ticket_id, Some(42));
    }

    #[test]
    fn a_task_from_a_lesson_goes_to_a_later_wave() {
        let wave = |id, go_live: &str| Wave {
            id,
            name: format!("Wave {id}"),
            go_live: go_live.parse().unwrap(),
            notes: None,
            site_ids: Vec::new(),
            module_ids: Vec::new(),
            interfaces: 0,
            approved_customizations: 0,
            requested_customizations: 0,
        };
        let waves = [wave(1, "2027-03-01"), wave(2, "2027-06-01")];
        let spec = LessonDraft {
            wave_id: Some("2".into()),
            ..draft()
        }
        .parse()
        .unwrap();
        let lesson = Lesson {
            id: 1,
            title: spec.title.into_string(),
            observation: spec.observation,
            recommendation: spec.recommendation,
            source: spec.source,
            ticket_id: None,
            wave_id: spec.wave_id,
            site_id: None,
            module_id: None,
            phase: spec.phase,
            recorded_by: "Ana".into(),
            recorded_at: chrono::Utc::now(),
            follow_ups: Vec::new(),
        };
        let err = lesson.check_later_wave(&waves, Some(1)).unwrap_err();
        assert_eq!(
            err.message_for("wave_id"),
            Some(
                "Wave 1 goes live on 2027-03-01, not after Wave 2 (2027-06-01) where this lesson was learned"
            )
        );
        assert!(
            lesson.check_later_wave(&waves, Some(2)).is_err(),
            "not its own wave"
        );
        assert!(lesson.check_later_wave(&waves, None).is_err());
        let waves = [
            wave(1, "2027-03-01"),
            wave(2, "2027-06-01"),
            wave(3, "2027-09-01"),
        ];
        assert!(lesson.check_later_wave(&waves, Some(3)).is_ok());
    }

    #[test]
    fn search_words_are_lower_cased_and_short_ones_dropped() {
        assert_eq!(
            search_terms("Printer, a BCMA-scan"),
            ["printer", "bcma", "scan"]
        );
        assert!(search_terms(" ").is_empty());
    }
}
