//! Identity pools (cognito-identity): pools and their roles ([`pools`]), the logins an identity
//! proves itself with ([`logins`]), identities and their credentials ([`identities`]),
//! developer-authenticated identities ([`developer`]), the roles chosen for a sign-in
//! ([`roles`]), temporary credentials ([`credentials`]) and the pools' OpenID tokens
//! ([`openid`]).

pub mod credentials;
mod developer;
mod identities;
mod logins;
pub mod openid;
mod pools;
mod roles;
pub mod sts;

pub use credentials::TempCredentials;
pub use identities::CredentialsForIdentity;
pub use pools::{IdentityPoolInput, RolesInput};

use crate::{CoreError, CoreResult};

/// At most this many logins in one request.
pub const MAX_LOGINS: usize = 10;
/// The key of the identity pools' own OpenID tokens in `Logins` (developer-authenticated
/// identities present it), as on AWS.
pub const COGNITO_IDENTITY_LOGIN: &str = "cognito-identity.amazonaws.com";

fn invalid(m: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(m.into())
}

fn pool_missing(id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("IdentityPool '{id}' not found."))
}

fn identity_missing(id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Identity '{id}' not found."))
}

/// The error of an identity presented without one of its logins.
fn logins_dont_match() -> CoreError {
    CoreError::NotAuthorized(
        "Invalid login token. Logins don't match. Please include at least one valid login for this identity or identity pool."
            .into(),
    )
}

impl crate::Cognate {
    /// An identity pool, or `ResourceNotFoundException`.
    pub(crate) async fn identity_pool(&self, id: &str) -> CoreResult<cognate_model::IdentityPool> {
        self.store.get_identity_pool(id).await?.ok_or_else(|| pool_missing(id))
    }

    /// `{region}:{uuid}`, the form of identity pool and identity ids.
    pub(crate) fn regional_id(&self) -> String {
        format!("{}:{}", self.config.region, uuid::Uuid::new_v4())
    }
}

#[cfg(test)]
mod tests;
