use super::users::{bind_all, Bind};
use super::DbStore;
use crate::{AuthEventStore, IpActivity, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::risk::{AuthEvent, EventResponse, EventTrace, TRACE_HISTORY};
use cognate_model::UserPoolId;
use sqlx::Row;
use std::sync::Arc;

/// The most failures [`AuthEventStore::ip_activity`] counts.
const IP_ACTIVITY_CAP: i64 = 200;

fn event_of(body: &str) -> StoreResult<AuthEvent> {
    serde_json::from_str(body).map_err(|e| StoreError::Backend(format!("auth event: {e}")))
}

#[async_trait]
impl AuthEventStore for DbStore {
    async fn put_auth_event(&self, pool: &UserPoolId, e: &AuthEvent) -> StoreResult<()> {
        let body = serde_json::to_string(e).map_err(|e| StoreError::Backend(e.to_string()))?;
        // An update (same id) keeps the event's user and time: the traces rely on it.
        let r = sqlx::query(
            "INSERT INTO auth_events (pool_id, event_id, username_key, created_at, ip, failed, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (pool_id, event_id) DO UPDATE SET \
             failed = excluded.failed, body = excluded.body",
        )
        .bind(pool.as_str())
        .bind(&e.event_id)
        .bind(&e.username_key)
        .bind(e.created_at)
        .bind(&e.ip)
        .bind(i64::from(e.response == EventResponse::Fail))
        .bind(body)
        .execute(&self.writer)
        .await;
        // Committed or not (an error may follow a commit), the cached traces hold it now or
        // are dropped.
        match &r {
            Ok(_) => self.cache.note_event(pool.as_str(), &e.username_key, EventTrace::of(e)),
            Err(_) => self.cache.forget_traces(pool.as_str(), &e.username_key),
        }
        r.map_err(|err| match &err {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => err.into(),
        })?;
        Ok(())
    }

    async fn get_auth_event(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        event_id: &str,
    ) -> StoreResult<Option<AuthEvent>> {
        let row =
            sqlx::query("SELECT body FROM auth_events WHERE pool_id = $1 AND event_id = $2 AND username_key = $3")
                .bind(pool.as_str())
                .bind(event_id)
                .bind(username_key)
                .fetch_optional(&self.reader)
                .await?;
        row.map(|r| event_of(&r.try_get::<String, _>("body")?)).transpose()
    }

    async fn list_auth_events(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<(i64, &str)>,
        limit: u32,
    ) -> StoreResult<Vec<AuthEvent>> {
        let (at, id) = after.unwrap_or((i64::MAX, ""));
        const SQL: &str = "SELECT body FROM auth_events WHERE pool_id = $1 AND username_key = $2 \
             AND (created_at < $3 OR (created_at = $3 AND event_id < $4) OR $5 = 0) \
             ORDER BY created_at DESC, event_id DESC LIMIT $6";
        // Inline where the backend can (a sign-in's assessment reads this: no worker-thread hop).
        let binds = [
            Bind::Text(pool.as_str().to_string()),
            Bind::Text(username_key.to_string()),
            Bind::Int(at),
            Bind::Text(id.to_string()),
            Bind::Int(i64::from(after.is_some())),
            Bind::Int(i64::from(limit)),
        ];
        if let Some(bodies) = self.inline_rows(SQL, &binds, |r| r.get::<_, String>("body")) {
            return bodies.iter().map(|b| event_of(b)).collect();
        }
        let rows = bind_all(sqlx::query(SQL), &binds).fetch_all(&self.reader).await?;
        rows.iter().map(|r| event_of(&r.try_get::<String, _>("body")?)).collect()
    }

    async fn event_traces(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Arc<Vec<EventTrace>>> {
        if let Some(t) = self.cache.traces(pool.as_str(), username_key) {
            return Ok(t);
        }
        let since = self.cache.generation();
        let events = self.list_auth_events(pool, username_key, None, TRACE_HISTORY as u32).await?;
        let traces = Arc::new(events.iter().map(EventTrace::of).collect::<Vec<_>>());
        self.cache.put_traces(since, pool.as_str(), username_key, traces.clone());
        Ok(traces)
    }

    async fn ip_activity(&self, pool: &UserPoolId, ip: &str, since: i64) -> StoreResult<IpActivity> {
        // At most IP_ACTIVITY_CAP failures are looked at: the signals need thresholds, and an
        // address under attack must not make each assessment slower.
        const SQL: &str =
            "SELECT COUNT(*) AS failures, COUNT(DISTINCT username_key) AS users FROM (SELECT username_key \
             FROM auth_events WHERE pool_id = $1 AND ip = $2 AND failed = 1 AND created_at >= $3 LIMIT $4) AS recent";
        let binds = [
            Bind::Text(pool.as_str().to_string()),
            Bind::Text(ip.to_string()),
            Bind::Int(since),
            Bind::Int(IP_ACTIVITY_CAP),
        ];
        let inline = self.inline_rows(SQL, &binds, |r| Ok((r.get::<_, i64>("failures")?, r.get::<_, i64>("users")?)));
        if let Some(&(failures, users)) = inline.as_ref().and_then(|v| v.first()) {
            return Ok(IpActivity { failures: failures.max(0) as u64, failed_users: users.max(0) as u64 });
        }
        let r = bind_all(sqlx::query(SQL), &binds).fetch_one(&self.reader).await?;
        let failures: i64 = r.try_get("failures")?;
        let users: i64 = r.try_get("users")?;
        Ok(IpActivity { failures: failures.max(0) as u64, failed_users: users.max(0) as u64 })
    }

    async fn prune_auth_events(&self, before: i64) -> StoreResult<u64> {
        let done =
            sqlx::query("DELETE FROM auth_events WHERE created_at < $1").bind(before).execute(&self.writer).await;
        self.cache.forget_all_traces();
        Ok(done?.rows_affected())
    }
}
