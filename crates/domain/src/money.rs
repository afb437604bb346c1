//! Money: whole cents in an `i64`, never floating point. Parsed from what people type
//! ("$1,250.50", "1250.5", "-3") and shown as "$1,250.50".

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Cents(pub i64);

/// A hundred billion dollars: more than any program's budget, and far from overflow when
/// multiplied by days.
pub const MAX: Cents = Cents(10_000_000_000_000);

impl Cents {
    pub fn parse(raw: &str) -> Result<Cents, String> {
        let trimmed = raw.trim();
        let bad = || format!("'{trimmed}' is not an amount of money (e.g. 1250.50)");
        let (negative, rest) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let rest = rest.trim_start_matches('$').replace(',', "");
        let (whole, fraction) = rest.split_once('.').unwrap_or((&rest, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
        {
            return Err(bad());
        }
        let dollars: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
        let value = dollars
            .checked_mul(100)
            .and_then(|d| d.checked_add(cents))
            .filter(|v| *v <= MAX.0)
            .ok_or_else(|| "is too large an amount".to_owned())?;
        Ok(Cents(if negative { -value } else { value }))
    }

    /// A cost: parsed like `parse`, never negative.
    pub fn parse_cost(raw: &str) -> Result<Cents, String> {
        let cents = Cents::parse(raw)?;
        if cents.0 < 0 {
            Err("cannot be negative".into())
        } else {
            Ok(cents)
        }
    }

    /// "1250.50": the amount as a form shows it for editing.
    pub fn amount(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// `self` times a whole number of days, saturating rather than wrapping.
    pub fn times(self, days: i64) -> Cents {
        Cents(self.0.saturating_mul(days))
    }
}

impl std::ops::Add for Cents {
    type Output = Cents;
    fn add(self, other: Cents) -> Cents {
        Cents(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents(0), |a, b| a + b)
    }
}

impl std::fmt::Display for Cents {
    /// "$1,250.50"; "-$3.00".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let digits = (abs / 100).to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_as_people_type_them_and_print_back() {
        for (raw, cents) in [
            ("1250.5", 125_050),
            ("$1,250.50", 125_050),
            ("3", 300),
            (".75", 75),
            ("-$12.05", -1_205),
        ] {
            assert_eq!(Cents::parse(raw), Ok(Cents(cents)), "{raw}");
        }
        for bad in ["", "12.345", "1e5", "twelve", "$", "1.2.3"] {
            assert!(Cents::parse(bad).is_err(), "{bad}");
        }
        assert!(Cents::parse("999999999999999").is_err());
        assert_eq!(Cents(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Cents(-5).to_string(), "-$0.05");
        assert_eq!(Cents(100_000).times(3), Cents(300_000));
    }
}
