use super::rows::{indexed_values, user_from_row, USER_COLUMNS};
use super::Db;
use super::{conflict_or, DbStore};
use crate::{FilterColumn, StoreError, StoreResult, UserCursor, UserFilter, UserPage, UserStore};
use async_trait::async_trait;
use cognate_model::{User, UserPoolId};
use sqlx::Transaction;

fn column(c: FilterColumn) -> &'static str {
    match c {
        FilterColumn::Username => "username_key",
        FilterColumn::Email => "email",
        FilterColumn::PhoneNumber => "phone_number",
        FilterColumn::Name => "name",
        FilterColumn::GivenName => "given_name",
        FilterColumn::FamilyName => "family_name",
        FilterColumn::PreferredUsername => "preferred_username",
        FilterColumn::Sub => "sub",
    }
}

/// The smallest string greater than every string starting with `prefix`, if there is one.
pub(super) fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = last as u32 + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

pub(super) async fn insert_keys(tx: &mut Transaction<'_, Db>, user: &User, keys: &[String]) -> StoreResult<()> {
    for key in keys {
        sqlx::query("INSERT INTO user_keys (pool_id, key, username_key) VALUES ($1, $2, $3)")
            .bind(user.pool_id.as_str())
            .bind(key)
            .bind(&user.username_key)
            .execute(&mut **tx)
            .await
            .map_err(|e| conflict_or(e, key))?;
    }
    Ok(())
}

/// Inserts a user row and its keys. Errors: `Conflict` (name or key taken), `NotFound` (no pool).
pub(super) async fn insert_user(tx: &mut Transaction<'_, Db>, user: &User, keys: &[String]) -> StoreResult<()> {
    let idx = indexed_values(user);
    sqlx::query(&format!(
        "INSERT INTO users ({USER_COLUMNS}, email, phone_number, name, given_name, family_name, preferred_username) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
    ))
    .bind(user.pool_id.as_str())
    .bind(&user.username_key)
    .bind(&user.username)
    .bind(&user.sub)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(serde_json::to_string(&user.attributes)?)
    .bind(&user.password_hash)
    .bind(user.password_set_at)
    .bind(0i64) // tokens_valid_after: legacy column, unused since revocation is per session
    .bind(user.created_at)
    .bind(user.updated_at)
    .bind(user.version)
    .bind(serde_json::to_string(&user.mfa)?)
    .bind(&user.srp_verifier)
    .bind(serde_json::to_string(&user.pending_attributes)?)
    .bind(&idx[0])
    .bind(&idx[1])
    .bind(&idx[2])
    .bind(&idx[3])
    .bind(&idx[4])
    .bind(&idx[5])
    .execute(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => conflict_or(e, "username"),
    })?;
    insert_keys(tx, user, keys).await
}

/// The user as it is now, inside the transaction.
pub(super) async fn current_user(
    tx: &mut Transaction<'_, Db>,
    pool: &UserPoolId,
    key: &str,
) -> StoreResult<Option<User>> {
    sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE pool_id = $1 AND username_key = $2"))
        .bind(pool.as_str())
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| user_from_row(&r))
        .transpose()
}

/// True when the cached `user` is the stored row: always where this process makes every write;
/// on a shared database when the row found by `column` = `value` has the same sub and version
/// (a user deleted and made again has another sub; a restore puts back a version with the
/// content it had).
async fn confirmed(store: &DbStore, user: &User, column: &str, value: &str) -> StoreResult<bool> {
    if store.cache.coherence() == crate::cache::Coherence::Exclusive {
        return Ok(true);
    }
    let row: Option<(String, i64)> =
        sqlx::query_as(&format!("SELECT sub, version FROM users WHERE pool_id = $1 AND {column} = $2"))
            .bind(user.pool_id.as_str())
            .bind(value)
            .fetch_optional(&store.reader)
            .await?;
    Ok(row.is_some_and(|(sub, version)| sub == user.sub && version == user.version))
}

/// The user whose `column` is `value`: the cache's `hit` when it is confirmed current, else the
/// stored row (then cached).
async fn read_user(
    store: &DbStore,
    pool: &UserPoolId,
    column: &str,
    value: &str,
    hit: Option<std::sync::Arc<User>>,
) -> StoreResult<Option<User>> {
    if let Some(u) = hit {
        if confirmed(store, &u, column, value).await? {
            return Ok(Some((*u).clone()));
        }
    }
    let since = store.cache.generation();
    let u = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE pool_id = $1 AND {column} = $2"))
        .bind(pool.as_str())
        .bind(value)
        .fetch_optional(&store.reader)
        .await?
        .map(|r| user_from_row(&r))
        .transpose()?;
    if let Some(u) = &u {
        store.cache.put_user(since, u);
    }
    Ok(u)
}

/// Appends one entry to the change log: the user as it was before this write.
pub(super) async fn log_change(
    tx: &mut Transaction<'_, Db>,
    pool: &UserPoolId,
    key: &str,
    before: Option<&User>,
) -> StoreResult<()> {
    let before = before.map(serde_json::to_string).transpose()?;
    sqlx::query("INSERT INTO user_changes (pool_id, username_key, at, before) VALUES ($1, $2, $3, $4)")
        .bind(pool.as_str())
        .bind(key)
        .bind(cognate_model::now_millis())
        .bind(before)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl UserStore for DbStore {
    async fn create_user(&self, user: &User, keys: &[String]) -> StoreResult<()> {
        // Run again if the database aborts it (serialization failure, deadlock).
        let r = crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            insert_user(&mut tx, user, keys).await?;
            log_change(&mut tx, &user.pool_id, &user.username_key, None).await?;
            tx.commit().await?;
            Ok(())
        })
        .await;
        self.cache.forget_count(user.pool_id.as_str());
        r
    }

    async fn get_user(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Option<User>> {
        read_user(self, pool, "username_key", username_key, self.cache.user(pool.as_str(), username_key)).await
    }

    async fn get_user_by_sub(&self, pool: &UserPoolId, sub: &str) -> StoreResult<Option<User>> {
        read_user(self, pool, "sub", sub, self.cache.user_by_sub(pool.as_str(), sub)).await
    }

    async fn find_key(&self, pool: &UserPoolId, key: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT username_key FROM user_keys WHERE pool_id = $1 AND key = $2")
            .bind(pool.as_str())
            .bind(key)
            .fetch_optional(&self.reader)
            .await?)
    }

    async fn update_user(&self, user: &User, keys: Option<&[String]>) -> StoreResult<()> {
        // Run again if the database aborts it (serialization failure, deadlock).
        let r = crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let before = current_user(&mut tx, &user.pool_id, &user.username_key).await?;
            let idx = indexed_values(user);
            let r = sqlx::query(
                "UPDATE users SET status = $1, enabled = $2, attributes = $3, password_hash = $4, password_set_at = $5, \
                 tokens_valid_after = $6, updated_at = $7, version = version + 1, email = $8, phone_number = $9, name = $10, \
                 given_name = $11, family_name = $12, preferred_username = $13, mfa = $14, srp_verifier = $15, \
                 pending_attributes = $16 WHERE pool_id = $17 AND username_key = $18 AND version = $19",
            )
            .bind(user.status.as_str())
            .bind(user.enabled)
            .bind(serde_json::to_string(&user.attributes)?)
            .bind(&user.password_hash)
            .bind(user.password_set_at)
            .bind(0i64) // tokens_valid_after: legacy column, unused since revocation is per session
            .bind(user.updated_at)
            .bind(&idx[0])
            .bind(&idx[1])
            .bind(&idx[2])
            .bind(&idx[3])
            .bind(&idx[4])
            .bind(&idx[5])
            .bind(serde_json::to_string(&user.mfa)?)
            .bind(&user.srp_verifier)
            .bind(serde_json::to_string(&user.pending_attributes)?)
            .bind(user.pool_id.as_str())
            .bind(&user.username_key)
            .bind(user.version)
            .execute(&mut *tx)
            .await?;
            if r.rows_affected() == 0 {
                return Err(if before.is_some() { StoreError::VersionMismatch } else { StoreError::NotFound });
            }
            log_change(&mut tx, &user.pool_id, &user.username_key, before.as_ref()).await?;
            if let Some(keys) = keys {
                sqlx::query("DELETE FROM user_keys WHERE pool_id = $1 AND username_key = $2")
                    .bind(user.pool_id.as_str())
                    .bind(&user.username_key)
                    .execute(&mut *tx)
                    .await?;
                insert_keys(&mut tx, user, keys).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await;
        self.cache.forget_user(user.pool_id.as_str(), &user.username_key);
        r
    }

    async fn delete_user(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<()> {
        let r = crate::retrying(|| async move {
            let mut tx = self.writer.begin().await?;
            let Some(before) = current_user(&mut tx, pool, username_key).await? else {
                return Err(StoreError::NotFound);
            };
            sqlx::query("DELETE FROM users WHERE pool_id = $1 AND username_key = $2")
                .bind(pool.as_str())
                .bind(username_key)
                .execute(&mut *tx)
                .await?;
            log_change(&mut tx, pool, username_key, Some(&before)).await?;
            tx.commit().await?;
            Ok(())
        })
        .await;
        self.cache.forget_user(pool.as_str(), username_key);
        self.cache.forget_traces(pool.as_str(), username_key);
        r
    }

    async fn list_users(
        &self,
        pool: &UserPoolId,
        filter: &UserFilter,
        after: Option<&UserCursor>,
        limit: usize,
    ) -> StoreResult<UserPage> {
        // With an exclusive cache the query reads only the name keys (from the filter's index,
        // never the table) and the users come from the cache; the rest in one more read.
        let keys_only = self.cache.lists_from_cache();
        let cols = if keys_only { "username_key" } else { USER_COLUMNS };
        let Some((sql, binds, sorted)) = list_query(pool, filter, after, limit, cols) else {
            return Ok(UserPage { users: vec![], next: None });
        };
        let since = self.cache.generation();
        // Name keys read inline on this thread where the backend can (SQLite: no worker-thread
        // hop); else through the pool.
        let inline = if keys_only { inline_keys(self, &sql, &binds, sorted) } else { None };
        let (keys, mut users, more) = match inline {
            Some(mut keys) => {
                let more = keys.len() > limit;
                keys.truncate(limit);
                (keys, vec![], more)
            }
            None => {
                let rows = bind_all(sqlx::query(&sql), &binds).fetch_all(&self.reader).await?;
                let (mut keys, mut users) = (Vec::with_capacity(limit), Vec::with_capacity(limit));
                for row in rows.iter().take(limit) {
                    let sort = if sorted { sqlx::Row::try_get(row, "sort_value")? } else { String::new() };
                    keys.push((sqlx::Row::try_get::<String, _>(row, "username_key")?, sort));
                    if !keys_only {
                        users.push(user_from_row(row)?);
                    }
                }
                (keys, users, rows.len() > limit)
            }
        };
        if keys_only {
            users = cached_users(self, pool, &keys, since).await?;
            // A user written between the two reads is shown as it is now, if it still matches.
            users.retain(|u| admits(filter, u));
        }
        let next = match (more, keys.last()) {
            (true, Some((key, sort))) => {
                Some(UserCursor { value: if sorted { sort.clone() } else { key.clone() }, username_key: key.clone() })
            }
            _ => None,
        };
        Ok(UserPage { users, next })
    }
}

/// The users with `keys` (in that order): from the cache, the missing ones in one read (and
/// cached). A user deleted meanwhile is left out.
async fn cached_users(
    store: &DbStore,
    pool: &UserPoolId,
    keys: &[(String, String)],
    since: u64,
) -> StoreResult<Vec<User>> {
    let mut found: Vec<Option<User>> =
        keys.iter().map(|(k, _)| store.cache.user(pool.as_str(), k).map(|u| (*u).clone())).collect();
    let missing: Vec<&str> =
        keys.iter().zip(&found).filter(|(_, f)| f.is_none()).map(|((k, _), _)| k.as_str()).collect();
    if !missing.is_empty() {
        let marks: Vec<String> = (0..missing.len()).map(|i| format!("${}", i + 2)).collect();
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users WHERE pool_id = $1 AND username_key IN ({})", marks.join(", "));
        let mut q = sqlx::query(&sql).bind(pool.as_str());
        for k in &missing {
            q = q.bind(*k);
        }
        for row in q.fetch_all(&store.reader).await? {
            let u = user_from_row(&row)?;
            store.cache.put_user(since, &u);
            if let Some(i) = keys.iter().position(|(k, _)| *k == u.username_key) {
                found[i] = Some(u);
            }
        }
    }
    Ok(found.into_iter().flatten().collect())
}

/// True when `user` is one `filter` selects (what the listing queries ask of the columns).
fn admits(filter: &UserFilter, user: &User) -> bool {
    let value = |c: FilterColumn| -> Option<&str> {
        match c {
            FilterColumn::Username => Some(&user.username_key),
            FilterColumn::Sub => Some(&user.sub),
            FilterColumn::Email => user.attribute("email"),
            FilterColumn::PhoneNumber => user.attribute("phone_number"),
            FilterColumn::Name => user.attribute("name"),
            FilterColumn::GivenName => user.attribute("given_name"),
            FilterColumn::FamilyName => user.attribute("family_name"),
            FilterColumn::PreferredUsername => user.attribute("preferred_username"),
        }
    };
    match filter {
        UserFilter::All => true,
        UserFilter::Nothing => false,
        UserFilter::Equals(c, v) => value(*c) == Some(v.as_str()),
        UserFilter::Prefix(c, p) => value(*c).is_some_and(|x| x.starts_with(p.as_str())),
        UserFilter::StatusIn(s) => s.contains(&user.status),
        UserFilter::Enabled(e) => user.enabled == *e,
    }
}

/// A bound value of a listing query.
#[derive(Debug, Clone)]
pub(super) enum Bind {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// `q` with `binds` bound in order (`$1`, `$2`, …).
pub(super) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Text(t) => q.bind(t.as_str()),
            Bind::Int(i) => q.bind(*i),
            Bind::Bool(b) => q.bind(*b),
        };
    }
    q
}

/// A listing's (name key, sort value) rows read inline, where the backend can.
pub(super) fn inline_keys(store: &DbStore, sql: &str, binds: &[Bind], sorted: bool) -> Option<Vec<(String, String)>> {
    store.inline_rows(sql, binds, |r| {
        Ok((r.get("username_key")?, if sorted { r.get("sort_value")? } else { String::new() }))
    })
}

/// The SQL (selecting `cols`), binds, and whether rows are sorted by a filter column (then
/// `sort_value` is selected for the cursor), for one page of ListUsers. `None` when nothing can
/// match.
pub(super) fn list_query(
    pool: &UserPoolId,
    filter: &UserFilter,
    after: Option<&UserCursor>,
    limit: usize,
    cols: &str,
) -> Option<(String, Vec<Bind>, bool)> {
    let after_key = after.map(|c| c.username_key.clone()).unwrap_or_default();
    let fetch = limit as i64 + 1;
    let p = Bind::Text(pool.as_str().to_string());
    Some(match filter {
        UserFilter::Nothing => return None,
        UserFilter::All => (
            format!("SELECT {cols} FROM users WHERE pool_id = $1 AND username_key > $2 ORDER BY username_key LIMIT $3"),
            vec![p, Bind::Text(after_key), Bind::Int(fetch)],
            false,
        ),
        UserFilter::Equals(col, value) => (
            format!(
                "SELECT {cols} FROM users WHERE pool_id = $1 AND {c} = $2 AND username_key > $3 \
                 ORDER BY username_key LIMIT $4",
                c = column(*col)
            ),
            vec![p, Bind::Text(value.clone()), Bind::Text(after_key), Bind::Int(fetch)],
            false,
        ),
        UserFilter::Prefix(col, prefix) => {
            let c = column(*col);
            let (from_value, from_key) = match after {
                Some(cur) => (cur.value.clone(), cur.username_key.clone()),
                None => (prefix.clone(), String::new()),
            };
            let upper = prefix_successor(prefix);
            let sql = format!(
                "SELECT {cols}, {c} AS sort_value FROM users WHERE pool_id = $1 AND {c} >= $2 \
                 AND ({c}, username_key) > ($3, $4) {} ORDER BY {c}, username_key LIMIT $5",
                if upper.is_some() { format!("AND {c} < $6") } else { String::new() }
            );
            let mut binds =
                vec![p, Bind::Text(prefix.clone()), Bind::Text(from_value), Bind::Text(from_key), Bind::Int(fetch)];
            binds.extend(upper.map(Bind::Text));
            (sql, binds, true)
        }
        UserFilter::StatusIn(statuses) => {
            if statuses.is_empty() {
                return None;
            }
            let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "SELECT {cols} FROM users WHERE pool_id = $1 AND username_key > $2 AND status IN ({}) \
                 ORDER BY username_key LIMIT {fetch}",
                marks.join(", ")
            );
            let mut binds = vec![p, Bind::Text(after_key)];
            binds.extend(statuses.iter().map(|s| Bind::Text(s.as_str().to_string())));
            (sql, binds, false)
        }
        UserFilter::Enabled(enabled) => (
            format!(
                "SELECT {cols} FROM users WHERE pool_id = $1 AND enabled = $2 AND username_key > $3 \
                 ORDER BY username_key LIMIT $4"
            ),
            vec![p, Bind::Bool(*enabled), Bind::Text(after_key), Bind::Int(fetch)],
            false,
        ),
    })
}
