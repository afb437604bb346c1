//! Training: the courses and curricula each job role needs before go-live, classroom
//! sessions with enrollment and waitlist, completions, proficiency assessments and
//! follow-up training after go-live, and the iCalendar feed of sessions.
//!
//! The rules live here (waitlist promotion, pass marks, follow-up suggestions, calendar
//! text); the store keeps per-person progress so that aggregates follow people, not rows.

pub mod assessment;
pub mod completion;
pub mod course;
pub mod curriculum;
pub mod follow_up;
pub mod progress;
pub mod session;

use crate::draft::optional_count;

/// A score or pass mark: a whole number from 0 to 100.
pub fn percent(raw: String) -> Result<i64, String> {
    optional_count(raw, 100)?.ok_or_else(|| "is required".to_string())
}

/// Hours of training: a positive number up to 1,000, in quarter hours at the finest.
pub fn hours(raw: &str) -> Result<f64, String> {
    let trimmed = raw.trim();
    let value: f64 = trimmed
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a number of hours"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err("must be more than 0".into());
    }
    if value > 1_000.0 {
        return Err("must be at most 1000".into());
    }
    Ok((value * 4.0).round() / 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_positive_and_rounded_to_quarters() {
        assert_eq!(hours("1.5"), Ok(1.5));
        assert_eq!(hours(" 0.3 "), Ok(0.25));
        assert!(hours("0").is_err());
        assert!(hours("-2").is_err());
        assert!(hours("lots").unwrap_err().contains("hours"));
        assert!(hours("NaN").is_err());
    }

    #[test]
    fn percentages_run_from_0_to_100() {
        assert_eq!(percent("80".into()), Ok(80));
        assert!(percent("101".into()).is_err());
        assert!(percent("".into()).is_err());
    }
}
