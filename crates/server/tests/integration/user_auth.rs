//! USER_AUTH, choice-based sign-in, through the official SDK: SELECT_CHALLENGE with the
//! factors the user can use, each first factor (PASSWORD in the request or after the choice,
//! PASSWORD_SRP, EMAIL_OTP and SMS_OTP codes read from the real sinks), a preferred factor the
//! user lacks, a wrong code, a client without ALLOW_USER_AUTH, and a pool that requires MFA.

use crate::common::*;
use cognate_testkit::srp_client::{answer, now_timestamp, N};
use cognate_testkit::{SmtpSink, WebhookSink};
use idp::operation::initiate_auth::InitiateAuthOutput;
use idp::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use idp::types::*;
use num_bigint::BigUint;
use std::collections::HashMap;

const PASSWORD: &str = "Choice-Passw0rd!";

struct Fx {
    _s: TestServer,
    c: idp::Client,
    pool: String,
    client: String,
    smtp: SmtpSink,
    sms: WebhookSink,
}

async fn fx(mfa: UserPoolMfaType) -> Fx {
    let smtp = SmtpSink::start().await;
    let sms = WebhookSink::start(200).await;
    let env = [("COGNATE_SMTP_URL", smtp.url.as_str()), ("COGNATE_SMS_WEBHOOK_URL", &sms.url)];
    let s = TestServer::start_with(BIN, &env).await;
    let c = s.client();
    let factors = [AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::SmsOtp];
    let policy = SignInPolicyType::builder().set_allowed_first_auth_factors(Some(factors.to_vec())).build();
    let pool = c
        .create_user_pool()
        .pool_name(unique("choice"))
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .mfa_configuration(mfa)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    use ExplicitAuthFlowsType as F;
    let client = client_with(&c, &pool, "choice", &[F::AllowUserAuth, F::AllowRefreshTokenAuth]).await;
    let attrs = [
        ("email", "una@example.com"),
        ("email_verified", "true"),
        ("phone_number", "+15550100"),
        ("phone_number_verified", "true"),
    ];
    password_user(&c, &pool, "una", PASSWORD, &attrs).await;
    password_user(&c, &pool, "vic", PASSWORD, &[("email", "vic@example.com")]).await;
    Fx { _s: s, c, pool, client, smtp, sms }
}

impl Fx {
    async fn start(&self, user: &str, extra: &[(&str, &str)]) -> Result<InitiateAuthOutput, String> {
        let mut req = self
            .c
            .initiate_auth()
            .client_id(&self.client)
            .auth_flow(AuthFlowType::UserAuth)
            .auth_parameters("USERNAME", user);
        for (k, v) in extra {
            req = req.auth_parameters(*k, *v);
        }
        req.send().await.map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }

    async fn respond(
        &self,
        name: ChallengeNameType,
        session: Option<&str>,
        responses: &[(&str, &str)],
    ) -> Result<RespondToAuthChallengeOutput, String> {
        let mut req = self
            .c
            .respond_to_auth_challenge()
            .client_id(&self.client)
            .challenge_name(name)
            .set_session(session.map(String::from));
        for (k, v) in responses {
            req = req.challenge_responses(*k, *v);
        }
        req.send().await.map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }
}

fn signed_in(r: &RespondToAuthChallengeOutput) -> bool {
    r.authentication_result.as_ref().is_some_and(|t| t.access_token.is_some() && t.refresh_token.is_some())
}

#[tokio::test]
async fn each_first_factor_signs_in_through_user_auth() {
    let f = fx(UserPoolMfaType::Off).await;
    use ChallengeNameType as C;

    // No preference: the factors this user can use.
    let ch = f.start("una", &[]).await.unwrap();
    assert_eq!(ch.challenge_name, Some(C::SelectChallenge));
    assert_eq!(ch.available_challenges(), [C::Password, C::PasswordSrp, C::EmailOtp, C::SmsOtp]);
    let session = ch.session.clone();
    let bad = f.respond(C::SelectChallenge, session.as_deref(), &[("USERNAME", "vic"), ("ANSWER", "PASSWORD")]).await;
    assert!(bad.unwrap_err().starts_with("NotAuthorizedException"), "a session is for the name it began with");
    let done = f
        .respond(
            C::SelectChallenge,
            session.as_deref(),
            &[("USERNAME", "una"), ("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)],
        )
        .await
        .unwrap();
    assert!(signed_in(&done));

    // PASSWORD preferred, with the password: tokens at once; a wrong one is refused as ever.
    let t = f.start("una", &[("PREFERRED_CHALLENGE", "PASSWORD"), ("PASSWORD", PASSWORD)]).await.unwrap();
    assert!(t.authentication_result.is_some_and(|t| t.id_token.is_some()));
    let wrong = f.start("una", &[("PREFERRED_CHALLENGE", "PASSWORD"), ("PASSWORD", "Nope-Passw0rd!")]).await;
    assert_eq!(wrong.unwrap_err(), "NotAuthorizedException: Incorrect username or password.");
    // PASSWORD preferred without it: the PASSWORD challenge asks for it.
    let ch = f.start("una", &[("PREFERRED_CHALLENGE", "PASSWORD")]).await.unwrap();
    assert_eq!(ch.challenge_name, Some(C::Password));
    let done = f.respond(C::Password, ch.session.as_deref(), &[("USERNAME", "una"), ("PASSWORD", PASSWORD)]).await;
    assert!(signed_in(&done.unwrap()));

    // EMAIL_OTP: a code by email signs in; a wrong code first is refused.
    let ch = f.start("una", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")]).await.unwrap();
    assert_eq!(ch.challenge_name, Some(C::EmailOtp));
    let p: HashMap<String, String> = ch.challenge_parameters.clone().unwrap_or_default().into_iter().collect();
    assert_eq!(p["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert!(p["CODE_DELIVERY_DESTINATION"].contains("@e"), "{p:?}");
    let mail_code = f.smtp.wait_for("una@example.com", 1).await.code().unwrap();
    let wrong_code = if mail_code == "000000" { "111111" } else { "000000" };
    let e = f.respond(C::EmailOtp, ch.session.as_deref(), &[("USERNAME", "una"), ("EMAIL_OTP_CODE", wrong_code)]).await;
    assert!(e.unwrap_err().starts_with("CodeMismatchException"));
    let done =
        f.respond(C::EmailOtp, ch.session.as_deref(), &[("USERNAME", "una"), ("EMAIL_OTP_CODE", &mail_code)]).await;
    assert!(signed_in(&done.unwrap()));
    let again =
        f.respond(C::EmailOtp, ch.session.as_deref(), &[("USERNAME", "una"), ("EMAIL_OTP_CODE", &mail_code)]).await;
    assert!(again.is_err(), "a code signs in once");

    // SMS_OTP chosen after SELECT_CHALLENGE.
    let ch = f.start("una", &[]).await.unwrap();
    let pick =
        f.respond(C::SelectChallenge, ch.session.as_deref(), &[("USERNAME", "una"), ("ANSWER", "SMS_OTP")]).await;
    let pick = pick.unwrap();
    assert_eq!(pick.challenge_name, Some(C::SmsOtp));
    let sms_code = WebhookSink::code(&f.sms.wait_for("+15550100", 1).await);
    let done = f.respond(C::SmsOtp, pick.session.as_deref(), &[("USERNAME", "una"), ("SMS_OTP_CODE", &sms_code)]).await;
    assert!(signed_in(&done.unwrap()));

    // PASSWORD_SRP: SRP_A with the choice, then the usual PASSWORD_VERIFIER.
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    let secret = BigUint::from_bytes_be(&uuid::Uuid::new_v4().as_bytes().repeat(2));
    let big_a = BigUint::from(2u32).modpow(&secret, &n).to_str_radix(16);
    let ch = f.start("una", &[("PREFERRED_CHALLENGE", "PASSWORD_SRP"), ("SRP_A", &big_a)]).await.unwrap();
    assert_eq!(ch.challenge_name, Some(C::PasswordVerifier));
    let p: HashMap<String, String> = ch.challenge_parameters.unwrap().into_iter().collect();
    let ts = now_timestamp();
    let proof = answer(&f.pool, &p, &secret, PASSWORD, &ts);
    let responses = [
        ("USERNAME", p["USERNAME"].as_str()),
        ("PASSWORD_CLAIM_SECRET_BLOCK", p["SECRET_BLOCK"].as_str()),
        ("TIMESTAMP", ts.as_str()),
        ("PASSWORD_CLAIM_SIGNATURE", proof.as_str()),
    ];
    let done = f.respond(C::PasswordVerifier, ch.session.as_deref(), &responses).await;
    assert!(signed_in(&done.unwrap()));

    // A user without a verified address is offered the password only; preferring a code they
    // cannot receive falls back to the choice.
    let ch = f.start("vic", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")]).await.unwrap();
    assert_eq!(ch.challenge_name, Some(C::SelectChallenge));
    assert_eq!(ch.available_challenges(), [C::Password, C::PasswordSrp]);
    let e = f.respond(C::SelectChallenge, ch.session.as_deref(), &[("USERNAME", "vic"), ("ANSWER", "EMAIL_OTP")]).await;
    assert!(e.unwrap_err().starts_with("InvalidParameterException"));

    // A client without ALLOW_USER_AUTH.
    let other = app_client(&f.c, &f.pool).await;
    let e = f.c.initiate_auth().client_id(&other).auth_flow(AuthFlowType::UserAuth).auth_parameters("USERNAME", "una");
    assert_eq!(code(&e.send().await.unwrap_err()), "InvalidParameterException");
    // An unknown user (LEGACY existence errors).
    assert!(f.start("nobody", &[]).await.unwrap_err().starts_with("UserNotFoundException"));
}

#[tokio::test]
async fn a_pool_that_requires_mfa_offers_no_code_factor() {
    let f = fx(UserPoolMfaType::On).await;
    let ch = f.start("una", &[]).await.unwrap();
    assert_eq!(ch.available_challenges(), [ChallengeNameType::Password, ChallengeNameType::PasswordSrp]);
    // The password goes on to MFA as any password sign-in does (an SMS code here).
    let ch = f.start("una", &[("PREFERRED_CHALLENGE", "PASSWORD"), ("PASSWORD", PASSWORD)]).await.unwrap();
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SmsMfa));
}

#[tokio::test]
async fn a_passwordless_user_signs_up_confirms_and_is_signed_in() {
    let f = fx(UserPoolMfaType::Off).await;
    use ChallengeNameType as C;
    let up =
        f.c.sign_up()
            .client_id(&f.client)
            .username("pat")
            .user_attributes(attr("email", "pat@example.com"))
            .send()
            .await
            .unwrap();
    assert!(!up.user_confirmed);
    let mail_code = f.smtp.wait_for("pat@example.com", 1).await.code().unwrap();
    let confirmed =
        f.c.confirm_sign_up().client_id(&f.client).username("pat").confirmation_code(&mail_code).send().await.unwrap();
    let session = confirmed.session.expect("ConfirmSignUp's session signs in");
    // The session signs the new user in once.
    let start = |s: &str| {
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserAuth)
            .auth_parameters("USERNAME", "pat")
            .session(s)
            .send()
    };
    let t = start(&session).await.unwrap().authentication_result.expect("signed in");
    assert_eq!(code(&start(&session).await.unwrap_err()), "NotAuthorizedException", "once");
    // Only for the user it was made for.
    let other = f.c.initiate_auth().client_id(&f.client).auth_flow(AuthFlowType::UserAuth);
    let e = other.auth_parameters("USERNAME", "una").session(&session).send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");

    // Without a password, a code is the one factor.
    let factors = f.c.get_user_auth_factors().access_token(t.access_token().unwrap()).send().await.unwrap();
    assert_eq!(factors.username, "pat");
    assert_eq!(factors.configured_user_auth_factors(), [AuthFactorType::EmailOtp]);
    let ch = f.start("pat", &[]).await.unwrap();
    assert_eq!(ch.available_challenges(), [C::EmailOtp]);
    let e = f.start("pat", &[("PREFERRED_CHALLENGE", "PASSWORD"), ("PASSWORD", "Guess-Passw0rd!")]).await;
    assert_eq!(e.unwrap().challenge_name, Some(C::SelectChallenge), "no password to try");
    let una = f.c.admin_get_user_auth_factors().user_pool_id(&f.pool).username("una").send().await.unwrap();
    let want = [AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::SmsOtp];
    assert_eq!(una.configured_user_auth_factors(), want);

    // A pool that allows passwords only wants one.
    let plain = pool(&f.c).await;
    let client = app_client(&f.c, &plain).await;
    let e = f.c.sign_up().client_id(&client).username("pat").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

/// Threat protection judges passwordless sign-ins too: a one-time code from a blocked range
/// is refused after the code, and each sign-in is recorded with its risk.
#[tokio::test]
async fn passwordless_sign_ins_are_assessed_by_threat_protection() {
    let f = fx(UserPoolMfaType::Off).await;
    use ChallengeNameType as C;
    let factors = [AuthFactorType::Password, AuthFactorType::EmailOtp, AuthFactorType::SmsOtp];
    let policy = SignInPolicyType::builder().set_allowed_first_auth_factors(Some(factors.to_vec())).build();
    f.c.update_user_pool()
        .user_pool_id(&f.pool)
        .policies(UserPoolPolicyType::builder().sign_in_policy(policy).build())
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .user_pool_tier(UserPoolTierType::Plus)
        .user_pool_add_ons(
            UserPoolAddOnsType::builder().advanced_security_mode(AdvancedSecurityModeType::Enforced).build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let block = |ranges: &[&str]| {
        f.c.set_risk_configuration()
            .user_pool_id(&f.pool)
            .risk_exception_configuration(
                RiskExceptionConfigurationType::builder()
                    .set_blocked_ip_range_list(Some(ranges.iter().map(|r| r.to_string()).collect()))
                    .build(),
            )
            .send()
    };
    // The test talks to the server from loopback: block it.
    block(&["127.0.0.0/8", "::1/128"]).await.unwrap();
    let f = &f;
    let otp_sign_in = |n: usize| async move {
        let ch = f.start("una", &[("PREFERRED_CHALLENGE", "EMAIL_OTP")]).await.unwrap();
        assert_eq!(ch.challenge_name, Some(C::EmailOtp));
        let code = f.smtp.wait_for("una@example.com", n).await.code().unwrap();
        f.respond(C::EmailOtp, ch.session.as_deref(), &[("USERNAME", "una"), ("EMAIL_OTP_CODE", &code)]).await
    };
    let e = otp_sign_in(1).await.unwrap_err();
    assert!(e.contains("security reasons"), "{e}");
    let events = f.c.admin_list_user_auth_events().user_pool_id(&f.pool).username("una").send().await.unwrap();
    let blocked = &events.auth_events()[0];
    assert_eq!(blocked.event_response, Some(EventResponseType::Fail));
    assert_eq!(blocked.event_risk.as_ref().unwrap().risk_decision, Some(RiskDecisionType::Block));
    // Another range blocked: the same code flow signs in, and is recorded.
    block(&["203.0.113.0/24"]).await.unwrap();
    let r = otp_sign_in(2).await.unwrap();
    assert!(signed_in(&r));
    let events = f.c.admin_list_user_auth_events().user_pool_id(&f.pool).username("una").send().await.unwrap();
    assert_eq!(events.auth_events().len(), 2);
    assert_eq!(events.auth_events()[0].event_response, Some(EventResponseType::Pass));
}
