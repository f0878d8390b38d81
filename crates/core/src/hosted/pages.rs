//! What the hosted pages need to know about a pool and a client (the sign-up form's fields,
//! the password policy to show, the look), the logo they show, and the ticket that lets a
//! person who just signed up and confirmed their code in the same browser go on signed in.

use super::branding::{branding_style, BrandingStyle};
use super::AuthorizeRequest;
use crate::auth::AuthOutcome;
use crate::views::{OAuthView, SignInView};
use crate::CoreResult;
use cognate_model::{now_millis, ClientId, PasswordPolicy, UserPoolId, UserStatus};
use serde::{Deserialize, Serialize};

const TICKET_AAD: &str = "cognate:hosted-sign-up:v1";
/// A sign-up ticket is good for an hour (a confirmation code lasts a day; a person who comes
/// back later signs in with their password).
const TICKET_TTL_MS: i64 = 60 * 60_000;

/// The settings that shape the pages of one client.
#[derive(Debug, Clone)]
pub struct PageSettings {
    /// Attributes the sign-up form asks for (required by the schema, or auto-verified: where
    /// the confirmation code goes), in schema order; an
    /// attribute that is the user name (`email` in an email-as-username pool) is not repeated.
    pub sign_up_attributes: Vec<String>,
    /// `UsernameAttributes` (`email`, `phone_number`): what the user name field holds.
    pub username_attributes: Vec<String>,
    /// The password policy, shown on the forms that set a password.
    pub password_policy: PasswordPolicy,
    /// The pool lets people sign up.
    pub sign_up_allowed: bool,
    /// The CSS of SetUICustomization (the client's, else the pool's).
    pub css: Option<String>,
    /// The logo's cache-busting version when there is one (its last change, ms).
    pub logo_version: Option<i64>,
    /// Whose logo it is (`None`: the pool's).
    pub logo_client: Option<ClientId>,
    /// The look of the client's managed-login branding (checked).
    pub branding: BrandingStyle,
    /// The client's `SupportedIdentityProviders` (`COGNITO` for the pool's own directory).
    pub identity_providers: Vec<String>,
    /// The pool lets people sign in without a password (`SignInPolicy`: a passkey or a code).
    pub passwordless: bool,
}

/// A logo to serve.
#[derive(Debug, Clone)]
pub struct Logo {
    /// `image/png` or `image/jpeg`.
    pub content_type: &'static str,
    /// The image.
    pub bytes: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Ticket {
    p: String,
    c: String,
    s: String,
    e: i64,
}

impl OAuthView<'_> {
    /// The page settings of the client of a checked authorization request (its pool and client
    /// were read by the check; only the look is read here).
    pub async fn page_settings(&self, req: &AuthorizeRequest) -> CoreResult<PageSettings> {
        let (pool_id, client_id) = (&req.pool.id, &req.client.client_id);
        let s = &req.pool.settings;
        let sign_up_attributes = s
            .schema
            .iter()
            .filter(|a| a.name != "sub" && !a.developer_only)
            // Required ones, and the address a confirmation code goes to.
            .filter(|a| a.required || s.auto_verified_attributes.contains(&a.name))
            .filter(|a| !s.is_username_attribute(&a.name))
            .map(|a| a.name.clone())
            .collect();
        let custom = match self.store.get_ui_customization(pool_id, Some(client_id)).await? {
            Some(c) => Some(c),
            None => self.store.get_ui_customization(pool_id, None).await?,
        };
        let branding = match self.store.branding_of_client(pool_id, client_id).await? {
            Some(b) if !b.use_cognito_provided_values => branding_style(&b.settings),
            _ => BrandingStyle::default(),
        };
        Ok(PageSettings {
            sign_up_attributes,
            username_attributes: s.username_attributes.clone(),
            password_policy: s.password_policy.clone(),
            sign_up_allowed: !s.admin_create_user.allow_admin_create_user_only,
            css: custom.as_ref().and_then(|c| c.css.clone()),
            logo_version: custom.as_ref().filter(|c| c.image.is_some()).map(|c| c.updated_at),
            logo_client: custom.as_ref().and_then(|c| c.client_id.clone()),
            branding,
            identity_providers: req.client.settings.supported_identity_providers.clone(),
            passwordless: crate::auth::allowed_first_factors(&req.pool).iter().any(|f| f != "PASSWORD"),
        })
    }

    /// The logo of SetUICustomization for `client` (`None`: the pool's).
    pub async fn logo(&self, pool_id: &UserPoolId, client: Option<&ClientId>) -> CoreResult<Option<Logo>> {
        use base64::Engine;
        let Some(c) = self.store.get_ui_customization(pool_id, client).await? else { return Ok(None) };
        let Some(b64) = c.image else { return Ok(None) };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64) else { return Ok(None) };
        let content_type = if bytes.starts_with(b"\x89PNG") { "image/png" } else { "image/jpeg" };
        Ok(Some(Logo { content_type, bytes }))
    }
}

impl SignInView<'_> {
    /// A ticket for the person who just signed up as `sub` on this browser: once they confirm
    /// their code, [`SignInView::after_confirmation`] signs them in without asking for the
    /// password they typed a minute ago (Cognito's hosted UI does the same).
    pub fn sign_up_ticket(&self, pool: &UserPoolId, client: &ClientId, sub: &str) -> String {
        let t =
            Ticket { p: pool.to_string(), c: client.to_string(), s: sub.to_string(), e: now_millis() + TICKET_TTL_MS };
        self.master.seal_url(&serde_json::to_vec(&t).unwrap_or_default(), TICKET_AAD)
    }

    /// The sign-in a sign-up ticket leads to, once the user is confirmed: MFA still applies
    /// (a challenge when the pool requires it), then [`AuthOutcome::SignedIn`]. `None` when the
    /// ticket is not good (forged, expired, another client, user not confirmed).
    pub async fn after_confirmation(&self, ticket: &str, client_id: &ClientId) -> CoreResult<Option<AuthOutcome>> {
        let Ok(bytes) = self.master.open_url(ticket, TICKET_AAD) else { return Ok(None) };
        let Ok(t) = serde_json::from_slice::<Ticket>(&bytes) else { return Ok(None) };
        if t.e <= now_millis() || t.c != client_id.as_str() {
            return Ok(None);
        }
        let (client, pool) = self.client_and_pool(client_id.as_str()).await?;
        if pool.id.as_str() != t.p {
            return Ok(None);
        }
        let Some(user) = self.store.get_user_by_sub(&pool.id, &t.s).await? else { return Ok(None) };
        if !user.enabled || user.status != UserStatus::Confirmed {
            return Ok(None);
        }
        let now = now_millis();
        let rest = async {
            if let Some(challenge) = self.mfa_gate(&pool, &client, &user, None, now).await? {
                return Ok(challenge);
            }
            self.complete_sign_in(&pool, &client, &user, None).await
        };
        self.passwordless_sign_in(&pool, &client, &user, rest).await.map(Some)
    }
}

impl crate::Cognate {
    /// True when the pool has a domain (so its OAuth endpoints are served).
    pub async fn pool_has_domain(&self, pool: &UserPoolId) -> CoreResult<bool> {
        Ok(!self.store.domains_of_pool(pool).await?.is_empty())
    }
}
