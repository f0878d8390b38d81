//! CustomEmailSender and CustomSMSSender: when a pool names one, the function delivers the
//! code (or an invitation's temporary password) instead of Cognate: the event's `request` is
//! `type` (`customEmailSenderRequestV1`, `customSMSSenderRequestV1`), `code` (encrypted, see
//! [`super::envelope`]; never in clear), `clientMetadata` and `userAttributes`.

use super::{envelope, string_map, user_attributes, Call, Trigger};
use crate::{Cognate, CoreError, CoreResult, RequestContext};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::{DeliveryMedium, User, UserPool};
use serde_json::json;
use std::collections::BTreeMap;

/// Where a custom sender's code comes from: the event's trigger source after the sender's name.
pub(crate) struct Sending<'a> {
    pub pool: &'a UserPool,
    pub user: &'a User,
    pub medium: DeliveryMedium,
    /// `SignUp`, `ResendCode`, `ForgotPassword`, `UpdateUserAttribute`, `VerifyUserAttribute`,
    /// `AdminCreateUser`, `Authentication`.
    pub source: &'static str,
    pub client_id: Option<&'a str>,
    pub req: &'a RequestContext,
}

impl Cognate {
    /// Sends `code` through the pool's custom sender for the medium, when it has one: `true`
    /// when the function took it (Cognate sends nothing itself then).
    pub(crate) async fn custom_send(&self, s: &Sending<'_>, code: &str) -> CoreResult<bool> {
        let (trigger, kind) = match s.medium {
            DeliveryMedium::Email => (Trigger::CustomEmailSender, "customEmailSenderRequestV1"),
            DeliveryMedium::Sms => (Trigger::CustomSmsSender, "customSMSSenderRequestV1"),
        };
        if !Cognate::has_trigger(s.pool, trigger) {
            return Ok(false);
        }
        let Some(key) = self.config.code_encryption_key.as_ref() else {
            tracing::error!(
                pool = %s.pool.id,
                trigger = trigger.name(),
                "a custom sender is configured but COGNATE_CODE_ENCRYPTION_KEY is not set"
            );
            return Err(CoreError::CodeDeliveryFailure(format!("Unable to deliver the code by {}.", s.medium)));
        };
        let key_name = s.pool.settings.lambda_config.kms_key_id.as_deref().unwrap_or("cognate-code-key");
        let context = BTreeMap::from([("userpool-id".to_string(), s.pool.id.to_string())]);
        let sealed = STANDARD.encode(envelope::encrypt(key, key_name, &context, code.as_bytes()));
        let source = format!("{}_{}", trigger.name(), s.source);
        let call = Call {
            trigger,
            source: &source,
            pool: s.pool,
            user_name: &s.user.username,
            client_id: s.client_id,
            req: s.req,
        };
        let request = json!({
            "type": kind,
            "code": sealed,
            "clientMetadata": string_map(&s.req.trigger_input.client_metadata),
            "userAttributes": user_attributes(s.user),
        });
        self.call_trigger(&call, || (request, json!({}))).await?;
        Ok(true)
    }
}
