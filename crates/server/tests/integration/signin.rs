//! Sign-in, tokens, refresh, revocation and lockout through the official SDK; tokens checked
//! with an independent JWT library against the served JWKS.

use crate::common::*;
use idp::types::*;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};

const PASSWORD: &str = "Correct-Horse-9";

struct Fixture {
    s: TestServer,
    c: idp::Client,
    pool: String,
    client_id: String,
}

async fn fixture() -> Fixture {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    let client_id = client_with(
        &c,
        &pool,
        "app",
        &[
            ExplicitAuthFlowsType::AllowUserPasswordAuth,
            ExplicitAuthFlowsType::AllowAdminUserPasswordAuth,
            ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ],
    )
    .await;
    Fixture { s, c, pool, client_id }
}

impl Fixture {
    async fn user(&self, name: &str) {
        let email = format!("{name}@example.com");
        password_user(&self.c, &self.pool, name, PASSWORD, &[("email", &email), ("email_verified", "true")]).await;
    }

    async fn sign_in(&self, name: &str, password: &str) -> Result<AuthenticationResultType, String> {
        self.c
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .map(|r| r.authentication_result.unwrap())
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }

    async fn get_user(&self, access: &str) -> Result<String, String> {
        self.c
            .get_user()
            .access_token(access)
            .send()
            .await
            .map(|r| r.username)
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }

    async fn refresh(&self, refresh: &str) -> Result<AuthenticationResultType, String> {
        self.c
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh)
            .send()
            .await
            .map(|r| r.authentication_result.unwrap())
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }

    /// Verifies a JWT with jsonwebtoken against the JWKS served at the issuer.
    async fn verify(&self, token: &str, aud: Option<&str>) -> serde_json::Value {
        let iss = format!("{}/{}", self.s.endpoint, self.pool);
        let jwks: serde_json::Value =
            self.s.http().get(format!("{iss}/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
        let kid = decode_header(token).unwrap().kid.unwrap();
        let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid.as_str()).expect("kid in JWKS");
        assert_eq!(
            (jwk["kty"].as_str(), jwk["use"].as_str(), jwk["alg"].as_str()),
            (Some("RSA"), Some("sig"), Some("RS256"))
        );
        let key = DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap()).unwrap();
        let mut v = Validation::new(Algorithm::RS256);
        v.set_issuer(&[iss]);
        match aud {
            Some(a) => v.set_audience(&[a]),
            None => v.validate_aud = false,
        }
        decode::<serde_json::Value>(token, &key, &v).expect("token verifies").claims
    }
}

#[tokio::test]
async fn new_password_challenge_tokens_and_get_user() {
    let f = fixture().await;
    f.c.create_group()
        .user_pool_id(&f.pool)
        .group_name("staff")
        .precedence(1)
        .role_arn("arn:aws:iam::000000000000:role/staff")
        .send()
        .await
        .unwrap();
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("nina")
        .temporary_password("Temp-Passw0rd!")
        .user_attributes(attr("email", "nina@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    f.c.admin_add_user_to_group().user_pool_id(&f.pool).username("nina").group_name("staff").send().await.unwrap();
    let r =
        f.c.initiate_auth()
            .client_id(&f.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "NINA")
            .auth_parameters("PASSWORD", "Temp-Passw0rd!")
            .send()
            .await
            .unwrap();
    assert_eq!(r.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
    let params = r.challenge_parameters.unwrap();
    assert_eq!(params["USER_ID_FOR_SRP"], "nina");
    let attrs: serde_json::Value = serde_json::from_str(&params["userAttributes"]).unwrap();
    assert_eq!(attrs["email"], "nina@example.com");
    let session = r.session.unwrap();
    assert!(session.len() >= 20);
    let e =
        f.c.respond_to_auth_challenge()
            .client_id(&f.client_id)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&session)
            .challenge_responses("USERNAME", "nina")
            .challenge_responses("NEW_PASSWORD", "weak")
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "InvalidPasswordException");
    let e =
        f.c.respond_to_auth_challenge()
            .client_id(&f.client_id)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session("x".repeat(40))
            .challenge_responses("USERNAME", "nina")
            .challenge_responses("NEW_PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap_err();
    assert_eq!(message(&e), "Invalid session for the user, session is expired.");
    let done =
        f.c.respond_to_auth_challenge()
            .client_id(&f.client_id)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&session)
            .challenge_responses("USERNAME", "nina")
            .challenge_responses("NEW_PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
    let auth = done.authentication_result.unwrap();
    assert_eq!((auth.token_type.as_deref(), auth.expires_in), (Some("Bearer"), 3600));
    assert!(auth.refresh_token.is_some());

    let id = f.verify(auth.id_token.as_deref().unwrap(), Some(&f.client_id)).await;
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:username"], "nina");
    assert_eq!(id["email"], "nina@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["cognito:groups"], serde_json::json!(["staff"]));
    assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::000000000000:role/staff");
    assert!(id["sub"].as_str().unwrap().len() == 36 && id["auth_time"].is_i64() && id["jti"].is_string());
    let access = f.verify(auth.access_token.as_deref().unwrap(), None).await;
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], f.client_id.as_str());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["username"], "nina");
    assert!(access.get("aud").is_none(), "access tokens have no aud");
    assert_eq!(access["origin_jti"], id["origin_jti"]);

    let me = f.c.get_user().access_token(auth.access_token.unwrap()).send().await.unwrap();
    assert_eq!(me.username, "nina");
    assert_eq!(value_of(me.user_attributes(), "email"), Some("nina@example.com"));
    let g = f.c.admin_get_user().user_pool_id(&f.pool).username("nina").send().await.unwrap();
    assert_eq!(g.user_status, Some(UserStatusType::Confirmed));

    // The openid-configuration names the same issuer and JWKS.
    let iss = format!("{}/{}", f.s.endpoint, f.pool);
    let oidc: serde_json::Value =
        f.s.http().get(format!("{iss}/.well-known/openid-configuration")).send().await.unwrap().json().await.unwrap();
    assert_eq!(oidc["issuer"], iss.as_str());
    assert_eq!(oidc["jwks_uri"], format!("{iss}/.well-known/jwks.json"));
    let missing =
        f.s.http().get(format!("{}/us-east-1_nothere/.well-known/jwks.json", f.s.endpoint)).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn refresh_admin_flow_and_error_paths() {
    let f = fixture().await;
    f.user("omar").await;
    let auth = f.sign_in("omar", PASSWORD).await.unwrap();
    let refresh = auth.refresh_token.clone().unwrap();
    let again = f.refresh(&refresh).await.unwrap();
    assert!(again.refresh_token.is_none(), "no rotation: the client keeps its refresh token");
    assert_ne!(again.access_token, auth.access_token);
    let a2 = f.verify(again.access_token.as_deref().unwrap(), None).await;
    let a1 = f.verify(auth.access_token.as_deref().unwrap(), None).await;
    assert_eq!(a1["origin_jti"], a2["origin_jti"]);
    assert_eq!(a1["auth_time"], a2["auth_time"]);
    let via_op =
        f.c.get_tokens_from_refresh_token().client_id(&f.client_id).refresh_token(&refresh).send().await.unwrap();
    assert!(via_op.authentication_result.unwrap().access_token.is_some());

    let admin =
        f.c.admin_initiate_auth()
            .user_pool_id(&f.pool)
            .client_id(&f.client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "omar@example.com")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await;
    assert!(admin.is_err(), "email is not an alias in this pool");
    let admin =
        f.c.admin_initiate_auth()
            .user_pool_id(&f.pool)
            .client_id(&f.client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "omar")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
    assert!(admin.authentication_result.unwrap().id_token.is_some());

    assert_eq!(
        f.sign_in("omar", "Wrong-Passw0rd").await.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );
    assert_eq!(f.sign_in("nobody", PASSWORD).await.unwrap_err(), "UserNotFoundException: User does not exist.");
    assert_eq!(f.refresh("garbage-token").await.unwrap_err(), "NotAuthorizedException: Invalid Refresh Token");
    let mut tampered = auth.access_token.clone().unwrap();
    tampered.insert(tampered.len() - 5, 'A');
    assert_eq!(f.get_user(&tampered).await.unwrap_err(), "NotAuthorizedException: Invalid Access Token");
    assert_eq!(
        f.get_user(auth.id_token.as_deref().unwrap()).await.unwrap_err(),
        "NotAuthorizedException: Invalid Access Token"
    );

    f.c.admin_disable_user().user_pool_id(&f.pool).username("omar").send().await.unwrap();
    assert_eq!(f.sign_in("omar", PASSWORD).await.unwrap_err(), "NotAuthorizedException: User is disabled.");
    assert!(f.get_user(auth.access_token.as_deref().unwrap()).await.is_err());
    f.c.admin_enable_user().user_pool_id(&f.pool).username("omar").send().await.unwrap();
    f.c.admin_reset_user_password().user_pool_id(&f.pool).username("omar").send().await.unwrap();
    assert_eq!(
        f.sign_in("omar", PASSWORD).await.unwrap_err(),
        "PasswordResetRequiredException: Password reset required for the user"
    );

    // A client without USER_PASSWORD_AUTH refuses the flow.
    let plain = f.c.create_user_pool_client().user_pool_id(&f.pool).client_name("srp-only").send().await.unwrap();
    let e =
        f.c.initiate_auth()
            .client_id(plain.user_pool_client.unwrap().client_id.unwrap())
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "omar")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap_err();
    assert_eq!(
        (code(&e), message(&e)),
        ("InvalidParameterException".into(), "USER_PASSWORD_AUTH flow not enabled for this client".into())
    );
}

#[tokio::test]
async fn unknown_users_look_like_wrong_passwords_when_existence_errors_are_prevented() {
    let f = fixture().await;
    f.user("pia").await;
    let hidden =
        f.c.create_user_pool_client()
            .user_pool_id(&f.pool)
            .client_name("hidden")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap()
            .client_id
            .unwrap();
    let attempt = |user: &'static str| {
        f.c.initiate_auth()
            .client_id(&hidden)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("PASSWORD", "Wrong-Passw0rd")
            .send()
    };
    let mut known = vec![];
    let mut unknown = vec![];
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let e = attempt("ghost").await.unwrap_err();
        unknown.push(t.elapsed());
        assert_eq!(
            (code(&e), message(&e)),
            ("NotAuthorizedException".into(), "Incorrect username or password.".into())
        );
        let t = std::time::Instant::now();
        let e = attempt("pia").await.unwrap_err();
        known.push(t.elapsed());
        assert_eq!(
            (code(&e), message(&e)),
            ("NotAuthorizedException".into(), "Incorrect username or password.".into())
        );
    }
    // Both paths run one argon2 verification: same order of time (no cheap early exit).
    let (k, u) = (known.iter().min().unwrap().as_secs_f64(), unknown.iter().min().unwrap().as_secs_f64());
    assert!(u > k * 0.5, "unknown-user answers must not be much faster: known {k:.4}s unknown {u:.4}s");
}

#[tokio::test]
async fn lockout_after_five_failures_then_expiry() {
    let f = fixture().await;
    f.user("quinn").await;
    for _ in 0..5 {
        assert_eq!(
            f.sign_in("quinn", "Wrong-Passw0rd").await.unwrap_err(),
            "NotAuthorizedException: Incorrect username or password."
        );
    }
    assert_eq!(f.sign_in("quinn", PASSWORD).await.unwrap_err(), "NotAuthorizedException: Password attempts exceeded");
    // Six failures lock for 2 s; after that the right password works and resets the count.
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    f.sign_in("quinn", PASSWORD).await.unwrap();
    assert_eq!(
        f.sign_in("quinn", "Wrong-Passw0rd").await.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );
    f.sign_in("quinn", PASSWORD).await.unwrap();
}

#[tokio::test]
async fn sign_out_and_revocation() {
    let f = fixture().await;
    f.user("rosa").await;
    let a = f.sign_in("rosa", PASSWORD).await.unwrap();
    let b = f.sign_in("rosa", PASSWORD).await.unwrap();
    // RevokeToken ends one session only.
    f.c.revoke_token().client_id(&f.client_id).token(a.refresh_token.clone().unwrap()).send().await.unwrap();
    assert_eq!(
        f.refresh(a.refresh_token.as_deref().unwrap()).await.unwrap_err(),
        "NotAuthorizedException: Refresh Token has been revoked"
    );
    assert_eq!(
        f.get_user(a.access_token.as_deref().unwrap()).await.unwrap_err(),
        "NotAuthorizedException: Access Token has been revoked"
    );
    assert_eq!(f.get_user(b.access_token.as_deref().unwrap()).await.unwrap(), "rosa");
    // GlobalSignOut ends every session.
    f.c.global_sign_out().access_token(b.access_token.clone().unwrap()).send().await.unwrap();
    assert_eq!(
        f.get_user(b.access_token.as_deref().unwrap()).await.unwrap_err(),
        "NotAuthorizedException: Access Token has been revoked"
    );
    assert_eq!(
        f.refresh(b.refresh_token.as_deref().unwrap()).await.unwrap_err(),
        "NotAuthorizedException: Refresh Token has been revoked"
    );
    // AdminUserGlobalSignOut too; a fresh sign-in works afterwards.
    let c = f.sign_in("rosa", PASSWORD).await.unwrap();
    f.c.admin_user_global_sign_out().user_pool_id(&f.pool).username("rosa").send().await.unwrap();
    assert!(f.get_user(c.access_token.as_deref().unwrap()).await.is_err());
    let d = f.sign_in("rosa", PASSWORD).await.unwrap();
    assert_eq!(f.get_user(d.access_token.as_deref().unwrap()).await.unwrap(), "rosa");
}

#[tokio::test]
async fn secret_hash_clients() {
    let f = fixture().await;
    f.user("sam").await;
    let client =
        f.c.create_user_pool_client()
            .user_pool_id(&f.pool)
            .client_name("confidential")
            .generate_secret(true)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
    let (id, secret) = (client.client_id.unwrap(), client.client_secret.unwrap());
    let hash = cognate_core::auth::secret_hash(&secret, "sam", &id);
    let try_with = |h: Option<String>| {
        f.c.initiate_auth()
            .client_id(&id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "sam")
            .auth_parameters("PASSWORD", PASSWORD)
            .set_auth_parameters(None)
            .auth_parameters("USERNAME", "sam")
            .auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("SECRET_HASH", h.unwrap_or_default())
            .send()
    };
    let e = try_with(None).await.unwrap_err();
    assert_eq!(message(&e), format!("Client {id} is configured for secret but secret was not received"));
    let e = try_with(Some("AAAA".into())).await.unwrap_err();
    assert_eq!(message(&e), format!("Unable to verify secret hash for client {id}"));
    let ok = try_with(Some(hash.clone())).await.unwrap().authentication_result.unwrap();
    // GetTokensFromRefreshToken takes the raw secret.
    let e =
        f.c.get_tokens_from_refresh_token()
            .client_id(&id)
            .refresh_token(ok.refresh_token.clone().unwrap())
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    f.c.get_tokens_from_refresh_token()
        .client_id(&id)
        .client_secret(&secret)
        .refresh_token(ok.refresh_token.unwrap())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn self_service_and_key_rotation() {
    let mut f = fixture().await;
    f.user("tara").await;
    let a = f.sign_in("tara", PASSWORD).await.unwrap();
    let access = a.access_token.clone().unwrap();
    f.c.update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("email", "tara2@example.com"))
        .send()
        .await
        .unwrap();
    let me = f.c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "email"), Some("tara2@example.com"));
    assert_eq!(value_of(me.user_attributes(), "email_verified"), Some("false"));
    let e =
        f.c.change_password()
            .access_token(&access)
            .previous_password("nope-Passw0rd")
            .proposed_password("New-Passw0rd!")
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    f.c.change_password()
        .access_token(&access)
        .previous_password(PASSWORD)
        .proposed_password("New-Passw0rd!")
        .send()
        .await
        .unwrap();
    f.sign_in("tara", "New-Passw0rd!").await.unwrap();

    // Rotation: the old key stays published, old tokens still verify, new tokens use the new key.
    let old_kid = decode_header(&access).unwrap().kid.unwrap();
    assert!(f.s.stop().await);
    let out = std::process::Command::new(BIN)
        .args(["keys", "rotate", "--activate-in", "0", "--data-dir"])
        .arg(&f.s.data_dir)
        .envs(f.s.backend_env())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    f.s.restart_after_stop().await;
    f.c = f.s.client();
    let jwks: serde_json::Value =
        f.s.http()
            .get(format!("{}/{}/.well-known/jwks.json", f.s.endpoint, f.pool))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    let fresh = f.sign_in("tara", "New-Passw0rd!").await.unwrap();
    let new_kid = decode_header(fresh.access_token.as_deref().unwrap()).unwrap().kid.unwrap();
    assert_ne!(old_kid, new_kid);
    assert_eq!(jwks["keys"][0]["kid"], new_kid.as_str());

    f.c.delete_user().access_token(fresh.access_token.clone().unwrap()).send().await.unwrap();
    let e = f.c.admin_get_user().user_pool_id(&f.pool).username("tara").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
}

#[tokio::test]
async fn refresh_token_rotation() {
    let f = fixture().await;
    f.user("vera").await;
    let rotating =
        f.c.create_user_pool_client()
            .user_pool_id(&f.pool)
            .client_name("rotating")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .refresh_token_rotation(RefreshTokenRotationType::builder().feature(FeatureType::Enabled).build().unwrap())
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap()
            .client_id
            .unwrap();
    let first =
        f.c.initiate_auth()
            .client_id(&rotating)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "vera")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap()
            .authentication_result
            .unwrap()
            .refresh_token
            .unwrap();
    let refresh = |t: String| f.c.get_tokens_from_refresh_token().client_id(&rotating).refresh_token(t).send();
    let second = refresh(first.clone()).await.unwrap().authentication_result.unwrap().refresh_token.expect("rotated");
    assert_ne!(first, second);
    assert!(refresh(first).await.is_err(), "the rotated-out token no longer works");
    refresh(second).await.unwrap();
}

#[tokio::test]
async fn new_password_challenge_collects_required_attributes() {
    let f = fixture().await;
    let pool =
        f.c.create_user_pool()
            .pool_name(unique("req"))
            .schema(
                SchemaAttributeType::builder()
                    .name("name")
                    .attribute_data_type(AttributeDataType::String)
                    .required(true)
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
    let client = client_with(&f.c, &pool, "c", &[ExplicitAuthFlowsType::AllowAdminUserPasswordAuth]).await;
    // AdminCreateUser enforces required attributes too.
    let e = f.c.admin_create_user().user_pool_id(&pool).username("wes").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    f.c.admin_create_user()
        .user_pool_id(&pool)
        .username("wes")
        .user_attributes(attr("name", "Wes"))
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let r =
        f.c.admin_initiate_auth()
            .user_pool_id(&pool)
            .client_id(&client)
            .auth_flow(AuthFlowType::AdminNoSrpAuth)
            .auth_parameters("USERNAME", "wes")
            .auth_parameters("PASSWORD", "Temp-Passw0rd!")
            .send()
            .await
            .unwrap();
    assert_eq!(r.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
    assert_eq!(r.challenge_parameters.as_ref().unwrap()["requiredAttributes"], "[]");
    let done =
        f.c.admin_respond_to_auth_challenge()
            .user_pool_id(&pool)
            .client_id(&client)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(r.session.unwrap())
            .challenge_responses("USERNAME", "wes")
            .challenge_responses("NEW_PASSWORD", PASSWORD)
            .challenge_responses("userAttributes.name", "Wesley")
            .send()
            .await
            .unwrap();
    assert!(done.authentication_result.unwrap().access_token.is_some());
    let u = f.c.admin_get_user().user_pool_id(&pool).username("wes").send().await.unwrap();
    assert_eq!(value_of(u.user_attributes(), "name"), Some("Wesley"));
    assert_eq!(u.user_status, Some(UserStatusType::Confirmed));
}

#[tokio::test]
async fn legacy_mfa_settings() {
    let f = fixture().await;
    f.user("yara").await;
    let access = f.sign_in("yara", PASSWORD).await.unwrap().access_token.unwrap();
    let sms = MfaOptionType::builder().delivery_medium(DeliveryMediumType::Sms).attribute_name("phone_number").build();
    let e = f.c.set_user_settings().access_token(&access).mfa_options(sms.clone()).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException", "needs a phone number");
    f.c.admin_update_user_attributes()
        .user_pool_id(&f.pool)
        .username("yara")
        .user_attributes(attr("phone_number", "+15555550199"))
        .send()
        .await
        .unwrap();
    f.c.set_user_settings().access_token(&access).mfa_options(sms.clone()).send().await.unwrap();
    let me = f.c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.mfa_options().len(), 1);
    assert_eq!(me.user_mfa_setting_list(), ["SMS_MFA".to_string()]);
    f.c.admin_set_user_settings()
        .user_pool_id(&f.pool)
        .username("yara")
        .set_mfa_options(Some(vec![]))
        .send()
        .await
        .unwrap();
    let g = f.c.admin_get_user().user_pool_id(&f.pool).username("yara").send().await.unwrap();
    assert!(g.mfa_options().is_empty());
}
