//! Federated identity providers (`IdentityProviderStore`): one document per provider, and its
//! `IdpIdentifiers` as rows whose primary key makes each unique within the pool.

use super::Db;
use super::DbStore;
use crate::{IdentityProviderStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{IdentityProvider, ProviderLink, UserPoolId};
use sqlx::{Row, Transaction};

fn from_doc(doc: &str) -> StoreResult<IdentityProvider> {
    Ok(serde_json::from_str(doc)?)
}

fn conflict(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.into()),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    }
}

async fn insert_identifiers(tx: &mut Transaction<'_, Db>, p: &IdentityProvider) -> StoreResult<()> {
    for id in &p.identifiers {
        sqlx::query("INSERT INTO idp_identifiers (pool_id, identifier, name) VALUES ($1, $2, $3)")
            .bind(p.pool_id.as_str())
            .bind(id)
            .bind(&p.name)
            .execute(&mut **tx)
            .await
            .map_err(|e| conflict(e, &format!("identifier:{id}")))?;
    }
    Ok(())
}

#[async_trait]
impl IdentityProviderStore for DbStore {
    async fn create_provider(&self, p: &IdentityProvider) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            sqlx::query("INSERT INTO identity_providers (pool_id, name, document) VALUES ($1, $2, $3)")
                .bind(p.pool_id.as_str())
                .bind(&p.name)
                .bind(serde_json::to_string(p)?)
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict(e, "name"))?;
            insert_identifiers(&mut tx, p).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn get_provider(&self, pool: &UserPoolId, name: &str) -> StoreResult<Option<IdentityProvider>> {
        sqlx::query("SELECT document FROM identity_providers WHERE pool_id = $1 AND name = $2")
            .bind(pool.as_str())
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| from_doc(&r.try_get::<String, _>("document")?))
            .transpose()
    }

    async fn provider_by_identifier(
        &self,
        pool: &UserPoolId,
        identifier: &str,
    ) -> StoreResult<Option<IdentityProvider>> {
        sqlx::query(
            "SELECT p.document FROM idp_identifiers i \
             JOIN identity_providers p ON p.pool_id = i.pool_id AND p.name = i.name \
             WHERE i.pool_id = $1 AND i.identifier = $2",
        )
        .bind(pool.as_str())
        .bind(identifier)
        .fetch_optional(&self.reader)
        .await?
        .map(|r| from_doc(&r.try_get::<String, _>("document")?))
        .transpose()
    }

    async fn list_providers(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<IdentityProvider>> {
        sqlx::query("SELECT document FROM identity_providers WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3")
            .bind(pool.as_str())
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(|r| from_doc(&r.try_get::<String, _>("document")?))
            .collect()
    }

    async fn count_providers(&self, pool: &UserPoolId) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identity_providers WHERE pool_id = $1")
            .bind(pool.as_str())
            .fetch_one(&self.reader)
            .await?;
        Ok(n as u64)
    }

    async fn update_provider(&self, p: &IdentityProvider) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let r = sqlx::query("UPDATE identity_providers SET document = $1 WHERE pool_id = $2 AND name = $3")
                .bind(serde_json::to_string(p)?)
                .bind(p.pool_id.as_str())
                .bind(&p.name)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM idp_identifiers WHERE pool_id = $1 AND name = $2")
                .bind(p.pool_id.as_str())
                .bind(&p.name)
                .execute(&mut *tx)
                .await?;
            insert_identifiers(&mut tx, p).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn delete_provider(&self, pool: &UserPoolId, name: &str) -> StoreResult<()> {
        crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            sqlx::query("DELETE FROM provider_links WHERE pool_id = $1 AND provider_name = $2")
                .bind(pool.as_str())
                .bind(name)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM idp_identifiers WHERE pool_id = $1 AND name = $2")
                .bind(pool.as_str())
                .bind(name)
                .execute(&mut *tx)
                .await?;
            let r = sqlx::query("DELETE FROM identity_providers WHERE pool_id = $1 AND name = $2")
                .bind(pool.as_str())
                .bind(name)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn link_provider(&self, l: &ProviderLink, max: u64) -> StoreResult<bool> {
        // The count and the insert in one statement, so two links at once cannot both pass it.
        let r = sqlx::query(
            "INSERT INTO provider_links (pool_id, provider_name, subject, attribute_name, username_key, created_at) \
             SELECT $1, $2, $3, $4, $5, $6 \
             WHERE (SELECT COUNT(*) FROM provider_links WHERE pool_id = $1 AND username_key = $5) < $7",
        )
        .bind(l.pool_id.as_str())
        .bind(&l.provider_name)
        .bind(&l.subject)
        .bind(&l.attribute_name)
        .bind(&l.username_key)
        .bind(l.created_at)
        .bind(max as i64)
        .execute(&self.writer)
        .await
        .map_err(|e| conflict(e, "link"))?;
        Ok(r.rows_affected() == 1)
    }

    async fn provider_link(
        &self,
        pool: &UserPoolId,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<ProviderLink>> {
        sqlx::query("SELECT * FROM provider_links WHERE pool_id = $1 AND provider_name = $2 AND subject = $3")
            .bind(pool.as_str())
            .bind(provider)
            .bind(subject)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| link_from_row(&r))
            .transpose()
    }

    async fn unlink_provider(&self, pool: &UserPoolId, provider: &str, subject: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM provider_links WHERE pool_id = $1 AND provider_name = $2 AND subject = $3")
            .bind(pool.as_str())
            .bind(provider)
            .bind(subject)
            .execute(&self.writer)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn links_of_user(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Vec<ProviderLink>> {
        sqlx::query(
            "SELECT * FROM provider_links WHERE pool_id = $1 AND username_key = $2 ORDER BY provider_name, subject",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(link_from_row)
        .collect()
    }
}

fn link_from_row(r: &super::DbRow) -> StoreResult<ProviderLink> {
    Ok(ProviderLink {
        pool_id: UserPoolId::new(r.try_get::<String, _>("pool_id")?),
        provider_name: r.try_get("provider_name")?,
        attribute_name: r.try_get("attribute_name")?,
        subject: r.try_get("subject")?,
        username_key: r.try_get("username_key")?,
        created_at: r.try_get("created_at")?,
    })
}
