//! A group of users.

use crate::ids::UserPoolId;
use crate::Millis;
use serde::{Deserialize, Serialize};

/// A group in a pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The name (case-sensitive, unique in the pool).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// IAM role for identity pools (`cognito:roles` in tokens).
    pub role_arn: Option<String>,
    /// Lower wins for `cognito:preferred_role`.
    pub precedence: Option<i64>,
    /// Creation time.
    pub created_at: Millis,
    /// Last change.
    pub updated_at: Millis,
}
