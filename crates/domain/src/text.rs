//! Text values shared by every capability: names, codes, emails, dates, counts.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// A display name: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("must not be empty".into());
        }
        if trimmed.chars().count() > Self::MAX {
            return Err(format!("must be at most {} characters", Self::MAX));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Free text such as notes: trimmed, at most 4,000 characters, may be empty (then `None`).
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(Some(trimmed.to_owned()))
}

/// A short identifying code (site code, module code): 1 to 20 of A-Z, 0-9, '-' and '_',
/// stored upper-case so that "rbh" and "RBH" are the same code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("must not be empty".into());
        }
        if code.len() > 20 {
            return Err("must be at most 20 characters".into());
        }
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err("may contain only letters, digits, '-' and '_'".into());
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, stored lower-case. Deliberately simple: one '@', a dot in the domain,
/// no spaces; deliverability is the mail server's business.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        let bad = || Err(format!("'{}' is not an email address", raw.trim()));
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad();
        }
        let Some((local, domain)) = email.split_once('@') else {
            return bad();
        };
        if local.is_empty() || domain.contains('@') || !domain.contains('.') {
            return bad();
        }
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return bad();
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar date written as YYYY-MM-DD.
pub fn date(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{}' is not a date (YYYY-MM-DD)", raw.trim()))
}

/// A moment written as YYYY-MM-DDTHH:MM (a form's date and time, taken as UTC) or in
/// RFC 3339 with its offset (JSON).
pub fn date_time(raw: &str) -> Result<DateTime<Utc>, String> {
    let trimmed = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(at.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(trimmed, f).ok())
        .map(|naive| naive.and_utc())
        .ok_or_else(|| format!("'{trimmed}' is not a date and time (YYYY-MM-DDTHH:MM, UTC)"))
}

/// A whole number from 0 to `max`.
pub fn count(value: i64, max: i64) -> Result<i64, String> {
    if value < 0 {
        Err("must not be negative".into())
    } else if value > max {
        Err(format!("must be at most {max}"))
    } else {
        Ok(value)
    }
}

/// A whole number with its thousands separated: 400000 -> "400,000", -1234 -> "-1,234".
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(400_000u64), "400,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1_234), "-1,234");
    }

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(Name::parse("  Riverbend  ").unwrap().as_str(), "Riverbend");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(201)).is_err());
        assert!(Name::parse("a\u{7}b").is_err());
    }

    #[test]
    fn codes_are_upper_cased_and_restricted() {
        assert_eq!(Code::parse(" rbh-1 ").unwrap().as_str(), "RBH-1");
        assert!(Code::parse("RB H").is_err());
        assert!(Code::parse("").is_err());
        assert!(Code::parse(&"A".repeat(21)).is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_need_a_domain() {
        assert_eq!(
            Email::parse(" Ann@Example.ORG ").unwrap().as_str(),
            "ann@example.org"
        );
        for bad in [
            "ann",
            "ann@",
            "@example.org",
            "ann@example",
            "a b@example.org",
            "a@b@c.org",
            "a@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(date("2027-03-01").is_ok());
        assert!(date("03/01/2027").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn date_times_are_utc_unless_an_offset_is_given() {
        let at = date_time("2027-03-01T09:30").unwrap();
        assert_eq!(at.to_rfc3339(), "2027-03-01T09:30:00+00:00");
        let at = date_time("2027-03-01T09:30:00+02:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2027-03-01T07:30:00+00:00");
        assert!(
            date_time("tomorrow")
                .unwrap_err()
                .contains("YYYY-MM-DDTHH:MM")
        );
    }

    #[test]
    fn counts_are_bounded() {
        assert!(count(-1, 10).is_err());
        assert!(count(11, 10).is_err());
        assert_eq!(count(10, 10), Ok(10));
    }
}
