//! Identity pools and STS: `identity-guest` (GetCredentialsForIdentity for a known guest
//! identity: no RSA anywhere), `identity-credentials` (the same for a signed-in identity: its
//! ID token verified, RSA verify only), `identity-openid` (GetOpenIdToken: one RS256 signature),
//! and STS GetCallerIdentity signed with an admin key (`sts-admin`) or with an identity's
//! temporary credentials (`sts-temporary`): what SigV4 with temporary credentials costs.

use crate::{drive, err, sign_in, Fixture, Measured};
use aws_sdk_cognitoidentity as ci;
use aws_sdk_sts as sts;
use std::sync::Arc;

fn admin_creds() -> (String, String, Option<String>) {
    let id = std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| "x".into());
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|_| "x".into());
    (id, secret, None)
}

fn identity_client(endpoint: &str, creds: Option<(String, String, Option<String>)>) -> ci::Client {
    let (k, s, t) = creds.unwrap_or_else(admin_creds);
    cognate_testkit::identity_client_at(endpoint, (&k, &s, t.as_deref()))
}

fn sts_client(endpoint: &str, creds: Option<(String, String, Option<String>)>) -> sts::Client {
    let (k, s, t) = creds.unwrap_or_else(admin_creds);
    cognate_testkit::sts_client_at(endpoint, (&k, &s, t.as_deref()))
}

/// Runs one of this file's scenarios; `None` for other names.
pub async fn run(
    name: &str,
    endpoint: &str,
    f: &Arc<Fixture>,
    secs: u64,
    conc: usize,
    pid: Option<u32>,
) -> Option<Measured> {
    if !matches!(name, "identity-guest" | "identity-credentials" | "identity-openid" | "sts-admin" | "sts-temporary") {
        return None;
    }
    let admin = identity_client(endpoint, None);
    let id_token = sign_in(f, &f.users[0]).await.id_token.unwrap();
    let claims: serde_json::Value = {
        use base64::Engine;
        let payload = id_token.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    };
    let key = claims["iss"].as_str().unwrap().split_once("://").unwrap().1.to_string();
    let provider = ci::types::CognitoIdentityProvider::builder().provider_name(&key).client_id(&f.client).build();
    let pool = admin
        .create_identity_pool()
        .identity_pool_name("bench")
        .allow_unauthenticated_identities(true)
        .allow_classic_flow(true)
        .cognito_identity_providers(provider)
        .send()
        .await
        .expect("CreateIdentityPool")
        .identity_pool_id;
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("authenticated", "arn:aws:iam::000000000000:role/Auth")
        .roles("unauthenticated", "arn:aws:iam::000000000000:role/Guest")
        .send()
        .await
        .expect("SetIdentityPoolRoles");
    let anyone = identity_client(endpoint, None);
    let guest = anyone.get_id().identity_pool_id(&pool).send().await.expect("GetId").identity_id.unwrap();
    let signed = anyone
        .get_id()
        .identity_pool_id(&pool)
        .logins(&key, &id_token)
        .send()
        .await
        .expect("GetId")
        .identity_id
        .unwrap();
    Some(match name {
        "identity-guest" | "identity-credentials" => {
            let logins = (name == "identity-credentials").then(|| (key.clone(), id_token.clone()));
            let id = if logins.is_some() { signed } else { guest };
            drive(secs, conc, pid, move |_, _| {
                let (c, id, logins) = (anyone.clone(), id.clone(), logins.clone());
                async move {
                    let mut req = c.get_credentials_for_identity().identity_id(id);
                    if let Some((k, t)) = logins {
                        req = req.logins(k, t);
                    }
                    req.send().await.map(|_| ()).map_err(err)
                }
            })
            .await
        }
        "identity-openid" => {
            drive(secs, conc, pid, move |_, _| {
                let (c, id, k, t) = (anyone.clone(), signed.clone(), key.clone(), id_token.clone());
                async move { c.get_open_id_token().identity_id(id).logins(k, t).send().await.map(|_| ()).map_err(err) }
            })
            .await
        }
        _ => {
            let creds = if name == "sts-temporary" {
                let c = anyone.get_credentials_for_identity().identity_id(&guest).send().await.expect("credentials");
                let c = c.credentials.unwrap();
                Some((c.access_key_id.unwrap(), c.secret_key.unwrap(), c.session_token))
            } else {
                None
            };
            let client = sts_client(endpoint, creds);
            drive(secs, conc, pid, move |_, _| {
                let c = client.clone();
                async move { c.get_caller_identity().send().await.map(|_| ()).map_err(err) }
            })
            .await
        }
    })
}
