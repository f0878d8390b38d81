//! Passkeys: the pool's relying party, the registration options and the API's refusals
//! through the SDK; registration and sign-in in Chromium with its virtual authenticator,
//! through the API from a page and through Amplify v6 (`tests/js/passkey-browser.mjs`), with a
//! forged origin, a wrong relying party id, replays and a cloned authenticator refused; passkey
//! MFA (`WebAuthnMfaSettings`) standing in for a user's authenticator app.

use crate::common::*;
use crate::hosted::tools::{browser_tests_run, node};
use idp::types::*;

const PASSWORD: &str = "Passkey-Passw0rd!";

/// Passkeys of `pool` bound to `localhost` (verification required), MFA off.
async fn localhost_relying_party(c: &idp::Client, pool: &str) {
    pool_mfa(c, pool, UserPoolMfaType::Off).await;
}

/// MFA `mode` for `pool` with authenticator apps, passkeys bound to `localhost`.
async fn pool_mfa(c: &idp::Client, pool: &str, mode: UserPoolMfaType) {
    let rp = WebAuthnConfigurationType::builder()
        .relying_party_id("localhost")
        .user_verification(UserVerificationType::Required);
    c.set_user_pool_mfa_config()
        .user_pool_id(pool)
        .mfa_configuration(mode.clone())
        .set_software_token_mfa_configuration(
            (mode != UserPoolMfaType::Off).then(|| SoftwareTokenMfaConfigType::builder().enabled(true).build()),
        )
        .web_authn_configuration(rp.build())
        .send()
        .await
        .unwrap();
}

/// Turns an authenticator app on for the holder of `access` (their MFA).
async fn totp_mfa(c: &idp::Client, access: &str) {
    let secret = c.associate_software_token().access_token(access).send().await.unwrap().secret_code.unwrap();
    let code = cognate_testkit::totp::code(&secret, cognate_testkit::totp::now());
    c.verify_software_token().access_token(access).user_code(code).send().await.unwrap();
    let on = SoftwareTokenMfaSettingsType::builder().enabled(true).build();
    c.set_user_mfa_preference().access_token(access).software_token_mfa_settings(on).send().await.unwrap();
}

fn passkey_mfa(on: bool) -> WebAuthnMfaSettingsType {
    WebAuthnMfaSettingsType::builder().enabled(on).build()
}

/// The first factors USER_AUTH offers `user` (SELECT_CHALLENGE).
async fn offered(c: &idp::Client, client: &str, user: &str) -> Vec<ChallengeNameType> {
    let ch = c
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", user)
        .send()
        .await
        .unwrap();
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SelectChallenge));
    ch.available_challenges().to_vec()
}

/// A pool whose users may sign in with passkeys (relying party `localhost`), and a client
/// with USER_AUTH, the password flows and refresh.
async fn passkey_pool(c: &idp::Client, passkeys: bool) -> (String, String) {
    let mut factors = vec![AuthFactorType::Password];
    if passkeys {
        factors.push(AuthFactorType::WebAuthn);
    }
    let policy = SignInPolicyType::builder().set_allowed_first_auth_factors(Some(factors)).build();
    let pool = c
        .create_user_pool()
        .pool_name(unique("passkeys"))
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    localhost_relying_party(c, &pool).await;
    use ExplicitAuthFlowsType as F;
    let flows = [F::AllowUserAuth, F::AllowUserPasswordAuth, F::AllowUserSrpAuth, F::AllowRefreshTokenAuth];
    let client = client_with(c, &pool, "passkeys", &flows).await;
    (pool, client)
}

async fn access_token(c: &idp::Client, client: &str, user: &str) -> String {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap()
}

#[tokio::test]
async fn registration_options_and_refusals_through_the_sdk() {
    let s = server().await;
    let c = s.client();
    let (pool, client) = passkey_pool(&c, true).await;
    password_user(&c, &pool, "pia", PASSWORD, &[("email", "pia@example.com")]).await;
    let cfg = c.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    let w = cfg.web_authn_configuration.unwrap();
    assert_eq!(
        (w.relying_party_id(), w.user_verification()),
        (Some("localhost"), Some(&UserVerificationType::Required))
    );

    let access = access_token(&c, &client, "pia").await;
    let options =
        c.start_web_authn_registration().access_token(&access).send().await.unwrap().credential_creation_options;
    let text = format!("{options:?}");
    for want in ["localhost", "pia", "challenge", "pubKeyCredParams", "required"] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let garbage = aws_smithy_types::Document::Object([("id".to_string(), "x".into())].into_iter().collect());
    let e = c.complete_web_authn_registration().access_token(&access).credential(garbage).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let listed = c.list_web_authn_credentials().access_token(&access).send().await.unwrap();
    assert!(listed.credentials().is_empty());
    let e = c.delete_web_authn_credential().access_token(&access).credential_id("nope").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    // Passkey MFA needs another factor to fall back on.
    let e = c.set_user_mfa_preference().access_token(&access).web_authn_mfa_settings(passkey_mfa(true)).send().await;
    let e = e.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).contains("another MFA method"), "{}", message(&e));
    // Without a passkey, USER_AUTH does not offer one.
    let ch = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", "pia")
        .auth_parameters("PREFERRED_CHALLENGE", "WEB_AUTHN")
        .send()
        .await
        .unwrap();
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SelectChallenge));
    assert_eq!(ch.available_challenges(), [ChallengeNameType::Password, ChallengeNameType::PasswordSrp]);

    // A pool that does not allow passkeys refuses to register one.
    let (other, other_client) = passkey_pool(&c, false).await;
    password_user(&c, &other, "pia", PASSWORD, &[]).await;
    let access = access_token(&c, &other_client, "pia").await;
    let e = c.start_web_authn_registration().access_token(&access).send().await.unwrap_err();
    assert_eq!(code(&e), "WebAuthnNotEnabledException");
}

#[tokio::test]
async fn passkeys_register_and_sign_in_from_chromium_and_amplify() {
    if !browser_tests_run() {
        return;
    }
    let s = server().await;
    let c = s.client();
    let (pool, client) = passkey_pool(&c, true).await;
    password_user(&c, &pool, "pia", PASSWORD, &[("email", "pia@example.com")]).await;
    password_user(&c, &pool, "amy", PASSWORD, &[("email", "amy@example.com")]).await;
    // mia has an authenticator app as her MFA (optional in the pool); she will turn passkey
    // MFA on in the browser.
    pool_mfa(&c, &pool, UserPoolMfaType::Optional).await;
    password_user(&c, &pool, "mia", PASSWORD, &[]).await;
    let mia_access = access_token(&c, &client, "mia").await;
    totp_mfa(&c, &mia_access).await;
    // And a pool with hosted pages, where hal signs in with a passkey from the login page.
    let (hosted, hosted_client) = hosted_pool(&c).await;
    let api_client = app_client(&c, &hosted).await;
    password_user(&c, &hosted, "hal", PASSWORD, &[("email", "hal@example.com"), ("email_verified", "true")]).await;
    password_user(&c, &hosted, "ivy", PASSWORD, &[("email", "ivy@example.com")]).await;
    let cfg = serde_json::json!({
        "endpoint": s.endpoint, "pool": pool, "client": client,
        "user": "pia", "amplifyUser": "amy", "password": PASSWORD,
        "mfa": {"user": "mia", "access": mia_access},
        "hosted": {"client": hosted_client, "apiClient": api_client, "user": "hal", "newUser": "ivy"},
    });
    let r = node("passkey-browser.mjs", &[&cfg.to_string()]).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");
    // What the browser registered is the user's: listed through the SDK, then signed in with.
    let access = access_token(&c, &client, "pia").await;
    let listed = c.list_web_authn_credentials().access_token(&access).send().await.unwrap();
    assert_eq!(listed.credentials().len(), 1);
    let factors = c.get_user_auth_factors().access_token(&access).send().await.unwrap();
    assert_eq!(factors.configured_user_auth_factors(), [AuthFactorType::Password, AuthFactorType::WebAuthn]);
    // ivy added hers on the hosted pages' offer after signing in with her password.
    let ivy = c.admin_get_user_auth_factors().user_pool_id(&hosted).username("ivy").send().await.unwrap();
    assert_eq!(ivy.configured_user_auth_factors(), [AuthFactorType::Password, AuthFactorType::WebAuthn]);

    // Where the pool requires MFA, a passkey is offered to mia only while her passkey MFA is on.
    pool_mfa(&c, &pool, UserPoolMfaType::On).await;
    use ChallengeNameType as N;
    assert_eq!(offered(&c, &client, "mia").await, [N::Password, N::PasswordSrp, N::WebAuthn]);
    let off = c.admin_set_user_mfa_preference().user_pool_id(&pool).username("mia");
    off.web_authn_mfa_settings(passkey_mfa(false)).send().await.unwrap();
    assert_eq!(offered(&c, &client, "mia").await, [N::Password, N::PasswordSrp]);
    // pia has no MFA at all: no passkey where MFA is required.
    assert_eq!(offered(&c, &client, "pia").await, [N::Password, N::PasswordSrp]);
}

/// A pool with a domain and an OAuth client whose users may sign in with a passkey or a code
/// by email (relying party `localhost`), on a server with an SMTP sink.
async fn hosted_pool(c: &idp::Client) -> (String, String) {
    let (pool, client, _) = crate::hosted::oauth_pool(c, false, None).await;
    let factors = vec![AuthFactorType::Password, AuthFactorType::WebAuthn, AuthFactorType::EmailOtp];
    let policy = SignInPolicyType::builder().set_allowed_first_auth_factors(Some(factors)).build();
    c.update_user_pool()
        .user_pool_id(&pool)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .send()
        .await
        .unwrap();
    localhost_relying_party(c, &pool).await;
    (pool, client)
}

#[tokio::test]
async fn the_hosted_pages_sign_in_with_a_code_by_email() {
    use cognate_testkit::browser::Browser;
    let smtp = cognate_testkit::SmtpSink::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_SMTP_URL", smtp.url.as_str())]).await;
    let c = s.client();
    let (pool, client) = hosted_pool(&c).await;
    password_user(&c, &pool, "hal", PASSWORD, &[("email", "hal@example.com"), ("email_verified", "true")]).await;
    let authorize = format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid",
        form_urlencoded::byte_serialize(crate::hosted::CB.as_bytes()).collect::<String>()
    );
    let mut b = Browser::new(&s.endpoint);
    let login = b.open(&authorize).await;
    assert!(login.body.contains("Sign in without a password"), "{}", login.body);
    let choice = b.submit(&login.form("/login"), &[("username", "hal"), ("other", "1")]).await;
    assert_eq!(choice.status, 200, "{}", choice.body);
    assert!(choice.body.contains("Code by email") && !choice.body.contains("value=\"WEB_AUTHN\""), "{}", choice.body);
    let code_page = b.submit(&choice.form("/mfa"), &[("answer", "EMAIL_OTP")]).await;
    assert!(code_page.body.contains("h***@e"), "{}", code_page.body);
    let mail_code = smtp.wait_for("hal@example.com", 1).await.code().unwrap();
    let wrong = if mail_code == "000000" { "111111" } else { "000000" };
    let again = b.submit(&code_page.form("/mfa"), &[("code", wrong)]).await;
    assert_eq!(again.status, 400, "a wrong code: the same page with the error");
    let offer = b.submit(&again.form("/mfa"), &[("code", &mail_code)]).await;
    assert!(offer.body.contains("Add a passkey"), "a user without a passkey is offered one: {}", offer.body);
    let done = b.submit(&offer.form("/passkeys"), &[("skip", "1")]).await;
    let location = done.location.clone().unwrap_or_default();
    assert!(location.starts_with(crate::hosted::CB) && location.contains("code="), "{location} {}", done.body);
    // Choosing the password goes back to the sign-in form with the name filled in.
    b.clear();
    let login = b.open(&authorize).await;
    let choice = b.submit(&login.form("/login"), &[("username", "hal"), ("other", "1")]).await;
    let back = b.submit(&choice.form("/mfa"), &[("answer", "PASSWORD")]).await;
    assert!(back.body.contains("value=\"hal\"") && back.body.contains("name=\"password\""), "{}", back.body);
}
