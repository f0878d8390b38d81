//! Admin user management and ListUsers through the official SDK.

use crate::common::*;
use idp::types::*;

#[tokio::test]
async fn admin_user_lifecycle() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    let u = c
        .admin_create_user()
        .user_pool_id(&id)
        .username("Alice")
        .temporary_password("Temp-Passw0rd!")
        .user_attributes(attr("email", "alice@example.com"))
        .user_attributes(attr("name", "Alice"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    assert_eq!(u.username.as_deref(), Some("Alice"));
    assert_eq!(u.user_status, Some(UserStatusType::ForceChangePassword));
    assert!(u.enabled);
    let sub = value_of(u.attributes(), "sub").unwrap().to_string();
    assert_eq!(sub.len(), 36);

    // Case-insensitive pool: any case finds the user; the sub works too.
    for name in ["alice", "ALICE", sub.as_str()] {
        let g = c.admin_get_user().user_pool_id(&id).username(name).send().await.unwrap();
        assert_eq!(g.username, "Alice");
    }
    let e = c.admin_create_user().user_pool_id(&id).username("alice").send().await.unwrap_err();
    assert_eq!(code(&e), "UsernameExistsException");

    c.admin_update_user_attributes()
        .user_pool_id(&id)
        .username("alice")
        .user_attributes(attr("email", "new@example.com"))
        .user_attributes(attr("custom:nope", "x"))
        .send()
        .await
        .unwrap_err();
    c.admin_update_user_attributes()
        .user_pool_id(&id)
        .username("alice")
        .user_attributes(attr("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    let g = c.admin_get_user().user_pool_id(&id).username("alice").send().await.unwrap();
    assert_eq!(value_of(g.user_attributes(), "email"), Some("new@example.com"));
    assert_eq!(value_of(g.user_attributes(), "email_verified"), Some("false"));
    let e = c
        .admin_update_user_attributes()
        .user_pool_id(&id)
        .username("alice")
        .user_attributes(attr("email", "not-an-email"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    c.admin_delete_user_attributes()
        .user_pool_id(&id)
        .username("alice")
        .user_attribute_names("name")
        .send()
        .await
        .unwrap();
    let g = c.admin_get_user().user_pool_id(&id).username("alice").send().await.unwrap();
    assert_eq!(value_of(g.user_attributes(), "name"), None);

    c.admin_disable_user().user_pool_id(&id).username("alice").send().await.unwrap();
    assert!(!c.admin_get_user().user_pool_id(&id).username("alice").send().await.unwrap().enabled);
    c.admin_enable_user().user_pool_id(&id).username("alice").send().await.unwrap();

    let e = c
        .admin_set_user_password()
        .user_pool_id(&id)
        .username("alice")
        .password("short")
        .permanent(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidPasswordException");
    assert_eq!(message(&e), "Password did not conform with policy: Password not long enough");
    c.admin_set_user_password()
        .user_pool_id(&id)
        .username("alice")
        .password("Perm-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let g = c.admin_get_user().user_pool_id(&id).username("alice").send().await.unwrap();
    assert_eq!(g.user_status, Some(UserStatusType::Confirmed));

    let e = c.admin_confirm_sign_up().user_pool_id(&id).username("alice").send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    assert_eq!(message(&e), "User cannot be confirmed. Current status is CONFIRMED");

    // A reset sends a code, so it needs a verified address.
    let e = c.admin_reset_user_password().user_pool_id(&id).username("alice").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    c.admin_update_user_attributes()
        .user_pool_id(&id)
        .username("alice")
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    c.admin_reset_user_password().user_pool_id(&id).username("alice").send().await.unwrap();
    let g = c.admin_get_user().user_pool_id(&id).username("alice").send().await.unwrap();
    assert_eq!(g.user_status, Some(UserStatusType::ResetRequired));
    c.admin_user_global_sign_out().user_pool_id(&id).username("alice").send().await.unwrap();

    c.admin_delete_user().user_pool_id(&id).username("alice").send().await.unwrap();
    let e = c.admin_get_user().user_pool_id(&id).username("alice").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
    assert_eq!(message(&e), "User does not exist.");
    let e = c.admin_delete_user().user_pool_id(&id).username("alice").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
}

#[tokio::test]
async fn invitations_go_to_the_outbox() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    c.admin_create_user()
        .user_pool_id(&id)
        .username("bob")
        .user_attributes(attr("email", "bob@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let outbox = std::fs::read_to_string(s.data_dir.join("outbox.jsonl")).unwrap();
    let msg: serde_json::Value = serde_json::from_str(outbox.lines().last().unwrap()).unwrap();
    assert_eq!(msg["to"], "bob@example.com");
    assert!(msg["body"].as_str().unwrap().contains("Your username is bob and temporary password is "));
    // RESEND works only while the user still has the temporary password.
    c.admin_create_user()
        .user_pool_id(&id)
        .username("bob")
        .message_action(MessageActionType::Resend)
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(s.data_dir.join("outbox.jsonl")).unwrap().lines().count(), 2);
    c.admin_set_user_password()
        .user_pool_id(&id)
        .username("bob")
        .password("Perm-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let e = c
        .admin_create_user()
        .user_pool_id(&id)
        .username("bob")
        .message_action(MessageActionType::Resend)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "UnsupportedUserStateException");
    let e = c
        .admin_create_user()
        .user_pool_id(&id)
        .username("nophone")
        .desired_delivery_mediums(DeliveryMediumType::Sms)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn email_as_username_and_aliases() {
    let s = server().await;
    let c = s.client();
    let id = c
        .create_user_pool()
        .pool_name(unique("email"))
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let u = c
        .admin_create_user()
        .user_pool_id(&id)
        .username("carol@example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    // The internal user name is the sub.
    let sub = value_of(u.attributes(), "sub").unwrap().to_string();
    assert_eq!(u.username.as_deref(), Some(sub.as_str()));
    assert_eq!(value_of(u.attributes(), "email"), Some("carol@example.com"));
    assert_eq!(c.admin_get_user().user_pool_id(&id).username("Carol@Example.com").send().await.unwrap().username, sub);
    let e = c.admin_create_user().user_pool_id(&id).username("carol@example.com").send().await.unwrap_err();
    assert_eq!(code(&e), "UsernameExistsException");
    assert_eq!(message(&e), "An account with the given email already exists.");
    let e = c.admin_create_user().user_pool_id(&id).username("just-a-name").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    // Alias pool: a verified email is unique; ForceAliasCreation moves it.
    let id = c
        .create_user_pool()
        .pool_name(unique("alias"))
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let create = |name: &'static str, force: bool| {
        c.admin_create_user()
            .user_pool_id(&id)
            .username(name)
            .user_attributes(attr("email", "shared@example.com"))
            .user_attributes(attr("email_verified", "true"))
            .force_alias_creation(force)
            .message_action(MessageActionType::Suppress)
            .send()
    };
    create("dave", false).await.unwrap();
    assert_eq!(
        c.admin_get_user().user_pool_id(&id).username("shared@example.com").send().await.unwrap().username,
        "dave"
    );
    let e = create("erin", false).await.unwrap_err();
    assert_eq!(code(&e), "AliasExistsException");
    create("erin", true).await.unwrap();
    assert_eq!(
        c.admin_get_user().user_pool_id(&id).username("shared@example.com").send().await.unwrap().username,
        "erin"
    );
    let dave = c.admin_get_user().user_pool_id(&id).username("dave").send().await.unwrap();
    assert_eq!(value_of(dave.user_attributes(), "email_verified"), Some("false"));
    let e = c.admin_create_user().user_pool_id(&id).username("frank@example.com").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn list_users_filters_and_pages() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    for i in 0..12 {
        let mut req = c
            .admin_create_user()
            .user_pool_id(&id)
            .username(format!("user{i:02}"))
            .user_attributes(attr("email", &format!("u{i:02}@{}.example", if i < 4 { "alpha" } else { "beta" })))
            .user_attributes(attr("family_name", if i % 2 == 0 { "Even \"Quoted\"" } else { "Odd" }))
            .message_action(MessageActionType::Suppress);
        if i == 5 {
            req = req.temporary_password("Temp-Passw0rd!");
        }
        req.send().await.unwrap();
    }
    c.admin_disable_user().user_pool_id(&id).username("user03").send().await.unwrap();
    c.admin_set_user_password()
        .user_pool_id(&id)
        .username("user05")
        .password("Perm-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();

    let names = |r: &idp::operation::list_users::ListUsersOutput| -> Vec<String> {
        r.users().iter().map(|u| u.username.clone().unwrap()).collect()
    };
    let r = c.list_users().user_pool_id(&id).filter("email = \"u07@beta.example\"").send().await.unwrap();
    assert_eq!(names(&r), vec!["user07"]);
    let r = c.list_users().user_pool_id(&id).filter("email ^= \"u0\"").limit(60).send().await.unwrap();
    assert_eq!(r.users().len(), 10);
    let r = c.list_users().user_pool_id(&id).filter(r#"family_name = "Even \"Quoted\"""#).send().await.unwrap();
    assert_eq!(r.users().len(), 6);
    let r = c.list_users().user_pool_id(&id).filter("status = \"Disabled\"").send().await.unwrap();
    assert_eq!(names(&r), vec!["user03"]);
    let r = c.list_users().user_pool_id(&id).filter("cognito:user_status = \"confirmed\"").send().await.unwrap();
    assert_eq!(names(&r), vec!["user05"]);
    let r = c.list_users().user_pool_id(&id).filter("username ^= \"USER1\"").send().await.unwrap();
    assert_eq!(names(&r), vec!["user10", "user11"]);
    let r = c
        .list_users()
        .user_pool_id(&id)
        .filter("email ^= \"u\"")
        .attributes_to_get("email")
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.users()[0].attributes().len(), 1);
    assert_eq!(r.users()[0].attributes()[0].name, "email");

    // Pages of 5 cover everyone exactly once, with and without a filter.
    for filter in [None, Some("email ^= \"u\"")] {
        let mut all = vec![];
        let mut token = None;
        loop {
            let r = c
                .list_users()
                .user_pool_id(&id)
                .set_filter(filter.map(String::from))
                .limit(5)
                .set_pagination_token(token)
                .send()
                .await
                .unwrap();
            all.extend(names(&r));
            token = r.pagination_token;
            if token.is_none() {
                break;
            }
        }
        assert_eq!(all.len(), 12, "{filter:?}");
        let mut dedup = all.clone();
        dedup.dedup();
        assert_eq!(dedup, all);
    }

    for bad in ["email", "email = u", "custom:x = \"1\"", "email ~ \"x\""] {
        let e = c.list_users().user_pool_id(&id).filter(bad).send().await.unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException", "{bad}");
    }
    let e = c.list_users().user_pool_id(&id).pagination_token("garbage").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
}

#[tokio::test]
async fn concurrent_creates_of_one_name_have_one_winner() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    let mut tasks = vec![];
    for _ in 0..12 {
        let c = c.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            c.admin_create_user()
                .user_pool_id(id)
                .username("racer")
                .message_action(MessageActionType::Suppress)
                .send()
                .await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(code(&e), "UsernameExistsException"),
        }
    }
    assert_eq!(ok, 1);
}
