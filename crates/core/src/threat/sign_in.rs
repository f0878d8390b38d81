//! Threat protection in a sign-in: a compromised password (SIGN_IN), the risk gate before the
//! second factor, and the event each attempt leaves.

use super::events::{assessed, event_at, Notice};
use super::risk::{verdict, Verdict};
use crate::auth::AuthOutcome;
use crate::views::SignInView;
use crate::{CoreError, CoreResult};
use cognate_model::risk::{
    AuthEvent, AuthEventKind, CredentialEvent, EventResponse, RiskDecision, RiskLevel, ThreatMode,
};
use cognate_model::{AppClient, UserPool};
use cognate_model::{User, UserStatus};

/// What a sign-in that threat protection blocked is told.
pub(crate) fn security_block() -> CoreError {
    CoreError::NotAuthorized("Unable to login because of security reasons.".into())
}

/// What the risk gate decided.
pub(crate) enum Gate {
    /// Go on; the event to record when the sign-in ends (threat protection on).
    Go(Option<AuthEvent>),
    /// The risk asks for MFA: this challenge (its event is recorded, in progress).
    Challenge(AuthOutcome),
}

impl SignInView<'_> {
    /// A correct password at sign-in: is it compromised? Where the pool blocks compromised
    /// credentials on SIGN_IN (ENFORCED), the user must reset their password: Cognito sets
    /// RESET_REQUIRED, and the sign-in is refused. Returns whether it is compromised.
    pub(crate) async fn sign_in_password_check(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        password: &str,
    ) -> CoreResult<bool> {
        match self.compromised(pool, Some(client), CredentialEvent::SignIn, password) {
            Ok(found) => Ok(found),
            Err(_) => {
                tracing::warn!(pool = %pool.id, user = %user.username_key, "sign-in with a compromised password: reset required");
                self.modify_user_by_key(pool, &user.username_key, |u| {
                    u.status = UserStatus::ResetRequired;
                    Ok(())
                })
                .await?;
                let mut e = self.event(AuthEventKind::SignIn, user, Some(client), self.req);
                e.response = EventResponse::Fail;
                e.risk.decision = RiskDecision::Block;
                e.risk.compromised = true;
                e.risk.reasons = vec!["compromised-credentials".into()];
                self.record_event(pool, &e).await?;
                Err(CoreError::PasswordResetRequired("Password reset required for the user".into()))
            }
        }
    }

    /// A wrong password or proof for a known user: a failed event, assessed (failures feed the
    /// velocity signals).
    pub(crate) async fn failed_sign_in_event(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
    ) -> CoreResult<()> {
        if super::mode(pool) == ThreatMode::Off {
            return Ok(());
        }
        let now = cognate_model::now_millis();
        let req = self.judged(self.req, Some(client));
        let a = self.assess(pool, Some(client), user, &req, None, now).await?;
        let e = event_at(AuthEventKind::SignIn, user, Some(client), &req, a.place.clone());
        let mut e = assessed(e, &a, decision_of(a.level));
        e.response = EventResponse::Fail;
        e.challenges = vec![("Password".into(), "Failure".into())];
        self.record_event(pool, &e).await
    }

    /// After the first factor, before devices and MFA: the sign-in's risk and what the level's
    /// action makes of it (ENFORCED), or only the record of it (AUDIT).
    pub(crate) async fn risk_gate(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
        now: i64,
    ) -> CoreResult<Gate> {
        let mode = if self.custom_auth { super::config::custom_auth_mode(pool) } else { super::mode(pool) };
        if mode == ThreatMode::Off {
            return Ok(Gate::Go(None));
        }
        let req = self.judged(self.req, Some(client));
        let a = self.assess(pool, Some(client), user, &req, device_key, now).await?;
        let event = event_at(AuthEventKind::SignIn, user, Some(client), &req, a.place.clone());
        let mut event = assessed(event, &a, decision_of(a.level));
        event.risk.compromised = self.compromised_password;
        if !self.passwordless {
            event.challenges = vec![("Password".into(), "Success".into())];
        }
        if a.blocked_ip {
            event.risk.decision = RiskDecision::Block;
        }
        tracing::info!(pool = %pool.id, user = %user.username_key, level = ?a.level, reasons = ?a.reasons, ?mode, "sign-in risk");
        if mode == ThreatMode::Audit {
            return Ok(Gate::Go(Some(event)));
        }
        let config = super::config::effective(pool, Some(client));
        let (v, notify) = verdict(&a, config);
        let mut v = v;
        if let Verdict::Mfa { required } = v {
            if self.passwordless {
                // The factor is already the user's possession (Cognito asks no MFA after it).
                v = Verdict::Allow;
            } else if let Some(challenge) = self.mfa_forced(pool, client, user, device_key, now).await? {
                event.response = EventResponse::InProgress;
                self.record_event(pool, &event).await?;
                if notify {
                    self.notify_risk(pool, Some(client), user, &event, Notice::Mfa).await;
                }
                return Ok(Gate::Challenge(challenge));
            } else {
                v = if required { Verdict::Block } else { Verdict::Allow };
            }
        }
        if v == Verdict::Block {
            event.response = EventResponse::Fail;
            event.risk.decision = RiskDecision::Block;
            self.record_event(pool, &event).await?;
            if notify {
                self.notify_risk(pool, Some(client), user, &event, Notice::Block).await;
            }
            return Err(security_block());
        }
        if notify {
            self.notify_risk(pool, Some(client), user, &event, Notice::NoAction).await;
        }
        Ok(Gate::Go(Some(event)))
    }
}

/// The decision recorded for a level that was let through: a risk worth naming from Medium.
fn decision_of(level: RiskLevel) -> RiskDecision {
    if level >= RiskLevel::Medium {
        RiskDecision::AccountTakeover
    } else {
        RiskDecision::NoRisk
    }
}
