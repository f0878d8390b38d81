//! Threat protection through the SDK: the feature plan gate and the risk configuration,
//! compromised passwords on every path (the built-in list and an operator's list of SHA-1
//! hashes), and adaptive authentication: each risk signal provoked from an address given by
//! `X-Forwarded-For` through a trusted proxy, the action of its level, notification emails and
//! their feedback links, feedback changing the next decision, AUDIT against ENFORCED, and the
//! events listed with their reasons.

use crate::common::*;
use cognate_testkit::SmtpSink;
use idp::types::*;
use sha1::{Digest, Sha1};

const GOOD: &str = "Zebra-Quilt-Forge-81";
/// Common: `password` with decorations.
const COMMON: &str = "Password123!";
/// On the operator's list only.
const LISTED: &str = "Tr0ub4dor&3-listed!";

fn mode(m: AdvancedSecurityModeType) -> UserPoolAddOnsType {
    UserPoolAddOnsType::builder().advanced_security_mode(m).build().unwrap()
}

/// A Plus pool in `m` with email MFA offered (optional), and a password client.
async fn plus_pool(c: &idp::Client, m: AdvancedSecurityModeType) -> (String, String) {
    let pool = c
        .create_user_pool()
        .pool_name(unique("threat"))
        .user_pool_tier(UserPoolTierType::Plus)
        .user_pool_add_ons(mode(m))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let email = EmailMfaConfigType::builder().message("Code {####}").subject("Sign-in code").build();
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .email_mfa_configuration(email)
        .send()
        .await
        .unwrap();
    let client = app_client(c, &pool).await;
    (pool, client)
}

fn block_compromised(filter: &[EventFilterType]) -> CompromisedCredentialsRiskConfigurationType {
    let actions = CompromisedCredentialsActionsType::builder()
        .event_action(CompromisedCredentialsEventActionType::Block)
        .build()
        .unwrap();
    CompromisedCredentialsRiskConfigurationType::builder()
        .actions(actions)
        .set_event_filter((!filter.is_empty()).then(|| filter.to_vec()))
        .build()
}

#[tokio::test]
async fn the_feature_plan_gate_and_the_risk_configuration() {
    let s = server().await;
    let c = s.client();
    // Threat protection needs the Plus plan, as in Cognito.
    let e = c
        .create_user_pool()
        .pool_name(unique("essentials"))
        .user_pool_add_ons(mode(AdvancedSecurityModeType::Enforced))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "FeatureUnavailableInTierException", "{}", message(&e));
    let off = pool(&c).await;
    let e = c.describe_risk_configuration().user_pool_id(&off).send().await.unwrap_err();
    assert_eq!(code(&e), "UserPoolAddOnNotEnabledException");
    password_user(&c, &off, "olly", GOOD, &[]).await;
    let e = c.admin_list_user_auth_events().user_pool_id(&off).username("olly").send().await.unwrap_err();
    assert_eq!(code(&e), "UserPoolAddOnNotEnabledException");

    let (pool, client) = plus_pool(&c, AdvancedSecurityModeType::Enforced).await;
    let described = c.describe_risk_configuration().user_pool_id(&pool).send().await.unwrap();
    let r = described.risk_configuration.unwrap();
    assert_eq!(r.user_pool_id(), Some(pool.as_str()));
    assert!(r.compromised_credentials_risk_configuration.is_none());
    let bad = RiskExceptionConfigurationType::builder().blocked_ip_range_list("10.0.0.0/99").build();
    let e = c.set_risk_configuration().user_pool_id(&pool).risk_exception_configuration(bad).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let notify_high = AccountTakeoverActionsType::builder()
        .high_action(
            AccountTakeoverActionType::builder()
                .event_action(AccountTakeoverEventActionType::Block)
                .notify(true)
                .build()
                .unwrap(),
        )
        .build();
    let takeover = AccountTakeoverRiskConfigurationType::builder().actions(notify_high.clone()).build();
    let e = c.set_risk_configuration().user_pool_id(&pool).account_takeover_risk_configuration(takeover).send().await;
    assert_eq!(code(&e.unwrap_err()), "InvalidParameterException", "notifying needs a NotifyConfiguration");

    let blocked = RiskExceptionConfigurationType::builder().blocked_ip_range_list("203.0.113.0/24").build();
    let set = c
        .set_risk_configuration()
        .user_pool_id(&pool)
        .compromised_credentials_risk_configuration(block_compromised(&[EventFilterType::SignUp]))
        .risk_exception_configuration(blocked)
        .send()
        .await
        .unwrap()
        .risk_configuration
        .unwrap();
    assert!(set.last_modified_date.is_some());
    // A client's own configuration replaces the pool's for it.
    c.set_risk_configuration()
        .user_pool_id(&pool)
        .client_id(&client)
        .compromised_credentials_risk_configuration(block_compromised(&[]))
        .send()
        .await
        .unwrap();
    let of_client =
        c.describe_risk_configuration().user_pool_id(&pool).client_id(&client).send().await.unwrap().risk_configuration;
    let of_client = of_client.unwrap();
    assert_eq!(of_client.client_id(), Some(client.as_str()));
    assert!(of_client.compromised_credentials_risk_configuration.unwrap().event_filter.is_none());
    // UpdateUserPool keeps the pool's.
    c.update_user_pool()
        .user_pool_id(&pool)
        .user_pool_tier(UserPoolTierType::Plus)
        .user_pool_add_ons(mode(AdvancedSecurityModeType::Audit))
        .send()
        .await
        .unwrap();
    let kept = c.describe_risk_configuration().user_pool_id(&pool).send().await.unwrap().risk_configuration.unwrap();
    assert_eq!(kept.risk_exception_configuration.unwrap().blocked_ip_range_list(), ["203.0.113.0/24"]);
    let f = kept.compromised_credentials_risk_configuration.unwrap();
    assert_eq!(f.event_filter(), [EventFilterType::SignUp]);
}

#[tokio::test]
async fn compromised_passwords_are_refused_on_every_path_and_accepted_with_the_feature_off() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("pwned.txt");
    let sha = hex::encode_upper(Sha1::digest(LISTED.as_bytes()));
    std::fs::write(&list, format!("0000000000000000000000000000000000000001:3\n{sha}:42\n")).unwrap();
    let smtp = SmtpSink::start().await;
    let s = TestServer::start_with(
        BIN,
        &[
            ("COGNATE_BREACHED_PASSWORDS_FILE", list.to_str().unwrap()),
            ("COGNATE_SMTP_URL", &smtp.url),
            ("COGNATE_EMAIL_FROM", "a@example.com"),
        ],
    )
    .await;
    let c = s.client();
    let (pool, client) = plus_pool(&c, AdvancedSecurityModeType::Enforced).await;
    // Before a configuration blocks them, compromised passwords are let through (and noted).
    password_user(&c, &pool, "early", COMMON, &[("email", "early@example.com"), ("email_verified", "true")]).await;
    c.set_risk_configuration()
        .user_pool_id(&pool)
        .compromised_credentials_risk_configuration(block_compromised(&[]))
        .send()
        .await
        .unwrap();
    let refused = |e: &str, m: &str, what: &str| {
        assert_eq!(e, "InvalidPasswordException", "{what}: {m}");
        assert!(m.contains("security reasons"), "{what}: {m}");
    };
    for p in [COMMON, LISTED] {
        let e = c.sign_up().client_id(&client).username("sam").password(p).send().await.unwrap_err();
        refused(&code(&e), &message(&e), "SignUp");
        let e = c.admin_create_user().user_pool_id(&pool).username("tim").temporary_password(p).send().await;
        let e = e.unwrap_err();
        refused(&code(&e), &message(&e), "AdminCreateUser");
        let e = c.admin_set_user_password().user_pool_id(&pool).username("early").password(p).permanent(true);
        let e = e.send().await.unwrap_err();
        refused(&code(&e), &message(&e), "AdminSetUserPassword");
    }
    c.sign_up().client_id(&client).username("sam").password(GOOD).send().await.unwrap();

    // A sign-in with a compromised password: the user must reset it.
    let e = sign_in_from(&c, &client, "early", COMMON, "127.0.0.1").await.unwrap_err();
    assert!(e.starts_with("PasswordResetRequiredException:"), "{e}");
    let early = c.admin_get_user().user_pool_id(&pool).username("early").send().await.unwrap();
    assert_eq!(early.user_status, Some(UserStatusType::ResetRequired));
    // The reset refuses another compromised password, then takes a good one.
    c.forgot_password().client_id(&client).username("early").send().await.unwrap();
    let code_sent = smtp.wait_for("early@example.com", 1).await.code().unwrap();
    let e = c
        .confirm_forgot_password()
        .client_id(&client)
        .username("early")
        .confirmation_code(&code_sent)
        .password(LISTED)
        .send()
        .await
        .unwrap_err();
    refused(&code(&e), &message(&e), "ConfirmForgotPassword");
    c.confirm_forgot_password()
        .client_id(&client)
        .username("early")
        .confirmation_code(&code_sent)
        .password(GOOD)
        .send()
        .await
        .unwrap();
    let access = sign_in_from(&c, &client, "early", GOOD, "127.0.0.1")
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .access_token
        .unwrap();
    let e = c.change_password().access_token(&access).previous_password(GOOD).proposed_password(COMMON).send().await;
    let e = e.unwrap_err();
    refused(&code(&e), &message(&e), "ChangePassword");

    // The events say what was found.
    let events = c.admin_list_user_auth_events().user_pool_id(&pool).username("early").send().await.unwrap();
    let events = events.auth_events();
    let blocked = events.iter().find(|e| e.event_response == Some(EventResponseType::Fail)).unwrap();
    let risk = blocked.event_risk.as_ref().unwrap();
    assert_eq!(
        (risk.compromised_credentials_detected, risk.risk_decision.as_ref()),
        (Some(true), Some(&RiskDecisionType::Block))
    );
    assert!(events.iter().any(|e| e.event_type == Some(EventType::ForgotPassword)));

    // With only SIGN_UP filtered, a change takes it (and the event notes it); in AUDIT, all do.
    c.set_risk_configuration()
        .user_pool_id(&pool)
        .compromised_credentials_risk_configuration(block_compromised(&[EventFilterType::SignUp]))
        .send()
        .await
        .unwrap();
    c.change_password().access_token(&access).previous_password(GOOD).proposed_password(COMMON).send().await.unwrap();
    let events = c.admin_list_user_auth_events().user_pool_id(&pool).username("early").max_results(1).send().await;
    let newest = events.unwrap().auth_events()[0].clone();
    assert_eq!(newest.event_type, Some(EventType::PasswordChange));
    assert_eq!(newest.event_risk.unwrap().compromised_credentials_detected, Some(true));
    let (audit, audit_client) = plus_pool(&c, AdvancedSecurityModeType::Audit).await;
    c.set_risk_configuration()
        .user_pool_id(&audit)
        .compromised_credentials_risk_configuration(block_compromised(&[]))
        .send()
        .await
        .unwrap();
    c.sign_up().client_id(&audit_client).username("ann").password(LISTED).send().await.unwrap();
    // And with the feature off, nothing is checked.
    let plain = crate::common::pool(&c).await;
    let plain_client = app_client(&c, &plain).await;
    c.sign_up().client_id(&plain_client).username("pat").password(COMMON).send().await.unwrap();
}

/// A password sign-in of `user` from `ip` (the proxy's `X-Forwarded-For`; on a server that
/// trusts no proxy, the socket's address counts).
async fn sign_in_from(
    c: &idp::Client,
    client: &str,
    user: &str,
    password: &str,
    ip: &str,
) -> Result<idp::operation::initiate_auth::InitiateAuthOutput, String> {
    let ip = ip.to_string();
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", password)
        .customize()
        .mutate_request(move |r| {
            r.headers_mut().insert("x-forwarded-for", ip.clone());
        })
        .send()
        .await
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

fn act(a: AccountTakeoverEventActionType, notify: bool) -> AccountTakeoverActionType {
    AccountTakeoverActionType::builder().event_action(a).notify(notify).build().unwrap()
}

/// Low: nothing; Medium: MFA if the user has a way to get a code; High: blocked. The user is
/// told of Medium and High.
fn takeover() -> AccountTakeoverRiskConfigurationType {
    use AccountTakeoverEventActionType as A;
    let actions = AccountTakeoverActionsType::builder()
        .low_action(act(A::NoAction, false))
        .medium_action(act(A::MfaIfConfigured, true))
        .high_action(act(A::Block, true))
        .build();
    let notify = NotifyConfigurationType::builder()
        .source_arn("arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com")
        .build()
        .unwrap();
    AccountTakeoverRiskConfigurationType::builder().actions(actions).notify_configuration(notify).build()
}

/// The listed events of `user` as raw JSON (to see Cognate's reasons beside the model's members).
async fn raw_events(s: &TestServer, pool: &str, user: &str) -> Vec<serde_json::Value> {
    let body = serde_json::json!({"UserPoolId": pool, "Username": user});
    let r = s.raw("AdminListUserAuthEvents", body.to_string().as_bytes(), cognate_testkit::Signing::Valid).await;
    r.json["AuthEvents"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn risky_sign_ins_get_the_action_of_their_level_and_feedback_changes_the_next() {
    let smtp = SmtpSink::start().await;
    let s = TestServer::start_with(
        BIN,
        &[
            ("COGNATE_TRUSTED_PROXIES", "127.0.0.1/32,::1/128"),
            ("COGNATE_SMTP_URL", &smtp.url),
            ("COGNATE_EMAIL_FROM", "a@example.com"),
        ],
    )
    .await;
    let c = s.client();
    let (pool, client) = plus_pool(&c, AdvancedSecurityModeType::Enforced).await;
    let exceptions = RiskExceptionConfigurationType::builder()
        .blocked_ip_range_list("203.0.113.0/24")
        .skipped_ip_range_list("10.9.0.0/16")
        .build();
    c.set_risk_configuration()
        .user_pool_id(&pool)
        .account_takeover_risk_configuration(takeover())
        .risk_exception_configuration(exceptions)
        .send()
        .await
        .unwrap();
    let rita = "rita@example.com";
    password_user(&c, &pool, "rita", GOOD, &[("email", rita), ("email_verified", "true")]).await;
    for u in ["u1", "u2", "u3", "u4", "u5"] {
        password_user(&c, &pool, u, GOOD, &[]).await;
    }

    // Her first sign-in, then one from the same network: low risk, tokens.
    for ip in ["192.0.2.10", "192.0.2.20"] {
        let r = sign_in_from(&c, &client, "rita", GOOD, ip).await.unwrap();
        assert!(r.authentication_result.is_some(), "from {ip}");
    }
    // A new network: medium, so MFA (a code to her email), and she is told.
    let r = sign_in_from(&c, &client, "rita", GOOD, "198.51.100.7").await.unwrap();
    assert_eq!(r.challenge_name, Some(ChallengeNameType::EmailOtp));
    let mails = || smtp.mails().into_iter().filter(|m| m.to.iter().any(|t| t == rita)).collect::<Vec<_>>();
    let code_mail = mails().into_iter().find(|m| !m.data.contains("auth-event-feedback")).unwrap();
    let notice = smtp.wait_for(rita, 2).await;
    assert!(notice.data.contains("198.51.100.7") && notice.data.contains("auth-event-feedback"), "{}", notice.data);
    let tokens = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::EmailOtp)
        .session(r.session.unwrap())
        .challenge_responses("USERNAME", "rita")
        .challenge_responses("EMAIL_OTP_CODE", code_mail.code().unwrap())
        .send()
        .await
        .unwrap();
    assert!(tokens.authentication_result.is_some());
    let listed = raw_events(&s, &pool, "rita").await;
    let medium = &listed[0];
    assert_eq!(medium["EventResponse"], "Pass", "{medium}");
    assert_eq!(medium["EventRisk"]["RiskLevel"], "Medium");
    assert_eq!(medium["EventRisk"]["RiskDecision"], "AccountTakeover");
    assert_eq!(medium["CognateRiskReasons"], serde_json::json!(["new-network"]));
    assert_eq!(medium["EventContextData"]["IpAddress"], "198.51.100.7");
    assert_eq!(medium["ChallengeResponses"][1]["ChallengeName"], "Mfa");

    // She says it was her (with the link's token): that network is hers from now on.
    let link = quoted_printable(&notice.data);
    let token = link.split("token=").nth(1).unwrap().split(|ch: char| ch.is_whitespace()).next().unwrap();
    let event_id = medium["EventId"].as_str().unwrap();
    let bad = c
        .update_auth_event_feedback()
        .user_pool_id(&pool)
        .username("rita")
        .event_id(event_id)
        .feedback_token("forged")
        .feedback_value(FeedbackValueType::Valid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "NotAuthorizedException");
    let _ = token;
    // The email's "yes" link: a page that asks (a GET records nothing), and its button.
    let yes = link.split("Yes: ").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let http = cognate_testkit::http_client();
    let asked = http.get(&yes).send().await.unwrap();
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    assert!(page.contains("Yes, it was me") && page.contains("method=\"post\""), "{page}");
    let still = raw_events(&s, &pool, "rita").await;
    assert!(still[0].get("EventFeedback").is_none(), "a GET answers nothing");
    let answered = http.post(&yes).send().await.unwrap();
    assert_eq!(answered.status(), 200);
    assert!(answered.text().await.unwrap().contains("noted as yours"));
    let marked = raw_events(&s, &pool, "rita").await;
    assert_eq!(marked[0]["EventFeedback"]["FeedbackValue"], "Valid", "{}", marked[0]);
    assert_eq!(marked[0]["EventFeedback"]["Provider"], "User");
    let forged = http.post(yes.replace("token=", "token=x")).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    let r = sign_in_from(&c, &client, "rita", GOOD, "198.51.100.99").await.unwrap();
    assert!(r.authentication_result.is_some(), "a network she confirmed is hers");

    // A network an admin disowns for her: high, blocked.
    let r = sign_in_from(&c, &client, "rita", GOOD, "100.64.1.1").await.unwrap();
    assert_eq!(r.challenge_name, Some(ChallengeNameType::EmailOtp), "a new network again");
    let odd = raw_events(&s, &pool, "rita").await[0]["EventId"].as_str().unwrap().to_string();
    c.admin_update_auth_event_feedback()
        .user_pool_id(&pool)
        .username("rita")
        .event_id(&odd)
        .feedback_value(FeedbackValueType::Invalid)
        .send()
        .await
        .unwrap();
    let e = sign_in_from(&c, &client, "rita", GOOD, "100.64.1.2").await.unwrap_err();
    assert!(e.starts_with("NotAuthorizedException") && e.contains("security reasons"), "{e}");
    assert_eq!(raw_events(&s, &pool, "rita").await[0]["CognateRiskReasons"][0], "marked-network");

    // The blocked ranges are blocked; the skipped ranges are not assessed.
    let e = sign_in_from(&c, &client, "rita", GOOD, "203.0.113.5").await.unwrap_err();
    assert!(e.contains("security reasons"), "{e}");
    let r = sign_in_from(&c, &client, "rita", GOOD, "10.9.1.1").await.unwrap();
    assert!(r.authentication_result.is_some());
    assert_eq!(raw_events(&s, &pool, "rita").await[0]["CognateRiskReasons"][0], "skipped-ip-range");

    // A server-side app's AdminInitiateAuth is judged by its user's address (ContextData).
    let server_app = client_with(&c, &pool, "server", &[ExplicitAuthFlowsType::AllowAdminUserPasswordAuth]).await;
    let context = |ip: &str| {
        ContextDataType::builder()
            .ip_address(ip)
            .server_name("app.example.com")
            .server_path("/login")
            .http_headers(HttpHeader::builder().header_name("User-Agent").header_value("Mozilla/5.0 (rita)").build())
            .build()
            .unwrap()
    };
    let admin_sign_in = |ip: &str| {
        c.admin_initiate_auth()
            .user_pool_id(&pool)
            .client_id(&server_app)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", "rita")
            .auth_parameters("PASSWORD", GOOD)
            .context_data(context(ip))
            .send()
    };
    let e = admin_sign_in("203.0.113.77").await.unwrap_err();
    assert!(message(&e).contains("security reasons"), "{}", message(&e));
    let r = admin_sign_in("10.9.3.3").await.unwrap();
    assert!(r.authentication_result.is_some());
    let newest = &raw_events(&s, &pool, "rita").await[0];
    assert_eq!(newest["EventContextData"]["IpAddress"], "10.9.3.3");
    assert_eq!(newest["EventContextData"]["DeviceName"], "Mozilla/5.0 (rita)");

    // A server-side app's InitiateAuth through a confidential client that propagates user
    // context data: UserContextData names its user's address. From a public client it does not.
    let confidential = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("propagating")
        .generate_secret(true)
        .enable_propagate_additional_user_context_data(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (cid, secret) = (confidential.client_id.unwrap(), confidential.client_secret.unwrap());
    assert_eq!(confidential.enable_propagate_additional_user_context_data, Some(true));
    let claimed_sign_in = |client: &str, hash: Option<String>, claimed: &str| {
        let data = UserContextDataType::builder().ip_address(claimed).encoded_data("opaque").build();
        c.initiate_auth()
            .client_id(client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .set_auth_parameters(Some(
                [("USERNAME", "rita"), ("PASSWORD", GOOD)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .chain(hash.map(|h| ("SECRET_HASH".to_string(), h)))
                    .collect(),
            ))
            .user_context_data(data)
            .customize()
            .mutate_request(|r| {
                r.headers_mut().insert("x-forwarded-for", "10.9.4.4".to_string());
            })
            .send()
    };
    let hash = Some(crate::client_secrets::secret_hash(&secret, "rita", &cid));
    let e = claimed_sign_in(&cid, hash.clone(), "203.0.113.78").await.unwrap_err();
    assert!(message(&e).contains("security reasons"), "{}", message(&e));
    assert_eq!(raw_events(&s, &pool, "rita").await[0]["EventContextData"]["IpAddress"], "203.0.113.78");
    // Without the secret's proof nothing is believed (nor signed in).
    let e = claimed_sign_in(&cid, None, "10.9.3.3").await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    // The public client's claim is ignored: its request's own address (skipped range) counts.
    let r = claimed_sign_in(&client, None, "203.0.113.78").await.unwrap();
    assert!(r.authentication_result.is_some());
    let newest = &raw_events(&s, &pool, "rita").await[0];
    assert_eq!(newest["EventContextData"]["IpAddress"], "10.9.4.4");
    assert_eq!(newest["CognateRiskReasons"][0], "skipped-ip-range");

    // One address failing for many users (credential stuffing): high for anyone from there.
    for u in ["u1", "u2", "u3", "u4", "u5"] {
        assert!(sign_in_from(&c, &client, u, "wrong-Passw0rd!", "198.18.0.1").await.is_err());
    }
    let e = sign_in_from(&c, &client, "rita", GOOD, "198.18.0.1").await.unwrap_err();
    assert!(e.contains("security reasons"), "{e}");
    let newest = &raw_events(&s, &pool, "rita").await[0];
    let reasons = newest["CognateRiskReasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r.as_str().unwrap().starts_with("credential-stuffing")), "{newest}");
    assert_eq!(newest["EventRisk"]["RiskLevel"], "High");
    assert_eq!(newest["EventResponse"], "Fail");

    // The same in AUDIT: recorded, not acted on.
    c.update_user_pool()
        .user_pool_id(&pool)
        .user_pool_tier(UserPoolTierType::Plus)
        .user_pool_add_ons(mode(AdvancedSecurityModeType::Audit))
        .send()
        .await
        .unwrap();
    let r = sign_in_from(&c, &client, "rita", GOOD, "198.18.0.1").await.unwrap();
    assert!(r.authentication_result.is_some());
    assert_eq!(raw_events(&s, &pool, "rita").await[0]["EventRisk"]["RiskLevel"], "High");

    // Listed newest first, in pages.
    let first = c.admin_list_user_auth_events().user_pool_id(&pool).username("rita").max_results(3).send().await;
    let first = first.unwrap();
    assert_eq!(first.auth_events().len(), 3);
    let next = c
        .admin_list_user_auth_events()
        .user_pool_id(&pool)
        .username("rita")
        .max_results(3)
        .next_token(first.next_token.clone().unwrap())
        .send()
        .await
        .unwrap();
    let dates = |v: &[AuthEventType]| v.iter().map(|e| e.creation_date.unwrap().secs()).collect::<Vec<_>>();
    assert!(dates(first.auth_events()).last() >= dates(next.auth_events()).first());
    assert_ne!(first.auth_events()[0].event_id, next.auth_events()[0].event_id);
}

/// A quoted-printable body decoded (soft line breaks and `=XX`).
fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())) {
            (b'=', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_flood_from_one_address_leaves_the_others_served() {
    let s = TestServer::start_with(
        BIN,
        &[
            ("COGNATE_TRUSTED_PROXIES", "127.0.0.1/32,::1/128"),
            ("COGNATE_PUBLIC_RATE_PER_IP", "5"),
            ("COGNATE_PUBLIC_BURST_PER_IP", "10"),
        ],
    )
    .await;
    let c = s.client();
    let pool = crate::common::pool(&c).await;
    let client = app_client(&c, &pool).await;
    password_user(&c, &pool, "target", GOOD, &[]).await;
    password_user(&c, &pool, "calm", GOOD, &[]).await;
    // One address hammers a user with wrong passwords from four connections for three seconds.
    let stop = std::time::Instant::now() + std::time::Duration::from_secs(3);
    let mut flood = vec![];
    for _ in 0..4 {
        let (c, client) = (c.clone(), client.clone());
        flood.push(tokio::spawn(async move {
            let (mut throttled, mut other) = (0u32, 0u32);
            while std::time::Instant::now() < stop {
                match sign_in_from(&c, &client, "target", "Wrong-Passw0rd!", "198.51.100.1").await {
                    Err(e) if e.starts_with("TooManyRequestsException") => throttled += 1,
                    _ => other += 1,
                }
            }
            (throttled, other)
        }));
    }
    // Meanwhile twenty other addresses sign in once each.
    let mut took = vec![];
    for i in 1..=20 {
        let started = std::time::Instant::now();
        let r = sign_in_from(&c, &client, "calm", GOOD, &format!("192.0.2.{i}")).await;
        took.push(started.elapsed());
        assert!(r.unwrap().authentication_result.is_some());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (mut throttled, mut served) = (0, 0);
    for f in flood {
        let (t, o) = f.await.unwrap();
        throttled += t;
        served += o;
    }
    took.sort();
    let p99 = took[took.len() * 99 / 100 - 1];
    println!(
        "flood: {served} answered, {throttled} throttled; the other addresses' sign-ins: p50 {:?}, p99 {p99:?}",
        took[took.len() / 2]
    );
    assert!(throttled > 0, "the flooding address is throttled");
    assert!(served <= 10 + 5 * 4, "at most its burst and rate got through: {served}");
}

/// A server trusting the loopback proxy with `env` set, an ENFORCED pool with the takeover
/// actions, its client, and `user` with a password: (server, SDK client, pool, app client).
async fn enforced_with(env: (&str, &str), user: &str) -> (TestServer, idp::Client, String, String) {
    let s = TestServer::start_with(BIN, &[("COGNATE_TRUSTED_PROXIES", "127.0.0.1/32,::1/128"), env]).await;
    let c = s.client();
    let (pool, client) = plus_pool(&c, AdvancedSecurityModeType::Enforced).await;
    c.set_risk_configuration()
        .user_pool_id(&pool)
        .account_takeover_risk_configuration(takeover())
        .send()
        .await
        .unwrap();
    password_user(&c, &pool, user, GOOD, &[]).await;
    (s, c, pool, client)
}

#[tokio::test]
async fn impossible_travel_with_a_geoip_database() {
    let Ok(python) = std::env::var("COGNATE_PYTHON") else {
        eprintln!("skipped: run ./scripts/test to install mmdb-writer");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.mmdb");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/geoip.py");
    let out = std::process::Command::new(python).args([script, db.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (s, c, pool, client) = enforced_with(("COGNATE_GEOIP_DB", db.to_str().unwrap()), "tess").await;
    // Paris, then Lyon (a new network, 390 km away: medium, and she has no MFA: let in).
    sign_in_from(&c, &client, "tess", GOOD, "192.0.2.10").await.unwrap();
    let paris = &raw_events(&s, &pool, "tess").await[0];
    let place = &paris["EventContextData"];
    assert_eq!((place["City"].as_str(), place["Country"].as_str()), (Some("Paris"), Some("FR")), "{paris}");
    assert_eq!(place["Timezone"], "Europe/Paris");
    let r = sign_in_from(&c, &client, "tess", GOOD, "203.0.113.9").await.unwrap();
    assert!(r.authentication_result.is_some());
    assert_eq!(raw_events(&s, &pool, "tess").await[0]["CognateRiskReasons"], serde_json::json!(["new-network"]));
    // New York a minute later: high, blocked.
    let e = sign_in_from(&c, &client, "tess", GOOD, "198.51.100.20").await.unwrap_err();
    assert!(e.contains("security reasons"), "{e}");
    let newest = &raw_events(&s, &pool, "tess").await[0];
    let reasons = newest["CognateRiskReasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r.as_str().unwrap().starts_with("impossible-travel")), "{newest}");
    assert_eq!(newest["EventContextData"]["City"], "New York");
}

#[tokio::test]
async fn an_address_on_the_operators_reputation_list_is_a_risk() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("reputation.txt");
    std::fs::write(&list, "# an operator's list\n198.51.100.0/24 test-botnet\n2001:db8:bad::/48\n").unwrap();
    let (s, c, pool, client) = enforced_with(("COGNATE_IP_REPUTATION_FILE", list.to_str().unwrap()), "lena").await;
    // A first sign-in from a listed network: medium on that signal alone (she has no MFA: let in).
    let r = sign_in_from(&c, &client, "lena", GOOD, "198.51.100.9").await.unwrap();
    assert!(r.authentication_result.is_some());
    let newest = &raw_events(&s, &pool, "lena").await[0];
    assert_eq!(newest["CognateRiskReasons"], serde_json::json!(["ip-reputation (test-botnet)"]), "{newest}");
    assert_eq!(newest["EventRisk"]["RiskLevel"], "Medium");
    // With a new device from another listed network: high, blocked.
    let e = sign_in_from(&c, &client, "lena", GOOD, "2001:db8:bad::1").await.unwrap_err();
    assert!(e.contains("security reasons"), "{e}");
    let newest = &raw_events(&s, &pool, "lena").await[0];
    assert!(newest["CognateRiskReasons"].as_array().unwrap().contains(&"ip-reputation".into()), "{newest}");
    // An address not on the list: no such signal.
    sign_in_from(&c, &client, "lena", GOOD, "192.0.2.1").await.unwrap();
    let newest = &raw_events(&s, &pool, "lena").await[0];
    assert!(!newest.to_string().contains("ip-reputation"), "{newest}");

    // A list that does not parse stops the start, naming the line.
    std::fs::write(&list, "10.0.0.0/8\nnot-an-address\n").unwrap();
    let start = tokio::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", dir.path().join("data").to_str().unwrap()])
        .env("COGNATE_IP_REPUTATION_FILE", &list)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), start).await.expect("refused at once").unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("COGNATE_IP_REPUTATION_FILE") && err.contains("line 2"), "{err}");
}
