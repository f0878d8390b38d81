//! `/oauth2/userInfo`: the user's attributes that the access token's scopes allow and the
//! client may read. Cognito's table: `openid` alone gives every readable attribute; `profile`
//! the profile attributes and custom ones; `email` and `phone` their attribute and its
//! `_verified` flag; `sub` and `username` always. Values are the attribute strings, as Cognito
//! answers (`"email_verified": "true"`).

use super::OAuthError;
use crate::views::OAuthView;
use crate::CoreError;
use serde_json::{Map, Value};

/// The attributes the `profile` scope opens (besides custom ones).
const PROFILE: [&str; 14] = [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
];

impl OAuthView<'_> {
    /// The claims for a bearer access token. `invalid_token` (401) for a bad, expired or revoked
    /// token or a user who is gone or disabled; `insufficient_scope` (403) without `openid`.
    pub async fn user_info(&self, access_token: &str) -> Result<Map<String, Value>, OAuthError> {
        let invalid = |m: &str| OAuthError::InvalidToken(m.to_string());
        let checked = self.check_access_token(access_token).map_err(|e| match e {
            CoreError::Internal(_) => OAuthError::Server(e),
            other => invalid(&other.to_string()),
        })?;
        let scopes: Vec<&str> = checked.scopes().collect();
        if !scopes.contains(&"openid") {
            return Err(OAuthError::InsufficientScope("The access token does not have the openid scope.".into()));
        }
        let ctx = checked.user_ctx().map_err(|_| invalid("The access token names no user."))?;
        let (_pool, user) = self.ctx_user(&ctx).await.map_err(|e| match e {
            CoreError::Internal(_) => OAuthError::Server(e),
            _ => invalid("Access token is expired, disabled, or deleted, or the user has globally signed out."),
        })?;
        let readable = match self.store.get_client(&cognate_model::ClientId::new(ctx.client_id())).await? {
            Some(c) => c.settings.read_attributes,
            None => return Err(invalid("The access token's client no longer exists.")),
        };
        let (profile, email, phone) =
            (scopes.contains(&"profile"), scopes.contains(&"email"), scopes.contains(&"phone"));
        let everything = !profile && !email && !phone;
        let wanted = |name: &str| {
            everything
                || (profile && (PROFILE.contains(&name) || name.starts_with("custom:")))
                || (email && matches!(name, "email" | "email_verified"))
                || (phone && matches!(name, "phone_number" | "phone_number_verified"))
        };
        let mut out = Map::new();
        out.insert("sub".into(), user.sub.clone().into());
        for (name, value) in &user.attributes {
            let can_read = readable.is_empty() || readable.contains(name);
            if name == "sub" || name.starts_with("dev:") || !can_read || !wanted(name) {
                continue;
            }
            out.insert(name.clone(), Value::String(value.clone()));
        }
        out.insert("username".into(), user.username.clone().into());
        Ok(out)
    }
}
