//! Federated identity providers: their management (this file) and, later, the sign-in through
//! them. `ProviderDetails` are checked per type and completed as Cognito completes them (the
//! social presets' public endpoints, the OIDC endpoints an administrator gives); secrets
//! (`client_secret`, Apple's `private_key`) are sealed with the master key at rest and opened
//! for the administrator's Describe, as Cognito returns them.

pub(crate) mod jwks;
mod links;
mod oidc;
mod outbound;
pub mod saml;
pub use links::{federated_username, ProviderUser, LINKS_PER_USER, SUBJECT_ATTRIBUTE};
pub use oidc::{FederatedSignIn, FederationStart, IDP_BINDING_COOKIE};
pub use outbound::{Answer, NoOutbound, Outbound};

use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, IdentityProvider, ProviderType, UserPoolId};
use cognate_store::StoreError;
use std::collections::BTreeMap;

/// Cognito's quota of identity providers per pool.
pub const PROVIDERS_PER_POOL: u64 = 300;
/// At most this many `IdpIdentifiers` per provider (Cognito: 50).
pub const IDENTIFIERS_PER_PROVIDER: usize = 50;
/// Details that are secrets.
const SECRET_DETAILS: [&str; 2] = ["client_secret", "private_key"];

fn invalid(m: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(m.into())
}

/// What an administrator gives for a provider.
#[derive(Debug, Clone, Default)]
pub struct ProviderInput {
    /// `ProviderDetails`.
    pub details: BTreeMap<String, String>,
    /// `AttributeMapping`.
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    /// `IdpIdentifiers`.
    pub identifiers: Option<Vec<String>>,
}

/// The details each type requires, and the ones it may have.
fn required(t: ProviderType) -> &'static [&'static str] {
    match t {
        ProviderType::Google | ProviderType::Facebook | ProviderType::LoginWithAmazon => {
            &["client_id", "client_secret", "authorize_scopes"]
        }
        ProviderType::SignInWithApple => &["client_id", "team_id", "key_id", "private_key", "authorize_scopes"],
        ProviderType::Oidc => &["client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"],
        ProviderType::Saml => &[],
    }
}

/// The public endpoints of the social presets (what Cognito fills in).
fn preset(t: ProviderType) -> &'static [(&'static str, &'static str)] {
    match t {
        ProviderType::Google => &[
            ("authorize_url", "https://accounts.google.com/o/oauth2/v2/auth"),
            ("token_url", "https://www.googleapis.com/oauth2/v4/token"),
            ("token_request_method", "POST"),
            ("attributes_url", "https://people.googleapis.com/v1/people/me?personFields="),
            ("attributes_url_add_attributes", "true"),
            ("oidc_issuer", "https://accounts.google.com"),
            ("jwks_uri", "https://www.googleapis.com/oauth2/v3/certs"),
        ],
        ProviderType::Facebook => &[
            ("authorize_url", "https://www.facebook.com/v17.0/dialog/oauth"),
            ("token_url", "https://graph.facebook.com/v17.0/oauth/access_token"),
            ("token_request_method", "GET"),
            ("attributes_url", "https://graph.facebook.com/v17.0/me?fields="),
            ("attributes_url_add_attributes", "true"),
        ],
        ProviderType::LoginWithAmazon => &[
            ("authorize_url", "https://www.amazon.com/ap/oa"),
            ("token_url", "https://api.amazon.com/auth/o2/token"),
            ("token_request_method", "POST"),
            ("attributes_url", "https://api.amazon.com/user/profile"),
            ("attributes_url_add_attributes", "false"),
        ],
        ProviderType::SignInWithApple => &[
            ("authorize_url", "https://appleid.apple.com/auth/authorize"),
            ("token_url", "https://appleid.apple.com/auth/token"),
            ("token_request_method", "POST"),
            ("oidc_issuer", "https://appleid.apple.com"),
            ("jwks_uri", "https://appleid.apple.com/auth/keys"),
        ],
        ProviderType::Oidc | ProviderType::Saml => &[],
    }
}

/// The provider attribute Cognito maps to `username` when the administrator maps none.
fn default_username_source(t: ProviderType) -> Option<&'static str> {
    match t {
        ProviderType::Google | ProviderType::SignInWithApple | ProviderType::Oidc => Some("sub"),
        ProviderType::Facebook => Some("id"),
        ProviderType::LoginWithAmazon => Some("user_id"),
        ProviderType::Saml => None,
    }
}

fn is_https_or_local(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://localhost") || url.starts_with("http://127.0.0.1")
}

/// Checks and completes `details` for `t` (secrets not yet sealed).
pub fn check_details(t: ProviderType, mut d: BTreeMap<String, String>) -> CoreResult<BTreeMap<String, String>> {
    for key in required(t) {
        if d.get(*key).is_none_or(|v| v.trim().is_empty()) {
            return Err(invalid(format!("{key} is required for a {} identity provider.", t.as_str())));
        }
    }
    match t {
        ProviderType::Oidc => {
            let method = d.get("attributes_request_method").map(String::as_str).unwrap_or("");
            if !matches!(method, "GET" | "POST") {
                return Err(invalid("attributes_request_method must be GET or POST."));
            }
            let issuer = d.get("oidc_issuer").cloned().unwrap_or_default();
            if !is_https_or_local(&issuer) {
                return Err(invalid("oidc_issuer must be an https URL."));
            }
            for key in ["authorize_url", "token_url", "attributes_url", "jwks_uri"] {
                if d.get(key).is_some_and(|u| !is_https_or_local(u)) {
                    return Err(invalid(format!("{key} must be an https URL.")));
                }
            }
            if !d.get("authorize_scopes").is_some_and(|s| s.split(' ').any(|x| x == "openid")) {
                return Err(invalid("authorize_scopes must include openid for an OIDC identity provider."));
            }
        }
        ProviderType::SignInWithApple => {
            // The .p8 key Apple hands out: PKCS#8 in PEM armour (it signs the client secret).
            let pem = d.get("private_key").map(String::as_str).unwrap_or("");
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
            use base64::Engine;
            let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap_or_default();
            if !pem.contains("BEGIN PRIVATE KEY") || der.len() < 64 {
                return Err(invalid("private_key must be the PEM (.p8) private key Apple issued for key_id."));
            }
        }
        ProviderType::Saml => {
            let file = d.get("MetadataFile").filter(|v| !v.trim().is_empty());
            let url = d.get("MetadataURL").filter(|v| !v.trim().is_empty());
            match (file, url) {
                (Some(_), Some(_)) => return Err(invalid("Give MetadataFile or MetadataURL, not both.")),
                (None, None) => {
                    return Err(invalid("MetadataFile or MetadataURL is required for a SAML identity provider."))
                }
                (Some(f), None) if !(f.contains("EntityDescriptor") && f.contains("IDPSSODescriptor")) => {
                    return Err(invalid("MetadataFile is not SAML 2.0 IdP metadata (no IDPSSODescriptor)."))
                }
                (None, Some(u)) if !is_https_or_local(u) => return Err(invalid("MetadataURL must be an https URL.")),
                _ => {}
            }
            for key in ["IDPSignout", "EncryptedResponses", "IDPInit"] {
                if d.get(key).is_some_and(|v| !matches!(v.as_str(), "true" | "false")) {
                    return Err(invalid(format!("{key} must be true or false.")));
                }
            }
            if d.get("RequestSigningAlgorithm").is_some_and(|v| v != "rsa-sha256") {
                return Err(invalid("RequestSigningAlgorithm must be rsa-sha256."));
            }
        }
        _ => {}
    }
    for (k, v) in preset(t) {
        d.entry(k.to_string()).or_insert_with(|| v.to_string());
    }
    Ok(d)
}

impl AdminView<'_> {
    fn seal_details(&self, pool: &UserPoolId, name: &str, d: &mut BTreeMap<String, String>) {
        for key in SECRET_DETAILS {
            if let Some(v) = d.get_mut(key) {
                *v = self.master.seal(v.as_bytes(), &format!("idp:{pool}:{name}:{key}"));
            }
        }
    }

    async fn check_mapping(
        &self,
        pool_id: &UserPoolId,
        t: ProviderType,
        mapping: Option<BTreeMap<String, String>>,
    ) -> CoreResult<BTreeMap<String, String>> {
        let pool = self.pool(pool_id).await?;
        let mut m = mapping.unwrap_or_default();
        for (attr, _) in m.iter() {
            let known = attr == "username" || pool.settings.schema.iter().any(|a| &a.name == attr);
            if !known {
                return Err(invalid(format!("Attribute {attr} does not exist in the schema of the user pool.")));
            }
        }
        if let Some(src) = default_username_source(t) {
            m.entry("username".into()).or_insert_with(|| src.into());
        }
        Ok(m)
    }

    fn check_identifiers(ids: &Option<Vec<String>>) -> CoreResult<()> {
        let ids = ids.as_deref().unwrap_or(&[]);
        if ids.len() > IDENTIFIERS_PER_PROVIDER {
            return Err(invalid(format!("At most {IDENTIFIERS_PER_PROVIDER} IdpIdentifiers per provider.")));
        }
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                return Err(invalid(format!("The IdpIdentifier {id} is given twice.")));
            }
        }
        Ok(())
    }

    fn map_conflict(e: StoreError, name: &str) -> CoreError {
        match e {
            StoreError::Conflict(w) if w == "name" => CoreError::DuplicateProvider(format!(
                "A provider with the name {name} already exists in this user pool."
            )),
            StoreError::Conflict(w) => match w.strip_prefix("identifier:") {
                Some(id) => {
                    CoreError::DuplicateProvider(format!("The IdpIdentifier {id} is already used in this user pool."))
                }
                None => CoreError::DuplicateProvider(w),
            },
            StoreError::NotFound => CoreError::ResourceNotFound(format!("Identity provider {name} does not exist.")),
            e => e.into(),
        }
    }

    /// CreateIdentityProvider. Errors: DuplicateProvider, InvalidParameter, LimitExceeded,
    /// ResourceNotFound.
    pub async fn create_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
        t: ProviderType,
        input: ProviderInput,
    ) -> CoreResult<IdentityProvider> {
        self.pool(pool_id).await?;
        if name == "COGNITO" {
            return Err(invalid("COGNITO is reserved for the user pool's own directory."));
        }
        if t.is_social() && name != t.as_str() {
            return Err(invalid(format!("A {} identity provider must be named {}.", t.as_str(), t.as_str())));
        }
        if self.store.count_providers(pool_id).await? >= PROVIDERS_PER_POOL {
            return Err(CoreError::LimitExceeded(format!(
                "A user pool can have at most {PROVIDERS_PER_POOL} identity providers."
            )));
        }
        Self::check_identifiers(&input.identifiers)?;
        let mut details = check_details(t, input.details)?;
        self.social_overrides(t, &mut details);
        if t == ProviderType::Oidc {
            self.discover_endpoints(&mut details).await?;
        }
        if t == ProviderType::Saml {
            self.complete_saml(pool_id, &mut details).await?;
        }
        let attribute_mapping = self.check_mapping(pool_id, t, input.attribute_mapping).await?;
        self.seal_details(pool_id, name, &mut details);
        let now = now_millis();
        let p = IdentityProvider {
            pool_id: pool_id.clone(),
            name: name.to_string(),
            provider_type: t,
            details,
            attribute_mapping,
            identifiers: input.identifiers.unwrap_or_default(),
            created_at: now,
            updated_at: now,
        };
        self.store.create_provider(&p).await.map_err(|e| Self::map_conflict(e, name))?;
        self.open_provider(p)
    }

    /// DescribeIdentityProvider. Errors: ResourceNotFound.
    pub async fn describe_provider(&self, pool_id: &UserPoolId, name: &str) -> CoreResult<IdentityProvider> {
        self.pool(pool_id).await?;
        let p = self
            .store
            .get_provider(pool_id, name)
            .await?
            .ok_or_else(|| CoreError::ResourceNotFound(format!("Identity provider {name} does not exist.")))?;
        self.open_provider(p)
    }

    /// GetIdentityProviderByIdentifier. Errors: ResourceNotFound.
    pub async fn provider_by_identifier(&self, pool_id: &UserPoolId, identifier: &str) -> CoreResult<IdentityProvider> {
        self.pool(pool_id).await?;
        let p = self.store.provider_by_identifier(pool_id, identifier).await?.ok_or_else(|| {
            CoreError::ResourceNotFound(format!("No identity provider has the identifier {identifier}."))
        })?;
        self.open_provider(p)
    }

    /// ListIdentityProviders: a page by name and the (opaque) token to continue with.
    pub async fn list_providers(
        &self,
        pool_id: &UserPoolId,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<IdentityProvider>, Option<String>)> {
        self.pool(pool_id).await?;
        let (after, limit) = (crate::paging::after(token)?, crate::paging::limit(max));
        let page = self.store.list_providers(pool_id, after.as_deref(), limit + 1).await?;
        Ok(crate::paging::split(page, limit, |p| &p.name))
    }

    /// UpdateIdentityProvider: the details given replace those of the same key (secrets left
    /// out stay as they were), the mapping and identifiers replace the old ones when given.
    pub async fn update_provider(
        &self,
        pool_id: &UserPoolId,
        name: &str,
        input: UpdateInput,
    ) -> CoreResult<IdentityProvider> {
        let old = self.describe_provider(pool_id, name).await?;
        let t = old.provider_type;
        let mut details = old.details.clone();
        if let Some(d) = input.details {
            for (k, v) in d {
                details.insert(k, v);
            }
        }
        if t == ProviderType::Saml {
            // A new metadata source replaces the other one.
            if input.metadata_file_given {
                details.remove("MetadataURL");
            } else if input.metadata_url_given {
                details.remove("MetadataFile");
            }
        }
        Self::check_identifiers(&input.identifiers)?;
        let mut details = check_details(t, details)?;
        self.social_overrides(t, &mut details);
        if t == ProviderType::Oidc {
            self.discover_endpoints(&mut details).await?;
        }
        if t == ProviderType::Saml {
            self.complete_saml(pool_id, &mut details).await?;
        }
        let attribute_mapping = match input.attribute_mapping {
            Some(m) => self.check_mapping(pool_id, t, Some(m)).await?,
            None => old.attribute_mapping.clone(),
        };
        self.seal_details(pool_id, name, &mut details);
        let p = IdentityProvider {
            details,
            attribute_mapping,
            identifiers: input.identifiers.unwrap_or(old.identifiers.clone()),
            updated_at: now_millis(),
            ..old
        };
        self.store.update_provider(&p).await.map_err(|e| Self::map_conflict(e, name))?;
        self.open_provider(p)
    }

    /// GetSigningCertificate: the certificate of the pool's SAML signing key (created on first
    /// use), base64 DER. Errors: ResourceNotFound.
    pub async fn signing_certificate(&self, pool_id: &UserPoolId) -> CoreResult<String> {
        self.pool(pool_id).await?;
        Ok(self.saml_key(pool_id, saml::keys::Purpose::Signing).await?.cert_base64())
    }

    /// DeleteIdentityProvider. Errors: ResourceNotFound, UnsupportedIdentityProvider (as
    /// InvalidParameter) while an app client still lists it.
    pub async fn delete_provider(&self, pool_id: &UserPoolId, name: &str) -> CoreResult<()> {
        self.pool(pool_id).await?;
        let clients = self.store.list_clients(pool_id, None, 1000).await?;
        if let Some(c) = clients.iter().find(|c| c.settings.supported_identity_providers.iter().any(|p| p == name)) {
            return Err(invalid(format!(
                "The identity provider {name} is used by app client {}; remove it from the client first.",
                c.client_id
            )));
        }
        self.store.delete_provider(pool_id, name).await.map_err(|e| Self::map_conflict(e, name))
    }
}

/// What UpdateIdentityProvider gives.
#[derive(Debug, Clone, Default)]
pub struct UpdateInput {
    /// `ProviderDetails` to merge.
    pub details: Option<BTreeMap<String, String>>,
    /// True when the update gives a `MetadataFile`.
    pub metadata_file_given: bool,
    /// True when the update gives a `MetadataURL`.
    pub metadata_url_given: bool,
    /// `AttributeMapping` (replaces).
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    /// `IdpIdentifiers` (replaces).
    pub identifiers: Option<Vec<String>>,
}

#[cfg(test)]
mod tests;

impl crate::Cognate {
    /// A provider with its secrets opened (for Describe, and for signing in through it).
    pub(crate) fn open_provider(&self, mut p: IdentityProvider) -> CoreResult<IdentityProvider> {
        for key in SECRET_DETAILS {
            if let Some(v) = p.details.get_mut(key) {
                *v = self.master.open_string(v, &format!("idp:{}:{}:{key}", p.pool_id, p.name))?;
            }
        }
        Ok(p)
    }

    /// A social preset's endpoints replaced by the operator's (`COGNATE_SOCIAL_ENDPOINTS_FILE`).
    fn social_overrides(&self, t: ProviderType, d: &mut BTreeMap<String, String>) {
        if let Some(over) = self.config.social_endpoints.get(t.as_str()).filter(|_| t.is_social()) {
            for (k, v) in over {
                d.insert(k.clone(), v.clone());
            }
        }
    }

    /// Reads a SAML provider's metadata (the file, or its URL now) and completes the details as
    /// Cognito does: `SSORedirectBindingURI`, `SLORedirectBindingURI`, and the pool's
    /// `ActiveEncryptionCertificate` when `EncryptedResponses` is on. An expired signing
    /// certificate is refused.
    pub(crate) async fn complete_saml(&self, pool: &UserPoolId, d: &mut BTreeMap<String, String>) -> CoreResult<()> {
        let md = match d.get("MetadataFile").filter(|f| !f.trim().is_empty()) {
            Some(file) => saml::metadata::parse_idp(file),
            None => {
                let url = d.get("MetadataURL").cloned().unwrap_or_default();
                self.fetch_metadata(&url).await.map_err(|e| format!("{url} could not be read: {e}"))
            }
        }
        .map_err(|e| invalid(format!("The SAML metadata is not usable: {e}.")))?;
        if md.expires <= now_millis() {
            return Err(invalid("A signing certificate in the SAML metadata has expired."));
        }
        d.insert("SSORedirectBindingURI".into(), md.sso_url.clone());
        match md.slo_url {
            Some(slo) => d.insert("SLORedirectBindingURI".into(), slo),
            None => d.remove("SLORedirectBindingURI"),
        };
        if d.get("EncryptedResponses").is_some_and(|v| v == "true") {
            let key = self.saml_key(pool, saml::keys::Purpose::Encryption).await?;
            d.insert("ActiveEncryptionCertificate".into(), key.cert_base64());
        } else {
            d.remove("ActiveEncryptionCertificate");
        }
        Ok(())
    }

    /// Fills an OIDC provider's missing endpoints (`authorize_url`, `token_url`,
    /// `attributes_url`, `jwks_uri`) from its issuer's discovery document, as Cognito does.
    pub(crate) async fn discover_endpoints(&self, d: &mut BTreeMap<String, String>) -> CoreResult<()> {
        const KEYS: [(&str, &str); 4] = [
            ("authorize_url", "authorization_endpoint"),
            ("token_url", "token_endpoint"),
            ("attributes_url", "userinfo_endpoint"),
            ("jwks_uri", "jwks_uri"),
        ];
        let missing = |d: &BTreeMap<String, String>, k: &str| d.get(k).is_none_or(|v| v.trim().is_empty());
        if KEYS.iter().all(|(k, _)| !missing(d, k)) {
            return Ok(());
        }
        let issuer = d.get("oidc_issuer").cloned().unwrap_or_default();
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let unreadable = |why: String| invalid(format!("The OIDC discovery document {url} could not be read: {why}"));
        let (status, doc) = self.outbound.get(&url, None).await.map_err(unreadable)?;
        if status != 200 {
            return Err(unreadable(format!("HTTP {status}")));
        }
        let found = doc["issuer"].as_str().unwrap_or("");
        if found.trim_end_matches('/') != issuer.trim_end_matches('/') {
            return Err(invalid(format!("The discovery document names the issuer {found}, not {issuer}.")));
        }
        for (key, field) in KEYS {
            if missing(d, key) {
                if let Some(v) = doc[field].as_str().filter(|v| is_https_or_local(v)) {
                    d.insert(key.to_string(), v.to_string());
                }
            }
        }
        for key in ["authorize_url", "token_url", "jwks_uri"] {
            if missing(d, key) {
                return Err(invalid(format!("{key} is not in the issuer's discovery document; give it.")));
            }
        }
        Ok(())
    }
}
