//! Linking external identities to users (AdminLinkProviderForUser) and undoing it
//! (AdminDisableProviderForUser). A link makes an identity of a provider — named by a provider
//! attribute, `Cognito_Subject` for OIDC and social providers — sign in as an existing user.
//! A federated user is named `{ProviderName}_{subject}`, as in Cognito.

use crate::users::username_key;
use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, IdentityProvider, ProviderLink, ProviderType, UserPool, UserPoolId};
use cognate_store::StoreError;

/// Cognito's limit of identities linked to one user.
pub const LINKS_PER_USER: u64 = 5;
/// The attribute that names an OIDC or social identity.
pub const SUBJECT_ATTRIBUTE: &str = "Cognito_Subject";

/// A `ProviderUserIdentifierType` as given.
#[derive(Debug, Clone, Default)]
pub struct ProviderUser {
    /// `ProviderName` (`Cognito` for the pool's own users).
    pub provider_name: Option<String>,
    /// `ProviderAttributeName`.
    pub attribute_name: Option<String>,
    /// `ProviderAttributeValue`.
    pub attribute_value: Option<String>,
}

fn invalid(m: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(m.into())
}

fn given<'a>(v: &'a Option<String>, what: &str) -> CoreResult<&'a str> {
    v.as_deref().filter(|x| !x.is_empty()).ok_or_else(|| invalid(format!("{what} is required.")))
}

/// The name of the user an identity of a provider becomes when it signs in unlinked.
pub fn federated_username(provider: &str, subject: &str) -> String {
    format!("{provider}_{subject}")
}

impl AdminView<'_> {
    /// The provider an external identity names, with the attribute checked for its type.
    async fn external(
        &self,
        pool: &UserPool,
        u: &ProviderUser,
        role: &str,
    ) -> CoreResult<(IdentityProvider, String, String)> {
        let provider_name = given(&u.provider_name, &format!("{role}.ProviderName"))?;
        if provider_name.eq_ignore_ascii_case("Cognito") {
            return Err(invalid(format!(
                "{role} must be a user of an external identity provider, not a Cognito user."
            )));
        }
        let provider = self.store.get_provider(&pool.id, provider_name).await?.ok_or_else(|| {
            CoreError::ResourceNotFound(format!("Identity provider {provider_name} does not exist in the user pool."))
        })?;
        let attribute = given(&u.attribute_name, &format!("{role}.ProviderAttributeName"))?;
        if provider.provider_type != ProviderType::Saml && attribute != SUBJECT_ATTRIBUTE {
            return Err(invalid(format!(
                "{role}.ProviderAttributeName must be {SUBJECT_ATTRIBUTE} for a {} identity provider.",
                provider.provider_type.as_str()
            )));
        }
        let subject = given(&u.attribute_value, &format!("{role}.ProviderAttributeValue"))?;
        Ok((provider, attribute.to_string(), subject.to_string()))
    }

    /// AdminLinkProviderForUser. Errors: ResourceNotFound, InvalidParameter, UserNotFound,
    /// AliasExists, LimitExceeded.
    pub async fn link_provider_for_user(
        &self,
        pool_id: &UserPoolId,
        destination: &ProviderUser,
        source: &ProviderUser,
    ) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let (provider, attribute, subject) = self.external(&pool, source, "SourceUser").await?;
        // The destination: a user of the pool by name, or a federated user by its subject.
        let to_provider = given(&destination.provider_name, "DestinationUser.ProviderName")?;
        let to_value = given(&destination.attribute_value, "DestinationUser.ProviderAttributeValue")?;
        let user = if to_provider.eq_ignore_ascii_case("Cognito") {
            self.resolve_user(&pool, to_value).await?
        } else {
            let name = federated_username(to_provider, to_value);
            self.store.get_user(&pool.id, &username_key(&pool.settings, &name)).await?.ok_or(CoreError::UserNotFound)?
        };
        let source_user = federated_username(&provider.name, &subject);
        if self.store.get_user(&pool.id, &username_key(&pool.settings, &source_user)).await?.is_some() {
            return Err(invalid(
                "Merging is not currently supported, provide a SourceUser that has not been merged previously.",
            ));
        }
        let link = ProviderLink {
            pool_id: pool.id.clone(),
            provider_name: provider.name.clone(),
            attribute_name: attribute,
            subject,
            username_key: user.username_key.clone(),
            created_at: now_millis(),
        };
        match self.store.link_provider(&link, LINKS_PER_USER).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                Err(CoreError::LimitExceeded(format!("A user can have at most {LINKS_PER_USER} linked identities.")))
            }
            Err(StoreError::Conflict(_)) => {
                let existing = self.store.provider_link(&pool.id, &link.provider_name, &link.subject).await?;
                match existing {
                    // Linking again to the same user changes nothing.
                    Some(e) if e.username_key == link.username_key => Ok(()),
                    _ => Err(CoreError::AliasExists("The SourceUser is already linked to another user.".into())),
                }
            }
            Err(StoreError::NotFound) => Err(CoreError::UserNotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// AdminDisableProviderForUser: the identity stops signing in as the user it was linked
    /// to; an unlinked federated user of that identity is disabled. Errors: ResourceNotFound,
    /// InvalidParameter, UserNotFound.
    pub async fn disable_provider_for_user(&self, pool_id: &UserPoolId, who: &ProviderUser) -> CoreResult<()> {
        let pool = self.pool(pool_id).await?;
        let (provider, _, subject) = self.external(&pool, who, "User").await?;
        match self.store.unlink_provider(&pool.id, &provider.name, &subject).await {
            Ok(()) => return Ok(()),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        // Not linked: the identity's own federated user, if it exists, is disabled (its
        // sessions end with it).
        let name = federated_username(&provider.name, &subject);
        if self.store.get_user(&pool.id, &username_key(&pool.settings, &name)).await?.is_none() {
            return Err(CoreError::UserNotFound);
        }
        self.set_enabled(&pool.id, &name, false).await
    }
}
