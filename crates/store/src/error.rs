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
    /// The database aborted a transaction for a serialization failure or a deadlock (SQLSTATE
    /// 40001, 40P01: CockroachDB and YugabyteDB raise them under contention); run it again.
    #[error("transaction aborted by the database; retry")]
    Retry,
    /// The database failed.
    #[error("storage backend: {0}")]
    Backend(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if matches!(db.code().as_deref(), Some("40001" | "40P01")) {
                return StoreError::Retry;
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

/// Refuses a database whose latest applied migration is newer than any this binary knows
/// (`migrations` are `(number, name, sql)`, in order).
pub(crate) fn refuse_newer_schema(latest: Option<i64>, migrations: &[(i64, &str, &str)]) -> crate::StoreResult<()> {
    let (latest, known) = (latest.unwrap_or(0), migrations.last().map(|m| m.0).unwrap_or(0));
    if latest > known {
        return Err(StoreError::Backend(format!(
            "the database is at migration {latest} but this cognate knows only up to {known}; run a newer cognate"
        )));
    }
    Ok(())
}

/// Runs a transaction again when the database aborts it with [`StoreError::Retry`], up to four
/// times with a short growing pause; the last error is returned as it is.
pub(crate) async fn retrying<T, F, Fut>(mut body: F) -> crate::StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = crate::StoreResult<T>>,
{
    let mut attempt = 0u64;
    loop {
        match body().await {
            Err(StoreError::Retry) if attempt < 3 => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
            }
            r => return r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retrying_reruns_aborted_transactions_only() {
        let calls = AtomicU32::new(0);
        let r = retrying(|| async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if n < 2 {
                Err(StoreError::Retry)
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 2);
        let calls = AtomicU32::new(0);
        let r: crate::StoreResult<()> = retrying(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::Retry)
        })
        .await;
        assert!(matches!(r, Err(StoreError::Retry)));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        let calls = AtomicU32::new(0);
        let r: crate::StoreResult<()> = retrying(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::VersionMismatch)
        })
        .await;
        assert!(matches!(r, Err(StoreError::VersionMismatch)));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
