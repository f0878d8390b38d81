//! PreTokenGeneration: the V1_0 event (ID token claims and groups), V2_0 (both tokens and the
//! access token's scopes) and V3_0 (V2_0, and client-credentials grants too).

use super::{string_map, unrecognizable, user_attributes, Call, Trigger};
use crate::{Cognate, CoreResult};
use cognate_model::User;
use serde_json::{json, Map, Value};

/// Where tokens are being issued: the PreTokenGeneration `triggerSource`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenSource {
    /// The hosted pages' sign-in (the token endpoint's code exchange, or an implicit grant).
    HostedAuth,
    /// An API sign-in.
    #[default]
    Authentication,
    /// A sign-in that set a new password (NEW_PASSWORD_REQUIRED).
    NewPasswordChallenge,
    /// A sign-in whose device proved itself (DEVICE_SRP_AUTH).
    AuthenticateDevice,
    /// A refresh.
    RefreshTokens,
    /// A client-credentials grant (V3_0 only).
    ClientCredentials,
}

impl TokenSource {
    /// `TokenGeneration_…`.
    pub fn trigger_source(self) -> &'static str {
        match self {
            TokenSource::HostedAuth => "TokenGeneration_HostedAuth",
            TokenSource::Authentication => "TokenGeneration_Authentication",
            TokenSource::NewPasswordChallenge => "TokenGeneration_NewPasswordChallenge",
            TokenSource::AuthenticateDevice => "TokenGeneration_AuthenticateDevice",
            TokenSource::RefreshTokens => "TokenGeneration_RefreshTokens",
            TokenSource::ClientCredentials => "TokenGeneration_ClientCredentials",
        }
    }
}

/// Claims a function may not add, change or suppress (Cognito's list); attempts are ignored.
const PROTECTED: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
];

/// Claims of the access token that other members govern (scopes, groups) or that identify the
/// token (client, user, version).
const PROTECTED_ACCESS: &[&str] =
    &["client_id", "scope", "username", "version", "event_id", "device_key", "cognito:groups"];

fn protected(name: &str, access: bool) -> bool {
    name.starts_with("dev:") || PROTECTED.contains(&name) || (access && PROTECTED_ACCESS.contains(&name))
}

/// The tokens' claims while they are being built.
pub(crate) struct Draft<'a> {
    /// The ID token's claims (`None`: no ID token, a client-credentials grant).
    pub id: Option<&'a mut Map<String, Value>>,
    /// The access token's claims.
    pub access: &'a mut Map<String, Value>,
    /// The access token's scopes.
    pub scopes: &'a mut Vec<String>,
}

fn strings(t: Trigger, v: Option<&Value>, what: &str) -> CoreResult<Option<Vec<String>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(String::from).ok_or_else(|| unrecognizable(t, what)))
            .collect::<CoreResult<Vec<_>>>()
            .map(Some),
        Some(_) => Err(unrecognizable(t, what)),
    }
}

/// Applies `claimsToAddOrOverride` and `claimsToSuppress` of one token.
fn override_claims(t: Trigger, claims: &mut Map<String, Value>, spec: &Value, access: bool) -> CoreResult<()> {
    match spec.get("claimsToAddOrOverride") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (name, value) in m {
                if !protected(name, access) {
                    claims.insert(name.clone(), value.clone());
                }
            }
        }
        Some(_) => return Err(unrecognizable(t, "claimsToAddOrOverride")),
    }
    for name in strings(t, spec.get("claimsToSuppress"), "claimsToSuppress")?.unwrap_or_default() {
        if !protected(&name, access) {
            claims.remove(&name);
        }
    }
    Ok(())
}

/// Applies `groupOverrideDetails`: `cognito:groups` in both tokens, `cognito:roles` and
/// `cognito:preferred_role` in the ID token.
fn override_groups(t: Trigger, draft: &mut Draft<'_>, spec: &Value) -> CoreResult<()> {
    if let Some(groups) = strings(t, spec.get("groupsToOverride"), "groupsToOverride")? {
        for claims in [draft.id.as_deref_mut(), Some(&mut *draft.access)].into_iter().flatten() {
            if groups.is_empty() {
                claims.remove("cognito:groups");
            } else {
                claims.insert("cognito:groups".into(), json!(groups));
            }
        }
    }
    if let Some(id) = draft.id.as_deref_mut() {
        if let Some(roles) = strings(t, spec.get("iamRolesToOverride"), "iamRolesToOverride")? {
            if roles.is_empty() {
                id.remove("cognito:roles");
            } else {
                id.insert("cognito:roles".into(), json!(roles));
            }
        }
        match spec.get("preferredRole") {
            None | Some(Value::Null) => {}
            Some(Value::String(r)) => {
                id.insert("cognito:preferred_role".into(), r.clone().into());
            }
            Some(_) => return Err(unrecognizable(t, "preferredRole")),
        }
    }
    Ok(())
}

impl Cognate {
    /// Calls PreTokenGeneration, when the pool has it, and applies its answer to `draft`.
    /// `groups` are the user's group names and `roles` their role ARNs, in precedence order.
    pub(crate) async fn pre_token_generation(
        &self,
        call: &Call<'_>,
        user: Option<&User>,
        (groups, roles): (&[&str], &[&str]),
        draft: &mut Draft<'_>,
    ) -> CoreResult<()> {
        let t = Trigger::PreTokenGeneration;
        let Some((_, version)) = t.function(&call.pool.settings.lambda_config) else { return Ok(()) };
        // Client-credentials grants call only V3_0 functions.
        if user.is_none() && version != "3" {
            return Ok(());
        }
        let mut request = json!({
            "userAttributes": user.map(user_attributes).unwrap_or_else(|| json!({})),
            "groupConfiguration": {
                "groupsToOverride": groups,
                "iamRolesToOverride": roles,
                "preferredRole": roles.first(),
            },
            "clientMetadata": string_map(&call.req.trigger_input.client_metadata),
        });
        if version != "1" {
            request["scopes"] = json!(draft.scopes);
        }
        let response = if version == "1" {
            json!({ "claimsOverrideDetails": null })
        } else {
            json!({ "claimsAndScopeOverrideDetails": null })
        };
        let Some(r) = self.call_trigger(call, || (request, response)).await? else { return Ok(()) };
        if r.is_null() {
            return Ok(());
        }
        if !r.is_object() {
            return Err(unrecognizable(t, "response"));
        }
        if version == "1" {
            let spec = &r["claimsOverrideDetails"];
            if spec.is_null() {
                return Ok(());
            }
            if let Some(id) = draft.id.as_deref_mut() {
                override_claims(t, id, spec, false)?;
            }
            return override_groups(t, draft, &spec["groupOverrideDetails"]);
        }
        let spec = &r["claimsAndScopeOverrideDetails"];
        if spec.is_null() {
            return Ok(());
        }
        if let Some(id) = draft.id.as_deref_mut() {
            override_claims(t, id, &spec["idTokenGeneration"], false)?;
        }
        let access = &spec["accessTokenGeneration"];
        override_claims(t, draft.access, access, true)?;
        for s in strings(t, access.get("scopesToAdd"), "scopesToAdd")?.unwrap_or_default() {
            if !s.is_empty() && !s.contains(' ') && !draft.scopes.contains(&s) {
                draft.scopes.push(s);
            }
        }
        let suppress = strings(t, access.get("scopesToSuppress"), "scopesToSuppress")?.unwrap_or_default();
        draft.scopes.retain(|s| !suppress.contains(s));
        override_groups(t, draft, &spec["groupOverrideDetails"])
    }
}
