//! Threat protection's records: each user's auth events, and what the risk assessment asks of
//! them (the user's history, an address's recent activity across the pool).

use crate::StoreResult;
use async_trait::async_trait;
use cognate_model::risk::{AuthEvent, EventTrace};
use cognate_model::UserPoolId;

/// What one address did in a pool recently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpActivity {
    /// Failed events from the address.
    pub failures: u64,
    /// Distinct users the address's failed events were for (one address trying many users).
    pub failed_users: u64,
}

/// Auth events (while the pool's threat protection is on).
#[async_trait]
pub trait AuthEventStore: Send + Sync {
    /// Records an event, or replaces the one with its id (a sign-in that went on through MFA).
    /// `NotFound` when the user is gone.
    async fn put_auth_event(&self, pool: &UserPoolId, event: &AuthEvent) -> StoreResult<()>;
    /// One event of a user.
    async fn get_auth_event(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        event_id: &str,
    ) -> StoreResult<Option<AuthEvent>>;
    /// A user's events, newest first: `limit` of them after `after` (the `(created_at,
    /// event_id)` of the last one of the previous page).
    async fn list_auth_events(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> StoreResult<Vec<AuthEvent>>;
    /// The user's newest [`TRACE_HISTORY`](cognate_model::risk::TRACE_HISTORY) events as traces,
    /// newest first: what a sign-in's risk assessment reads (from memory where the store's
    /// read cache keeps them).
    async fn event_traces(&self, pool: &UserPoolId, username_key: &str)
        -> StoreResult<std::sync::Arc<Vec<EventTrace>>>;
    /// What events from `ip` in the pool did since `since` (failures counted up to 200).
    async fn ip_activity(&self, pool: &UserPoolId, ip: &str, since: i64) -> StoreResult<IpActivity>;
    /// Deletes every event older than `before`; returns how many.
    async fn prune_auth_events(&self, before: i64) -> StoreResult<u64>;
}
