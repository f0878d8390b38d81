//! Conversions between the wire shapes and the domain model.

pub mod client;
pub mod pool;

use crate::shapes::{AttributeType, GroupType, UserType};
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

/// A user as `UserType` (ListUsers, AdminCreateUser).
pub fn user_type(user: &User, only: Option<&[String]>) -> UserType {
    UserType {
        username: Some(user.username.clone()),
        attributes: Some(attrs_out(user, only)),
        user_create_date: Some(secs(user.created_at)),
        user_last_modified_date: Some(secs(user.updated_at)),
        enabled: Some(user.enabled),
        user_status: wire_enum(user.status.as_str()),
        mfa_options: None,
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
