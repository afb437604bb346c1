//! Accounts and their secrets: argon2id password hashes, session ids and API tokens.
//! Secrets are random, shown once, and only their hashes are kept.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::access::AccessRole;
use crate::site::SiteId;

pub type AccountId = i64;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub name: String,
    pub role: AccessRole,
    pub site_ids: Vec<SiteId>,
    pub organization: Option<String>,
    pub active: bool,
}

/// A password as typed: 10 to 200 characters.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < 10 {
            return Err("must be at least 10 characters".into());
        }
        if n > 200 {
            return Err("must be at most 200 characters".into());
        }
        Ok(Self(raw.to_owned()))
    }

    /// A random password for an account created without one (printed once).
    pub fn generate() -> Self {
        Self(random_token(18))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The argon2id hash in PHC form. CPU-heavy: call it off the async runtime.
    pub fn hash(&self) -> String {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .expect("argon2 with default parameters hashes any password")
            .to_string()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Checks `password` against a stored PHC hash. CPU-heavy: call it off the async runtime.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that a wrong email takes
/// as long as a wrong password and does not reveal which accounts exist.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0B2QcOFMAcoQ9ZAbNx1t0nPZY2c0Bv7u7pZKO6rYcW0"
}

/// `bytes` random bytes, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The SHA-256 of a high-entropy secret (session id, API token), hex. Such secrets are long
/// and random, so a fast hash is enough; passwords use argon2id instead.
pub fn secret_digest(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new API token: the text shown once to its owner, prefixed so that it is recognisable
/// in a secret scanner.
pub fn new_api_token() -> String {
    format!("mst_{}", random_token(32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let pw = Password::parse("correct horse battery").unwrap();
        let hash = pw.hash();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::parse("short").is_err());
        assert_eq!(format!("{:?}", Password::generate()), "Password(***)");
    }

    #[test]
    fn the_decoy_hash_is_well_formed_and_matches_nothing_typed() {
        assert!(PasswordHash::new(decoy_hash()).is_ok());
        assert!(!verify_password("", decoy_hash()));
    }

    #[test]
    fn tokens_are_random_and_digests_stable() {
        assert_ne!(new_api_token(), new_api_token());
        assert_eq!(secret_digest("abc").len(), 64);
        assert_eq!(secret_digest("abc"), secret_digest("abc"));
    }
}
