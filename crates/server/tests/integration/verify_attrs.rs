//! Attribute verification end to end: codes on change, `*_verified` flipping, and
//! `AttributesRequireVerificationBeforeUpdate` (the old value stays until the new one is verified).

use crate::common::*;
use cognate_testkit::{SmtpSink, WebhookSink};
use idp::types::*;

#[tokio::test]
async fn held_email_change_and_immediate_phone_change() {
    let smtp = SmtpSink::start().await;
    let sms = WebhookSink::start(200).await;
    let s =
        TestServer::start_with(BIN, &[("COGNATE_SMTP_URL", &smtp.url), ("COGNATE_SMS_WEBHOOK_URL", &sms.url)]).await;
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("verify"))
        .alias_attributes(AliasAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::PhoneNumber)
        .user_attribute_update_settings(
            UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = app_client(&c, &pool).await;
    let attrs = [("email", "old@example.com"), ("email_verified", "true")];
    password_user(&c, &pool, "vic", "Verify-Passw0rd!", &attrs).await;
    let sign_in = |name: &'static str| {
        let (c, client) = (c.clone(), client.clone());
        async move {
            c.initiate_auth()
                .client_id(&client)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", name)
                .auth_parameters("PASSWORD", "Verify-Passw0rd!")
                .send()
                .await
        }
    };
    let access = sign_in("vic").await.unwrap().authentication_result.unwrap().access_token.unwrap();
    // The email change is held: a code goes to the new address, the old one stays live.
    let r = c
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    let d = &r.code_delivery_details_list()[0];
    assert_eq!((d.destination.as_deref(), d.attribute_name.as_deref()), (Some("n***@e***"), Some("email")));
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "email"), Some("old@example.com"));
    assert_eq!(value_of(me.user_attributes(), "email_verified"), Some("true"));
    assert!(sign_in("old@example.com").await.is_ok(), "the old address still signs in");
    let code_sent = smtp.wait_for("new@example.com", 1).await.code().unwrap();
    let wrong = format!("{:06}", (code_sent.parse::<u32>().unwrap() + 1) % 1_000_000);
    let e =
        c.verify_user_attribute().access_token(&access).attribute_name("email").code(&wrong).send().await.unwrap_err();
    assert_eq!(code(&e), "CodeMismatchException");
    c.verify_user_attribute().access_token(&access).attribute_name("email").code(&code_sent).send().await.unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "email"), Some("new@example.com"));
    assert_eq!(value_of(me.user_attributes(), "email_verified"), Some("true"));
    assert!(sign_in("new@example.com").await.is_ok());
    assert!(sign_in("old@example.com").await.is_err(), "the old address is gone");
    // A replayed code is refused.
    let e = c
        .verify_user_attribute()
        .access_token(&access)
        .attribute_name("email")
        .code(&code_sent)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ExpiredCodeException");

    // phone_number is not held: it changes now, unverified, and a code goes out by SMS.
    c.update_user_attributes()
        .access_token(&access)
        .user_attributes(attr("phone_number", "+15555550177"))
        .send()
        .await
        .unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "phone_number"), Some("+15555550177"));
    assert_eq!(value_of(me.user_attributes(), "phone_number_verified"), Some("false"));
    let sms_code = WebhookSink::code(&sms.wait_for("+15555550177", 1).await);
    c.verify_user_attribute()
        .access_token(&access)
        .attribute_name("phone_number")
        .code(&sms_code)
        .send()
        .await
        .unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(value_of(me.user_attributes(), "phone_number_verified"), Some("true"));

    // An admin change is held too, unless it marks the new value verified in the same call.
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("vic")
        .user_attributes(attr("email", "third@example.com"))
        .send()
        .await
        .unwrap();
    let u = c.admin_get_user().user_pool_id(&pool).username("vic").send().await.unwrap();
    assert_eq!(value_of(u.user_attributes(), "email"), Some("new@example.com"));
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("vic")
        .user_attributes(attr("email", "fourth@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let u = c.admin_get_user().user_pool_id(&pool).username("vic").send().await.unwrap();
    assert_eq!(value_of(u.user_attributes(), "email"), Some("fourth@example.com"));
}
