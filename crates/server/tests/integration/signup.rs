//! Sign-up, confirmation, recovery and attribute verification through the official SDK, with
//! codes read from a real SMTP sink and SMS webhook that the test starts.

use crate::common::*;
use cognate_testkit::{SmtpSink, WebhookSink};
use idp::types::*;

const PASSWORD: &str = "Sign-Up-Passw0rd";

struct Fx {
    _s: TestServer,
    c: idp::Client,
    pool: String,
    client: String,
    smtp: SmtpSink,
    sms: WebhookSink,
}

async fn fx(sms_status: u16, username_email: bool) -> Fx {
    let smtp = SmtpSink::start().await;
    let sms = WebhookSink::start(sms_status).await;
    let s = TestServer::start_with(
        BIN,
        &[
            ("COGNATE_SMTP_URL", &smtp.url),
            ("COGNATE_SMS_WEBHOOK_URL", &sms.url),
            ("COGNATE_EMAIL_FROM", "auth@example.com"),
        ],
    )
    .await;
    let c = s.client();
    let mut req = c
        .create_user_pool()
        .pool_name(unique("signup"))
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .verification_message_template(
            VerificationMessageTemplateType::builder()
                .email_subject("Welcome")
                .email_message("Your code is {####}.")
                .build(),
        );
    if username_email {
        req = req.username_attributes(UsernameAttributeType::Email);
    }
    let pool = req.send().await.unwrap().user_pool.unwrap().id.unwrap();
    let client = client_with(
        &c,
        &pool,
        "web",
        &[ExplicitAuthFlowsType::AllowUserPasswordAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth],
    )
    .await;
    Fx { _s: s, c, pool, client, smtp, sms }
}

impl Fx {
    async fn sign_in(&self, user: &str, password: &str) -> Result<AuthenticationResultType, String> {
        self.c
            .initiate_auth()
            .client_id(&self.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .map(|r| r.authentication_result.unwrap())
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }

    async fn confirm(&self, user: &str, code_: &str) -> Result<(), String> {
        self.c
            .confirm_sign_up()
            .client_id(&self.client)
            .username(user)
            .confirmation_code(code_)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }
}

#[tokio::test]
async fn sign_up_confirm_sign_in() {
    let f = fx(200, true).await;
    let r =
        f.c.sign_up()
            .client_id(&f.client)
            .username("uma@example.com")
            .password(PASSWORD)
            .user_attributes(attr("name", "Uma"))
            .send()
            .await
            .unwrap();
    assert!(!r.user_confirmed);
    assert_eq!(r.user_sub.len(), 36);
    let d = r.code_delivery_details.unwrap();
    assert_eq!(
        (d.destination.as_deref(), d.delivery_medium, d.attribute_name.as_deref()),
        (Some("u***@e***"), Some(DeliveryMediumType::Email), Some("email"))
    );
    let mail = f.smtp.wait_for("uma@example.com", 1).await;
    assert!(mail.data.contains("Subject: Welcome"), "{}", mail.data);
    assert!(mail.data.contains("From: auth@example.com"), "{}", mail.data);
    let code_ = mail.code().unwrap();

    assert_eq!(
        f.sign_in("uma@example.com", PASSWORD).await.unwrap_err(),
        "UserNotConfirmedException: User is not confirmed."
    );
    let e = f.c.sign_up().client_id(&f.client).username("uma@example.com").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(code(&e), "UsernameExistsException");
    let e = f.c.sign_up().client_id(&f.client).username("vic@example.com").password("short").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidPasswordException");

    let wrong = if code_ == "000000" { "111111" } else { "000000" };
    assert_eq!(
        f.confirm("uma@example.com", wrong).await.unwrap_err(),
        "CodeMismatchException: Invalid verification code provided, please try again."
    );
    f.confirm("uma@example.com", &code_).await.unwrap();
    assert_eq!(
        f.confirm("uma@example.com", &code_).await.unwrap_err(),
        "NotAuthorizedException: User cannot be confirmed. Current status is CONFIRMED"
    );
    let tokens = f.sign_in("UMA@example.com", PASSWORD).await.unwrap();
    let me = f.c.get_user().access_token(tokens.access_token.unwrap()).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "email_verified"), Some("true"));
    assert_eq!(value_of(me.user_attributes(), "name"), Some("Uma"));
}

#[tokio::test]
async fn resend_and_attempt_limit() {
    let f = fx(200, false).await;
    f.c.sign_up()
        .client_id(&f.client)
        .username("walt")
        .password(PASSWORD)
        .user_attributes(attr("email", "walt@example.com"))
        .send()
        .await
        .unwrap();
    let first = f.smtp.wait_for("walt@example.com", 1).await.code().unwrap();
    let d = f.c.resend_confirmation_code().client_id(&f.client).username("walt").send().await.unwrap();
    assert_eq!(d.code_delivery_details.unwrap().attribute_name.as_deref(), Some("email"));
    let second = f.smtp.wait_for("walt@example.com", 2).await.code().unwrap();
    let mut guesses = 5;
    if first != second {
        assert!(f.confirm("walt", &first).await.unwrap_err().starts_with("CodeMismatchException"), "old code replaced");
        guesses -= 1; // that wrong guess counts too
    }
    let wrong = if second == "000000" { "111111" } else { "000000" };
    let mut last = String::new();
    for _ in 0..guesses {
        last = f.confirm("walt", wrong).await.unwrap_err();
    }
    assert_eq!(last, "LimitExceededException: Attempt limit exceeded, please try after some time.");
    // The code is gone after too many guesses.
    assert_eq!(
        f.confirm("walt", &second).await.unwrap_err(),
        "ExpiredCodeException: Invalid code provided, please request a code again."
    );
    f.c.resend_confirmation_code().client_id(&f.client).username("walt").send().await.unwrap();
    let third = f.smtp.wait_for("walt@example.com", 3).await.code().unwrap();
    f.confirm("walt", &third).await.unwrap();
    let e = f.c.resend_confirmation_code().client_id(&f.client).username("walt").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn forgot_password_flow() {
    let f = fx(200, false).await;
    password_user(&f.c, &f.pool, "xena", PASSWORD, &[("email", "xena@example.com"), ("email_verified", "true")]).await;
    let before = f.sign_in("xena", PASSWORD).await.unwrap();
    let r = f.c.forgot_password().client_id(&f.client).username("xena").send().await.unwrap();
    assert_eq!(r.code_delivery_details.unwrap().destination.as_deref(), Some("x***@e***"));
    let code_ = f.smtp.wait_for("xena@example.com", 1).await.code().unwrap();
    let confirm = |c: String, p: &'static str| {
        f.c.confirm_forgot_password().client_id(&f.client).username("xena").confirmation_code(c).password(p).send()
    };
    let e = confirm(code_.clone(), "weak").await.unwrap_err();
    assert_eq!(code(&e), "InvalidPasswordException");
    confirm(code_.clone(), "Brand-New-Passw0rd").await.unwrap();
    let e = confirm(code_, "Other-New-Passw0rd").await.unwrap_err();
    assert_eq!(code(&e), "ExpiredCodeException", "codes are single-use");
    f.sign_in("xena", "Brand-New-Passw0rd").await.unwrap();
    assert!(f.sign_in("xena", PASSWORD).await.is_err());
    // A password reset ends the sessions that existed before it.
    let e = f.c.get_user().access_token(before.access_token.unwrap()).send().await.unwrap_err();
    assert_eq!(message(&e), "Access Token has been revoked");

    // No verified contact: Cognito's exact message.
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("yuri")
        .user_attributes(attr("email", "yuri@example.com"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let e = f.c.forgot_password().client_id(&f.client).username("yuri").send().await.unwrap_err();
    assert_eq!(
        message(&e),
        "Cannot reset password for the user as there is no registered/verified email or phone_number"
    );
    // Unknown users: LEGACY says so; ENABLED answers as if a code went out.
    let e = f.c.forgot_password().client_id(&f.client).username("nobody").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
    let hidden =
        f.c.create_user_pool_client()
            .user_pool_id(&f.pool)
            .client_name("hidden")
            .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap()
            .client_id
            .unwrap();
    let r = f.c.forgot_password().client_id(hidden).username("nobody").send().await.unwrap();
    assert!(r.code_delivery_details.is_some());
}

#[tokio::test]
async fn sms_codes_and_delivery_failures() {
    let f = fx(200, false).await;
    let id =
        f.c.create_user_pool()
            .pool_name(unique("sms"))
            .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
    let client =
        f.c.create_user_pool_client()
            .user_pool_id(&id)
            .client_name("m")
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
    let cid = client.client_id.unwrap();
    let r =
        f.c.sign_up()
            .client_id(&cid)
            .username("zed")
            .password(PASSWORD)
            .user_attributes(attr("phone_number", "+15555550123"))
            .send()
            .await
            .unwrap();
    let d = r.code_delivery_details.unwrap();
    assert_eq!((d.destination.as_deref(), d.delivery_medium), (Some("+*******0123"), Some(DeliveryMediumType::Sms)));
    let text = f.sms.wait_for("+15555550123", 1).await;
    f.c.confirm_sign_up()
        .client_id(&cid)
        .username("zed")
        .confirmation_code(WebhookSink::code(&text))
        .send()
        .await
        .unwrap();
    let u = f.c.admin_get_user().user_pool_id(&id).username("zed").send().await.unwrap();
    assert_eq!(value_of(u.user_attributes(), "phone_number_verified"), Some("true"));

    // A webhook that fails: the client gets CodeDeliveryFailureException, the user is kept.
    let broken = fx(500, false).await;
    let id = broken
        .c
        .create_user_pool()
        .pool_name(unique("sms"))
        .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let cid = client_with(&broken.c, &id, "m", &[]).await;
    let e = broken
        .c
        .sign_up()
        .client_id(&cid)
        .username("amy")
        .password(PASSWORD)
        .user_attributes(attr("phone_number", "+15555550124"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "CodeDeliveryFailureException");
    let u = broken.c.admin_get_user().user_pool_id(&id).username("amy").send().await.unwrap();
    assert_eq!(u.user_status, Some(UserStatusType::Unconfirmed));
}

#[tokio::test]
async fn attribute_verification_and_secret_hash_sign_up() {
    let f = fx(200, false).await;
    f.c.sign_up()
        .client_id(&f.client)
        .username("bea")
        .password(PASSWORD)
        .user_attributes(attr("email", "bea@example.com"))
        .send()
        .await
        .unwrap();
    let c1 = f.smtp.wait_for("bea@example.com", 1).await.code().unwrap();
    f.confirm("bea", &c1).await.unwrap();
    let access = f.sign_in("bea", PASSWORD).await.unwrap().access_token.unwrap();
    let r =
        f.c.update_user_attributes()
            .access_token(&access)
            .user_attributes(attr("email", "bea2@example.com"))
            .send()
            .await
            .unwrap();
    assert_eq!(r.code_delivery_details_list().len(), 1);
    let c2 = f.smtp.wait_for("bea2@example.com", 1).await.code().unwrap();
    let e = f.c.verify_user_attribute().access_token(&access).attribute_name("email").code("000001").send().await;
    if c2 != "000001" {
        assert_eq!(code(&e.unwrap_err()), "CodeMismatchException");
    }
    f.c.verify_user_attribute().access_token(&access).attribute_name("email").code(&c2).send().await.unwrap();
    let me = f.c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "email_verified"), Some("true"));
    f.c.get_user_attribute_verification_code().access_token(&access).attribute_name("email").send().await.unwrap();
    f.smtp.wait_for("bea2@example.com", 2).await;

    let secret_client =
        f.c.create_user_pool_client()
            .user_pool_id(&f.pool)
            .client_name("secret")
            .generate_secret(true)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap();
    let (cid, secret) = (secret_client.client_id.unwrap(), secret_client.client_secret.unwrap());
    let e = f.c.sign_up().client_id(&cid).username("cal").password(PASSWORD).send().await.unwrap_err();
    assert_eq!(message(&e), format!("Client {cid} is configured for secret but secret was not received"));
    let e =
        f.c.sign_up()
            .client_id(&cid)
            .username("cal")
            .password(PASSWORD)
            .secret_hash("bm9wZQ==")
            .send()
            .await
            .unwrap_err();
    assert_eq!(message(&e), format!("Unable to verify secret hash for client {cid}"));
    f.c.sign_up()
        .client_id(&cid)
        .username("cal")
        .password(PASSWORD)
        .secret_hash(cognate_core::auth::secret_hash(&secret, "cal", &cid))
        .send()
        .await
        .unwrap();
}
