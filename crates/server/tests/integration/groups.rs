//! Groups and membership through the official SDK.

use crate::common::*;
use idp::types::MessageActionType;

#[tokio::test]
async fn groups_and_membership() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    let g = c
        .create_group()
        .user_pool_id(&id)
        .group_name("admins")
        .description("people who admin")
        .precedence(1)
        .role_arn("arn:aws:iam::000000000000:role/admin")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(g.precedence, Some(1));
    let e = c.create_group().user_pool_id(&id).group_name("admins").send().await.unwrap_err();
    assert_eq!(code(&e), "GroupExistsException");
    c.create_group().user_pool_id(&id).group_name("readers").send().await.unwrap();
    let u = c.update_group().user_pool_id(&id).group_name("admins").precedence(7).send().await.unwrap().group.unwrap();
    assert_eq!((u.precedence, u.description.as_deref()), (Some(7), Some("people who admin")));
    assert_eq!(
        c.get_group().user_pool_id(&id).group_name("admins").send().await.unwrap().group.unwrap().precedence,
        Some(7)
    );

    for name in ["gina", "hank"] {
        c.admin_create_user()
            .user_pool_id(&id)
            .username(name)
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        c.admin_add_user_to_group().user_pool_id(&id).username(name).group_name("admins").send().await.unwrap();
    }
    c.admin_add_user_to_group().user_pool_id(&id).username("GINA").group_name("readers").send().await.unwrap();
    let e =
        c.admin_add_user_to_group().user_pool_id(&id).username("nobody").group_name("admins").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException");
    let e = c.admin_add_user_to_group().user_pool_id(&id).username("gina").group_name("nope").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");

    let mine = c.admin_list_groups_for_user().user_pool_id(&id).username("gina").send().await.unwrap();
    let names: Vec<_> = mine.groups().iter().map(|g| g.group_name.clone().unwrap()).collect();
    assert_eq!(names, vec!["admins", "readers"]);
    let page = c.list_users_in_group().user_pool_id(&id).group_name("admins").limit(1).send().await.unwrap();
    assert_eq!(page.users().len(), 1);
    let rest = c
        .list_users_in_group()
        .user_pool_id(&id)
        .group_name("admins")
        .set_next_token(page.next_token)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.users().len(), 1);
    assert!(rest.next_token.is_none());
    let all = c.list_groups().user_pool_id(&id).send().await.unwrap();
    assert_eq!(all.groups().len(), 2);

    c.admin_remove_user_from_group().user_pool_id(&id).username("gina").group_name("readers").send().await.unwrap();
    assert_eq!(
        c.admin_list_groups_for_user().user_pool_id(&id).username("gina").send().await.unwrap().groups().len(),
        1
    );
    c.delete_group().user_pool_id(&id).group_name("admins").send().await.unwrap();
    assert!(c
        .admin_list_groups_for_user()
        .user_pool_id(&id)
        .username("gina")
        .send()
        .await
        .unwrap()
        .groups()
        .is_empty());
    let e = c.get_group().user_pool_id(&id).group_name("admins").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
}
