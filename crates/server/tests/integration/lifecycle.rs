//! Start, restart, shutdown, secrets at rest, and configuration errors of the real binary.

use crate::common::*;
use idp::types::MessageActionType;

#[tokio::test]
async fn restart_keeps_everything() {
    let mut s = server().await;
    let id = pool(&s.client()).await;
    s.client()
        .admin_create_user()
        .user_pool_id(&id)
        .username("ivy")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let cid = s
        .client()
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("c")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    s.restart().await;
    let c = s.client();
    assert_eq!(c.admin_get_user().user_pool_id(&id).username("ivy").send().await.unwrap().username, "ivy");
    let d = c
        .describe_user_pool_client()
        .user_pool_id(&id)
        .client_id(cid.client_id.unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(d.client_secret, cid.client_secret);
}

#[tokio::test]
async fn generated_secrets_are_private_and_a_wrong_master_key_stops_the_start() {
    let mut s = server().await;
    pool(&s.client()).await;
    assert!(s.stop().await);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.data_dir.join("master.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let wrong = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let err = s.try_start_sibling(&[("COGNATE_MASTER_KEY", wrong)]).await.err().expect("refused");
    assert!(err.contains("master key does not match"), "{err}");
    let err = s.try_start_sibling(&[("COGNATE_MASTER_KEY", "short")]).await.err().expect("refused");
    assert!(err.contains("master key"), "{err}");
    let err = s.try_start_sibling(&[("COGNATE_REGION", "local")]).await.err().expect("refused");
    assert!(err.contains("region"), "{err}");
}

#[tokio::test]
async fn generated_admin_credentials_work_with_the_sdk() {
    let dir = tempfile::tempdir().unwrap();
    // No admin key in the environment: the first start generates one into the data dir.
    let out = tokio::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("COGNATE_ADMIN_ACCESS_KEY_ID")
        .env_remove("COGNATE_ADMIN_SECRET_ACCESS_KEY")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let text = std::fs::read_to_string(loop {
        let p = dir.path().join("admin-credentials.env");
        if p.exists() && std::fs::metadata(&p).unwrap().len() > 0 {
            break p;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    })
    .unwrap();
    drop(out);
    let get = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).unwrap().to_string();
    let (id, secret) = (get("AWS_ACCESS_KEY_ID="), get("AWS_SECRET_ACCESS_KEY="));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let s = TestServer::try_start(
        BIN,
        dir.path(),
        &[("COGNATE_ADMIN_ACCESS_KEY_ID", ""), ("COGNATE_ADMIN_SECRET_ACCESS_KEY", "")],
    )
    .await
    .unwrap();
    s.client_with(&id, &secret).list_user_pools().max_results(1).send().await.unwrap();
    let e = s.client().list_user_pools().max_results(1).send().await.unwrap_err();
    assert_eq!(code(&e), "UnrecognizedClientException");
}

#[tokio::test]
async fn sigterm_finishes_in_flight_requests() {
    let mut s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    let mut tasks = vec![];
    for i in 0..8 {
        let c = c.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            c.admin_create_user()
                .user_pool_id(id)
                .username(format!("burst{i}"))
                .message_action(MessageActionType::Suppress)
                .send()
                .await
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert!(s.stop().await, "clean exit");
    let acknowledged: Vec<usize> =
        futures_ok(tasks).await.into_iter().enumerate().filter(|(_, ok)| *ok).map(|(i, _)| i).collect();
    s.restart_after_stop().await;
    for i in acknowledged {
        s.client().admin_get_user().user_pool_id(&id).username(format!("burst{i}")).send().await.unwrap();
    }
}

async fn futures_ok<T, E>(tasks: Vec<tokio::task::JoinHandle<Result<T, E>>>) -> Vec<bool> {
    let mut out = vec![];
    for t in tasks {
        out.push(matches!(t.await, Ok(Ok(_))));
    }
    out
}

#[tokio::test]
async fn logs_to_a_pipe_carry_no_colour_codes() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("COGNATE_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = String::new();
    let ready = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("ready") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "{seen}");
    assert!(!seen.contains('\u{1b}'), "ANSI escape codes in a piped log: {seen:?}");
}

/// One server per SQLite data dir (its read cache relies on being the only writer): a second
/// `serve` on the same dir is refused with a message that says why, and the first keeps serving.
#[tokio::test]
async fn a_second_server_on_the_same_data_dir_is_refused() {
    if cognate_testkit::on_postgres() {
        return; // several nodes share a PostgreSQL database by design
    }
    let s = server().await;
    let err = s.try_start_sibling(&[]).await.err().unwrap_or_default();
    assert!(err.contains("another cognate server is serving the data dir"), "{err}");
    pool(&s.client()).await;
}
