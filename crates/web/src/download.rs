//! A file download streamed chunk by chunk (the exports): its type and name in the headers.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use muster_import::export::ExportFormat;

/// `body` as an attachment named `{stem}-{today}.{ext}` of `format`'s type.
pub fn attachment(format: ExportFormat, stem: &str, body: Body) -> Response {
    let name = format!(
        "{stem}-{}.{}",
        chrono::Utc::now().date_naive(),
        format.extension()
    );
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
