//! Password policy (with Cognito's exact messages) and argon2id hashing on a bounded pool of
//! blocking threads, so a burst of hashing cannot starve the async workers.

use crate::{CoreError, CoreResult};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use cognate_model::PasswordPolicy;
use rand::Rng;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The characters Cognito counts as symbols (a space inside the password counts too).
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

/// Checks `password` against `policy`, answering Cognito's message for the first rule broken.
pub fn check_policy(password: &str, policy: &PasswordPolicy) -> CoreResult<()> {
    let fail = |why: &str| Err(CoreError::InvalidPassword(format!("Password did not conform with policy: {why}")));
    if password.chars().count() < policy.minimum_length as usize {
        return fail("Password not long enough");
    }
    if password.chars().count() > 256 {
        return fail("Password is too long");
    }
    if password.starts_with(' ') || password.ends_with(' ') {
        return fail("Password must not begin or end with a space");
    }
    if policy.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if policy.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if policy.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    if policy.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c) || c == ' ') {
        return fail("Password must have symbol characters");
    }
    Ok(())
}

/// A random temporary password that satisfies `policy` (and any stricter default).
pub fn generate_temporary_password(policy: &PasswordPolicy) -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYM: &[u8] = b"^$*.!@#%&-_=+";
    let mut rng = rand::rngs::OsRng;
    let len = (policy.minimum_length as usize).max(12);
    let pick = |set: &[u8], rng: &mut rand::rngs::OsRng| set[rng.gen_range(0..set.len())];
    let mut chars: Vec<u8> =
        vec![pick(LOWER, &mut rng), pick(UPPER, &mut rng), pick(DIGIT, &mut rng), pick(SYM, &mut rng)];
    let all: Vec<u8> = [LOWER, UPPER, DIGIT, SYM].concat();
    while chars.len() < len {
        chars.push(pick(&all, &mut rng));
    }
    for i in (1..chars.len()).rev() {
        chars.swap(i, rng.gen_range(0..=i));
    }
    String::from_utf8(chars).expect("ASCII")
}

/// argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), at most `permits` at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    argon: Arc<Argon2<'static>>,
    permits: Arc<Semaphore>,
}

impl PasswordHasher {
    /// A hasher running at most `parallelism` hashes at once.
    pub fn new(parallelism: usize) -> Self {
        Self::with_params(parallelism, 19 * 1024, 2)
    }

    /// A hasher with explicit memory (KiB) and pass counts (tests use small ones).
    pub fn with_params(parallelism: usize, memory_kib: u32, passes: u32) -> Self {
        let params = Params::new(memory_kib, passes, 1, None).expect("valid argon2 parameters");
        Self {
            argon: Arc::new(Argon2::new(Algorithm::Argon2id, Version::V0x13, params)),
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
        }
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: &str) -> CoreResult<String> {
        let _permit = self.permits.acquire().await.map_err(|e| CoreError::Internal(e.to_string()))?;
        let argon = self.argon.clone();
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon.hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
    }

    /// Checks a password against a PHC string (constant-time inside argon2).
    pub async fn verify(&self, password: &str, phc: &str) -> CoreResult<bool> {
        let _permit = self.permits.acquire().await.map_err(|e| CoreError::Internal(e.to_string()))?;
        let argon = self.argon.clone();
        let (password, phc) = (password.to_string(), phc.to_string());
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(|e| e.to_string())?;
            Ok::<_, String>(argon.verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .map_err(CoreError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_messages() {
        let p = PasswordPolicy::default();
        let msg = |pw: &str| check_policy(pw, &p).unwrap_err().to_string();
        assert_eq!(msg("Ab1!"), "Password did not conform with policy: Password not long enough");
        assert_eq!(msg("ABCDEFG1!"), "Password did not conform with policy: Password must have lowercase characters");
        assert_eq!(msg("abcdefg1!"), "Password did not conform with policy: Password must have uppercase characters");
        assert_eq!(msg("Abcdefgh!"), "Password did not conform with policy: Password must have numeric characters");
        assert_eq!(msg("Abcdefgh1"), "Password did not conform with policy: Password must have symbol characters");
        check_policy("Abcdefg1!", &p).unwrap();
        check_policy("Abcd efg1", &p).unwrap();
        for _ in 0..50 {
            check_policy(&generate_temporary_password(&p), &p).unwrap();
        }
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = PasswordHasher::with_params(2, 64, 1);
        let phc = h.hash("Passw0rd!").await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(h.verify("Passw0rd!", &phc).await.unwrap());
        assert!(!h.verify("passw0rd!", &phc).await.unwrap());
        assert!(h.verify("x", "garbage").await.is_err());
    }
}
