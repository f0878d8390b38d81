//! Limits and validation as Cognito has them, each found by a probe or a black-box suite written
//! against AWS: values Cognito refuses are refused, answers match Cognito's.

use crate::common::*;
use idp::types::*;
use serde_json::json;

#[tokio::test]
async fn quotas_and_value_ranges_are_enforced() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    // ReadAttributes name attributes of the schema: 40,000 names of nothing are refused.
    let names: Vec<String> = (0..40_000).map(|i| format!("a{i}")).collect();
    let body = json!({"UserPoolId": pool, "ClientName": "big", "ReadAttributes": names}).to_string();
    let r = s.raw("CreateUserPoolClient", body.as_bytes(), Signing::Valid).await;
    assert_eq!(r.error_type(), "InvalidParameterException");
    assert_eq!(r.json["message"], "Invalid read attributes specified while creating a client");
    let ok = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("ok")
        .read_attributes("email")
        .read_attributes("email_verified");
    ok.send().await.unwrap();
    // Precedence is a 32-bit integer.
    c.create_group().user_pool_id(&pool).group_name("g").send().await.unwrap();
    let body = json!({"UserPoolId": pool, "GroupName": "g", "Precedence": 2147483648i64}).to_string();
    let r = s.raw("UpdateGroup", body.as_bytes(), Signing::Valid).await;
    assert_eq!(r.error_type(), "InvalidParameterException");
    assert!(r.json["message"].as_str().unwrap().contains("less than or equal to 2147483647"));
    // At most 50 tags, on create as on TagResource.
    let tags: serde_json::Map<String, serde_json::Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    let body = json!({"PoolName": "tagged", "UserPoolTags": tags}).to_string();
    let r = s.raw("CreateUserPool", body.as_bytes(), Signing::Valid).await;
    assert_eq!(r.error_type(), "LimitExceededException");
    let long_key: serde_json::Map<String, serde_json::Value> = [("k".repeat(129), json!("v"))].into_iter().collect();
    let body = json!({"PoolName": "tagged", "UserPoolTags": long_key}).to_string();
    let r = s.raw("CreateUserPool", body.as_bytes(), Signing::Valid).await;
    assert_eq!(r.error_type(), "InvalidParameterException");
    // A user belongs to at most 100 groups.
    c.admin_create_user().user_pool_id(&pool).username("joiner").send().await.unwrap();
    for i in 0..100 {
        let g = format!("group{i:03}");
        c.create_group().user_pool_id(&pool).group_name(&g).send().await.unwrap();
        c.admin_add_user_to_group().user_pool_id(&pool).username("joiner").group_name(&g).send().await.unwrap();
    }
    let e =
        c.admin_add_user_to_group().user_pool_id(&pool).username("joiner").group_name("g").send().await.unwrap_err();
    assert_eq!(code(&e), "LimitExceededException");
    // Adding to a group the user is in already is no new membership.
    c.admin_add_user_to_group().user_pool_id(&pool).username("joiner").group_name("group000").send().await.unwrap();
}

#[tokio::test]
async fn schema_and_message_settings_as_cognito_reads_them() {
    let s = server().await;
    let c = s.client();
    // A VerificationMessageTemplate fills the legacy members too.
    let template = VerificationMessageTemplateType::builder()
        .email_message("Your code is {####}")
        .email_subject("Welcome")
        .sms_message("Code {####}")
        .build();
    let p = c.create_user_pool().pool_name(unique("tpl")).verification_message_template(template).send().await.unwrap();
    let p = p.user_pool.unwrap();
    assert_eq!(p.email_verification_message.as_deref(), Some("Your code is {####}"));
    assert_eq!(p.email_verification_subject.as_deref(), Some("Welcome"));
    assert_eq!(p.sms_verification_message.as_deref(), Some("Code {####}"));
    // A standard attribute keeps its type and is never developer-only.
    let changed = SchemaAttributeType::builder().name("email").attribute_data_type(AttributeDataType::Number).build();
    let e = c.create_user_pool().pool_name(unique("s")).schema(changed).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(
        message(&e),
        "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"
    );
    let dev = SchemaAttributeType::builder().name("email").developer_only_attribute(true).build();
    let e = c.create_user_pool().pool_name(unique("s")).schema(dev).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // Constraints: numbers, lengths up to 2048, min no more than max.
    for (min, max) in [("x", "10"), ("0", "4096"), ("20", "10")] {
        let bad = SchemaAttributeType::builder()
            .name("name")
            .attribute_data_type(AttributeDataType::String)
            .string_attribute_constraints(
                StringAttributeConstraintsType::builder().min_length(min).max_length(max).build(),
            )
            .build();
        let e = c.create_user_pool().pool_name(unique("s")).schema(bad).send().await.unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException", "{min}..{max}");
    }
    // Only the constraints of the attribute's own type are kept.
    let mixed = SchemaAttributeType::builder()
        .name("tier")
        .attribute_data_type(AttributeDataType::String)
        .string_attribute_constraints(StringAttributeConstraintsType::builder().max_length("8").build())
        .number_attribute_constraints(NumberAttributeConstraintsType::builder().max_value("5").build())
        .build();
    let p = c.create_user_pool().pool_name(unique("s")).schema(mixed).send().await.unwrap().user_pool.unwrap();
    let tier = p.schema_attributes.unwrap().into_iter().find(|a| a.name.as_deref() == Some("custom:tier")).unwrap();
    assert!(tier.number_attribute_constraints.is_none());
    assert_eq!(tier.string_attribute_constraints.unwrap().max_length.as_deref(), Some("8"));
}

#[tokio::test]
async fn user_operations_answer_as_cognito_does() {
    let s = server().await;
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("emails"))
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    // email_verified "True" is accepted, and kept as a boolean.
    let u = c
        .admin_create_user()
        .user_pool_id(&pool)
        .username("ann@example.com")
        .user_attributes(attr("email_verified", "True"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(value_of(u.attributes(), "email_verified"), Some("true"));
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("bob@example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    // Taking another user's email in an email-as-username pool is an alias conflict.
    let e = c
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("bob@example.com")
        .user_attributes(attr("email", "ann@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AliasExistsException");
    // AdminDeleteUserAttributes: the user first, then the names.
    let e = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("nobody@example.com")
        .user_attribute_names("nonsense")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
    let e = c
        .admin_delete_user_attributes()
        .user_pool_id(&pool)
        .username("ann@example.com")
        .user_attribute_names("nonsense")
        .send()
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Invalid user attributes: user.nonsense: Attribute does not exist in the schema.");
    // AdminResetUserPassword: not while the temporary password is unchanged, not without a
    // verified address; otherwise the user gets a code.
    let e = c.admin_reset_user_password().user_pool_id(&pool).username("ann@example.com").send().await.unwrap_err();
    assert_eq!(message(&e), "User password cannot be reset in the current state.");
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("bob@example.com")
        .password("Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let e = c.admin_reset_user_password().user_pool_id(&pool).username("bob@example.com").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("bob@example.com")
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    c.admin_reset_user_password().user_pool_id(&pool).username("bob@example.com").send().await.unwrap();
    let outbox = std::fs::read_to_string(s.data_dir.join("outbox.jsonl")).unwrap();
    assert!(outbox.lines().last().unwrap().contains("bob@example.com"), "{outbox}");
}

#[tokio::test]
async fn admin_only_recovery_answers_everyone_alike() {
    let s = server().await;
    let c = s.client();
    let recovery = AccountRecoverySettingType::builder()
        .recovery_mechanisms(
            RecoveryOptionType::builder().name(RecoveryOptionNameType::AdminOnly).priority(1).build().unwrap(),
        )
        .build();
    let pool =
        c.create_user_pool().pool_name(unique("admin-only")).account_recovery_setting(recovery).send().await.unwrap();
    let pool = pool.user_pool.unwrap().id.unwrap();
    let client = app_client(&c, &pool).await;
    password_user(&c, &pool, "ada", "Passw0rd!", &[("email", "ada@example.com"), ("email_verified", "true")]).await;
    for name in ["ada", "nobody"] {
        let e = c.forgot_password().client_id(&client).username(name).send().await.unwrap_err();
        assert_eq!(
            (code(&e).as_str(), message(&e).as_str()),
            ("NotAuthorizedException", "Contact administrator to reset password.")
        );
    }
}
