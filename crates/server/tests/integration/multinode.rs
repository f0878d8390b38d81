//! Two `cognate` nodes on one fresh PostgreSQL database: sessions, revocations, lockout, keys
//! and SRP challenges cross nodes; concurrent writes lose nothing; SIGKILL loses no acknowledged
//! write. Runs when `COGNATE_TEST_POSTGRES_URL` names a server (the test command sets it).

use crate::common::*;
use base64::Engine;
use cognate_testkit::srp_client::{answer, now_timestamp, N};
use cognate_testkit::{postgres_admin_url, scratch_database};
use idp::types::*;
use num_bigint::BigUint;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Multi-Passw0rd!";

/// Two nodes sharing one new database and one master key; `None` without PostgreSQL.
pub(crate) async fn nodes() -> Option<(TestServer, TestServer, Vec<(String, String)>)> {
    if postgres_admin_url().is_none() {
        eprintln!("COGNATE_TEST_POSTGRES_URL is not set: multi-node tests skipped");
        return None;
    }
    if cognate_testkit::on_postgres() {
        // They always run on PostgreSQL: the first run of the suite has done them already.
        eprintln!("multi-node tests run once, in the first run of the suite");
        return None;
    }
    let url = scratch_database().await;
    let key = base64::engine::general_purpose::STANDARD.encode(uuid::Uuid::new_v4().as_bytes().repeat(2));
    let env = vec![
        ("COGNATE_DATABASE_URL".to_string(), url),
        ("COGNATE_MASTER_KEY".to_string(), key),
        ("COGNATE_KEY_RELOAD_SECS".to_string(), "1".to_string()),
        // Every node of a deployment has the same public URL (the load balancer's): the issuer.
        ("COGNATE_PUBLIC_URL".to_string(), "http://cognate.multinode.test".to_string()),
    ];
    let e: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (a, b) = tokio::join!(TestServer::start_with(BIN, &e), TestServer::start_with(BIN, &e));
    Some((a, b, env))
}

async fn setup(c: &idp::Client) -> (String, String) {
    let pool = pool(c).await;
    let client = app_client(c, &pool).await;
    (pool, client)
}

async fn user(c: &idp::Client, pool: &str, name: &str) {
    password_user(c, pool, name, PASSWORD, &[]).await;
}

async fn sign_in(
    c: &idp::Client,
    client: &str,
    name: &str,
    password: &str,
) -> Result<AuthenticationResultType, String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map(|r| r.authentication_result.unwrap())
        .map_err(|e| message(&e))
}

#[tokio::test]
async fn sessions_revocations_lockout_keys_and_srp_cross_nodes() {
    let Some((a, b, env)) = nodes().await else { return };
    let (ca, cb) = (a.client(), b.client());
    let (pool, client) = setup(&ca).await;
    user(&ca, &pool, "nina").await;
    // Sign in on A, refresh and call on B.
    let t = sign_in(&ca, &client, "nina", PASSWORD).await.unwrap();
    let access = t.access_token.unwrap();
    let refreshed = cb
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", t.refresh_token.unwrap())
        .send()
        .await
        .unwrap();
    assert!(refreshed.authentication_result.unwrap().access_token.is_some());
    cb.get_user().access_token(&access).send().await.unwrap();
    // GlobalSignOut on A: B refuses the token within the documented staleness (1 s poll).
    ca.global_sign_out().access_token(&access).send().await.unwrap();
    let started = Instant::now();
    loop {
        match cb.get_user().access_token(&access).send().await {
            Err(e) => {
                assert_eq!(code(&e), "NotAuthorizedException");
                break;
            }
            Ok(_) => {
                assert!(started.elapsed() < Duration::from_secs(3), "B still accepts a revoked token");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    eprintln!("revocation seen by the other node after {:?}", started.elapsed());

    // Lockout counted across both nodes: 3 failures on A and 2 on B lock the user everywhere.
    user(&ca, &pool, "lena").await;
    for (i, c) in [&ca, &ca, &ca, &cb, &cb].into_iter().enumerate() {
        assert_eq!(
            sign_in(c, &client, "lena", "Wrong-Passw0rd!").await.unwrap_err(),
            "Incorrect username or password.",
            "{i}"
        );
    }
    assert_eq!(sign_in(&ca, &client, "lena", PASSWORD).await.unwrap_err(), "Password attempts exceeded");

    // A key rotated through the shared database shows up in B's JWKS.
    let out = std::process::Command::new(BIN)
        .args(["keys", "rotate", "--data-dir"])
        .arg(&a.data_dir)
        .envs(env.iter().cloned())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let kid = text.split("new signing key ").nth(1).unwrap().split(';').next().unwrap().trim().to_string();
    let started = Instant::now();
    loop {
        let jwks: serde_json::Value = b
            .http()
            .get(format!("{}/{pool}/.well-known/jwks.json", b.endpoint))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if jwks["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid.as_str()) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "B never published {kid}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // An SRP challenge started on A is answered on B.
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    let secret = BigUint::from_bytes_be(&uuid::Uuid::new_v4().as_bytes().repeat(2));
    let big_a = BigUint::from(2u32).modpow(&secret, &n);
    let ch = ca
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "nina")
        .auth_parameters("SRP_A", big_a.to_str_radix(16))
        .send()
        .await
        .unwrap();
    let p: HashMap<String, String> = ch.challenge_parameters.unwrap().into_iter().collect();
    let ts = now_timestamp();
    let done = cb
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &p["USERNAME"])
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("TIMESTAMP", &ts)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", answer(&pool, &p, &secret, PASSWORD, &ts))
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.unwrap().id_token.is_some());
}

#[tokio::test]
async fn concurrent_writes_on_two_nodes_lose_nothing() {
    let Some((a, b, _)) = nodes().await else { return };
    let (ca, cb) = (a.client(), b.client());
    let (pool, _) = setup(&ca).await;
    // Many clients create one user name through both nodes: exactly one wins.
    let mut tasks = vec![];
    for i in 0..24 {
        let c = if i % 2 == 0 { ca.clone() } else { cb.clone() };
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            c.admin_create_user()
                .user_pool_id(&pool)
                .username("raced")
                .message_action(MessageActionType::Suppress)
                .send()
                .await
                .map_err(|e| code(&e))
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(code) => assert_eq!(code, "UsernameExistsException"),
        }
    }
    assert_eq!(wins, 1);
    // Concurrent updates of different attributes through both nodes: every write is kept.
    let names = ["name", "given_name", "family_name", "middle_name", "nickname", "profile", "website", "locale"];
    let mut tasks = vec![];
    for (i, n) in names.into_iter().enumerate() {
        let c = if i % 2 == 0 { ca.clone() } else { cb.clone() };
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            c.admin_update_user_attributes()
                .user_pool_id(&pool)
                .username("raced")
                .user_attributes(attr(n, &format!("value-{n}")))
                .send()
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let u = cb.admin_get_user().user_pool_id(&pool).username("raced").send().await.unwrap();
    for n in names {
        assert_eq!(value_of(u.user_attributes(), n), Some(format!("value-{n}").as_str()), "{n}");
    }
}

#[tokio::test]
async fn sigkill_loses_no_acknowledged_write() {
    let Some((mut a, b, _)) = nodes().await else { return };
    let (ca, cb) = (a.client(), b.client());
    let (pool, _) = setup(&ca).await;
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = vec![];
    for t in 0..4 {
        let (c, pool, acked) = (ca.clone(), pool.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("burst-{t}-{i}");
                let r = c
                    .admin_create_user()
                    .user_pool_id(&pool)
                    .username(&name)
                    .user_attributes(attr("email", &format!("{name}@example.com")))
                    .message_action(MessageActionType::Suppress)
                    .send()
                    .await;
                match r {
                    Ok(_) => acked.lock().unwrap().push(name),
                    Err(_) => break, // the node is gone
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    a.kill9().await;
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 4, "the burst wrote something before the kill ({})", acked.len());
    for name in &acked {
        let u = cb.admin_get_user().user_pool_id(&pool).username(name).send().await.unwrap();
        assert_eq!(value_of(u.user_attributes(), "email"), Some(format!("{name}@example.com").as_str()));
    }
    // Whatever else exists is whole: every listed user has its email.
    let listed = cb.list_users().user_pool_id(&pool).send().await.unwrap();
    for u in listed.users() {
        let name = u.username.clone().unwrap();
        assert_eq!(value_of(u.attributes(), "email"), Some(format!("{name}@example.com").as_str()));
    }
    eprintln!("{} acknowledged writes before SIGKILL, all readable on the other node", acked.len());
}

#[tokio::test]
async fn a_code_from_one_node_is_redeemed_on_the_other_and_logout_ends_the_session_on_both() {
    let Some((a, b, _env)) = nodes().await else { return };
    let c = a.client();
    let (pool, client, secret) = crate::hosted::oauth_pool(&c, true, None).await;
    password_user(&c, &pool, "mona", PASSWORD, &[("email", "mona@example.com")]).await;
    let fx = crate::hosted::Fx { s: a, c, pool, client, secret };
    let mut browser = cognate_testkit::browser::Browser::new(&fx.s.endpoint);
    let cb = fx.sign_in(&mut browser, "mona", PASSWORD).await;
    let code = cb.location_param("code").expect("a code from node A");
    // Node B redeems it (once).
    let http = b.http();
    let redeem = || {
        http.post(format!("{}/oauth2/token", b.endpoint))
            .basic_auth(&fx.client, fx.secret.as_ref())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", crate::hosted::CB),
                ("code_verifier", crate::hosted::VERIFIER),
            ])
            .send()
    };
    let (first, second) = tokio::join!(redeem(), redeem());
    let statuses = [first.unwrap().status().as_u16(), second.unwrap().status().as_u16()];
    assert!(statuses.contains(&200) && statuses.contains(&400), "exactly one redemption wins: {statuses:?}");
    // The session cookie from node A works on node B; logout on B ends it on A too.
    browser.rebase(&b.endpoint);
    let again = browser.get(&fx.authorize_url("")).await;
    assert!(again.location.as_deref().unwrap_or("").starts_with(crate::hosted::CB), "{:?}", again.location);
    let (name, value) = browser.cookie_pair("cognate_session_").expect("a session cookie");
    let out = browser
        .get(&format!("/logout?client_id={}&logout_uri={}", fx.client, "http%3A%2F%2Flocalhost%3A3000%2Fbye"))
        .await;
    assert_eq!(out.status, 302);
    // Node A learns of it through the revocation feed (within about a second, as for tokens).
    let started = Instant::now();
    loop {
        let mut copy = cognate_testkit::browser::Browser::new(&fx.s.endpoint);
        copy.set_cookie(&name, &value);
        let r = copy.get(&fx.authorize_url("&prompt=none")).await;
        if r.location_param("error").as_deref() == Some("login_required") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(3), "node A still takes a logged-out session");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Each node caches pools, clients and users (confirmed by a version probe on PostgreSQL): an
/// acknowledged write on one node is what the next read on either node returns, while writers on
/// both nodes and readers on both run at once.
#[tokio::test]
async fn reads_through_the_caches_see_every_acknowledged_write_on_both_nodes() {
    let Some((a, b, _)) = nodes().await else { return };
    let (ca, cb) = (a.client(), b.client());
    let (pool, client) = setup(&ca).await;
    user(&ca, &pool, "cached").await;
    let access = sign_in(&cb, &client, "cached", PASSWORD).await.unwrap().access_token.unwrap();
    let get = |c: idp::Client, pool: String| async move {
        c.admin_get_user().user_pool_id(&pool).username("cached").send().await
    };
    // Warm both nodes' caches.
    for c in [&ca, &cb] {
        get(c.clone(), pool.clone()).await.unwrap();
        c.describe_user_pool().user_pool_id(&pool).send().await.unwrap();
        c.describe_user_pool_client().user_pool_id(&pool).client_id(&client).send().await.unwrap();
        c.get_user().access_token(&access).send().await.unwrap();
    }
    // Readers keep both caches busy while a writer on each node changes its own attribute and
    // checks, after each acknowledgement, that both nodes (AdminGetUser, and GetUser by sub)
    // return what it wrote.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = vec![];
    for c in [ca.clone(), cb.clone(), ca.clone(), cb.clone()] {
        let (stop, pool) = (stop.clone(), pool.clone());
        readers.push(tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                c.admin_get_user().user_pool_id(&pool).username("cached").send().await.unwrap();
                n += 1;
            }
            n
        }));
    }
    let mut writers = vec![];
    for (attr_name, writer) in [("nickname", ca.clone()), ("given_name", cb.clone())] {
        let (ca, cb, pool, access) = (ca.clone(), cb.clone(), pool.clone(), access.clone());
        writers.push(tokio::spawn(async move {
            for i in 0..15 {
                let value = format!("{attr_name}-{i}");
                writer
                    .admin_update_user_attributes()
                    .user_pool_id(&pool)
                    .username("cached")
                    .user_attributes(attr(attr_name, &value))
                    .send()
                    .await
                    .unwrap();
                for (node, c) in [("a", &ca), ("b", &cb)] {
                    let u = c.admin_get_user().user_pool_id(&pool).username("cached").send().await.unwrap();
                    assert_eq!(
                        value_of(u.user_attributes(), attr_name),
                        Some(value.as_str()),
                        "AdminGetUser on {node}"
                    );
                    let me = c.get_user().access_token(&access).send().await.unwrap();
                    assert_eq!(value_of(me.user_attributes(), attr_name), Some(value.as_str()), "GetUser on {node}");
                }
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        assert!(r.await.unwrap() > 0);
    }

    // A pool and a client changed on one node are read changed on the other at once.
    ca.update_user_pool().user_pool_id(&pool).user_pool_tags("cache", "changed-on-a").send().await.unwrap();
    let p = cb.describe_user_pool().user_pool_id(&pool).send().await.unwrap().user_pool.unwrap();
    assert_eq!(p.user_pool_tags.unwrap().get("cache").map(String::as_str), Some("changed-on-a"));
    cb.update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client)
        .client_name("renamed-on-b")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let d = ca.describe_user_pool_client().user_pool_id(&pool).client_id(&client).send().await.unwrap();
    assert_eq!(d.user_pool_client.unwrap().client_name.as_deref(), Some("renamed-on-b"));

    // Deleted on one node, gone on the other; made again, the other node sees the new user.
    let old_sub = value_of(get(cb.clone(), pool.clone()).await.unwrap().user_attributes(), "sub").unwrap().to_string();
    ca.admin_delete_user().user_pool_id(&pool).username("cached").send().await.unwrap();
    let gone = get(cb.clone(), pool.clone()).await.expect_err("deleted");
    assert_eq!(code(&gone), "UserNotFoundException");
    assert!(cb.get_user().access_token(&access).send().await.is_err(), "GetUser of a deleted user");
    user(&cb, &pool, "cached").await;
    let again = get(ca.clone(), pool.clone()).await.unwrap();
    assert_ne!(value_of(again.user_attributes(), "sub"), Some(old_sub.as_str()), "the new user, not the cached one");
}
