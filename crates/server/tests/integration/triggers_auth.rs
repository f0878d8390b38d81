//! The triggers that change how users sign in: UserMigration (at sign-in and at ForgotPassword)
//! and CUSTOM_AUTH (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse), with
//! and without an SRP step first, through the AWS SDK and amazon-cognito-identity-js.

use crate::common::*;
use crate::triggers::{common, fx, Fx, PASSWORD};
use cognate_testkit::lambda::{arn, respond, Answer};
use idp::types::*;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The old system: one user with one password.
fn legacy(e: &Value) -> Answer {
    let known = e["userName"] == "legacy" || e["userName"] == "legacy2";
    let password_ok =
        e["triggerSource"] == "UserMigration_ForgotPassword" || e["request"]["password"] == "Old-Passw0rd!";
    if !(known && password_ok) {
        return Answer::Error("Bad password".into());
    }
    let email = format!("{}@example.com", e["userName"].as_str().unwrap());
    respond(
        e,
        json!({
            "userAttributes": { "email": email, "email_verified": "true", "name": "Legacy User" },
            "finalUserStatus": "CONFIRMED",
            "messageAction": "SUPPRESS",
        }),
    )
}

#[tokio::test]
async fn user_migration_at_sign_in_and_at_forgot_password() {
    let f = fx(LambdaConfigType::builder().user_migration(arn("migrate")).build(), &[]).await;
    f.lambda.on(&arn("migrate"), legacy);

    // An unknown name with the old system's password: migrated, signed in.
    let t = f.sign_in("legacy", "Old-Passw0rd!").await.unwrap();
    assert!(t.id_token().is_some());
    let e = &f.lambda.events(&arn("migrate"))[0];
    common(e, &f, "UserMigration_Authentication", "legacy");
    assert_eq!(e["request"]["password"], "Old-Passw0rd!");
    assert_eq!(e["request"]["validationData"], json!({ "purpose": "sign-in" }));
    assert_eq!(e["request"]["clientMetadata"], json!({ "purpose": "sign-in" }));
    let u = f.c.admin_get_user().user_pool_id(&f.pool).username("legacy").send().await.unwrap();
    assert_eq!(u.user_status, Some(UserStatusType::Confirmed));
    assert_eq!(value_of(u.user_attributes(), "name"), Some("Legacy User"));
    assert_eq!(value_of(u.user_attributes(), "email_verified"), Some("true"));
    assert!(f.smtp.mails().is_empty(), "SUPPRESS: no welcome message");

    // The next sign-in is Cognate's own: the function is not called again (SRP works too).
    f.sign_in("legacy", "Old-Passw0rd!").await.unwrap();
    assert_eq!(f.lambda.events(&arn("migrate")).len(), 1);
    assert_eq!(
        f.sign_in("legacy", "Wrong-Passw0rd!").await.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );

    // A password the old system refuses, or a name it does not know: an unknown user.
    assert_eq!(
        f.sign_in("legacy2", "Wrong-Passw0rd!").await.unwrap_err(),
        "UserNotFoundException: User does not exist."
    );
    assert_eq!(f.sign_in("nobody", "Old-Passw0rd!").await.unwrap_err(), "UserNotFoundException: User does not exist.");

    // ForgotPassword for a name only the old system knows: migrated as RESET_REQUIRED, a code
    // is sent, and the new password signs in.
    let d = f.c.forgot_password().client_id(&f.client).username("legacy2").send().await.unwrap();
    assert_eq!(d.code_delivery_details.unwrap().destination.as_deref(), Some("l***@e***"));
    let e = f.lambda.events(&arn("migrate")).pop().unwrap();
    common(&e, &f, "UserMigration_ForgotPassword", "legacy2");
    assert!(e["request"].get("password").is_none(), "{e}");
    let u = f.c.admin_get_user().user_pool_id(&f.pool).username("legacy2").send().await.unwrap();
    assert_eq!(u.user_status, Some(UserStatusType::ResetRequired));
    let code_ = f.smtp.wait_for("legacy2@example.com", 1).await.code().unwrap();
    f.c.confirm_forgot_password()
        .client_id(&f.client)
        .username("legacy2")
        .confirmation_code(code_)
        .password(PASSWORD)
        .send()
        .await
        .unwrap();
    f.sign_in("legacy2", PASSWORD).await.unwrap();

    // An answer that breaks the contract.
    f.lambda.on(&arn("migrate"), |e| {
        respond(e, json!({ "userAttributes": { "email": "x@example.com" }, "finalUserStatus": "ENABLED" }))
    });
    assert_eq!(
        f.sign_in("legacy3", "Old-Passw0rd!").await.unwrap_err(),
        "InvalidLambdaResponseException: Unrecognizable lambda output"
    );

    // Without SUPPRESS the migrated user is welcomed.
    f.lambda.on(&arn("migrate"), |e| {
        respond(e, json!({ "userAttributes": { "email": "w@example.com", "email_verified": "true" }, "desiredDeliveryMediums": ["EMAIL"] }))
    });
    f.sign_in("welcomed", "Any-Passw0rd!").await.unwrap();
    let m = f.smtp.wait_for("w@example.com", 1).await;
    assert!(m.data.contains("Your account welcomed is ready."), "{}", m.data);
}

/// A passwordless one-time code: the first challenge asks for it, three wrong answers fail.
pub fn install_otp(f: &Fx) {
    f.lambda.on(&arn("define"), |e| {
        let session = e["request"]["session"].as_array().unwrap().clone();
        let last = session.last();
        let custom: Vec<&Value> = session.iter().filter(|s| s["challengeName"] == "CUSTOM_CHALLENGE").collect();
        let r = match last {
            Some(s) if s["challengeName"] == "SRP_A" => {
                json!({ "challengeName": "PASSWORD_VERIFIER", "issueTokens": false, "failAuthentication": false })
            }
            Some(s) if s["challengeName"] == "CUSTOM_CHALLENGE" && s["challengeResult"] == true => {
                json!({ "issueTokens": true, "failAuthentication": false })
            }
            _ if custom.len() >= 3 => json!({ "issueTokens": false, "failAuthentication": true }),
            _ => json!({ "challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false }),
        };
        respond(e, r)
    });
    f.lambda.on(&arn("create"), |e| {
        let round = e["request"]["session"].as_array().unwrap().len();
        respond(
            e,
            json!({
                "publicChallengeParameters": { "hint": "the code from your email", "round": round },
                "privateChallengeParameters": { "answer": "4242" },
                "challengeMetadata": format!("CODE-{round}"),
            }),
        )
    });
    f.lambda.on(&arn("verify"), |e| {
        let ok = e["request"]["challengeAnswer"] == e["request"]["privateChallengeParameters"]["answer"];
        respond(e, json!({ "answerCorrect": ok }))
    });
}

pub fn custom_config() -> LambdaConfigType {
    LambdaConfigType::builder()
        .define_auth_challenge(arn("define"))
        .create_auth_challenge(arn("create"))
        .verify_auth_challenge_response(arn("verify"))
        .build()
}

impl Fx {
    async fn answer(
        &self,
        session: &str,
        answer: &str,
    ) -> Result<idp::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput, String> {
        self.c
            .respond_to_auth_challenge()
            .client_id(&self.client)
            .challenge_name(ChallengeNameType::CustomChallenge)
            .session(session)
            .challenge_responses("USERNAME", "kim")
            .challenge_responses("ANSWER", answer)
            .client_metadata("step", "answer")
            .send()
            .await
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }
}

#[tokio::test]
async fn custom_auth_passwordless_through_the_sdk() {
    let f = fx(custom_config(), &[]).await;
    install_otp(&f);
    password_user(&f.c, &f.pool, "kim", PASSWORD, &[("email", "kim@example.com")]).await;
    let start =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "kim")
            .client_metadata("app", "sdk")
            .send()
            .await
            .unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::CustomChallenge));
    let p = start.challenge_parameters.unwrap();
    assert_eq!(
        (p["USERNAME"].as_str(), p["hint"].as_str(), p["round"].as_str()),
        ("kim", "the code from your email", "0")
    );
    let define = &f.lambda.events(&arn("define"))[0];
    common(define, &f, "DefineAuthChallenge_Authentication", "kim");
    assert_eq!(define["request"]["session"], json!([]));
    assert_eq!(define["request"]["clientMetadata"], json!({ "app": "sdk" }));
    assert_eq!(define["request"]["userAttributes"]["email"], "kim@example.com");
    let create = &f.lambda.events(&arn("create"))[0];
    common(create, &f, "CreateAuthChallenge_Authentication", "kim");
    assert_eq!(create["request"]["challengeName"], "CUSTOM_CHALLENGE");

    // A wrong answer: Define sees it and asks again.
    let s1 = start.session.unwrap();
    let again = f.answer(&s1, "0000").await.unwrap();
    assert_eq!(again.challenge_name, Some(ChallengeNameType::CustomChallenge));
    let verify = &f.lambda.events(&arn("verify"))[0];
    common(verify, &f, "VerifyAuthChallengeResponse_Authentication", "kim");
    assert_eq!(verify["request"]["challengeAnswer"], "0000");
    assert_eq!(verify["request"]["privateChallengeParameters"], json!({ "answer": "4242" }));
    assert_eq!(verify["request"]["clientMetadata"], json!({ "step": "answer" }));
    let define = f.lambda.events(&arn("define")).pop().unwrap();
    assert_eq!(
        define["request"]["session"],
        json!([{ "challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "CODE-0" }])
    );
    // A session is answered once.
    assert_eq!(
        f.answer(&s1, "4242").await.unwrap_err(),
        "NotAuthorizedException: Invalid session for the user, session is expired."
    );
    // The right answer: tokens.
    let done = f.answer(again.session.as_deref().unwrap(), "4242").await.unwrap();
    let t = done.authentication_result.unwrap();
    f.c.get_user().access_token(t.access_token().unwrap()).send().await.unwrap();

    // Three wrong answers: failAuthentication.
    let mut session =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "kim")
            .send()
            .await
            .unwrap()
            .session
            .unwrap();
    for round in 0..3 {
        match f.answer(&session, "9999").await {
            Ok(o) => session = o.session.unwrap(),
            Err(e) => {
                assert_eq!(round, 2);
                assert_eq!(e, "NotAuthorizedException: Incorrect username or password.");
            }
        }
    }

    // A pool without the functions refuses the flow.
    f.c.update_user_pool().user_pool_id(&f.pool).send().await.unwrap();
    let e =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "kim")
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn custom_auth_after_an_srp_step() {
    use cognate_testkit::srp_client;
    let f = fx(custom_config(), &[]).await;
    install_otp(&f);
    password_user(&f.c, &f.pool, "kim", PASSWORD, &[]).await;
    let a = srp_client::h("1234567890abcdef1234567890abcdef");
    let n = num_bigint::BigUint::parse_bytes(srp_client::N.as_bytes(), 16).unwrap();
    let big_a = num_bigint::BigUint::from(2u32).modpow(&a, &n);
    let start =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "kim")
            .auth_parameters("SRP_A", big_a.to_str_radix(16))
            .auth_parameters("CHALLENGE_NAME", "SRP_A")
            .send()
            .await
            .unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::PasswordVerifier));
    assert_eq!(
        f.lambda.events(&arn("define"))[0]["request"]["session"],
        json!([{ "challengeName": "SRP_A", "challengeResult": true }])
    );
    let params: HashMap<String, String> = start.challenge_parameters.unwrap().into_iter().collect();
    let ts = srp_client::now_timestamp();
    let sig = srp_client::answer(&f.pool, &params, &a, PASSWORD, &ts);
    let next =
        f.c.respond_to_auth_challenge()
            .client_id(&f.client)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .challenge_responses("USERNAME", "kim")
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &params["SECRET_BLOCK"])
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", sig)
            .challenge_responses("TIMESTAMP", ts)
            .send()
            .await
            .unwrap();
    assert_eq!(next.challenge_name, Some(ChallengeNameType::CustomChallenge));
    assert_eq!(
        f.lambda.events(&arn("define"))[1]["request"]["session"],
        json!([{ "challengeName": "SRP_A", "challengeResult": true }, { "challengeName": "PASSWORD_VERIFIER", "challengeResult": true }])
    );
    let done = f.answer(next.session.as_deref().unwrap(), "4242").await.unwrap();
    assert!(done.authentication_result.is_some());
}

#[tokio::test]
async fn custom_auth_through_amazon_cognito_identity_js() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install amazon-cognito-identity-js");
        return;
    };
    let f = fx(custom_config(), &[]).await;
    install_otp(&f);
    password_user(&f.c, &f.pool, "kim", PASSWORD, &[]).await;
    let script = std::path::PathBuf::from(&dir).join("custom-auth.js");
    let run = |answers: &str| {
        let (script, endpoint, pool, client) = (script.clone(), f.s.endpoint.clone(), f.pool.clone(), f.client.clone());
        let answers = answers.to_string();
        async move {
            let out = tokio::process::Command::new("node")
                .args([script.to_str().unwrap(), &endpoint, &pool, &client, "kim", &answers])
                .output()
                .await
                .unwrap();
            let line = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").to_string();
            serde_json::from_str::<Value>(&line)
                .unwrap_or_else(|_| panic!("{line} {}", String::from_utf8_lossy(&out.stderr)))
        }
    };
    let ok = run("1111,4242").await;
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["username"], "kim");
    assert_eq!(ok["challenges"], 2);
    assert_eq!(ok["hint"], "the code from your email");
    let js = f.lambda.events(&arn("define"))[0]["request"]["clientMetadata"].clone();
    assert_eq!(js, json!({ "app": "js" }));
    let bad = run("1,2,3").await;
    assert_eq!(
        (bad["code"].as_str(), bad["message"].as_str()),
        (Some("NotAuthorizedException"), Some("Incorrect username or password."))
    );
}

/// Threat protection covers custom authentication only with the pool's `CustomAuthMode`
/// (`UserPoolAddOns.AdvancedSecurityAdditionalFlows`), as on Cognito.
#[tokio::test]
async fn custom_auth_is_assessed_with_custom_auth_mode() {
    let f = fx(custom_config(), &[("COGNATE_TRUSTED_PROXIES", "127.0.0.1/32,::1/128")]).await;
    install_otp(&f);
    password_user(&f.c, &f.pool, "kim", PASSWORD, &[]).await;
    let add_ons = |custom: Option<AdvancedSecurityEnabledModeType>| {
        UserPoolAddOnsType::builder()
            .advanced_security_mode(AdvancedSecurityModeType::Enforced)
            .set_advanced_security_additional_flows(
                custom.map(|m| AdvancedSecurityAdditionalFlowsType::builder().custom_auth_mode(m).build()),
            )
            .build()
            .unwrap()
    };
    let update = |custom| {
        f.c.update_user_pool()
            .user_pool_id(&f.pool)
            .user_pool_tier(UserPoolTierType::Plus)
            .lambda_config(custom_config())
            .user_pool_add_ons(add_ons(custom))
            .send()
    };
    update(Some(AdvancedSecurityEnabledModeType::Enforced)).await.unwrap();
    let d = f.c.describe_user_pool().user_pool_id(&f.pool).send().await.unwrap().user_pool.unwrap();
    let flows = d.user_pool_add_ons.unwrap().advanced_security_additional_flows.unwrap();
    assert_eq!(flows.custom_auth_mode, Some(AdvancedSecurityEnabledModeType::Enforced));
    f.c.set_risk_configuration()
        .user_pool_id(&f.pool)
        .risk_exception_configuration(
            RiskExceptionConfigurationType::builder().blocked_ip_range_list("203.0.113.0/24").build(),
        )
        .send()
        .await
        .unwrap();
    let f = &f;
    let sign_in = |ip: &'static str| async move {
        let start =
            f.c.initiate_auth()
                .client_id(&f.client)
                .auth_flow(AuthFlowType::CustomAuth)
                .auth_parameters("USERNAME", "kim")
                .customize()
                .mutate_request(move |r| {
                    r.headers_mut().insert("x-forwarded-for", ip.to_string());
                })
                .send()
                .await
                .unwrap();
        f.c.respond_to_auth_challenge()
            .client_id(&f.client)
            .challenge_name(ChallengeNameType::CustomChallenge)
            .session(start.session.unwrap())
            .challenge_responses("USERNAME", "kim")
            .challenge_responses("ANSWER", "4242")
            .customize()
            .mutate_request(move |r| {
                r.headers_mut().insert("x-forwarded-for", ip.to_string());
            })
            .send()
            .await
            .map_err(|e| message(&e))
    };
    // ENFORCED for custom flows: a right answer from a blocked range is refused.
    let e = sign_in("203.0.113.5").await.unwrap_err();
    assert!(e.contains("security reasons"), "{e}");
    assert!(sign_in("192.0.2.5").await.unwrap().authentication_result.is_some());
    let events = f.c.admin_list_user_auth_events().user_pool_id(&f.pool).username("kim").send().await.unwrap();
    assert_eq!(events.auth_events().len(), 2, "both custom sign-ins recorded");
    // Without CustomAuthMode, custom flows are not assessed (nor recorded).
    update(None).await.unwrap();
    let d = f.c.describe_user_pool().user_pool_id(&f.pool).send().await.unwrap().user_pool.unwrap();
    assert!(d.user_pool_add_ons.unwrap().advanced_security_additional_flows.is_none());
    let r = sign_in("203.0.113.5").await;
    let events = f.c.admin_list_user_auth_events().user_pool_id(&f.pool).username("kim").send().await.unwrap();
    assert!(r.is_ok(), "{r:?} {events:?}");
    let events = f.c.admin_list_user_auth_events().user_pool_id(&f.pool).username("kim").send().await.unwrap();
    assert_eq!(events.auth_events().len(), 2);
}
