use super::DbRow;
use super::DbStore;
use crate::{DeviceStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{Device, DeviceStatus, UserPoolId};
use sqlx::Row;

fn device_from_row(r: &DbRow) -> StoreResult<Device> {
    Ok(Device {
        pool_id: UserPoolId::new(r.try_get::<String, _>("pool_id")?),
        username_key: r.try_get("username_key")?,
        device_key: r.try_get("device_key")?,
        group_key: r.try_get("group_key")?,
        name: r.try_get("name")?,
        status: {
            let s: String = r.try_get("status")?;
            DeviceStatus::parse(&s).ok_or_else(|| StoreError::Backend(format!("unknown device status {s}")))?
        },
        confirmed: r.try_get("confirmed")?,
        verifier: r.try_get("verifier")?,
        last_ip: r.try_get("last_ip")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        last_auth_at: r.try_get("last_auth_at")?,
    })
}

#[async_trait]
impl DeviceStore for DbStore {
    async fn put_device(&self, d: &Device) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO devices (pool_id, username_key, device_key, group_key, name, status, confirmed, verifier, last_ip, \
             created_at, updated_at, last_auth_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (pool_id, device_key) DO UPDATE SET name = excluded.name, status = excluded.status, \
             confirmed = excluded.confirmed, verifier = excluded.verifier, last_ip = excluded.last_ip, \
             updated_at = excluded.updated_at, last_auth_at = excluded.last_auth_at",
        )
        .bind(d.pool_id.as_str())
        .bind(&d.username_key)
        .bind(&d.device_key)
        .bind(&d.group_key)
        .bind(&d.name)
        .bind(d.status.as_str())
        .bind(d.confirmed)
        .bind(&d.verifier)
        .bind(&d.last_ip)
        .bind(d.created_at)
        .bind(d.updated_at)
        .bind(d.last_auth_at)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => e.into(),
        })?;
        Ok(())
    }

    async fn get_device(&self, pool: &UserPoolId, device_key: &str) -> StoreResult<Option<Device>> {
        sqlx::query("SELECT * FROM devices WHERE pool_id = $1 AND device_key = $2")
            .bind(pool.as_str())
            .bind(device_key)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| device_from_row(&r))
            .transpose()
    }

    async fn delete_device(&self, pool: &UserPoolId, device_key: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM devices WHERE pool_id = $1 AND device_key = $2")
            .bind(pool.as_str())
            .bind(device_key)
            .execute(&self.writer)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn list_devices(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Device>> {
        sqlx::query(
            "SELECT * FROM devices WHERE pool_id = $1 AND username_key = $2 AND device_key > $3 ORDER BY device_key LIMIT $4",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(device_from_row)
        .collect()
    }
}
