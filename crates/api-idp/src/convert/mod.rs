//! Conversions between the wire shapes and the domain model.

pub mod auth;
pub mod client;
pub mod pool;

use crate::shapes::{AttributeType, DeliveryMediumType, GroupType, MFAOptionType, UserType};
use cognate_model::{Group, User};
use serde::de::DeserializeOwned;

/// Store milliseconds → wire epoch seconds.
pub fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// A model enum from its wire value.
pub fn wire_enum<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

/// A value of the same wire form in another type (a shape ↔ a model type that keeps the wire
/// member names, such as `SmsConfiguration`).
pub fn reshape<A: serde::Serialize, B: DeserializeOwned>(a: &A) -> Result<B, crate::ApiError> {
    cognate_api::json_target::reshape(a).map_err(crate::ops::ser)
}

/// Wire attributes → name/value pairs (a missing value counts as empty).
pub fn attrs_in(attrs: Option<Vec<AttributeType>>) -> Vec<(String, String)> {
    attrs.unwrap_or_default().into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect()
}

/// A user's attributes with `sub` first, optionally only those in `only`.
pub fn attrs_out(user: &User, only: Option<&[String]>) -> Vec<AttributeType> {
    std::iter::once(("sub", user.sub.as_str()))
        .chain(user.attributes.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        .filter(|(n, _)| only.is_none_or(|o| o.iter().any(|x| x == n)))
        .map(|(n, v)| AttributeType { name: n.to_string(), value: Some(v.to_string()) })
        .collect()
}

/// The legacy `MFAOptions` of a user (SMS to `phone_number` when enabled).
pub fn mfa_options(user: &User) -> Option<Vec<MFAOptionType>> {
    user.mfa.sms_enabled.then(|| {
        vec![MFAOptionType {
            delivery_medium: Some(DeliveryMediumType::Sms),
            attribute_name: Some("phone_number".into()),
        }]
    })
}

/// The `UserMFASettingList` of a user.
pub fn mfa_settings(user: &User) -> Option<Vec<String>> {
    let on = user.mfa.enabled();
    (!on.is_empty()).then(|| on.into_iter().map(|f| f.as_str().to_string()).collect())
}

/// Reads `MFAOptions` of SetUserSettings: only SMS to `phone_number` exists.
pub fn sms_requested(options: &[MFAOptionType]) -> Result<bool, cognate_core::CoreError> {
    for o in options {
        let ok = o.delivery_medium == Some(DeliveryMediumType::Sms)
            && o.attribute_name.as_deref().unwrap_or("phone_number") == "phone_number";
        if !ok {
            return Err(cognate_core::CoreError::InvalidParameter(
                "Only SMS to phone_number can be set in MFAOptions.".into(),
            ));
        }
    }
    Ok(!options.is_empty())
}

/// A user as `UserType` (ListUsers, AdminCreateUser).
pub fn user_type(user: &User, only: Option<&[String]>) -> UserType {
    UserType {
        username: Some(user.username.clone()),
        attributes: Some(attrs_out(user, only)),
        user_create_date: Some(secs(user.created_at)),
        user_last_modified_date: Some(secs(user.updated_at)),
        enabled: Some(user.enabled),
        user_status: wire_enum(user.status.as_str()),
        mfa_options: mfa_options(user),
    }
}

/// A group as `GroupType`.
pub fn group_type(g: &Group) -> GroupType {
    GroupType {
        group_name: Some(g.name.clone()),
        user_pool_id: Some(g.pool_id.to_string()),
        description: g.description.clone(),
        role_arn: g.role_arn.clone(),
        precedence: g.precedence,
        last_modified_date: Some(secs(g.updated_at)),
        creation_date: Some(secs(g.created_at)),
    }
}
