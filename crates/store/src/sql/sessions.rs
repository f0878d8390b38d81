use super::DbRow;
use super::DbStore;
use crate::{SessionKind, SessionStore, StoreError, StoreResult, UserSession};
use async_trait::async_trait;
use cognate_model::UserPoolId;
use sqlx::Row;

fn session_from_row(r: &DbRow) -> StoreResult<UserSession> {
    let kind: String = r.try_get("kind")?;
    Ok(UserSession {
        pool_id: UserPoolId::new(r.try_get::<String, _>("pool_id")?),
        session_id: r.try_get("session_id")?,
        username_key: r.try_get("username_key")?,
        kind: match kind.as_str() {
            "TOKEN" => SessionKind::Token,
            "SSO" => SessionKind::Sso,
            other => return Err(StoreError::Backend(format!("unknown session kind {other}"))),
        },
        session_key: r.try_get("session_key")?,
        origin_session: r.try_get("origin_session")?,
        client_id: r.try_get("client_id")?,
        device_type: r.try_get("device_type")?,
        ip: r.try_get("ip")?,
        created_at: r.try_get("created_at")?,
        last_active_at: r.try_get("last_active_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

#[async_trait]
impl SessionStore for DbStore {
    async fn put_session(&self, s: &UserSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_sessions (pool_id, session_id, username_key, kind, session_key, origin_session, client_id, \
             device_type, ip, created_at, last_active_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (pool_id, session_id) DO UPDATE SET last_active_at = excluded.last_active_at, ip = excluded.ip, \
             device_type = excluded.device_type, expires_at = CASE WHEN excluded.expires_at > user_sessions.expires_at \
             THEN excluded.expires_at ELSE user_sessions.expires_at END",
        )
        .bind(s.pool_id.as_str())
        .bind(&s.session_id)
        .bind(&s.username_key)
        .bind(s.kind.as_str())
        .bind(&s.session_key)
        .bind(&s.origin_session)
        .bind(&s.client_id)
        .bind(&s.device_type)
        .bind(&s.ip)
        .bind(s.created_at)
        .bind(s.last_active_at)
        .bind(s.expires_at)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => e.into(),
        })?;
        Ok(())
    }

    async fn touch_session(
        &self,
        pool: &UserPoolId,
        session_id: &str,
        now: i64,
        ip: Option<&str>,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE user_sessions SET last_active_at = $1, ip = COALESCE($2, ip), expires_at = CASE WHEN $3 > expires_at \
             THEN $3 ELSE expires_at END WHERE pool_id = $4 AND session_id = $5",
        )
        .bind(now)
        .bind(ip)
        .bind(expires_at)
        .bind(pool.as_str())
        .bind(session_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_sessions(&self, pool: &UserPoolId, username_key: &str, now: i64) -> StoreResult<Vec<UserSession>> {
        sqlx::query(
            "SELECT * FROM user_sessions WHERE pool_id = $1 AND username_key = $2 AND expires_at > $3 \
             ORDER BY last_active_at DESC, session_id",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(now)
        .fetch_all(&self.writer)
        .await?
        .iter()
        .map(session_from_row)
        .collect()
    }

    async fn delete_sessions(&self, pool: &UserPoolId, session_ids: &[String]) -> StoreResult<u64> {
        let mut tx = self.writer.begin().await?;
        let mut n = 0;
        for id in session_ids {
            n += sqlx::query("DELETE FROM user_sessions WHERE pool_id = $1 AND session_id = $2")
                .bind(pool.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(n)
    }
}
