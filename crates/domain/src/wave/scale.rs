//! The scale index of a wave: how big a go-live it is, as one number that compares across
//! waves and programs, with the three factors it is made of shown beside it.
//!
//! Each factor is mapped to 1 to 5 points on a fixed scale; no other wave and no other
//! program takes part, so the same wave scores the same wherever it sits:
//!
//! | points | scope: modules going live | size: users | size: sites | complexity: interfaces + approved customizations |
//! |---|---|---|---|---|
//! | 1 | 0 or 1 | under 500 | 1 | 0 to 4 |
//! | 2 | 2 or 3 | 500 to 1,999 | 2 or 3 | 5 to 14 |
//! | 3 | 4 to 6 | 2,000 to 7,999 | 4 to 9 | 15 to 39 |
//! | 4 | 7 to 9 | 8,000 to 29,999 | 10 to 24 | 40 to 99 |
//! | 5 | 10 or more | 30,000 or more | 25 or more | 100 or more |
//!
//! Size is the higher of its users' and its sites' points: one large hospital and twenty
//! small clinics are both big go-lives, for different reasons. A site's users are the active
//! people of the roster working there; a site with none on the roster yet counts its
//! expected EHR users, and the index says which was used.
//!
//! The index is scope x size x complexity, 1 to 125: a factor twice as far up its scale
//! weighs twice as much whichever it is, and a wave small in one respect stays small
//! overall. Bands: up to 8 (2 x 2 x 2) small, up to 27 (3 x 3 x 3) medium, up to 64 large,
//! above that very large. More of anything never lowers the index (a site's first people on
//! the roster replace its expected users: another figure, not more of the same).

use serde::Serialize;

use crate::site::SiteId;
use crate::text::thousands;

/// The points scales: a value reaching the k-th step (ascending) earns k + 1 points.
pub const SCOPE_STEPS: [i64; 4] = [2, 4, 7, 10];
pub const USER_STEPS: [i64; 4] = [500, 2_000, 8_000, 30_000];
pub const SITE_STEPS: [i64; 4] = [2, 4, 10, 25];
pub const COMPLEXITY_STEPS: [i64; 4] = [5, 15, 40, 100];

/// The scales in words, as pages and the API show them.
pub const SCOPE_SCALE: &str =
    "modules going live: 0-1 = 1 point, 2-3 = 2, 4-6 = 3, 7-9 = 4, 10 or more = 5";
pub const SIZE_SCALE: &str = "the higher of users (under 500 = 1 point, 500 = 2, 2,000 = 3, \
     8,000 = 4, 30,000 or more = 5) and sites (1 = 1 point, 2-3 = 2, 4-9 = 3, 10-24 = 4, \
     25 or more = 5)";
pub const COMPLEXITY_SCALE: &str = "interfaces + approved customizations: 0-4 = 1 point, \
     5-14 = 2, 15-39 = 3, 40-99 = 4, 100 or more = 5";

/// Points from 1 to 5 for `value` on `steps`.
pub fn points(value: i64, steps: &[i64; 4]) -> u8 {
    1 + steps.iter().filter(|&&step| value >= step).count() as u8
}

choice!(
    /// Where a site's user count comes from.
    UsersBasis {
        Roster = ("roster", "active people on the roster"),
        Expected = ("expected", "expected EHR users (no roster yet)"),
        Unknown = ("unknown", "unknown (no roster and no expected users)"),
    }
);

choice!(
    /// The index in words.
    ScaleBand {
        Small = ("small", "small"),
        Medium = ("medium", "medium"),
        Large = ("large", "large"),
        VeryLarge = ("very_large", "very large"),
    }
);

impl ScaleBand {
    pub fn of(index: u32) -> ScaleBand {
        match index {
            0..=8 => ScaleBand::Small,
            9..=27 => ScaleBand::Medium,
            28..=64 => ScaleBand::Large,
            _ => ScaleBand::VeryLarge,
        }
    }
}

/// What the store knows of a site's people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteHeadcount {
    pub site_id: SiteId,
    pub name: String,
    /// Active people on the roster working at the site.
    pub roster: i64,
    pub expected_users: Option<i64>,
}

/// A site's users as the index counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteUsers {
    pub site_id: SiteId,
    pub name: String,
    pub users: i64,
    pub basis: UsersBasis,
}

impl SiteHeadcount {
    pub fn users(&self) -> SiteUsers {
        let (users, basis) = match (self.roster, self.expected_users) {
            (n, _) if n > 0 => (n, UsersBasis::Roster),
            (_, Some(expected)) => (expected, UsersBasis::Expected),
            (_, None) => (0, UsersBasis::Unknown),
        };
        SiteUsers {
            site_id: self.site_id,
            name: self.name.clone(),
            users,
            basis,
        }
    }
}

/// One factor of the index: its points and what earned them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Factor {
    /// 1 to 5.
    pub points: u8,
    /// What was counted, in words ("9 modules").
    pub measure: String,
    /// The points scale, in words.
    pub scale: &'static str,
}

/// What a wave's index is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleInputs {
    pub modules: usize,
    pub sites: Vec<SiteHeadcount>,
    pub interfaces: i64,
    pub approved_customizations: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaleIndex {
    /// scope x size x complexity, 1 to 125.
    pub index: u32,
    pub band: ScaleBand,
    pub scope: Factor,
    pub size: Factor,
    pub complexity: Factor,
    /// How the index was computed, in words: "scope 4 x size 3 x complexity 2 = 24".
    pub formula: String,
    pub modules: usize,
    pub users: i64,
    /// Each site's users and where the figure comes from.
    pub sites: Vec<SiteUsers>,
    pub interfaces: i64,
    pub approved_customizations: i64,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Which counts the users come from: "roster at 2 sites; expected users at 1".
fn basis_words(sites: &[SiteUsers]) -> String {
    let mut parts = Vec::new();
    for (basis, words) in [
        (UsersBasis::Roster, "roster"),
        (UsersBasis::Expected, "expected users"),
        (UsersBasis::Unknown, "no figure"),
    ] {
        let n = sites.iter().filter(|s| s.basis == basis).count() as i64;
        if n > 0 {
            parts.push(format!("{words} at {}", plural(n, "site", "sites")));
        }
    }
    parts.join("; ")
}

impl ScaleInputs {
    pub fn index(&self) -> ScaleIndex {
        let sites: Vec<SiteUsers> = self.sites.iter().map(SiteHeadcount::users).collect();
        let users: i64 = sites.iter().map(|s| s.users).sum();
        let modules = self.modules as i64;
        let counted = self.interfaces + self.approved_customizations;
        let scope = Factor {
            points: points(modules, &SCOPE_STEPS),
            measure: plural(modules, "module", "modules"),
            scale: SCOPE_SCALE,
        };
        let size = Factor {
            points: points(users, &USER_STEPS).max(points(sites.len() as i64, &SITE_STEPS)),
            measure: if sites.is_empty() {
                "no sites".into()
            } else {
                format!(
                    "{}, {} ({})",
                    plural(sites.len() as i64, "site", "sites"),
                    plural(users, "user", "users"),
                    basis_words(&sites)
                )
            },
            scale: SIZE_SCALE,
        };
        let complexity = Factor {
            points: points(counted, &COMPLEXITY_STEPS),
            measure: format!(
                "{} + {}",
                plural(self.interfaces, "interface", "interfaces"),
                plural(
                    self.approved_customizations,
                    "approved customization",
                    "approved customizations"
                )
            ),
            scale: COMPLEXITY_SCALE,
        };
        let index = u32::from(scope.points) * u32::from(size.points) * u32::from(complexity.points);
        ScaleIndex {
            index,
            band: ScaleBand::of(index),
            formula: format!(
                "scope {} x size {} x complexity {} = {index}",
                scope.points, size.points, complexity.points
            ),
            scope,
            size,
            complexity,
            modules: self.modules,
            users,
            sites,
            interfaces: self.interfaces,
            approved_customizations: self.approved_customizations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn site(id: i64, roster: i64, expected: Option<i64>) -> SiteHeadcount {
        SiteHeadcount {
            site_id: id,
            name: format!("Site {id}"),
            roster,
            expected_users: expected,
        }
    }

    fn inputs(
        modules: usize,
        sites: Vec<SiteHeadcount>,
        interfaces: i64,
        custom: i64,
    ) -> ScaleInputs {
        ScaleInputs {
            modules,
            sites,
            interfaces,
            approved_customizations: custom,
        }
    }

    #[test]
    fn the_points_scales_step_where_documented() {
        let earned: Vec<u8> = [0, 1, 2, 3, 4, 6, 7, 9, 10, 40]
            .iter()
            .map(|&m| points(m, &SCOPE_STEPS))
            .collect();
        assert_eq!(earned, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(points(499, &USER_STEPS), 1);
        assert_eq!(points(500, &USER_STEPS), 2);
        assert_eq!(points(29_999, &USER_STEPS), 4);
        assert_eq!(points(30_000, &USER_STEPS), 5);
        assert_eq!(points(24, &SITE_STEPS), 4);
        assert_eq!(points(25, &SITE_STEPS), 5);
        assert_eq!(points(4, &COMPLEXITY_STEPS), 1);
        assert_eq!(points(100, &COMPLEXITY_STEPS), 5);
    }

    #[test]
    fn the_index_multiplies_its_three_factors_and_says_how() {
        // Two hospitals on the roster, one clinic with no roster yet.
        let wave = inputs(
            9,
            vec![
                site(1, 1_800, Some(5_000)),
                site(2, 900, None),
                site(3, 0, Some(240)),
            ],
            22,
            9,
        );
        let s = wave.index();
        assert_eq!(
            (s.scope.points, s.size.points, s.complexity.points),
            (4, 3, 3)
        );
        assert_eq!(s.index, 36);
        assert_eq!(s.band, ScaleBand::Large);
        assert_eq!(s.formula, "scope 4 x size 3 x complexity 3 = 36");
        assert_eq!(
            s.users, 2_940,
            "roster where there is one, else expected users"
        );
        assert_eq!(s.scope.measure, "9 modules");
        assert_eq!(
            s.size.measure,
            "3 sites, 2,940 users (roster at 2 sites; expected users at 1 site)"
        );
        assert_eq!(
            s.complexity.measure,
            "22 interfaces + 9 approved customizations"
        );
        assert_eq!(s.sites[2].basis, UsersBasis::Expected);
        assert_eq!(
            s.sites[0].users, 1_800,
            "the roster wins over the expectation"
        );
    }

    #[test]
    fn an_empty_wave_scores_the_least_and_says_what_it_lacks() {
        let s = inputs(0, Vec::new(), 0, 0).index();
        assert_eq!(s.index, 1);
        assert_eq!(s.band, ScaleBand::Small);
        assert_eq!(s.size.measure, "no sites");
        let unknown = inputs(1, vec![site(4, 0, None)], 0, 0).index();
        assert_eq!(unknown.sites[0].basis, UsersBasis::Unknown);
        assert!(unknown.size.measure.contains("no figure at 1 site"));
    }

    #[test]
    fn many_small_sites_make_a_wave_as_big_as_many_users_do() {
        let clinics: Vec<SiteHeadcount> = (0..25).map(|i| site(i, 60, None)).collect();
        let clinics = inputs(3, clinics, 10, 0).index();
        let hospital = inputs(3, vec![site(1, 31_000, None)], 10, 0).index();
        assert_eq!(clinics.size.points, 5);
        assert_eq!(hospital.size.points, 5);
        assert_eq!(clinics.index, hospital.index);
    }

    #[test]
    fn the_index_does_not_depend_on_other_waves_or_site_order() {
        let a = inputs(5, vec![site(1, 700, None), site(2, 0, Some(300))], 3, 4);
        let mut b = a.clone();
        b.sites.reverse();
        assert_eq!(a.index().index, b.index().index);
    }

    proptest! {
        /// More modules, users, sites, interfaces or customizations never lower the index.
        #[test]
        fn the_index_is_monotone_in_every_input(
            modules in 0usize..30,
            rosters in proptest::collection::vec(0i64..20_000, 0..30),
            interfaces in 0i64..300,
            custom in 0i64..300,
            more in 1i64..5_000,
            which in 0usize..5,
        ) {
            let sites: Vec<SiteHeadcount> = rosters
                .iter()
                .enumerate()
                .map(|(i, &r)| site(i as i64, r, Some(r / 2)))
                .collect();
            let before = inputs(modules, sites.clone(), interfaces, custom);
            let mut after = before.clone();
            match which {
                0 => after.modules += more as usize,
                1 => after.interfaces += more,
                2 => after.approved_customizations += more,
                3 => after.sites.push(site(999, more, None)),
                _ => match after.sites.first_mut() {
                    Some(s) => s.roster += more,
                    None => after.sites.push(site(999, more, None)),
                },
            }
            let (b, a) = (before.index(), after.index());
            prop_assert!(a.index >= b.index, "{} -> {}", b.formula, a.formula);
            prop_assert!(a.scope.points >= b.scope.points);
            prop_assert!(a.size.points >= b.size.points);
            prop_assert!(a.complexity.points >= b.complexity.points);
            prop_assert!((1..=125).contains(&a.index));
        }
    }
}
