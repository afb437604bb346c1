//! Embedding assignments: people from sites that go live later spend days in an earlier
//! go-live's command center, observing or working, so that no leader's first command center
//! is their own. Leaders are a site's active managers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::draft::{id, number_as_text, optional_id, overlay};
use crate::site::SiteId;
use crate::text::{date, optional_text};
use crate::validate::{Invalid, Validator};
use crate::wave::{Wave, WaveId};

choice!(
    /// What the embedded person does in the host command center.
    EmbeddingRole {
        Observe = ("observe", "Observe"),
        Work = ("work", "Work a role"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Embedding {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// The person's own site, which goes live later.
    pub home_site_id: SiteId,
    /// The go-live whose command center they join.
    pub host_wave_id: WaveId,
    /// The site whose command center, when the wave has several.
    pub host_site_id: Option<SiteId>,
    pub role: EmbeddingRole,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmbeddingDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    /// The person's own site (it must be theirs).
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub home_site_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub host_wave_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub host_site_id: Option<String>,
    /// observe or work
    pub role: Option<String>,
    /// YYYY-MM-DD
    pub starts_on: Option<String>,
    /// YYYY-MM-DD, on or after starts_on
    pub ends_on: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingSpec {
    pub person_id: i64,
    pub home_site_id: SiteId,
    pub host_wave_id: WaveId,
    pub host_site_id: Option<SiteId>,
    pub role: EmbeddingRole,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub notes: Option<String>,
}

impl EmbeddingDraft {
    pub fn parse(self) -> Result<EmbeddingSpec, Invalid> {
        let mut v = Validator::new();
        let person_id = v.required("person_id", self.person_id, id);
        let home = v.required("home_site_id", self.home_site_id, id);
        let host_wave = v.required("host_wave_id", self.host_wave_id, id);
        let host_site = v.optional("host_site_id", self.host_site_id, optional_id);
        let role = v.required("role", self.role, |s| EmbeddingRole::parse(&s));
        let starts = v.required("starts_on", self.starts_on, |s| date(&s));
        let ends = v.required("ends_on", self.ends_on, |s| date(&s));
        let notes = v.optional("notes", self.notes, |s| optional_text(&s, 4_000));
        if let (Some(starts), Some(ends)) = (starts, ends)
            && ends < starts
        {
            v.push("ends_on", format!("ends before it starts ({starts})"));
        }
        v.finish(|| EmbeddingSpec {
            person_id: person_id.unwrap(),
            home_site_id: home.unwrap(),
            host_wave_id: host_wave.unwrap(),
            host_site_id: host_site.unwrap().flatten(),
            role: role.unwrap(),
            starts_on: starts.unwrap(),
            ends_on: ends.unwrap(),
            notes: notes.unwrap().flatten(),
        })
    }

    pub fn over(self, base: EmbeddingDraft) -> EmbeddingDraft {
        EmbeddingDraft {
            person_id: overlay(base.person_id, self.person_id),
            home_site_id: overlay(base.home_site_id, self.home_site_id),
            host_wave_id: overlay(base.host_wave_id, self.host_wave_id),
            host_site_id: overlay(base.host_site_id, self.host_site_id),
            role: overlay(base.role, self.role),
            starts_on: overlay(base.starts_on, self.starts_on),
            ends_on: overlay(base.ends_on, self.ends_on),
            notes: overlay(base.notes, self.notes),
        }
    }
}

impl From<&Embedding> for EmbeddingDraft {
    fn from(e: &Embedding) -> Self {
        EmbeddingDraft {
            person_id: Some(e.person_id.to_string()),
            home_site_id: Some(e.home_site_id.to_string()),
            host_wave_id: Some(e.host_wave_id.to_string()),
            host_site_id: Some(e.host_site_id.map(|s| s.to_string()).unwrap_or_default()),
            role: Some(e.role.code().into()),
            starts_on: Some(e.starts_on.to_string()),
            ends_on: Some(e.ends_on.to_string()),
            notes: Some(e.notes.clone().unwrap_or_default()),
        }
    }
}

/// The wave a site goes live in, if any.
pub fn wave_of(waves: &[Wave], site: SiteId) -> Option<&Wave> {
    waves.iter().find(|w| w.site_ids.contains(&site))
}

impl EmbeddingSpec {
    /// Checks the assignment against the waves: the home site goes live in a later wave
    /// than the host, and a named host site goes live in the host wave.
    pub fn check_waves(&self, waves: &[Wave], site_name: &str) -> Result<(), Invalid> {
        let mut v = Validator::new();
        let host = waves.iter().find(|w| w.id == self.host_wave_id);
        match (host, wave_of(waves, self.home_site_id)) {
            (None, _) => v.push("host_wave_id", "no such wave"),
            (Some(_), None) => v.push(
                "home_site_id",
                format!(
                    "{site_name} is in no wave yet: embed people from sites that go live later"
                ),
            ),
            (Some(host), Some(home)) if home.go_live <= host.go_live => v.push(
                "host_wave_id",
                format!(
                    "{} goes live on {}, not before {site_name}'s own go-live in {} on {}: \
                     choose an earlier wave",
                    host.name, host.go_live, home.name, home.go_live
                ),
            ),
            (Some(host), Some(_)) => {
                if let Some(site) = self.host_site_id
                    && !host.site_ids.contains(&site)
                {
                    v.push(
                        "host_site_id",
                        format!("this site does not go live in {}", host.name),
                    );
                }
            }
        }
        v.finish(|| ())
    }
}

/// A wave's leaders and how many of them have been embedded in an earlier go-live.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaveEmbedding {
    pub wave_id: WaveId,
    pub wave_name: String,
    pub go_live: NaiveDate,
    /// False for the first wave: there is no earlier command center to join.
    pub has_earlier_go_live: bool,
    /// The last wave that goes live before this one: where its people would embed.
    pub previous_wave_id: Option<WaveId>,
    pub sites: Vec<SiteEmbedding>,
    pub leaders: i64,
    pub embedded_leaders: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteEmbedding {
    pub site_id: SiteId,
    /// Active managers at the site.
    pub leaders: i64,
    /// Those of them with an embedding assignment in an earlier wave.
    pub embedded_leaders: i64,
    /// Everyone from the site with an assignment, leaders or not.
    pub embedded_people: i64,
}

/// Per site: its leaders, and of the people with an assignment whether each is a leader.
pub struct SiteCounts {
    pub site_id: SiteId,
    pub leaders: i64,
}

/// One embedded person: their site, whether they lead, and the go-live of their host wave.
pub struct Embedded {
    pub site_id: SiteId,
    pub person_id: i64,
    pub is_leader: bool,
    pub host_go_live: NaiveDate,
}

/// Coverage per wave, in go-live order: a person counts as embedded when one of their
/// assignments is in a wave that goes live before their own site's.
pub fn coverage(
    waves: &[Wave],
    leaders: &[SiteCounts],
    embedded: &[Embedded],
) -> Vec<WaveEmbedding> {
    let mut waves: Vec<&Wave> = waves.iter().collect();
    waves.sort_by_key(|w| (w.go_live, w.id));
    let previous = |w: &Wave| {
        waves
            .iter()
            .rev()
            .find(|p| p.go_live < w.go_live)
            .map(|p| p.id)
    };
    waves
        .iter()
        .map(|w| {
            let sites: Vec<SiteEmbedding> = w
                .site_ids
                .iter()
                .map(|&site| {
                    let mut people: Vec<(i64, bool)> = embedded
                        .iter()
                        .filter(|e| e.site_id == site && e.host_go_live < w.go_live)
                        .map(|e| (e.person_id, e.is_leader))
                        .collect();
                    people.sort_unstable();
                    people.dedup();
                    SiteEmbedding {
                        site_id: site,
                        leaders: leaders
                            .iter()
                            .find(|c| c.site_id == site)
                            .map_or(0, |c| c.leaders),
                        embedded_leaders: people.iter().filter(|(_, l)| *l).count() as i64,
                        embedded_people: people.len() as i64,
                    }
                })
                .collect();
            let previous_wave_id = previous(w);
            WaveEmbedding {
                wave_id: w.id,
                wave_name: w.name.clone(),
                go_live: w.go_live,
                has_earlier_go_live: previous_wave_id.is_some(),
                previous_wave_id,
                leaders: sites.iter().map(|s| s.leaders).sum(),
                embedded_leaders: sites.iter().map(|s| s.embedded_leaders).sum(),
                sites,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(id: i64, go_live: &str, sites: &[i64]) -> Wave {
        Wave {
            id,
            name: format!("Wave {id}"),
            go_live: go_live.parse().unwrap(),
            notes: None,
            site_ids: sites.to_vec(),
            module_ids: Vec::new(),
            interfaces: 0,
            approved_customizations: 0,
            requested_customizations: 0,
        }
    }

    fn spec(home: i64, host_wave: i64, host_site: Option<i64>) -> EmbeddingSpec {
        EmbeddingDraft {
            person_id: Some("7".into()),
            home_site_id: Some(home.to_string()),
            host_wave_id: Some(host_wave.to_string()),
            host_site_id: host_site.map(|s| s.to_string()),
            role: Some("observe".into()),
            starts_on: Some("2027-03-01".into()),
            ends_on: Some("2027-03-05".into()),
            notes: None,
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn people_embed_only_in_a_go_live_before_their_own() {
        let waves = [
            wave(1, "2027-03-01", &[10, 11]),
            wave(2, "2027-06-01", &[20]),
        ];
        assert!(spec(20, 1, Some(11)).check_waves(&waves, "Mercy").is_ok());
        let same = spec(10, 1, None).check_waves(&waves, "Mercy").unwrap_err();
        assert!(
            same.message_for("host_wave_id")
                .unwrap()
                .starts_with("Wave 1 goes live on 2027-03-01, not before Mercy's own go-live")
        );
        let later = spec(10, 2, None).check_waves(&waves, "Mercy").unwrap_err();
        assert!(later.message_for("host_wave_id").is_some());
        let nowhere = spec(99, 1, None).check_waves(&waves, "Mercy").unwrap_err();
        assert!(
            nowhere
                .message_for("home_site_id")
                .unwrap()
                .contains("in no wave yet")
        );
        let wrong_site = spec(20, 1, Some(20))
            .check_waves(&waves, "Mercy")
            .unwrap_err();
        assert_eq!(
            wrong_site.message_for("host_site_id"),
            Some("this site does not go live in Wave 1")
        );
    }

    #[test]
    fn an_assignment_must_not_end_before_it_starts() {
        let err = EmbeddingDraft {
            ends_on: Some("2027-02-27".into()),
            ..EmbeddingDraft::from(&Embedding {
                id: 1,
                person_id: 7,
                person_name: "Ana".into(),
                home_site_id: 20,
                host_wave_id: 1,
                host_site_id: None,
                role: EmbeddingRole::Work,
                starts_on: "2027-03-01".parse().unwrap(),
                ends_on: "2027-03-05".parse().unwrap(),
                notes: None,
            })
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            err.message_for("ends_on"),
            Some("ends before it starts (2027-03-01)")
        );
    }

    #[test]
    fn a_leader_counts_as_embedded_only_in_an_earlier_go_live() {
        let waves = [
            wave(2, "2027-06-01", &[20, 21]),
            wave(1, "2027-03-01", &[10]),
        ];
        let leaders = [
            SiteCounts {
                site_id: 20,
                leaders: 3,
            },
            SiteCounts {
                site_id: 10,
                leaders: 2,
            },
        ];
        let at = |site, person, is_leader, host: &str| Embedded {
            site_id: site,
            person_id: person,
            is_leader,
            host_go_live: host.parse().unwrap(),
        };
        let embedded = [
            at(20, 1, true, "2027-03-01"),
            at(20, 1, true, "2027-03-01"),
            at(20, 2, false, "2027-03-01"),
            // An assignment in its own wave (waves moved since) does not count.
            at(20, 3, true, "2027-06-01"),
        ];
        let cov = coverage(&waves, &leaders, &embedded);
        assert_eq!(cov[0].wave_id, 1, "in go-live order");
        assert!(!cov[0].has_earlier_go_live);
        assert_eq!((cov[0].leaders, cov[0].embedded_leaders), (2, 0));
        let second = &cov[1];
        assert!(second.has_earlier_go_live);
        assert_eq!(
            (cov[0].previous_wave_id, second.previous_wave_id),
            (None, Some(1))
        );
        assert_eq!((second.leaders, second.embedded_leaders), (3, 1));
        assert_eq!(second.sites[0].embedded_people, 2);
        assert_eq!(second.sites[1].leaders, 0);
    }
}
