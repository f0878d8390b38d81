//! User pool shapes ↔ `PoolSettings`. Members the service reads are typed fields of the
//! settings; members it only keeps are in `PoolSettings::extra` under their model names and
//! echoed back by DescribeUserPool.

use super::{reshape, secs, wire_enum};
use crate::ops::ser;
use crate::shapes::*;
use crate::ApiError;
use cognate_core::attributes::standard_schema;
use cognate_core::PoolInput;
use cognate_model::pool::LegacyVerificationMessages;
use cognate_model::pool::{AdminCreateUserConfig, AttributeDataType as DataType, DeviceConfiguration, MessageTemplate};
use cognate_model::{MfaMode, PasswordPolicy, PoolSettings, SchemaAttribute, UserPool};
use serde::{Deserialize, Serialize};

/// The stored-and-echoed members.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct Extras {
    #[serde(rename = "EmailConfiguration", skip_serializing_if = "Option::is_none")]
    email_configuration: Option<EmailConfigurationType>,
    #[serde(rename = "UserPoolAddOns", skip_serializing_if = "Option::is_none")]
    user_pool_add_ons: Option<UserPoolAddOnsType>,
    #[serde(rename = "UserPoolTier", skip_serializing_if = "Option::is_none")]
    user_pool_tier: Option<UserPoolTierType>,
    #[serde(rename = "SignInPolicy", skip_serializing_if = "Option::is_none")]
    sign_in_policy: Option<SignInPolicyType>,
    #[serde(rename = "UsernameConfiguration", skip_serializing_if = "Option::is_none")]
    username_configuration: Option<UsernameConfigurationType>,
}

/// The members both Create and UpdateUserPool carry.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Common {
    #[serde(rename = "Policies")]
    policies: Option<UserPoolPolicyType>,
    #[serde(rename = "DeletionProtection")]
    deletion_protection: Option<DeletionProtectionType>,
    #[serde(rename = "AutoVerifiedAttributes")]
    auto_verified_attributes: Option<Vec<VerifiedAttributeType>>,
    #[serde(rename = "MfaConfiguration")]
    mfa_configuration: Option<UserPoolMfaType>,
    #[serde(rename = "DeviceConfiguration")]
    device_configuration: Option<DeviceConfigurationType>,
    #[serde(rename = "AdminCreateUserConfig")]
    admin_create_user_config: Option<AdminCreateUserConfigType>,
    #[serde(rename = "UserPoolTags")]
    user_pool_tags: Option<std::collections::BTreeMap<String, String>>,
    #[serde(rename = "LambdaConfig")]
    lambda_config: Option<LambdaConfigType>,
    #[serde(rename = "SmsConfiguration")]
    sms_configuration: Option<SmsConfigurationType>,
    #[serde(rename = "SmsAuthenticationMessage")]
    sms_authentication_message: Option<String>,
    #[serde(rename = "SmsVerificationMessage")]
    sms_verification_message: Option<String>,
    #[serde(rename = "EmailVerificationMessage")]
    email_verification_message: Option<String>,
    #[serde(rename = "EmailVerificationSubject")]
    email_verification_subject: Option<String>,
    #[serde(rename = "VerificationMessageTemplate")]
    verification_message_template: Option<VerificationMessageTemplateType>,
    #[serde(rename = "AccountRecoverySetting")]
    account_recovery_setting: Option<AccountRecoverySettingType>,
    #[serde(rename = "UserAttributeUpdateSettings")]
    user_attribute_update_settings: Option<UserAttributeUpdateSettingsType>,
}

fn settings_from(value: &serde_json::Value) -> Result<(PoolSettings, bool), ApiError> {
    let c: Common = serde_json::from_value(value.clone()).map_err(ser)?;
    let mut extras: Extras = serde_json::from_value(value.clone()).map_err(ser)?;
    let pp = c.policies.as_ref().and_then(|p| p.password_policy.clone()).unwrap_or_default();
    extras.sign_in_policy = c.policies.and_then(|p| p.sign_in_policy);
    let d = PasswordPolicy::default();
    let acu = c.admin_create_user_config.unwrap_or_default();
    let invite = acu.invite_message_template.unwrap_or_default();
    let settings = PoolSettings {
        password_policy: PasswordPolicy {
            minimum_length: pp.minimum_length.map(|v| v as u32).unwrap_or(d.minimum_length),
            require_uppercase: pp.require_uppercase.unwrap_or(d.require_uppercase),
            require_lowercase: pp.require_lowercase.unwrap_or(d.require_lowercase),
            require_numbers: pp.require_numbers.unwrap_or(d.require_numbers),
            require_symbols: pp.require_symbols.unwrap_or(d.require_symbols),
            // 0 (what aws-sdk-rust sends for an unset integer) means the default.
            temporary_password_validity_days: pp
                .temporary_password_validity_days
                .or(acu.unused_account_validity_days)
                .filter(|v| *v > 0)
                .map(|v| v as u32)
                .unwrap_or(d.temporary_password_validity_days),
            password_history_size: pp.password_history_size.map(|v| v as u32),
        },
        auto_verified_attributes: c
            .auto_verified_attributes
            .unwrap_or_default()
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        mfa_configuration: c.mfa_configuration.and_then(|m| MfaMode::parse(m.as_str())).unwrap_or_default(),
        deletion_protection: c.deletion_protection == Some(DeletionProtectionType::Active),
        device_configuration: c.device_configuration.map(|d| DeviceConfiguration {
            challenge_required_on_new_device: d.challenge_required_on_new_device.unwrap_or(false),
            device_only_remembered_on_user_prompt: d.device_only_remembered_on_user_prompt.unwrap_or(false),
        }),
        admin_create_user: AdminCreateUserConfig {
            allow_admin_create_user_only: acu.allow_admin_create_user_only.unwrap_or(false),
            unused_account_validity_days: acu.unused_account_validity_days.map(|v| v as u32),
            invite_message: MessageTemplate {
                sms_message: invite.sms_message,
                email_message: invite.email_message,
                email_subject: invite.email_subject,
            },
        },
        tags: c.user_pool_tags.clone().unwrap_or_default(),
        verification_message_template: c.verification_message_template.as_ref().map(reshape).transpose()?,
        legacy_verification: LegacyVerificationMessages {
            email_message: c.email_verification_message,
            email_subject: c.email_verification_subject,
            sms_message: c.sms_verification_message,
        },
        sms_authentication_message: c.sms_authentication_message,
        sms_configuration: c.sms_configuration.as_ref().map(reshape).transpose()?,
        account_recovery: c.account_recovery_setting.as_ref().map(reshape).transpose()?,
        verify_before_update: c
            .user_attribute_update_settings
            .map(|u| u.attributes_require_verification_before_update.unwrap_or_default())
            .map(|list| list.iter().map(|a| a.as_str().to_string()).collect()),
        lambda_config: c.lambda_config.as_ref().map(reshape).transpose()?.unwrap_or_default(),
        extra: match serde_json::to_value(&extras).map_err(ser)? {
            serde_json::Value::Object(m) => m,
            _ => Default::default(),
        },
        ..Default::default()
    };
    Ok((settings, c.user_pool_tags.is_some()))
}

fn schema_in(a: SchemaAttributeType) -> SchemaAttribute {
    let sc = a.string_attribute_constraints.unwrap_or_default();
    let nc = a.number_attribute_constraints.unwrap_or_default();
    SchemaAttribute {
        name: a.name.clone().unwrap_or_default(),
        data_type: match a.attribute_data_type {
            Some(AttributeDataType::Number) => DataType::Number,
            Some(AttributeDataType::DateTime) => DataType::DateTime,
            Some(AttributeDataType::Boolean) => DataType::Boolean,
            Some(AttributeDataType::String) => DataType::String,
            // Not given: a standard attribute keeps its type; a custom one is a string.
            None => standard_schema()
                .into_iter()
                .find(|s| Some(&s.name) == a.name.as_ref())
                .map(|s| s.data_type)
                .unwrap_or(DataType::String),
        },
        developer_only: a.developer_only_attribute.unwrap_or(false),
        mutable: a.mutable.unwrap_or(true),
        required: a.required.unwrap_or(false),
        min_length: sc.min_length,
        max_length: sc.max_length,
        min_value: nc.min_value,
        max_value: nc.max_value,
    }
}

/// Schema entries of a request (CreateUserPool `Schema`, AddCustomAttributes).
pub fn schema_entries(entries: Option<Vec<SchemaAttributeType>>) -> Vec<SchemaAttribute> {
    entries.unwrap_or_default().into_iter().map(schema_in).collect()
}

/// CreateUserPool → the service input.
pub fn create_input(req: CreateUserPoolRequest) -> Result<PoolInput, ApiError> {
    let value = serde_json::to_value(&req).map_err(ser)?;
    let (mut settings, tags_given) = settings_from(&value)?;
    settings.schema = schema_entries(req.schema);
    settings.username_attributes =
        req.username_attributes.unwrap_or_default().iter().map(|a| a.as_str().to_string()).collect();
    settings.alias_attributes =
        req.alias_attributes.unwrap_or_default().iter().map(|a| a.as_str().to_string()).collect();
    // Pools created through the API without UsernameConfiguration are case-sensitive.
    settings.case_sensitive = req.username_configuration.map(|u| u.case_sensitive).unwrap_or(true);
    Ok(PoolInput { name: Some(req.pool_name), settings, tags_given })
}

/// UpdateUserPool → the service input (every omitted member returns to its default).
pub fn update_input(req: UpdateUserPoolRequest) -> Result<PoolInput, ApiError> {
    let value = serde_json::to_value(&req).map_err(ser)?;
    let (mut settings, tags_given) = settings_from(&value)?;
    settings.extra.remove("UsernameConfiguration");
    Ok(PoolInput { name: req.pool_name, settings, tags_given })
}

fn schema_out(a: &SchemaAttribute) -> SchemaAttributeType {
    let string = a.min_length.is_some() || a.max_length.is_some();
    let number = a.min_value.is_some() || a.max_value.is_some();
    SchemaAttributeType {
        name: Some(a.name.clone()),
        attribute_data_type: wire_enum(match a.data_type {
            DataType::String => "String",
            DataType::Number => "Number",
            DataType::DateTime => "DateTime",
            DataType::Boolean => "Boolean",
        }),
        developer_only_attribute: Some(a.developer_only),
        mutable: Some(a.mutable),
        required: Some(a.required),
        string_attribute_constraints: string.then(|| StringAttributeConstraintsType {
            min_length: a.min_length.clone(),
            max_length: a.max_length.clone(),
        }),
        number_attribute_constraints: number
            .then(|| NumberAttributeConstraintsType { min_value: a.min_value.clone(), max_value: a.max_value.clone() }),
    }
}

fn list<T: serde::de::DeserializeOwned>(v: &[String]) -> Option<Vec<T>> {
    (!v.is_empty()).then(|| v.iter().filter_map(|x| wire_enum(x)).collect())
}

/// The full `UserPoolType`.
pub fn pool_type(pool: &UserPool, arn: String, users: i64) -> UserPoolType {
    let s = &pool.settings;
    let template = s.verification_message_template.clone().unwrap_or_default();
    let legacy = &s.legacy_verification;
    let ex: Extras = serde_json::from_value(serde_json::Value::Object(s.extra.clone())).unwrap_or_default();
    let pp = &s.password_policy;
    let t = &s.admin_create_user.invite_message;
    UserPoolType {
        id: Some(pool.id.to_string()),
        name: Some(pool.name.clone()),
        arn: Some(arn),
        policies: Some(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType {
                minimum_length: Some(pp.minimum_length as i64),
                require_uppercase: Some(pp.require_uppercase),
                require_lowercase: Some(pp.require_lowercase),
                require_numbers: Some(pp.require_numbers),
                require_symbols: Some(pp.require_symbols),
                password_history_size: pp.password_history_size.map(i64::from),
                temporary_password_validity_days: Some(pp.temporary_password_validity_days as i64),
            }),
            sign_in_policy: ex.sign_in_policy,
        }),
        deletion_protection: Some(if s.deletion_protection {
            DeletionProtectionType::Active
        } else {
            DeletionProtectionType::Inactive
        }),
        lambda_config: Some(reshape(&s.lambda_config).unwrap_or_default()),
        last_modified_date: Some(secs(pool.updated_at)),
        creation_date: Some(secs(pool.created_at)),
        schema_attributes: Some(s.schema.iter().map(schema_out).collect()),
        auto_verified_attributes: list(&s.auto_verified_attributes),
        alias_attributes: list(&s.alias_attributes),
        username_attributes: list(&s.username_attributes),
        // The legacy members and the template describe the same messages: each answers with what
        // the other was given (CreateUserPool with a VerificationMessageTemplate reports the
        // legacy EmailVerificationMessage, EmailVerificationSubject and SmsVerificationMessage).
        sms_verification_message: legacy.sms_message.clone().or_else(|| template.sms_message.clone()),
        email_verification_message: legacy.email_message.clone().or_else(|| template.email_message.clone()),
        email_verification_subject: legacy.email_subject.clone().or_else(|| template.email_subject.clone()),
        verification_message_template: Some(VerificationMessageTemplateType {
            sms_message: template.sms_message.clone().or_else(|| legacy.sms_message.clone()),
            email_message: template.email_message.clone().or_else(|| legacy.email_message.clone()),
            email_subject: template.email_subject.clone().or_else(|| legacy.email_subject.clone()),
            email_message_by_link: template.email_message_by_link.clone(),
            email_subject_by_link: template.email_subject_by_link.clone(),
            default_email_option: Some(
                template
                    .default_email_option
                    .as_deref()
                    .and_then(wire_enum)
                    .unwrap_or(DefaultEmailOptionType::ConfirmWithCode),
            ),
        }),
        sms_authentication_message: s.sms_authentication_message.clone(),
        user_attribute_update_settings: s.verify_before_update.as_ref().map(|list| UserAttributeUpdateSettingsType {
            attributes_require_verification_before_update: Some(list.iter().filter_map(|a| wire_enum(a)).collect()),
        }),
        mfa_configuration: wire_enum(s.mfa_configuration.as_str()),
        device_configuration: s.device_configuration.as_ref().map(|d| DeviceConfigurationType {
            challenge_required_on_new_device: Some(d.challenge_required_on_new_device),
            device_only_remembered_on_user_prompt: Some(d.device_only_remembered_on_user_prompt),
        }),
        estimated_number_of_users: Some(users),
        email_configuration: Some(ex.email_configuration.unwrap_or(EmailConfigurationType {
            email_sending_account: Some(EmailSendingAccountType::CognitoDefault),
            ..Default::default()
        })),
        sms_configuration: s.sms_configuration.as_ref().and_then(|c| reshape(c).ok()),
        user_pool_tags: Some(s.tags.clone()),
        admin_create_user_config: Some(AdminCreateUserConfigType {
            allow_admin_create_user_only: Some(s.admin_create_user.allow_admin_create_user_only),
            unused_account_validity_days: Some(pp.temporary_password_validity_days as i64),
            invite_message_template: (t.sms_message.is_some()
                || t.email_message.is_some()
                || t.email_subject.is_some())
            .then(|| MessageTemplateType {
                sms_message: t.sms_message.clone(),
                email_message: t.email_message.clone(),
                email_subject: t.email_subject.clone(),
            }),
        }),
        user_pool_add_ons: ex.user_pool_add_ons,
        username_configuration: ex.username_configuration,
        account_recovery_setting: s.account_recovery.as_ref().and_then(|r| reshape(r).ok()),
        user_pool_tier: Some(ex.user_pool_tier.unwrap_or(UserPoolTierType::Essentials)),
        ..Default::default()
    }
}

/// The short `UserPoolDescriptionType` of ListUserPools.
pub fn description(pool: &UserPool) -> UserPoolDescriptionType {
    UserPoolDescriptionType {
        id: Some(pool.id.to_string()),
        name: Some(pool.name.clone()),
        lambda_config: Some(reshape(&pool.settings.lambda_config).unwrap_or_default()),
        last_modified_date: Some(secs(pool.updated_at)),
        creation_date: Some(secs(pool.created_at)),
        ..Default::default()
    }
}
