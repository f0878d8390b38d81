//! The identity service itself: user pools, app clients, users, groups, password policy and
//! hashing, sign-in, tokens, secrets at rest. It depends on the store traits and never on HTTP.
//! [`Cognate`] holds the shared parts and hands out [`views`]: the admin API only to an
//! [`AdminCtx`] (which only an admin SigV4 [`principal::Principal`] can produce), a user's own
//! account only to a [`UserCtx`] (which only a checked access token produces).

pub mod attributes;
pub mod auth;
pub mod client_secrets;
mod clients;
pub mod clock;
pub mod codes;
mod credentials;
pub mod crypto;
mod ctx;
mod devices;
mod error;
pub mod federation;
pub mod filter;
mod groups;
pub mod hosted;
pub mod identity;
pub mod import;
pub mod mfa;
pub mod outbox;
pub mod paging;
pub mod password;
mod pools;
pub mod principal;
pub mod quotas;
pub mod recovery;
mod selfservice;
pub mod sessions;
mod signup;
pub mod srp;
pub mod sync;
pub mod telemetry;
pub mod testing;
pub mod threat;
mod timing;
pub mod tokens;
pub mod triggers;
pub mod usage;
mod users;
pub mod views;
pub mod webauthn;

#[cfg(test)]
mod tests;

pub use auth::{AuthOutcome, AuthParams};
pub use clients::{ClientInput, NewClient};
pub use codes::CodeDelivery;
pub use ctx::{AdminCtx, NotAdmin, RequestContext, TriggerInput};
pub use error::{CoreError, CoreResult};
pub use groups::GroupInput;
pub use pools::PoolInput;
pub use signup::{SignUpInput, SignUpResult};
pub use tokens::{IssuedTokens, TokenGrant, UserCtx};
pub use users::{CreateUserInput, ListUsersInput, MessageAction, UserListing};
pub use views::{AccountView, AdminView, IdentityView, OAuthView, SignInView, UserView};

use cognate_store::Store;
use crypto::MasterKey;
use outbox::Outbox;
use password::PasswordHasher;
use std::sync::Arc;

/// Settings the service needs (the server's config narrowed to what core reads).
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Region in pool ids and ARNs, e.g. `us-east-1`.
    pub region: String,
    /// Account id in ARNs.
    pub account_id: String,
    /// Base URL clients use; issuers are `{public_url}/{poolId}`.
    pub public_url: String,
    /// The administrator keys (SigV4 principals of kind admin).
    pub admin_keys: principal::AdminKeys,
    /// Endpoints that replace a social preset's public ones, by provider name
    /// (`COGNATE_SOCIAL_ENDPOINTS_FILE`).
    pub social_endpoints: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Days the change log of user writes is kept: how far back point-in-time recovery reaches.
    pub change_log_retention_days: u32,
    /// The time limit of one trigger invocation (Cognito's is 5 s).
    pub lambda_timeout_ms: u64,
    /// `COGNATE_CODE_ENCRYPTION_KEY`: wraps the codes custom senders get.
    pub code_encryption_key: Option<[u8; 32]>,
    /// Days threat protection's auth events are kept (`COGNATE_AUTH_EVENT_RETENTION_DAYS`,
    /// 90 by default).
    pub auth_event_retention_days: u32,
}

/// The service: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Cognate {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) master: Arc<MasterKey>,
    pub(crate) keys: Arc<tokens::keys::Keys>,
    pub(crate) revocations: Arc<tokens::revocations::Revocations>,
    pub(crate) verified: Arc<tokens::verified::VerifiedTokens>,
    pub(crate) hasher: PasswordHasher,
    pub(crate) dummy_hash: Arc<String>,
    pub(crate) srp: Arc<srp::SrpGroup>,
    pub(crate) outbox: Arc<dyn Outbox>,
    pub(crate) config: Arc<ServiceConfig>,
    pub(crate) admin_keys: principal::AdminKeys,
    pub(crate) timing: Arc<timing::Equalizer>,
    pub(crate) outbound: Arc<dyn federation::Outbound>,
    /// Calls the pools' Lambda triggers.
    pub(crate) invoker: Arc<dyn triggers::Invoker>,
    /// Cognito Streams and push sync.
    pub(crate) sync_sink: Arc<dyn sync::publish::SyncSink>,
    /// The pools' sync settings, for a second (`sync::settings_cache`).
    pub(crate) sync_settings_cache: Arc<sync::settings_cache::SettingsCache>,
    /// SAML metadata read from `MetadataURL`s: (when read, what), by pool/provider/URL.
    pub(crate) saml_metadata: Arc<std::sync::Mutex<std::collections::HashMap<String, SamlMetadataCopy>>>,
    /// Monthly active users this node has recorded.
    pub(crate) active_seen: Arc<usage::ActiveSeen>,
    /// Counters for `/metrics`.
    pub(crate) telemetry: Arc<telemetry::Telemetry>,
    /// The compromised-password lists (threat protection).
    pub(crate) breached: Arc<cognate_breach::Breached>,
    /// Where addresses are (`COGNATE_GEOIP_DB`), for threat protection.
    pub(crate) locator: Option<Arc<dyn threat::geo::Locator>>,
    /// The operator's address-reputation list (`COGNATE_IP_REPUTATION_FILE`), replaced when the
    /// server reloads it.
    pub(crate) reputation: Arc<std::sync::RwLock<Arc<threat::reputation::Reputation>>>,
    /// Auth events being written after their sign-in's answer: each write holds a read guard,
    /// and listing events takes the write side first (read-your-writes on this node).
    pub(crate) events_in_flight: Arc<tokio::sync::RwLock<()>>,
}

/// A copy of an IdP's metadata and when it was read (Unix ms).
pub(crate) type SamlMetadataCopy = (i64, federation::saml::metadata::IdpMetadata);

impl Cognate {
    /// Builds the service: loads (or creates) the signing keys and the revocation set. Call
    /// [`crypto::check_master_key`] first so a wrong key stops the start.
    pub async fn start(
        store: Arc<dyn Store>,
        master: MasterKey,
        hasher: PasswordHasher,
        outbox: Arc<dyn Outbox>,
        config: ServiceConfig,
    ) -> CoreResult<Self> {
        let keys = tokens::keys::Keys::load(store.as_ref(), &master).await?;
        // Unknown users are checked against this hash so they take as long as known ones.
        let dummy_hash = hasher.dummy_phc()?;
        let svc = Self {
            store,
            master: Arc::new(master),
            keys: Arc::new(keys),
            revocations: Arc::new(Default::default()),
            verified: Arc::new(Default::default()),
            hasher,
            dummy_hash: Arc::new(dummy_hash),
            srp: Arc::new(srp::SrpGroup::default()),
            outbox,
            admin_keys: config.admin_keys.clone(),
            timing: Arc::new(Default::default()),
            outbound: Arc::new(federation::NoOutbound),
            invoker: Arc::new(triggers::NoInvoker),
            sync_sink: Arc::new(sync::publish::NoSink),
            sync_settings_cache: Default::default(),
            saml_metadata: Default::default(),
            active_seen: Default::default(),
            telemetry: Default::default(),
            breached: Arc::new(cognate_breach::Breached::builtin()),
            locator: None,
            reputation: Default::default(),
            events_in_flight: Default::default(),
            config: Arc::new(config),
        };
        svc.sync(false, false).await?;
        Ok(svc)
    }

    /// Gives the service its outbound HTTP (federated sign-in).
    pub fn with_outbound(mut self, outbound: Arc<dyn federation::Outbound>) -> Self {
        self.outbound = outbound;
        self
    }

    /// Gives the service its Lambda invoker (triggers).
    pub fn with_invoker(mut self, invoker: Arc<dyn triggers::Invoker>) -> Self {
        self.invoker = invoker;
        self
    }

    /// Gives the service its compromised-password lists (the built-in one and the operator's).
    pub fn with_breached(mut self, breached: Arc<cognate_breach::Breached>) -> Self {
        self.breached = breached;
        self
    }

    /// Gives the service a GeoIP database (threat protection's locations).
    pub fn with_locator(mut self, locator: Arc<dyn threat::geo::Locator>) -> Self {
        self.locator = Some(locator);
        self
    }

    /// Gives the service (every clone of it) an address-reputation list, or a newer one.
    pub fn set_reputation(&self, list: Arc<threat::reputation::Reputation>) {
        *self.reputation.write().unwrap_or_else(|e| e.into_inner()) = list;
    }

    /// Gives the service its Cognito Streams and push sink.
    pub fn with_sync_sink(mut self, sink: Arc<dyn sync::publish::SyncSink>) -> Self {
        self.sync_sink = sink;
        self
    }

    /// The service's counters (`/metrics`).
    pub fn telemetry(&self) -> &telemetry::Telemetry {
        &self.telemetry
    }

    /// The service configuration.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// The ARN of a user pool.
    pub fn pool_arn(&self, pool_id: &str) -> String {
        format!("arn:aws:cognito-idp:{}:{}:userpool/{pool_id}", self.config.region, self.config.account_id)
    }

    /// Closes the store cleanly (graceful shutdown).
    pub async fn close(&self) {
        self.store.close().await;
    }
}
