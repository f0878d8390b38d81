//! The role an identity gets: the pool's `unauthenticated` role for guests; for a signed-in
//! identity, the role mapping of its login's provider (`Token`: the user pool groups'
//! `cognito:preferred_role`, or the `CustomRoleArn` when it is among `cognito:roles`; `Rules`:
//! the first rule whose claim matches), and otherwise the `authenticated` role.
//! `AmbiguousRoleResolution` decides when a mapping finds nothing: the authenticated role, or
//! `Deny`.

use super::logins::VerifiedLogin;
use crate::{CoreError, CoreResult};
use cognate_model::{IdentityPool, MappingRule};
use serde_json::Value;

fn no_role() -> CoreError {
    CoreError::InvalidIdentityPoolConfiguration(
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.".into(),
    )
}

fn claim_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => Some(a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(",")),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn rule_matches(rule: &MappingRule, claims: &Value) -> bool {
    let Some(v) = claim_text(&claims[rule.claim.as_str()]) else { return false };
    match rule.match_type.as_str() {
        "Equals" => v == rule.value,
        "NotEqual" => v != rule.value,
        "StartsWith" => v.starts_with(&rule.value),
        "Contains" => v.contains(&rule.value),
        _ => false,
    }
}

/// The role of an authenticated identity (`logins` verified) or a guest (`None`).
pub(crate) fn resolve(
    pool: &IdentityPool,
    logins: Option<&[VerifiedLogin]>,
    custom: Option<&str>,
) -> CoreResult<String> {
    let Some(logins) = logins else {
        return pool.roles.get("unauthenticated").cloned().ok_or_else(no_role);
    };
    let authenticated = || pool.roles.get("authenticated").cloned().ok_or_else(no_role);
    for login in logins {
        let by_client = login.client_id.as_ref().map(|c| format!("{}:{c}", login.provider));
        let mapping = by_client
            .as_deref()
            .and_then(|k| pool.role_mappings.get(k))
            .or_else(|| pool.role_mappings.get(&login.provider));
        let Some(m) = mapping else { continue };
        let found = match m.kind.as_str() {
            "Token" => {
                let roles: Vec<&str> = login.claims["cognito:roles"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                match custom {
                    Some(c) if roles.contains(&c) => Some(c.to_string()),
                    Some(c) => {
                        return Err(CoreError::NotAuthorized(format!(
                            "The CustomRoleArn {c} is not one of the roles the token grants."
                        )))
                    }
                    None => login.claims["cognito:preferred_role"].as_str().map(String::from),
                }
            }
            _ => m.rules.iter().find(|r| rule_matches(r, &login.claims)).map(|r| r.role_arn.clone()),
        };
        return match (found, m.ambiguous_role_resolution.as_deref()) {
            (Some(role), _) => Ok(role),
            (None, Some("Deny")) => {
                Err(CoreError::NotAuthorized("The role mapping of the identity pool denies this login a role.".into()))
            }
            (None, _) => authenticated(),
        };
    }
    authenticated()
}
