//! Storage behind narrow async traits, split by aggregate, with one conformance suite that every
//! backend must pass. Backends: [`sqlite`] (embedded default). SQL is written with `$N`
//! placeholders in first-use order so the PostgreSQL backend can share it.

pub mod conformance;
mod error;
pub mod sqlite;
mod traits;

pub use error::StoreError;
pub use traits::*;

/// Result alias for store calls.
pub type StoreResult<T> = Result<T, StoreError>;
