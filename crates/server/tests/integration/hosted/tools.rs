//! Real tools: a person in Chromium (playwright-core) and openid-client as the relying party.

use super::*;

/// True when the browser tests run here: the JS clients are installed (`./scripts/test`), and
/// this is the SQLite pass (they run once).
pub(crate) fn browser_tests_run() -> bool {
    if std::env::var("COGNATE_JS_CLIENT_DIR").is_err() {
        eprintln!("skipped: run ./scripts/test to install the JS clients and Chromium");
        return false;
    }
    if cognate_testkit::on_postgres() {
        eprintln!("skipped on the PostgreSQL run: the browser tests run once, on SQLite");
        return false;
    }
    true
}

/// Starts a long-running script of `tests/js` (an upstream or fake service) with `cfg` as its
/// argument: its handle (the service stops when it is dropped) and the JSON line it prints when
/// ready. `None` when the JS clients are not installed.
pub(crate) async fn node_service(script: &str, cfg: &Value) -> Option<(tokio::process::Child, Value)> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = std::env::var("COGNATE_JS_CLIENT_DIR").ok()?;
    let mut child = tokio::process::Command::new("node")
        .arg(std::path::Path::new(&dir).join(script))
        .arg(cfg.to_string())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap_or_else(|| panic!("{script} says where it listens"));
    let ready = serde_json::from_str(&first).unwrap_or_else(|_| panic!("{script}: {first}"));
    // Keep reading: a closed pipe would end the service at its next line of output.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Some((child, ready))
}

/// Runs a script of `tests/js` with node; its last output line is JSON.
pub(crate) async fn node(script: &str, args: &[&str]) -> Option<Value> {
    let dir = std::env::var("COGNATE_JS_CLIENT_DIR").ok()?;
    let path = std::path::Path::new(&dir).join(script);
    // Asynchronously: the test's runtime keeps draining the server's output meanwhile.
    let out = tokio::process::Command::new("node").arg(path).args(args).output().await.expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    Some(
        serde_json::from_str(line)
            .unwrap_or_else(|_| panic!("{script}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr))),
    )
}

#[tokio::test]
async fn a_person_in_chromium_signs_up_confirms_resets_and_sets_up_mfa() {
    if !browser_tests_run() {
        return;
    }
    let s = server().await;
    let c = s.client();
    let app = app_server().await;
    let (cb, out) = (format!("{app}/cb"), format!("{app}/bye"));
    let (_open_pool, open_client, _) = oauth_pool_at(&c, false, None, &cb, &out).await;
    let (mfa_pool, mfa_client, _) = oauth_pool_at(&c, false, Some(UserPoolMfaType::On), &cb, &out).await;
    c.admin_create_user()
        .user_pool_id(&mfa_pool)
        .username("nina")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let cfg = serde_json::json!({
        "endpoint": s.endpoint,
        "outbox": s.data_dir.join("outbox.jsonl"),
        "callback": cb,
        "logout": out,
        "open": {"client": open_client},
        "mfa": {"client": mfa_client, "user": "nina", "temp": "Temp-Passw0rd!"},
    });
    let shots = std::env::var("COGNATE_SCREENSHOT_DIR").unwrap_or_default();
    let mut args = vec![cfg.to_string()];
    if !shots.is_empty() {
        args.push(shots);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = node("hosted-ui-browser.mjs", &args).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");
}

/// The app a browser comes back to: answers every request with a small page.
pub async fn app_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let body = "<!doctype html><title>app</title><h1>Signed in</h1>";
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
            });
        }
    });
    format!("http://localhost:{}", addr.port())
}

#[tokio::test]
async fn openid_client_as_the_relying_party() {
    if std::env::var("COGNATE_JS_CLIENT_DIR").is_err() {
        eprintln!("skipped: run ./scripts/test to install openid-client");
        return;
    }
    let f = fx_with(server().await, true, None).await;
    password_user(&f.c, &f.pool, "olga", PASSWORD, &[("email", "olga@example.com"), ("email_verified", "true")]).await;
    let cfg = serde_json::json!({
        "endpoint": f.s.endpoint, "pool": f.pool, "client": f.client, "secret": f.secret,
        "user": "olga", "password": PASSWORD, "email": "olga@example.com", "callback": CB,
    });
    let r = node("oidc-rp.mjs", &[&cfg.to_string()]).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["passed"].as_array().unwrap().len() >= 25, "{r}");
}

#[tokio::test]
async fn amplify_signs_in_with_redirect_and_signs_out() {
    if !browser_tests_run() {
        return;
    }
    let s = server().await;
    let c = s.client();
    // A public client, as Amplify apps use; the app's URLs are served by the browser test.
    let (pool, client, _) = oauth_pool_at(&c, false, None, "https://app.test/", "https://app.test/bye").await;
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("amy")
        .user_attributes(AttributeType::builder().name("email").value("amy@example.com").build().unwrap())
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    c.admin_set_user_password()
        .user_pool_id(&pool)
        .username("amy")
        .password("Amy-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let cfg = serde_json::json!({
        "endpoint": s.endpoint, "pool": pool, "client": client,
        "user": "amy", "password": "Amy-Passw0rd!", "email": "amy@example.com",
    });
    let r = node("amplify-redirect.mjs", &[&cfg.to_string()]).await.unwrap();
    assert_eq!(r["ok"], true, "{r}");
}
