//! Client-secret rotation: AddUserPoolClientSecret, ListUserPoolClientSecrets,
//! DeleteUserPoolClientSecret. A confidential client has one or two live secrets; `SECRET_HASH`,
//! HTTP Basic client authentication and GetTokensFromRefreshToken accept any of them, so an
//! operator adds the new secret, moves the apps over, then deletes the old one with no downtime.
//!
//! A client that never had a second secret keeps its one in `AppClient::secret_sealed`, with an
//! id derived from the client id; the first AddUserPoolClientSecret lists both in
//! `ClientSettings::secrets`. `secret_sealed` always holds the oldest live secret (what
//! DescribeUserPoolClient shows).

use crate::views::AdminView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::ids::generate_client_secret;
use cognate_model::{now_millis, AppClient, ClientId, ClientSecretEntry, UserPoolId};

/// Live secrets a client may have at once, as Cognito allows.
const MAX_SECRETS: usize = 2;

/// A secret's id, as ListUserPoolClientSecrets shows it (no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretInfo {
    pub id: String,
    pub created_at: i64,
}

impl Cognate {
    /// The id of a client's original secret.
    fn first_secret_id(&self, client: &AppClient) -> String {
        let h = self.master.keyed_hash("client-secret-id", client.client_id.as_str());
        format!("{}-{}", client.client_id, &h[..16])
    }

    /// True when the client has a secret (what [`Cognate::sealed_secrets`] would list, without
    /// copying it).
    pub(crate) fn has_secret(client: &AppClient) -> bool {
        !client.settings.secrets.is_empty() || client.secret_sealed.is_some()
    }

    /// The client's live secrets (sealed), oldest first; empty for a public client.
    pub(crate) fn sealed_secrets(&self, client: &AppClient) -> Vec<ClientSecretEntry> {
        if !client.settings.secrets.is_empty() {
            return client.settings.secrets.clone();
        }
        client
            .secret_sealed
            .iter()
            .map(|s| ClientSecretEntry {
                id: self.first_secret_id(client),
                sealed: s.clone(),
                created_at: client.created_at,
            })
            .collect()
    }

    /// Every live secret of the client, opened.
    pub(crate) fn client_secrets(&self, client: &AppClient) -> CoreResult<Vec<String>> {
        self.sealed_secrets(client)
            .iter()
            .map(|e| self.master.open_string(&e.sealed, client.client_id.as_str()))
            .collect()
    }
}

impl AdminView<'_> {
    async fn confidential(&self, pool: &UserPoolId, id: &ClientId) -> CoreResult<AppClient> {
        let client = self.client_in_pool(pool, id).await?;
        if client.secret_sealed.is_none() {
            return Err(CoreError::InvalidParameter(format!("User pool client {id} does not have a client secret.")));
        }
        Ok(client)
    }

    /// AddUserPoolClientSecret: a new live secret (`given`, or generated). Returns its id, the
    /// value when generated, and its creation time. Errors: ResourceNotFound, InvalidParameter
    /// (a public client), LimitExceeded (two live secrets already).
    pub async fn add_client_secret(
        &self,
        pool: &UserPoolId,
        id: &ClientId,
        given: Option<&str>,
    ) -> CoreResult<(String, Option<String>, i64)> {
        let mut client = self.confidential(pool, id).await?;
        let mut secrets = self.sealed_secrets(&client);
        if secrets.len() >= MAX_SECRETS {
            return Err(CoreError::LimitExceeded(format!(
                "User pool client {id} already has {MAX_SECRETS} client secrets; delete one first."
            )));
        }
        let value = given.map(String::from).unwrap_or_else(generate_client_secret);
        if self.client_secrets(&client)?.iter().any(|s| s == &value) {
            return Err(CoreError::InvalidParameter("The client already has this secret.".into()));
        }
        let now = now_millis();
        let entry = ClientSecretEntry {
            id: format!("{}-{}", client.client_id, &uuid::Uuid::new_v4().simple().to_string()[..16]),
            sealed: self.master.seal(value.as_bytes(), client.client_id.as_str()),
            created_at: now,
        };
        let out = (entry.id.clone(), given.is_none().then_some(value), now);
        secrets.push(entry);
        client.settings.secrets = secrets;
        client.updated_at = now;
        self.store.update_client(&client).await?;
        Ok(out)
    }

    /// ListUserPoolClientSecrets: the live secrets' ids and dates, never their values.
    pub async fn list_client_secrets(&self, pool: &UserPoolId, id: &ClientId) -> CoreResult<Vec<SecretInfo>> {
        let client = self.confidential(pool, id).await?;
        Ok(self
            .sealed_secrets(&client)
            .into_iter()
            .map(|e| SecretInfo { id: e.id, created_at: e.created_at })
            .collect())
    }

    /// DeleteUserPoolClientSecret. Errors: ResourceNotFound (no such secret), InvalidParameter
    /// (the last live secret).
    pub async fn delete_client_secret(&self, pool: &UserPoolId, id: &ClientId, secret_id: &str) -> CoreResult<()> {
        let mut client = self.confidential(pool, id).await?;
        let mut secrets = self.sealed_secrets(&client);
        let before = secrets.len();
        secrets.retain(|e| e.id != secret_id);
        if secrets.len() == before {
            return Err(CoreError::ResourceNotFound(format!("Client secret {secret_id} does not exist.")));
        }
        if secrets.is_empty() {
            return Err(CoreError::InvalidParameter(
                "You cannot delete the last remaining secret of an app client.".into(),
            ));
        }
        client.secret_sealed = Some(secrets[0].sealed.clone());
        client.settings.secrets = secrets;
        client.updated_at = now_millis();
        self.store.update_client(&client).await?;
        Ok(())
    }
}
