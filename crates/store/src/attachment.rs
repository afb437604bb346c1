//! Files kept beside records: ticket attachments and readiness evidence. Each owner has its
//! own table of the same shape (so that each has a real foreign key to its record), and
//! this module is the one code that writes and reads them: every upload is audited in the
//! caller's transaction, lists never load bytes, and a file is read only through its owner.
//! Files are appended, never replaced.

use chrono::{DateTime, Utc};
use muster_domain::attachment::StoredFile;
use muster_domain::audit::AuditAction;
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::audit::{Change, record};
use crate::error::{StoreError, StoreResult};
use crate::raw::{backend_of, marks, statement};

/// A file to store: its cleaned name, the content type its bytes were found to be, the bytes.
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A table of files and the column that names their owner record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Files {
    /// The table, also the audit log's entity name.
    pub table: &'static str,
    pub owner: &'static str,
}

pub(crate) const TICKET_FILES: Files = Files {
    table: "ticket_attachment",
    owner: "ticket_id",
};

pub(crate) const EVIDENCE_FILES: Files = Files {
    table: "readiness_evidence",
    owner: "attestation_id",
};

#[derive(FromQueryResult)]
struct FileRow {
    id: i64,
    owner_id: i64,
    file_name: String,
    content_type: String,
    size: i64,
    uploaded_by: Option<String>,
    created_at: DateTime<Utc>,
}

impl FileRow {
    fn into_file(self) -> (i64, StoredFile) {
        (
            self.owner_id,
            StoredFile {
                id: self.id,
                file_name: self.file_name,
                content_type: self.content_type,
                size: self.size,
                uploaded_by: self.uploaded_by,
                uploaded_at: self.created_at,
            },
        )
    }
}

#[derive(FromQueryResult)]
struct Bytes {
    data: Vec<u8>,
}

#[derive(FromQueryResult)]
struct NewId {
    id: i64,
}

impl Files {
    fn columns(&self) -> String {
        format!(
            "id, {} AS owner_id, file_name, content_type, size, uploaded_by, created_at",
            self.owner
        )
    }

    /// Stores `file` for record `owner_id` with its audit entry, on `db` (the caller's
    /// transaction, so that a file never outlives a refused record).
    pub(crate) async fn insert<C: ConnectionTrait>(
        &self,
        db: &C,
        change: &Change<'_>,
        owner_id: i64,
        file: &NewAttachment,
    ) -> StoreResult<StoredFile> {
        let now = Utc::now();
        let uploaded_by = change.actor.name.clone();
        let sql = format!(
            "INSERT INTO {} (program_id, {}, file_name, content_type, size, data, uploaded_by, \
             uploaded_by_account_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            self.table, self.owner
        );
        let values = vec![
            change.program_id().into(),
            owner_id.into(),
            file.file_name.clone().into(),
            file.content_type.clone().into(),
            (file.data.len() as i64).into(),
            file.data.clone().into(),
            uploaded_by.clone().into(),
            change.actor.account_id.into(),
            now.into(),
        ];
        let id = NewId::find_by_statement(statement(backend_of(db), &sql, values))
            .one(db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("no id for a new {}", self.table)))?
            .id;
        let stored = StoredFile {
            id,
            file_name: file.file_name.clone(),
            content_type: file.content_type.clone(),
            size: file.data.len() as i64,
            uploaded_by: Some(uploaded_by),
            uploaded_at: now,
        };
        let mut after = serde_json::to_value(&stored).expect("files serialize");
        after[self.owner] = owner_id.into();
        record(
            db,
            change,
            self.table,
            id,
            AuditAction::Create,
            None,
            Some(&after),
        )
        .await?;
        Ok(stored)
    }

    /// Stores every file of `files` for `owner_id` (see `insert`).
    pub(crate) async fn insert_all<C: ConnectionTrait>(
        &self,
        db: &C,
        change: &Change<'_>,
        owner_id: i64,
        files: &[NewAttachment],
    ) -> StoreResult<Vec<StoredFile>> {
        let mut stored = Vec::with_capacity(files.len());
        // One at a time: files are few and each may be megabytes.
        for file in files {
            stored.push(self.insert(db, change, owner_id, file).await?);
        }
        Ok(stored)
    }

    /// The files of the records `owner_ids`, without their bytes: `(owner id, file)`,
    /// oldest first.
    pub(crate) async fn list<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        owner_ids: &[i64],
    ) -> StoreResult<Vec<(i64, StoredFile)>> {
        if owner_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {} FROM {} WHERE program_id = ? AND {} IN ({}) ORDER BY id",
            self.columns(),
            self.table,
            self.owner,
            marks(owner_ids.len())
        );
        let mut values = vec![program_id.into()];
        values.extend(owner_ids.iter().map(|&id| id.into()));
        Ok(
            FileRow::find_by_statement(statement(backend_of(db), &sql, values))
                .all(db)
                .await?
                .into_iter()
                .map(FileRow::into_file)
                .collect(),
        )
    }

    /// File `id` of record `owner_id`, with its bytes.
    pub(crate) async fn read<C: ConnectionTrait>(
        &self,
        db: &C,
        program_id: i64,
        owner_id: i64,
        id: i64,
    ) -> StoreResult<(StoredFile, Vec<u8>)> {
        let sql = format!(
            "SELECT {}, data FROM {} WHERE id = ? AND program_id = ? AND {} = ?",
            self.columns(),
            self.table,
            self.owner
        );
        let values = vec![id.into(), program_id.into(), owner_id.into()];
        let row = db
            .query_one_raw(statement(backend_of(db), &sql, values))
            .await?
            .ok_or_else(|| StoreError::not_found("file", id))?;
        let (_, file) = FileRow::from_query_result(&row, "")?.into_file();
        let bytes = Bytes::from_query_result(&row, "")?.data;
        Ok((file, bytes))
    }
}
