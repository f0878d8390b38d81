//! Authenticator apps (RFC 6238 TOTP: HMAC-SHA1, six digits, 30 s steps, ±1 step of drift):
//! AssociateSoftwareToken, VerifySoftwareToken and the SOFTWARE_TOKEN_MFA answer. Secrets are
//! sealed by the master key; a code is accepted once (the last used step is stored).

use crate::auth::session::ChallengeSession;
use crate::auth::Attempt;
use crate::tokens::UserCtx;
use crate::views::SignInView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, ChallengeName, User, UserPool};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP_SECS: u64 = 30;
/// Wrong VerifySoftwareToken codes before the pending secret is dropped.
const MAX_VERIFY_ATTEMPTS: u32 = 5;

/// Who AssociateSoftwareToken/VerifySoftwareToken act for: a signed-in user, or a sign-in in
/// its MFA_SETUP step.
pub enum TokenSubject<'a> {
    /// `AccessToken` (already authenticated).
    Access(UserCtx),
    /// `Session` of an MFA_SETUP challenge.
    Session(&'a str),
}

/// What a user's sealed TOTP secrets are bound to.
pub(crate) fn aad(pool: &cognate_model::UserPoolId, key: &str) -> String {
    format!("totp:{pool}:{key}")
}

/// The time step within ±1 of `now_secs` whose code is `code` (every candidate is computed and
/// compared in constant time).
pub(crate) fn matching_step(secret: &[u8], code: &str, now_secs: u64) -> Option<i64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, STEP_SECS, secret.to_vec());
    let now_step = now_secs / STEP_SECS;
    let mut found = None;
    for step in now_step.saturating_sub(1)..=now_step + 1 {
        let want = totp.generate(step * STEP_SECS);
        if bool::from(want.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step as i64);
        }
    }
    found
}

fn session_expired() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user, session is expired.".into())
}

impl Cognate {
    async fn subject_user(
        &self,
        who: &TokenSubject<'_>,
        now: i64,
    ) -> CoreResult<(UserPool, User, Option<ChallengeSession>)> {
        match who {
            TokenSubject::Access(ctx) => {
                let (pool, user) = self.ctx_user(ctx).await?;
                Ok((pool, user, None))
            }
            TokenSubject::Session(sealed) => {
                let s = ChallengeSession::open_any_client(&self.master, sealed, ChallengeName::MfaSetup, now)?;
                let pool_id = cognate_model::UserPoolId::new(s.pool.clone());
                let pool = self.store.get_pool(&pool_id).await?.ok_or_else(session_expired)?;
                let user = self.store.get_user(&pool.id, &s.user).await?.ok_or_else(session_expired)?;
                Ok((pool, user, Some(s)))
            }
        }
    }

    /// The SOFTWARE_TOKEN_MFA answer: right code, in the window, not used before.
    pub(crate) async fn check_totp_sign_in(
        &self,
        pool: &UserPool,
        user: &User,
        code: &str,
        now: i64,
    ) -> CoreResult<()> {
        let sealed = user.mfa.totp_secret.as_deref().ok_or_else(|| {
            CoreError::SoftwareTokenMfaNotFound("Software Token MFA does not exist for the user.".into())
        })?;
        let secret = self.master.open(sealed, &aad(&pool.id, &user.username_key))?;
        let Some(step) = matching_step(&secret, code, (now / 1000) as u64) else {
            self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
            return Err(super::code_mismatch());
        };
        let used = || CoreError::ExpiredCode("Your software token has already been used once.".into());
        let r = self
            .modify_user_by_key(pool, &user.username_key, |u| {
                if step <= u.mfa.totp_last_step {
                    return Err(used());
                }
                u.mfa.totp_last_step = step;
                Ok(())
            })
            .await;
        if let Err(e) = r {
            if matches!(e, CoreError::ExpiredCode(_)) {
                self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
            }
            return Err(e);
        }
        Ok(())
    }
}

impl SignInView<'_> {
    /// AssociateSoftwareToken: a new secret (base32, 32 characters) kept pending until
    /// VerifySoftwareToken; with a Session, a fresh Session for the next call.
    pub async fn associate_software_token(&self, who: TokenSubject<'_>) -> CoreResult<(String, Option<String>)> {
        let now = now_millis();
        let (pool, user, session) = self.subject_user(&who, now).await?;
        if !pool.settings.mfa.software_token {
            return Err(CoreError::SoftwareTokenMfaNotFound(
                "Software token MFA is not enabled for this user pool.".into(),
            ));
        }
        let mut raw = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut raw);
        let sealed = self.master.seal(&raw, &aad(&pool.id, &user.username_key));
        self.modify_user_by_key(&pool, &user.username_key, |u| {
            u.mfa.totp_pending = Some(sealed.clone());
            u.mfa.totp_pending_attempts = 0;
            Ok(())
        })
        .await?;
        let code = match Secret::Raw(raw.to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!("to_encoded gives Encoded"),
        };
        Ok((code, session.map(|s| ChallengeSession { exp: now + 3 * 60_000, ..s }.seal(&self.master))))
    }

    /// VerifySoftwareToken: a code from the pending secret makes it the user's authenticator.
    /// With a Session (MFA_SETUP) the factor is also enabled and the returned Session finishes
    /// the sign-in. A wrong code is `EnableSoftwareTokenMFAException`; five drop the secret.
    pub async fn verify_software_token(
        &self,
        who: TokenSubject<'_>,
        code: &str,
        friendly_name: Option<&str>,
    ) -> CoreResult<Option<String>> {
        let now = now_millis();
        let (pool, user, session) = self.subject_user(&who, now).await?;
        let a = aad(&pool.id, &user.username_key);
        let pending = user.mfa.totp_pending.as_deref().ok_or_else(|| {
            CoreError::InvalidParameter("Call AssociateSoftwareToken before VerifySoftwareToken.".into())
        })?;
        let secret = self.master.open(pending, &a)?;
        let step = matching_step(&secret, code, (now / 1000) as u64);
        let in_setup = session.is_some();
        let mut refused = false;
        self.modify_user_by_key(&pool, &user.username_key, |u| {
            if u.mfa.totp_pending.as_deref() != Some(pending) {
                return Err(CoreError::InvalidParameter("The software token changed; associate it again.".into()));
            }
            match step {
                Some(step) => {
                    u.mfa.totp_secret = u.mfa.totp_pending.take();
                    u.mfa.totp_pending_attempts = 0;
                    u.mfa.totp_last_step = step;
                    u.mfa.totp_name = friendly_name.map(String::from);
                    if in_setup {
                        u.mfa.totp_enabled = true;
                    }
                }
                None => {
                    refused = true;
                    u.mfa.totp_pending_attempts += 1;
                    if u.mfa.totp_pending_attempts >= MAX_VERIFY_ATTEMPTS {
                        u.mfa.totp_pending = None;
                    }
                }
            }
            Ok(())
        })
        .await?;
        if refused {
            return Err(CoreError::EnableSoftwareTokenMfa("Code mismatch and fail enable Software Token MFA".into()));
        }
        Ok(session.map(|s| {
            ChallengeSession { exp: now + 3 * 60_000, verified: true, nonce: crate::crypto::random_hex(16), ..s }
                .seal(&self.master)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::matching_step;

    /// RFC 6238 appendix B (SHA-1, the 20-byte ASCII secret), last six digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, code) in [(59u64, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924")] {
            assert_eq!(matching_step(secret, code, t), Some((t / 30) as i64), "{t}");
        }
        // One step of drift either way, not two.
        assert_eq!(matching_step(secret, "287082", 59 + 30), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 60), None);
        assert_eq!(matching_step(secret, "28708", 59), None);
        assert_eq!(matching_step(secret, "28708x", 59), None);
    }
}
