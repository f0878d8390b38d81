//! MFA through the official SDK: pool settings, TOTP (codes from the test's own RFC 6238
//! generator), SMS and email codes read from the real sinks the test starts, SELECT_MFA_TYPE,
//! MFA_SETUP, lockout, send limits, and remembered devices standing in for MFA.

use crate::common::*;
use cognate_testkit::totp;
use cognate_testkit::{SmtpSink, WebhookSink};
use idp::types::*;
use std::collections::HashMap;

const PASSWORD: &str = "Mfa-Passw0rd!";

struct Fx {
    _s: TestServer,
    c: idp::Client,
    pool: String,
    client: String,
    smtp: SmtpSink,
    sms: WebhookSink,
}

/// A server with real SMTP and SMS sinks, a pool in `mode` with the given factors, and a client.
async fn fx(mode: UserPoolMfaType, sms: bool, totp_on: bool, email: bool) -> Fx {
    let smtp = SmtpSink::start().await;
    let hook = WebhookSink::start(200).await;
    let s = TestServer::start_with(
        BIN,
        &[
            ("COGNATE_SMTP_URL", &smtp.url),
            ("COGNATE_SMS_WEBHOOK_URL", &hook.url),
            ("COGNATE_EMAIL_FROM", "a@example.com"),
        ],
    )
    .await;
    let c = s.client();
    let pool = pool(&c).await;
    let mut set = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(mode)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(totp_on).build());
    if sms {
        set = set.sms_mfa_configuration(
            SmsMfaConfigType::builder().sms_authentication_message("Your sign-in code: {####}").build(),
        );
    }
    if email {
        set = set.email_mfa_configuration(
            EmailMfaConfigType::builder().message("Email code {####}").subject("Sign-in code").build(),
        );
    }
    set.send().await.unwrap();
    let client = app_client(&c, &pool).await;
    Fx { _s: s, c, pool, client, smtp, sms: hook }
}

impl Fx {
    async fn user(&self, name: &str, phone: Option<&str>, email: Option<&str>) {
        let mut attrs = vec![];
        if let Some(p) = phone {
            attrs.extend([("phone_number", p), ("phone_number_verified", "true")]);
        }
        if let Some(e) = email {
            attrs.extend([("email", e), ("email_verified", "true")]);
        }
        password_user(&self.c, &self.pool, name, PASSWORD, &attrs).await;
    }

    async fn sign_in(&self, name: &str) -> idp::operation::initiate_auth::InitiateAuthOutput {
        self.c
            .initiate_auth()
            .client_id(&self.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap()
    }

    async fn answer(
        &self,
        name: &str,
        challenge: ChallengeNameType,
        session: &str,
        key: &str,
        value: &str,
    ) -> Result<
        idp::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
        idp::error::SdkError<idp::operation::respond_to_auth_challenge::RespondToAuthChallengeError>,
    > {
        self.c
            .respond_to_auth_challenge()
            .client_id(&self.client)
            .challenge_name(challenge)
            .session(session)
            .challenge_responses("USERNAME", name)
            .challenge_responses(key, value)
            .send()
            .await
    }
}

fn params(p: Option<HashMap<String, String>>) -> HashMap<String, String> {
    p.unwrap_or_default()
}

#[tokio::test]
async fn pool_mfa_configuration() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    let got = c.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(got.mfa_configuration, Some(UserPoolMfaType::Off));
    assert!(got.sms_mfa_configuration.is_none());
    // ON with no factor is refused.
    let e = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // A message without {####} is refused.
    let e = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .email_mfa_configuration(EmailMfaConfigType::builder().message("no code here").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let set = c
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .sms_mfa_configuration(SmsMfaConfigType::builder().sms_authentication_message("Code {####}").build())
        .send()
        .await
        .unwrap();
    assert_eq!(set.mfa_configuration, Some(UserPoolMfaType::Optional));
    let got = c.get_user_pool_mfa_config().user_pool_id(&pool).send().await.unwrap();
    assert!(got.software_token_mfa_configuration.unwrap().enabled);
    assert_eq!(got.sms_mfa_configuration.unwrap().sms_authentication_message.as_deref(), Some("Code {####}"));
    assert!(got.email_mfa_configuration.is_none());
    let d = c.describe_user_pool().user_pool_id(&pool).send().await.unwrap().user_pool.unwrap();
    assert_eq!(d.mfa_configuration, Some(UserPoolMfaType::Optional));
    // CreateUserPool with MFA ON means SMS.
    let on = c
        .create_user_pool()
        .pool_name(unique("on"))
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let got = c.get_user_pool_mfa_config().user_pool_id(&on).send().await.unwrap();
    assert_eq!(got.mfa_configuration, Some(UserPoolMfaType::On));
    assert!(got.sms_mfa_configuration.is_some());
    assert!(!got.software_token_mfa_configuration.unwrap().enabled);
    // Unsigned calls are refused.
    let r = s.raw("GetUserPoolMfaConfig", format!(r#"{{"UserPoolId":"{pool}"}}"#).as_bytes(), Signing::None).await;
    assert_eq!((r.status, r.error_type()), (403, "MissingAuthenticationTokenException"));
}

#[tokio::test]
async fn authenticator_app_setup_and_sign_in() {
    let f = fx(UserPoolMfaType::Optional, false, true, false).await;
    f.user("tina", None, None).await;
    // OPTIONAL and nothing chosen: tokens straight away.
    let first = f.sign_in("tina").await;
    let access = first.authentication_result.unwrap().access_token.unwrap();
    // Enabling TOTP before a token is verified is refused.
    let e =
        f.c.set_user_mfa_preference()
            .access_token(&access)
            .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).build())
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).contains("SOFTWARE_TOKEN_MFA"), "{}", message(&e));
    let secret = f.c.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    assert_eq!(secret.len(), 32);
    let now = totp::now();
    let wrong = format!("{:06}", (totp::code(&secret, now).parse::<u32>().unwrap() + 1) % 1_000_000);
    let e = f.c.verify_software_token().access_token(&access).user_code(&wrong).send().await.unwrap_err();
    assert_eq!(code(&e), "EnableSoftwareTokenMFAException");
    let ok =
        f.c.verify_software_token()
            .access_token(&access)
            .user_code(totp::code(&secret, now))
            .friendly_device_name("phone app")
            .send()
            .await
            .unwrap();
    assert_eq!(ok.status, Some(VerifySoftwareTokenResponseType::Success));
    f.c.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    let me = f.c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"]);
    assert_eq!(me.preferred_mfa_setting.as_deref(), Some("SOFTWARE_TOKEN_MFA"));
    let admin = f.c.admin_get_user().user_pool_id(&f.pool).username("tina").send().await.unwrap();
    assert_eq!(admin.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"]);
    // Now the password leads to SOFTWARE_TOKEN_MFA.
    let ch = f.sign_in("tina").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SoftwareTokenMfa));
    assert!(ch.authentication_result.is_none());
    assert_eq!(params(ch.challenge_parameters.clone())["FRIENDLY_DEVICE_NAME"], "phone app");
    let session = ch.session.unwrap();
    let e = f.answer("tina", ChallengeNameType::SoftwareTokenMfa, &session, "SOFTWARE_TOKEN_MFA_CODE", &wrong).await;
    assert_eq!(code(&e.unwrap_err()), "CodeMismatchException");
    // The code VerifySoftwareToken used is spent; the next step's code (one step of drift) works.
    let used = totp::code(&secret, now);
    let e = f.answer("tina", ChallengeNameType::SoftwareTokenMfa, &session, "SOFTWARE_TOKEN_MFA_CODE", &used).await;
    assert_eq!(code(&e.unwrap_err()), "ExpiredCodeException");
    let next = totp::code(&secret, now + 30);
    let done = f.answer("tina", ChallengeNameType::SoftwareTokenMfa, &session, "SOFTWARE_TOKEN_MFA_CODE", &next).await;
    let tokens = done.unwrap().authentication_result.unwrap();
    assert!(tokens.id_token.is_some() && tokens.refresh_token.is_some());
    // Replayed in a new sign-in: refused.
    let again = f.sign_in("tina").await.session.unwrap();
    let e = f.answer("tina", ChallengeNameType::SoftwareTokenMfa, &again, "SOFTWARE_TOKEN_MFA_CODE", &next).await;
    let e = e.unwrap_err();
    assert_eq!(code(&e), "ExpiredCodeException");
    assert_eq!(message(&e), "Your software token has already been used once.");
    // A session from another challenge does not fit this one.
    let e = f.answer("tina", ChallengeNameType::SmsMfa, &again, "SMS_MFA_CODE", "123456").await;
    assert_eq!(code(&e.unwrap_err()), "InvalidParameterException");
    // Pool MFA OFF: no challenge even for a user with TOTP.
    f.c.set_user_pool_mfa_config()
        .user_pool_id(&f.pool)
        .mfa_configuration(UserPoolMfaType::Off)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    assert!(f.sign_in("tina").await.authentication_result.is_some());
}

#[tokio::test]
async fn sms_email_and_choosing() {
    let f = fx(UserPoolMfaType::Optional, true, false, true).await;
    f.user("sam", Some("+15555550100"), Some("sam@example.com")).await;
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("sam")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let ch = f.sign_in("sam").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SmsMfa));
    let p = params(ch.challenge_parameters);
    assert_eq!(p["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(p["CODE_DELIVERY_DESTINATION"], "+*******0100");
    let body = f.sms.wait_for("+15555550100", 1).await;
    assert!(body.starts_with("Your sign-in code: "), "{body}");
    let sms_code = WebhookSink::code(&body);
    let session = ch.session.unwrap();
    let wrong = format!("{:06}", (sms_code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let e = f.answer("sam", ChallengeNameType::SmsMfa, &session, "SMS_MFA_CODE", &wrong).await.unwrap_err();
    assert_eq!(
        (code(&e).as_str(), message(&e).as_str()),
        ("CodeMismatchException", "Invalid code or auth state for the user.")
    );
    let ok = f.answer("sam", ChallengeNameType::SmsMfa, &session, "SMS_MFA_CODE", &sms_code).await.unwrap();
    assert!(ok.authentication_result.unwrap().access_token.is_some());
    // Used once: the same code again is refused.
    let e = f.answer("sam", ChallengeNameType::SmsMfa, &session, "SMS_MFA_CODE", &sms_code).await.unwrap_err();
    assert_eq!(code(&e), "ExpiredCodeException");
    // Two factors and no preference: SELECT_MFA_TYPE.
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("sam")
        .email_mfa_settings(EmailMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let ch = f.sign_in("sam").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SelectMfaType));
    assert_eq!(params(ch.challenge_parameters)["MFAS_CAN_CHOOSE"], r#"["SMS_MFA","EMAIL_OTP"]"#);
    let e = f
        .answer("sam", ChallengeNameType::SelectMfaType, ch.session.as_deref().unwrap(), "ANSWER", "SOFTWARE_TOKEN_MFA")
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let pick =
        f.answer("sam", ChallengeNameType::SelectMfaType, ch.session.as_deref().unwrap(), "ANSWER", "EMAIL_OTP").await;
    let pick = pick.unwrap();
    assert_eq!(pick.challenge_name, Some(ChallengeNameType::EmailOtp));
    assert_eq!(params(pick.challenge_parameters)["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    let mail = f.smtp.wait_for("sam@example.com", 1).await;
    assert!(mail.data.contains("Sign-in code") && mail.data.contains("Email code "), "{}", mail.data);
    let email_code = mail.code().unwrap();
    let done =
        f.answer("sam", ChallengeNameType::EmailOtp, &pick.session.unwrap(), "EMAIL_OTP_CODE", &email_code).await;
    assert!(done.unwrap().authentication_result.is_some());
    // A preference skips the choice.
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("sam")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    assert_eq!(f.sign_in("sam").await.challenge_name, Some(ChallengeNameType::SmsMfa));
    let u = f.c.admin_get_user().user_pool_id(&f.pool).username("sam").send().await.unwrap();
    assert_eq!(u.user_mfa_setting_list(), ["SMS_MFA", "EMAIL_OTP"]);
    assert_eq!(u.preferred_mfa_setting.as_deref(), Some("SMS_MFA"));
    // Two preferred factors are refused.
    let e =
        f.c.admin_set_user_mfa_preference()
            .user_pool_id(&f.pool)
            .username("sam")
            .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
            .email_mfa_settings(EmailMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn required_mfa_setup_and_sms_fallback() {
    let f = fx(UserPoolMfaType::On, false, true, false).await;
    f.user("newbie", None, None).await;
    let ch = f.sign_in("newbie").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::MfaSetup));
    assert_eq!(params(ch.challenge_parameters)["MFAS_CAN_SETUP"], r#"["SOFTWARE_TOKEN_MFA"]"#);
    let session = ch.session.unwrap();
    // Answering before setting anything up is refused.
    let e = f.answer("newbie", ChallengeNameType::MfaSetup, &session, "USERNAME", "newbie").await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let assoc = f.c.associate_software_token().session(&session).send().await.unwrap();
    let secret = assoc.secret_code.unwrap();
    let verified =
        f.c.verify_software_token()
            .session(assoc.session.unwrap())
            .user_code(totp::code(&secret, totp::now()))
            .send()
            .await
            .unwrap();
    assert_eq!(verified.status, Some(VerifySoftwareTokenResponseType::Success));
    let session = verified.session.unwrap();
    let done = f.answer("newbie", ChallengeNameType::MfaSetup, &session, "USERNAME", "newbie").await.unwrap();
    assert!(done.authentication_result.unwrap().access_token.is_some());
    // The finished setup session is good once.
    let e = f.answer("newbie", ChallengeNameType::MfaSetup, &session, "USERNAME", "newbie").await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    // From now on the app is asked for.
    assert_eq!(f.sign_in("newbie").await.challenge_name, Some(ChallengeNameType::SoftwareTokenMfa));

    // A pool that requires SMS sends a code to a user who chose nothing but has a phone.
    let g = fx(UserPoolMfaType::On, true, false, false).await;
    g.user("phoebe", Some("+15555550111"), None).await;
    let ch = g.sign_in("phoebe").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SmsMfa));
    let sms_code = WebhookSink::code(&g.sms.wait_for("+15555550111", 1).await);
    let ok = g.answer("phoebe", ChallengeNameType::SmsMfa, &ch.session.unwrap(), "SMS_MFA_CODE", &sms_code).await;
    assert!(ok.unwrap().authentication_result.is_some());
}

#[tokio::test]
async fn wrong_codes_lock_and_sends_are_limited() {
    let f = fx(UserPoolMfaType::Optional, true, false, false).await;
    f.user("lou", Some("+15555550122"), None).await;
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("lou")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    // Three wrong codes, the password again (a new code), two more wrong codes: re-entering
    // the password does not reset the count.
    for (round, wrong_codes) in [(1, 3), (2, 2)] {
        let session = f.sign_in("lou").await.session.unwrap();
        let right = WebhookSink::code(&f.sms.wait_for("+15555550122", round).await);
        let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
        for _ in 0..wrong_codes {
            let e = f.answer("lou", ChallengeNameType::SmsMfa, &session, "SMS_MFA_CODE", &wrong).await.unwrap_err();
            assert_eq!(code(&e), "CodeMismatchException");
        }
    }
    // Five wrong codes lock the user like five wrong passwords.
    let e =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "lou")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap_err();
    assert_eq!((code(&e).as_str(), message(&e).as_str()), ("NotAuthorizedException", "Password attempts exceeded"));

    // Send limit: five codes per quarter hour, then LimitExceeded.
    f.user("max", Some("+15555550133"), None).await;
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("max")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    for _ in 0..5 {
        assert_eq!(f.sign_in("max").await.challenge_name, Some(ChallengeNameType::SmsMfa));
    }
    let e =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "max")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "LimitExceededException");
}

/// A remembered device stands in for MFA when the pool sets ChallengeRequiredOnNewDevice;
/// otherwise the second factor still follows the device's proof.
#[tokio::test]
async fn remembered_devices_and_mfa() {
    for skip in [true, false] {
        remembered_device_case(skip).await;
    }
}

async fn remembered_device_case(skip: bool) {
    use base64::Engine;
    use cognate_testkit::srp_client::*;
    use num_bigint::BigUint;
    use sha2::{Digest, Sha256};
    let f = fx(UserPoolMfaType::Optional, true, false, false).await;
    // The fixture's pool has no device tracking: a second pool with it, same MFA.
    let pool =
        f.c.create_user_pool()
            .pool_name(unique("dev-mfa"))
            .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(skip).build())
            .mfa_configuration(UserPoolMfaType::Optional)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
    let client = client_with(
        &f.c,
        &pool,
        "app",
        &[ExplicitAuthFlowsType::AllowUserPasswordAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth],
    )
    .await;
    let g = Fx { _s: f._s, c: f.c, pool, client, smtp: f.smtp, sms: f.sms };
    let phone = if skip { "+15555550144" } else { "+15555550155" };
    g.user("dee", Some(phone), None).await;
    g.c.admin_set_user_mfa_preference()
        .user_pool_id(&g.pool)
        .username("dee")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    // First sign-in: password, SMS code, then tokens with a new device.
    let ch = g.sign_in("dee").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SmsMfa));
    let sms_code = WebhookSink::code(&g.sms.wait_for(phone, 1).await);
    let first = g.answer("dee", ChallengeNameType::SmsMfa, &ch.session.unwrap(), "SMS_MFA_CODE", &sms_code).await;
    let first = first.unwrap().authentication_result.unwrap();
    let meta = first.new_device_metadata.unwrap();
    let (key, group) = (meta.device_key.unwrap(), meta.device_group_key.unwrap());
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    let device_password = "ZGV2aWNlLXBhc3N3b3JkLWZvci1tZmEtdGVzdHMtMTIz";
    let salt = pad(&BigUint::from_bytes_be(&uuid::Uuid::new_v4().as_bytes()[..]));
    let inner: String =
        Sha256::digest(format!("{group}{key}:{device_password}")).iter().map(|b| format!("{b:02x}")).collect();
    let v = BigUint::from(2u32).modpow(&h(&format!("{salt}{inner}")), &n);
    let b64 = base64::engine::general_purpose::STANDARD;
    g.c.confirm_device()
        .access_token(first.access_token.unwrap())
        .device_key(&key)
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(b64.encode(unhex(&pad(&v))))
                .salt(b64.encode(unhex(&salt)))
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Second sign-in with the device: password, then the device's SRP proof.
    let second =
        g.c.initiate_auth()
            .client_id(&g.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "dee")
            .auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("DEVICE_KEY", &key)
            .send()
            .await
            .unwrap();
    assert_eq!(second.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    let a = BigUint::from_bytes_be(uuid::Uuid::new_v4().as_bytes());
    let big_a = BigUint::from(2u32).modpow(&a, &n);
    let dp =
        g.c.respond_to_auth_challenge()
            .client_id(&g.client)
            .challenge_name(ChallengeNameType::DeviceSrpAuth)
            .challenge_responses("USERNAME", "dee")
            .challenge_responses("DEVICE_KEY", &key)
            .challenge_responses("SRP_A", big_a.to_str_radix(16))
            .send()
            .await
            .unwrap();
    let p = params(dp.challenge_parameters);
    let ts = now_timestamp();
    let proved =
        g.c.respond_to_auth_challenge()
            .client_id(&g.client)
            .challenge_name(ChallengeNameType::DevicePasswordVerifier)
            .challenge_responses("USERNAME", "dee")
            .challenge_responses("DEVICE_KEY", &key)
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
            .challenge_responses("TIMESTAMP", &ts)
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", answer_as(&group, &key, &p, &a, device_password, &ts))
            .send()
            .await
            .unwrap();
    let tokens = if skip {
        assert!(proved.challenge_name.is_none(), "the device stands in for MFA");
        proved.authentication_result.unwrap()
    } else {
        assert_eq!(proved.challenge_name, Some(ChallengeNameType::SmsMfa));
        let sms_code = WebhookSink::code(&g.sms.wait_for(phone, 2).await);
        let r = g.answer("dee", ChallengeNameType::SmsMfa, &proved.session.unwrap(), "SMS_MFA_CODE", &sms_code).await;
        r.unwrap().authentication_result.unwrap()
    };
    assert!(tokens.new_device_metadata.is_none());
    let access = tokens.access_token.unwrap();
    let payload: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(access.split('.').nth(1).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(payload["device_key"], key.as_str());
}
