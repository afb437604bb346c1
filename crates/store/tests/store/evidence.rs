//! Readiness evidence files: stored with their attestation in its transaction, added later,
//! listed without their bytes, read back byte for byte only through their own attestation,
//! each upload audited.

use muster_domain::access::Scope;
use muster_domain::audit::{AuditFilter, Via};
use muster_domain::readiness::CriterionDraft;
use muster_domain::readiness::attestation::AttestationDraft;
use muster_store::readiness::attestation::AttestationFilter;
use muster_store::{Change, NewAttachment, StoreError};

use super::{program, site, support};

fn file(name: &str, data: &[u8]) -> NewAttachment {
    NewAttachment {
        file_name: name.into(),
        content_type: "text/csv".into(),
        data: data.to_vec(),
    }
}

#[tokio::test]
async fn evidence_files_are_stored_with_the_attestation_listed_and_read_back_byte_for_byte() {
    let db = support::fresh().await;
    let actor = program(&db.store).await;
    let change = Change::new(&actor, Via::Api);
    let site_id = db.store.create_site(&change, site("EVD")).await.unwrap().id;
    let criterion = db
        .store
        .create_criterion(
            &change,
            CriterionDraft {
                name: Some("Devices deployed".into()),
                measure: Some("attested".into()),
                weight: Some("10".into()),
                owner: Some("Device lead".into()),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let draft = || AttestationDraft {
        criterion_id: Some(criterion.id.to_string()),
        site_id: Some(site_id.to_string()),
        status: Some("met".into()),
        evidence: Some("Devices on every unit".into()),
        ..Default::default()
    };
    // Bytes of every value, so that a text conversion anywhere would show.
    let sheet: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let a = db
        .store
        .create_attestation(
            &change,
            draft().parse(today).unwrap(),
            vec![
                file("devices.xlsx", &sheet),
                file("rooms.csv", b"room,device\n1,WOW\n"),
            ],
        )
        .await
        .unwrap();
    let names: Vec<(&str, i64)> = a
        .files
        .iter()
        .map(|f| (f.file_name.as_str(), f.size))
        .collect();
    assert_eq!(names, [("devices.xlsx", 70_000), ("rooms.csv", 18)]);
    assert_eq!(a.files[0].uploaded_by.as_deref(), Some("Test Admin"));

    let later = db
        .store
        .add_evidence(&change, a.id, vec![file("rehearsal.csv", b"signed\n")])
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    let other = db
        .store
        .create_attestation(&change, draft().parse(today).unwrap(), Vec::new())
        .await
        .unwrap();

    let listed = db
        .store
        .list_attestations(
            actor.program_id,
            &AttestationFilter::default(),
            &Scope::Everything,
        )
        .await
        .unwrap();
    let files_of = |id: i64| -> Vec<String> {
        listed
            .iter()
            .find(|x| x.id == id)
            .unwrap_or_else(|| panic!("attestation {id} listed"))
            .files
            .iter()
            .map(|f| f.file_name.clone())
            .collect()
    };
    assert_eq!(
        files_of(a.id),
        ["devices.xlsx", "rooms.csv", "rehearsal.csv"]
    );
    assert!(
        files_of(other.id).is_empty(),
        "files stay with their attestation"
    );
    let one = db.store.attestation(actor.program_id, a.id).await.unwrap();
    assert_eq!(one.files.len(), 3);

    let (meta, bytes) = db
        .store
        .evidence_file(actor.program_id, a.id, a.files[0].id)
        .await
        .unwrap();
    assert_eq!(
        (meta.file_name.as_str(), meta.content_type.as_str()),
        ("devices.xlsx", "text/csv")
    );
    assert!(bytes == sheet, "the bytes read back are the bytes stored");
    assert!(
        matches!(
            db.store
                .evidence_file(actor.program_id, other.id, a.files[0].id)
                .await,
            Err(StoreError::NotFound { .. })
        ),
        "a file is read only through its own attestation"
    );
    assert!(matches!(
        db.store
            .evidence_file(actor.program_id + 1, a.id, a.files[0].id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        db.store
            .add_evidence(&change, 999_999, vec![file("x.csv", b"x")])
            .await,
        Err(StoreError::NotFound { .. })
    ));

    let audit = db
        .store
        .list_audit(
            actor.program_id,
            &AuditFilter {
                entity: Some("readiness_evidence".into()),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 3, "one audit entry per upload");
    let newest = audit.items[0].after.as_ref().expect("the upload's record");
    assert!(
        newest.contains("rehearsal.csv")
            && newest.contains(&format!("\"attestation_id\":{}", a.id)),
        "{newest}"
    );
}
