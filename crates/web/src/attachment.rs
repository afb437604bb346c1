//! Files beside records in pages and the API: a multipart form read with its files checked
//! against a use's `Policy` (each file's bytes held to the limit as they arrive, every
//! refusal naming its file), and a stored file served back as a download browsers will
//! neither run nor sniff. Ticket attachments and readiness evidence both use it.

use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use muster_domain::FieldError;
use muster_domain::attachment::{Policy, StoredFile, clean_name, disposition, size_label};
use muster_store::NewAttachment;
use serde::de::DeserializeOwned;

use crate::auth::CSRF_FIELD;
use crate::error::AppError;

/// A multipart form as read: its text fields (the CSRF field left out), the files that
/// passed the policy, and why the others did not.
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<NewAttachment>,
    pub problems: Vec<String>,
}

impl Upload {
    /// The text fields as a draft, as a urlencoded form of them would read.
    pub fn draft<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = serde_html_form::to_string(&self.fields)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        serde_html_form::from_str(&encoded).map_err(|e| AppError::BadRequest(format!("form: {e}")))
    }

    /// The refused files as errors of form field `field`.
    pub fn field_errors(&self, field: &str) -> Vec<FieldError> {
        self.problems
            .iter()
            .map(|m| FieldError::new(field, m.clone()))
            .collect()
    }

    /// The value of text field `name`, taken out of the fields.
    pub fn take(&mut self, name: &str) -> Option<String> {
        let at = self.fields.iter().position(|(k, _)| k == name)?;
        Some(self.fields.remove(at).1)
    }
}

/// Whether `request` carries a multipart form (a page form with files) rather than a
/// urlencoded one.
pub fn is_multipart(request: &axum::extract::Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Reads a multipart form; every part with a file name is a file, checked by its bytes
/// against `policy`. A file stops being read once it passes the policy's size, so memory
/// stays within the route's body limit whatever is sent.
pub async fn read_upload(mut form: Multipart, policy: &Policy) -> Result<Upload, AppError> {
    let mut upload = Upload {
        fields: Vec::new(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    // The last file seen: a body cut off at the route's limit is most likely its fault.
    let mut last: Option<String> = None;
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| broken(policy, last.as_deref(), e))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(file_name) = field.file_name().map(clean_name) else {
            let value = field
                .text()
                .await
                .map_err(|e| AppError::BadRequest(format!("field {name}: {e}")))?;
            if name != CSRF_FIELD {
                upload.fields.push((name, value));
            }
            continue;
        };
        last = Some(file_name.clone());
        let mut data = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| broken(policy, Some(&file_name), e))?
        {
            if data.len() + chunk.len() > policy.max_bytes {
                too_large = true;
                break;
            }
            data.extend_from_slice(&chunk);
        }
        if too_large {
            upload.problems.push(policy.too_large(&file_name));
            continue;
        }
        if data.is_empty() && file_name == "attachment" {
            continue; // a file input left empty
        }
        if upload.files.len() >= policy.max_files {
            upload.problems.push(policy.too_many(&file_name));
            continue;
        }
        match policy.check(&file_name, &data) {
            Ok(kind) => upload.files.push(NewAttachment {
                file_name,
                content_type: kind.into(),
                data,
            }),
            Err(message) => upload.problems.push(message),
        }
    }
    Ok(upload)
}

/// A form that could not be read to its end, most often because it passed the route's
/// body limit while sending `file`.
fn broken(
    policy: &Policy,
    file: Option<&str>,
    e: axum::extract::multipart::MultipartError,
) -> AppError {
    let rule = format!(
        "{} may be at most {} each, {} at a time",
        policy.what,
        size_label(policy.max_bytes as i64),
        policy.max_files
    );
    AppError::PayloadTooLarge(match file {
        Some(name) => format!("the upload was cut off at {name} ({e}): {rule}"),
        None => format!("the form could not be read whole ({e}): {rule}"),
    })
}

/// A stored file as a download: `attachment` (images `inline` where `inline_images`), its
/// name quoted, never sniffed into something else, sandboxed if a browser opens it anyway.
pub fn download(file: &StoredFile, bytes: Vec<u8>, inline_images: bool) -> Response {
    let inline = inline_images && file.content_type.starts_with("image/");
    (
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                disposition(&file.file_name, inline),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CACHE_CONTROL, "private, max-age=300".into()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".into(),
            ),
        ],
        bytes,
    )
        .into_response()
}
