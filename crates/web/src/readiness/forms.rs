//! The forms of the readiness pages, drawn from a draft (blank, or as a refused submission
//! sent it) with its errors beside their fields: a criterion's attestation (with its
//! evidence files) on a site's page, and the assessment and go/no-go on a wave's.

use muster_domain::Invalid;
use muster_domain::readiness::Attestation;
use muster_domain::readiness::assessment::AssessmentDraft;
use muster_domain::readiness::attestation::{AttestationDraft, EVIDENCE};
use muster_domain::readiness::gate::{GateDecision, GateDraft};

use super::scorecard::CheckpointRow;
use crate::form::{Field, FieldKind, FormFields};
use crate::resource::choice_options;

/// What evidence files may be, for a file input's help text.
pub(super) fn evidence_rule() -> String {
    format!(
        "Up to {} files of at most {} each: {}.",
        EVIDENCE.max_files,
        muster_domain::attachment::size_label(EVIDENCE.max_bytes as i64),
        EVIDENCE.described
    )
}

/// A criterion's attestation form on a site's page: its ids led by `c{criterion}`, as the
/// page has one form per attested criterion. Drawn again after a refusal, it keeps what
/// was typed but not the files, which no browser lets a page choose again.
pub(super) fn attestation_form(
    criterion_id: i64,
    draft: Option<&AttestationDraft>,
    invalid: Option<&Invalid>,
    today: chrono::NaiveDate,
) -> FormFields {
    let d = draft.cloned().unwrap_or_default();
    let today = today.to_string();
    let key = format!("c{criterion_id}");
    let fields = vec![
        Field::new(
            "status",
            "Status",
            FieldKind::Radios(choice_options(
                Attestation::ALL,
                Attestation::code,
                Attestation::label,
                None,
            )),
            d.status.as_deref(),
        )
        .required(),
        Field::new(
            "evidence",
            "Evidence",
            FieldKind::TextArea,
            d.evidence.as_deref(),
        )
        .required(),
        Field::new(
            "evidence_url",
            "Link to the evidence",
            FieldKind::Url,
            d.evidence_url.as_deref(),
        )
        .help("An http or https link, if the evidence is online"),
        Field::new(
            "files",
            "Evidence files",
            FieldKind::Files {
                accept: EVIDENCE.accept(),
            },
            None,
        )
        .help(match invalid {
            None => evidence_rule(),
            Some(_) => format!(
                "{} Any files chosen were not kept: choose them again.",
                evidence_rule()
            ),
        }),
        Field::new(
            "attested_on",
            "Attested on",
            FieldKind::Date,
            Some(d.attested_on.as_deref().unwrap_or(&today)),
        ),
    ];
    FormFields::new(
        fields.into_iter().map(|f| f.within(key.clone())).collect(),
        invalid,
    )
}

/// The wave page's assessment form: a checkpoint not yet recorded, or ad hoc.
pub(super) fn assessment_form(
    checkpoints: &[CheckpointRow],
    draft: Option<&AssessmentDraft>,
    invalid: Option<&Invalid>,
) -> FormFields {
    let mut choices = vec![(String::new(), "Ad hoc (between checkpoints)".to_owned())];
    choices.extend(
        checkpoints
            .iter()
            .filter(|c| c.assessment_id.is_none())
            .map(|c| (c.code.to_owned(), c.label.to_owned())),
    );
    let checkpoint = draft.and_then(|d| d.checkpoint.as_deref());
    let field = Field::new(
        "checkpoint",
        "Checkpoint",
        FieldKind::Select(choices),
        checkpoint,
    );
    FormFields::new(vec![field], invalid)
}

/// The wave page's go/no-go form.
pub(super) fn gate_form(draft: Option<&GateDraft>, invalid: Option<&Invalid>) -> FormFields {
    let d = draft.cloned().unwrap_or_default();
    let fields = vec![
        Field::new(
            "decision",
            "Decision",
            FieldKind::Radios(choice_options(
                GateDecision::ALL,
                GateDecision::code,
                GateDecision::label,
                None,
            )),
            d.decision.as_deref(),
        )
        .required(),
        Field::new(
            "rationale",
            "Rationale",
            FieldKind::TextArea,
            d.rationale.as_deref(),
        )
        .required(),
        Field::new(
            "conditions",
            "Conditions",
            FieldKind::TextArea,
            d.conditions.as_deref(),
        )
        .help("Required for a go with conditions: what must be true, by when"),
        Field::new(
            "dissent",
            "Dissent",
            FieldKind::TextArea,
            d.dissent.as_deref(),
        )
        .help("Who disagreed and why; recorded, not hidden"),
    ];
    FormFields::new(fields, invalid)
}
