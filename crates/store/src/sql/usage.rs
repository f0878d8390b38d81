//! Monthly active users (`UsageStore`): one row per pool, month and user, inserted once.

use super::DbStore;
use crate::{MonthlyActive, StoreResult, UsageStore};
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl UsageStore for DbStore {
    async fn record_active(&self, pool: &str, month: &str, username_key: &str, federated: bool) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT INTO monthly_active (pool_id, month, username_key, federated) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (pool_id, month, username_key) DO NOTHING",
        )
        .bind(pool)
        .bind(month)
        .bind(username_key)
        .bind(federated)
        .execute(&self.writer)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn active_users(&self, pool: Option<&str>, month: Option<&str>) -> StoreResult<Vec<MonthlyActive>> {
        let rows = sqlx::query(
            "SELECT pool_id, month, \
             SUM(CASE WHEN federated THEN 0 ELSE 1 END) AS users, SUM(CASE WHEN federated THEN 1 ELSE 0 END) AS federated \
             FROM monthly_active WHERE ($1 = '' OR pool_id = $1) AND ($2 = '' OR month = $2) \
             GROUP BY month, pool_id ORDER BY month, pool_id",
        )
        .bind(pool.unwrap_or(""))
        .bind(month.unwrap_or(""))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MonthlyActive {
                    pool_id: r.try_get("pool_id")?,
                    month: r.try_get("month")?,
                    users: r.try_get::<i64, _>("users")? as u64,
                    federated: r.try_get::<i64, _>("federated")? as u64,
                })
            })
            .collect()
    }
}
