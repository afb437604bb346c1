//! Stakeholder groups as a resource, and the group's page: its commitments (overdue first),
//! its commitment progress month by month (a chart and the same figures as a table), its
//! ADKAR history with the barrier point, its stance over time, and the place where the
//! alignment matrix's row for it will go.

use askama::Template;
use chrono::Utc;
use muster_domain::Invalid;
use muster_domain::access::{Action, Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::stakeholder::adkar::AdkarAssessment;
use muster_domain::stakeholder::commitment::{Commitment, MonthProgress};
use muster_domain::stakeholder::{
    GroupKind, Influence, StakeholderDraft, StakeholderGroup, StakeholderSpec, Stance, StanceChange,
};
use muster_store::stakeholder::StakeholderFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use super::{adkar::AdkarRow, person_cell};
use crate::alignment::ALIGNMENT;
use crate::error::AppError;
use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, choice_options, filter_id, filter_value, given,
};

pub struct Stakeholders;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct StakeholderQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub influence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

const PROGRAM_WIDE: &str = "Program-wide";

/// One bar of the progress chart and its row in the table.
pub struct ProgressBar {
    pub month: String,
    pub due: i64,
    pub done: i64,
    pub percent: i64,
    pub x: i64,
    pub y: i64,
    pub height: i64,
}

/// Bars in a 24-month, 100-high chart: each 20 wide with a gap of 4.
fn bars(months: &[MonthProgress]) -> Vec<ProgressBar> {
    months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let percent = m.percent();
            ProgressBar {
                month: m.month.clone(),
                due: m.due,
                done: m.done,
                percent,
                x: 30 + i as i64 * 24,
                y: 110 - percent,
                height: percent,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "stakeholder/group.html")]
struct GroupExtra {
    group_id: i64,
    commitments: Vec<Commitment>,
    commitments_total: u64,
    may_add_commitment: bool,
    progress: Vec<ProgressBar>,
    chart_width: i64,
    progress_spoken: String,
    adkar: Vec<AdkarRow>,
    may_add_adkar: bool,
    stances: Vec<StanceChange>,
}

impl Resource for Stakeholders {
    const SUBJECT: Subject = Subject::Stakeholder;
    const PATH: &'static str = "stakeholders";
    const SINGULAR: &'static str = "stakeholder group";
    const TITLE: &'static str = "Stakeholder groups";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = StakeholderGroup;
    type Draft = StakeholderDraft;
    type Spec = StakeholderSpec;
    type Query = StakeholderQuery;

    fn id(item: &StakeholderGroup) -> i64 {
        item.id
    }
    fn label(item: &StakeholderGroup) -> String {
        item.name.clone()
    }
    fn parse(draft: StakeholderDraft) -> Result<StakeholderSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: StakeholderDraft, base: StakeholderDraft) -> StakeholderDraft {
        patch.over(base)
    }
    fn place(_: &StakeholderGroup) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a StakeholderSpec, _: Option<&'a StakeholderGroup>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &StakeholderQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<StakeholderGroup>> {
        let filter = StakeholderFilter {
            kind: filter_value("kind", &query.kind, GroupKind::parse)?,
            stance: filter_value("stance", &query.stance, Stance::parse)?,
            influence: filter_value("influence", &query.influence, Influence::parse)?,
            site_id: filter_id("site_id", &query.site_id)?,
            search: given(&query.q).map(str::to_owned),
        };
        store
            .list_stakeholders(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<StakeholderGroup> {
        store.stakeholder(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: StakeholderSpec,
    ) -> StoreResult<StakeholderGroup> {
        store.create_stakeholder(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: StakeholderSpec,
    ) -> StoreResult<StakeholderGroup> {
        store.update_stakeholder(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_stakeholder(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            (
                "kind",
                "physician_group, nursing, department, it, revenue_cycle, vendor, consultants, board, patient_representatives or other",
            ),
            ("stance", "champion, supporter, neutral, skeptic or opposed"),
            ("influence", "low, medium or high"),
            ("site_id", "only this site's groups"),
            (
                "q",
                "name, interests, gains or concessions containing this text",
            ),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Group", "Kind", "Site", "Influence", "Stance"]
    }
    fn cells(g: &StakeholderGroup, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&g.name, format!("/stakeholders/{}", g.id)),
            Cell::text(g.kind.label()),
            Cell::text(site_text(g, lookup)),
            Cell::text(g.influence.label()),
            Cell::text(g.stance.label()),
        ]
    }
    fn facts(g: &StakeholderGroup, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Kind",
                value: Cell::text(g.kind.label()),
            },
            Fact {
                label: "Site",
                value: Cell::text(site_text(g, lookup)),
            },
            Fact {
                label: "Interests",
                value: Cell::text(&g.interests),
            },
            Fact {
                label: "What it gains",
                value: Cell::text(&g.gains),
            },
            Fact {
                label: "What it concedes",
                value: Cell::text(&g.concessions),
            },
            Fact {
                label: "Influence",
                value: Cell::text(g.influence.label()),
            },
            Fact {
                label: "Stance",
                value: Cell::text(g.stance.label()),
            },
            Fact {
                label: "Leader",
                value: match (&g.leader_name, g.leader_person_id) {
                    (Some(name), Some(id)) => Cell::link(name, format!("/people/{id}")),
                    _ => person_cell(g.leader_person_id),
                },
            },
        ]
    }
    async fn fields(
        _: &Store,
        _: &Actor,
        d: &StakeholderDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    GroupKind::ALL,
                    GroupKind::code,
                    GroupKind::label,
                    Some("— choose —"),
                )),
                d.kind.as_deref(),
            )
            .required(),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some(PROGRAM_WIDE))),
                d.site_id.as_deref(),
            ),
            Field::new(
                "interests",
                "Interests",
                FieldKind::TextArea,
                d.interests.as_deref(),
            )
            .required()
            .help("What the group cares about"),
            Field::new(
                "gains",
                "What it gains",
                FieldKind::TextArea,
                d.gains.as_deref(),
            )
            .required()
            .help("What's in it for them"),
            Field::new(
                "concessions",
                "What it concedes",
                FieldKind::TextArea,
                d.concessions.as_deref(),
            )
            .help("Changes the group would not choose alone"),
            Field::new(
                "influence",
                "Influence",
                FieldKind::Select(choice_options(
                    Influence::ALL,
                    Influence::code,
                    Influence::label,
                    Some("— choose —"),
                )),
                d.influence.as_deref(),
            )
            .required(),
            Field::new(
                "stance",
                "Stance",
                FieldKind::Select(choice_options(
                    Stance::ALL,
                    Stance::code,
                    Stance::label,
                    Some("— choose —"),
                )),
                d.stance.as_deref(),
            )
            .required()
            .help("Each change of stance is kept as history"),
            Field::new(
                "leader_person_id",
                "Leader (person id)",
                FieldKind::Person,
                d.leader_person_id.as_deref(),
            ),
        ])
    }
    fn filters(q: &StakeholderQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Text", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    GroupKind::ALL,
                    GroupKind::code,
                    GroupKind::label,
                    Some("Any kind"),
                )),
                q.kind.as_deref(),
            ),
            Field::new(
                "stance",
                "Stance",
                FieldKind::Select(choice_options(
                    Stance::ALL,
                    Stance::code,
                    Stance::label,
                    Some("Any stance"),
                )),
                q.stance.as_deref(),
            ),
            Field::new(
                "influence",
                "Influence",
                FieldKind::Select(choice_options(
                    Influence::ALL,
                    Influence::code,
                    Influence::label,
                    Some("Any influence"),
                )),
                q.influence.as_deref(),
            ),
            lookup.site_filter(&q.site_id),
        ]
    }
    async fn related(
        store: &Store,
        actor: &Actor,
        g: &StakeholderGroup,
    ) -> muster_store::StoreResult<Vec<crate::resource::Section>> {
        Ok(vec![crate::alignment::group_row(store, actor, g.id).await?])
    }
    async fn extra(
        store: &Store,
        actor: &Actor,
        g: &StakeholderGroup,
    ) -> Result<Option<String>, AppError> {
        let pid = actor.program_id;
        let today = Utc::now().date_naive();
        let reads_commitments = actor.may(Action::Read, Subject::Commitment);
        let (commitments, commitments_total) = if reads_commitments {
            store.group_commitments(pid, g.id, today).await?
        } else {
            (Vec::new(), 0)
        };
        let months = if reads_commitments {
            store.commitment_progress(pid, g.id, today).await?
        } else {
            Vec::new()
        };
        let progress = bars(&months);
        let progress_spoken = format!(
            "Share of due commitments done at each month end: {}",
            progress
                .iter()
                .map(|b| format!("{} {}%", b.month, b.percent))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let adkar: Vec<AdkarAssessment> = if actor.may(Action::Read, Subject::Adkar) {
            store.adkar_history(pid, g.id).await?
        } else {
            Vec::new()
        };
        let lookup = Lookup::load(store, pid).await?;
        let page = GroupExtra {
            group_id: g.id,
            commitments,
            commitments_total,
            may_add_commitment: actor.may(Action::Create, Subject::Commitment),
            chart_width: 40 + progress.len() as i64 * 24,
            progress,
            progress_spoken,
            adkar: history_rows(&adkar, &lookup),
            may_add_adkar: actor.may(Action::Create, Subject::Adkar),
            stances: store.stance_history(pid, g.id).await?,
        };
        Ok(Some(page.render()?))
    }
}

/// The history's rows; only the latest of each site keeps its suggested actions.
fn history_rows(history: &[AdkarAssessment], lookup: &Lookup) -> Vec<AdkarRow> {
    let mut rows: Vec<AdkarRow> = history.iter().map(|a| AdkarRow::of(a, lookup)).collect();
    for i in 0..history.len().saturating_sub(1) {
        if history[i].site_id == history[i + 1].site_id {
            rows[i].actions = &[];
        }
    }
    rows
}

fn site_text(g: &StakeholderGroup, lookup: &Lookup) -> String {
    match g.site_id {
        Some(id) => lookup.site_name(Some(id)),
        None => PROGRAM_WIDE.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_tall_as_the_share_done() {
        let months = [
            MonthProgress {
                month: "2027-01".into(),
                due: 4,
                done: 1,
            },
            MonthProgress {
                month: "2027-02".into(),
                due: 0,
                done: 0,
            },
        ];
        let b = bars(&months);
        assert_eq!((b[0].height, b[0].y, b[0].x), (25, 85, 30));
        assert_eq!((b[1].percent, b[1].x), (100, 54));
    }
}
