//! Storage behind narrow async traits, split by aggregate, with one conformance suite that every
//! backend must pass. Backends: [`sqlite`] (embedded default) and [`postgres`] (several nodes).
//! Both compile the same SQL (`src/sql/`, `$N` placeholders in first-use order) against their
//! own driver types.

// Each backend compiles the shared SQL files in `src/sql/` as its own modules, on purpose.
#![allow(clippy::duplicate_mod)]

pub mod cache;
pub mod conformance;
mod error;
pub mod postgres;
mod sign_in;
pub mod sqlite;
mod threat;
mod traits;

pub(crate) use error::retrying;
pub use error::StoreError;
pub use sign_in::*;
pub use threat::*;
pub use traits::*;

/// Result alias for store calls.
pub type StoreResult<T> = Result<T, StoreError>;
