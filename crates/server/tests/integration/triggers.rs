//! Lambda triggers through the Lambda Invoke API: a function server the test starts
//! (`cognate_testkit::lambda`) records every event and answers per function; the official SDK
//! drives sign-up, confirmation, recovery, messages, sign-in and token issuance, and each event
//! is checked member by member against the documented ones.

use crate::common::*;
use cognate_testkit::lambda::{arn, respond, Answer, LambdaServer};
use cognate_testkit::SmtpSink;
use idp::types::*;
use serde_json::{json, Value};
use std::time::Duration;

pub const PASSWORD: &str = "Trigger-Passw0rd!";

pub struct Fx {
    pub s: TestServer,
    pub c: idp::Client,
    pub lambda: LambdaServer,
    pub smtp: SmtpSink,
    pub pool: String,
    pub client: String,
}

/// A server pointed at a fresh function server, and a pool with `config` whose email is
/// auto-verified; a client allowing the password, SRP, refresh and custom flows.
pub async fn fx(config: LambdaConfigType, env: &[(&str, &str)]) -> Fx {
    let lambda = LambdaServer::start().await;
    let smtp = SmtpSink::start().await;
    let mut all = vec![("COGNATE_LAMBDA_ENDPOINT", lambda.endpoint.as_str()), ("COGNATE_SMTP_URL", smtp.url.as_str())];
    all.extend_from_slice(env);
    let s = TestServer::start_with(BIN, &all).await;
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("triggers"))
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .lambda_config(config)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    use ExplicitAuthFlowsType as F;
    let flows = [F::AllowUserPasswordAuth, F::AllowUserSrpAuth, F::AllowRefreshTokenAuth, F::AllowCustomAuth];
    let client = client_with(&c, &pool, "app", &flows).await;
    Fx { s, c, lambda, smtp, pool, client }
}

impl Fx {
    pub async fn sign_in(&self, user: &str, password: &str) -> Result<AuthenticationResultType, String> {
        self.c
            .initiate_auth()
            .client_id(&self.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("PASSWORD", password)
            .client_metadata("purpose", "sign-in")
            .send()
            .await
            .map(|r| r.authentication_result.expect("tokens"))
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }
}

/// The claims of a JWT (unverified: the tests only read them).
pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The members every event carries, checked.
pub fn common(e: &Value, f: &Fx, source: &str, user: &str) {
    assert_eq!(e["version"], "1", "{e}");
    assert_eq!(e["triggerSource"], source, "{e}");
    assert_eq!(e["region"], "us-east-1");
    assert_eq!(e["userPoolId"], f.pool.as_str());
    assert_eq!(e["userName"], user, "{e}");
    assert!(e["callerContext"]["awsSdkVersion"].as_str().unwrap().starts_with("aws-sdk-"), "{e}");
    assert!(e["request"].is_object() && e["response"].is_object(), "{e}");
}

#[tokio::test]
async fn sign_up_and_sign_in_triggers() {
    let config = LambdaConfigType::builder()
        .pre_sign_up(arn("preSignUp"))
        .pre_authentication(arn("preAuth"))
        .post_authentication(arn("postAuth"))
        .build();
    let f = fx(config, &[]).await;
    f.lambda.on(&arn("preSignUp"), |e| {
        if e["request"]["userAttributes"]["email"].as_str().unwrap_or("").ends_with("@blocked.example") {
            return Answer::Error("Bad domain".into());
        }
        respond(e, json!({ "autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false }))
    });
    f.lambda.on(&arn("preAuth"), |e| {
        if e["userName"] == "denied" {
            Answer::Error("Denied".into())
        } else {
            Answer::Event(e.clone())
        }
    });
    f.lambda.on(&arn("postAuth"), |e| Answer::Event(e.clone()));

    // PreSignUp_SignUp: the function confirms the user and verifies the email.
    let r =
        f.c.sign_up()
            .client_id(&f.client)
            .username("ada")
            .password(PASSWORD)
            .user_attributes(attr("email", "ada@example.com"))
            .validation_data(attr("captcha", "ok"))
            .client_metadata("campaign", "spring")
            .send()
            .await
            .unwrap();
    assert!(r.user_confirmed);
    assert!(r.code_delivery_details.is_none());
    let e = &f.lambda.events(&arn("preSignUp"))[0];
    common(e, &f, "PreSignUp_SignUp", "ada");
    assert_eq!(e["callerContext"]["clientId"], f.client.as_str());
    assert_eq!(e["request"]["userAttributes"], json!({ "email": "ada@example.com" }));
    assert_eq!(e["request"]["validationData"], json!({ "captcha": "ok" }));
    assert_eq!(e["request"]["clientMetadata"], json!({ "campaign": "spring" }));
    assert_eq!(e["response"], json!({ "autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false }));
    let u = f.c.admin_get_user().user_pool_id(&f.pool).username("ada").send().await.unwrap();
    assert_eq!(u.user_status, Some(UserStatusType::Confirmed));
    assert_eq!(value_of(u.user_attributes(), "email_verified"), Some("true"));

    // A function error refuses the sign-up: nobody is created.
    let e =
        f.c.sign_up()
            .client_id(&f.client)
            .username("mallory")
            .password(PASSWORD)
            .user_attributes(attr("email", "m@blocked.example"))
            .send()
            .await
            .unwrap_err();
    assert_eq!(
        (code(&e).as_str(), message(&e).as_str()),
        ("UserLambdaValidationException", "PreSignUp failed with error Bad domain.")
    );
    let gone = f.c.admin_get_user().user_pool_id(&f.pool).username("mallory").send().await.unwrap_err();
    assert_eq!(code(&gone), "UserNotFoundException");

    // PreSignUp_AdminCreateUser.
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("bob")
        .user_attributes(attr("email", "bob@example.com"))
        .message_action(MessageActionType::Suppress)
        .client_metadata("by", "admin")
        .send()
        .await
        .unwrap();
    let e = &f.lambda.events(&arn("preSignUp"))[2];
    common(e, &f, "PreSignUp_AdminCreateUser", "bob");
    assert_eq!(e["callerContext"]["clientId"], "CLIENT_ID_NOT_APPLICABLE");
    assert_eq!(e["request"]["clientMetadata"], json!({ "by": "admin" }));

    // PreAuthentication and PostAuthentication around a sign-in.
    f.sign_in("ada", PASSWORD).await.unwrap();
    let pre = &f.lambda.events(&arn("preAuth"))[0];
    common(pre, &f, "PreAuthentication_Authentication", "ada");
    assert_eq!(pre["request"]["userAttributes"]["email"], "ada@example.com");
    assert_eq!(pre["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert!(pre["request"]["userAttributes"]["sub"].is_string());
    assert_eq!(pre["request"]["validationData"], json!({ "purpose": "sign-in" }));
    let post = &f.lambda.events(&arn("postAuth"))[0];
    common(post, &f, "PostAuthentication_Authentication", "ada");
    assert_eq!(post["request"]["newDeviceUsed"], false);
    assert_eq!(post["request"]["clientMetadata"], json!({ "purpose": "sign-in" }));

    // A PreAuthentication error stops the sign-in before the password is looked at.
    password_user(&f.c, &f.pool, "denied", PASSWORD, &[]).await;
    assert_eq!(
        f.sign_in("denied", "not even the password").await.unwrap_err(),
        "UserLambdaValidationException: PreAuthentication failed with error Denied."
    );
    assert_eq!(f.lambda.events(&arn("postAuth")).len(), 1, "the refused sign-in never got there");
}

#[tokio::test]
async fn confirmation_and_custom_messages() {
    let config = LambdaConfigType::builder()
        .post_confirmation(arn("postConfirmation"))
        .custom_message(arn("customMessage"))
        .build();
    let f = fx(config, &[]).await;
    f.lambda.on(&arn("postConfirmation"), |e| Answer::Event(e.clone()));
    f.lambda.on(&arn("customMessage"), |e| {
        let source = e["triggerSource"].as_str().unwrap().to_string();
        let (sms, email) = if source == "CustomMessage_AdminCreateUser" {
            ("{username} {####}".to_string(), format!("{source}: welcome {{username}}, password {{####}}"))
        } else {
            ("{####}".to_string(), format!("{source}: your code is {{####}}"))
        };
        respond(e, json!({ "smsMessage": sms, "emailMessage": email, "emailSubject": source }))
    });
    let mail_with = |n: usize, to: &'static str| {
        let smtp = f.smtp.clone();
        async move { smtp.wait_for(to, n).await }
    };

    // CustomMessage_SignUp, then ConfirmSignUp → PostConfirmation_ConfirmSignUp.
    f.c.sign_up()
        .client_id(&f.client)
        .username("cy")
        .password(PASSWORD)
        .user_attributes(attr("email", "cy@example.com"))
        .client_metadata("lang", "en")
        .send()
        .await
        .unwrap();
    let m = mail_with(1, "cy@example.com").await;
    assert!(m.data.contains("Subject: CustomMessage_SignUp"), "{}", m.data);
    assert!(m.data.contains("CustomMessage_SignUp: your code is "), "{}", m.data);
    let e = &f.lambda.events(&arn("customMessage"))[0];
    common(e, &f, "CustomMessage_SignUp", "cy");
    assert_eq!(e["request"]["codeParameter"], "{####}");
    assert_eq!(e["request"]["usernameParameter"], Value::Null);
    assert_eq!(e["request"]["clientMetadata"], json!({ "lang": "en" }));
    assert_eq!(e["request"]["userAttributes"]["email"], "cy@example.com");
    assert_eq!(e["response"], json!({ "smsMessage": null, "emailMessage": null, "emailSubject": null }));

    // CustomMessage_ResendCode.
    f.c.resend_confirmation_code().client_id(&f.client).username("cy").send().await.unwrap();
    let m = mail_with(2, "cy@example.com").await;
    assert!(m.data.contains("CustomMessage_ResendCode: your code is"), "{}", m.data);
    let code_ = m.code().unwrap();
    f.c.confirm_sign_up()
        .client_id(&f.client)
        .username("cy")
        .confirmation_code(code_)
        .client_metadata("step", "confirm")
        .send()
        .await
        .unwrap();
    let e = &f.lambda.events(&arn("postConfirmation"))[0];
    common(e, &f, "PostConfirmation_ConfirmSignUp", "cy");
    assert_eq!(e["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(e["request"]["userAttributes"]["email_verified"], "true");
    assert_eq!(e["request"]["clientMetadata"], json!({ "step": "confirm" }));

    // CustomMessage_ForgotPassword, ConfirmForgotPassword → PostConfirmation_ConfirmForgotPassword.
    f.c.forgot_password().client_id(&f.client).username("cy").send().await.unwrap();
    let m = mail_with(3, "cy@example.com").await;
    assert!(m.data.contains("CustomMessage_ForgotPassword: your code is"), "{}", m.data);
    f.c.confirm_forgot_password()
        .client_id(&f.client)
        .username("cy")
        .confirmation_code(m.code().unwrap())
        .password("New-Trigger-Passw0rd!")
        .send()
        .await
        .unwrap();
    let e = &f.lambda.events(&arn("postConfirmation"))[1];
    common(e, &f, "PostConfirmation_ConfirmForgotPassword", "cy");

    // CustomMessage_UpdateUserAttribute and _VerifyUserAttribute.
    let tokens = f.sign_in("cy", "New-Trigger-Passw0rd!").await.unwrap();
    let access = tokens.access_token().unwrap();
    f.c.update_user_attributes()
        .access_token(access)
        .user_attributes(attr("email", "cy2@example.com"))
        .send()
        .await
        .unwrap();
    let m = mail_with(1, "cy2@example.com").await;
    assert!(m.data.contains("CustomMessage_UpdateUserAttribute: your code is"), "{}", m.data);
    f.c.get_user_attribute_verification_code().access_token(access).attribute_name("email").send().await.unwrap();
    let m = mail_with(2, "cy2@example.com").await;
    assert!(m.data.contains("CustomMessage_VerifyUserAttribute: your code is"), "{}", m.data);
    f.c.verify_user_attribute()
        .access_token(access)
        .attribute_name("email")
        .code(m.code().unwrap())
        .send()
        .await
        .unwrap();

    // CustomMessage_AdminCreateUser: the invitation, with the user name parameter.
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("dee")
        .user_attributes(attr("email", "dee@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let m = mail_with(1, "dee@example.com").await;
    assert!(m.data.contains("CustomMessage_AdminCreateUser: welcome dee, password "), "{}", m.data);
    let e = f.lambda.events(&arn("customMessage")).into_iter().find(|e| e["userName"] == "dee").unwrap();
    common(&e, &f, "CustomMessage_AdminCreateUser", "dee");
    assert_eq!(e["request"]["usernameParameter"], "{username}");

    // AdminConfirmSignUp also confirms through PostConfirmation_ConfirmSignUp.
    f.c.sign_up()
        .client_id(&f.client)
        .username("eve")
        .password(PASSWORD)
        .user_attributes(attr("email", "eve@example.com"))
        .send()
        .await
        .unwrap();
    f.c.admin_confirm_sign_up().user_pool_id(&f.pool).username("eve").send().await.unwrap();
    let e = f.lambda.events(&arn("postConfirmation")).into_iter().find(|e| e["userName"] == "eve").unwrap();
    common(&e, &f, "PostConfirmation_ConfirmSignUp", "eve");

    // CustomMessage_Authentication: an EMAIL_OTP sign-in code.
    f.c.set_user_pool_mfa_config()
        .user_pool_id(&f.pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .email_mfa_configuration(EmailMfaConfigType::builder().message("Email code {####}").build())
        .send()
        .await
        .unwrap();
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("cy")
        .email_mfa_settings(EmailMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    let ch =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "cy")
            .auth_parameters("PASSWORD", "New-Trigger-Passw0rd!")
            .send()
            .await
            .unwrap();
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::EmailOtp));
    let m = mail_with(3, "cy2@example.com").await;
    assert!(m.data.contains("CustomMessage_Authentication: your code is"), "{}", m.data);
    f.c.admin_set_user_mfa_preference()
        .user_pool_id(&f.pool)
        .username("cy")
        .email_mfa_settings(EmailMfaSettingsType::builder().enabled(false).build())
        .send()
        .await
        .unwrap();

    // A message without the code's placeholder breaks the contract.
    f.lambda.on(&arn("customMessage"), |e| respond(e, json!({ "emailMessage": "no code here" })));
    let e = f.c.resend_confirmation_code().client_id(&f.client).username("cy").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException", "cy is confirmed: refused before any message");
    let e = f.c.forgot_password().client_id(&f.client).username("cy").send().await.unwrap_err();
    assert_eq!(
        (code(&e).as_str(), message(&e).as_str()),
        ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    );
}

#[tokio::test]
async fn pre_token_generation_changes_the_tokens() {
    let config = LambdaConfigType::builder().pre_token_generation(arn("ptg")).build();
    let f = fx(config, &[]).await;
    f.lambda.on(&arn("ptg"), |e| {
        respond(
            e,
            json!({ "claimsOverrideDetails": {
                "claimsToAddOrOverride": { "source": e["triggerSource"], "tier": "gold" },
                "claimsToSuppress": ["email"],
                "groupOverrideDetails": { "groupsToOverride": ["vip", "staff"] }
            }}),
        )
    });
    password_user(&f.c, &f.pool, "fay", PASSWORD, &[("email", "fay@example.com")]).await;
    f.c.create_group().user_pool_id(&f.pool).group_name("readers").send().await.unwrap();
    f.c.admin_add_user_to_group().user_pool_id(&f.pool).username("fay").group_name("readers").send().await.unwrap();
    let t = f.sign_in("fay", PASSWORD).await.unwrap();
    let id = claims(t.id_token().unwrap());
    assert_eq!((id["source"].as_str(), id["tier"].as_str()), (Some("TokenGeneration_Authentication"), Some("gold")));
    assert!(id.get("email").is_none(), "{id}");
    assert_eq!(id["cognito:groups"], json!(["vip", "staff"]));
    assert_eq!(claims(t.access_token().unwrap())["cognito:groups"], json!(["vip", "staff"]));
    let e = f.lambda.events(&arn("ptg")).pop().unwrap();
    common(&e, &f, "TokenGeneration_Authentication", "fay");
    assert_eq!(e["request"]["groupConfiguration"]["groupsToOverride"], json!(["readers"]));
    assert_eq!(e["request"]["clientMetadata"], json!({ "purpose": "sign-in" }));
    assert_eq!(e["response"], json!({ "claimsOverrideDetails": null }));

    // Refresh: TokenGeneration_RefreshTokens.
    let r =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", t.refresh_token().unwrap())
            .send()
            .await
            .unwrap();
    let id = claims(r.authentication_result.unwrap().id_token().unwrap());
    assert_eq!(id["source"], "TokenGeneration_RefreshTokens");

    // NEW_PASSWORD_REQUIRED: TokenGeneration_NewPasswordChallenge.
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("gil")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let ch =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "gil")
            .auth_parameters("PASSWORD", "Temp-Passw0rd!")
            .send()
            .await
            .unwrap();
    let done =
        f.c.respond_to_auth_challenge()
            .client_id(&f.client)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(ch.session.unwrap())
            .challenge_responses("USERNAME", "gil")
            .challenge_responses("NEW_PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
    let id = claims(done.authentication_result.unwrap().id_token().unwrap());
    assert_eq!(id["source"], "TokenGeneration_NewPasswordChallenge");

    // V2_0: both tokens and the access token's scopes.
    let v2 = LambdaConfigType::builder()
        .pre_token_generation_config(
            PreTokenGenerationVersionConfigType::builder()
                .lambda_arn(arn("ptg2"))
                .lambda_version(PreTokenGenerationLambdaVersionType::V20)
                .build()
                .unwrap(),
        )
        .build();
    f.c.update_user_pool().user_pool_id(&f.pool).lambda_config(v2).send().await.unwrap();
    f.lambda.on(&arn("ptg2"), |e| {
        respond(
            e,
            json!({ "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": { "claimsToAddOrOverride": { "plan": "pro" } },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": { "tenant": "t-1", "roles": ["a", "b"] },
                    "scopesToAdd": ["orders/read"]
                }
            }}),
        )
    });
    let t = f.sign_in("fay", PASSWORD).await.unwrap();
    let access = claims(t.access_token().unwrap());
    assert_eq!((access["tenant"].as_str(), &access["roles"]), (Some("t-1"), &json!(["a", "b"])));
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin orders/read");
    assert_eq!(claims(t.id_token().unwrap())["plan"], "pro");
    let e = f.lambda.events(&arn("ptg2")).pop().unwrap();
    assert_eq!(e["version"], "2");
    assert_eq!(e["request"]["scopes"], json!(["aws.cognito.signin.user.admin"]));
    // The customized access token still works for the user's own operations.
    f.c.get_user().access_token(t.access_token().unwrap()).send().await.unwrap();
}

#[tokio::test]
async fn failures_are_reported_as_cognito_does_and_the_server_stays_healthy() {
    let config = LambdaConfigType::builder().pre_authentication(arn("preAuth")).build();
    let f = fx(config, &[("COGNATE_LAMBDA_TIMEOUT_MS", "400")]).await;
    password_user(&f.c, &f.pool, "hal", PASSWORD, &[]).await;
    type Handler = Box<dyn Fn(&Value) -> Answer + Send + Sync>;
    let cases: Vec<(Handler, &str, usize)> = vec![
        (Box::new(|_| Answer::Error("Nope".into())), "UserLambdaValidationException: PreAuthentication failed with error Nope.", 1),
        (Box::new(|_| Answer::Raw("not json".into())), "InvalidLambdaResponseException: Unrecognizable lambda output", 1),
        (Box::new(|_| Answer::Status(500)), "UnexpectedLambdaException: PreAuthentication invocation failed due to error the Lambda endpoint answered 500.", 3),
        (Box::new(|e| Answer::Slow(Duration::from_millis(1500), Box::new(Answer::Event(e.clone())))), "UnexpectedLambdaException: PreAuthentication invocation failed due to error TimeoutError.", 3),
    ];
    for (handler, want, calls) in cases {
        f.lambda.clear();
        f.lambda.on(&arn("preAuth"), handler);
        assert_eq!(f.sign_in("hal", PASSWORD).await.unwrap_err(), want);
        assert_eq!(f.lambda.calls(&arn("preAuth")).len(), calls, "{want}");
    }
    // A function the endpoint does not know.
    let config = LambdaConfigType::builder().pre_authentication(arn("missing")).build();
    f.c.update_user_pool().user_pool_id(&f.pool).lambda_config(config).send().await.unwrap();
    let e = f.sign_in("hal", PASSWORD).await.unwrap_err();
    assert!(
        e.starts_with(
            "UnexpectedLambdaException: PreAuthentication invocation failed due to error ResourceNotFoundException"
        ),
        "{e}"
    );
    // The server kept serving, and each call is counted per trigger.
    f.c.update_user_pool().user_pool_id(&f.pool).send().await.unwrap();
    f.sign_in("hal", PASSWORD).await.unwrap();
    let metrics = f.s.http().get(format!("{}/metrics", f.s.endpoint)).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains("cognate_trigger_calls_total{trigger=\"PreAuthentication\",outcome=\"function_error\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("cognate_trigger_calls_total{trigger=\"PreAuthentication\",outcome=\"unreachable\"} 3"),
        "{metrics}"
    );
}

#[tokio::test]
async fn calls_are_signed_when_credentials_are_set_and_may_name_the_function() {
    let config = LambdaConfigType::builder().post_authentication(arn("postAuth")).build();
    let env = [
        ("COGNATE_LAMBDA_ACCESS_KEY_ID", "AKIALAMBDACALLER0001"),
        ("COGNATE_LAMBDA_SECRET_ACCESS_KEY", "s3cr3t"),
        ("COGNATE_LAMBDA_INVOKE_BY", "name"),
    ];
    let f = fx(config, &env).await;
    // COGNATE_LAMBDA_INVOKE_BY=name: the path names the function, not its ARN.
    f.lambda.on("postAuth", |e| Answer::Event(e.clone()));
    password_user(&f.c, &f.pool, "ivy", PASSWORD, &[]).await;
    f.sign_in("ivy", PASSWORD).await.unwrap();
    let auth = f.lambda.calls("postAuth").pop().unwrap().authorization.expect("signed");
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIALAMBDACALLER0001/"), "{auth}");
    assert!(
        auth.contains("/us-east-1/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="),
        "{auth}"
    );
}

#[tokio::test]
async fn custom_senders_get_the_code_encrypted() {
    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let key_id = "arn:aws:kms:us-east-1:000000000000:key/codes";
    let versioned = |f: &str| {
        CustomEmailLambdaVersionConfigType::builder()
            .lambda_arn(arn(f))
            .lambda_version(CustomEmailSenderLambdaVersionType::V10)
            .build()
            .unwrap()
    };
    let config = LambdaConfigType::builder()
        .custom_email_sender(versioned("emailSender"))
        .custom_sms_sender(
            CustomSmsLambdaVersionConfigType::builder()
                .lambda_arn(arn("smsSender"))
                .lambda_version(CustomSmsSenderLambdaVersionType::V10)
                .build()
                .unwrap(),
        )
        .kms_key_id(key_id)
        .build();
    let f = fx(config, &[("COGNATE_CODE_ENCRYPTION_KEY", KEY)]).await;
    f.lambda.on(&arn("emailSender"), |e| Answer::Event(e.clone()));
    f.lambda.on(&arn("smsSender"), |e| Answer::Event(e.clone()));

    // SignUp: the function gets the code; Cognate sends no email itself.
    f.c.sign_up()
        .client_id(&f.client)
        .username("jo")
        .password(PASSWORD)
        .user_attributes(attr("email", "jo@example.com"))
        .client_metadata("k", "v")
        .send()
        .await
        .unwrap();
    let e = f.lambda.events(&arn("emailSender")).pop().unwrap();
    common(&e, &f, "CustomEmailSender_SignUp", "jo");
    assert_eq!(e["request"]["type"], "customEmailSenderRequestV1");
    assert_eq!(e["request"]["clientMetadata"], json!({ "k": "v" }));
    assert_eq!(e["request"]["userAttributes"]["email"], "jo@example.com");
    let sealed = e["request"]["code"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(f.smtp.mails().is_empty(), "the function delivers, not Cognate");

    // The code decrypts with the Encryption SDK and a raw AES keyring, and confirms the user.
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped the decryption: run ./scripts/test to install @aws-crypto/client-node");
        return;
    };
    let script = std::path::PathBuf::from(&dir).join("decrypt-code.js");
    let decrypt = |sealed: String| {
        let script = script.clone();
        async move {
            let out = tokio::process::Command::new("node")
                .args([script.to_str().unwrap(), &sealed, KEY, key_id])
                .output()
                .await
                .unwrap();
            let line = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").to_string();
            serde_json::from_str::<Value>(&line)
                .unwrap_or_else(|_| panic!("{line} {}", String::from_utf8_lossy(&out.stderr)))
        }
    };
    let d = decrypt(sealed.clone()).await;
    assert_eq!(d["ok"], true, "{d}");
    assert_eq!(d["context"]["userpool-id"], f.pool.as_str());
    let code_ = d["code"].as_str().unwrap().to_string();
    assert_eq!(code_.len(), 6);
    assert!(!sealed.contains(&code_));
    f.c.confirm_sign_up().client_id(&f.client).username("jo").confirmation_code(&code_).send().await.unwrap();

    // An invitation by SMS: CustomSMSSender_AdminCreateUser with the temporary password.
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("kit")
        .temporary_password("Temp-Passw0rd!1")
        .user_attributes(attr("phone_number", "+15550000001"))
        .desired_delivery_mediums(DeliveryMediumType::Sms)
        .send()
        .await
        .unwrap();
    let e = f.lambda.events(&arn("smsSender")).pop().unwrap();
    common(&e, &f, "CustomSMSSender_AdminCreateUser", "kit");
    assert_eq!(e["request"]["type"], "customSMSSenderRequestV1");
    let d = decrypt(e["request"]["code"].as_str().unwrap().to_string()).await;
    assert_eq!(d["code"], "Temp-Passw0rd!1");
}

#[tokio::test]
async fn pre_token_generation_on_the_hosted_pages() {
    use crate::hosted::{fx_with, CB, VERIFIER};
    let lambda = LambdaServer::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_LAMBDA_ENDPOINT", &lambda.endpoint)]).await;
    let f = fx_with(s, false, None).await;
    lambda.on(&arn("ptg"), |e| {
        respond(e, json!({ "claimsOverrideDetails": { "claimsToAddOrOverride": { "source": e["triggerSource"] } } }))
    });
    f.c.update_user_pool()
        .user_pool_id(&f.pool)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .lambda_config(LambdaConfigType::builder().pre_token_generation(arn("ptg")).build())
        .send()
        .await
        .unwrap();
    password_user(&f.c, &f.pool, "lee", PASSWORD, &[("email", "lee@example.com"), ("email_verified", "true")]).await;
    let mut b = cognate_testkit::browser::Browser::new(&f.s.endpoint);
    let cb = f.sign_in(&mut b, "lee", PASSWORD).await;
    let code_ = cb.location_param("code").expect("a code");
    let (st, t, _) = f
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code_),
            ("redirect_uri", CB),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(claims(t["id_token"].as_str().unwrap())["source"], "TokenGeneration_HostedAuth");
    let e = lambda.events(&arn("ptg")).pop().unwrap();
    assert_eq!(
        (e["triggerSource"].as_str(), e["userName"].as_str()),
        (Some("TokenGeneration_HostedAuth"), Some("lee"))
    );
    assert_eq!(e["callerContext"]["clientId"], f.client.as_str());
}
