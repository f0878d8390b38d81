//! Issuer metadata on the API host: `/{poolId}/.well-known/jwks.json` and
//! `/{poolId}/.well-known/openid-configuration`, so that `iss` = `{COGNATE_PUBLIC_URL}/{poolId}`
//! works with pycognito, aws-jwt-verify's generic verifier and any OIDC library.

use axum::body::Body;
use axum::response::Response;
use cognate_core::Cognate;
use cognate_model::UserPoolId;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde_json::json;

fn json_reply(status: u16, body: serde_json::Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    r.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    r.headers_mut().insert(CACHE_CONTROL, http::HeaderValue::from_static("public, max-age=300"));
    r.headers_mut().insert("access-control-allow-origin", http::HeaderValue::from_static("*"));
    r
}

async fn known(svc: &Cognate, pool: &str) -> Result<(), Response> {
    if svc.pool_exists(&UserPoolId::new(pool)).await {
        Ok(())
    } else {
        Err(json_reply(404, json!({"message": format!("User pool {pool} does not exist.")})))
    }
}

/// `/{poolId}/.well-known/jwks.json`: every published signing key.
pub async fn jwks(svc: &Cognate, pool: &str) -> Response {
    match known(svc, pool).await {
        Ok(()) => json_reply(200, svc.jwks()),
        Err(r) => r,
    }
}

/// `/{poolId}/.well-known/openid-configuration`.
pub async fn openid_configuration(svc: &Cognate, pool: &str) -> Response {
    if let Err(r) = known(svc, pool).await {
        return r;
    }
    let iss = svc.issuer(pool);
    let mut doc = json!({
        "issuer": iss,
        "jwks_uri": format!("{iss}/.well-known/jwks.json"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    });
    // The OAuth endpoints exist once the pool has a domain, as on Cognito (README, "Requests, by
    // what they carry").
    match svc.pool_has_domain(&UserPoolId::new(pool)).await {
        Ok(true) => {
            let base = svc.public_url();
            let extra = json!({
                "authorization_endpoint": format!("{base}/oauth2/authorize"),
                "token_endpoint": format!("{base}/oauth2/token"),
                "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
                "revocation_endpoint": format!("{base}/oauth2/revoke"),
                "end_session_endpoint": format!("{base}/logout"),
                "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "implicit"],
                "response_modes_supported": ["query", "fragment"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "email",
                    "email_verified", "phone_number", "phone_number_verified", "name", "given_name", "family_name",
                    "cognito:username", "cognito:groups"],
                "request_parameter_supported": false,
                "request_uri_parameter_supported": false,
                "claims_parameter_supported": false,
                "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            });
            if let (Some(d), Some(e)) = (doc.as_object_mut(), extra.as_object()) {
                d.extend(e.clone());
            }
        }
        Ok(false) => {}
        Err(e) => {
            tracing::error!(error = %e, "discovery: domain lookup failed");
            return json_reply(500, json!({"message": "internal error"}));
        }
    }
    json_reply(200, doc)
}

/// `/.well-known/jwks_uri`: the keys of the identity pools' OpenID tokens (the service's
/// signing keys), as `cognito-identity.amazonaws.com` serves them.
pub fn identity_jwks(svc: &Cognate) -> Response {
    json_reply(200, svc.jwks())
}

/// `/.well-known/openid-configuration`: the identity pools' issuer (`iss = COGNATE_PUBLIC_URL`).
pub fn identity_openid_configuration(svc: &Cognate) -> Response {
    json_reply(200, svc.identity_discovery())
}
