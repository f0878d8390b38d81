//! Signing keys, refresh tokens, revocations, sign-in failures and codes on SQLite.

use super::DbRow;
use super::DbStore;
use crate::{
    Failures, GuardStore, KeyStore, RefreshToken, Revocation, StoreError, StoreResult, StoredCode, StoredKey,
    TokenStore,
};
use async_trait::async_trait;
use cognate_model::{ClientId, UserPoolId};
use sqlx::Row;

fn revocation_from_row(r: &DbRow) -> StoreResult<Revocation> {
    Ok(Revocation { id: r.try_get("id")?, origin_jti: r.try_get("origin_jti")?, expires_at: r.try_get("expires_at")? })
}

fn refresh_from_row(r: &DbRow) -> StoreResult<RefreshToken> {
    Ok(RefreshToken {
        token_hash: r.try_get("token_hash")?,
        pool_id: UserPoolId::new(r.try_get::<String, _>("pool_id")?),
        client_id: ClientId::new(r.try_get::<String, _>("client_id")?),
        username_key: r.try_get("username_key")?,
        origin_jti: r.try_get("origin_jti")?,
        auth_time: r.try_get("auth_time")?,
        device_key: r.try_get("device_key")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        scopes: {
            let s: String = r.try_get("scopes")?;
            s.split_whitespace().map(String::from).collect()
        },
    })
}

#[async_trait]
impl KeyStore for DbStore {
    async fn add_key(&self, k: &StoredKey) -> StoreResult<()> {
        sqlx::query("INSERT INTO signing_keys (kid, created_at, sealed_key, n, e) VALUES ($1, $2, $3, $4, $5)")
            .bind(&k.kid)
            .bind(k.created_at)
            .bind(&k.sealed_key)
            .bind(&k.n)
            .bind(&k.e)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn list_keys(&self) -> StoreResult<Vec<StoredKey>> {
        let rows = sqlx::query("SELECT kid, created_at, sealed_key, n, e FROM signing_keys ORDER BY created_at, kid")
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredKey {
                    kid: r.try_get("kid")?,
                    created_at: r.try_get("created_at")?,
                    sealed_key: r.try_get("sealed_key")?,
                    n: r.try_get("n")?,
                    e: r.try_get("e")?,
                })
            })
            .collect()
    }

    async fn prune_keys(&self, before: i64) -> StoreResult<u64> {
        let r = sqlx::query(
            "DELETE FROM signing_keys WHERE created_at < $1 AND kid <> (SELECT kid FROM signing_keys ORDER BY created_at DESC, kid DESC LIMIT 1)",
        )
        .bind(before)
        .execute(&self.writer)
        .await?;
        Ok(r.rows_affected())
    }
}

/// Inserts a refresh token on `e` (the writer, or a group commit's transaction).
pub(super) async fn insert_refresh_token<'e, E: sqlx::Executor<'e, Database = super::Db>>(
    e: E,
    t: &RefreshToken,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, pool_id, client_id, username_key, origin_jti, auth_time, device_key, \
         created_at, expires_at, revoked_at, scopes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&t.token_hash)
    .bind(t.pool_id.as_str())
    .bind(t.client_id.as_str())
    .bind(&t.username_key)
    .bind(&t.origin_jti)
    .bind(t.auth_time)
    .bind(&t.device_key)
    .bind(t.created_at)
    .bind(t.expires_at)
    .bind(t.revoked_at)
    .bind(t.scopes.join(" "))
    .execute(e)
    .await?;
    Ok(())
}

/// What a refused refresh-token insert means: the user is gone, or the token exists.
pub(super) fn refresh_insert_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("token".into()),
        _ => e.into(),
    }
}

#[async_trait]
impl TokenStore for DbStore {
    async fn add_refresh_token(&self, t: &RefreshToken) -> StoreResult<()> {
        self.commit_refresh_token(t).await
    }

    async fn get_refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>> {
        sqlx::query("SELECT * FROM refresh_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| refresh_from_row(&r))
            .transpose()
    }

    async fn revoke_refresh_token(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE refresh_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(token_hash)
            .execute(&self.writer)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn revoke_session(&self, pool: &UserPoolId, origin_jti: &str, now: i64, until: i64) -> StoreResult<bool> {
        // Run again if the database aborts it (serialization failure, deadlock).
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let r = sqlx::query(
                "UPDATE refresh_tokens SET revoked_at = $1 WHERE pool_id = $2 AND origin_jti = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(pool.as_str())
            .bind(origin_jti)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO revocations (origin_jti, revoked_at, expires_at) VALUES ($1, $2, $3)")
                .bind(origin_jti)
                .bind(now)
                .bind(until)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(r.rows_affected() > 0)
        })
        .await
    }

    async fn revoke_user_sessions(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        now: i64,
        until: i64,
    ) -> StoreResult<Vec<String>> {
        // Run again if the database aborts it (serialization failure, deadlock).
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let jtis: Vec<String> = sqlx::query_scalar(
                // Sessions not revoked yet whose access tokens may still be alive (they live at most a day).
                "SELECT DISTINCT origin_jti FROM refresh_tokens WHERE pool_id = $1 AND username_key = $2 AND expires_at > $3 \
                 AND revoked_at IS NULL",
            )
            .bind(pool.as_str())
            .bind(username_key)
            .bind(now - 86_400_000)
            .fetch_all(&mut *tx)
            .await?;
            // Their tracked token sessions end with them (an SSO session is the hosted cookie's:
            // a global sign-out leaves it, as Cognito does).
            sqlx::query("DELETE FROM user_sessions WHERE pool_id = $1 AND username_key = $2 AND kind = 'TOKEN'")
                .bind(pool.as_str())
                .bind(username_key)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE refresh_tokens SET revoked_at = $1 WHERE pool_id = $2 AND username_key = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(pool.as_str())
            .bind(username_key)
            .execute(&mut *tx)
            .await?;
            for j in &jtis {
                sqlx::query("INSERT INTO revocations (origin_jti, revoked_at, expires_at) VALUES ($1, $2, $3)")
                    .bind(j)
                    .bind(now)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(jtis)
        })
        .await
    }

    async fn revocations_since(&self, after: i64, now: i64) -> StoreResult<Vec<Revocation>> {
        let rows = sqlx::query(
            "SELECT id, origin_jti, expires_at FROM revocations WHERE id > $1 AND expires_at > $2 ORDER BY id",
        )
        .bind(after)
        .bind(now)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(revocation_from_row).collect()
    }

    async fn revocations_recorded_since(&self, since: i64, now: i64) -> StoreResult<Vec<Revocation>> {
        let rows = sqlx::query(
            "SELECT id, origin_jti, expires_at FROM revocations WHERE revoked_at >= $1 AND expires_at > $2 ORDER BY id",
        )
        .bind(since)
        .bind(now)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(revocation_from_row).collect()
    }

    async fn purge_expired(&self, now: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM refresh_tokens WHERE expires_at < $1").bind(now).execute(&self.writer).await?;
        sqlx::query("DELETE FROM revocations WHERE expires_at < $1").bind(now).execute(&self.writer).await?;
        sqlx::query("DELETE FROM codes WHERE expires_at < $1").bind(now).execute(&self.writer).await?;
        sqlx::query("DELETE FROM once_markers WHERE expires_at < $1").bind(now).execute(&self.writer).await?;
        sqlx::query("DELETE FROM user_sessions WHERE expires_at < $1").bind(now).execute(&self.writer).await?;
        sqlx::query("DELETE FROM unknown_sign_in_failures WHERE last_failure < $1 AND locked_until < $2")
            .bind(now - crate::UNKNOWN_FAILURES_TTL_MS)
            .bind(now)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl GuardStore for DbStore {
    async fn get_failures(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Failures> {
        let row = sqlx::query("SELECT failures, last_failure, locked_until FROM sign_in_failures WHERE pool_id = $1 AND username_key = $2")
            .bind(pool.as_str())
            .bind(username_key)
            .fetch_optional(&self.writer)
            .await?;
        Ok(match row {
            Some(r) => Failures {
                failures: r.try_get("failures")?,
                last_failure: r.try_get("last_failure")?,
                locked_until: r.try_get("locked_until")?,
            },
            None => Failures::default(),
        })
    }

    async fn put_failures(&self, pool: &UserPoolId, username_key: &str, f: &Failures) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_failures (pool_id, username_key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (pool_id, username_key) DO UPDATE SET failures = excluded.failures, \
             last_failure = excluded.last_failure, locked_until = excluded.locked_until",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(f.failures)
        .bind(f.last_failure)
        .bind(f.locked_until)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn get_unknown_failures(&self, pool: &UserPoolId, name_key: &str) -> StoreResult<Failures> {
        let row = sqlx::query(
            "SELECT failures, last_failure, locked_until FROM unknown_sign_in_failures WHERE pool_id = $1 AND name_key = $2",
        )
        .bind(pool.as_str())
        .bind(name_key)
        .fetch_optional(&self.writer)
        .await?;
        Ok(match row {
            Some(r) => Failures {
                failures: r.try_get("failures")?,
                last_failure: r.try_get("last_failure")?,
                locked_until: r.try_get("locked_until")?,
            },
            None => Failures::default(),
        })
    }

    async fn put_unknown_failures(&self, pool: &UserPoolId, name_key: &str, f: &Failures) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO unknown_sign_in_failures (pool_id, name_key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (pool_id, name_key) DO UPDATE SET failures = excluded.failures, \
             last_failure = excluded.last_failure, locked_until = excluded.locked_until",
        )
        .bind(pool.as_str())
        .bind(name_key)
        .bind(f.failures)
        .bind(f.last_failure)
        .bind(f.locked_until)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn clear_failures(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE pool_id = $1 AND username_key = $2")
            .bind(pool.as_str())
            .bind(username_key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn claim_code(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        purpose: &str,
        c: &StoredCode,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT INTO codes (pool_id, username_key, purpose, code_hash, expires_at, attempts, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pool_id, username_key, purpose) DO NOTHING",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(purpose)
        .bind(&c.code_hash)
        .bind(c.expires_at)
        .bind(c.attempts)
        .bind(c.created_at)
        .execute(&self.writer)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn claim_once(&self, marker: &str, expires_at: i64, now: i64) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT INTO once_markers (marker, expires_at) VALUES ($1, $2) \
             ON CONFLICT (marker) DO UPDATE SET expires_at = excluded.expires_at WHERE once_markers.expires_at < $3",
        )
        .bind(marker)
        .bind(expires_at)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn put_code(&self, pool: &UserPoolId, username_key: &str, purpose: &str, c: &StoredCode) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO codes (pool_id, username_key, purpose, code_hash, expires_at, attempts, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pool_id, username_key, purpose) DO UPDATE SET \
             code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = excluded.attempts, created_at = excluded.created_at",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(purpose)
        .bind(&c.code_hash)
        .bind(c.expires_at)
        .bind(c.attempts)
        .bind(c.created_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn get_code(&self, pool: &UserPoolId, username_key: &str, purpose: &str) -> StoreResult<Option<StoredCode>> {
        let row = sqlx::query(
            "SELECT code_hash, expires_at, attempts, created_at FROM codes WHERE pool_id = $1 AND username_key = $2 AND purpose = $3",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(purpose)
        .fetch_optional(&self.writer)
        .await?;
        row.map(|r| {
            Ok(StoredCode {
                code_hash: r.try_get("code_hash")?,
                expires_at: r.try_get("expires_at")?,
                attempts: r.try_get("attempts")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    async fn bump_code_attempts(&self, pool: &UserPoolId, username_key: &str, purpose: &str) -> StoreResult<i64> {
        let n: Option<i64> = sqlx::query_scalar(
            "UPDATE codes SET attempts = attempts + 1 WHERE pool_id = $1 AND username_key = $2 AND purpose = $3 RETURNING attempts",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(purpose)
        .fetch_optional(&self.writer)
        .await?;
        Ok(n.unwrap_or(0))
    }

    async fn take_code(&self, pool: &UserPoolId, username_key: &str, purpose: &str) -> StoreResult<bool> {
        let r = sqlx::query("DELETE FROM codes WHERE pool_id = $1 AND username_key = $2 AND purpose = $3")
            .bind(pool.as_str())
            .bind(username_key)
            .bind(purpose)
            .execute(&self.writer)
            .await?;
        Ok(r.rows_affected() > 0)
    }
}
