//! How a KPI's values are written and checked: a closed list of units, each with its own
//! rule (a percent is 0 to 100, a count is a whole number, dollars are kept as cents), and
//! which way is better.

use crate::money::Cents;

choice!(
    /// The unit a KPI is measured in.
    KpiUnit {
        Percent = ("percent", "Percent (0-100)"),
        Days = ("days", "Days"),
        Hours = ("hours", "Hours"),
        Minutes = ("minutes", "Minutes"),
        Count = ("count", "Count (whole number)"),
        Dollars = ("dollars", "Dollars"),
        Ratio = ("ratio", "Ratio"),
        Score = ("score", "Score"),
    }
);

choice!(
    /// Which way a KPI improves.
    Direction {
        Higher = ("higher", "Higher is better"),
        Lower = ("lower", "Lower is better"),
    }
);

/// Larger than any KPI value a health system reports; keeps sums far from overflow.
const MAX_MAGNITUDE: f64 = 1e12;

impl KpiUnit {
    /// Reads a value as people write it in this unit. The stored number is the value itself,
    /// except dollars, which are stored as whole cents.
    pub fn parse_value(self, raw: &str) -> Result<f64, String> {
        let text = raw.trim();
        if text.is_empty() {
            return Err("is required".into());
        }
        let number = |t: &str| -> Result<f64, String> {
            let cleaned = t.trim().replace(',', "");
            cleaned
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= MAX_MAGNITUDE)
                .ok_or_else(|| format!("'{text}' is not a number ({})", self.hint()))
        };
        let not_negative = |v: f64| {
            if v < 0.0 {
                Err(format!("'{text}' cannot be negative ({})", self.hint()))
            } else {
                Ok(v)
            }
        };
        match self {
            KpiUnit::Percent => {
                let v = number(text.strip_suffix('%').unwrap_or(text))?;
                if (0.0..=100.0).contains(&v) {
                    Ok(v)
                } else {
                    Err(format!("{text} is not a percent between 0 and 100"))
                }
            }
            KpiUnit::Count => {
                let cleaned = text.replace(',', "");
                let v: i64 = cleaned
                    .parse()
                    .map_err(|_| format!("'{text}' is not a whole number (count)"))?;
                not_negative(v as f64)
            }
            KpiUnit::Dollars => Cents::parse(text).map(|c| c.0 as f64),
            KpiUnit::Days | KpiUnit::Hours | KpiUnit::Minutes | KpiUnit::Ratio => {
                not_negative(number(text)?)
            }
            KpiUnit::Score => number(text),
        }
    }

    /// What a value in this unit looks like, for help texts and errors.
    pub fn hint(self) -> &'static str {
        match self {
            KpiUnit::Percent => "a percent from 0 to 100, e.g. 92.5",
            KpiUnit::Days => "days, e.g. 41.5",
            KpiUnit::Hours => "hours, e.g. 6.5",
            KpiUnit::Minutes => "minutes, e.g. 18",
            KpiUnit::Count => "a whole number, e.g. 120",
            KpiUnit::Dollars => "dollars, e.g. 1250.50",
            KpiUnit::Ratio => "a ratio, e.g. 0.85",
            KpiUnit::Score => "a score, e.g. 4.2",
        }
    }

    /// A stored value as people read it: "92.5%", "41.5 days", "$1,250.50".
    pub fn format(self, value: f64) -> String {
        let short = |v: f64| {
            let s = format!("{v:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        };
        match self {
            KpiUnit::Percent => format!("{}%", short(value)),
            KpiUnit::Days => format!("{} days", short(value)),
            KpiUnit::Hours => format!("{} h", short(value)),
            KpiUnit::Minutes => format!("{} min", short(value)),
            KpiUnit::Count => short(value),
            KpiUnit::Dollars => Cents(value.round() as i64).to_string(),
            KpiUnit::Ratio | KpiUnit::Score => short(value),
        }
    }

    /// A stored value as a form shows it for editing: "92.5", "1250.50".
    pub fn plain(self, value: f64) -> String {
        match self {
            KpiUnit::Dollars => Cents(value.round() as i64).amount(),
            _ => {
                let s = format!("{value:.4}");
                s.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
        }
    }
}

impl Direction {
    /// Is `value` at least as good as `mark`?
    pub fn meets(self, value: f64, mark: f64) -> bool {
        match self {
            Direction::Higher => value >= mark,
            Direction::Lower => value <= mark,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_refuses_what_does_not_fit_it() {
        assert_eq!(KpiUnit::Percent.parse_value("92.5%"), Ok(92.5));
        assert_eq!(
            KpiUnit::Percent.parse_value("140"),
            Err("140 is not a percent between 0 and 100".into())
        );
        assert_eq!(
            KpiUnit::Count.parse_value("3 days"),
            Err("'3 days' is not a whole number (count)".into())
        );
        assert_eq!(KpiUnit::Count.parse_value("1,200"), Ok(1200.0));
        assert!(KpiUnit::Count.parse_value("2.5").is_err());
        assert!(
            KpiUnit::Days
                .parse_value("-1")
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            KpiUnit::Minutes
                .parse_value("soon")
                .unwrap_err()
                .contains("not a number")
        );
        assert_eq!(KpiUnit::Dollars.parse_value("$1,250.50"), Ok(125_050.0));
        assert_eq!(KpiUnit::Score.parse_value("-20"), Ok(-20.0));
        assert_eq!(KpiUnit::Ratio.parse_value(" "), Err("is required".into()));
        assert!(KpiUnit::Score.parse_value("NaN").is_err());
        assert!(KpiUnit::Score.parse_value("1e300").is_err());
    }

    #[test]
    fn values_are_shown_in_their_unit() {
        assert_eq!(KpiUnit::Percent.format(92.5), "92.5%");
        assert_eq!(KpiUnit::Days.format(41.0), "41 days");
        assert_eq!(KpiUnit::Dollars.format(125_050.0), "$1,250.50");
        assert_eq!(KpiUnit::Dollars.plain(125_050.0), "1250.50");
        assert_eq!(KpiUnit::Ratio.plain(0.125), "0.125");
    }

    #[test]
    fn direction_says_which_side_is_good() {
        assert!(Direction::Higher.meets(95.0, 90.0));
        assert!(!Direction::Higher.meets(85.0, 90.0));
        assert!(Direction::Lower.meets(38.0, 40.0));
        assert!(Direction::Lower.meets(40.0, 40.0));
    }
}
