//! Client-secret rotation through the SDK: a second secret is added, sign-ins and token
//! refreshes are accepted with either secret, the old one is deleted and stops working, and a
//! client always keeps at least one.

use crate::common::*;
use idp::types::*;

const PASSWORD: &str = "Rotate-Passw0rd!";

pub(crate) fn secret_hash(secret: &str, user: &str, client: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut m = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(user.as_bytes());
    m.update(client.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

async fn sign_in(c: &idp::Client, client: &str, secret: &str) -> Result<AuthenticationResultType, String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "rita")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", secret_hash(secret, "rita", client))
        .send()
        .await
        .map(|r| r.authentication_result.unwrap())
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

#[tokio::test]
async fn a_client_secret_is_rotated_without_downtime() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    password_user(&c, &pool, "rita", PASSWORD, &[]).await;
    let created = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("backend")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (client, old) = (created.client_id.unwrap(), created.client_secret.unwrap());

    let listed = c.list_user_pool_client_secrets().user_pool_id(&pool).client_id(&client).send().await.unwrap();
    assert_eq!(listed.client_secrets().len(), 1);
    let old_id = listed.client_secrets()[0].client_secret_id.clone().unwrap();

    // A second secret: generated, answered once.
    let added = c.add_user_pool_client_secret().user_pool_id(&pool).client_id(&client).send().await.unwrap();
    let d = added.client_secret_descriptor.unwrap();
    let new = d.client_secret_value.clone().expect("a generated secret is answered");
    assert!(d.client_secret_create_date.is_some());
    // Both work meanwhile: SECRET_HASH, and GetTokensFromRefreshToken's raw secret.
    let t = sign_in(&c, &client, &old).await.unwrap();
    sign_in(&c, &client, &new).await.unwrap();
    for secret in [&old, &new] {
        c.get_tokens_from_refresh_token()
            .client_id(&client)
            .client_secret(secret)
            .refresh_token(t.refresh_token().unwrap())
            .send()
            .await
            .unwrap();
    }
    // The list never shows values; a third secret is refused.
    let listed = c.list_user_pool_client_secrets().user_pool_id(&pool).client_id(&client).send().await.unwrap();
    assert_eq!(listed.client_secrets().len(), 2);
    assert!(listed.client_secrets().iter().all(|s| s.client_secret_value.is_none()));
    let e = c.add_user_pool_client_secret().user_pool_id(&pool).client_id(&client).send().await.unwrap_err();
    assert_eq!(code(&e), "LimitExceededException");
    // An update of the client keeps its secrets.
    c.update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    sign_in(&c, &client, &new).await.unwrap();

    // The old secret goes: it stops working, the new one stays, and is the one described.
    c.delete_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&client)
        .client_secret_id(&old_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sign_in(&c, &client, &old).await.unwrap_err(),
        format!("NotAuthorizedException: Unable to verify secret hash for client {client}")
    );
    sign_in(&c, &client, &new).await.unwrap();
    let described = c.describe_user_pool_client().user_pool_id(&pool).client_id(&client).send().await.unwrap();
    assert_eq!(described.user_pool_client.unwrap().client_secret.as_deref(), Some(new.as_str()));
    // The last one cannot be deleted; an unknown id is not found.
    let listed = c.list_user_pool_client_secrets().user_pool_id(&pool).client_id(&client).send().await.unwrap();
    let last = listed.client_secrets()[0].client_secret_id.clone().unwrap();
    let e = c
        .delete_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&client)
        .client_secret_id(&last)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .delete_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&client)
        .client_secret_id("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");

    // A secret of your own: accepted, not echoed.
    let mine = "my-own-secret-value-0123456789".replace('-', "_");
    let added = c
        .add_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&client)
        .client_secret(&mine)
        .send()
        .await
        .unwrap();
    assert!(added.client_secret_descriptor.unwrap().client_secret_value.is_none());
    sign_in(&c, &client, &mine).await.unwrap();

    // A public client has no secrets to rotate.
    let public = client_with(&c, &pool, "spa", &[]).await;
    let e = c.add_user_pool_client_secret().user_pool_id(&pool).client_id(&public).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}
