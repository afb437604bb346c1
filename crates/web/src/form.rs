//! Forms and query strings: field descriptors the generic templates render, and extractors
//! that turn bad input into a clear 400 rather than a crash.

use std::borrow::Cow;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use muster_domain::Invalid;
use serde::de::DeserializeOwned;

use crate::auth::CSRF_FIELD;
use crate::error::{ApiError, AppError, PageError};

/// How an input is drawn.
pub enum FieldKind {
    Text,
    Email,
    Number,
    /// An http or https link.
    Url,
    Date,
    /// A date and time (UTC).
    DateTime,
    TextArea,
    /// A drop-down: (value, label) pairs; the first may be ("", "— none —").
    Select(Vec<(String, String)>),
    /// A set of checkboxes, several may be ticked.
    Checks(Vec<(String, String)>),
    /// A set of radio buttons, one to choose.
    Radios(Vec<(String, String)>),
    /// A single yes/no checkbox.
    Check,
    /// A person's id, with a search box beside it (shown by app.js) that finds people by
    /// name, email or employee id and fills the id in.
    Person,
    /// Files to upload, several at once, of the kinds `accept` lists (a multipart form's
    /// input; a browser never keeps a chosen file when the page is drawn again).
    Files {
        accept: String,
    },
}

/// One labelled input with its current value and error.
pub struct Field {
    pub name: Cow<'static, str>,
    /// The key of the form the field belongs to, on a page with several forms of the same
    /// fields (an attestation form per criterion): it leads the element ids.
    pub form: Option<String>,
    pub label: Cow<'static, str>,
    /// The label is read by screen readers but not shown (an input in a table's cell,
    /// whose row and column say what it is).
    pub label_hidden: bool,
    pub kind: FieldKind,
    pub value: String,
    /// Ticked values, for `Checks`.
    pub values: Vec<String>,
    pub required: bool,
    pub help: Option<String>,
    pub error: Option<String>,
}

impl Field {
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        label: impl Into<Cow<'static, str>>,
        kind: FieldKind,
        value: Option<&str>,
    ) -> Self {
        Field {
            name: name.into(),
            form: None,
            label: label.into(),
            label_hidden: false,
            kind,
            value: value.unwrap_or_default().to_owned(),
            values: Vec::new(),
            required: false,
            help: None,
            error: None,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    /// Keeps the label for screen readers only.
    pub fn label_hidden(mut self) -> Self {
        self.label_hidden = true;
        self
    }

    pub fn ticked(mut self, values: Vec<String>) -> Self {
        self.values = values;
        self
    }

    /// Places the field in form `key`, so its ids differ from the same field's in another
    /// form on the page.
    pub fn within(mut self, key: impl Into<String>) -> Self {
        self.form = Some(key.into());
        self
    }

    /// The stem of the field's element ids (`f-`, `e-`, `h-`...).
    pub fn id(&self) -> String {
        match &self.form {
            Some(key) => format!("{key}-{}", self.name),
            None => self.name.to_string(),
        }
    }

    /// The ids of the error and help texts that describe the input, error first.
    pub fn described_by(&self) -> Option<String> {
        let id = self.id();
        let ids: Vec<String> = [
            self.error.as_ref().map(|_| format!("e-{id}")),
            self.help.as_ref().map(|_| format!("h-{id}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Email => "email",
            FieldKind::Url => "url",
            FieldKind::Number | FieldKind::Person => "number",
            FieldKind::Date => "date",
            FieldKind::DateTime => "datetime-local",
            _ => "text",
        }
    }

    pub fn options(&self) -> &[(String, String)] {
        match &self.kind {
            FieldKind::Select(options)
            | FieldKind::Checks(options)
            | FieldKind::Radios(options) => options,
            _ => &[],
        }
    }

    pub fn is_select(&self) -> bool {
        matches!(self.kind, FieldKind::Select(_))
    }

    pub fn is_checks(&self) -> bool {
        matches!(self.kind, FieldKind::Checks(_))
    }

    pub fn is_radios(&self) -> bool {
        matches!(self.kind, FieldKind::Radios(_))
    }

    pub fn is_check(&self) -> bool {
        matches!(self.kind, FieldKind::Check)
    }

    pub fn is_person(&self) -> bool {
        matches!(self.kind, FieldKind::Person)
    }

    pub fn is_textarea(&self) -> bool {
        matches!(self.kind, FieldKind::TextArea)
    }

    /// The file kinds a `Files` input accepts, else `None`.
    pub fn accept(&self) -> Option<&str> {
        match &self.kind {
            FieldKind::Files { accept } => Some(accept),
            _ => None,
        }
    }

    pub fn is_ticked(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }
}

/// An in-page form's inputs with their errors, and the errors no input shows: what a page
/// needs to draw a form again after a refusal (`templates/form_fields.html`).
pub struct FormFields {
    pub fields: Vec<Field>,
    pub problems: Vec<String>,
    /// The form was refused: the page says so above it.
    pub refused: bool,
}

impl FormFields {
    pub fn new(mut fields: Vec<Field>, invalid: Option<&Invalid>) -> Self {
        let problems = attach_errors(&mut fields, invalid);
        FormFields {
            refused: invalid.is_some(),
            fields,
            problems,
        }
    }
}

/// Shows what a refused form sent in the fields it names, so that nothing typed is lost
/// when the form is drawn again; a field the form did not send keeps its value.
pub fn fill(fields: &mut [Field], sent: &[(&str, Option<&str>)]) {
    for (name, value) in sent {
        if let (Some(value), Some(field)) = (value, fields.iter_mut().find(|f| f.name == *name)) {
            field.value = (*value).to_owned();
        }
    }
}

/// A refused form: its status (422 for invalid input, 409 for a clash with stored data)
/// and the reasons, for the form to be shown again; any other error passes through.
pub fn refused(err: AppError) -> Result<(StatusCode, Invalid), AppError> {
    match err {
        AppError::Invalid(invalid) => Ok((StatusCode::UNPROCESSABLE_ENTITY, invalid)),
        AppError::Conflict(invalid) => Ok((StatusCode::CONFLICT, invalid)),
        other => Err(other),
    }
}

/// Puts each field error beside its field (several for one field in one line); returns the
/// errors no field shows.
pub fn attach_errors(fields: &mut [Field], invalid: Option<&Invalid>) -> Vec<String> {
    let Some(invalid) = invalid else {
        return Vec::new();
    };
    let mut unplaced = Vec::new();
    for e in &invalid.0 {
        match fields.iter_mut().find(|f| f.name == e.field) {
            // A field may be refused more than once (two of its files): each reason shows.
            Some(field) => match &mut field.error {
                Some(error) => {
                    error.push_str("; ");
                    error.push_str(&e.message);
                }
                None => field.error = Some(e.message.clone()),
            },
            None => unplaced.push(format!("{}: {}", e.field, e.message)),
        }
    }
    unplaced
}

/// A rejected extraction, answered as problem+json under /api and as a page elsewhere.
pub struct Rejection {
    pub(crate) err: AppError,
    api: bool,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        if self.api {
            ApiError(self.err).into_response()
        } else {
            PageError(self.err).into_response()
        }
    }
}

/// Query-string parameters; a bad one is a 400 that names it.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_html_form::from_str(query)
            .map(Params)
            .map_err(|e| Rejection {
                err: AppError::BadRequest(format!("query string: {e}")),
                api: parts.uri.path().starts_with("/api/"),
            })
    }
}

/// A submitted HTML form, with the CSRF field (already checked) removed so that drafts can
/// refuse unknown fields.
pub struct HtmlForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for HtmlForm<T> {
    type Rejection = Rejection;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bad = |err: AppError| Rejection { err, api: false };
        let bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|_| bad(AppError::PayloadTooLarge("the form is too large".into())))?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes)
            .map_err(|e| bad(AppError::BadRequest(format!("form: {e}"))))?;
        let kept: Vec<(String, String)> =
            pairs.into_iter().filter(|(k, _)| k != CSRF_FIELD).collect();
        let encoded = serde_html_form::to_string(&kept)
            .map_err(|e| bad(AppError::Internal(e.to_string())))?;
        serde_html_form::from_str(&encoded)
            .map(HtmlForm)
            .map_err(|e| bad(AppError::BadRequest(format!("form: {e}"))))
    }
}

/// The `{id}` of a record's URL; anything but a whole number is a 400.
pub struct RecordId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| Rejection {
                    err: AppError::BadRequest(e.body_text()),
                    api,
                })?;
        raw.parse().map(RecordId).map_err(|_| Rejection {
            err: AppError::NotFound(format!("'{raw}' is not a record id")),
            api,
        })
    }
}
