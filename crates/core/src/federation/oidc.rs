//! Signing in through an OpenID Connect provider (OIDC providers and Google): the hosted UI
//! sends the browser to the provider with `state`, `nonce` and PKCE (S256); the provider sends
//! it back to `/oauth2/idpresponse`, where the code is exchanged at the provider's token
//! endpoint, the ID token is checked against the provider's JWKS (signature — RS256, PS256,
//! ES256 or EdDSA through `jsonwebtoken` —, issuer, audience, expiry, nonce), userinfo is read
//! when the provider has an `attributes_url`, and the `AttributeMapping` is applied: to the
//! user linked to that identity (AdminLinkProviderForUser), or to the federated user
//! `{ProviderName}_{sub}`, created on the first sign-in with status `EXTERNAL_PROVIDER`.
//!
//! The `state` is the pending request itself, sealed with the master key (nothing is stored),
//! and bound to the browser that started it by a random cookie whose hash it carries, so a
//! response cannot be replayed into another browser (login CSRF).

use crate::crypto::random_hex;
use crate::hosted::AuthorizeRequest;
use crate::triggers::Trigger;
use crate::users::username_key;
use crate::views::OAuthView;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, IdentityProvider, ProviderType, User, UserPool, UserStatus};
use jsonwebtoken::Algorithm;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

/// The cookie that binds a pending federated sign-in to its browser.
pub const IDP_BINDING_COOKIE: &str = "cognate_idp";
/// How long a person may take at the provider.
const STATE_TTL_MS: i64 = 15 * 60_000;
pub(crate) const STATE_AAD: &str = "idp-state";

/// Where to send the browser, and the binding cookie to set.
#[derive(Debug, Clone)]
pub struct FederationStart {
    /// The provider's authorization URL with the request.
    pub location: String,
    /// The value of [`IDP_BINDING_COOKIE`].
    pub binding: String,
}

/// A finished federated sign-in: who signed in, and the authorization request to answer.
#[derive(Debug, Clone)]
pub struct FederatedSignIn {
    /// The user (name key) of the pool.
    pub username_key: String,
    /// When they authenticated (seconds).
    pub auth_time: i64,
    /// The app's original authorization request, as its query string.
    pub query: String,
    /// The SAML identity (for single logout), when a SAML IdP signed the person in.
    pub saml: Option<super::saml::SamlSessionInfo>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct PendingState {
    /// Pool.
    pub(crate) p: String,
    /// Provider name.
    pub(crate) n: String,
    /// The app's authorization request (query string).
    pub(crate) q: String,
    /// PKCE verifier toward the provider.
    pub(crate) v: String,
    /// Nonce toward the provider.
    pub(crate) o: String,
    /// SHA-256 of the binding cookie.
    pub(crate) b: String,
    /// Expiry (ms).
    pub(crate) e: i64,
}

fn bad(m: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(m.into())
}

fn detail<'a>(p: &'a IdentityProvider, key: &str) -> CoreResult<&'a str> {
    p.details
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::Internal(format!("identity provider {} has no {key}", p.name)))
}

/// Sign in with Apple's client secret: a JWT signed with the team's key (ES256), five minutes.
fn apple_client_secret(p: &IdentityProvider) -> CoreResult<String> {
    let now = now_millis() / 1000;
    let claims = serde_json::json!({
        "iss": detail(p, "team_id")?,
        "iat": now,
        "exp": now + 300,
        "aud": "https://appleid.apple.com",
        "sub": detail(p, "client_id")?,
    });
    let header = jsonwebtoken::Header {
        kid: Some(detail(p, "key_id")?.to_string()),
        ..jsonwebtoken::Header::new(Algorithm::ES256)
    };
    // The .p8 file Apple hands out: PKCS#8 in PEM armour.
    let pem = detail(p, "private_key")?;
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| CoreError::Internal("the Sign in with Apple private_key is not a PEM key".into()))?;
    let key = jsonwebtoken::EncodingKey::from_ec_der(&der);
    jsonwebtoken::encode(&header, &claims, &key).map_err(|e| CoreError::Internal(e.to_string()))
}

/// A provider's refusal or failure, logged with its detail; the person is told which step.
pub(crate) fn refused(p: &IdentityProvider, what: &str, detail: String) -> CoreError {
    tracing::warn!(provider = %p.name, error = %detail, "{what}");
    CoreError::NotAuthorized(format!("The identity provider {} refused the sign-in ({what}).", p.name))
}

/// A claim as an attribute value.
fn claim_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl OAuthView<'_> {
    /// The URL Cognate's providers send browsers back to.
    fn idp_response_url(&self) -> String {
        format!("{}/oauth2/idpresponse", self.public_url())
    }

    /// The provider an authorization request names (by name: `check_authorize` has turned an
    /// `idp_identifier` into its provider's name).
    async fn named_provider(&self, a: &AuthorizeRequest, idp: &str) -> CoreResult<IdentityProvider> {
        self.store
            .get_provider(&a.pool_id, idp)
            .await?
            .ok_or_else(|| bad(format!("The identity provider {idp} does not exist in the user pool.")))
    }

    /// Starts a federated sign-in for an authorization request that names a provider.
    pub async fn federate(&self, a: &AuthorizeRequest, idp: &str, query: &str) -> CoreResult<FederationStart> {
        let provider = self.named_provider(a, idp).await?;
        if provider.provider_type == ProviderType::Saml {
            return self.saml_start(a, &provider, query).await;
        }
        let apple = provider.provider_type == ProviderType::SignInWithApple;
        let oidc = apple || matches!(provider.provider_type, ProviderType::Oidc | ProviderType::Google);
        let (verifier, nonce, binding) = (random_hex(32), random_hex(16), random_hex(32));
        let pending = PendingState {
            p: a.pool_id.to_string(),
            n: provider.name.clone(),
            q: query.to_string(),
            v: verifier.clone(),
            o: nonce.clone(),
            b: cognate_sigv4::sha256_hex(binding.as_bytes()),
            e: now_millis() + STATE_TTL_MS,
        };
        let state = self.master.seal_url(&serde_json::to_vec(&pending).unwrap_or_default(), STATE_AAD);
        let authorize_url = detail(&provider, "authorize_url")?;
        let scopes = provider.details.get("authorize_scopes").map(String::as_str).unwrap_or("openid");
        let (redirect, challenge) = (self.idp_response_url(), crate::hosted::s256(&verifier));
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", detail(&provider, "client_id")?),
            ("redirect_uri", redirect.as_str()),
            ("scope", scopes),
            ("state", state.as_str()),
        ];
        if apple {
            // Apple posts the answer back (with the name, on the first sign-in) and takes no PKCE.
            params.push(("response_mode", "form_post"));
        } else {
            params.extend([("code_challenge", challenge.as_str()), ("code_challenge_method", "S256")]);
        }
        if oidc {
            params.push(("nonce", nonce.as_str()));
        }
        let location = crate::hosted::with_params(authorize_url, &params, false);
        Ok(FederationStart { location, binding })
    }

    /// `/oauth2/idpresponse`: finishes a federated sign-in. `binding` is the browser's
    /// [`IDP_BINDING_COOKIE`]; `apple_user` is Sign in with Apple's `user` (its JSON: the name
    /// and email it sends once, on the first sign-in).
    pub async fn idp_response(
        &self,
        code: &str,
        state: &str,
        binding: Option<&str>,
        apple_user: Option<&str>,
    ) -> CoreResult<FederatedSignIn> {
        let pending = self.pending(state, binding)?;
        let pool = self.pool(&cognate_model::UserPoolId::new(pending.p.clone())).await?;
        let provider = self
            .store
            .get_provider(&pool.id, &pending.n)
            .await?
            .ok_or_else(|| bad(format!("The identity provider {} no longer exists.", pending.n)))?;
        let provider = self.open_provider(provider)?;
        let mut claims = self.provider_claims(&provider, code, &pending).await?;
        if provider.provider_type == ProviderType::SignInWithApple {
            let user: Value = apple_user.and_then(|u| serde_json::from_str(u).ok()).unwrap_or(Value::Null);
            for (claim, value) in [("firstName", &user["name"]["firstName"]), ("lastName", &user["name"]["lastName"])] {
                if let Some(v) = value.as_str() {
                    claims.entry(claim.to_string()).or_insert_with(|| Value::String(v.to_string()));
                }
            }
        }
        let sub = claims
            .get("sub")
            .and_then(claim_text)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| CoreError::NotAuthorized("The identity provider's token has no subject.".into()))?;
        let user = self.federated_user(&pool, &provider, &sub, &claims).await?;
        Ok(FederatedSignIn {
            username_key: user.username_key,
            auth_time: now_millis() / 1000,
            query: pending.q,
            saml: None,
        })
    }

    /// The claims of the person a provider signed in.
    async fn provider_claims(
        &self,
        provider: &IdentityProvider,
        code: &str,
        pending: &PendingState,
    ) -> CoreResult<Map<String, Value>> {
        match provider.provider_type {
            ProviderType::Facebook | ProviderType::LoginWithAmazon => self.social_claims(provider, code, pending).await,
            _ => self.oidc_claims(provider, code, pending).await,
        }
    }

    /// Facebook and Login with Amazon (OAuth 2.0, no ID token): the code exchanged for an
    /// access token (GET or POST per `token_request_method`), then the profile read from
    /// `attributes_url` (Facebook: the mapped fields asked for); its `id` (Facebook) or
    /// `user_id` (Amazon) is the subject.
    async fn social_claims(
        &self,
        provider: &IdentityProvider,
        code: &str,
        pending: &PendingState,
    ) -> CoreResult<Map<String, Value>> {
        let failed = |what: &str, e: String| refused(provider, what, e);
        let client_id = detail(provider, "client_id")?;
        let secret = detail(provider, "client_secret")?;
        let redirect = self.idp_response_url();
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect.as_str()),
            ("client_id", client_id),
            ("client_secret", secret),
            ("code_verifier", pending.v.as_str()),
        ];
        let token_url = detail(provider, "token_url")?;
        let method = provider.details.get("token_request_method").map(String::as_str).unwrap_or("POST");
        let answer = if method.eq_ignore_ascii_case("GET") {
            let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(&form[1..]).finish();
            let sep = if token_url.contains('?') { '&' } else { '?' };
            self.outbound.get(&format!("{token_url}{sep}{query}"), None).await
        } else {
            self.outbound.post_form(token_url, &form, None, None).await
        };
        let (status, body) = answer.map_err(|e| failed("token endpoint unreachable", e))?;
        let access = body["access_token"].as_str().filter(|_| status == 200);
        let access = access.ok_or_else(|| failed("token endpoint", format!("{status}: {body}")))?;
        let subject_field = if provider.provider_type == ProviderType::Facebook { "id" } else { "user_id" };
        let mut url = detail(provider, "attributes_url")?.to_string();
        if provider.details.get("attributes_url_add_attributes").is_some_and(|v| v == "true") {
            let mut fields: Vec<&str> = vec![subject_field];
            fields.extend(provider.attribute_mapping.values().map(String::as_str).filter(|f| *f != subject_field));
            fields.sort_unstable();
            fields.dedup();
            url.push_str(&form_urlencoded::byte_serialize(fields.join(",").as_bytes()).collect::<String>());
        }
        let (status, profile) =
            self.outbound.get(&url, Some(access)).await.map_err(|e| failed("profile unreachable", e))?;
        let Value::Object(mut claims) = profile.clone() else {
            return Err(failed("profile", format!("{status}: {profile}")));
        };
        if status != 200 {
            return Err(failed("profile", format!("{status}: {profile}")));
        }
        let sub = claims
            .get(subject_field)
            .and_then(claim_text)
            .ok_or_else(|| failed("profile", format!("no {subject_field}")))?;
        claims.insert("sub".into(), Value::String(sub));
        Ok(claims)
    }

    /// The pending sign-in a provider's `state` carries, if this server sealed it for this
    /// browser and it has not expired.
    pub(crate) fn pending(&self, state: &str, binding: Option<&str>) -> CoreResult<PendingState> {
        let expired = || bad("The sign-in through the identity provider expired or was not started in this browser.");
        let raw = self.master.open_url(state, STATE_AAD).map_err(|_| expired())?;
        let pending: PendingState = serde_json::from_slice(&raw).map_err(|_| expired())?;
        let bound = binding.map(|b| cognate_sigv4::sha256_hex(b.as_bytes()));
        let same_browser = bound.is_some_and(|b| bool::from(b.as_bytes().ct_eq(pending.b.as_bytes())));
        if pending.e <= now_millis() || !same_browser {
            return Err(expired());
        }
        Ok(pending)
    }

    /// The app's authorization request (its query) behind a provider's `state`, when the state
    /// is good: where an upstream error or a cancelled sign-in is reported back to the app.
    pub fn pending_request(&self, state: &str, binding: Option<&str>) -> Option<String> {
        self.pending(state, binding).ok().map(|p| p.q)
    }

    /// The code exchanged, the ID token checked, and userinfo merged in.
    async fn oidc_claims(
        &self,
        provider: &IdentityProvider,
        code: &str,
        pending: &PendingState,
    ) -> CoreResult<Map<String, Value>> {
        let failed = |what: &str, e: String| refused(provider, what, e);
        let client_id = detail(provider, "client_id")?;
        let secret = provider.details.get("client_secret").map(String::as_str);
        let redirect = self.idp_response_url();
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect.as_str()),
            ("client_id", client_id),
        ];
        let apple_secret;
        let basic = if provider.provider_type == ProviderType::SignInWithApple {
            apple_secret = apple_client_secret(provider)?;
            form.push(("client_secret", apple_secret.as_str()));
            None
        } else {
            form.push(("code_verifier", pending.v.as_str()));
            secret.map(|s| (client_id, s))
        };
        let (status, body) = self
            .outbound
            .post_form(detail(provider, "token_url")?, &form, basic, None)
            .await
            .map_err(|e| failed("token endpoint unreachable", e))?;
        if status != 200 {
            return Err(failed("token endpoint", format!("{status}: {body}")));
        }
        let id_token = body["id_token"].as_str().ok_or_else(|| failed("no ID token", body.to_string()))?;
        let mut claims =
            self.checked_id_token(provider, id_token, &pending.o).await.map_err(|e| failed("ID token", e))?;
        let method = provider.details.get("attributes_request_method").map(String::as_str).unwrap_or("GET");
        // Google's ID token carries the profile the scopes ask for; its preset attributes_url is
        // the People API, which wants field names of its own: not read.
        let read_attributes = provider.provider_type == ProviderType::Oidc;
        if let (true, Some(url), Some(access)) = (
            read_attributes,
            provider.details.get("attributes_url").filter(|u| !u.is_empty()),
            body["access_token"].as_str(),
        ) {
            let answer = if method.eq_ignore_ascii_case("POST") {
                self.outbound.post_form(url, &[], None, Some(access)).await
            } else {
                self.outbound.get(url, Some(access)).await
            };
            let (status, info) = answer.map_err(|e| failed("userinfo unreachable", e))?;
            if status != 200 {
                return Err(failed("userinfo", format!("{status}: {info}")));
            }
            let Value::Object(info) = info else { return Err(failed("userinfo", "not a JSON object".into())) };
            if info.get("sub").is_some_and(|s| Some(s) != claims.get("sub")) {
                return Err(failed("userinfo", "its sub is not the ID token's".into()));
            }
            for (k, v) in info {
                claims.entry(k).or_insert(v);
            }
        }
        Ok(claims)
    }

    /// Checks an ID token against the provider's JWKS; returns its claims.
    async fn checked_id_token(
        &self,
        p: &IdentityProvider,
        token: &str,
        nonce: &str,
    ) -> Result<Map<String, Value>, String> {
        let jwks_uri = detail(p, "jwks_uri").map_err(|e| e.to_string())?;
        let issuer = detail(p, "oidc_issuer").map_err(|e| e.to_string())?;
        // Google signs some ID tokens with its issuer without the scheme.
        let issuers: &[&str] =
            if p.provider_type == ProviderType::Google { &[issuer, "accounts.google.com"] } else { &[issuer] };
        let audience = detail(p, "client_id").map_err(|e| e.to_string())?;
        let claims = super::jwks::verify(self.outbound.as_ref(), token, jwks_uri, issuers, Some(audience))
            .await
            .map_err(|e| e.to_string())?;
        let sent = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
        if !bool::from(sent.as_bytes().ct_eq(nonce.as_bytes())) {
            return Err("the nonce is not the one sent".into());
        }
        Ok(claims)
    }

    /// The user an identity signs in as: the linked user, or its federated user (created, or
    /// updated with the mapped attributes).
    pub(crate) async fn federated_user(
        &self,
        pool: &UserPool,
        p: &IdentityProvider,
        sub: &str,
        claims: &Map<String, Value>,
    ) -> CoreResult<User> {
        let disabled = || CoreError::NotAuthorized("User is disabled.".into());
        let now = now_millis();
        let identity = serde_json::json!({
            "userId": sub,
            "providerName": p.name,
            "providerType": p.provider_type.as_str(),
            "issuer": null,
            "primary": "false",
            "dateCreated": now.to_string(),
        });
        if let Some(link) = self.store.provider_link(&pool.id, &p.name, sub).await? {
            // The linked user; its `identities` gains this one at its first sign-in (Cognito).
            let user = self.store.get_user(&pool.id, &link.username_key).await?.ok_or(CoreError::UserNotFound)?;
            if !user.enabled {
                return Err(disabled());
            }
            let listed = |u: &User| -> Vec<Value> {
                u.attribute("identities").and_then(|v| serde_json::from_str(v).ok()).unwrap_or_default()
            };
            if listed(&user).iter().any(|i| i["providerName"] == p.name.as_str() && i["userId"] == sub) {
                return Ok(user);
            }
            return self
                .modify_user_by_key(pool, &link.username_key, |u| {
                    let mut list = listed(u);
                    list.push(identity.clone());
                    u.set_attribute("identities", &Value::Array(list).to_string());
                    Ok(())
                })
                .await;
        }
        let mapped: Vec<(String, String)> = p
            .attribute_mapping
            .iter()
            .filter(|(attr, _)| attr.as_str() != "username")
            .filter_map(|(attr, claim)| Some((attr.clone(), claims.get(claim).and_then(claim_text)?)))
            .filter(|(_, v)| v.chars().count() <= 2048)
            .collect();
        let name = super::federated_username(&p.name, sub);
        let key = username_key(&pool.settings, &name);
        // Most sign-ins are not the first: update, and create only when there is no one.
        match self.apply_mapping(pool, &key, &mapped).await {
            Err(CoreError::UserNotFound) => {}
            done => return done,
        }
        // First sign-in: PreSignUp (`PreSignUp_ExternalProvider`) before the user exists; it
        // may refuse, or mark the mapped email and phone verified.
        let call = self.call(Trigger::PreSignUp, "PreSignUp_ExternalProvider", pool, &name, None);
        let decided = self.pre_sign_up(&call, &mapped).await?.unwrap_or_default();
        let mut first = identity;
        first["primary"] = "true".into();
        let mut attributes = mapped.clone();
        attributes.push(("identities".into(), Value::Array(vec![first]).to_string()));
        let mut user = User::new(
            pool.id.clone(),
            name.clone(),
            key.clone(),
            uuid::Uuid::new_v4().to_string(),
            UserStatus::ExternalProvider,
            attributes,
            now,
        );
        decided.apply(&mut user);
        match self.store.create_user(&user, &[]).await {
            Ok(()) => return Ok(user),
            // Two first sign-ins at once: the other one created it; update it below.
            Err(cognate_store::StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        self.apply_mapping(pool, &key, &mapped).await
    }

    /// A federated user's mapped attributes, applied at every sign-in.
    async fn apply_mapping(&self, pool: &UserPool, key: &str, mapped: &[(String, String)]) -> CoreResult<User> {
        self.modify_user_by_key(pool, key, |u| {
            if !u.enabled {
                return Err(CoreError::NotAuthorized("User is disabled.".into()));
            }
            for (k, v) in mapped {
                u.set_attribute(k, v);
            }
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    //! The ID-token check, hard: a provider's ES256 key in a JWKS, and tokens that must fail.
    use super::*;
    use crate::federation::{Answer, Outbound};
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;
    use std::sync::Arc;

    struct Jwks(Value);

    #[async_trait::async_trait]
    impl Outbound for Jwks {
        async fn get(&self, _: &str, _: Option<&str>) -> Answer {
            Ok((200, self.0.clone()))
        }
        async fn post_form(&self, _: &str, _: &[(&str, &str)], _: Option<(&str, &str)>, _: Option<&str>) -> Answer {
            Err("not here".into())
        }
    }

    fn key() -> (EncodingKey, Value) {
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let public = pair.public_key().as_ref();
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&public[1..33]), "y": URL_SAFE_NO_PAD.encode(&public[33..65]),
        });
        (EncodingKey::from_ec_der(pkcs8.as_ref()), jwk)
    }

    fn provider() -> IdentityProvider {
        IdentityProvider {
            pool_id: cognate_model::UserPoolId::new("us-east-1_abc"),
            name: "Corp".into(),
            provider_type: ProviderType::Oidc,
            details: [("client_id", "cid"), ("oidc_issuer", "https://idp.test"), ("jwks_uri", "https://idp.test/jwks")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            attribute_mapping: Default::default(),
            identifiers: vec![],
            created_at: 0,
            updated_at: 0,
        }
    }

    #[tokio::test]
    async fn an_id_token_passes_only_with_its_key_issuer_audience_expiry_and_nonce() {
        let (signing, jwk) = key();
        let (other, _) = key();
        let svc = crate::testing::service().await.with_outbound(Arc::new(Jwks(json!({ "keys": [jwk] }))));
        let rc = crate::RequestContext::internal();
        let oauth = svc.oauth(&rc);
        let p = provider();
        let now = now_millis() / 1000;
        let good =
            json!({"iss": "https://idp.test", "aud": "cid", "sub": "u1", "exp": now + 300, "iat": now, "nonce": "n1"});
        let header = || Header { kid: Some("k1".into()), ..Header::new(Algorithm::ES256) };
        let sign = |claims: &Value, key: &EncodingKey| jsonwebtoken::encode(&header(), claims, key).unwrap();

        let claims = oauth.checked_id_token(&p, &sign(&good, &signing), "n1").await.unwrap();
        assert_eq!(claims["sub"], "u1");

        let with = |k: &str, v: Value| {
            let mut c = good.clone();
            c[k] = v;
            c
        };
        let refused = [
            ("another key", sign(&good, &other), "n1"),
            ("another issuer", sign(&with("iss", json!("https://evil.test")), &signing), "n1"),
            ("another audience", sign(&with("aud", json!("someone-else")), &signing), "n1"),
            ("expired", sign(&with("exp", json!(now - 3600)), &signing), "n1"),
            ("another nonce", sign(&good, &signing), "n2"),
            ("no nonce", sign(&with("nonce", Value::Null), &signing), "n1"),
        ];
        for (why, token, nonce) in refused {
            assert!(oauth.checked_id_token(&p, &token, nonce).await.is_err(), "{why} must fail");
        }
        // Algorithms a provider must not choose: none, and HMAC keyed with something public.
        let body = URL_SAFE_NO_PAD.encode(good.to_string());
        let none = format!("{}.{body}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"k1"}"#));
        assert!(oauth.checked_id_token(&p, &none, "n1").await.is_err());
        let hs = jsonwebtoken::encode(
            &Header { kid: Some("k1".into()), ..Header::new(Algorithm::HS256) },
            &good,
            &EncodingKey::from_secret(b"cid"),
        )
        .unwrap();
        assert!(oauth.checked_id_token(&p, &hs, "n1").await.unwrap_err().contains("not accepted"));
        // A tampered payload.
        let t = sign(&good, &signing);
        let parts: Vec<&str> = t.split('.').collect();
        let forged =
            format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(with("sub", json!("admin")).to_string()), parts[2]);
        assert!(oauth.checked_id_token(&p, &forged, "n1").await.is_err());
    }
}
