use super::rows::user_from_row;
use super::DbRow;
use super::{conflict_or, DbStore};
use crate::{GroupStore, StoreError, StoreResult};
use async_trait::async_trait;
use cognate_model::{Group, User, UserPoolId};
use sqlx::Row;

fn group_from_row(row: &DbRow) -> StoreResult<Group> {
    Ok(Group {
        pool_id: UserPoolId::new(row.try_get::<String, _>("pool_id")?),
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        role_arn: row.try_get("role_arn")?,
        precedence: row.try_get("precedence")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A user's groups, joined to `users u` (one row per membership, NULL when there is none).
pub(super) const GROUPS_OF_U: &str =
    "LEFT JOIN group_members m ON m.pool_id = u.pool_id AND m.username_key = u.username_key \
     LEFT JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name";
/// The group columns of [`GROUPS_OF_U`], aliased to share a row with the user's.
pub(super) const GROUP_COLUMNS: &str = "g.name AS g_name, g.description AS g_description, g.role_arn AS g_role_arn, \
     g.precedence AS g_precedence, g.created_at AS g_created_at, g.updated_at AS g_updated_at";

/// The groups of rows read with [`GROUP_COLUMNS`].
pub(super) fn groups_from_rows(rows: &[DbRow], pool: &UserPoolId) -> StoreResult<Vec<Group>> {
    let mut groups = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(name) = row.try_get::<Option<String>, _>("g_name")? else { continue };
        groups.push(Group {
            pool_id: pool.clone(),
            name,
            description: row.try_get("g_description")?,
            role_arn: row.try_get("g_role_arn")?,
            precedence: row.try_get("g_precedence")?,
            created_at: row.try_get("g_created_at")?,
            updated_at: row.try_get("g_updated_at")?,
        });
    }
    Ok(groups)
}

fn fk_is_not_found(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    }
}

#[async_trait]
impl GroupStore for DbStore {
    async fn create_group(&self, g: &Group) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(g.pool_id.as_str())
        .bind(&g.name)
        .bind(&g.description)
        .bind(&g.role_arn)
        .bind(g.precedence)
        .bind(g.created_at)
        .bind(g.updated_at)
        .execute(&self.writer)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => conflict_or(e, "name"),
        })?;
        Ok(())
    }

    async fn get_group(&self, pool: &UserPoolId, name: &str) -> StoreResult<Option<Group>> {
        sqlx::query("SELECT * FROM groups WHERE pool_id = $1 AND name = $2")
            .bind(pool.as_str())
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| group_from_row(&r))
            .transpose()
    }

    async fn update_group(&self, g: &Group) -> StoreResult<()> {
        let r = sqlx::query(
            "UPDATE groups SET description = $1, role_arn = $2, precedence = $3, updated_at = $4 WHERE pool_id = $5 AND name = $6",
        )
        .bind(&g.description)
        .bind(&g.role_arn)
        .bind(g.precedence)
        .bind(g.updated_at)
        .bind(g.pool_id.as_str())
        .bind(&g.name)
        .execute(&self.writer)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_group(&self, pool: &UserPoolId, name: &str) -> StoreResult<()> {
        let r = sqlx::query("DELETE FROM groups WHERE pool_id = $1 AND name = $2")
            .bind(pool.as_str())
            .bind(name)
            .execute(&self.writer)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn list_groups(&self, pool: &UserPoolId, after: Option<&str>, limit: usize) -> StoreResult<Vec<Group>> {
        sqlx::query("SELECT * FROM groups WHERE pool_id = $1 AND name > $2 ORDER BY name LIMIT $3")
            .bind(pool.as_str())
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(group_from_row)
            .collect()
    }

    async fn add_member(&self, pool: &UserPoolId, group: &str, username_key: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_name, username_key) VALUES ($1, $2, $3) \
             ON CONFLICT (pool_id, group_name, username_key) DO NOTHING",
        )
        .bind(pool.as_str())
        .bind(group)
        .bind(username_key)
        .execute(&self.writer)
        .await
        .map_err(fk_is_not_found)?;
        Ok(())
    }

    async fn remove_member(&self, pool: &UserPoolId, group: &str, username_key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND username_key = $3")
            .bind(pool.as_str())
            .bind(group)
            .bind(username_key)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn user_with_groups(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Option<(User, Vec<Group>)>> {
        // One row per membership (one row with NULL group columns when there is none).
        let rows = sqlx::query(&format!(
            "SELECT u.*, {GROUP_COLUMNS} FROM users u {GROUPS_OF_U} \
             WHERE u.pool_id = $1 AND u.username_key = $2 ORDER BY g.name"
        ))
        .bind(pool.as_str())
        .bind(username_key)
        .fetch_all(&self.reader)
        .await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let user = user_from_row(first)?;
        let groups = groups_from_rows(&rows, pool)?;
        Ok(Some((user, groups)))
    }

    async fn groups_of_user(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Group>> {
        sqlx::query(
            "SELECT g.* FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.pool_id = $1 AND m.username_key = $2 AND m.group_name > $3 ORDER BY m.group_name LIMIT $4",
        )
        .bind(pool.as_str())
        .bind(username_key)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(group_from_row)
        .collect()
    }

    async fn users_in_group(
        &self,
        pool: &UserPoolId,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<User>> {
        sqlx::query(
            "SELECT u.* FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.username_key = m.username_key \
             WHERE m.pool_id = $1 AND m.group_name = $2 AND m.username_key > $3 ORDER BY m.username_key LIMIT $4",
        )
        .bind(pool.as_str())
        .bind(group)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(user_from_row)
        .collect()
    }
}
