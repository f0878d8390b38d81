//! App clients: CRUD with generated secrets (sealed at rest), flow defaults, token validity.

use crate::views::AdminView;
use crate::{paging, Cognate, CoreError, CoreResult};
use cognate_model::ids::generate_client_secret;
use cognate_model::{
    now_millis, AppClient, ClientId, ClientSettings, ExplicitAuthFlow, OAuthFlow, PoolSettings, UserPoolId,
};
use cognate_store::StoreError;

/// Create/UpdateUserPoolClient input.
#[derive(Debug, Clone, Default)]
pub struct ClientInput {
    /// Client name.
    pub name: String,
    /// Generate a secret (create only).
    pub generate_secret: bool,
    /// The settings as requested, defaults already applied by the caller's conversion.
    pub settings: ClientSettings,
}

/// A client with its secret opened.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// The client.
    pub client: AppClient,
    /// The plaintext secret, if it has one.
    pub secret: Option<String>,
}

/// The flows a client allows when `ExplicitAuthFlows` is empty (model documentation).
pub const DEFAULT_FLOWS: [ExplicitAuthFlow; 3] =
    [ExplicitAuthFlow::AllowRefreshTokenAuth, ExplicitAuthFlow::AllowUserSrpAuth, ExplicitAuthFlow::AllowCustomAuth];

/// `ReadAttributes` and `WriteAttributes` name attributes of the pool's schema (Cognito: "Invalid
/// read attributes specified while creating a client").
fn check_attributes(pool: &PoolSettings, s: &ClientSettings, doing: &str) -> CoreResult<()> {
    for (list, kind) in [(&s.read_attributes, "read"), (&s.write_attributes, "write")] {
        if list.iter().any(|a| pool.attribute(a).is_none()) {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid {kind} attributes specified while {doing} a client"
            )));
        }
    }
    Ok(())
}

fn check_settings(s: &mut ClientSettings, has_secret: bool) -> CoreResult<()> {
    let invalid = |m: &str| Err(CoreError::InvalidParameter(m.into()));
    let legacy = s.explicit_auth_flows.iter().any(|f| f.is_legacy());
    let modern = s.explicit_auth_flows.iter().any(|f| !f.is_legacy());
    if legacy && modern {
        return invalid("The ExplicitAuthFlows can either include legacy values or new values. Mixing is not allowed.");
    }
    if s.explicit_auth_flows.is_empty() {
        s.explicit_auth_flows = DEFAULT_FLOWS.to_vec();
    }
    let tv = &mut s.token_validity;
    if tv.refresh == 0 {
        tv.refresh = 30;
        tv.refresh_unit = "days".into();
    }
    if !(300..=86400).contains(&tv.access_secs()) || !(300..=86400).contains(&tv.id_secs()) {
        return invalid(
            "Invalid range for token validity: access and ID tokens must be valid for between 5 minutes and 1 day.",
        );
    }
    if !(3600..=315_360_000).contains(&tv.refresh_secs()) {
        return invalid(
            "Invalid range for token validity: refresh tokens must be valid for between 60 minutes and 10 years.",
        );
    }
    if tv.refresh_secs() < tv.access_secs().max(tv.id_secs()) {
        return invalid("Refresh token validity must be longer than the access and ID token validity.");
    }
    if !(3..=15).contains(&s.auth_session_validity) {
        return invalid("AuthSessionValidity must be between 3 and 15 minutes.");
    }
    let flows = &s.allowed_oauth_flows;
    let bad_flow = |m: &str| Err(CoreError::InvalidOAuthFlow(m.into()));
    if flows.contains(&OAuthFlow::ClientCredentials) {
        if flows.len() > 1 {
            return bad_flow("client_credentials flow can not be selected along with code flow or implicit flow.");
        }
        if !has_secret {
            return bad_flow("client_credentials flow can not be selected if client does not have a client secret.");
        }
        if s.allowed_oauth_scopes.iter().any(|sc| STANDARD_SCOPES.contains(&sc.as_str())) {
            return bad_flow("client_credentials flow can only be used with custom scopes of a resource server.");
        }
    }
    if s.allowed_oauth_flows_user_pool_client {
        if flows.is_empty() {
            return bad_flow("AllowedOAuthFlows can not be empty when AllowedOAuthFlowsUserPoolClient is true.");
        }
        if s.allowed_oauth_scopes.is_empty() {
            return invalid("AllowedOAuthScopes can not be empty when AllowedOAuthFlowsUserPoolClient is true.");
        }
        let browser = flows.iter().any(|f| matches!(f, OAuthFlow::Code | OAuthFlow::Implicit));
        if browser && s.callback_urls.is_empty() {
            return invalid("CallbackURLs can not be empty when the code or implicit flow is allowed.");
        }
    }
    for url in s.callback_urls.iter().chain(&s.logout_urls).chain(&s.default_redirect_uri) {
        let local = url.starts_with("http://localhost") || url.starts_with("http://127.0.0.1");
        if url.starts_with("http://") && !local || url.contains('#') {
            return invalid(
                "Redirect URLs must use HTTPS (http is allowed only for localhost) and must not contain a fragment.",
            );
        }
    }
    if let Some(d) = &s.default_redirect_uri {
        if !s.callback_urls.contains(d) {
            return invalid("DefaultRedirectURI must be one of the CallbackURLs.");
        }
    }
    Ok(())
}

/// The scopes every pool has; the others are `{resource server}/{scope}`.
pub const STANDARD_SCOPES: [&str; 5] = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"];

impl Cognate {
    /// `AllowedOAuthScopes` name standard scopes or scopes of the pool's resource servers;
    /// `SupportedIdentityProviders` name `COGNITO` (identity providers come with federation).
    async fn check_oauth_names(&self, pool: &UserPoolId, s: &ClientSettings) -> CoreResult<()> {
        let custom: Vec<&String> =
            s.allowed_oauth_scopes.iter().filter(|sc| !STANDARD_SCOPES.contains(&sc.as_str())).collect();
        if !custom.is_empty() {
            let servers =
                self.store.list_resource_servers(pool, None, crate::hosted::admin::RESOURCE_SERVERS_PER_POOL).await?;
            let known: std::collections::HashSet<String> = servers.iter().flat_map(|r| r.scope_names()).collect();
            if let Some(missing) = custom.into_iter().find(|sc| !known.contains(sc.as_str())) {
                return Err(CoreError::ScopeDoesNotExist(format!("Invalid scope requested: {missing}")));
            }
        }
        for p in s.supported_identity_providers.iter().filter(|p| p.as_str() != "COGNITO") {
            if self.store.get_provider(pool, p).await?.is_some() {
                continue;
            }
            return Err(CoreError::InvalidParameter(format!("The provider {p} does not exist for User Pool {pool}")));
        }
        Ok(())
    }

    fn open_secret(&self, c: &AppClient) -> CoreResult<Option<String>> {
        c.secret_sealed.as_deref().map(|s| self.master.open_string(s, c.client_id.as_str())).transpose()
    }

    pub(crate) async fn client_in_pool(&self, pool: &UserPoolId, id: &ClientId) -> CoreResult<AppClient> {
        self.pool(pool).await?;
        match self.store.get_client(id).await? {
            Some(c) if &c.pool_id == pool => Ok(c),
            _ => Err(CoreError::ResourceNotFound(format!("User pool client {id} does not exist."))),
        }
    }
}

impl AdminView<'_> {
    /// CreateUserPoolClient.
    pub async fn create_client(&self, pool: &UserPoolId, mut input: ClientInput) -> CoreResult<NewClient> {
        let p = self.pool(pool).await?;
        check_settings(&mut input.settings, input.generate_secret)?;
        check_attributes(&p.settings, &input.settings, "creating")?;
        self.check_oauth_names(pool, &input.settings).await?;
        crate::quotas::room_for(self.store.count_clients(pool).await?, crate::quotas::CLIENTS_PER_POOL, "app clients")?;
        let now = now_millis();
        let client_id = ClientId::generate();
        let secret = input.generate_secret.then(generate_client_secret);
        let client = AppClient {
            pool_id: pool.clone(),
            secret_sealed: secret.as_deref().map(|s| self.master.seal(s.as_bytes(), client_id.as_str())),
            client_id,
            name: input.name,
            created_at: now,
            updated_at: now,
            settings: input.settings,
        };
        self.store.create_client(&client).await?;
        Ok(NewClient { client, secret })
    }

    /// DescribeUserPoolClient.
    pub async fn describe_client(&self, pool: &UserPoolId, id: &ClientId) -> CoreResult<NewClient> {
        let client = self.client_in_pool(pool, id).await?;
        let secret = self.open_secret(&client)?;
        Ok(NewClient { client, secret })
    }

    /// UpdateUserPoolClient: replaces every setting; the secret stays.
    pub async fn update_client(
        &self,
        pool: &UserPoolId,
        id: &ClientId,
        mut input: ClientInput,
    ) -> CoreResult<NewClient> {
        let mut client = self.client_in_pool(pool, id).await?;
        check_settings(&mut input.settings, client.secret_sealed.is_some())?;
        check_attributes(&self.pool(pool).await?.settings, &input.settings, "updating")?;
        self.check_oauth_names(pool, &input.settings).await?;
        if !input.name.is_empty() {
            client.name = input.name;
        }
        // The secrets are not settings: an update keeps them.
        input.settings.secrets = std::mem::take(&mut client.settings.secrets);
        // Nor is the session configuration (SetUserPoolClientSessionConfiguration's).
        input.settings.sso_max_validity_minutes = client.settings.sso_max_validity_minutes;
        // Nor its risk configuration (SetRiskConfiguration's).
        input.settings.risk = client.settings.risk.take();
        client.settings = input.settings;
        client.updated_at = now_millis();
        self.store.update_client(&client).await?;
        let secret = self.open_secret(&client)?;
        Ok(NewClient { client, secret })
    }

    /// DeleteUserPoolClient.
    pub async fn delete_client(&self, pool: &UserPoolId, id: &ClientId) -> CoreResult<()> {
        self.client_in_pool(pool, id).await?;
        self.store.delete_client(pool, id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::ResourceNotFound(format!("User pool client {id} does not exist.")),
            e => e.into(),
        })
    }

    /// ListUserPoolClients.
    pub async fn list_clients(
        &self,
        pool: &UserPoolId,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<AppClient>, Option<String>)> {
        self.pool(pool).await?;
        let after = paging::after(token)?;
        let limit = paging::limit(max);
        let clients = self.store.list_clients(pool, after.as_deref(), limit + 1).await?;
        Ok(paging::split(clients, limit, |x| x.client_id.as_str()))
    }
}
