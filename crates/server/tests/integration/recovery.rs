//! Point-in-time recovery: users deleted, changed and created after a moment are put back as
//! they were (deleted ones sign in with their password again), while another pool keeps its
//! changes; a preview first, one open restoration per pool, cancel, and the window's limits.

use crate::common::*;
use idp::types::*;

const PASSWORD: &str = "Recover-Passw0rd!";

#[tokio::test]
async fn a_pool_is_restored_to_a_moment_while_another_keeps_its_changes() {
    let Ok(python) = std::env::var("COGNATE_PYTHON") else {
        eprintln!("skipped: run ./scripts/test to install boto3 (the Rust SDK of this lock has no PITR calls)");
        return;
    };
    let s = server().await;
    let c = s.client();
    let (pool, other) = (crate::common::pool(&c).await, crate::common::pool(&c).await);
    let client = app_client(&c, &pool).await;
    for name in ["ann", "bob", "cat"] {
        password_user(&c, &pool, name, PASSWORD, &[("name", name)]).await;
    }
    password_user(&c, &other, "oz", PASSWORD, &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let moment = std::time::SystemTime::now();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    // The mistakes: two users deleted, one changed, one created; and a change elsewhere.
    c.admin_delete_user().user_pool_id(&pool).username("ann").send().await.unwrap();
    c.admin_delete_user().user_pool_id(&pool).username("bob").send().await.unwrap();
    let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
    c.admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("cat")
        .user_attributes(attr("name", "Mallory"))
        .send()
        .await
        .unwrap();
    c.admin_create_user().user_pool_id(&pool).username("dan").send().await.unwrap();
    c.admin_delete_user().user_pool_id(&other).username("oz").send().await.unwrap();

    let moment = moment.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/point_in_time.py");
    let out = std::process::Command::new(python)
        .args([
            script,
            &s.endpoint,
            cognate_testkit::ACCESS_KEY,
            cognate_testkit::SECRET_KEY,
            &pool,
            &moment.to_string(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["future"], "InvalidParameterException", "not in the future");
    assert_eq!(r["too_old"], "InvalidParameterException", "not before the retention window");
    assert_eq!(r["first_status"], "PREVIEW_GENERATED");
    let p = &r["preview"][0];
    assert_eq!((&p["CreateCount"], &p["UpdateCount"], &p["DeleteCount"]), (&2.into(), &1.into(), &1.into()), "{r}");
    assert_eq!(r["second_open"], "ConcurrentModificationException", "one open restoration per pool");
    assert_eq!(r["cancelled"], "PREVIEW_CANCELLED");
    assert_eq!(r["start_cancelled"], "InvalidParameterException");
    assert_eq!(r["started"], "RESTORING");
    assert_eq!(r["final"], "RESTORE_COMPLETED");
    assert_eq!(r["restore_timestamp_ok"], true);
    assert_eq!(r["listed"], serde_json::json!(["PREVIEW_CANCELLED", "RESTORE_COMPLETED"]));
    assert_eq!(r["unknown"], "ResourceNotFoundException");

    for name in ["ann", "bob"] {
        let signed = c
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
        assert!(signed.authentication_result.is_some(), "{name} is back with the password");
    }
    let cat = c.admin_get_user().user_pool_id(&pool).username("cat").send().await.unwrap();
    assert_eq!(value_of(cat.user_attributes(), "name"), Some("cat"));
    let e = c.admin_get_user().user_pool_id(&pool).username("dan").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException", "created after the moment: gone");
    let e = c.admin_get_user().user_pool_id(&other).username("oz").send().await.unwrap_err();
    assert_eq!(code(&e), "UserNotFoundException", "the other pool keeps its changes");
}
