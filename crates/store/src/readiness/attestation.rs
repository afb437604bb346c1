//! Attestations: appended, never changed; the latest per criterion and site (by the day
//! attested, then by id) rates the criterion there. Evidence files are stored with the
//! attestation, in its transaction, or added to it later (`add_evidence`); never replaced.

use std::collections::HashMap;

use chrono::Utc;
use muster_domain::access::Scope;
use muster_domain::attachment::StoredFile;
use muster_domain::readiness::attestation::{AttestationRecord, AttestationSpec};
use muster_domain::readiness::{Attestation, CriterionId, Measure};
use muster_domain::site::SiteId;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::Store;
use crate::attachment::{EVIDENCE_FILES, NewAttachment};
use crate::audit::Change;
use crate::entity::readiness_attestation;
use crate::error::{StoreError, StoreResult};
use crate::raw::{marks, statement};

const ENTITY: &str = "readiness_attestation";

/// Most attestations a history list returns.
pub const HISTORY_LIMIT: u64 = 500;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttestationFilter {
    pub criterion_id: Option<CriterionId>,
    pub site_id: Option<SiteId>,
}

fn to_attestation(m: readiness_attestation::Model) -> StoreResult<AttestationRecord> {
    Ok(AttestationRecord {
        id: m.id,
        criterion_id: m.criterion_id,
        site_id: m.site_id,
        status: Attestation::parse(&m.status).map_err(StoreError::Corrupt)?,
        evidence: m.evidence,
        evidence_url: m.evidence_url,
        attested_on: m.attested_on,
        attested_by: m.attested_by,
        attested_by_account_id: m.attested_by_account_id,
        recorded_at: m.recorded_at,
        files: Vec::new(),
    })
}

#[derive(FromQueryResult)]
struct LatestRow {
    criterion_id: i64,
    site_id: i64,
    status: String,
}

impl Store {
    /// Records an attestation of an attested criterion at a site, with its evidence files
    /// (each audited) in the same transaction.
    #[tracing::instrument(skip(self, change, files))]
    pub async fn create_attestation(
        &self,
        change: &Change<'_>,
        spec: AttestationSpec,
        files: Vec<NewAttachment>,
    ) -> StoreResult<AttestationRecord> {
        let program_id = change.program_id();
        let criterion = self.criterion(program_id, spec.criterion_id).await?;
        if criterion.measure != Measure::Attested {
            return Err(StoreError::invalid(
                "criterion_id",
                format!(
                    "{} is measured by Muster ({}), not attested",
                    criterion.name,
                    criterion.measure.label()
                ),
            ));
        }
        self.site(program_id, spec.site_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    StoreError::invalid("site_id", format!("there is no site {}", spec.site_id))
                }
                e => e,
            })?;
        let row = readiness_attestation::ActiveModel {
            id: NotSet,
            program_id: Set(program_id),
            criterion_id: Set(spec.criterion_id),
            site_id: Set(spec.site_id),
            status: Set(spec.status.code().into()),
            evidence: Set(spec.evidence),
            evidence_url: Set(spec.evidence_url),
            attested_on: Set(spec.attested_on),
            attested_by: Set(change.actor.name.clone()),
            attested_by_account_id: Set(change.actor.account_id),
            recorded_at: Set(Utc::now()),
        };
        // The files are written after the row, by a future that owns what it uses.
        let (actor, via) = (change.actor.clone(), change.via);
        self.insert_then(
            change,
            ENTITY,
            row,
            &[],
            move |txn, stored| {
                Box::pin(async move {
                    let change = Change::new(&actor, via);
                    let mut a = to_attestation(stored)?;
                    a.files = EVIDENCE_FILES
                        .insert_all(txn, &change, a.id, &files)
                        .await?;
                    Ok(a)
                })
            },
            |a| a.id,
        )
        .await
    }

    /// Attestation `id` with its evidence files.
    #[tracing::instrument(skip(self))]
    pub async fn attestation(&self, program_id: i64, id: i64) -> StoreResult<AttestationRecord> {
        let row = readiness_attestation::Entity::find_by_id(id)
            .filter(readiness_attestation::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::not_found("attestation", id))?;
        let mut list = vec![to_attestation(row)?];
        self.attach_evidence(program_id, &mut list).await?;
        Ok(list.remove(0))
    }

    /// Adds evidence files to attestation `id` (whether its author may is the caller's
    /// question: see `AttestationRecord::may_add_evidence`); each upload is audited.
    #[tracing::instrument(skip(self, change, files))]
    pub async fn add_evidence(
        &self,
        change: &Change<'_>,
        id: i64,
        files: Vec<NewAttachment>,
    ) -> StoreResult<Vec<StoredFile>> {
        let txn = self.db.begin().await?;
        let exists = readiness_attestation::Entity::find_by_id(id)
            .filter(readiness_attestation::Column::ProgramId.eq(change.program_id()))
            .one(&txn)
            .await?
            .is_some();
        if !exists {
            return Err(StoreError::not_found("attestation", id));
        }
        let stored = EVIDENCE_FILES.insert_all(&txn, change, id, &files).await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Evidence file `file_id` of attestation `attestation_id`, with its bytes.
    #[tracing::instrument(skip(self))]
    pub async fn evidence_file(
        &self,
        program_id: i64,
        attestation_id: i64,
        file_id: i64,
    ) -> StoreResult<(StoredFile, Vec<u8>)> {
        EVIDENCE_FILES
            .read(&self.db, program_id, attestation_id, file_id)
            .await
    }

    /// Fills in the evidence files of `list` with one query.
    async fn attach_evidence(
        &self,
        program_id: i64,
        list: &mut [AttestationRecord],
    ) -> StoreResult<()> {
        let ids: Vec<i64> = list.iter().map(|a| a.id).collect();
        let mut by_owner: HashMap<i64, Vec<StoredFile>> = HashMap::new();
        for (owner, file) in EVIDENCE_FILES.list(&self.db, program_id, &ids).await? {
            by_owner.entry(owner).or_default().push(file);
        }
        for a in list {
            a.files = by_owner.remove(&a.id).unwrap_or_default();
        }
        Ok(())
    }

    /// Attestations under `filter` within `scope`, newest first (at most `HISTORY_LIMIT`).
    #[tracing::instrument(skip(self))]
    pub async fn list_attestations(
        &self,
        program_id: i64,
        filter: &AttestationFilter,
        scope: &Scope,
    ) -> StoreResult<Vec<AttestationRecord>> {
        use readiness_attestation::Column as C;
        let mut query = readiness_attestation::Entity::find().filter(C::ProgramId.eq(program_id));
        match scope {
            Scope::Everything => {}
            Scope::Sites(ids) => query = query.filter(C::SiteId.is_in(ids.clone())),
            _ => return Ok(Vec::new()),
        }
        if let Some(id) = filter.criterion_id {
            query = query.filter(C::CriterionId.eq(id));
        }
        if let Some(id) = filter.site_id {
            query = query.filter(C::SiteId.eq(id));
        }
        let mut list = query
            .order_by_desc(C::AttestedOn)
            .order_by_desc(C::Id)
            .limit(HISTORY_LIMIT)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_attestation)
            .collect::<StoreResult<Vec<_>>>()?;
        self.attach_evidence(program_id, &mut list).await?;
        Ok(list)
    }

    /// The latest attestation of every criterion at each of `site_ids`: one row per
    /// criterion and site, whatever the length of their history.
    pub(crate) async fn latest_attestations(
        &self,
        program_id: i64,
        site_ids: &[SiteId],
    ) -> StoreResult<HashMap<SiteId, HashMap<CriterionId, Attestation>>> {
        if site_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT a.criterion_id AS criterion_id, a.site_id AS site_id, a.status AS status \
             FROM readiness_attestation a WHERE a.program_id = ? AND a.site_id IN ({}) \
             AND NOT EXISTS (SELECT 1 FROM readiness_attestation b \
               WHERE b.criterion_id = a.criterion_id AND b.site_id = a.site_id \
               AND (b.attested_on > a.attested_on OR (b.attested_on = a.attested_on AND b.id > a.id)))",
            marks(site_ids.len())
        );
        let mut values = vec![program_id.into()];
        values.extend(site_ids.iter().map(|&s| s.into()));
        let rows = LatestRow::find_by_statement(statement(self.backend(), &sql, values))
            .all(&self.db)
            .await?;
        let mut latest: HashMap<SiteId, HashMap<CriterionId, Attestation>> = HashMap::new();
        for r in rows {
            let status = Attestation::parse(&r.status).map_err(StoreError::Corrupt)?;
            latest
                .entry(r.site_id)
                .or_default()
                .insert(r.criterion_id, status);
        }
        Ok(latest)
    }

    /// How many attestations name site `site_id` (a site with history is not deleted).
    pub(crate) async fn attestations_at_site(&self, site_id: SiteId) -> StoreResult<u64> {
        use sea_orm::PaginatorTrait;
        Ok(readiness_attestation::Entity::find()
            .filter(Condition::all().add(readiness_attestation::Column::SiteId.eq(site_id)))
            .count(&self.db)
            .await?)
    }
}
