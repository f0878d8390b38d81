//! Cognito Sync: per-identity datasets of key→value records.
//!
//! Who may touch a dataset is a [`SyncCtx`], which only a verified SigV4 principal gives: an
//! identity's temporary credentials reach that identity's datasets only; an administrator key
//! (the developer) reaches any identity of any pool. [`SyncView`] serves the dataset, record
//! and push operations under it; the pool-wide ones (usage, settings) are on `AdminView`
//! (`sync::pools`).
//!
//! Records are versioned by the dataset's sync count: ListRecords gives the changes after a
//! count and a `SyncSessionToken` (sealed: the identity, the dataset, an expiry); UpdateRecords
//! needs that token and applies its patches all or none, each only while its record's count is
//! the one the device last saw (else ResourceConflictException, and the device merges).

mod events;
pub mod pools;
pub mod publish;
mod records;
pub mod settings_cache;

pub use records::{ListRecordsOut, RecordInput};

use crate::principal::{Principal, PrincipalKind};
use crate::{Cognate, CoreError, CoreResult, RequestContext};
use cognate_store::SyncLimits;

/// The limits Cognito documents: 20 datasets per identity, 1 MB per dataset, 1024 records.
pub const LIMITS: SyncLimits =
    SyncLimits { datasets_per_identity: 20, bytes_per_dataset: 1024 * 1024, records_per_dataset: 1024 };

/// Authority over datasets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncCtx {
    /// An administrator key: the developer, for any identity.
    Developer,
    /// An identity's temporary credentials: its own datasets.
    Identity { identity_id: String, identity_pool_id: String },
}

impl SyncCtx {
    /// The authority of a verified principal; `None` for one that has none here (an assumed
    /// role's credentials).
    pub fn new(principal: &Principal) -> Option<Self> {
        match principal.kind() {
            PrincipalKind::Admin => Some(Self::Developer),
            PrincipalKind::Identity(i) => Some(Self::Identity {
                identity_id: i.identity_id.clone(),
                identity_pool_id: i.identity_pool_id.clone(),
            }),
            PrincipalKind::Role(_) => None,
        }
    }

    /// Who changes records (LastModifiedBy): the identity, or the developer.
    pub(crate) fn actor(&self) -> &str {
        match self {
            Self::Developer => "developer",
            Self::Identity { identity_id, .. } => identity_id,
        }
    }
}

/// The dataset operations, under a [`SyncCtx`].
pub struct SyncView<'a> {
    pub(crate) svc: &'a Cognate,
    pub(crate) ctx: &'a SyncCtx,
    #[allow(dead_code)]
    pub(crate) req: &'a RequestContext,
}

impl std::ops::Deref for SyncView<'_> {
    type Target = Cognate;
    fn deref(&self) -> &Cognate {
        self.svc
    }
}

impl Cognate {
    /// The dataset operations `ctx` may perform.
    pub fn datasets<'a>(&'a self, ctx: &'a SyncCtx, req: &'a RequestContext) -> SyncView<'a> {
        SyncView { svc: self, ctx, req }
    }
}

impl SyncView<'_> {
    /// Checks that the caller may reach `identity` of `pool`, and that it exists there.
    /// Errors: NotAuthorized (another identity's data), ResourceNotFound.
    pub(crate) async fn reach(&self, pool: &str, identity: &str) -> CoreResult<()> {
        if let SyncCtx::Identity { identity_id, identity_pool_id } = self.ctx {
            if identity_id != identity || identity_pool_id != pool {
                return Err(CoreError::NotAuthorized(format!("Access to Identity '{identity}' is forbidden.")));
            }
            // Its own identity: the credentials exist only while it does (deleting an identity
            // or its pool revokes them), so there is nothing to read.
            return Ok(());
        }
        match self.store.get_identity(identity).await? {
            Some(i) if i.pool_id == pool => Ok(()),
            _ => Err(CoreError::ResourceNotFound(format!("Identity '{identity}' not found."))),
        }
    }
}
