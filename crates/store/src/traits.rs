//! The store traits, one per aggregate, and [`Store`] which combines them.

use crate::StoreResult;
use async_trait::async_trait;
use cognate_model::{AppClient, ClientId, Group, User, UserPool, UserPoolId, UserStatus};

/// An indexed column that ListUsers can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterColumn {
    /// The normalized user name.
    Username,
    /// `email`.
    Email,
    /// `phone_number`.
    PhoneNumber,
    /// `name`.
    Name,
    /// `given_name`.
    GivenName,
    /// `family_name`.
    FamilyName,
    /// `preferred_username`.
    PreferredUsername,
    /// `sub`.
    Sub,
}

/// Which users a listing returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserFilter {
    /// Everyone.
    All,
    /// `column = value`.
    Equals(FilterColumn, String),
    /// `column ^= value`.
    Prefix(FilterColumn, String),
    /// Status among these.
    StatusIn(Vec<UserStatus>),
    /// Enabled (`true`) or disabled.
    Enabled(bool),
    /// Nobody (a filter that can match nothing).
    Nothing,
}

/// Where a page starts: after this (sort value, user name key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCursor {
    /// The value of the sorted column for the last user returned (the name key for `All`).
    pub value: String,
    /// The last user's name key.
    pub username_key: String,
}

/// A page of users and where the next one starts.
#[derive(Debug, Clone)]
pub struct UserPage {
    /// The users.
    pub users: Vec<User>,
    /// Set when there may be more.
    pub next: Option<UserCursor>,
}

/// User pools.
#[async_trait]
pub trait PoolStore: Send + Sync {
    /// Inserts a pool.
    async fn create_pool(&self, pool: &UserPool) -> StoreResult<()>;
    /// Reads a pool.
    async fn get_pool(&self, id: &UserPoolId) -> StoreResult<Option<UserPool>>;
    /// Replaces a pool's name and settings; `NotFound` when it is gone.
    async fn update_pool(&self, pool: &UserPool) -> StoreResult<()>;
    /// Deletes a pool with everything in it.
    async fn delete_pool(&self, id: &UserPoolId) -> StoreResult<()>;
    /// Pools ordered by id, starting after `after`.
    async fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<UserPool>>;
    /// Number of users in a pool.
    async fn count_users(&self, id: &UserPoolId) -> StoreResult<i64>;
}

/// App clients.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Inserts a client.
    async fn create_client(&self, client: &AppClient) -> StoreResult<()>;
    /// Reads a client by its id alone (public operations name only the client).
    async fn get_client(&self, id: &ClientId) -> StoreResult<Option<AppClient>>;
    /// Replaces a client's name, secret and settings.
    async fn update_client(&self, client: &AppClient) -> StoreResult<()>;
    /// Deletes a client.
    async fn delete_client(&self, pool: &UserPoolId, id: &ClientId) -> StoreResult<()>;
    /// A pool's clients ordered by id, starting after `after`.
    async fn list_clients(&self, pool: &UserPoolId, after: Option<&str>, limit: usize) -> StoreResult<Vec<AppClient>>;
}

/// Users, with their unique sign-in keys (aliases and username attributes).
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Inserts a user and claims `keys`; `Conflict("username")` or `Conflict(key)` when taken.
    async fn create_user(&self, user: &User, keys: &[String]) -> StoreResult<()>;
    /// Reads a user by name key.
    async fn get_user(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Option<User>>;
    /// Reads a user by sub.
    async fn get_user_by_sub(&self, pool: &UserPoolId, sub: &str) -> StoreResult<Option<User>>;
    /// The user name key holding sign-in key `key`, if any.
    async fn find_key(&self, pool: &UserPoolId, key: &str) -> StoreResult<Option<String>>;
    /// Writes `user` if its stored version still equals `user.version` (then bumps it), and
    /// replaces its sign-in keys with `keys` when given. `VersionMismatch` when someone else wrote first.
    async fn update_user(&self, user: &User, keys: Option<&[String]>) -> StoreResult<()>;
    /// Deletes a user with its keys and group memberships.
    async fn delete_user(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<()>;
    /// A page of users matching `filter`, in index order.
    async fn list_users(
        &self,
        pool: &UserPoolId,
        filter: &UserFilter,
        after: Option<&UserCursor>,
        limit: usize,
    ) -> StoreResult<UserPage>;
}

/// Groups and memberships.
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Inserts a group; `Conflict("name")` when it exists.
    async fn create_group(&self, group: &Group) -> StoreResult<()>;
    /// Reads a group.
    async fn get_group(&self, pool: &UserPoolId, name: &str) -> StoreResult<Option<Group>>;
    /// Replaces a group's description, role and precedence.
    async fn update_group(&self, group: &Group) -> StoreResult<()>;
    /// Deletes a group and its memberships.
    async fn delete_group(&self, pool: &UserPoolId, name: &str) -> StoreResult<()>;
    /// Groups ordered by name, after `after`.
    async fn list_groups(&self, pool: &UserPoolId, after: Option<&str>, limit: usize) -> StoreResult<Vec<Group>>;
    /// Adds a user to a group (idempotent).
    async fn add_member(&self, pool: &UserPoolId, group: &str, username_key: &str) -> StoreResult<()>;
    /// Removes a user from a group (idempotent).
    async fn remove_member(&self, pool: &UserPoolId, group: &str, username_key: &str) -> StoreResult<()>;
    /// A user's groups ordered by name, after `after`.
    async fn groups_of_user(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Group>>;
    /// A group's users ordered by name key, after `after`.
    async fn users_in_group(
        &self,
        pool: &UserPoolId,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<User>>;
}

/// Small server-wide values (the master-key check, for instance).
#[async_trait]
pub trait MetaStore: Send + Sync {
    /// Reads a value.
    async fn get_meta(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a value unless the key exists; returns whether it wrote.
    async fn put_meta_if_absent(&self, key: &str, value: &str) -> StoreResult<bool>;
}

/// Everything a backend provides.
#[async_trait]
pub trait Store: PoolStore + ClientStore + UserStore + GroupStore + MetaStore {
    /// Finishes pending work and closes connections.
    async fn close(&self);
}
