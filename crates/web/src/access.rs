//! The web layer's door to the access policy in the domain: handlers ask here, and a "no"
//! becomes a 403 that says why.

use muster_domain::access::{Action, Actor, Place, Subject};

use crate::error::AppError;

/// May `actor` take `action` on `subject` records at all?
pub fn require(actor: &Actor, action: Action, subject: Subject) -> Result<(), AppError> {
    if actor.may(action, subject) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "the {} role may not {} {}",
            actor.role.code(),
            action.label(),
            subject.label()
        )))
    }
}

/// May `actor` take `action` on the record at `place`?
pub fn require_at(
    actor: &Actor,
    action: Action,
    subject: Subject,
    place: Place<'_>,
) -> Result<(), AppError> {
    require(actor, action, subject)?;
    if actor.may_at(action, subject, place) {
        return Ok(());
    }
    let whose = match place {
        Place::Person {
            organization: Some(_),
            ..
        } if actor.organization.is_some() && actor.site_ids.is_empty() => {
            "outside your organization"
        }
        Place::Program => "program-wide, and your role is limited to your own sites",
        Place::Import { .. } => "an import someone else started",
        Place::Criterion { .. } => {
            "a criterion you do not own, at a site outside your assignment (its owner, a \
             program lead or the site's lead attests it)"
        }
        _ => "at a site outside your assignment",
    };
    Err(AppError::Forbidden(format!(
        "you may not {} this record: it is {whose}",
        action.label()
    )))
}

/// May `actor` import files of `kind`: import at all, and create the records its rows
/// write (rows are then checked one by one)?
pub fn require_import(
    actor: &Actor,
    kind: muster_domain::import::ImportKind,
) -> Result<(), AppError> {
    require(actor, Action::Create, Subject::Import)?;
    if actor.may_import(kind.subject()) {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "the {} role may not import {}",
        actor.role.code(),
        kind.subject().label()
    )))
}
