//! Governance bodies and their members: who sits on the steering committee, the councils
//! and the change control board, and which accounts therefore decide for them.

use chrono::{DateTime, Utc};
use muster_domain::governance::{
    BodyKind, GovernanceBody, GovernanceBodySpec, GovernanceMember, GovernanceMemberSpec,
    MemberRole,
};
use muster_domain::paging::{Cursor, Page};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter};

use crate::audit::Change;
use crate::entity::{change_request, decision, decision_right, governance_body, governance_member};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::raw::statement;
use crate::{Store, paging};

pub(crate) const BODY: &str = "governance_body";
pub(crate) const MEMBER: &str = "governance_member";

const BODY_UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_governance_body_name",
    column: "governance_body.name",
    field: "name",
    message: "another governance body has this name",
}];

const MEMBER_UNIQUE: &[UniqueField] = &[UniqueField {
    index: "ux_governance_member",
    column: "governance_member.person_id",
    field: "person_id",
    message: "this person already sits on this body",
}];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BodyFilter {
    pub kind: Option<BodyKind>,
    pub site_id: Option<i64>,
}

fn to_body(m: governance_body::Model) -> StoreResult<GovernanceBody> {
    Ok(GovernanceBody {
        id: m.id,
        name: m.name,
        kind: BodyKind::parse(&m.kind).map_err(StoreError::Corrupt)?,
        site_id: m.site_id,
        charter: m.charter,
        cadence: m.cadence,
    })
}

fn body_row(
    program_id: i64,
    spec: GovernanceBodySpec,
    now: DateTime<Utc>,
) -> governance_body::ActiveModel {
    governance_body::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        name: Set(spec.name.into_string()),
        kind: Set(spec.kind.code().into()),
        site_id: Set(spec.site_id),
        charter: Set(spec.charter),
        cadence: Set(spec.cadence),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

#[derive(FromQueryResult)]
struct MemberRow {
    id: i64,
    body_id: i64,
    person_id: i64,
    role: String,
    person_name: String,
    email: Option<String>,
    body_name: String,
}

const MEMBER_SELECT: &str = "SELECT m.id, m.body_id, m.person_id, m.role, p.name AS person_name, \
     p.email, b.name AS body_name FROM governance_member m \
     JOIN person p ON p.id = m.person_id JOIN governance_body b ON b.id = m.body_id";

fn to_member(r: MemberRow) -> StoreResult<GovernanceMember> {
    Ok(GovernanceMember {
        id: r.id,
        body_id: r.body_id,
        person_id: r.person_id,
        role: MemberRole::parse(&r.role).map_err(StoreError::Corrupt)?,
        person_name: r.person_name,
        email: r.email.filter(|e| !e.is_empty()),
        body_name: r.body_name,
    })
}

impl Store {
    /// Every body of the program, by name (a program has a few dozen).
    pub async fn all_governance_bodies(&self, program_id: i64) -> StoreResult<Vec<GovernanceBody>> {
        use sea_orm::QueryOrder;
        governance_body::Entity::find()
            .filter(governance_body::Column::ProgramId.eq(program_id))
            .order_by_asc(governance_body::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_body)
            .collect()
    }

    #[tracing::instrument(skip(self))]
    pub async fn list_governance_bodies(
        &self,
        program_id: i64,
        filter: &BodyFilter,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<GovernanceBody>> {
        use governance_body::Column as C;
        let mut query = governance_body::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(kind) = filter.kind {
            query = query.filter(C::Kind.eq(kind.code()));
        }
        if let Some(site) = filter.site_id {
            query = query.filter(C::SiteId.eq(site));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows
            .into_iter()
            .map(to_body)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paging::page(items, limit, total, |b| {
            (b.name.clone(), b.id)
        }))
    }

    pub async fn governance_body(&self, program_id: i64, id: i64) -> StoreResult<GovernanceBody> {
        let row = governance_body::Entity::find_by_id(id)
            .filter(governance_body::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found(BODY, id))?;
        to_body(row)
    }

    /// A chosen body is one of the program's: else a field error on `field`.
    pub(crate) async fn check_body_choice(
        &self,
        program_id: i64,
        field: &str,
        id: i64,
    ) -> StoreResult<GovernanceBody> {
        self.governance_body(program_id, id)
            .await
            .map_err(|_| StoreError::invalid(field, format!("there is no governance body {id}")))
    }

    async fn check_body(&self, program_id: i64, spec: &GovernanceBodySpec) -> StoreResult<()> {
        if let Some(site) = spec.site_id
            && self.site(program_id, site).await.is_err()
        {
            return Err(StoreError::invalid(
                "site_id",
                format!("there is no site {site}"),
            ));
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_governance_body(
        &self,
        change: &Change<'_>,
        spec: GovernanceBodySpec,
    ) -> StoreResult<GovernanceBody> {
        self.check_body(change.program_id(), &spec).await?;
        let row = body_row(change.program_id(), spec, Utc::now());
        self.insert_audited(change, BODY, row, BODY_UNIQUE, to_body, |b| b.id)
            .await
    }

    /// Renaming a body renames it on the rights it holds and the requests routed to it.
    #[tracing::instrument(skip(self, change))]
    pub async fn update_governance_body(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: GovernanceBodySpec,
    ) -> StoreResult<GovernanceBody> {
        let before = self.governance_body(change.program_id(), id).await?;
        self.check_body(change.program_id(), &spec).await?;
        let row = governance_body::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..body_row(change.program_id(), spec, Utc::now())
        };
        let old_name = before.name.clone();
        self.update_then(
            change,
            BODY,
            id,
            &before,
            row,
            BODY_UNIQUE,
            move |txn, stored| {
                Box::pin(async move {
                    let body = to_body(stored)?;
                    if body.name != old_name {
                        decision_right::Entity::update_many()
                            .col_expr(decision_right::Column::Decider, body.name.clone().into())
                            .filter(decision_right::Column::BodyId.eq(id))
                            .exec(txn)
                            .await?;
                        change_request::Entity::update_many()
                            .col_expr(change_request::Column::Decider, body.name.clone().into())
                            .filter(change_request::Column::BodyId.eq(id))
                            .exec(txn)
                            .await?;
                    }
                    Ok(body)
                })
            },
        )
        .await
    }

    /// Deletes a body that holds no right, has no members and no decisions or requests.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_governance_body(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.governance_body(change.program_id(), id).await?;
        let members = governance_member::Entity::find()
            .filter(governance_member::Column::BodyId.eq(id))
            .count(&self.db)
            .await?;
        let rights = decision_right::Entity::find()
            .filter(decision_right::Column::BodyId.eq(id))
            .count(&self.db)
            .await?;
        let decisions = decision::Entity::find()
            .filter(decision::Column::BodyId.eq(id))
            .count(&self.db)
            .await?;
        let requests = change_request::Entity::find()
            .filter(change_request::Column::BodyId.eq(id))
            .count(&self.db)
            .await?;
        if let Some(uses) = describe_uses(&[
            (members, "member"),
            (rights, "decision right"),
            (decisions, "decision"),
            (requests, "change request"),
        ]) {
            return Err(StoreError::InUse(format!(
                "{} still has {uses}",
                before.name
            )));
        }
        self.delete_audited::<governance_body::Entity, _>(change, BODY, id, &before)
            .await
    }

    /// Members of the program, of one body or every body, by body then name.
    #[tracing::instrument(skip(self))]
    pub async fn governance_members(
        &self,
        program_id: i64,
        body_id: Option<i64>,
    ) -> StoreResult<Vec<GovernanceMember>> {
        let mut sql = format!("{MEMBER_SELECT} WHERE m.program_id = ?");
        let mut values = vec![program_id.into()];
        if let Some(body) = body_id {
            sql.push_str(" AND m.body_id = ?");
            values.push(body.into());
        }
        sql.push_str(" ORDER BY b.name, CASE m.role WHEN 'chair' THEN 0 WHEN 'secretary' THEN 1 ELSE 2 END, p.name, m.id");
        MemberRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_member)
            .collect()
    }

    /// Members a page at a time (the API and list page), by body then name.
    pub async fn list_governance_members(
        &self,
        program_id: i64,
        body_id: Option<i64>,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<GovernanceMember>> {
        // A program's bodies seat a few hundred people at most: paged in memory.
        let all = self.governance_members(program_id, body_id).await?;
        let total = all.len() as u64;
        let start = cursor
            .and_then(|c| all.iter().position(|m| m.id == c.id))
            .map_or(0, |i| i + 1);
        let items: Vec<_> = all
            .into_iter()
            .skip(start)
            .take(limit as usize + 1)
            .collect();
        Ok(paging::page(items, limit, total, |m| {
            (m.body_name.clone(), m.id)
        }))
    }

    pub async fn governance_member(
        &self,
        program_id: i64,
        id: i64,
    ) -> StoreResult<GovernanceMember> {
        let sql = format!("{MEMBER_SELECT} WHERE m.program_id = ? AND m.id = ?");
        let row = MemberRow::find_by_statement(statement(
            self.backend(),
            &sql,
            vec![program_id.into(), id.into()],
        ))
        .one(&self.db)
        .await?
        .ok_or_else(|| StoreError::not_found(MEMBER, id))?;
        to_member(row)
    }

    /// The bodies whose members include someone with this email: what the account with
    /// that email decides for.
    pub async fn bodies_of_email(&self, program_id: i64, email: &str) -> StoreResult<Vec<i64>> {
        #[derive(FromQueryResult)]
        struct Row {
            body_id: i64,
        }
        if email.trim().is_empty() {
            return Ok(Vec::new());
        }
        let sql = "SELECT DISTINCT m.body_id FROM governance_member m \
                   JOIN person p ON p.id = m.person_id \
                   WHERE m.program_id = ? AND LOWER(p.email) = LOWER(?)";
        Ok(Row::find_by_statement(statement(
            self.backend(),
            sql,
            vec![program_id.into(), email.trim().into()],
        ))
        .all(&self.db)
        .await?
        .into_iter()
        .map(|r| r.body_id)
        .collect())
    }

    fn member_row(
        program_id: i64,
        spec: &GovernanceMemberSpec,
        now: DateTime<Utc>,
    ) -> governance_member::ActiveModel {
        governance_member::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            body_id: Set(spec.body_id),
            person_id: Set(spec.person_id),
            role: Set(spec.role.code().into()),
            created_at: Set(now),
            updated_at: Set(now),
        }
    }

    async fn check_member(&self, program_id: i64, spec: &GovernanceMemberSpec) -> StoreResult<()> {
        self.check_body_choice(program_id, "body_id", spec.body_id)
            .await?;
        self.check_person_choice(program_id, "person_id", spec.person_id)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_governance_member(
        &self,
        change: &Change<'_>,
        spec: GovernanceMemberSpec,
    ) -> StoreResult<GovernanceMember> {
        let program_id = change.program_id();
        self.check_member(program_id, &spec).await?;
        let row = Self::member_row(program_id, &spec, Utc::now());
        let stored = self
            .insert_audited(change, MEMBER, row, MEMBER_UNIQUE, |m| Ok(m.id), |id| *id)
            .await?;
        self.governance_member(program_id, stored).await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_governance_member(
        &self,
        change: &Change<'_>,
        id: i64,
        spec: GovernanceMemberSpec,
    ) -> StoreResult<GovernanceMember> {
        let program_id = change.program_id();
        let before = self.governance_member(program_id, id).await?;
        self.check_member(program_id, &spec).await?;
        let row = governance_member::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..Self::member_row(program_id, &spec, Utc::now())
        };
        let after = self
            .governance_member_after(program_id, &before, &spec)
            .await?;
        self.update_audited(change, MEMBER, id, &before, row, MEMBER_UNIQUE, move |_| {
            Ok(after)
        })
        .await
    }

    /// The member as `spec` will make it, for the audit entry.
    async fn governance_member_after(
        &self,
        program_id: i64,
        before: &GovernanceMember,
        spec: &GovernanceMemberSpec,
    ) -> StoreResult<GovernanceMember> {
        let person = self.person(program_id, spec.person_id).await?;
        let body = self.governance_body(program_id, spec.body_id).await?;
        Ok(GovernanceMember {
            body_id: spec.body_id,
            person_id: spec.person_id,
            role: spec.role,
            person_name: person.name,
            email: Some(person.email).filter(|e| !e.is_empty()),
            body_name: body.name,
            ..before.clone()
        })
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn delete_governance_member(&self, change: &Change<'_>, id: i64) -> StoreResult<()> {
        let before = self.governance_member(change.program_id(), id).await?;
        self.delete_audited::<governance_member::Entity, _>(change, MEMBER, id, &before)
            .await
    }
}
