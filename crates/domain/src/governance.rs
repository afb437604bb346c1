//! Governance bodies: the steering committee, councils and boards that hold the program's
//! decision rights, and their members. An account acts for a member when its email is the
//! member's (as everywhere in Muster: accounts link to people by email).

use serde::{Deserialize, Serialize};

use crate::draft::{number_as_text, optional_id, overlay};
use crate::site::SiteId;
use crate::text::{Name, optional_text};
use crate::validate::{Invalid, Validator};

choice!(
    /// What sort of body it is.
    BodyKind {
        SteeringCommittee = ("steering_committee", "Steering committee"),
        PhysicianAdvisoryCouncil = ("physician_advisory_council", "Physician advisory council"),
        ChangeControlBoard = ("change_control_board", "Change control board"),
        SiteCouncil = ("site_council", "Site council"),
        Other = ("other", "Other council or committee"),
    }
);

choice!(
    /// A member's part in the body.
    MemberRole {
        Chair = ("chair", "Chair"),
        Member = ("member", "Member"),
        Secretary = ("secretary", "Secretary"),
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GovernanceBody {
    pub id: i64,
    pub name: String,
    pub kind: BodyKind,
    /// The site a site council governs.
    pub site_id: Option<SiteId>,
    /// Its charter: what it is for and what it decides.
    pub charter: Option<String>,
    /// How often it meets ("Every second Tuesday").
    pub cadence: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GovernanceBodyDraft {
    pub name: Option<String>,
    /// steering_committee, physician_advisory_council, change_control_board, site_council
    /// or other
    pub kind: Option<String>,
    /// Required for a site council.
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub site_id: Option<String>,
    pub charter: Option<String>,
    pub cadence: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceBodySpec {
    pub name: Name,
    pub kind: BodyKind,
    pub site_id: Option<SiteId>,
    pub charter: Option<String>,
    pub cadence: Option<String>,
}

impl GovernanceBodyDraft {
    pub fn parse(self) -> Result<GovernanceBodySpec, Invalid> {
        let mut v = Validator::new();
        let name = v.required("name", self.name, |s| Name::parse(&s));
        let kind = v.required("kind", self.kind, |s| BodyKind::parse(&s));
        let site_id = v.optional("site_id", self.site_id, optional_id);
        let charter = v.optional("charter", self.charter, |s| optional_text(&s, 8_000));
        let cadence = v.optional("cadence", self.cadence, |s| optional_text(&s, 200));
        let site = site_id.flatten().flatten();
        if kind == Some(BodyKind::SiteCouncil) && site_id.is_some() && site.is_none() {
            v.push("site_id", "a site council governs one site: choose it");
        }
        v.finish(|| GovernanceBodySpec {
            name: name.unwrap(),
            kind: kind.unwrap(),
            site_id: site,
            charter: charter.unwrap().flatten(),
            cadence: cadence.unwrap().flatten(),
        })
    }

    pub fn over(self, base: GovernanceBodyDraft) -> GovernanceBodyDraft {
        GovernanceBodyDraft {
            name: overlay(base.name, self.name),
            kind: overlay(base.kind, self.kind),
            site_id: overlay(base.site_id, self.site_id),
            charter: overlay(base.charter, self.charter),
            cadence: overlay(base.cadence, self.cadence),
        }
    }
}

impl From<&GovernanceBody> for GovernanceBodyDraft {
    fn from(b: &GovernanceBody) -> Self {
        GovernanceBodyDraft {
            name: Some(b.name.clone()),
            kind: Some(b.kind.code().into()),
            site_id: Some(b.site_id.map(|s| s.to_string()).unwrap_or_default()),
            charter: Some(b.charter.clone().unwrap_or_default()),
            cadence: Some(b.cadence.clone().unwrap_or_default()),
        }
    }
}

/// A person's seat on a body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GovernanceMember {
    pub id: i64,
    pub body_id: i64,
    pub person_id: i64,
    pub role: MemberRole,
    /// The person's name and email, read with the seat.
    pub person_name: String,
    pub email: Option<String>,
    pub body_name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GovernanceMemberDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub body_id: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    /// chair, member or secretary
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceMemberSpec {
    pub body_id: i64,
    pub person_id: i64,
    pub role: MemberRole,
}

impl GovernanceMemberDraft {
    pub fn parse(self) -> Result<GovernanceMemberSpec, Invalid> {
        let mut v = Validator::new();
        let body_id = v.required("body_id", self.body_id, crate::draft::id);
        let person_id = v.required("person_id", self.person_id, crate::draft::id);
        let role = v.required("role", self.role, |s| MemberRole::parse(&s));
        v.finish(|| GovernanceMemberSpec {
            body_id: body_id.unwrap(),
            person_id: person_id.unwrap(),
            role: role.unwrap(),
        })
    }

    pub fn over(self, base: GovernanceMemberDraft) -> GovernanceMemberDraft {
        GovernanceMemberDraft {
            body_id: overlay(base.body_id, self.body_id),
            person_id: overlay(base.person_id, self.person_id),
            role: overlay(base.role, self.role),
        }
    }
}

impl From<&GovernanceMember> for GovernanceMemberDraft {
    fn from(m: &GovernanceMember) -> Self {
        GovernanceMemberDraft {
            body_id: Some(m.body_id.to_string()),
            person_id: Some(m.person_id.to_string()),
            role: Some(m.role.code().into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_council_names_its_site() {
        let draft = GovernanceBodyDraft {
            name: Some("Riverside site council".into()),
            kind: Some("site_council".into()),
            site_id: Some(" ".into()),
            ..Default::default()
        };
        let err = draft.clone().parse().unwrap_err();
        assert_eq!(
            err.message_for("site_id"),
            Some("a site council governs one site: choose it")
        );
        let spec = GovernanceBodyDraft {
            site_id: Some("4".into()),
            ..draft
        }
        .parse()
        .unwrap();
        assert_eq!((spec.kind, spec.site_id), (BodyKind::SiteCouncil, Some(4)));
    }

    #[test]
    fn a_member_needs_a_body_a_person_and_a_known_role() {
        let err = GovernanceMemberDraft {
            role: Some("treasurer".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("body_id").is_some());
        assert!(err.message_for("person_id").is_some());
        assert!(err.message_for("role").unwrap().contains("chair"));
    }
}
