//! Governance bodies and their members in pages and the API: who sits on the steering
//! committee, the councils and the change control board; a body's page shows its members,
//! the decision rights it holds, its decisions and the change requests awaiting it.

use muster_domain::Invalid;
use muster_domain::access::{Actor, Place, Subject};
use muster_domain::decision::ChangeStatus;
use muster_domain::governance::{
    BodyKind, GovernanceBody, GovernanceBodyDraft, GovernanceBodySpec, GovernanceMember,
    GovernanceMemberDraft, GovernanceMemberSpec, MemberRole,
};
use muster_domain::paging::{Cursor, Page};
use muster_store::change_request::ChangeRequestFilter;
use muster_store::decision_log::DecisionFilter;
use muster_store::decision_right::DecisionRightFilter;
use muster_store::governance::BodyFilter;
use muster_store::{Change, Store, StoreResult};
use serde::{Deserialize, Serialize};

use crate::alignment::ALIGNMENT;
use crate::form::{Field, FieldKind};
use crate::resource::{
    Cell, Fact, Lookup, Resource, Section, choice_options, filter_id, filter_value, options_with,
};

pub struct GovernanceBodies;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BodyQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
}

fn text_or_dash(text: &Option<String>) -> Cell {
    Cell::text(text.clone().unwrap_or_else(|| "—".into()))
}

/// The program's bodies as choices.
pub async fn body_options(
    store: &Store,
    program_id: i64,
    none: Option<&str>,
) -> StoreResult<Vec<(String, String)>> {
    let bodies = store.all_governance_bodies(program_id).await?;
    Ok(options_with(
        none,
        bodies.into_iter().map(|b| (b.id.to_string(), b.name)),
    ))
}

impl Resource for GovernanceBodies {
    const SUBJECT: Subject = Subject::GovernanceBody;
    const PATH: &'static str = "governance-bodies";
    const SINGULAR: &'static str = "governance body";
    const TITLE: &'static str = "Governance bodies";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = GovernanceBody;
    type Draft = GovernanceBodyDraft;
    type Spec = GovernanceBodySpec;
    type Query = BodyQuery;

    fn id(item: &GovernanceBody) -> i64 {
        item.id
    }
    fn label(item: &GovernanceBody) -> String {
        item.name.clone()
    }
    fn parse(draft: GovernanceBodyDraft) -> Result<GovernanceBodySpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: GovernanceBodyDraft, base: GovernanceBodyDraft) -> GovernanceBodyDraft {
        patch.over(base)
    }
    fn place(_: &GovernanceBody) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a GovernanceBodySpec, _: Option<&'a GovernanceBody>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &BodyQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<GovernanceBody>> {
        let filter = BodyFilter {
            kind: filter_value("kind", &query.kind, BodyKind::parse)?,
            site_id: filter_id("site_id", &query.site_id)?,
        };
        store
            .list_governance_bodies(actor.program_id, &filter, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<GovernanceBody> {
        store.governance_body(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: GovernanceBodySpec,
    ) -> StoreResult<GovernanceBody> {
        store.create_governance_body(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: GovernanceBodySpec,
    ) -> StoreResult<GovernanceBody> {
        store.update_governance_body(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_governance_body(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[
            (
                "kind",
                "steering_committee, physician_advisory_council, change_control_board, site_council or other",
            ),
            ("site_id", "only the councils of this site"),
        ]
    }
    fn columns() -> &'static [&'static str] {
        &["Name", "Kind", "Site", "Meets"]
    }
    fn cells(b: &GovernanceBody, lookup: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&b.name, format!("/governance-bodies/{}", b.id)),
            Cell::text(b.kind.label()),
            Cell::text(lookup.site_name(b.site_id)),
            text_or_dash(&b.cadence),
        ]
    }
    fn facts(b: &GovernanceBody, lookup: &Lookup) -> Vec<Fact> {
        let mut facts = vec![Fact {
            label: "Kind",
            value: Cell::text(b.kind.label()),
        }];
        if let Some(site) = b.site_id {
            facts.push(Fact {
                label: "Site",
                value: Cell::link(lookup.site_name(Some(site)), format!("/sites/{site}")),
            });
        }
        facts.push(Fact {
            label: "Charter",
            value: text_or_dash(&b.charter),
        });
        facts.push(Fact {
            label: "Meets",
            value: text_or_dash(&b.cadence),
        });
        facts
    }
    async fn fields(
        _store: &Store,
        _actor: &Actor,
        d: &GovernanceBodyDraft,
        lookup: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new("name", "Name", FieldKind::Text, d.name.as_deref()).required(),
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    BodyKind::ALL,
                    BodyKind::code,
                    BodyKind::label,
                    None,
                )),
                d.kind.as_deref(),
            )
            .required(),
            Field::new(
                "site_id",
                "Site",
                FieldKind::Select(lookup.site_options(Some("— no site (program-wide) —"))),
                d.site_id.as_deref(),
            )
            .help("Required for a site council: the site it governs"),
            Field::new(
                "charter",
                "Charter",
                FieldKind::TextArea,
                d.charter.as_deref(),
            )
            .help("What the body is for and what it decides"),
            Field::new("cadence", "Meets", FieldKind::Text, d.cadence.as_deref())
                .help("e.g. Every second Tuesday, 7:00"),
        ])
    }
    fn filters(q: &BodyQuery, lookup: &Lookup) -> Vec<Field> {
        vec![
            Field::new(
                "kind",
                "Kind",
                FieldKind::Select(choice_options(
                    BodyKind::ALL,
                    BodyKind::code,
                    BodyKind::label,
                    Some("Any kind"),
                )),
                q.kind.as_deref(),
            ),
            lookup.site_filter(&q.site_id),
        ]
    }
    async fn related(
        store: &Store,
        actor: &Actor,
        body: &GovernanceBody,
    ) -> StoreResult<Vec<Section>> {
        let program = actor.program_id;
        let members = store.governance_members(program, Some(body.id)).await?;
        let rights = store
            .list_decision_rights(
                program,
                &DecisionRightFilter {
                    body_id: Some(body.id),
                    ..Default::default()
                },
                None,
                200,
            )
            .await?
            .items;
        let modules = store.all_modules(program).await?;
        let module_name = |id: Option<i64>| {
            id.and_then(|id| modules.iter().find(|m| m.id == id))
                .map_or_else(|| "Every module".to_owned(), |m| m.name.clone())
        };
        let decisions = store
            .list_decisions(
                program,
                &DecisionFilter {
                    body_id: Some(body.id),
                    ..Default::default()
                },
                None,
                20,
            )
            .await?;
        let pending = store
            .find_change_requests(
                program,
                &ChangeRequestFilter {
                    body_id: Some(body.id),
                    status: Some(ChangeStatus::Pending),
                    ..Default::default()
                },
            )
            .await?;
        Ok(vec![
            Section {
                title: "Members".into(),
                columns: vec!["Name", "Role in the body", "Email"],
                rows: members
                    .iter()
                    .map(|m| {
                        vec![
                            Cell::link(&m.person_name, format!("/governance-members/{}", m.id)),
                            Cell::text(m.role.label()),
                            Cell::text(m.email.clone().unwrap_or_default()),
                        ]
                    })
                    .collect(),
                more: Some(("Add a member".into(), "/governance-members/new".into())),
            },
            Section {
                title: "Decision rights it holds".into(),
                columns: vec!["Kind of decision", "Module"],
                rows: rights
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::link(r.change_kind.label(), format!("/decision-rights/{}", r.id)),
                            Cell::text(module_name(r.module_id)),
                        ]
                    })
                    .collect(),
                more: Some((
                    "Give it a decision right".into(),
                    "/decision-rights/new".into(),
                )),
            },
            Section {
                title: "Decisions".into(),
                columns: vec!["Question", "Status", "Decided on"],
                rows: decisions
                    .items
                    .iter()
                    .map(|d| {
                        vec![
                            Cell::link(&d.question, format!("/decisions/{}", d.id)),
                            Cell::text(d.status.label()),
                            Cell::text(d.decided_on.map(|x| x.to_string()).unwrap_or_default()),
                        ]
                    })
                    .collect(),
                more: (decisions.total > 0).then(|| {
                    (
                        format!("All {} of its decisions", decisions.total),
                        format!("/decisions?body_id={}", body.id),
                    )
                }),
            },
            Section {
                title: "Change requests awaiting its decision".into(),
                columns: vec!["Request", "Kind", "Raised"],
                rows: pending
                    .iter()
                    .map(|c| {
                        vec![
                            Cell::link(&c.title, format!("/change-requests/{}", c.id)),
                            Cell::text(c.change_kind.label()),
                            Cell::text(c.created_at.format("%Y-%m-%d").to_string()),
                        ]
                    })
                    .collect(),
                more: None,
            },
        ])
    }
}

pub struct GovernanceMembers;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct MemberQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_id: Option<String>,
}

impl Resource for GovernanceMembers {
    const SUBJECT: Subject = Subject::GovernanceBody;
    const PATH: &'static str = "governance-members";
    const SINGULAR: &'static str = "governance member";
    const TITLE: &'static str = "Governance members";
    const SECTION: Option<(&'static str, &'static str)> = Some(ALIGNMENT);
    type Item = GovernanceMember;
    type Draft = GovernanceMemberDraft;
    type Spec = GovernanceMemberSpec;
    type Query = MemberQuery;

    fn id(item: &GovernanceMember) -> i64 {
        item.id
    }
    fn label(item: &GovernanceMember) -> String {
        format!("{} ({})", item.person_name, item.body_name)
    }
    fn parse(draft: GovernanceMemberDraft) -> Result<GovernanceMemberSpec, Invalid> {
        draft.parse()
    }
    fn overlay(patch: GovernanceMemberDraft, base: GovernanceMemberDraft) -> GovernanceMemberDraft {
        patch.over(base)
    }
    fn place(_: &GovernanceMember) -> Place<'_> {
        Place::Program
    }
    fn spec_place<'a>(_: &'a GovernanceMemberSpec, _: Option<&'a GovernanceMember>) -> Place<'a> {
        Place::Program
    }

    async fn list(
        store: &Store,
        actor: &Actor,
        query: &MemberQuery,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<GovernanceMember>> {
        let body = filter_id("body_id", &query.body_id)?;
        store
            .list_governance_members(actor.program_id, body, cursor, limit)
            .await
    }
    async fn get(store: &Store, program_id: i64, id: i64) -> StoreResult<GovernanceMember> {
        store.governance_member(program_id, id).await
    }
    async fn create(
        store: &Store,
        change: &Change<'_>,
        spec: GovernanceMemberSpec,
    ) -> StoreResult<GovernanceMember> {
        store.create_governance_member(change, spec).await
    }
    async fn update(
        store: &Store,
        change: &Change<'_>,
        id: i64,
        spec: GovernanceMemberSpec,
    ) -> StoreResult<GovernanceMember> {
        store.update_governance_member(change, id, spec).await
    }
    async fn delete(store: &Store, change: &Change<'_>, id: i64) -> StoreResult<()> {
        store.delete_governance_member(change, id).await
    }

    fn query_params() -> &'static [(&'static str, &'static str)] {
        &[("body_id", "only the members of this body")]
    }
    fn columns() -> &'static [&'static str] {
        &["Person", "Body", "Role in the body"]
    }
    fn cells(m: &GovernanceMember, _: &Lookup) -> Vec<Cell> {
        vec![
            Cell::link(&m.person_name, format!("/governance-members/{}", m.id)),
            Cell::link(&m.body_name, format!("/governance-bodies/{}", m.body_id)),
            Cell::text(m.role.label()),
        ]
    }
    fn facts(m: &GovernanceMember, _: &Lookup) -> Vec<Fact> {
        vec![
            Fact {
                label: "Person",
                value: Cell::link(&m.person_name, format!("/people/{}", m.person_id)),
            },
            Fact {
                label: "Body",
                value: Cell::link(&m.body_name, format!("/governance-bodies/{}", m.body_id)),
            },
            Fact {
                label: "Role in the body",
                value: Cell::text(m.role.label()),
            },
        ]
    }
    async fn fields(
        store: &Store,
        actor: &Actor,
        d: &GovernanceMemberDraft,
        _: &Lookup,
    ) -> StoreResult<Vec<Field>> {
        Ok(vec![
            Field::new(
                "body_id",
                "Body",
                FieldKind::Select(body_options(store, actor.program_id, Some("— choose —")).await?),
                d.body_id.as_deref(),
            )
            .required(),
            Field::new("person_id", "Person (id)", FieldKind::Person, d.person_id.as_deref())
                .required()
                .help("The person's id from the people list; their account (same email) then acts for them"),
            Field::new(
                "role",
                "Role in the body",
                FieldKind::Select(choice_options(MemberRole::ALL, MemberRole::code, MemberRole::label, None)),
                d.role.as_deref(),
            )
            .required(),
        ])
    }
    fn filters(_: &MemberQuery, _: &Lookup) -> Vec<Field> {
        Vec::new()
    }
}
