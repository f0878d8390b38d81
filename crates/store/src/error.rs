use thiserror::Error;

/// What a store call can fail with.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The row to change does not exist.
    #[error("not found")]
    NotFound,
    /// A unique key is taken: `username`, `name`, or a sign-in key such as `email:a@b.c`.
    #[error("conflict on {0}")]
    Conflict(String),
    /// Someone changed the row since it was read (optimistic concurrency); read and retry.
    #[error("concurrent modification")]
    VersionMismatch,
    /// The database failed.
    #[error("storage backend: {0}")]
    Backend(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Backend(format!("corrupt document: {e}"))
    }
}
