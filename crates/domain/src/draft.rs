//! Drafts: what a form or a JSON body says about an entity before it is parsed.
//!
//! A draft's fields are all optional so the same draft serves create (missing means "is
//! required"), full edit and partial update (missing means "keep"). Numbers arrive as text
//! from forms and as numbers from JSON; both are kept as text here and parsed, with a field
//! error, by the entity's `parse`.

use serde::{Deserialize, Deserializer};

/// Deserializes a JSON number, a string, or null into `Option<String>`.
pub fn number_as_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Int(i64),
        Float(f64),
        Text(String),
    }
    Ok(Option::<Loose>::deserialize(d)?.map(|v| match v {
        Loose::Int(i) => i.to_string(),
        Loose::Float(f) => f.to_string(),
        Loose::Text(s) => s,
    }))
}

/// Deserializes a yes/no: JSON true/false, or a form's "true"/"on"/"yes" (absent is `None`).
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Bool(bool),
        Text(String),
    }
    match Option::<Loose>::deserialize(d)? {
        None => Ok(None),
        Some(Loose::Bool(b)) => Ok(Some(b)),
        Some(Loose::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Ok(Some(true)),
            "false" | "off" | "no" | "0" | "" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "'{other}' is not yes or no"
            ))),
        },
    }
}

/// Parses optional numeric text: blank is `None`, otherwise a whole number in `0..=max`.
pub fn optional_count(raw: String, max: i64) -> Result<Option<i64>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let value: i64 = trimmed
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a whole number"))?;
    crate::text::count(value, max).map(Some)
}

/// Parses an id chosen from a list: blank is `None`.
pub fn optional_id(raw: String) -> Result<Option<i64>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    trimmed
        .parse::<i64>()
        .map(Some)
        .map_err(|_| format!("'{trimmed}' is not a valid choice"))
}

/// Parses a required id chosen from a list.
pub fn id(raw: String) -> Result<i64, String> {
    optional_id(raw)?.ok_or_else(|| "is required".to_string())
}

/// Overlays `patch` on `base`: a field present in the patch wins.
pub fn overlay<T>(base: Option<T>, patch: Option<T>) -> Option<T> {
    patch.or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "number_as_text")]
        n: Option<String>,
    }

    #[test]
    fn numbers_arrive_as_text_from_json_numbers_or_strings() {
        let parse = |json: &str| serde_json::from_str::<Probe>(json).unwrap().n;
        assert_eq!(parse(r#"{"n": 12}"#).as_deref(), Some("12"));
        assert_eq!(parse(r#"{"n": "12"}"#).as_deref(), Some("12"));
        assert_eq!(parse(r#"{"n": null}"#), None);
        assert_eq!(parse(r#"{}"#), None);
        assert!(serde_json::from_str::<Probe>(r#"{"n": true}"#).is_err());
    }

    #[test]
    fn optional_counts_accept_blank_and_refuse_words() {
        assert_eq!(optional_count(" ".into(), 10), Ok(None));
        assert_eq!(optional_count("7".into(), 10), Ok(Some(7)));
        assert!(
            optional_count("seven".into(), 10)
                .unwrap_err()
                .contains("whole number")
        );
        assert!(optional_count("-1".into(), 10).is_err());
    }
}
