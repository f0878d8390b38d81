//! Tokens: RS256 ID and access tokens with Cognito's claims, opaque refresh tokens stored only
//! hashed, the JWKS, and access-token checks that produce a [`UserCtx`].

pub mod jwt;
pub mod keys;
pub mod revocations;
pub mod verified;

use crate::triggers::claims::Draft;
use crate::triggers::{Call, Trigger};
use crate::{Cognate, CoreError, CoreResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognate_model::{now_millis, AppClient, Group, User, UserPool, UserPoolId};
use cognate_store::RefreshToken;
use rand::RngCore;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The scope every API-issued access token carries; self-service operations require it.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Tokens handed to a client.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// Access token (JWT).
    pub access_token: String,
    /// ID token (JWT); an OAuth grant without the `openid` scope has none.
    pub id_token: Option<String>,
    /// Refresh token (opaque), when one is issued.
    pub refresh_token: Option<String>,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
    /// `NewDeviceMetadata` (device key, device group key) when a device was just created.
    pub new_device: Option<(String, String)>,
}

/// What tokens grant: the OAuth scopes (none: an API sign-in, whose access token carries
/// `aws.cognito.signin.user.admin` and which always gets an ID token) and the OIDC nonce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenGrant {
    /// The granted scopes, in the order requested.
    pub scopes: Vec<String>,
    /// The `nonce` of the authorization request, for the ID token.
    pub nonce: Option<String>,
    /// The device the sign-in came from (`device_key` claim, kept with the refresh token).
    pub device_key: Option<String>,
    /// Where the tokens are issued (PreTokenGeneration's trigger source).
    pub source: crate::triggers::claims::TokenSource,
    /// The request that asked for them (PreTokenGeneration's `clientMetadata`, the caller's SDK).
    pub request: crate::RequestContext,
    /// The hosted session the sign-in came through (a tracked token session's origin).
    pub sso: Option<String>,
}

impl TokenGrant {
    /// An API sign-in from a device.
    pub(crate) fn device(key: &str) -> Self {
        Self { device_key: Some(key.to_string()), ..Self::default() }
    }

    /// The same grant, issued from `source` for `request`.
    pub(crate) fn issued_from(
        mut self,
        source: crate::triggers::claims::TokenSource,
        request: &crate::RequestContext,
    ) -> Self {
        self.source = source;
        self.request = request.clone();
        self
    }

    /// An API sign-in, from a device or not.
    pub(crate) fn device_opt(key: Option<&str>) -> Self {
        Self { device_key: key.map(String::from), ..Self::default() }
    }

    /// The `scope` claim of the access token.
    fn scope_claim(&self) -> String {
        if self.scopes.is_empty() {
            ADMIN_SCOPE.to_string()
        } else {
            self.scopes.join(" ")
        }
    }

    /// An ID token goes with API sign-ins and with OAuth grants that include `openid`.
    fn with_id_token(&self) -> bool {
        self.scopes.is_empty() || self.scopes.iter().any(|s| s == "openid")
    }
}

/// `at_hash`: the left half of the access token's SHA-256, base64url (OIDC Core 3.1.3.6).
pub fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

/// The sign-in session tokens belong to.
#[derive(Debug, Clone)]
pub(crate) struct SessionInfo {
    pub origin_jti: String,
    pub auth_time: i64,
}

impl SessionInfo {
    pub fn new() -> Self {
        Self { origin_jti: uuid::Uuid::new_v4().to_string(), auth_time: now_millis() / 1000 }
    }
}

/// Authority to act as one user: only a verified, unexpired, unrevoked access token with the
/// admin scope produces one ([`Cognate::authenticate`]).
#[derive(Debug, Clone)]
pub struct UserCtx {
    pool_id: UserPoolId,
    sub: String,
    username: String,
    client_id: String,
    origin_jti: String,
}

impl UserCtx {
    /// The user's pool.
    pub fn pool_id(&self) -> &UserPoolId {
        &self.pool_id
    }
    /// The user's sub.
    pub fn sub(&self) -> &str {
        &self.sub
    }
    /// The user name in the token.
    pub fn username(&self) -> &str {
        &self.username
    }
    /// The client the token was issued to.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    /// The sign-in session.
    pub fn origin_jti(&self) -> &str {
        &self.origin_jti
    }
}

/// A user's access token whose signature, issuer, expiry and revocation were checked.
pub(crate) struct CheckedToken {
    pub claims: Value,
    pub pool_id: String,
    pub exp: i64,
}

impl CheckedToken {
    /// Its scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.claims["scope"].as_str().unwrap_or("").split(' ').filter(|s| !s.is_empty())
    }

    /// The user it names.
    pub fn user_ctx(&self) -> CoreResult<UserCtx> {
        let invalid = || CoreError::NotAuthorized("Invalid Access Token".into());
        let c = &self.claims;
        Ok(UserCtx {
            pool_id: UserPoolId::new(&self.pool_id),
            sub: c["sub"].as_str().ok_or_else(invalid)?.to_string(),
            // Client-credentials tokens name no user.
            username: c["username"].as_str().ok_or_else(invalid)?.to_string(),
            client_id: c["client_id"].as_str().unwrap_or_default().to_string(),
            origin_jti: c["origin_jti"].as_str().ok_or_else(invalid)?.to_string(),
        })
    }
}

/// A new refresh token: 256 random bits, URL-safe.
pub(crate) fn new_refresh_token() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// SHA-256 hex of a refresh token: what the store keeps.
pub(crate) fn refresh_hash(token: &str) -> String {
    hex_lower(&Sha256::digest(token.as_bytes()))
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn claim_value(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
        "address" => json!({ "formatted": value }),
        // A federated user's identities: a JSON array in the token, as Cognito puts it.
        "identities" => serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string())),
        _ => Value::String(value.to_string()),
    }
}

impl Cognate {
    /// The issuer of a pool's tokens: `{COGNATE_PUBLIC_URL}/{poolId}`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.config.public_url)
    }

    /// `COGNATE_PUBLIC_URL` (no trailing slash).
    pub fn public_url(&self) -> &str {
        &self.config.public_url
    }

    /// The public URL without its scheme: how identity pools name this service's issuers
    /// (`{host[:port]}{path}`, as Amplify derives a `Logins` key from an `iss`).
    pub(crate) fn public_host(&self) -> &str {
        let url = self.config.public_url.trim_end_matches('/');
        url.split_once("://").map(|(_, r)| r).unwrap_or(url)
    }

    /// The JWKS document (every published key).
    pub fn jwks(&self) -> Value {
        json!({ "keys": self.keys.current().ordered.iter().map(|k| k.to_json()).collect::<Vec<_>>() })
    }

    /// Mints ID and access tokens (and a refresh token when `with_refresh`), reading the
    /// user's groups.
    pub(crate) async fn issue_tokens(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        session: &SessionInfo,
        with_refresh: bool,
        grant: &TokenGrant,
    ) -> CoreResult<IssuedTokens> {
        let groups = self.store.groups_of_user(&pool.id, &user.username_key, None, 1000).await?;
        let refresh = with_refresh.then(new_refresh_token);
        self.issue_tokens_with(pool, client, (user, &groups), session, refresh, grant).await
    }

    /// Mints ID and access tokens for a user whose groups were read with them
    /// (`UserStore::user_with_groups`), storing `refresh` as their refresh token when given.
    /// A refresh token already stored is `RefreshTokenReuse` (a redeemed authorization code).
    pub(crate) async fn issue_tokens_with(
        &self,
        pool: &UserPool,
        client: &AppClient,
        (user, groups): (&User, &[Group]),
        session: &SessionInfo,
        refresh: Option<String>,
        grant: &TokenGrant,
    ) -> CoreResult<IssuedTokens> {
        let device_key = grant.device_key.as_deref();
        let now = now_millis();
        self.note_active_at(pool, user, now);
        let iat = now / 1000;
        let tv = &client.settings.token_validity;
        let iss = self.issuer(pool.id.as_str());
        let event_id = uuid::Uuid::new_v4().to_string();
        let mut groups: Vec<&Group> = groups.iter().collect();
        groups.sort_by_key(|g| (g.precedence.unwrap_or(i64::MAX), g.name.as_str()));
        let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        let roles: Vec<&str> = groups.iter().filter_map(|g| g.role_arn.as_deref()).collect();

        let mut id = Map::new();
        id.insert("sub".into(), user.sub.clone().into());
        let readable = &client.settings.read_attributes;
        for (name, value) in &user.attributes {
            if name.starts_with("dev:") || (!readable.is_empty() && !readable.contains(name)) {
                continue;
            }
            id.insert(name.clone(), claim_value(name, value));
        }
        if !group_names.is_empty() {
            id.insert("cognito:groups".into(), json!(group_names));
        }
        if !roles.is_empty() {
            id.insert("cognito:roles".into(), json!(roles));
            id.insert("cognito:preferred_role".into(), json!(roles[0]));
        }
        id.insert("iss".into(), iss.clone().into());
        id.insert("cognito:username".into(), user.username.clone().into());
        id.insert("origin_jti".into(), session.origin_jti.clone().into());
        id.insert("aud".into(), client.client_id.to_string().into());
        id.insert("event_id".into(), event_id.clone().into());
        id.insert("token_use".into(), "id".into());
        id.insert("auth_time".into(), session.auth_time.into());
        id.insert("exp".into(), (iat + tv.id_secs()).into());
        id.insert("iat".into(), iat.into());
        id.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());

        let mut access = Map::new();
        access.insert("sub".into(), user.sub.clone().into());
        if !group_names.is_empty() {
            access.insert("cognito:groups".into(), json!(group_names));
        }
        access.insert("iss".into(), iss.into());
        access.insert("client_id".into(), client.client_id.to_string().into());
        access.insert("origin_jti".into(), session.origin_jti.clone().into());
        access.insert("event_id".into(), event_id.into());
        access.insert("token_use".into(), "access".into());
        access.insert("scope".into(), grant.scope_claim().into());
        access.insert("auth_time".into(), session.auth_time.into());
        access.insert("exp".into(), (iat + tv.access_secs()).into());
        access.insert("iat".into(), iat.into());
        access.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());
        access.insert("username".into(), user.username.clone().into());
        access.insert("version".into(), 2.into());
        if let Some(d) = device_key {
            access.insert("device_key".into(), d.into());
        }

        if Cognate::has_trigger(pool, Trigger::PreTokenGeneration) {
            let mut scopes: Vec<String> = grant.scope_claim().split(' ').map(String::from).collect();
            let call = Call {
                trigger: Trigger::PreTokenGeneration,
                source: grant.source.trigger_source(),
                pool,
                user_name: &user.username,
                client_id: Some(client.client_id.as_str()),
                req: &grant.request,
            };
            let mut draft = Draft { id: Some(&mut id), access: &mut access, scopes: &mut scopes };
            self.pre_token_generation(&call, Some(user), (&group_names, &roles), &mut draft).await?;
            access.insert("scope".into(), scopes.join(" ").into());
        }
        let ring = self.keys.current();
        let access_token = ring.signing.sign(&Value::Object(access)).map_err(CoreError::Internal)?;
        let id_token = if grant.with_id_token() {
            if let Some(nonce) = &grant.nonce {
                id.insert("nonce".into(), nonce.clone().into());
            }
            if !grant.scopes.is_empty() {
                id.insert("at_hash".into(), at_hash(&access_token).into());
            }
            Some(ring.signing.sign(&Value::Object(id)).map_err(CoreError::Internal)?)
        } else {
            None
        };
        let refresh_expires = now + tv.refresh_secs() * 1000;
        let tracked = refresh.is_some() || grant.source == crate::triggers::claims::TokenSource::RefreshTokens;
        let refresh_token = if let Some(token) = refresh {
            self.store
                .add_refresh_token(&RefreshToken {
                    token_hash: refresh_hash(&token),
                    pool_id: pool.id.clone(),
                    client_id: client.client_id.clone(),
                    username_key: user.username_key.clone(),
                    origin_jti: session.origin_jti.clone(),
                    auth_time: session.auth_time,
                    device_key: device_key.map(String::from),
                    created_at: now,
                    expires_at: refresh_expires,
                    revoked_at: None,
                    scopes: grant.scopes.clone(),
                })
                .await
                .map_err(|e| match e {
                    cognate_store::StoreError::NotFound => CoreError::UserNotFound,
                    cognate_store::StoreError::Conflict(_) => {
                        CoreError::RefreshTokenReuse("The refresh token was issued before.".into())
                    }
                    e => e.into(),
                })?;
            Some(token)
        } else {
            None
        };
        if tracked {
            // A refresh without rotation keeps its token's expiry: 0 leaves the record's.
            let until = if refresh_token.is_some() { refresh_expires } else { 0 };
            self.track_tokens(pool, client, &user.username_key, &session.origin_jti, until, grant).await?;
        }
        Ok(IssuedTokens { access_token, id_token, refresh_token, expires_in: tv.access_secs(), new_device: None })
    }

    /// A client-credentials access token: the client is its subject; no user, no ID token, no
    /// refresh token. A `V3_0` PreTokenGeneration function may change its claims and scopes
    /// (`TokenGeneration_ClientCredentials`). Returns the token and its lifetime (seconds).
    pub(crate) async fn issue_client_token(
        &self,
        pool: &UserPool,
        client: &AppClient,
        scopes: &[String],
        req: &crate::RequestContext,
    ) -> CoreResult<(String, i64)> {
        let iat = now_millis() / 1000;
        let lifetime = client.settings.token_validity.access_secs();
        let mut claims = Map::new();
        claims.insert("sub".into(), client.client_id.as_str().into());
        claims.insert("token_use".into(), "access".into());
        claims.insert("scope".into(), scopes.join(" ").into());
        claims.insert("auth_time".into(), iat.into());
        claims.insert("iss".into(), self.issuer(pool.id.as_str()).into());
        claims.insert("exp".into(), (iat + lifetime).into());
        claims.insert("iat".into(), iat.into());
        claims.insert("version".into(), 2.into());
        claims.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());
        claims.insert("client_id".into(), client.client_id.as_str().into());
        if Cognate::has_trigger(pool, Trigger::PreTokenGeneration) {
            let mut granted = scopes.to_vec();
            let call = Call {
                trigger: Trigger::PreTokenGeneration,
                source: crate::triggers::claims::TokenSource::ClientCredentials.trigger_source(),
                pool,
                user_name: client.client_id.as_str(),
                client_id: Some(client.client_id.as_str()),
                req,
            };
            let mut draft = Draft { id: None, access: &mut claims, scopes: &mut granted };
            self.pre_token_generation(&call, None, (&[], &[]), &mut draft).await?;
            claims.insert("scope".into(), granted.join(" ").into());
        }
        let token = self.keys.current().signing.sign(&Value::Object(claims)).map_err(CoreError::Internal)?;
        Ok((token, lifetime))
    }

    /// Checks an access token as Cognito's user operations do: signature, issuer, `token_use`,
    /// expiry, revocation (in memory), and the `aws.cognito.signin.user.admin` scope.
    pub fn authenticate(&self, access_token: &str) -> CoreResult<UserCtx> {
        let cache_key = verified::key(access_token);
        if let Some((ctx, exp)) = self.verified.get(&cache_key) {
            if exp <= now_millis() / 1000 {
                return Err(CoreError::NotAuthorized("Access Token has expired".into()));
            }
            if self.revocations.contains(&ctx.origin_jti) {
                return Err(CoreError::NotAuthorized("Access Token has been revoked".into()));
            }
            return Ok(ctx);
        }
        let checked = self.check_access_token(access_token)?;
        if !checked.scopes().any(|s| s == ADMIN_SCOPE) {
            return Err(CoreError::NotAuthorized("Access Token does not have required scopes".into()));
        }
        let ctx = checked.user_ctx()?;
        self.verified.put(cache_key, ctx.clone(), checked.exp);
        Ok(ctx)
    }

    /// Verifies a user's access token (signature, issuer, `token_use`, expiry, revocation)
    /// whatever its scopes; the caller decides which scopes it needs.
    pub(crate) fn check_access_token(&self, access_token: &str) -> CoreResult<CheckedToken> {
        let invalid = || CoreError::NotAuthorized("Invalid Access Token".into());
        let ring = self.keys.current();
        let claims = jwt::verify(access_token, |kid| ring.public.get(kid)).map_err(|_| invalid())?;
        if claims["token_use"] != "access" {
            return Err(invalid());
        }
        let iss = claims["iss"].as_str().ok_or_else(invalid)?;
        let pool_id = iss
            .strip_prefix(&self.config.public_url)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|p| !p.is_empty() && !p.contains('/'))
            .ok_or_else(invalid)?
            .to_string();
        let exp = claims["exp"].as_i64().ok_or_else(invalid)?;
        if exp <= now_millis() / 1000 {
            return Err(CoreError::NotAuthorized("Access Token has expired".into()));
        }
        // Client-credentials tokens belong to no sign-in session: nothing to revoke.
        if claims["origin_jti"].as_str().is_some_and(|o| self.revocations.contains(o)) {
            return Err(CoreError::NotAuthorized("Access Token has been revoked".into()));
        }
        Ok(CheckedToken { claims, pool_id, exp })
    }

    /// Revokes every session of a user, here and (through the store) on every node.
    pub(crate) async fn revoke_all_sessions(&self, pool: &UserPoolId, username_key: &str) -> CoreResult<()> {
        let now = now_millis();
        let until = now + keys::RETIRED_KEY_GRACE_MS;
        let jtis = self.store.revoke_user_sessions(pool, username_key, now, until).await?;
        self.revocations.add(jtis.into_iter().map(|j| (j, until)));
        Ok(())
    }

    /// Revokes one session (RevokeToken).
    pub(crate) async fn revoke_session(&self, pool: &UserPoolId, origin_jti: &str) -> CoreResult<()> {
        self.revoke_session_until(pool, origin_jti, 0).await
    }

    /// Revokes one session's key (an `origin_jti`, or a hosted session's id), remembered until
    /// no token of it can be valid and at least until `until` (ms: a hosted cookie's expiry).
    /// Its tracked records go with it.
    pub(crate) async fn revoke_session_until(&self, pool: &UserPoolId, key: &str, until: i64) -> CoreResult<()> {
        use crate::sessions::session_id;
        use cognate_store::SessionKind;
        let now = now_millis();
        let until = until.max(now + keys::RETIRED_KEY_GRACE_MS);
        self.store.revoke_session(pool, key, now, until).await?;
        self.revocations.add([(key.to_string(), until)]);
        let ids = [session_id(SessionKind::Token, key), session_id(SessionKind::Sso, key)];
        self.store.delete_sessions(pool, &ids).await?;
        Ok(())
    }

    /// Picks up what other nodes (or the CLI) changed: new revocations and rotated keys. With
    /// `sweep`, also re-reads the last five minutes of revocations: on a database with several
    /// writers an id can commit after a higher one was already read.
    pub async fn sync(&self, reload_keys: bool, sweep: bool) -> CoreResult<()> {
        let now = now_millis();
        let fresh = self.store.revocations_since(self.revocations.last_id(), now).await?;
        if let Some(last) = fresh.last() {
            self.revocations.seen(last.id);
        }
        self.revocations.add(fresh.into_iter().map(|r| (r.origin_jti, r.expires_at)));
        if sweep {
            let late = self.store.revocations_recorded_since(now - 300_000, now).await?;
            self.revocations.add(late.into_iter().map(|r| (r.origin_jti, r.expires_at)));
        }
        self.revocations.prune(now);
        self.telemetry.synced(now);
        if reload_keys {
            self.keys.reload(self.store.as_ref(), &self.master).await?;
            self.store.purge_expired(now).await?;
        }
        Ok(())
    }
}
