//! The admin operations of the hosted UI: domains, resource servers, the classic UI
//! customization and managed-login branding, with Cognito's checks.

use crate::views::AdminView;
use crate::{CoreError, CoreResult};
use cognate_model::{
    now_millis, ClientId, ManagedLoginBranding, PoolDomain, ResourceServer, Scope, UiCustomization, UserPoolId,
};
use cognate_store::StoreError;

/// Resource servers per pool (Cognito's quota).
pub const RESOURCE_SERVERS_PER_POOL: usize = 25;
/// Scopes per resource server (the model's list maximum).
pub const SCOPES_PER_RESOURCE_SERVER: usize = 100;
/// The largest logo (`ImageFile`), in bytes.
pub const MAX_IMAGE_BYTES: usize = 100 * 1024;
/// The largest CSS, in characters.
pub const MAX_CSS: usize = 131_072;

/// CreateUserPoolDomain input.
#[derive(Debug, Clone, Default)]
pub struct DomainInput {
    /// The prefix or custom domain.
    pub domain: String,
    /// `CustomDomainConfig.CertificateArn` (a custom domain).
    pub certificate_arn: Option<String>,
    /// `ManagedLoginVersion` (1 classic hosted UI, 2 managed login; default 1).
    pub managed_login_version: Option<i64>,
}

fn invalid(m: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(m.into())
}

/// A prefix domain: lower-case letters, digits and hyphens, not starting or ending with a
/// hyphen, and without the words Cognito reserves.
fn check_prefix(prefix: &str) -> CoreResult<()> {
    let ok_chars = prefix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if prefix.is_empty() || prefix.len() > 63 || !ok_chars || prefix.starts_with('-') || prefix.ends_with('-') {
        return Err(invalid(format!("Domain {prefix} is not a valid domain prefix.")));
    }
    for reserved in ["aws", "amazon", "cognito"] {
        if prefix.contains(reserved) {
            return Err(invalid(format!("Domain cannot contain reserved word: {reserved}")));
        }
    }
    Ok(())
}

impl AdminView<'_> {
    /// CreateUserPoolDomain: a prefix, or a custom domain with a certificate. A pool has at most
    /// one of each. Errors: InvalidParameter (taken, malformed, one of this kind already),
    /// ResourceNotFound.
    pub async fn create_domain(&self, pool_id: &UserPoolId, input: DomainInput) -> CoreResult<PoolDomain> {
        self.pool(pool_id).await?;
        let custom = input.certificate_arn.is_some();
        let domain = input.domain.to_ascii_lowercase();
        if custom {
            let labels: Vec<&str> = domain.split('.').collect();
            if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.len() > 63) {
                return Err(invalid(format!("Domain {domain} is not a valid custom domain.")));
            }
        } else {
            check_prefix(&domain)?;
        }
        let version = input.managed_login_version.unwrap_or(1);
        if !(1..=2).contains(&version) {
            return Err(invalid("ManagedLoginVersion must be 1 or 2."));
        }
        if self.store.domains_of_pool(pool_id).await?.iter().any(|d| d.custom == custom) {
            return Err(invalid(format!(
                "The user pool already has a {} domain.",
                if custom { "custom" } else { "prefix" }
            )));
        }
        let d = PoolDomain {
            domain: domain.clone(),
            pool_id: pool_id.clone(),
            custom,
            certificate_arn: input.certificate_arn,
            managed_login_version: version,
            created_at: now_millis(),
        };
        self.store.create_domain(&d).await.map_err(|e| match e {
            StoreError::Conflict(_) => invalid("Domain already associated with another user pool."),
            e => e.into(),
        })?;
        Ok(d)
    }

    /// The pool's domains (DescribeUserPool's `Domain` and `CustomDomain`).
    pub async fn pool_domains(&self, pool_id: &UserPoolId) -> CoreResult<Vec<PoolDomain>> {
        Ok(self.store.domains_of_pool(pool_id).await?)
    }

    /// DescribeUserPoolDomain: the domain, if it exists (an unknown domain is an empty answer, as
    /// in Cognito).
    pub async fn describe_domain(&self, domain: &str) -> CoreResult<Option<PoolDomain>> {
        Ok(self.store.get_domain(&domain.to_ascii_lowercase()).await?)
    }

    /// UpdateUserPoolDomain: the certificate of a custom domain, the managed-login version.
    pub async fn update_domain(
        &self,
        pool_id: &UserPoolId,
        domain: &str,
        certificate_arn: Option<String>,
        managed_login_version: Option<i64>,
    ) -> CoreResult<PoolDomain> {
        let mut d = self.domain_of(pool_id, domain).await?;
        if let Some(arn) = certificate_arn {
            if !d.custom {
                return Err(invalid("Only a custom domain has a certificate."));
            }
            d.certificate_arn = Some(arn);
        }
        if let Some(v) = managed_login_version {
            if !(1..=2).contains(&v) {
                return Err(invalid("ManagedLoginVersion must be 1 or 2."));
            }
            d.managed_login_version = v;
        }
        self.store.update_domain(&d).await?;
        Ok(d)
    }

    /// DeleteUserPoolDomain.
    pub async fn delete_domain(&self, pool_id: &UserPoolId, domain: &str) -> CoreResult<()> {
        let d = self.domain_of(pool_id, domain).await?;
        self.store.delete_domain(&d.domain).await.map_err(|_| missing_domain(domain))
    }

    async fn domain_of(&self, pool_id: &UserPoolId, domain: &str) -> CoreResult<PoolDomain> {
        self.pool(pool_id).await?;
        let d = self.store.get_domain(&domain.to_ascii_lowercase()).await?.ok_or_else(|| missing_domain(domain))?;
        if &d.pool_id != pool_id {
            return Err(missing_domain(domain));
        }
        Ok(d)
    }

    /// CreateResourceServer / UpdateResourceServer. Errors: InvalidParameter (duplicate scope),
    /// LimitExceeded (25 per pool), ResourceNotFound.
    pub async fn put_resource_server(
        &self,
        pool_id: &UserPoolId,
        identifier: &str,
        name: &str,
        scopes: Vec<Scope>,
        create: bool,
    ) -> CoreResult<ResourceServer> {
        self.pool(pool_id).await?;
        if scopes.len() > SCOPES_PER_RESOURCE_SERVER {
            return Err(CoreError::LimitExceeded(format!(
                "A resource server can have at most {SCOPES_PER_RESOURCE_SERVER} scopes."
            )));
        }
        let mut names = std::collections::HashSet::new();
        if let Some(dup) = scopes.iter().find(|s| !names.insert(s.name.as_str())) {
            return Err(invalid(format!("Duplicate scope name {}.", dup.name)));
        }
        if create {
            let existing = self.store.list_resource_servers(pool_id, None, RESOURCE_SERVERS_PER_POOL + 1).await?;
            if existing.len() >= RESOURCE_SERVERS_PER_POOL {
                return Err(CoreError::LimitExceeded(format!(
                    "A user pool can have at most {RESOURCE_SERVERS_PER_POOL} resource servers."
                )));
            }
        }
        let rs = ResourceServer { pool_id: pool_id.clone(), identifier: identifier.into(), name: name.into(), scopes };
        self.store.put_resource_server(&rs, create).await.map_err(|e| match e {
            StoreError::Conflict(_) => invalid(format!("{identifier} already exists in the user pool.")),
            StoreError::NotFound => missing_resource_server(identifier),
            e => e.into(),
        })?;
        Ok(rs)
    }

    /// DescribeResourceServer.
    pub async fn describe_resource_server(&self, pool_id: &UserPoolId, identifier: &str) -> CoreResult<ResourceServer> {
        self.pool(pool_id).await?;
        self.store.get_resource_server(pool_id, identifier).await?.ok_or_else(|| missing_resource_server(identifier))
    }

    /// ListResourceServers: a page and the token for the next.
    pub async fn list_resource_servers(
        &self,
        pool_id: &UserPoolId,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<ResourceServer>, Option<String>)> {
        self.pool(pool_id).await?;
        let (after, limit) = (crate::paging::after(token)?, crate::paging::limit(max));
        let page = self.store.list_resource_servers(pool_id, after.as_deref(), limit + 1).await?;
        Ok(crate::paging::split(page, limit, |r| &r.identifier))
    }

    /// DeleteResourceServer.
    pub async fn delete_resource_server(&self, pool_id: &UserPoolId, identifier: &str) -> CoreResult<()> {
        self.pool(pool_id).await?;
        self.store.delete_resource_server(pool_id, identifier).await.map_err(|e| match e {
            StoreError::NotFound => missing_resource_server(identifier),
            e => e.into(),
        })
    }

    /// SetUICustomization for a client (or `None`: the pool). The pool needs a domain, the
    /// client must be the pool's, the CSS styles only Cognito's classes ([`check_css`]).
    pub async fn set_ui_customization(
        &self,
        pool_id: &UserPoolId,
        client: Option<ClientId>,
        css: Option<String>,
        image_base64: Option<String>,
    ) -> CoreResult<UiCustomization> {
        self.pool(pool_id).await?;
        if self.store.domains_of_pool(pool_id).await?.is_empty() {
            return Err(invalid("There has to be an existing domain associated with this user pool"));
        }
        if let Some(c) = &client {
            self.client_of_pool(pool_id, c).await?;
        }
        if css.as_ref().is_some_and(|c| c.chars().count() > MAX_CSS) {
            return Err(invalid(format!("The CSS must be at most {MAX_CSS} characters.")));
        }
        if let Some(c) = &css {
            check_css(c)?;
        }
        if let Some(img) = &image_base64 {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(img)
                .map_err(|_| invalid("ImageFile is not valid base64."))?;
            let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
            let jpeg = bytes.starts_with(&[0xff, 0xd8, 0xff]);
            if !png && !jpeg {
                return Err(invalid("ImageFile must be a PNG or JPEG image."));
            }
            if bytes.len() > MAX_IMAGE_BYTES {
                return Err(invalid(format!("ImageFile must be at most {MAX_IMAGE_BYTES} bytes.")));
            }
        }
        let now = now_millis();
        let created_at =
            self.store.get_ui_customization(pool_id, client.as_ref()).await?.map(|c| c.created_at).unwrap_or(now);
        let c = UiCustomization {
            pool_id: pool_id.clone(),
            client_id: client,
            css,
            image: image_base64,
            created_at,
            updated_at: now,
        };
        self.store.put_ui_customization(&c).await?;
        Ok(c)
    }

    /// GetUICustomization: the client's, else the pool's, else nothing.
    pub async fn get_ui_customization(
        &self,
        pool_id: &UserPoolId,
        client: Option<&ClientId>,
    ) -> CoreResult<Option<UiCustomization>> {
        self.pool(pool_id).await?;
        if let Some(c) = client {
            self.client_of_pool(pool_id, c).await?;
            if let Some(found) = self.store.get_ui_customization(pool_id, Some(c)).await? {
                return Ok(Some(found));
            }
        }
        Ok(self.store.get_ui_customization(pool_id, None).await?)
    }

    /// CreateManagedLoginBranding for a client. Errors: ManagedLoginBrandingExists (as
    /// InvalidParameter), ResourceNotFound.
    pub async fn create_branding(
        &self,
        pool_id: &UserPoolId,
        client: &ClientId,
        use_cognito_provided_values: bool,
        settings: serde_json::Value,
        assets: serde_json::Value,
    ) -> CoreResult<ManagedLoginBranding> {
        self.pool(pool_id).await?;
        self.client_of_pool(pool_id, client).await?;
        check_branding(use_cognito_provided_values, &settings)?;
        let now = now_millis();
        let b = ManagedLoginBranding {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: pool_id.clone(),
            client_id: client.clone(),
            use_cognito_provided_values,
            settings,
            assets,
            created_at: now,
            updated_at: now,
        };
        self.store.create_branding(&b).await.map_err(|e| match e {
            StoreError::Conflict(_) => CoreError::ManagedLoginBrandingExists(format!(
                "A managed login branding style already exists for client {client}."
            )),
            e => e.into(),
        })?;
        Ok(b)
    }

    /// DescribeManagedLoginBranding.
    pub async fn describe_branding(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<ManagedLoginBranding> {
        self.pool(pool_id).await?;
        self.store.get_branding(pool_id, id).await?.ok_or_else(|| missing_branding(id))
    }

    /// DescribeManagedLoginBrandingByClient.
    pub async fn branding_of_client(
        &self,
        pool_id: &UserPoolId,
        client: &ClientId,
    ) -> CoreResult<ManagedLoginBranding> {
        self.pool(pool_id).await?;
        self.client_of_pool(pool_id, client).await?;
        self.store.branding_of_client(pool_id, client).await?.ok_or_else(|| missing_branding(client.as_str()))
    }

    /// UpdateManagedLoginBranding: replaces the settings and assets given.
    pub async fn update_branding(
        &self,
        pool_id: &UserPoolId,
        id: &str,
        use_cognito_provided_values: Option<bool>,
        settings: Option<serde_json::Value>,
        assets: Option<serde_json::Value>,
    ) -> CoreResult<ManagedLoginBranding> {
        let mut b = self.describe_branding(pool_id, id).await?;
        if let Some(u) = use_cognito_provided_values {
            b.use_cognito_provided_values = u;
        }
        if let Some(s) = settings {
            b.settings = s;
        }
        if let Some(a) = assets {
            b.assets = a;
        }
        check_branding(b.use_cognito_provided_values && settings_given(&b.settings), &b.settings)?;
        b.updated_at = now_millis();
        self.store.update_branding(&b).await?;
        Ok(b)
    }

    /// DeleteManagedLoginBranding.
    pub async fn delete_branding(&self, pool_id: &UserPoolId, id: &str) -> CoreResult<()> {
        self.pool(pool_id).await?;
        self.store.delete_branding(pool_id, id).await.map_err(|_| missing_branding(id))
    }

    async fn client_of_pool(&self, pool_id: &UserPoolId, client: &ClientId) -> CoreResult<()> {
        match self.store.get_client(client).await? {
            Some(c) if &c.pool_id == pool_id => Ok(()),
            _ => Err(CoreError::ResourceNotFound(format!("User pool client {client} does not exist."))),
        }
    }
}

fn settings_given(settings: &serde_json::Value) -> bool {
    settings.as_object().is_some_and(|m| !m.is_empty())
}

/// `UseCognitoProvidedValues` and `Settings` exclude each other (Cognito: "...cannot be
/// specified together"); settings must be a JSON object.
fn check_branding(use_defaults: bool, settings: &serde_json::Value) -> CoreResult<()> {
    if !settings.is_object() && !settings.is_null() {
        return Err(invalid("Settings must be a JSON object."));
    }
    if use_defaults && settings_given(settings) {
        return Err(invalid("UseCognitoProvidedValues and Settings cannot be specified together."));
    }
    Ok(())
}

fn missing_domain(domain: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Domain {domain} does not exist in the user pool."))
}

fn missing_resource_server(identifier: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Resource server {identifier} does not exist."))
}

fn missing_branding(id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Managed login branding {id} does not exist."))
}

/// The classes SetUICustomization may style (the Cognito developer guide's list for the
/// classic hosted UI), with the pseudo-classes it allows.
const CSS_CLASSES: [&str; 13] = [
    ".background-customizable",
    ".banner-customizable",
    ".errorMessage-customizable",
    ".idpButton-customizable",
    ".idpButton-customizable:hover",
    ".inputField-customizable",
    ".inputField-customizable:focus",
    ".label-customizable",
    ".legalText-customizable",
    ".logo-customizable",
    ".submitButton-customizable",
    ".submitButton-customizable:hover",
    ".textDescription-customizable",
];

/// Checks SetUICustomization's CSS as Cognito does: rules whose selectors are Cognito's
/// classes, nothing else (no other selector, at-rule, nesting or markup); and no `url(`, so the
/// pages load nothing from elsewhere.
pub fn check_css(css: &str) -> CoreResult<()> {
    let bad = |m: String| Err(invalid(m));
    if css.contains('<') || css.contains("@") || css.to_ascii_lowercase().contains("url(") {
        return bad("The CSS may not contain markup, at-rules or url().".into());
    }
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let selectors = &rest[..open];
        let Some(close) = rest[open..].find('}') else { return bad("The CSS has an unclosed rule.".into()) };
        let body = &rest[open + 1..open + close];
        if body.contains('{') {
            return bad("The CSS may not nest rules.".into());
        }
        for sel in selectors.split(',').map(str::trim) {
            if !CSS_CLASSES.contains(&sel) {
                return bad(format!("The CSS class {sel} is not one of the classes that can be customized."));
            }
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.trim().is_empty() {
        return bad("The CSS has text outside a rule.".into());
    }
    Ok(())
}

#[cfg(test)]
mod css_tests {
    use super::check_css;

    #[test]
    fn only_cognitos_classes_are_styled() {
        assert!(check_css(".submitButton-customizable { background-color: red; }\n.label-customizable, .logo-customizable{color:#333}").is_ok());
        assert!(check_css("").is_ok());
        for bad in [
            "body { color: red }",
            ".submitButton-customizable { background: url(https://evil/x.png) }",
            "@import 'x.css';",
            "</style><script>alert(1)</script>",
            ".label-customizable { color: red",
            ".label-customizable { color: red } stray",
            ".inputField-customizable:hover { color: red }",
        ] {
            assert!(check_css(bad).is_err(), "{bad}");
        }
    }
}
