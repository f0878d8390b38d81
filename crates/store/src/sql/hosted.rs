//! The hosted UI's state: domains, resource servers, UI customization and branding, and the
//! reads every OAuth request starts with. Each row keeps its entity as a JSON document beside the columns it is
//! looked up by.

use super::groups::{groups_from_rows, GROUPS_OF_U, GROUP_COLUMNS};
use super::rows::user_from_row;
use super::DbRow;
use super::DbStore;
use crate::{HostedUiStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{
    AppClient, ClientId, Group, ManagedLoginBranding, PoolDomain, ResourceServer, UiCustomization, User, UserPool,
    UserPoolId,
};
use serde::de::DeserializeOwned;
use sqlx::Row;

fn doc<T: DeserializeOwned>(row: &DbRow, column: &str) -> StoreResult<T> {
    Ok(serde_json::from_str(&row.try_get::<String, _>(column)?)?)
}

fn conflict_or(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.into()),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    }
}

/// The columns of an app client with its pool and whether the pool has a domain, aliased so
/// that they can share a row with a user's.
const OAUTH_CLIENT_COLUMNS: &str = "c.client_id AS c_client_id, c.pool_id AS c_pool_id, c.name AS c_name, \
     c.secret_sealed AS c_secret_sealed, c.created_at AS c_created_at, c.updated_at AS c_updated_at, \
     c.settings AS c_settings, p.name AS p_name, p.created_at AS p_created_at, p.updated_at AS p_updated_at, \
     p.settings AS p_settings, \
     EXISTS (SELECT 1 FROM user_pool_domains d WHERE d.pool_id = c.pool_id) AS has_domain";
const OAUTH_CLIENT_FROM: &str = "FROM app_clients c JOIN user_pools p ON p.id = c.pool_id";

fn oauth_client_from_row(r: &DbRow) -> StoreResult<(AppClient, UserPool, bool)> {
    let pool_id = UserPoolId::new(r.try_get::<String, _>("c_pool_id")?);
    let settings: String = r.try_get("c_settings")?;
    let c = AppClient {
        pool_id: pool_id.clone(),
        client_id: ClientId::new(r.try_get::<String, _>("c_client_id")?),
        name: r.try_get("c_name")?,
        secret_sealed: r.try_get("c_secret_sealed")?,
        created_at: r.try_get("c_created_at")?,
        updated_at: r.try_get("c_updated_at")?,
        settings: serde_json::from_str(&settings)?,
    };
    let pool_settings: String = r.try_get("p_settings")?;
    let p = UserPool {
        id: pool_id,
        name: r.try_get("p_name")?,
        created_at: r.try_get("p_created_at")?,
        updated_at: r.try_get("p_updated_at")?,
        settings: cognate_model::PoolSettings::from_stored(&pool_settings)?,
    };
    Ok((c, p, r.try_get::<bool, _>("has_domain")?))
}

fn found(rows: u64) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// The key of a UI customization: the client id, or `ALL` for the pool's.
fn client_key(client: Option<&ClientId>) -> &str {
    client.map(ClientId::as_str).unwrap_or("ALL")
}

#[async_trait]
impl HostedUiStore for DbStore {
    async fn create_domain(&self, d: &PoolDomain) -> StoreResult<()> {
        let r =
            sqlx::query("INSERT INTO user_pool_domains (domain, pool_id, custom, document) VALUES ($1, $2, $3, $4)")
                .bind(&d.domain)
                .bind(d.pool_id.as_str())
                .bind(d.custom)
                .bind(serde_json::to_string(d)?)
                .execute(&self.writer)
                .await
                .map_err(|e| conflict_or(e, "domain"));
        self.cache.forget_domains();
        r?;
        Ok(())
    }

    async fn get_domain(&self, domain: &str) -> StoreResult<Option<PoolDomain>> {
        sqlx::query("SELECT document FROM user_pool_domains WHERE domain = $1")
            .bind(domain)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| doc(&r, "document"))
            .transpose()
    }

    async fn domains_of_pool(&self, pool: &UserPoolId) -> StoreResult<Vec<PoolDomain>> {
        if let Some(d) = self.cache.domains(pool.as_str()) {
            return Ok((*d).clone());
        }
        let since = self.cache.generation();
        let domains: Vec<PoolDomain> =
            sqlx::query("SELECT document FROM user_pool_domains WHERE pool_id = $1 ORDER BY domain")
                .bind(pool.as_str())
                .fetch_all(&self.reader)
                .await?
                .iter()
                .map(|r| doc(r, "document"))
                .collect::<StoreResult<_>>()?;
        self.cache.put_domains(since, pool.as_str(), domains.clone());
        Ok(domains)
    }

    async fn oauth_client(&self, client: &ClientId) -> StoreResult<Option<(AppClient, UserPool, bool)>> {
        let row = sqlx::query(&format!("SELECT {OAUTH_CLIENT_COLUMNS} {OAUTH_CLIENT_FROM} WHERE c.client_id = $1"))
            .bind(client.as_str())
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(oauth_client_from_row).transpose()
    }

    async fn oauth_client_and_user(
        &self,
        client: &ClientId,
        username_key: &str,
    ) -> StoreResult<Option<((AppClient, UserPool, bool), Option<(User, Vec<Group>)>)>> {
        // One row per membership of the user (one with NULL user or group columns when there
        // is no such user or no membership).
        let rows = sqlx::query(&format!(
            "SELECT {OAUTH_CLIENT_COLUMNS}, u.*, {GROUP_COLUMNS} {OAUTH_CLIENT_FROM} \
             LEFT JOIN users u ON u.pool_id = c.pool_id AND u.username_key = $2 {GROUPS_OF_U} \
             WHERE c.client_id = $1 ORDER BY g.name"
        ))
        .bind(client.as_str())
        .bind(username_key)
        .fetch_all(&self.reader)
        .await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let found = oauth_client_from_row(first)?;
        let user = match first.try_get::<Option<String>, _>("username_key")? {
            Some(_) => Some((user_from_row(first)?, groups_from_rows(&rows, &found.1.id)?)),
            None => None,
        };
        Ok(Some((found, user)))
    }

    async fn update_domain(&self, d: &PoolDomain) -> StoreResult<()> {
        let r = sqlx::query("UPDATE user_pool_domains SET document = $1 WHERE domain = $2 AND pool_id = $3")
            .bind(serde_json::to_string(d)?)
            .bind(&d.domain)
            .bind(d.pool_id.as_str())
            .execute(&self.writer)
            .await;
        self.cache.forget_domains();
        found(r?.rows_affected())
    }

    async fn delete_domain(&self, domain: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM user_pool_domains WHERE domain = $1").bind(domain).execute(&self.writer).await;
        self.cache.forget_domains();
        found(r?.rows_affected())
    }

    async fn put_resource_server(&self, rs: &ResourceServer, create: bool) -> StoreResult<()> {
        let document = serde_json::to_string(rs)?;
        if create {
            sqlx::query("INSERT INTO resource_servers (pool_id, identifier, document) VALUES ($1, $2, $3)")
                .bind(rs.pool_id.as_str())
                .bind(&rs.identifier)
                .bind(document)
                .execute(&self.writer)
                .await
                .map_err(|e| conflict_or(e, "identifier"))?;
            return Ok(());
        }
        let r = sqlx::query("UPDATE resource_servers SET document = $1 WHERE pool_id = $2 AND identifier = $3")
            .bind(document)
            .bind(rs.pool_id.as_str())
            .bind(&rs.identifier)
            .execute(&self.writer)
            .await?;
        found(r.rows_affected())
    }

    async fn get_resource_server(&self, pool: &UserPoolId, identifier: &str) -> StoreResult<Option<ResourceServer>> {
        sqlx::query("SELECT document FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
            .bind(pool.as_str())
            .bind(identifier)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| doc(&r, "document"))
            .transpose()
    }

    async fn list_resource_servers(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ResourceServer>> {
        sqlx::query(
            "SELECT document FROM resource_servers WHERE pool_id = $1 AND identifier > $2 ORDER BY identifier LIMIT $3",
        )
        .bind(pool.as_str())
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| doc(r, "document"))
        .collect()
    }

    async fn delete_resource_server(&self, pool: &UserPoolId, identifier: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
            .bind(pool.as_str())
            .bind(identifier)
            .execute(&self.writer)
            .await?;
        found(r.rows_affected())
    }

    async fn put_ui_customization(&self, c: &UiCustomization) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO ui_customizations (pool_id, client_key, document) VALUES ($1, $2, $3) \
             ON CONFLICT (pool_id, client_key) DO UPDATE SET document = excluded.document",
        )
        .bind(c.pool_id.as_str())
        .bind(client_key(c.client_id.as_ref()))
        .bind(serde_json::to_string(c)?)
        .execute(&self.writer)
        .await
        .map_err(|e| conflict_or(e, "client"))?;
        Ok(())
    }

    async fn get_ui_customization(
        &self,
        pool: &UserPoolId,
        client: Option<&ClientId>,
    ) -> StoreResult<Option<UiCustomization>> {
        sqlx::query("SELECT document FROM ui_customizations WHERE pool_id = $1 AND client_key = $2")
            .bind(pool.as_str())
            .bind(client_key(client))
            .fetch_optional(&self.reader)
            .await?
            .map(|r| doc(&r, "document"))
            .transpose()
    }

    async fn create_branding(&self, b: &ManagedLoginBranding) -> StoreResult<()> {
        sqlx::query("INSERT INTO managed_login_brandings (id, pool_id, client_id, document) VALUES ($1, $2, $3, $4)")
            .bind(&b.id)
            .bind(b.pool_id.as_str())
            .bind(b.client_id.as_str())
            .bind(serde_json::to_string(b)?)
            .execute(&self.writer)
            .await
            .map_err(|e| conflict_or(e, "client"))?;
        Ok(())
    }

    async fn get_branding(&self, pool: &UserPoolId, id: &str) -> StoreResult<Option<ManagedLoginBranding>> {
        sqlx::query("SELECT document FROM managed_login_brandings WHERE pool_id = $1 AND id = $2")
            .bind(pool.as_str())
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| doc(&r, "document"))
            .transpose()
    }

    async fn branding_of_client(
        &self,
        pool: &UserPoolId,
        client: &ClientId,
    ) -> StoreResult<Option<ManagedLoginBranding>> {
        sqlx::query("SELECT document FROM managed_login_brandings WHERE pool_id = $1 AND client_id = $2")
            .bind(pool.as_str())
            .bind(client.as_str())
            .fetch_optional(&self.reader)
            .await?
            .map(|r| doc(&r, "document"))
            .transpose()
    }

    async fn update_branding(&self, b: &ManagedLoginBranding) -> StoreResult<()> {
        let r = sqlx::query("UPDATE managed_login_brandings SET document = $1 WHERE pool_id = $2 AND id = $3")
            .bind(serde_json::to_string(b)?)
            .bind(b.pool_id.as_str())
            .bind(&b.id)
            .execute(&self.writer)
            .await?;
        found(r.rows_affected())
    }

    async fn delete_branding(&self, pool: &UserPoolId, id: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM managed_login_brandings WHERE pool_id = $1 AND id = $2")
            .bind(pool.as_str())
            .bind(id)
            .execute(&self.writer)
            .await?;
        found(r.rows_affected())
    }
}
