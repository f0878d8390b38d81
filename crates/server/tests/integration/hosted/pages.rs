//! The page flows, driven by a browser without JavaScript: new password and authenticator setup, sign-up
//! with confirmation and reset, choosing a factor, email and SMS codes, no user enumeration.

use super::*;

#[tokio::test]
async fn admin_created_user_sets_a_password_then_an_authenticator_on_the_pages() {
    let f = fx_with(server().await, false, Some(UserPoolMfaType::On)).await;
    f.c.admin_create_user()
        .user_pool_id(&f.pool)
        .username("nina")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let mut b = Browser::new(&f.s.endpoint);
    let page = f.sign_in(&mut b, "nina", "Temp-Passw0rd!").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let form = page.form("/mfa");
    assert_eq!(form.fields["challenge"], "NEW_PASSWORD_REQUIRED");
    let weak = b.submit(&form, &[("password", "short")]).await;
    assert_eq!(weak.status, 400, "the policy refuses it and the form comes back");
    let setup = b.submit(&weak.form("/mfa"), &[("password", PASSWORD)]).await;
    let form = setup.form("/mfa");
    assert_eq!(form.fields["challenge"], "MFA_SETUP", "{}", setup.body);
    assert!(setup.body.contains("<svg"), "a QR code");
    let secret = form.fields["secret"].clone();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let wrong = b.submit(&form, &[("code", "000000")]).await;
    assert_eq!(wrong.status, 400);
    let code = cognate_testkit::totp::code(&secret, now);
    let cb = b.submit(&wrong.form("/mfa"), &[("code", &code)]).await;
    assert!(cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")), "{:?} {}", cb.location, cb.body);

    // Next time: password, then the authenticator's code.
    b.clear();
    let page = f.sign_in(&mut b, "nina", PASSWORD).await;
    let form = page.form("/mfa");
    assert_eq!(form.fields["challenge"], "SOFTWARE_TOKEN_MFA");
    let next = cognate_testkit::totp::code(&secret, now + 30);
    tokio::time::sleep(std::time::Duration::from_secs(30 - now % 30)).await;
    let cb = b.submit(&form, &[("code", &next)]).await;
    assert!(cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")), "{:?} {}", cb.location, cb.body);
}

#[tokio::test]
async fn sign_up_confirm_and_reset_on_the_pages() {
    let smtp = cognate_testkit::SmtpSink::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_SMTP_URL", &smtp.url), ("COGNATE_EMAIL_FROM", "auth@example.com")])
        .await;
    let f = fx_with(s, true, None).await;
    let mut b = Browser::new(&f.s.endpoint);
    let login = b.open(&format!("{}&lang=de", f.authorize_url(""))).await;
    assert!(login.body.contains("Anmelden"), "German from lang=de");
    let signup = b
        .get(&format!("/signup?{}", login.form("/login").action.split_once('?').unwrap().1.replace("&amp;", "&")))
        .await;
    let form = signup.form("/signup");
    assert!(form.fields.contains_key("email"), "the required email attribute is asked for");
    let confirm = b.submit(&form, &[("username", "sam"), ("password", PASSWORD), ("email", "sam@example.com")]).await;
    smtp.wait_for("sam@example.com", 1).await;
    // "Send a new code": the second form of the page.
    let resend = confirm.forms().into_iter().find(|f| f.fields.contains_key("resend")).expect("a resend form");
    let confirm = b.submit(&resend, &[]).await;
    assert!(confirm.text_of("class=\"info\"").is_some(), "{}", confirm.body);
    let form = confirm.form("/confirmUser");
    let mail = smtp.wait_for("sam@example.com", 2).await;
    let cb = b.submit(&form, &[("code", &mail.code().unwrap())]).await;
    assert!(
        cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")),
        "signed in after confirming: {:?} {}",
        cb.location,
        cb.body
    );

    // Forgot password: a code by email, a new password, then sign in with it.
    b.clear();
    let login = b.open(&f.authorize_url("")).await;
    let q = login.form("/login").action.split_once('?').unwrap().1.replace("&amp;", "&");
    let forgot = b.get(&format!("/forgotPassword?{q}")).await;
    let reset = b.submit(&forgot.form("/forgotPassword"), &[("username", "sam")]).await;
    let mail = smtp.wait_for("sam@example.com", 3).await;
    let done = b
        .submit(
            &reset.form("/confirmForgotPassword"),
            &[("code", &mail.code().unwrap()), ("new_password", "New-Hosted-Passw0rd!")],
        )
        .await;
    assert!(done.body.contains("name=\"password\""), "back on the sign-in form: {}", done.body);
    let cb = b.submit(&done.form("/login"), &[("username", "sam"), ("password", "New-Hosted-Passw0rd!")]).await;
    assert!(cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")));
}

#[tokio::test]
async fn pages_hide_who_exists_and_share_the_apis_lockout() {
    let s = server().await;
    let c = s.client();
    let pool = c.create_user_pool().pool_name(unique("enum")).send().await.unwrap().user_pool.unwrap().id.unwrap();
    c.create_user_pool_domain().user_pool_id(&pool).domain(unique("enum")).send().await.unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls(CB)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    password_user(&c, &pool, "uma", PASSWORD, &[]).await;
    let mut b = Browser::new(&s.endpoint);
    let url = format!("/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&scope=openid", enc(CB));
    let unknown = attempt(&mut b, &url, "nobody", "Wrong-Passw0rd!").await;
    let wrong = attempt(&mut b, &url, "uma", "Wrong-Passw0rd!").await;
    assert_eq!(unknown, wrong, "an unknown user looks like a wrong password");
    // Five failures on the pages lock the user for the API too.
    for _ in 0..4 {
        attempt(&mut b, &url, "uma", "Wrong-Passw0rd!").await;
    }
    let e = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "uma")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Password attempts exceeded");
}

/// A sign-in on the pages; the error shown.
async fn attempt(b: &mut Browser, url: &str, user: &str, pw: &str) -> String {
    let login = b.open(url).await;
    let page = b.submit(&login.form("/login"), &[("username", user), ("password", pw)]).await;
    page.text_of("errorMessage-customizable").unwrap_or_default()
}

#[tokio::test]
async fn choosing_a_factor_then_email_and_sms_codes_on_the_pages() {
    use cognate_testkit::{SmtpSink, WebhookSink};
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
    let (pool, client, _) = oauth_pool(&c, false, None).await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .sms_mfa_configuration(SmsMfaConfigType::builder().sms_authentication_message("Your code: {####}").build())
        .email_mfa_configuration(EmailMfaConfigType::builder().message("Email code {####}").subject("Code").build())
        .send()
        .await
        .unwrap();
    let attrs = [
        ("email", "ema@example.com"),
        ("email_verified", "true"),
        ("phone_number", "+15550100"),
        ("phone_number_verified", "true"),
    ];
    password_user(&c, &pool, "ema", PASSWORD, &attrs).await;
    c.admin_set_user_mfa_preference()
        .user_pool_id(&pool)
        .username("ema")
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .email_mfa_settings(EmailMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let f = Fx { s, c, pool, client, secret: None };
    for (n, choice) in [(1, "EMAIL_OTP"), (2, "SMS_MFA")] {
        let mut b = Browser::new(&f.s.endpoint);
        let select = f.sign_in(&mut b, "ema", PASSWORD).await;
        let form = select.form("/mfa");
        assert_eq!(form.fields["challenge"], "SELECT_MFA_TYPE", "{}", select.body);
        assert!(select.body.contains("value=\"EMAIL_OTP\"") && select.body.contains("value=\"SMS_MFA\""));
        let code_page = b.submit(&form, &[("answer", choice)]).await;
        let form = code_page.form("/mfa");
        assert_eq!(form.fields["challenge"], choice, "{}", code_page.body);
        let code = if choice == "EMAIL_OTP" {
            smtp.wait_for("ema@example.com", n).await.code().unwrap()
        } else {
            WebhookSink::code(&hook.wait_for("+15550100", 1).await)
        };
        let wrong = b.submit(&form, &[("code", "000000")]).await;
        assert_eq!(wrong.status, 400, "a wrong code shows the form again");
        let cb = b.submit(&wrong.form("/mfa"), &[("code", &code)]).await;
        assert!(
            cb.location.as_deref().unwrap_or("").starts_with(&format!("{CB}?code=")),
            "{choice}: {:?} {}",
            cb.location,
            cb.body
        );
    }
}
