//! Field-level validation: every parse error names the field it belongs to, and a form or
//! JSON body reports all of its errors at once rather than the first one.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Input that could not be accepted, with every field error found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, message)])
    }

    /// The message for `field`, if it has one (used to show errors beside form inputs).
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Collects field errors while a draft is parsed.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of `result` under `field`; returns the value when it parsed.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(FieldError::new(field, message));
                None
            }
        }
    }

    /// A required value: absent becomes "is required", present is parsed by `parse`.
    pub fn required<R, T>(
        &mut self,
        field: &str,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Option<T> {
        match raw {
            Some(raw) => self.check(field, parse(raw)),
            None => {
                self.errors.push(FieldError::new(field, "is required"));
                None
            }
        }
    }

    /// An optional value: absent stays `None`, present is parsed by `parse`.
    pub fn optional<R, T>(
        &mut self,
        field: &str,
        raw: Option<R>,
        parse: impl FnOnce(R) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match raw {
            Some(raw) => self.check(field, parse(raw)).map(Some),
            None => Some(None),
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Builds the value when no error was recorded. `build` runs only then, so it may unwrap
    /// the options returned by `check`.
    pub fn finish<T>(self, build: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.errors.is_empty() {
            Ok(build())
        } else {
            Err(Invalid(self.errors))
        }
    }
}
