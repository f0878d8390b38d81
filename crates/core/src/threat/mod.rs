//! Threat protection (Cognito's "advanced security"): compromised credentials, adaptive
//! authentication and auth events, for every pool whose `UserPoolAddOns.AdvancedSecurityMode`
//! is `AUDIT` (assess and record) or `ENFORCED` (and act). Cognito sells it in its Plus plan
//! and explains nothing; Cognate asks for the same `UserPoolTier` (the same API calls work on
//! both) and records the signals behind every decision.
//!
//! - [`config`]: the mode, the tier gate, SetRiskConfiguration / DescribeRiskConfiguration.
//! - [`check_new_password`](crate::Cognate::check_new_password): a new password against the
//!   policy and the compromised-password lists, on every path that sets one.
//! - [`risk`]: the risk of a sign-in from its signals, and what the level's action makes of it.
//! - [`events`]: recording, listing and feedback.

pub mod config;
pub mod events;
pub mod geo;
pub mod reputation;
pub mod risk;
mod sign_in;

pub use config::RiskConfigView;
pub(crate) use config::{check_tier, mode};
pub(crate) use sign_in::Gate;

use crate::{CoreError, CoreResult, RequestContext};
use cognate_model::risk::{CredentialEvent, ThreatMode};
use cognate_model::{AppClient, UserPool};
use std::borrow::Cow;

/// Cognito's answer to a password it will not take for security reasons.
pub(crate) fn compromised_password() -> CoreError {
    CoreError::InvalidPassword("Provided password cannot be used for security reasons.".into())
}

impl crate::Cognate {
    /// The request as threat protection judges it. A public sign-in's `UserContextData.IpAddress`
    /// (`claimed_ip`) is the end user's address when the app client propagates additional user
    /// context data (`EnablePropagateAdditionalUserContextData`) and has a secret: the caller is
    /// the app's server, which proved it holds the secret (every public flow of such a client
    /// checks `SECRET_HASH` first). Otherwise the request's own address counts, as on Cognito.
    pub(crate) fn judged<'r>(&self, req: &'r RequestContext, client: Option<&AppClient>) -> Cow<'r, RequestContext> {
        let propagates = |c: &AppClient| {
            c.settings.extra.get("EnablePropagateAdditionalUserContextData").and_then(|v| v.as_bool()) == Some(true)
        };
        match (req.claimed_ip, client) {
            (Some(ip), Some(c)) if propagates(c) && Self::has_secret(c) => {
                Cow::Owned(RequestContext { source_ip: Some(ip), claimed_ip: None, ..req.clone() })
            }
            _ => Cow::Borrowed(req),
        }
    }

    /// A new password (sign-up, a set, change or reset): the pool's policy, then, where threat
    /// protection blocks compromised credentials on `event`, the compromised-password lists.
    /// Returns whether the password is compromised (for the event record).
    pub(crate) fn check_new_password(
        &self,
        pool: &UserPool,
        client: Option<&AppClient>,
        event: CredentialEvent,
        password: &str,
    ) -> CoreResult<bool> {
        crate::password::check_policy(password, &pool.settings.password_policy)?;
        self.compromised(pool, client, event, password)
    }

    /// Whether `password` is compromised, as far as the pool looks (`false` with threat
    /// protection off); an error where the pool blocks it on `event`.
    pub(crate) fn compromised(
        &self,
        pool: &UserPool,
        client: Option<&AppClient>,
        event: CredentialEvent,
        password: &str,
    ) -> CoreResult<bool> {
        let mode = mode(pool);
        if mode == ThreatMode::Off {
            return Ok(false);
        }
        let Some(finding) = self.breached.check(password) else { return Ok(false) };
        tracing::info!(pool = %pool.id, ?event, ?finding, "compromised password");
        let cfg = config::effective(pool, client).and_then(|c| c.compromised.as_ref());
        if mode == ThreatMode::Enforced && cfg.is_some_and(|c| c.block && c.covers(event)) {
            return Err(compromised_password());
        }
        Ok(true)
    }
}
