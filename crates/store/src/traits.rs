//! The store traits, one per aggregate, and [`Store`] which combines them.

use crate::{AuthEventStore, SessionStore, StoreResult, WebAuthnStore};
use async_trait::async_trait;
use cognate_model::{
    AppClient, ClientId, Device, Group, Identity, IdentityPool, IdentityProvider, ManagedLoginBranding, PoolDomain,
    ProviderLink, ResourceServer, UiCustomization, User, UserPool, UserPoolId, UserStatus,
};

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
    /// Number of pools.
    async fn count_pools(&self) -> StoreResult<i64>;
    /// Number of app clients of a pool.
    async fn count_clients(&self, id: &UserPoolId) -> StoreResult<i64>;
    /// Number of groups of a pool.
    async fn count_groups(&self, id: &UserPoolId) -> StoreResult<i64>;
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
    /// A user with all their groups (ordered by name), in one read: what a token needs.
    async fn user_with_groups(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Option<(User, Vec<Group>)>>;
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

/// Remembered devices.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Inserts or replaces a device.
    async fn put_device(&self, device: &Device) -> StoreResult<()>;
    /// Reads a device.
    async fn get_device(&self, pool: &UserPoolId, device_key: &str) -> StoreResult<Option<Device>>;
    /// Deletes a device; `NotFound` when absent.
    async fn delete_device(&self, pool: &UserPoolId, device_key: &str) -> StoreResult<()>;
    /// A user's devices ordered by key, after `after`.
    async fn list_devices(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Device>>;
}

/// The hosted UI's state: pool domains, resource servers, page customization, branding.
#[async_trait]
pub trait HostedUiStore: Send + Sync {
    /// Inserts a domain; `Conflict("domain")` when any pool has it.
    async fn create_domain(&self, domain: &PoolDomain) -> StoreResult<()>;
    /// Reads a domain.
    async fn get_domain(&self, domain: &str) -> StoreResult<Option<PoolDomain>>;
    /// A pool's domains (a prefix and a custom one at most).
    async fn domains_of_pool(&self, pool: &UserPoolId) -> StoreResult<Vec<PoolDomain>>;
    /// An app client, its pool, and whether the pool has a domain, in one read: what every
    /// OAuth request needs first.
    async fn oauth_client(&self, client: &ClientId) -> StoreResult<Option<(AppClient, UserPool, bool)>>;
    /// [`HostedUiStore::oauth_client`] and, in the same read, a user of the client's pool with
    /// all their groups (`None` when there is no such user): what a code exchange needs.
    async fn oauth_client_and_user(
        &self,
        client: &ClientId,
        username_key: &str,
    ) -> StoreResult<Option<((AppClient, UserPool, bool), Option<(User, Vec<Group>)>)>>;
    /// Replaces a domain's settings; `NotFound` when it is gone.
    async fn update_domain(&self, domain: &PoolDomain) -> StoreResult<()>;
    /// Deletes a domain; `NotFound` when absent.
    async fn delete_domain(&self, domain: &str) -> StoreResult<()>;
    /// Inserts (`create`, `Conflict` when it exists) or replaces (`NotFound` when absent) a
    /// resource server.
    async fn put_resource_server(&self, rs: &ResourceServer, create: bool) -> StoreResult<()>;
    /// Reads a resource server.
    async fn get_resource_server(&self, pool: &UserPoolId, identifier: &str) -> StoreResult<Option<ResourceServer>>;
    /// A pool's resource servers ordered by identifier, after `after`.
    async fn list_resource_servers(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ResourceServer>>;
    /// Deletes a resource server; `NotFound` when absent.
    async fn delete_resource_server(&self, pool: &UserPoolId, identifier: &str) -> StoreResult<()>;
    /// Inserts or replaces the UI customization of a client (or of the pool).
    async fn put_ui_customization(&self, c: &UiCustomization) -> StoreResult<()>;
    /// Reads the UI customization of a client (`None`: the pool's).
    async fn get_ui_customization(
        &self,
        pool: &UserPoolId,
        client: Option<&ClientId>,
    ) -> StoreResult<Option<UiCustomization>>;
    /// Inserts a branding; `Conflict` when the client has one.
    async fn create_branding(&self, b: &ManagedLoginBranding) -> StoreResult<()>;
    /// Reads a branding by id.
    async fn get_branding(&self, pool: &UserPoolId, id: &str) -> StoreResult<Option<ManagedLoginBranding>>;
    /// Reads a client's branding.
    async fn branding_of_client(
        &self,
        pool: &UserPoolId,
        client: &ClientId,
    ) -> StoreResult<Option<ManagedLoginBranding>>;
    /// Replaces a branding; `NotFound` when absent.
    async fn update_branding(&self, b: &ManagedLoginBranding) -> StoreResult<()>;
    /// Deletes a branding; `NotFound` when absent.
    async fn delete_branding(&self, pool: &UserPoolId, id: &str) -> StoreResult<()>;
}

/// Federated identity providers.
#[async_trait]
pub trait IdentityProviderStore: Send + Sync {
    /// Inserts a provider with its identifiers; `Conflict("name")` when the pool has one of that
    /// name, `Conflict("identifier:{id}")` when one of its identifiers is taken.
    async fn create_provider(&self, p: &IdentityProvider) -> StoreResult<()>;
    /// Reads a provider.
    async fn get_provider(&self, pool: &UserPoolId, name: &str) -> StoreResult<Option<IdentityProvider>>;
    /// The provider an identifier names.
    async fn provider_by_identifier(
        &self,
        pool: &UserPoolId,
        identifier: &str,
    ) -> StoreResult<Option<IdentityProvider>>;
    /// A page of a pool's providers by name, after `after`.
    async fn list_providers(
        &self,
        pool: &UserPoolId,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<IdentityProvider>>;
    /// How many providers the pool has.
    async fn count_providers(&self, pool: &UserPoolId) -> StoreResult<u64>;
    /// Replaces a provider and its identifiers; `NotFound`, or `Conflict` as for create.
    async fn update_provider(&self, p: &IdentityProvider) -> StoreResult<()>;
    /// Deletes a provider (and the links to it); `NotFound` when missing.
    async fn delete_provider(&self, pool: &UserPoolId, name: &str) -> StoreResult<()>;
    /// Links an external identity to a user unless the user already has `max` links (then
    /// `Ok(false)`); `Conflict("link")` when the identity is linked already, `NotFound` when
    /// the user or the provider is gone.
    async fn link_provider(&self, link: &ProviderLink, max: u64) -> StoreResult<bool>;
    /// The link of an external identity, if any.
    async fn provider_link(
        &self,
        pool: &UserPoolId,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<ProviderLink>>;
    /// Removes the link of an external identity; `NotFound` when there is none.
    async fn unlink_provider(&self, pool: &UserPoolId, provider: &str, subject: &str) -> StoreResult<()>;
    /// A user's links, by provider and subject.
    async fn links_of_user(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Vec<ProviderLink>>;
}

/// Identity pools (cognito-identity) and their identities. A login (pool, provider, subject)
/// belongs to at most one identity, and an identity has at most one login per provider.
#[async_trait]
pub trait IdentityPoolStore: Send + Sync {
    /// Stores a new identity pool.
    async fn create_identity_pool(&self, p: &IdentityPool) -> StoreResult<()>;
    /// Reads one.
    async fn get_identity_pool(&self, id: &str) -> StoreResult<Option<IdentityPool>>;
    /// Replaces one; `NotFound` when missing.
    async fn update_identity_pool(&self, p: &IdentityPool) -> StoreResult<()>;
    /// Deletes one with its identities; `NotFound` when missing.
    async fn delete_identity_pool(&self, id: &str) -> StoreResult<()>;
    /// Identity pools by id after `after`.
    async fn list_identity_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<IdentityPool>>;
    /// Stores a new identity with its logins; `Conflict("login")` when one of them belongs to
    /// another identity, `NotFound` when the pool is gone.
    async fn create_identity(&self, i: &Identity) -> StoreResult<()>;
    /// Reads one, with its logins.
    async fn get_identity(&self, id: &str) -> StoreResult<Option<Identity>>;
    /// Reads one with its logins and its pool, in one query (the credential operations'
    /// read).
    async fn identity_with_pool(&self, id: &str) -> StoreResult<Option<(Identity, IdentityPool)>>;
    /// The identity a login belongs to.
    async fn identity_by_login(&self, pool: &str, provider: &str, subject: &str) -> StoreResult<Option<String>>;
    /// Adds logins to an identity; `Conflict("login")` when one belongs to another identity or
    /// the identity has another subject for that provider, `NotFound` when it is gone.
    async fn add_logins(&self, id: &str, logins: &[(String, String)], now: i64) -> StoreResult<()>;
    /// Removes the logins of `providers` from an identity; `NotFound` when it is gone.
    async fn remove_logins(&self, id: &str, providers: &[String], now: i64) -> StoreResult<()>;
    /// A pool's identities by id after `after`.
    async fn list_identities(&self, pool: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<Identity>>;
    /// Deletes an identity (its logins go with it); returns whether it existed.
    async fn delete_identity(&self, id: &str) -> StoreResult<bool>;
    /// Moves every login of `from` to `to` and deletes `from`, in one transaction
    /// (`Conflict("login")` when `to` already has another subject for one of the providers).
    async fn merge_identities(&self, from: &str, to: &str, now: i64) -> StoreResult<()>;
}

/// One pool's active users in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyActive {
    /// The pool.
    pub pool_id: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Users of the pool's own directory.
    pub users: u64,
    /// Federated users (SAML, OIDC and social sign-ins), counted apart as Cognito bills them.
    pub federated: u64,
}

/// Monthly active users.
#[async_trait]
pub trait UsageStore: Send + Sync {
    /// Records a user active in a month; true the first time (later calls change nothing).
    async fn record_active(&self, pool: &str, month: &str, username_key: &str, federated: bool) -> StoreResult<bool>;
    /// The counts by pool and month (of one pool and/or one month when given), ordered by
    /// month then pool.
    async fn active_users(&self, pool: Option<&str>, month: Option<&str>) -> StoreResult<Vec<MonthlyActive>>;
}

/// A long-running job of a pool (a user import, a point-in-time recovery). The service owns
/// the document (JSON); the store keeps it with a version so two nodes cannot both move a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolJob {
    /// The pool.
    pub pool_id: UserPoolId,
    /// The job's id, unique in the pool.
    pub job_id: String,
    /// `import` or `restore`.
    pub kind: String,
    /// Creation time (ms); lists are in this order.
    pub created_at: i64,
    /// Bumped by every update.
    pub version: i64,
    /// The job's state, as the service writes it.
    pub document: String,
}

/// Jobs of a pool, the bulk insert imports use, and the change log of user writes that
/// point-in-time recovery restores from.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Creates a job (version 1). Errors: `Conflict` (the id exists), `NotFound` (no pool).
    async fn create_job(&self, job: &PoolJob) -> StoreResult<()>;
    /// One job.
    async fn get_job(&self, pool: &UserPoolId, job_id: &str) -> StoreResult<Option<PoolJob>>;
    /// Writes `job.document` if the stored version is still `job.version`; the stored version
    /// becomes `job.version + 1`. `false`: another writer moved the job first.
    async fn update_job(&self, job: &PoolJob) -> StoreResult<bool>;
    /// A pool's jobs of one kind, oldest first, after the job id `after` (in that order).
    async fn list_jobs(
        &self,
        pool: &UserPoolId,
        kind: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<PoolJob>>;
    /// Every job of a kind in every pool (to find jobs a stopped node left unfinished).
    async fn jobs_of_kind(&self, kind: &str) -> StoreResult<Vec<PoolJob>>;
    /// Stores (replaces) a job's upload; `None` removes it.
    async fn put_job_upload(&self, pool: &UserPoolId, job_id: &str, data: Option<&[u8]>) -> StoreResult<()>;
    /// A job's upload.
    async fn job_upload(&self, pool: &UserPoolId, job_id: &str) -> StoreResult<Option<Vec<u8>>>;

    /// Inserts many users in one transaction, each on its own: one refused (a name or key
    /// taken: `Conflict`) does not stop the others. The answer has one result per user.
    async fn create_users(&self, users: &[(User, Vec<String>)]) -> StoreResult<Vec<StoreResult<()>>>;

    /// Per user of `pool` changed after `since` (ms), the user as it was just before the first
    /// such change (`None`: it did not exist then), by `username_key`.
    async fn users_before(&self, pool: &UserPoolId, since: i64) -> StoreResult<Vec<(String, Option<User>)>>;
    /// Sets a user to `user` (replacing any current row and its keys) or, with `None`, deletes
    /// it; logged like any other write. Errors: `Conflict` (a key held by another user).
    async fn restore_user(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        user: Option<(&User, &[String])>,
    ) -> StoreResult<()>;
    /// Drops change-log entries older than `before` (ms); returns how many.
    async fn prune_changes(&self, before: i64) -> StoreResult<u64>;
}

/// A Cognito Sync dataset of one identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncDataset {
    pub identity_id: String,
    pub name: String,
    pub pool_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_modified_by: String,
    /// Grows by one with every accepted update (and the deletion).
    pub sync_count: i64,
    /// Live records (tombstones not counted).
    pub records: i64,
    /// UTF-8 bytes of the live records' keys and values.
    pub bytes: i64,
    /// Deleted: kept so that other devices learn of it.
    pub deleted: bool,
    /// Datasets of merged identities that were merged into this one.
    pub merged: Vec<String>,
}

/// Which dataset: the identity pool, the identity and the dataset's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetRef<'a> {
    pub pool: &'a str,
    pub identity: &'a str,
    pub name: &'a str,
}

/// A record of a dataset; `value: None` is a removed record (a tombstone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRecord {
    pub key: String,
    pub value: Option<String>,
    /// The dataset's sync count when it last changed.
    pub sync_count: i64,
    pub modified_at: i64,
    pub modified_by: String,
    pub device_modified_at: Option<i64>,
}

/// One change of UpdateRecords: applies only while the record's sync count is `sync_count`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPatch {
    pub key: String,
    /// `None`: remove.
    pub value: Option<String>,
    pub sync_count: i64,
    pub device_modified_at: Option<i64>,
}

/// The limits UpdateRecords enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncLimits {
    pub datasets_per_identity: i64,
    pub bytes_per_dataset: i64,
    pub records_per_dataset: i64,
}

/// What applying patches did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchOutcome {
    /// All applied: the records as they are now, and the dataset.
    Applied(Vec<SyncRecord>, SyncDataset),
    /// Nothing applied: this key's sync count was not the patch's.
    Conflict(String),
    /// Nothing applied: a limit would be passed (which one).
    Limit(String),
}

/// A device registered for push sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncDevice {
    pub device_id: String,
    pub pool_id: String,
    pub identity_id: String,
    pub platform: String,
    pub token: String,
    pub created_at: i64,
}

/// Cognito Sync: datasets and records, pool settings, push devices and subscriptions.
#[async_trait]
pub trait SyncStore: Send + Sync {
    /// A dataset, deleted ones included.
    async fn get_dataset(&self, identity: &str, name: &str) -> StoreResult<Option<SyncDataset>>;
    /// An identity's live datasets by name, after `after`.
    async fn list_datasets(&self, identity: &str, after: Option<&str>, limit: usize) -> StoreResult<Vec<SyncDataset>>;
    /// Records that changed after the dataset's sync count `after_count`, by (sync count, key),
    /// after `after` (a (count, key) position); tombstones included.
    async fn list_records(
        &self,
        identity: &str,
        name: &str,
        after_count: i64,
        after: Option<(i64, &str)>,
        limit: usize,
    ) -> StoreResult<Vec<SyncRecord>>;
    /// Applies every patch or none, in one transaction: each key's sync count must be the
    /// patch's (0 for a new record); the dataset is created (or revived) when needed, its count
    /// grows by one and every patched record takes that count.
    async fn apply_patches(
        &self,
        at: DatasetRef<'_>,
        patches: &[SyncPatch],
        by: &str,
        now: i64,
        limits: SyncLimits,
    ) -> StoreResult<PatchOutcome>;
    /// Deletes a dataset: its records go, its row stays marked deleted with the count grown by
    /// one. `None` when there was no live dataset.
    async fn delete_dataset(&self, identity: &str, name: &str, by: &str, now: i64) -> StoreResult<Option<SyncDataset>>;
    /// A pool's live datasets: (accepted updates — the sum of their sync counts —, datasets,
    /// bytes, last change).
    async fn pool_sync_usage(&self, pool: &str) -> StoreResult<(i64, i64, i64, i64)>;
    /// The pool's sync settings document.
    async fn get_sync_config(&self, pool: &str) -> StoreResult<Option<String>>;
    /// Replaces the pool's sync settings document. Errors: `NotFound` (no such pool).
    async fn put_sync_config(&self, pool: &str, document: &str) -> StoreResult<()>;
    /// Registers a device (the same identity, platform and token answer the same device).
    async fn put_sync_device(&self, device: &SyncDevice) -> StoreResult<SyncDevice>;
    /// A device.
    async fn get_sync_device(&self, device_id: &str) -> StoreResult<Option<SyncDevice>>;
    /// Subscribes (`true`) or unsubscribes a device to a dataset.
    async fn set_subscription(&self, identity: &str, dataset: &str, device_id: &str, on: bool) -> StoreResult<()>;
    /// The devices subscribed to a dataset.
    async fn subscribers(&self, identity: &str, dataset: &str) -> StoreResult<Vec<SyncDevice>>;
}

/// Everything a backend provides.
#[async_trait]
pub trait Store:
    PoolStore
    + ClientStore
    + UserStore
    + GroupStore
    + MetaStore
    + KeyStore
    + TokenStore
    + GuardStore
    + DeviceStore
    + HostedUiStore
    + IdentityProviderStore
    + IdentityPoolStore
    + UsageStore
    + JobStore
    + SyncStore
    + SessionStore
    + WebAuthnStore
    + AuthEventStore
{
    /// Finishes pending work and closes connections.
    async fn close(&self);
    /// Each connection pool's (name, open connections, idle connections), for metrics.
    fn connections(&self) -> Vec<(&'static str, u32, u32)>;
}

/// A stored RSA signing key (private part sealed by the master key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// Key id (`kid`).
    pub kid: String,
    /// Creation time; the newest key signs.
    pub created_at: i64,
    /// PKCS#8, sealed.
    pub sealed_key: String,
    /// Modulus, base64url.
    pub n: String,
    /// Exponent, base64url.
    pub e: String,
}

/// A refresh token's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Pool.
    pub pool_id: UserPoolId,
    /// Client it was issued to.
    pub client_id: ClientId,
    /// User.
    pub username_key: String,
    /// The sign-in session it belongs to (shared by every token derived from it).
    pub origin_jti: String,
    /// When the user authenticated (seconds).
    pub auth_time: i64,
    /// Device it was issued for.
    pub device_key: Option<String>,
    /// Issue time (ms).
    pub created_at: i64,
    /// Expiry (ms).
    pub expires_at: i64,
    /// Revocation time (ms), if revoked.
    pub revoked_at: Option<i64>,
    /// The OAuth scopes of the sign-in; empty for an API sign-in.
    pub scopes: Vec<String>,
}

/// A revoked sign-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// Monotonic id (nodes poll for ids above the last they saw).
    pub id: i64,
    /// The revoked session.
    pub origin_jti: String,
    /// When it can be forgotten: no access token of it can still be valid (ms).
    pub expires_at: i64,
}

/// How long a failure counter of an unknown name is kept after its last failure (the longest
/// lockout).
pub const UNKNOWN_FAILURES_TTL_MS: i64 = 15 * 60 * 1000;

/// Sign-in failure counter of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    /// Consecutive failures.
    pub failures: i64,
    /// Last failure (ms).
    pub last_failure: i64,
    /// Locked until (ms).
    pub locked_until: i64,
}

/// A one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    /// Keyed hash of the code.
    pub code_hash: String,
    /// Expiry (ms).
    pub expires_at: i64,
    /// Wrong guesses so far.
    pub attempts: i64,
    /// When it was issued (ms).
    pub created_at: i64,
}

/// Signing keys.
#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Adds a key.
    async fn add_key(&self, key: &StoredKey) -> StoreResult<()>;
    /// Every key, oldest first.
    async fn list_keys(&self) -> StoreResult<Vec<StoredKey>>;
    /// Deletes keys created before `before` except the newest one.
    async fn prune_keys(&self, before: i64) -> StoreResult<u64>;
}

/// Refresh tokens and revocations.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a refresh token; `Conflict("token")` when its hash is taken (the refresh token
    /// of an authorization code, which exists once: the code's first redemption), `NotFound`
    /// when the user is gone.
    async fn add_refresh_token(&self, token: &RefreshToken) -> StoreResult<()>;
    /// Reads one by hash.
    async fn get_refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshToken>>;
    /// Revokes one refresh token (rotation) unless it already is; returns whether this call did.
    async fn revoke_refresh_token(&self, token_hash: &str, now: i64) -> StoreResult<bool>;
    /// Revokes one refresh token's session: marks every token of `origin_jti` revoked and
    /// records the revocation until `until` (ms). Returns whether something was newly revoked.
    async fn revoke_session(&self, pool: &UserPoolId, origin_jti: &str, now: i64, until: i64) -> StoreResult<bool>;
    /// Revokes every session of a user; returns the revoked origin_jtis.
    async fn revoke_user_sessions(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        now: i64,
        until: i64,
    ) -> StoreResult<Vec<String>>;
    /// Revocations with id above `after` that have not expired at `now`.
    async fn revocations_since(&self, after: i64, now: i64) -> StoreResult<Vec<Revocation>>;
    /// Revocations recorded at or after `since` (ms) that have not expired at `now`: the sweep
    /// that catches ids committed out of order on a multi-writer database.
    async fn revocations_recorded_since(&self, since: i64, now: i64) -> StoreResult<Vec<Revocation>>;
    /// Deletes expired refresh tokens, revocations and codes, and unknown names' failure counters
    /// last touched before `now - UNKNOWN_FAILURES_TTL_MS` that lock nothing any more.
    async fn purge_expired(&self, now: i64) -> StoreResult<()>;
}

/// Sign-in failures (lockout) and one-time codes.
#[async_trait]
pub trait GuardStore: Send + Sync {
    /// Reads a user's failure counter.
    async fn get_failures(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<Failures>;
    /// Writes a user's failure counter.
    async fn put_failures(&self, pool: &UserPoolId, username_key: &str, f: &Failures) -> StoreResult<()>;
    /// Clears it (after a success).
    async fn clear_failures(&self, pool: &UserPoolId, username_key: &str) -> StoreResult<()>;
    /// Reads the failure counter of a name that is no user of the pool.
    async fn get_unknown_failures(&self, pool: &UserPoolId, name_key: &str) -> StoreResult<Failures>;
    /// Writes the failure counter of a name that is no user of the pool.
    async fn put_unknown_failures(&self, pool: &UserPoolId, name_key: &str, f: &Failures) -> StoreResult<()>;
    /// Stores the live code for a purpose, replacing an older one.
    async fn put_code(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        purpose: &str,
        code: &StoredCode,
    ) -> StoreResult<()>;
    /// Reads the live code for a purpose.
    async fn get_code(&self, pool: &UserPoolId, username_key: &str, purpose: &str) -> StoreResult<Option<StoredCode>>;
    /// Counts a wrong guess; returns the new attempt count.
    async fn bump_code_attempts(&self, pool: &UserPoolId, username_key: &str, purpose: &str) -> StoreResult<i64>;
    /// Deletes the code (used, or superseded). Returns whether it existed (single use).
    async fn take_code(&self, pool: &UserPoolId, username_key: &str, purpose: &str) -> StoreResult<bool>;
    /// Records a one-time marker unless one exists for the purpose: true for the first claim
    /// only (single use of a challenge in one write; the row is purged after `expires_at`).
    async fn claim_code(
        &self,
        pool: &UserPoolId,
        username_key: &str,
        purpose: &str,
        code: &StoredCode,
    ) -> StoreResult<bool>;
    /// Records a marker that belongs to no user (a SAML assertion ID) unless a live one
    /// exists: true for the first claim only; an expired marker may be claimed again.
    async fn claim_once(&self, marker: &str, expires_at: i64, now: i64) -> StoreResult<bool>;
}
