//! The readiness criteria catalog as a resource: `/readiness/criteria` and
//! `/api/v1/readiness/criteria`.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::readiness::{Criterion, CriterionDraft, CriterionSpec, Measure};
use muster_store::readiness::criterion::CriterionFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::person::yes_no;
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, account_options, account_section, choice_options,
    filter_value,
};

pub struct Criteria;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CriterionQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
}

fn measure_options(none: Option<&str>) -> Vec<(String, String)> {
    choice_options(Measure::ALL, Measure::code, Measure::label, none)
}

/// "≥ 90 (amber from 80)" or "≤ 0 (amber to 5)" or "met".
pub fn target(c: &Criterion) -> String {
    match c.measure {
        Measure::Attested => "Met (partly met is amber)".into(),
        m if m.lower_is_better() => format!(
            "at most {} (amber up to {})",
            c.threshold,
            c.threshold + c.amber_band
        ),
        _ => format!(
            "at least {} (amber from {})",
            c.threshold,
            c.threshold - c.amber_band
        ),
    }
}

impl Resource for Criteria {
    const SUBJECT: Subject = Subject::ReadinessCriterion;
    const PATH: &'static str = "readiness/criteria";
    const SINGULAR: &'static str = "readiness criterion";
    const TITLE: &'static str = "Readiness criteria";
    type Item = Criterion;
    type Draft = CriterionDraft;
    type Spec = CriterionSpec;
    type Query = CriterionQuery;

    fn id(item: &Criterion) -> i64 {
        item.id
    }
    fn label(item: &Criterion) -> String {
        item.name.clone()
    }
    fn parse(draft: CriterionDraft) -> Result<CriterionSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: CriterionDraft, base: CriterionDraft) -> CriterionDraft {
        patch.over(base)
    }
    fn place(_: &Criterion) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a CriterionSpec, _: Option<&'a Criterion>) -> Place<'a> {
        Place::Program
    }
    /// An unticked checkbox sends nothing: on a form that means "inactive".
    fn from_form(mut draft: CriterionDraft) -> CriterionDraft {
        draft.active.get_or_insert(false);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        q: &CriterionQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Criterion>> {
        let filter = CriterionFilter {
            measure: filter_value("measure", &q.measure, Measure::parse)?,
            active: filter_value("active", &q.active, yes_no)?,
        };
        store
            .list_criteria(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<Criterion> {
        store.criterion(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: CriterionSpec,
    ) -> StoreResult<Criterion> {
        store.create_criterion(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: CriterionSpec,
    ) -> StoreResult<Criterion> {
        store.update_criterion(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_criterion(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            (
                "measure",
                "training_completion, proficiency_pass_rate, champion_coverage, open_critical_tickets or attested",
            ),
            ("active", "true or false"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &[
            "Criterion",
            "Measure",
            "Green when",
            "Weight",
            "Owner",
            "Status",
        ]
    }
    fn cells(c: &Criterion, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&c.name, format!("/readiness/criteria/{}", c.id)),
            Cell::text(c.measure.label()),
            Cell::text(target(c)),
            Cell::text(c.weight.to_string()),
            Cell::text(&c.owner),
            Cell::text(if c.active { "Active" } else { "Inactive" }),
        ]
    }
    fn facts(c: &Criterion, _: &Lookup) -> Vec<Fact> {
        let fact = |label, text: String| Fact {
            label,
            value: Cell::text(text),
        };
        vec![
            fact("Measure", c.measure.label().into()),
            fact("Green when", target(c)),
            fact("Weight", c.weight.to_string()),
            fact("Owner", c.owner.clone()),
            fact("Description", c.description.clone().unwrap_or_default()),
            fact(
                "Status",
                if c.active { "Active" } else { "Inactive" }.into(),
            ),
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &CriterionDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let accounts = account_options(store, actor.program_id, "— no account —").await?;
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new(
                "measure",
                "Measure",
                FieldKind::Select(measure_options(None)),
                d.measure.as_deref(),
            )
            .required()
            .help("Muster computes every measure but the attested one, which the owner attests per site"),
            Field::new("threshold", "Threshold", FieldKind::Number, d.threshold.as_deref())
                .help("Green at or beyond it (at or below it for ticket counts); blank: the measure's default"),
            Field::new("amber_band", "Amber band", FieldKind::Number, d.amber_band.as_deref())
                .help("Amber within this distance short of the threshold, red beyond; blank: the default"),
            Field::new("weight", "Weight", FieldKind::Number, d.weight.as_deref())
                .required()
                .help("1 to 100, relative to the other criteria in the overall score"),
            Field::new("owner", "Owner", FieldKind::Text, d.owner.as_deref())
                .required()
                .help("The role or person who answers for it, e.g. Site IT lead"),
            Field::new(
                "owner_account_id",
                "Owner's account",
                FieldKind::Select(accounts),
                d.owner_account_id.as_deref(),
            )
            .help("The account that attests it at every site, if one does"),
            Field::new(
                "description",
                "Description",
                FieldKind::TextArea,
                d.description.as_deref(),
            ),
            Field::new(
                "active",
                "Active",
                FieldKind::Check,
                Some(if d.active.unwrap_or(true) { "true" } else { "" }),
            )
            .help("Inactive criteria leave the scorecard; their history stays"),
        ])
    }
    fn filters(q: &CriterionQuery, _: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "measure",
                "Measure",
                FieldKind::Select(measure_options(Some("Any measure"))),
                q.measure.as_deref(),
            ),
            Field::new(
                "active",
                "Status",
                FieldKind::Select(vec![
                    (String::new(), "Any".into()),
                    ("true".into(), "Active".into()),
                    ("false".into(), "Inactive".into()),
                ]),
                q.active.as_deref(),
            ),
        ]
    }
    async fn related(store: &Store, actor: &Actor, c: &Criterion) -> StoreResult<Vec<Section>> {
        account_section(
            store,
            actor.program_id,
            "Owner's account",
            c.owner_account_id,
        )
        .await
    }
}
