//! Client authentication at the token and revocation endpoints: `client_secret_basic`
//! (`Authorization: Basic`), `client_secret_post` (`client_id` and `client_secret` in the
//! body), or a public client's bare `client_id`. One method per request (RFC 6749 §2.3); the
//! secret is compared in constant time.

use super::OAuthError;
use crate::views::OAuthView;
use cognate_model::{AppClient, UserPool};

/// What a request presented to authenticate its client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientCredentials {
    /// `client_id` and `client_secret` from `Authorization: Basic` (already URL-decoded).
    pub basic: Option<(String, String)>,
    /// `client_id` of the body.
    pub client_id: Option<String>,
    /// `client_secret` of the body.
    pub client_secret: Option<String>,
}

impl ClientCredentials {
    /// The client id and the secret presented (`None` for a public client's bare id).
    /// `invalid_request` for two methods at once or none.
    pub(crate) fn presented(&self) -> Result<(&str, Option<&str>), OAuthError> {
        match (&self.basic, &self.client_secret) {
            (Some(_), Some(_)) => {
                Err(OAuthError::InvalidRequest("Use one client authentication method, not two.".into()))
            }
            (Some((id, secret)), None) => {
                if self.client_id.as_ref().is_some_and(|body| body != id) {
                    return Err(OAuthError::InvalidClient("The client_id does not match the credentials.".into()));
                }
                Ok((id.as_str(), Some(secret.as_str())))
            }
            (None, secret) => match self.client_id.as_deref().filter(|i| !i.is_empty()) {
                Some(id) => Ok((id, secret.as_deref())),
                None => Err(OAuthError::InvalidRequest("client_id is required.".into())),
            },
        }
    }
}

impl OAuthView<'_> {
    /// The authenticated client and its pool. `invalid_client` (401) for an unknown client or a
    /// wrong, missing or unexpected secret; `invalid_request` for two methods at once or a pool
    /// without a domain.
    pub(crate) async fn authenticate_client(&self, c: &ClientCredentials) -> Result<(AppClient, UserPool), OAuthError> {
        let (id, secret) = c.presented()?;
        self.admit(self.oauth_client(id).await?, secret)
    }

    /// Admits a client read by [`OAuthView::oauth_client`] (or with a user,
    /// `HostedUiStore::oauth_client_and_user`) if `secret` is its secret, compared in constant time.
    pub(crate) fn admit(
        &self,
        found: Option<(AppClient, UserPool, bool)>,
        secret: Option<&str>,
    ) -> Result<(AppClient, UserPool), OAuthError> {
        let invalid = || OAuthError::InvalidClient("Client authentication failed.".into());
        let (client, pool, has_domain) = found.ok_or_else(invalid)?;
        match (self.secret_matches(&client, secret.unwrap_or(""))?, secret) {
            (Some(true), Some(_)) | (None, None) => {}
            _ => return Err(invalid()),
        }
        if !has_domain {
            return Err(OAuthError::InvalidRequest(
                "The user pool has no domain, so it serves no OAuth endpoints.".into(),
            ));
        }
        Ok((client, pool))
    }
}
