//! Support teams in pages and the API: who answers tickets, and the one triage queue.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::paging::{Cursor, Page};
use muster_domain::support_team::{SupportTeam, SupportTeamDraft, SupportTeamSpec, TeamKind};
use muster_domain::ticket::Category;
use muster_store::support_team::SupportTeamFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, account_options, account_section, choice_options,
    filter_value, given,
};

pub struct SupportTeams;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SupportTeamQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

fn category_labels(team: &SupportTeam) -> String {
    if team.kind == TeamKind::Triage {
        return "Every category, until triaged".into();
    }
    let labels: Vec<&str> = team.categories.iter().map(|c| c.label()).collect();
    labels.join(", ")
}

impl Resource for SupportTeams {
    const SUBJECT: Subject = Subject::SupportTeam;
    const PATH: &'static str = "support-teams";
    const SINGULAR: &'static str = "support team";
    const TITLE: &'static str = "Support teams";
    type Item = SupportTeam;
    type Draft = SupportTeamDraft;
    type Spec = SupportTeamSpec;
    type Query = SupportTeamQuery;

    fn id(item: &SupportTeam) -> i64 {
        item.id
    }
    fn label(item: &SupportTeam) -> String {
        item.name.clone()
    }
    fn parse(draft: SupportTeamDraft) -> Result<SupportTeamSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: SupportTeamDraft, base: SupportTeamDraft) -> SupportTeamDraft {
        patch.over(base)
    }
    fn place(_: &SupportTeam) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a SupportTeamSpec, _: Option<&'a SupportTeam>) -> Place<'a> {
        Place::Program
    }
    /// A form with no category ticked sends no `categories` at all: that means "none".
    fn from_form(mut draft: SupportTeamDraft) -> SupportTeamDraft {
        draft.categories.get_or_insert_with(Vec::new);
        draft
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &SupportTeamQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<SupportTeam>> {
        let filter = SupportTeamFilter {
            kind: filter_value("kind", &query.kind, TeamKind::parse)?,
            search: given(&query.q).map(str::to_owned),
        };
        store
            .list_support_teams(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<SupportTeam> {
        store.support_team(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: SupportTeamSpec,
    ) -> StoreResult<SupportTeam> {
        store.create_support_team(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: SupportTeamSpec,
    ) -> StoreResult<SupportTeam> {
        store.update_support_team(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_support_team(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            ("kind", "triage, application, technical, training or vendor"),
            ("q", "name containing this text"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Team", "Kind", "Categories", "Module", "Organization"]
    }
    fn cells(t: &SupportTeam, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&t.name, format!("/support-teams/{}", t.id)),
            Cell::text(t.kind.label()),
            Cell::text(category_labels(t)),
            lookup.module_cell(t.module_id, "Any module"),
            Cell::text(t.organization.clone().unwrap_or_default()),
        ]
    }
    fn facts(t: &SupportTeam, lookup: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Kind",
                value: Cell::text(t.kind.label()),
            },
            Fact {
                label: "Categories",
                value: Cell::text(category_labels(t)),
            },
            Fact {
                label: "Module",
                value: lookup.module_cell(t.module_id, "Any module"),
            },
            Fact {
                label: "Organization",
                value: Cell::text(t.organization.clone().unwrap_or_default()),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &SupportTeamDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        let leads = account_options(store, actor.program_id, "— no lead —").await?;
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    TeamKind::ALL,
                    TeamKind::code,
                    TeamKind::label,
                    None,
                )),
                d.kind.as_deref(),
            )
            .required()
            .help("A program has one triage queue, where new tickets wait"),
            Field::new(
                "categories",
                "Ticket categories taken",
                FieldKind::Checks(choice_options(
                    Category::ALL,
                    Category::code,
                    Category::label,
                    None,
                )),
                None,
            )
            .ticked(d.categories.clone().unwrap_or_default()),
            Field::new(
                "module_id",
                "Module",
                FieldKind::Select(lookup.module_options(Some("Any module"))),
                d.module_id.as_deref(),
            ),
            Field::new(
                "organization",
                "Organization",
                FieldKind::Text,
                d.organization.as_deref(),
            )
            .help("Required for a vendor team: its vendor accounts see only its tickets"),
            Field::new(
                "lead_account_id",
                "Lead",
                FieldKind::Select(leads),
                d.lead_account_id.as_deref(),
            )
            .help("Escalations go to the lead first"),
        ])
    }
    fn filters(q: &SupportTeamQuery, _: &Lookup) -> Vec<Field> {
        vec![
            Field::new("q", "Name", FieldKind::Text, q.q.as_deref()),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    TeamKind::ALL,
                    TeamKind::code,
                    TeamKind::label,
                    Some("Any kind"),
                )),
                q.kind.as_deref(),
            ),
        ]
    }
    async fn related(
        store: &Store,
        actor: &Actor,
        team: &SupportTeam,
    ) -> StoreResult<Vec<Section>> {
        account_section(store, actor.program_id, "Lead", team.lead_account_id).await
    }
}
