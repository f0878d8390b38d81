//! The events of the sign-up, confirmation, sign-in, message and migration triggers, and what
//! their answers may say (each member typed; anything else is `InvalidLambdaResponseException`).

use super::{string_map, unrecognizable, user_attributes, Call, Trigger};
use crate::{Cognate, CoreResult};
use cognate_model::{DeliveryMedium, User, UserStatus};
use serde_json::{json, Value};

/// A boolean member of a trigger's answer: absent or null is false.
fn flag(trigger: Trigger, response: &Value, name: &str) -> CoreResult<bool> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(unrecognizable(trigger, name)),
    }
}

/// A string member of a trigger's answer: absent or null is `None`.
pub(crate) fn text(trigger: Trigger, response: &Value, name: &str) -> CoreResult<Option<String>> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(unrecognizable(trigger, name)),
    }
}

/// The answer's `response` as an object (null: no member set).
fn object(trigger: Trigger, response: Value) -> CoreResult<Value> {
    match response {
        Value::Null => Ok(json!({})),
        Value::Object(_) => Ok(response),
        _ => Err(unrecognizable(trigger, "response")),
    }
}

/// What PreSignUp decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PreSignUp {
    /// `autoConfirmUser`.
    pub auto_confirm: bool,
    /// `autoVerifyEmail`.
    pub auto_verify_email: bool,
    /// `autoVerifyPhone`.
    pub auto_verify_phone: bool,
}

impl PreSignUp {
    /// Marks the email and phone number verified when the function said so (and the user has
    /// them); the status is the caller's (a SignUp confirms, an AdminCreateUser does not).
    pub fn apply(&self, user: &mut User) {
        for (on, attr) in [(self.auto_verify_email, "email"), (self.auto_verify_phone, "phone_number")] {
            if on && user.attribute(attr).is_some() {
                user.set_attribute(&format!("{attr}_verified"), "true");
            }
        }
    }
}

/// What a migration function said of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Migrated {
    /// `userAttributes`.
    pub attributes: Vec<(String, String)>,
    /// `finalUserStatus`: CONFIRMED or RESET_REQUIRED.
    pub status: UserStatus,
    /// `messageAction` = SUPPRESS.
    pub suppress: bool,
    /// `desiredDeliveryMediums`.
    pub mediums: Vec<DeliveryMedium>,
    /// `forceAliasCreation`.
    pub force_alias: bool,
    /// `enableSMSMFA`.
    pub enable_sms_mfa: bool,
}

/// A CustomMessage answer: the texts that replace the pool's templates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CustomText {
    /// `smsMessage`.
    pub sms: Option<String>,
    /// `emailMessage`.
    pub email: Option<String>,
    /// `emailSubject`.
    pub subject: Option<String>,
}

impl Cognate {
    /// PreSignUp (`PreSignUp_SignUp`, `PreSignUp_AdminCreateUser`, `PreSignUp_ExternalProvider`)
    /// with the attributes asked for; `None` when the pool has no function.
    pub(crate) async fn pre_sign_up(
        &self,
        call: &Call<'_>,
        attributes: &[(String, String)],
    ) -> CoreResult<Option<PreSignUp>> {
        let event = || {
            let attrs: serde_json::Map<String, Value> =
                attributes.iter().map(|(n, v)| (n.clone(), Value::String(v.clone()))).collect();
            let input = &call.req.trigger_input;
            let request = json!({
                "userAttributes": attrs,
                "validationData": string_map(&input.validation_data),
                "clientMetadata": string_map(&input.client_metadata),
            });
            (request, json!({ "autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false }))
        };
        let Some(r) = self.call_trigger(call, event).await? else { return Ok(None) };
        let r = object(Trigger::PreSignUp, r)?;
        Ok(Some(PreSignUp {
            auto_confirm: flag(Trigger::PreSignUp, &r, "autoConfirmUser")?,
            auto_verify_email: flag(Trigger::PreSignUp, &r, "autoVerifyEmail")?,
            auto_verify_phone: flag(Trigger::PreSignUp, &r, "autoVerifyPhone")?,
        }))
    }

    /// PostConfirmation (`PostConfirmation_ConfirmSignUp`, `PostConfirmation_ConfirmForgotPassword`).
    pub(crate) async fn post_confirmation(&self, call: &Call<'_>, user: &User) -> CoreResult<()> {
        let request = || {
            json!({
                "userAttributes": user_attributes(user),
                "clientMetadata": string_map(&call.req.trigger_input.client_metadata),
            })
        };
        self.call_trigger(call, || (request(), json!({}))).await?;
        Ok(())
    }

    /// PreAuthentication_Authentication: before the password or SRP proof is looked at. `None`
    /// for a name that is no user (sent as `userNotFound` when the client hides existence).
    pub(crate) async fn pre_authentication(&self, call: &Call<'_>, user: Option<&User>) -> CoreResult<()> {
        let request = || {
            let mut request = json!({
                "userAttributes": user.map(user_attributes).unwrap_or_else(|| json!({})),
                "validationData": string_map(&call.req.trigger_input.client_metadata),
            });
            if user.is_none() {
                request["userNotFound"] = Value::Bool(true);
            }
            request
        };
        self.call_trigger(call, || (request(), json!({}))).await?;
        Ok(())
    }

    /// PostAuthentication_Authentication: after every factor, before tokens.
    pub(crate) async fn post_authentication(&self, call: &Call<'_>, user: &User, new_device: bool) -> CoreResult<()> {
        let request = || {
            json!({
                "userAttributes": user_attributes(user),
                "newDeviceUsed": new_device,
                "clientMetadata": string_map(&call.req.trigger_input.client_metadata),
            })
        };
        self.call_trigger(call, || (request(), json!({}))).await?;
        Ok(())
    }

    /// UserMigration (`UserMigration_Authentication` with the password,
    /// `UserMigration_ForgotPassword` without): the user the old system knows, or `None` when
    /// the pool has no function.
    pub(crate) async fn user_migration(&self, call: &Call<'_>, password: Option<&str>) -> CoreResult<Option<Migrated>> {
        let t = Trigger::UserMigration;
        let request = || {
            let metadata = string_map(&call.req.trigger_input.client_metadata);
            let mut request = json!({ "validationData": metadata.clone(), "clientMetadata": metadata });
            if let Some(p) = password {
                request["password"] = Value::String(p.to_string());
            }
            request
        };
        let Some(r) = self.call_trigger(call, || (request(), json!({}))).await? else { return Ok(None) };
        let r = object(t, r)?;
        let attributes = match r.get("userAttributes") {
            Some(Value::Object(m)) => m
                .iter()
                .map(|(n, v)| match v {
                    Value::String(s) => Ok((n.clone(), s.clone())),
                    Value::Bool(b) => Ok((n.clone(), b.to_string())),
                    _ => Err(unrecognizable(t, "userAttributes")),
                })
                .collect::<CoreResult<Vec<_>>>()?,
            _ => return Err(unrecognizable(t, "userAttributes")),
        };
        let status = match text(t, &r, "finalUserStatus")?.as_deref() {
            _ if password.is_none() => UserStatus::ResetRequired,
            None | Some("CONFIRMED") => UserStatus::Confirmed,
            Some("RESET_REQUIRED") => UserStatus::ResetRequired,
            Some(_) => return Err(unrecognizable(t, "finalUserStatus")),
        };
        let suppress = match text(t, &r, "messageAction")?.as_deref() {
            None => false,
            Some("SUPPRESS") => true,
            Some(_) => return Err(unrecognizable(t, "messageAction")),
        };
        let mediums = match r.get("desiredDeliveryMediums") {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(a)) => a
                .iter()
                .map(|m| match m.as_str() {
                    Some("EMAIL") => Ok(DeliveryMedium::Email),
                    Some("SMS") => Ok(DeliveryMedium::Sms),
                    _ => Err(unrecognizable(t, "desiredDeliveryMediums")),
                })
                .collect::<CoreResult<Vec<_>>>()?,
            Some(_) => return Err(unrecognizable(t, "desiredDeliveryMediums")),
        };
        Ok(Some(Migrated {
            attributes,
            status,
            suppress,
            mediums,
            force_alias: flag(t, &r, "forceAliasCreation")?,
            enable_sms_mfa: flag(t, &r, "enableSMSMFA")?,
        }))
    }

    /// CustomMessage (`CustomMessage_SignUp`, `_AdminCreateUser`, `_ResendCode`,
    /// `_ForgotPassword`, `_UpdateUserAttribute`, `_VerifyUserAttribute`, `_Authentication`):
    /// the texts the function wrote, each of which must keep the code's placeholder; `None`
    /// when the pool has no function.
    pub(crate) async fn custom_message(
        &self,
        call: &Call<'_>,
        user: &User,
        username_parameter: Option<&str>,
    ) -> CoreResult<Option<CustomText>> {
        let t = Trigger::CustomMessage;
        let event = || {
            let request = json!({
                "userAttributes": user_attributes(user),
                "codeParameter": "{####}",
                "linkParameter": "{##Click Here##}",
                "usernameParameter": username_parameter,
                "clientMetadata": string_map(&call.req.trigger_input.client_metadata),
            });
            (request, json!({ "smsMessage": null, "emailMessage": null, "emailSubject": null }))
        };
        let Some(r) = self.call_trigger(call, event).await? else { return Ok(None) };
        let r = object(t, r)?;
        let out = CustomText {
            sms: text(t, &r, "smsMessage")?,
            email: text(t, &r, "emailMessage")?,
            subject: text(t, &r, "emailSubject")?,
        };
        // Cognito: the message must contain the code parameter (and an invitation the user name).
        for m in [&out.sms, &out.email].into_iter().flatten() {
            if !m.contains("{####}") {
                return Err(unrecognizable(t, "a message without {####}"));
            }
            if username_parameter.is_some() && !m.contains("{username}") {
                return Err(unrecognizable(t, "an invitation without {username}"));
            }
        }
        Ok(Some(out))
    }
}
