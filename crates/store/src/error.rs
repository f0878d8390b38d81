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
        // A serialization failure or deadlock (SQLSTATE 40001, 40P01; CockroachDB and
        // YugabyteDB raise them under contention) means "read again and retry", which is what
        // the read-modify-write loops above the store do with `VersionMismatch`.
        if let sqlx::Error::Database(db) = &e {
            if matches!(db.code().as_deref(), Some("40001" | "40P01")) {
                return StoreError::VersionMismatch;
            }
        }
        StoreError::Backend(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Backend(format!("corrupt document: {e}"))
    }
}
