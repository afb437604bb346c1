//! RACI on the plan's deliverables: who is responsible (does the work), accountable (the one
//! person who answers for it), consulted and informed. A deliverable needs exactly one
//! accountable and at least one responsible; the store refuses a second accountable, and the
//! matrix flags deliverables missing either.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::StakeholderId;
use crate::draft::{id, number_as_text, optional_id, overlay};
use crate::person::PersonId;
use crate::validate::{Invalid, Validator};

pub type RaciId = i64;

choice!(
    RaciRole {
        Responsible = ("responsible", "Responsible"),
        Accountable = ("accountable", "Accountable"),
        Consulted = ("consulted", "Consulted"),
        Informed = ("informed", "Informed"),
    }
);

impl RaciRole {
    /// R, A, C or I: the matrix's letter.
    pub fn letter(self) -> char {
        self.label().chars().next().unwrap_or('?')
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaciAssignment {
    pub id: RaciId,
    /// The plan task (deliverable).
    pub task_id: i64,
    /// The deliverable's name (filled by the store).
    pub task_name: String,
    pub role: RaciRole,
    pub person_id: Option<PersonId>,
    /// The person's name (filled by the store).
    pub person_name: Option<String>,
    pub group_id: Option<StakeholderId>,
    /// The group's name (filled by the store).
    pub group_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl RaciAssignment {
    /// Who holds the role: the person, else the group.
    pub fn holder(&self) -> String {
        self.person_name
            .clone()
            .or_else(|| self.group_name.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RaciDraft {
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub task_id: Option<String>,
    /// responsible, accountable, consulted or informed.
    pub role: Option<String>,
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<String>,
    /// A stakeholder group instead of a person (not for accountable).
    #[serde(default, deserialize_with = "number_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub group_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Person(PersonId),
    Group(StakeholderId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RaciSpec {
    pub task_id: i64,
    pub role: RaciRole,
    pub holder: Holder,
}

impl RaciDraft {
    pub fn parse(self) -> Result<RaciSpec, Invalid> {
        let mut v = Validator::new();
        let task_id = v.required("task_id", self.task_id, id);
        let role = v.required("role", self.role, |s| RaciRole::parse(&s));
        let person = v.optional("person_id", self.person_id, optional_id);
        let group = v.optional("group_id", self.group_id, optional_id);
        let holder = match (person.flatten().flatten(), group.flatten().flatten()) {
            (Some(p), None) => Some(Holder::Person(p)),
            (None, Some(g)) => Some(Holder::Group(g)),
            (Some(_), Some(_)) => {
                v.push("group_id", "give a person or a group, not both");
                None
            }
            (None, None) => {
                if person.is_some() && group.is_some() {
                    v.push("person_id", "a person or a group is required");
                }
                None
            }
        };
        if role == Some(RaciRole::Accountable) && matches!(holder, Some(Holder::Group(_))) {
            v.push("person_id", "accountable must be one person, not a group");
        }
        v.finish(|| RaciSpec {
            task_id: task_id.unwrap(),
            role: role.unwrap(),
            holder: holder.unwrap(),
        })
    }

    pub fn over(self, base: RaciDraft) -> RaciDraft {
        RaciDraft {
            task_id: overlay(base.task_id, self.task_id),
            role: overlay(base.role, self.role),
            person_id: overlay(base.person_id, self.person_id),
            group_id: overlay(base.group_id, self.group_id),
        }
    }
}

impl From<&RaciAssignment> for RaciDraft {
    fn from(r: &RaciAssignment) -> Self {
        RaciDraft {
            task_id: Some(r.task_id.to_string()),
            role: Some(r.role.code().into()),
            person_id: Some(r.person_id.map(|n| n.to_string()).unwrap_or_default()),
            group_id: Some(r.group_id.map(|n| n.to_string()).unwrap_or_default()),
        }
    }
}

/// What is wrong with a deliverable's RACI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RaciGap {
    NoAccountable,
    TwoOrMoreAccountable,
    NoResponsible,
}

impl RaciGap {
    pub fn label(self) -> &'static str {
        match self {
            RaciGap::NoAccountable => "No accountable",
            RaciGap::TwoOrMoreAccountable => "Two or more accountable",
            RaciGap::NoResponsible => "No responsible",
        }
    }
}

/// The gaps of a deliverable whose assignments have these roles.
pub fn gaps(roles: impl IntoIterator<Item = RaciRole>) -> Vec<RaciGap> {
    let (mut accountable, mut responsible) = (0, 0);
    for role in roles {
        match role {
            RaciRole::Accountable => accountable += 1,
            RaciRole::Responsible => responsible += 1,
            _ => {}
        }
    }
    let mut out = Vec::new();
    match accountable {
        0 => out.push(RaciGap::NoAccountable),
        1 => {}
        _ => out.push(RaciGap::TwoOrMoreAccountable),
    }
    if responsible == 0 {
        out.push(RaciGap::NoResponsible);
    }
    out
}

/// A column of the matrix: a person or a group holding some role.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixHolder {
    pub person_id: Option<PersonId>,
    pub group_id: Option<StakeholderId>,
    pub name: String,
}

/// A row of the matrix: a deliverable, the letters per holder (same order as the holders,
/// "" where none) and its gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatrixRow {
    pub task_id: i64,
    pub task_name: String,
    pub letters: Vec<String>,
    pub gaps: Vec<RaciGap>,
}

/// Deliverables x people (and groups) with R, A, C, I letters and each deliverable's gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RaciMatrix {
    pub holders: Vec<MatrixHolder>,
    pub rows: Vec<MatrixRow>,
}

impl RaciMatrix {
    /// The matrix of `deliverables` (id, name; in plan order) with `assignments`; a task that
    /// has assignments but is not in `deliverables` gets a row too, after them. Holders are
    /// people first, then groups, each by name.
    pub fn build(deliverables: &[(i64, String)], assignments: &[RaciAssignment]) -> RaciMatrix {
        let mut holders: Vec<MatrixHolder> = Vec::new();
        for a in assignments {
            let known = holders
                .iter()
                .any(|h| h.person_id == a.person_id && h.group_id == a.group_id);
            if !known {
                holders.push(MatrixHolder {
                    person_id: a.person_id,
                    group_id: a.group_id,
                    name: a.holder(),
                });
            }
        }
        holders.sort_by(|a, b| {
            (a.person_id.is_none(), &a.name, a.person_id, a.group_id).cmp(&(
                b.person_id.is_none(),
                &b.name,
                b.person_id,
                b.group_id,
            ))
        });
        let mut tasks: Vec<(i64, String)> = deliverables.to_vec();
        for a in assignments {
            if !tasks.iter().any(|(id, _)| *id == a.task_id) {
                tasks.push((a.task_id, a.task_name.clone()));
            }
        }
        let rows = tasks
            .into_iter()
            .map(|(task_id, task_name)| {
                let mine: Vec<&RaciAssignment> = assignments
                    .iter()
                    .filter(|a| a.task_id == task_id)
                    .collect();
                let letters = holders
                    .iter()
                    .map(|h| {
                        let mut roles: Vec<RaciRole> = mine
                            .iter()
                            .filter(|a| a.person_id == h.person_id && a.group_id == h.group_id)
                            .map(|a| a.role)
                            .collect();
                        roles.sort();
                        roles.iter().map(|r| r.letter()).collect::<String>()
                    })
                    .collect();
                MatrixRow {
                    task_id,
                    task_name,
                    letters,
                    gaps: gaps(mine.iter().map(|a| a.role)),
                }
            })
            .collect();
        RaciMatrix { holders, rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RaciRole::*;

    #[test]
    fn a_deliverable_needs_one_accountable_and_a_responsible() {
        assert!(gaps([Responsible, Accountable, Informed]).is_empty());
        assert_eq!(gaps([Responsible, Consulted]), vec![RaciGap::NoAccountable]);
        assert_eq!(
            gaps([Accountable, Accountable]),
            vec![RaciGap::TwoOrMoreAccountable, RaciGap::NoResponsible]
        );
        assert_eq!(
            gaps([]),
            vec![RaciGap::NoAccountable, RaciGap::NoResponsible]
        );
    }

    #[test]
    fn the_holder_is_a_person_or_a_group_and_accountable_is_a_person() {
        let draft = RaciDraft {
            task_id: Some("7".into()),
            role: Some("consulted".into()),
            group_id: Some("3".into()),
            ..Default::default()
        };
        assert_eq!(draft.clone().parse().unwrap().holder, Holder::Group(3));
        let err = RaciDraft {
            role: Some("accountable".into()),
            ..draft.clone()
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            err.message_for("person_id"),
            Some("accountable must be one person, not a group")
        );
        let err = RaciDraft {
            person_id: Some("9".into()),
            ..draft.clone()
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("group_id").is_some());
        let err = RaciDraft {
            group_id: None,
            role: Some("owner".into()),
            ..draft
        }
        .parse()
        .unwrap_err();
        assert!(err.message_for("role").unwrap().contains("accountable"));
        assert_eq!(
            err.message_for("person_id"),
            Some("a person or a group is required")
        );
        assert_eq!(Accountable.letter(), 'A');
    }

    fn assignment(
        task_id: i64,
        role: RaciRole,
        person: Option<i64>,
        group: Option<i64>,
    ) -> RaciAssignment {
        RaciAssignment {
            id: 0,
            task_id,
            task_name: format!("Task {task_id}"),
            role,
            person_id: person,
            person_name: person.map(|p| format!("Person {p}")),
            group_id: group,
            group_name: group.map(|g| format!("Group {g}")),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_matrix_has_a_letter_per_holder_and_flags_gaps() {
        let assignments = [
            assignment(1, Accountable, Some(7), None),
            assignment(1, Responsible, Some(7), None),
            assignment(1, Informed, None, Some(3)),
            assignment(2, Responsible, Some(8), None),
            assignment(9, Consulted, Some(8), None),
        ];
        let deliverables = vec![
            (1, "Build".to_string()),
            (2, "Test".to_string()),
            (5, "Train".to_string()),
        ];
        let m = RaciMatrix::build(&deliverables, &assignments);
        let names: Vec<&str> = m.holders.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, vec!["Person 7", "Person 8", "Group 3"]);
        assert_eq!(m.rows[0].letters, vec!["RA", "", "I"]);
        assert!(m.rows[0].gaps.is_empty());
        assert_eq!(m.rows[1].gaps, vec![RaciGap::NoAccountable]);
        assert_eq!(m.rows[2].task_name, "Train");
        assert_eq!(
            m.rows[2].gaps,
            vec![RaciGap::NoAccountable, RaciGap::NoResponsible]
        );
        assert_eq!(m.rows[3].task_id, 9, "a task with assignments gets a row");
    }
}
