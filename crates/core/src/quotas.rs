//! Cognito's documented quotas ("Quotas in Amazon Cognito": the hard and default limits of
//! user pool resources), enforced where the resource is made.

use crate::{CoreError, CoreResult};
use std::collections::BTreeMap;

/// User pools per account.
pub const POOLS: i64 = 1_000;
/// App clients per user pool.
pub const CLIENTS_PER_POOL: i64 = 1_000;
/// Groups per user pool.
pub const GROUPS_PER_POOL: i64 = 10_000;
/// Groups a user can belong to.
pub const GROUPS_PER_USER: usize = 100;
/// Tags per user pool.
pub const TAGS: usize = 50;

/// `LimitExceededException` when `count` has reached `limit` of `what`.
pub(crate) fn room_for(count: i64, limit: i64, what: &str) -> CoreResult<()> {
    if count >= limit {
        return Err(CoreError::LimitExceeded(format!("The limit of {limit} {what} is reached.")));
    }
    Ok(())
}

/// A pool's tags: at most 50 (key and value lengths are the model's).
pub(crate) fn check_tags(tags: &BTreeMap<String, String>) -> CoreResult<()> {
    if tags.len() > TAGS {
        return Err(CoreError::LimitExceeded(format!("A user pool can have at most {TAGS} tags.")));
    }
    Ok(())
}
