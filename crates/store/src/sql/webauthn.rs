use super::DbRow;
use super::DbStore;
use crate::{StoreError, StoreResult, WebAuthnCredential, WebAuthnStore};
use async_trait::async_trait;
use cognate_model::UserPoolId;
use sqlx::Row;

fn credential_from_row(r: &DbRow) -> StoreResult<WebAuthnCredential> {
    let transports: String = r.try_get("transports")?;
    Ok(WebAuthnCredential {
        pool_id: UserPoolId::new(r.try_get::<String, _>("pool_id")?),
        credential_id: r.try_get("credential_id")?,
        username_key: r.try_get("username_key")?,
        friendly_name: r.try_get("friendly_name")?,
        relying_party_id: r.try_get("relying_party_id")?,
        attachment: r.try_get("attachment")?,
        transports: serde_json::from_str(&transports).unwrap_or_default(),
        passkey: r.try_get("passkey")?,
        sign_count: r.try_get("sign_count")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
    })
}

#[async_trait]
impl WebAuthnStore for DbStore {
    async fn add_webauthn_credential(&self, c: &WebAuthnCredential) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO webauthn_credentials (pool_id, credential_id, username_key, friendly_name, relying_party_id, \
             attachment, transports, passkey, sign_count, created_at, last_used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(c.pool_id.as_str())
        .bind(&c.credential_id)
        .bind(&c.username_key)
        .bind(&c.friendly_name)
        .bind(&c.relying_party_id)
        .bind(&c.attachment)
        .bind(serde_json::to_string(&c.transports).unwrap_or_else(|_| "[]".into()))
        .bind(&c.passkey)
        .bind(c.sign_count)
        .bind(c.created_at)
        .bind(c.last_used_at)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("credential".into()),
            _ => e.into(),
        })?;
        Ok(())
    }

    async fn list_webauthn_credentials(
        &self,
        pool: &UserPoolId,
        username_key: &str,
    ) -> StoreResult<Vec<WebAuthnCredential>> {
        sqlx::query(
            "SELECT * FROM webauthn_credentials WHERE pool_id = $1 AND username_key = $2 ORDER BY created_at, credential_id",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .fetch_all(&self.writer)
        .await?
        .iter()
        .map(credential_from_row)
        .collect()
    }

    async fn get_webauthn_credential(
        &self,
        pool: &UserPoolId,
        credential_id: &str,
    ) -> StoreResult<Option<WebAuthnCredential>> {
        sqlx::query("SELECT * FROM webauthn_credentials WHERE pool_id = $1 AND credential_id = $2")
            .bind(pool.as_str())
            .bind(credential_id)
            .fetch_optional(&self.writer)
            .await?
            .as_ref()
            .map(credential_from_row)
            .transpose()
    }

    async fn use_webauthn_credential(
        &self,
        pool: &UserPoolId,
        credential_id: &str,
        passkey: &str,
        sign_count: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webauthn_credentials SET passkey = $1, sign_count = $2, last_used_at = $3 \
             WHERE pool_id = $4 AND credential_id = $5 AND (sign_count < $2 OR (sign_count = 0 AND $2 = 0))",
        )
        .bind(passkey)
        .bind(sign_count)
        .bind(now)
        .bind(pool.as_str())
        .bind(credential_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_webauthn_credential(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        credential_id: &str,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "DELETE FROM webauthn_credentials WHERE pool_id = $1 AND username_key = $2 AND credential_id = $3",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(credential_id)
        .execute(&self.writer)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
