//! Password policy (with Cognito's exact messages) and argon2id hashing on a bounded pool of
//! blocking threads, so a burst of hashing cannot starve the async workers.

use crate::{CoreError, CoreResult};
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use cognate_model::PasswordPolicy;
use rand::Rng;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
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

/// Stored hashes (imported ones included) may name other parameters; beyond this much memory a
/// hash is refused rather than allowed to exhaust the server.
const MAX_VERIFY_MEMORY_KIB: u32 = 256 * 1024;

/// argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), at most `permits` at a time.
/// The 19 MiB working memory is kept and reused (one buffer per permit), so a sign-in does not
/// allocate, zero and page-fault it every time.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// Calls waiting for a slot, and running.
    queue: Arc<(std::sync::atomic::AtomicU64, std::sync::atomic::AtomicU64)>,
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
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
            params,
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
            queue: Arc::default(),
            memory: Arc::default(),
        }
    }

    /// Runs argon2id with `params` over a reused buffer (a bigger one is made when needed).
    fn derive(
        memory: &Mutex<Vec<Vec<Block>>>,
        params: &Params,
        pwd: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), String> {
        let mut blocks = memory.lock().map(|mut m| m.pop()).unwrap_or(None).unwrap_or_default();
        if blocks.len() < params.block_count() {
            blocks = vec![Block::default(); params.block_count()];
        }
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let r = argon.hash_password_into_with_memory(pwd, salt, out, &mut blocks[..params.block_count()]);
        if let Ok(mut m) = memory.lock() {
            m.push(blocks);
        }
        r.map_err(|e| e.to_string())
    }

    /// A PHC string with this hasher's parameters, a random salt and a random output: verifying
    /// anything against it costs what a real verification costs and never succeeds (the
    /// timing equalizer for unknown users), and making it costs no hashing at start.
    pub fn dummy_phc(&self) -> CoreResult<String> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut out);
        let phc = PasswordHash {
            algorithm: argon2::ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.params).map_err(|e| CoreError::Internal(e.to_string()))?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| CoreError::Internal(e.to_string()))?),
        };
        Ok(phc.to_string())
    }

    /// (waiting, running) hashes and checks.
    pub fn queue(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.queue.0.load(Relaxed), self.queue.1.load(Relaxed))
    }

    /// Waits for a hasher slot, counted in [`PasswordHasher::queue`].
    async fn slot(&self) -> CoreResult<Slot> {
        use std::sync::atomic::Ordering::Relaxed;
        self.queue.0.fetch_add(1, Relaxed);
        let permit = self.permits.clone().acquire_owned().await;
        self.queue.0.fetch_sub(1, Relaxed);
        let permit = permit.map_err(|e| CoreError::Internal(e.to_string()))?;
        self.queue.1.fetch_add(1, Relaxed);
        Ok(Slot { _permit: permit, queue: self.queue.clone() })
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: &str) -> CoreResult<String> {
        let _permit = self.slot().await?;
        let (params, memory, password) = (self.params.clone(), self.memory.clone(), password.to_string());
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            let mut raw_salt = [0u8; 64];
            let salt_bytes = salt.decode_b64(&mut raw_salt).map_err(|e| e.to_string())?;
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            Self::derive(&memory, &params, password.as_bytes(), salt_bytes, &mut out)?;
            let phc = PasswordHash {
                algorithm: argon2::ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
            };
            Ok::<_, String>(phc.to_string())
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .map_err(|e| CoreError::Internal(format!("password hashing failed: {e}")))
    }

    /// Checks a password against a PHC string (argon2id with the parameters it names; the
    /// comparison is constant-time).
    pub async fn verify(&self, password: &str, phc: &str) -> CoreResult<bool> {
        let _permit = self.slot().await?;
        let (memory, password, phc) = (self.memory.clone(), password.to_string(), phc.to_string());
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc).map_err(|e| e.to_string())?;
            if parsed.algorithm != argon2::ARGON2ID_IDENT {
                return Err(format!("unsupported password hash algorithm {}", parsed.algorithm));
            }
            let params = Params::try_from(&parsed).map_err(|e| e.to_string())?;
            if params.m_cost() > MAX_VERIFY_MEMORY_KIB {
                return Err(format!("a stored password hash asks for {} KiB of memory", params.m_cost()));
            }
            let (Some(salt), Some(want)) = (parsed.salt, parsed.hash) else {
                return Err("the stored password hash has no salt or output".into());
            };
            let mut raw_salt = [0u8; 64];
            let salt_bytes = salt.decode_b64(&mut raw_salt).map_err(|e| e.to_string())?;
            let mut out = vec![0u8; want.len()];
            Self::derive(&memory, &params, password.as_bytes(), salt_bytes, &mut out)?;
            Ok(bool::from(out.as_slice().ct_eq(want.as_bytes())))
        })
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))?
        .map_err(CoreError::Internal)
    }
}

/// A hasher slot; counted as running until dropped.
struct Slot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    queue: Arc<(std::sync::atomic::AtomicU64, std::sync::atomic::AtomicU64)>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.queue.1.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
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

    /// PHC strings interoperate with the argon2 crate's own hasher both ways (hashes stored
    /// before the buffer reuse, imported ones), including other parameters than ours.
    #[tokio::test]
    async fn phc_interop_with_the_reference_api() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let ours = PasswordHasher::with_params(1, 64, 1);
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(128, 2, 1, None).unwrap());
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = reference.hash_password(b"Passw0rd!", &salt).unwrap().to_string();
        assert!(ours.verify("Passw0rd!", &theirs).await.unwrap());
        assert!(!ours.verify("Passw0rd?", &theirs).await.unwrap());
        let mine = ours.hash("Passw0rd!").await.unwrap();
        assert!(Argon2::default().verify_password(b"Passw0rd!", &PasswordHash::new(&mine).unwrap()).is_ok());
        // A bigger stored parameter set than the pool's buffers: still verified.
        assert!(ours.verify("Passw0rd!", &theirs).await.unwrap());
        // The timing equalizer parses, costs a verification, and never matches.
        let dummy = ours.dummy_phc().unwrap();
        assert!(!ours.verify("", &dummy).await.unwrap());
        assert_eq!(Params::try_from(&PasswordHash::new(&dummy).unwrap()).unwrap().m_cost(), 64);
        // A stored hash asking for a gigabyte is refused, not computed.
        assert!(ours.verify("", &dummy.replace("m=64,", "m=1048576,")).await.is_err());
    }
}
