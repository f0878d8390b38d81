//! App client shapes ↔ `ClientSettings`.

use super::{secs, wire_enum};
use crate::shapes::*;
use cognate_core::{ClientInput, NewClient};
use cognate_model::{ClientSettings, ExistenceErrors, ExplicitAuthFlow, OAuthFlow, TokenValidity};
use serde::{Deserialize, Serialize};

/// The settings members shared by Create and UpdateUserPoolClient.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
struct Fields {
    #[serde(rename = "ClientName")]
    client_name: Option<String>,
    #[serde(rename = "GenerateSecret")]
    generate_secret: Option<bool>,
    #[serde(rename = "RefreshTokenValidity")]
    refresh_token_validity: Option<i64>,
    #[serde(rename = "AccessTokenValidity")]
    access_token_validity: Option<i64>,
    #[serde(rename = "IdTokenValidity")]
    id_token_validity: Option<i64>,
    #[serde(rename = "TokenValidityUnits")]
    token_validity_units: Option<TokenValidityUnitsType>,
    #[serde(rename = "ReadAttributes")]
    read_attributes: Option<Vec<String>>,
    #[serde(rename = "WriteAttributes")]
    write_attributes: Option<Vec<String>>,
    #[serde(rename = "ExplicitAuthFlows")]
    explicit_auth_flows: Option<Vec<String>>,
    #[serde(rename = "SupportedIdentityProviders")]
    supported_identity_providers: Option<Vec<String>>,
    #[serde(rename = "CallbackURLs")]
    callback_urls: Option<Vec<String>>,
    #[serde(rename = "LogoutURLs")]
    logout_urls: Option<Vec<String>>,
    #[serde(rename = "DefaultRedirectURI")]
    default_redirect_uri: Option<String>,
    #[serde(rename = "AllowedOAuthFlows")]
    allowed_oauth_flows: Option<Vec<String>>,
    #[serde(rename = "AllowedOAuthScopes")]
    allowed_oauth_scopes: Option<Vec<String>>,
    #[serde(rename = "AllowedOAuthFlowsUserPoolClient")]
    allowed_oauth_flows_user_pool_client: Option<bool>,
    #[serde(rename = "PreventUserExistenceErrors")]
    prevent_user_existence_errors: Option<String>,
    #[serde(rename = "EnableTokenRevocation")]
    enable_token_revocation: Option<bool>,
    #[serde(rename = "AuthSessionValidity")]
    auth_session_validity: Option<i64>,
    #[serde(rename = "RefreshTokenRotation")]
    refresh_token_rotation: Option<RefreshTokenRotationType>,
    #[serde(rename = "AnalyticsConfiguration", skip_serializing_if = "Option::is_none")]
    analytics_configuration: Option<AnalyticsConfigurationType>,
    #[serde(rename = "EnablePropagateAdditionalUserContextData", skip_serializing_if = "Option::is_none")]
    enable_propagate_additional_user_context_data: Option<bool>,
}

/// A Create/UpdateUserPoolClient request (as JSON) → the service input. Omitted members take
/// Cognito's defaults: a value without units is in hours (days for refresh tokens).
pub fn input_from<T: Serialize>(req: &T) -> Result<ClientInput, serde_json::Error> {
    let f: Fields = serde_json::from_value(serde_json::to_value(req)?)?;
    let units = f.token_validity_units.clone().unwrap_or_default();
    let d = TokenValidity::default();
    let pick =
        |v: Option<i64>, unit: Option<TimeUnitsType>, default_value: i64, default_unit: &str, given_unit: &str| match v
        {
            Some(v) => (v, unit.map(|u| u.as_str().to_string()).unwrap_or_else(|| given_unit.into())),
            None => (default_value, default_unit.into()),
        };
    let (access, access_unit) = pick(f.access_token_validity, units.access_token, d.access, &d.access_unit, "hours");
    let (id, id_unit) = pick(f.id_token_validity, units.id_token, d.id, &d.id_unit, "hours");
    let (refresh, refresh_unit) =
        pick(f.refresh_token_validity, units.refresh_token, d.refresh, &d.refresh_unit, "days");
    let rotation = f.refresh_token_rotation.clone();
    let mut extra = serde_json::Map::new();
    if let Some(a) = &f.analytics_configuration {
        extra.insert("AnalyticsConfiguration".into(), serde_json::to_value(a)?);
    }
    if let Some(b) = f.enable_propagate_additional_user_context_data {
        extra.insert("EnablePropagateAdditionalUserContextData".into(), b.into());
    }
    Ok(ClientInput {
        name: f.client_name.unwrap_or_default(),
        generate_secret: f.generate_secret.unwrap_or(false),
        settings: ClientSettings {
            explicit_auth_flows: parse_all(f.explicit_auth_flows, ExplicitAuthFlow::parse),
            token_validity: TokenValidity { access, id, refresh, access_unit, id_unit, refresh_unit },
            read_attributes: f.read_attributes.unwrap_or_default(),
            write_attributes: f.write_attributes.unwrap_or_default(),
            prevent_user_existence_errors: f
                .prevent_user_existence_errors
                .as_deref()
                .and_then(ExistenceErrors::parse)
                .unwrap_or_default(),
            enable_token_revocation: f.enable_token_revocation.unwrap_or(true),
            auth_session_validity: f.auth_session_validity.unwrap_or(3),
            refresh_token_rotation: rotation.as_ref().is_some_and(|r| r.feature == FeatureType::Enabled),
            refresh_token_retry_grace_seconds: rotation.and_then(|r| r.retry_grace_period_seconds).unwrap_or(0),
            allowed_oauth_flows: parse_all(f.allowed_oauth_flows, OAuthFlow::parse),
            allowed_oauth_scopes: f.allowed_oauth_scopes.unwrap_or_default(),
            allowed_oauth_flows_user_pool_client: f.allowed_oauth_flows_user_pool_client.unwrap_or(false),
            callback_urls: f.callback_urls.unwrap_or_default(),
            logout_urls: f.logout_urls.unwrap_or_default(),
            default_redirect_uri: f.default_redirect_uri,
            supported_identity_providers: f.supported_identity_providers.unwrap_or_default(),
            extra,
            secrets: vec![],
            sso_max_validity_minutes: None,
            risk: None,
        },
    })
}

/// Wire values (already checked against the model's enum) → the model's type.
fn parse_all<T>(values: Option<Vec<String>>, parse: fn(&str) -> Option<T>) -> Vec<T> {
    values.unwrap_or_default().iter().filter_map(|v| parse(v)).collect()
}

fn opt_list<M: std::fmt::Display, T: serde::de::DeserializeOwned>(v: &[M]) -> Option<Vec<T>> {
    (!v.is_empty()).then(|| v.iter().filter_map(|x| wire_enum(&x.to_string())).collect())
}

/// The full `UserPoolClientType`.
pub fn client_type(c: &NewClient) -> UserPoolClientType {
    let s = &c.client.settings;
    let tv = &s.token_validity;
    let nonempty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    UserPoolClientType {
        user_pool_id: Some(c.client.pool_id.to_string()),
        client_name: Some(c.client.name.clone()),
        client_id: Some(c.client.client_id.to_string()),
        client_secret: c.secret.clone(),
        last_modified_date: Some(secs(c.client.updated_at)),
        creation_date: Some(secs(c.client.created_at)),
        refresh_token_validity: Some(tv.refresh),
        access_token_validity: Some(tv.access),
        id_token_validity: Some(tv.id),
        token_validity_units: Some(TokenValidityUnitsType {
            access_token: wire_enum(&tv.access_unit),
            id_token: wire_enum(&tv.id_unit),
            refresh_token: wire_enum(&tv.refresh_unit),
        }),
        read_attributes: nonempty(&s.read_attributes),
        write_attributes: nonempty(&s.write_attributes),
        explicit_auth_flows: opt_list(&s.explicit_auth_flows),
        supported_identity_providers: nonempty(&s.supported_identity_providers),
        callback_urls: nonempty(&s.callback_urls),
        logout_urls: nonempty(&s.logout_urls),
        default_redirect_uri: s.default_redirect_uri.clone(),
        allowed_oauth_flows: opt_list(&s.allowed_oauth_flows),
        allowed_oauth_scopes: nonempty(&s.allowed_oauth_scopes),
        allowed_oauth_flows_user_pool_client: Some(s.allowed_oauth_flows_user_pool_client),
        analytics_configuration: s
            .extra
            .get("AnalyticsConfiguration")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        prevent_user_existence_errors: wire_enum(s.prevent_user_existence_errors.as_str()),
        enable_token_revocation: Some(s.enable_token_revocation),
        enable_propagate_additional_user_context_data: Some(
            s.extra.get("EnablePropagateAdditionalUserContextData").and_then(|v| v.as_bool()).unwrap_or(false),
        ),
        auth_session_validity: Some(s.auth_session_validity),
        refresh_token_rotation: Some(RefreshTokenRotationType {
            feature: if s.refresh_token_rotation { FeatureType::Enabled } else { FeatureType::Disabled },
            retry_grace_period_seconds: Some(s.refresh_token_retry_grace_seconds),
        }),
        ..Default::default()
    }
}
