//! User import jobs: the CSV header, a job's upload URL on the listener (once, with its token),
//! Cognito's row rules with a per-row report, users in RESET_REQUIRED who set a password
//! through ForgotPassword, stopping, and boto3 importing 100,000 users.

use crate::common::*;
use cognate_testkit::SmtpSink;
use idp::types::*;

async fn import_pool(c: &idp::Client) -> String {
    c.create_user_pool()
        .pool_name(unique("import"))
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

fn csv_of(header: &[String], rows: &[&[(&str, &str)]]) -> String {
    let mut out = header.join(",") + "\n";
    for row in rows {
        let cells: Vec<String> = header
            .iter()
            .map(|h| row.iter().find(|(k, _)| k == h).map(|(_, v)| v.to_string()).unwrap_or_default())
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

async fn wait_done(c: &idp::Client, pool: &str, job: &str) -> UserImportJobType {
    for _ in 0..600 {
        let j =
            c.describe_user_import_job().user_pool_id(pool).job_id(job).send().await.unwrap().user_import_job.unwrap();
        if !matches!(
            j.status,
            Some(UserImportJobStatusType::Pending)
                | Some(UserImportJobStatusType::InProgress)
                | Some(UserImportJobStatusType::Stopping)
        ) {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import job did not end");
}

#[tokio::test]
async fn an_import_job_creates_users_in_reset_required_and_reports_bad_rows() {
    let smtp = SmtpSink::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_SMTP_URL", &smtp.url), ("COGNATE_EMAIL_FROM", "auth@example.com")])
        .await;
    let c = s.client();
    let pool = import_pool(&c).await;
    let header = c.get_csv_header().user_pool_id(&pool).send().await.unwrap().csv_header.unwrap();
    let job = c
        .create_user_import_job()
        .user_pool_id(&pool)
        .job_name("first")
        .cloud_watch_logs_role_arn("arn:aws:iam::000000000000:role/CognitoImport")
        .send()
        .await
        .unwrap()
        .user_import_job
        .unwrap();
    assert_eq!(job.status, Some(UserImportJobStatusType::Created));
    let job_id = job.job_id.clone().unwrap();
    let url = job.pre_signed_url.clone().unwrap();
    assert!(url.starts_with(&format!("{}/_import/{pool}/{job_id}?token=", s.endpoint)), "{url}");

    let e = c.start_user_import_job().user_pool_id(&pool).job_id(&job_id).send().await.unwrap_err();
    assert_eq!(code(&e), "PreconditionNotMetException", "nothing uploaded yet");
    let e = c.stop_user_import_job().user_pool_id(&pool).job_id(&job_id).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException", "a job that never started cannot stop");

    let body = csv_of(
        &header,
        &[
            &[
                ("cognito:username", "ann"),
                ("email", "ann@example.com"),
                ("email_verified", "true"),
                ("cognito:mfa_enabled", "false"),
                ("name", "Ann"),
            ],
            &[
                ("cognito:username", "bob"),
                ("email", "bob@example.com"),
                ("email_verified", "false"),
                ("cognito:mfa_enabled", "false"),
            ],
            &[
                ("cognito:username", "cy"),
                ("email", "cy@example.com"),
                ("email_verified", "true"),
                ("cognito:mfa_enabled", "maybe"),
            ],
            &[
                ("cognito:username", "ann"),
                ("email", "ann2@example.com"),
                ("email_verified", "true"),
                ("cognito:mfa_enabled", "false"),
            ],
            &[
                ("cognito:username", "dee"),
                ("email", "ann@example.com"),
                ("email_verified", "true"),
                ("cognito:mfa_enabled", "false"),
            ],
            &[
                ("cognito:username", "eve"),
                ("email", "eve@example.com"),
                ("email_verified", "TRUE"),
                ("cognito:mfa_enabled", "FALSE"),
            ],
        ],
    );
    let http = s.http();
    let bad = http.put(url.replace("token=", "token=x")).body(body.clone()).send().await.unwrap();
    assert_eq!(bad.status(), 403, "a forged token");
    let up = http.put(&url).header("x-amz-server-side-encryption", "aws:kms").body(body.clone()).send().await.unwrap();
    assert_eq!(up.status(), 200);
    let again = http.put(&url).body(body).send().await.unwrap();
    assert_eq!(again.status(), 403, "the URL is single use");

    let started =
        c.start_user_import_job().user_pool_id(&pool).job_id(&job_id).send().await.unwrap().user_import_job.unwrap();
    assert_eq!(started.status, Some(UserImportJobStatusType::Pending));
    let done = wait_done(&c, &pool, &job_id).await;
    assert_eq!(done.status, Some(UserImportJobStatusType::Succeeded), "{:?}", done.completion_message);
    assert_eq!((done.imported_users, done.failed_users, done.skipped_users), (2, 4, 0));
    assert!(done.start_date.is_some() && done.completion_date.is_some());
    let e = c.start_user_import_job().user_pool_id(&pool).job_id(&job_id).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException", "a job runs once");

    let ann = c.admin_get_user().user_pool_id(&pool).username("ann").send().await.unwrap();
    assert_eq!(ann.user_status, Some(UserStatusType::ResetRequired));
    assert_eq!(value_of(ann.user_attributes(), "name"), Some("Ann"));
    assert_eq!(value_of(ann.user_attributes(), "email_verified"), Some("true"));
    let eve = c.admin_get_user().user_pool_id(&pool).username("eve@example.com").send().await.unwrap();
    assert_eq!(eve.username, "eve", "signs in by the verified email alias");

    // Imported users set their password through the reset flow, then sign in.
    let client = app_client(&c, &pool).await;
    let e = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ann")
        .auth_parameters("PASSWORD", "Whatever-1234!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "PasswordResetRequiredException");
    c.forgot_password().client_id(&client).username("ann").send().await.unwrap();
    let code_sent = smtp.wait_for("ann@example.com", 1).await.code().unwrap();
    c.confirm_forgot_password()
        .client_id(&client)
        .username("ann")
        .confirmation_code(code_sent)
        .password("Imported-Passw0rd!")
        .send()
        .await
        .unwrap();
    let tokens = c
        .initiate_auth()
        .client_id(&client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "ann")
        .auth_parameters("PASSWORD", "Imported-Passw0rd!")
        .send()
        .await
        .unwrap();
    assert!(tokens.authentication_result.is_some());

    let listed = c.list_user_import_jobs().user_pool_id(&pool).max_results(10).send().await.unwrap();
    assert_eq!(listed.user_import_jobs().len(), 1);
    assert_eq!(listed.user_import_jobs()[0].job_id.as_deref(), Some(job_id.as_str()));
    let e = c.describe_user_import_job().user_pool_id(&pool).job_id("import-nope").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
}

#[tokio::test]
async fn a_bad_header_fails_the_job_and_a_stopped_job_skips_the_rest() {
    let s = server().await;
    let c = s.client();
    let pool = import_pool(&c).await;
    let http = s.http();
    let new_job = |name: &'static str| {
        let c = c.clone();
        let pool = pool.clone();
        async move {
            c.create_user_import_job()
                .user_pool_id(&pool)
                .job_name(name)
                .cloud_watch_logs_role_arn("arn:aws:iam::000000000000:role/CognitoImport")
                .send()
                .await
                .unwrap()
                .user_import_job
                .unwrap()
        }
    };
    let job = new_job("bad header").await;
    let url = job.pre_signed_url.unwrap();
    http.put(&url).body("cognito:username,email,shoe_size\nann,a@b.io,9\n").send().await.unwrap();
    let id = job.job_id.unwrap();
    c.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let done = wait_done(&c, &pool, &id).await;
    assert_eq!(done.status, Some(UserImportJobStatusType::Failed));
    assert!(done.completion_message.unwrap().contains("shoe_size"));

    let header = c.get_csv_header().user_pool_id(&pool).send().await.unwrap().csv_header.unwrap();
    let mut body = header.join(",") + "\n";
    let at = |h: &str| header.iter().position(|x| x == h).unwrap();
    for i in 0..30_000 {
        let mut cells = vec![String::new(); header.len()];
        cells[at("cognito:username")] = format!("u{i}");
        cells[at("cognito:mfa_enabled")] = "false".into();
        cells[at("email")] = format!("u{i}@example.com");
        cells[at("email_verified")] = "true".into();
        body += &(cells.join(",") + "\n");
    }
    let job = new_job("stopped").await;
    let id = job.job_id.unwrap();
    http.put(job.pre_signed_url.unwrap()).body(body).send().await.unwrap();
    c.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let stopping = c.stop_user_import_job().user_pool_id(&pool).job_id(&id).send().await;
    let done = wait_done(&c, &pool, &id).await;
    let (imported, skipped) = (done.imported_users, done.skipped_users);
    if stopping.is_ok() {
        assert_eq!(done.status, Some(UserImportJobStatusType::Stopped));
        assert!(skipped > 0, "the rows not reached are skipped");
    }
    assert_eq!(imported + skipped + done.failed_users, 30_000);
    let listed = c.list_user_import_jobs().user_pool_id(&pool).max_results(1).send().await.unwrap();
    let next = listed.pagination_token.clone().expect("a second page");
    let page2 =
        c.list_user_import_jobs().user_pool_id(&pool).max_results(1).pagination_token(next).send().await.unwrap();
    assert_eq!(page2.user_import_jobs()[0].job_name.as_deref(), Some("stopped"));
}

#[tokio::test]
async fn boto3_imports_100000_users_through_the_presigned_url() {
    let Ok(python) = std::env::var("COGNATE_PYTHON") else {
        eprintln!("skipped: run ./scripts/test to install boto3");
        return;
    };
    let s = server().await;
    let c = s.client();
    let pool = import_pool(&c).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/import_users.py");
    let out = std::process::Command::new(python)
        .args([script, &s.endpoint, cognate_testkit::ACCESS_KEY, cognate_testkit::SECRET_KEY, &pool, "100000"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["created_status"], "Created");
    assert_eq!((r["upload_status"].as_i64(), r["second_upload_status"].as_i64()), (Some(200), Some(403)));
    assert_eq!(r["status"], "Succeeded", "{r}");
    assert_eq!(
        (r["imported"].as_i64(), r["failed"].as_i64(), r["skipped"].as_i64()),
        (Some(99_900), Some(100), Some(0))
    );
    assert_eq!(r["user_status"], "RESET_REQUIRED");
    eprintln!("boto3 imported 100,000 rows in {} s", r["seconds"]);
}

fn cognate_cli(s: &TestServer, args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new(BIN)
        .args(args)
        .args(["--data-dir", s.data_dir.to_str().unwrap()])
        .envs(s.backend_env())
        .output()
        .expect("cognate runs");
    assert!(out.status.success(), "cognate {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[tokio::test]
async fn an_export_moves_users_with_their_passwords_totp_and_groups_to_another_server() {
    use cognate_testkit::totp;
    const PASSWORD: &str = "Moving-Passw0rd!";
    let a = server().await;
    let c = a.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("moving"))
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::Optional)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let client = app_client(&c, &pool).await;
    for name in ["tom", "ula"] {
        password_user(&c, &pool, name, PASSWORD, &[]).await;
    }
    c.create_group().user_pool_id(&pool).group_name("admins").precedence(1).send().await.unwrap();
    c.admin_add_user_to_group().user_pool_id(&pool).username("tom").group_name("admins").send().await.unwrap();
    let sign_in = |c: idp::Client, client: String, name: &'static str| async move {
        c.initiate_auth()
            .client_id(client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", name)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap()
    };
    let access = sign_in(c.clone(), client.clone(), "tom").await.authentication_result.unwrap().access_token.unwrap();
    let secret = c.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    c.verify_software_token().access_token(&access).user_code(totp::code(&secret, totp::now())).send().await.unwrap();
    c.set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let (key, file) = (dir.path().join("export.key"), dir.path().join("users.jsonl"));
    let (key_s, file_s) = (key.to_str().unwrap(), file.to_str().unwrap());
    cognate_cli(&a, &["users", "export", "--pool", &pool, "--key-file", key_s, "--out", file_s]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 3, "a head line and two users");
    assert!(text.contains("$argon2id$"), "password hashes travel");
    assert!(!text.contains(&secret), "the TOTP secret is sealed");

    // Another server, with another master key.
    let mut b = server().await;
    assert!(b.stop().await);
    let out = cognate_cli(&b, &["users", "import", file_s, "--key-file", key_s]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 2 users"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    b.restart_after_stop().await;
    let cb = b.client();
    let client_b = app_client(&cb, &pool).await;
    let ula = sign_in(cb.clone(), client_b.clone(), "ula").await;
    assert!(ula.authentication_result.is_some(), "the old password works");
    let ch = sign_in(cb.clone(), client_b.clone(), "tom").await;
    assert_eq!(ch.challenge_name, Some(ChallengeNameType::SoftwareTokenMfa), "TOTP came along");
    let done = cb
        .respond_to_auth_challenge()
        .client_id(&client_b)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(ch.session.unwrap())
        .challenge_responses("USERNAME", "tom")
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp::code(&secret, totp::now() + 30))
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    let groups = cb.admin_list_groups_for_user().user_pool_id(&pool).username("tom").send().await.unwrap();
    assert_eq!(groups.groups()[0].group_name.as_deref(), Some("admins"));

    // A Cognito CSV of 100,000 users from the command line, with a report of the refused rows
    // (every 1,000th has no verified email).
    let csv_pool = import_pool(&cb).await;
    let header = cb.get_csv_header().user_pool_id(&csv_pool).send().await.unwrap().csv_header.unwrap();
    let at = |h: &str| header.iter().position(|x| x == h).unwrap();
    let mut body = header.join(",") + "\n";
    for i in 0..100_000 {
        let mut cells = vec![String::new(); header.len()];
        let name = if i == 0 { "vic".to_string() } else { format!("u{i:06}") };
        cells[at("cognito:username")] = name.clone();
        cells[at("cognito:mfa_enabled")] = "false".into();
        cells[at("email")] = format!("{name}@example.com");
        cells[at("email_verified")] = if i % 1000 == 999 { "false" } else { "true" }.into();
        body += &(cells.join(",") + "\n");
    }
    let (csv_file, report) = (dir.path().join("users.csv"), dir.path().join("report.csv"));
    std::fs::write(&csv_file, body).unwrap();
    let out = cognate_cli(
        &b,
        &["users", "import", csv_file.to_str().unwrap(), "--pool", &csv_pool, "--report", report.to_str().unwrap()],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 99900 users"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("100.0%"), "a progress line");
    let report = std::fs::read_to_string(report).unwrap();
    assert_eq!(report.lines().count(), 101, "the header and 100 refused rows");
    assert!(report.starts_with("line,username,reason\n1001,u000999,At least one auto-verified attribute"), "{report}");
    // A fresh client: the import outlasted the server's keep-alive limit, and the test clients
    // do not retry a connection the server closed meanwhile.
    let cb = b.client();
    let vic = cb.admin_get_user().user_pool_id(&csv_pool).username("vic").send().await.unwrap();
    assert_eq!(vic.user_status, Some(UserStatusType::ResetRequired));
}

#[tokio::test]
async fn an_import_job_moves_between_nodes() {
    let Some((a, b, _)) = crate::multinode::nodes().await else { return };
    let (ca, cb) = (a.client(), b.client());
    let pool = import_pool(&ca).await;
    let job = ca
        .create_user_import_job()
        .user_pool_id(&pool)
        .job_name("across")
        .cloud_watch_logs_role_arn("arn:aws:iam::000000000000:role/CognitoImport")
        .send()
        .await
        .unwrap()
        .user_import_job
        .unwrap();
    let id = job.job_id.unwrap();
    // The URL names the deployment's public URL (the load balancer); B receives the file.
    let url = job.pre_signed_url.unwrap().replace("http://cognate.multinode.test", &b.endpoint);
    let header = cb.get_csv_header().user_pool_id(&pool).send().await.unwrap().csv_header.unwrap();
    let at = |h: &str| header.iter().position(|x| x == h).unwrap();
    let mut body = header.join(",") + "\n";
    for i in 0..5_000 {
        let mut cells = vec![String::new(); header.len()];
        cells[at("cognito:username")] = format!("n{i}");
        cells[at("cognito:mfa_enabled")] = "false".into();
        cells[at("email")] = format!("n{i}@example.com");
        cells[at("email_verified")] = "true".into();
        body += &(cells.join(",") + "\n");
    }
    assert_eq!(b.http().put(&url).body(body).send().await.unwrap().status(), 200);
    cb.start_user_import_job().user_pool_id(&pool).job_id(&id).send().await.unwrap();
    let done = wait_done(&ca, &pool, &id).await;
    assert_eq!(done.status, Some(UserImportJobStatusType::Succeeded));
    assert_eq!(done.imported_users, 5_000);
    ca.admin_get_user().user_pool_id(&pool).username("n4999").send().await.unwrap();
}
