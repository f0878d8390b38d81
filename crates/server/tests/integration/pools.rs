//! User pools and app clients through the official SDK.

use crate::common::*;
use idp::types::*;

#[tokio::test]
async fn pool_create_describe_update_replaces_and_delete() {
    let s = server().await;
    let c = s.client();
    let name = unique("pool");
    let created = c
        .create_user_pool()
        .pool_name(&name)
        .alias_attributes(AliasAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(12)
                        .require_uppercase(true)
                        .require_symbols(false)
                        .build(),
                )
                .build(),
        )
        .schema(SchemaAttributeType::builder().name("tier").attribute_data_type(AttributeDataType::String).build())
        .schema(
            SchemaAttributeType::builder()
                .name("email")
                .attribute_data_type(AttributeDataType::String)
                .required(true)
                .build(),
        )
        .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true).build())
        .user_pool_tags("team", "identity")
        .deletion_protection(DeletionProtectionType::Active)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let id = created.id.clone().unwrap();
    assert!(id.starts_with("us-east-1_") && id.len() == "us-east-1_".len() + 9, "{id}");
    assert_eq!(
        created.arn.as_deref(),
        Some(format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}").as_str())
    );
    let d = c.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    assert_eq!(d.name.as_deref(), Some(name.as_str()));
    let pp = d.policies.unwrap().password_policy.unwrap();
    assert_eq!((pp.minimum_length, pp.require_symbols, pp.require_uppercase), (Some(12), false, true), "{pp:?}");
    let schema = d.schema_attributes.unwrap();
    assert!(schema.iter().any(|a| a.name.as_deref() == Some("custom:tier")));
    assert_eq!(schema.iter().find(|a| a.name.as_deref() == Some("email")).unwrap().required, Some(true));
    assert_eq!(schema.iter().find(|a| a.name.as_deref() == Some("sub")).unwrap().mutable, Some(false));
    assert_eq!(d.alias_attributes.unwrap(), vec![AliasAttributeType::Email]);
    assert!(d.device_configuration.unwrap().challenge_required_on_new_device);
    assert_eq!(d.user_pool_tags.unwrap()["team"], "identity");
    assert_eq!(d.estimated_number_of_users, 0);
    assert!(d.creation_date.is_some() && d.last_modified_date.is_some());

    // Update replaces the whole object: what is omitted returns to its default.
    c.update_user_pool().user_pool_id(&id).mfa_configuration(UserPoolMfaType::Off).send().await.unwrap();
    let d = c.describe_user_pool().user_pool_id(&id).send().await.unwrap().user_pool.unwrap();
    let pp = d.policies.unwrap().password_policy.unwrap();
    assert_eq!((pp.minimum_length, pp.require_symbols), (Some(8), true));
    assert!(d.device_configuration.is_none());
    assert_eq!(d.deletion_protection, Some(DeletionProtectionType::Inactive));
    assert!(d.auto_verified_attributes.is_none());
    // ... but the immutable parts stay.
    assert_eq!(d.alias_attributes.unwrap(), vec![AliasAttributeType::Email]);
    assert!(d.schema_attributes.unwrap().iter().any(|a| a.name.as_deref() == Some("custom:tier")));

    c.delete_user_pool().user_pool_id(&id).send().await.unwrap();
    let e = c.describe_user_pool().user_pool_id(&id).send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert_eq!(message(&e), format!("User pool {id} does not exist."));
}

#[tokio::test]
async fn deletion_protection_and_invalid_configs() {
    let s = server().await;
    let c = s.client();
    let id = c
        .create_user_pool()
        .pool_name(unique("p"))
        .deletion_protection(DeletionProtectionType::Active)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let e = c.delete_user_pool().user_pool_id(&id).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).contains("deletion protection"));
    let e = c
        .create_user_pool()
        .pool_name("both")
        .alias_attributes(AliasAttributeType::Email)
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn list_pools_paginates_and_custom_attributes_and_tags() {
    let s = server().await;
    let c = s.client();
    let mut ids = vec![];
    for _ in 0..5 {
        ids.push(pool(&c).await);
    }
    let mut seen = vec![];
    let mut token = None;
    loop {
        let r = c.list_user_pools().max_results(2).set_next_token(token).send().await.unwrap();
        seen.extend(r.user_pools.unwrap().into_iter().map(|p| p.id.unwrap()));
        token = r.next_token;
        if token.is_none() {
            break;
        }
    }
    ids.sort();
    assert_eq!(seen, ids);

    let id = &ids[0];
    c.add_custom_attributes()
        .user_pool_id(id)
        .custom_attributes(
            SchemaAttributeType::builder().name("plan").attribute_data_type(AttributeDataType::String).build(),
        )
        .send()
        .await
        .unwrap();
    let e = c
        .add_custom_attributes()
        .user_pool_id(id)
        .custom_attributes(
            SchemaAttributeType::builder().name("plan").attribute_data_type(AttributeDataType::String).build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    let arn = c.describe_user_pool().user_pool_id(id).send().await.unwrap().user_pool.unwrap().arn.unwrap();
    c.tag_resource().resource_arn(&arn).tags("a", "1").tags("b", "2").send().await.unwrap();
    c.untag_resource().resource_arn(&arn).tag_keys("a").send().await.unwrap();
    let tags = c.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags["b"], "2");
}

#[tokio::test]
async fn app_clients() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    let created = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("web")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = created.client_id.clone().unwrap();
    assert_eq!(client_id.len(), 26);
    let secret = created.client_secret.clone().unwrap();
    assert!(secret.len() >= 24);
    // Cognito's defaults.
    let mut flows: Vec<String> = created.explicit_auth_flows.unwrap().iter().map(|f| f.as_str().to_string()).collect();
    flows.sort();
    assert_eq!(flows, vec!["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]);
    assert_eq!(created.refresh_token_validity, 30);
    assert_eq!(created.enable_token_revocation, Some(true));
    assert_eq!(created.prevent_user_existence_errors, Some(PreventUserExistenceErrorTypes::Legacy));
    assert_eq!(created.auth_session_validity, Some(3));

    let d = c
        .describe_user_pool_client()
        .user_pool_id(&id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(d.client_secret.as_deref(), Some(secret.as_str()));

    // Update replaces every setting; the secret stays.
    let u = c
        .update_user_pool_client()
        .user_pool_id(&id)
        .client_id(&client_id)
        .client_name("web2")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .access_token_validity(2)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(u.client_name.as_deref(), Some("web2"));
    assert_eq!(u.client_secret.as_deref(), Some(secret.as_str()));
    assert_eq!(u.access_token_validity, Some(2));
    assert_eq!(u.token_validity_units.unwrap().access_token, Some(TimeUnitsType::Hours));
    assert_eq!(u.explicit_auth_flows.unwrap().len(), 2);

    let e = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("bad")
        .access_token_validity(2)
        .token_validity_units(TokenValidityUnitsType::builder().access_token(TimeUnitsType::Days).build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("mixed")
        .explicit_auth_flows(ExplicitAuthFlowsType::UserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    c.create_user_pool_client().user_pool_id(&id).client_name("public").send().await.unwrap();
    let list = c.list_user_pool_clients().user_pool_id(&id).max_results(1).send().await.unwrap();
    assert_eq!(list.user_pool_clients.unwrap().len(), 1);
    let rest = c.list_user_pool_clients().user_pool_id(&id).set_next_token(list.next_token).send().await.unwrap();
    assert_eq!(rest.user_pool_clients.unwrap().len(), 1);

    c.delete_user_pool_client().user_pool_id(&id).client_id(&client_id).send().await.unwrap();
    let e = c.describe_user_pool_client().user_pool_id(&id).client_id(&client_id).send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    // The secret is not stored in plaintext.
    let db = std::fs::read(s.data_dir.join("cognate.db")).unwrap_or_default();
    let wal = std::fs::read(s.data_dir.join("cognate.db-wal")).unwrap_or_default();
    let hay = [db, wal].concat();
    assert!(!hay.windows(secret.len()).any(|w| w == secret.as_bytes()));
}

#[tokio::test]
async fn the_import_csv_header_lists_the_pools_attributes_as_cognito_does() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    let joined = idp::types::SchemaAttributeType::builder()
        .name("joinedOn")
        .attribute_data_type(idp::types::AttributeDataType::String)
        .build();
    c.add_custom_attributes().user_pool_id(&pool).custom_attributes(joined).send().await.unwrap();
    let h = c.get_csv_header().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(h.user_pool_id.as_deref(), Some(pool.as_str()));
    let header = h.csv_header.unwrap();
    assert_eq!(header.first().map(String::as_str), Some("name"));
    assert_eq!(
        &header[header.len() - 4..],
        ["updated_at", "custom:joinedOn", "cognito:mfa_enabled", "cognito:username"],
        "{header:?}"
    );
    assert!(!header.iter().any(|a| a == "sub"));
    let e = c.get_csv_header().user_pool_id("us-east-1_nope").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
}
