//! The Cognate domain: identifiers, entities and enums. No I/O.
//!
//! Entities keep typed fields for everything the service interprets, and an `extra` map for
//! members that are only stored and echoed back (for example a pool's `LambdaConfig` before the
//! triggers issue lands).

pub mod client;
pub mod device;
pub mod group;
pub mod ids;
pub mod pool;
pub mod user;

pub use client::{AppClient, ClientSettings, TokenValidity};
pub use device::Device;
pub use group::Group;
pub use ids::{ClientId, UserPoolId};
pub use pool::{PasswordPolicy, PoolMfa, PoolSettings, SchemaAttribute, UserPool};
pub use user::{User, UserMfa, UserStatus};

/// Milliseconds since the Unix epoch: how the store keeps time.
pub type Millis = i64;

/// The current time in milliseconds since the Unix epoch.
pub fn now_millis() -> Millis {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
