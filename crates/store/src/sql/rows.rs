//! Row ↔ entity mapping shared by the SQLite modules.

use super::DbRow;
use crate::StoreResult;
use cognate_model::{User, UserPoolId, UserStatus};
use sqlx::Row;

pub(super) const USER_COLUMNS: &str =
    "pool_id, username_key, username, sub, status, enabled, attributes, password_hash, \
password_set_at, tokens_valid_after, created_at, updated_at, version, mfa, srp_verifier, pending_attributes";

pub(super) fn user_from_row(row: &DbRow) -> StoreResult<User> {
    let status: String = row.try_get("status")?;
    let attrs: String = row.try_get("attributes")?;
    Ok(User {
        pool_id: UserPoolId::new(row.try_get::<String, _>("pool_id")?),
        username: row.try_get("username")?,
        username_key: row.try_get("username_key")?,
        sub: row.try_get("sub")?,
        status: UserStatus::parse(&status)
            .ok_or_else(|| crate::StoreError::Backend(format!("unknown user status {status}")))?,
        enabled: row.try_get("enabled")?,
        attributes: serde_json::from_str(&attrs)?,
        password_hash: row.try_get("password_hash")?,
        password_set_at: row.try_get("password_set_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
        mfa: serde_json::from_str(&row.try_get::<String, _>("mfa")?)?,
        srp_verifier: row.try_get("srp_verifier")?,
        pending_attributes: serde_json::from_str(&row.try_get::<String, _>("pending_attributes")?)?,
    })
}

/// The attributes copied into indexed columns, in column order.
pub(super) const INDEXED: [&str; 6] =
    ["email", "phone_number", "name", "given_name", "family_name", "preferred_username"];

pub(super) fn indexed_values(user: &User) -> [Option<String>; 6] {
    INDEXED.map(|a| user.attribute(a).map(str::to_string))
}
