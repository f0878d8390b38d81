//! The real client libraries against the real binary: amazon-cognito-identity-js and aws-amplify
//! v6 (Node) and pycognito (Python) sign in with USER_SRP_AUTH. `scripts/test` installs them and sets
//! COGNATE_JS_CLIENT_DIR and COGNATE_PYTHON; a bare `cargo test` skips these with a notice.

use crate::common::*;
use idp::types::*;
use std::path::PathBuf;

const PASSWORD: &str = "Client-Passw0rd!";

async fn setup() -> (TestServer, String, String) {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    let client = client_with(&c, &pool, "real-clients", &[]).await;
    password_user(&c, &pool, "dora", PASSWORD, &[("email", "dora@example.com")]).await;
    (s, pool, client)
}

fn run(program: &str, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(program).args(args).output().expect("client runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .unwrap_or_else(|_| panic!("{program}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn amazon_cognito_identity_js_srp_sign_in() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install amazon-cognito-identity-js");
        return;
    };
    let (s, pool, client) = setup().await;
    let script = PathBuf::from(&dir).join("srp-sign-in.js");
    let script = script.to_str().unwrap();
    let ok = run("node", &[script, &s.endpoint, &pool, &client, "dora", PASSWORD]);
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["username"], "dora");
    assert_eq!(ok["idTokenUse"], "id");
    assert!(ok["attributes"].as_array().unwrap().iter().any(|a| a[0] == "email" && a[1] == "dora@example.com"));
    let bad = run("node", &[script, &s.endpoint, &pool, &client, "dora", "Wrong-Passw0rd"]);
    assert_eq!(
        (bad["code"].as_str(), bad["message"].as_str()),
        (Some("NotAuthorizedException"), Some("Incorrect username or password."))
    );
}

#[tokio::test]
async fn amazon_cognito_identity_js_remembers_the_device() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install amazon-cognito-identity-js");
        return;
    };
    let s = server().await;
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("js-devices"))
        .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true).build())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_with(&c, &pool, "js", &[]).await;
    password_user(&c, &pool, "eve", PASSWORD, &[]).await;
    let script = PathBuf::from(&dir).join("device-sign-in.js");
    let out = run("node", &[script.to_str().unwrap(), &s.endpoint, &pool, &client, "eve", PASSWORD]);
    assert_eq!(out["ok"], true, "{out}");
    let key = out["deviceKey"].as_str().expect("the library cached a device key");
    assert_eq!(out["firstTokenDevice"], key);
    assert_eq!(out["secondTokenDevice"], key, "the second sign-in went through the device");
    let devices = c.admin_list_devices().user_pool_id(&pool).username("eve").send().await.unwrap();
    assert_eq!(devices.devices().len(), 1);
}

#[tokio::test]
async fn aws_amplify_v6_sign_in() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install aws-amplify");
        return;
    };
    let (s, pool, client) = setup().await;
    let script = PathBuf::from(&dir).join("amplify-sign-in.mjs");
    let script = script.to_str().unwrap();
    let ok = run("node", &[script, &s.endpoint, &pool, &client, "dora", PASSWORD]);
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!((ok["username"].as_str(), ok["tokenUse"].as_str()), (Some("dora"), Some("access")));
    assert_eq!(ok["email"], "dora@example.com");
    let bad = run("node", &[script, &s.endpoint, &pool, &client, "dora", "Wrong-Passw0rd"]);
    assert_eq!(
        (bad["name"].as_str(), bad["message"].as_str()),
        (Some("NotAuthorizedException"), Some("Incorrect username or password."))
    );
}

#[tokio::test]
async fn pycognito_srp_sign_in_and_token_verification() {
    let Ok(python) = std::env::var("COGNATE_PYTHON") else {
        eprintln!("skipped: run ./scripts/test to install pycognito");
        return;
    };
    let (s, pool, client) = setup().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/srp_sign_in.py");
    let ok = run(&python, &[script, &s.endpoint, &pool, &client, "dora", PASSWORD]);
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["username"], "dora");
    let bad = run(&python, &[script, &s.endpoint, &pool, &client, "dora", "Wrong-Passw0rd"]);
    assert_eq!(bad["ok"], false);
    assert!(bad["error"].as_str().unwrap().contains("Incorrect username or password."), "{bad}");
}

/// amazon-cognito-identity-js enrolls an authenticator and answers SOFTWARE_TOKEN_MFA; with a
/// pool that requires MFA it goes through MFA_SETUP on its own.
#[tokio::test]
async fn amazon_cognito_identity_js_totp_mfa() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install amazon-cognito-identity-js");
        return;
    };
    let script = PathBuf::from(&dir).join("totp-mfa.js");
    let script = script.to_str().unwrap();
    for (mode, mfa) in [("enroll", UserPoolMfaType::Optional), ("setup", UserPoolMfaType::On)] {
        let (s, pool, client) = setup().await;
        let c = s.client();
        c.set_user_pool_mfa_config()
            .user_pool_id(&pool)
            .mfa_configuration(mfa)
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send()
            .await
            .unwrap();
        let out = run("node", &[script, mode, &s.endpoint, &pool, &client, "dora", PASSWORD]);
        assert_eq!(out["ok"], true, "{mode}: {out}");
        let want = if mode == "enroll" { "SOFTWARE_TOKEN_MFA" } else { "MFA_SETUP" };
        assert_eq!((out["challenge"].as_str(), out["tokenUse"].as_str()), (Some(want), Some("access")), "{mode}");
        let u = c.admin_get_user().user_pool_id(&pool).username("dora").send().await.unwrap();
        assert_eq!(u.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"], "{mode}");
    }
}

/// aws-amplify v6: TOTP setup during sign-in (MFA required), then a TOTP code at the next sign-in.
#[tokio::test]
async fn aws_amplify_v6_totp_mfa() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install aws-amplify");
        return;
    };
    let (s, pool, client) = setup().await;
    s.client()
        .set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let script = PathBuf::from(&dir).join("amplify-totp.mjs");
    let out = run("node", &[script.to_str().unwrap(), &s.endpoint, &pool, &client, "dora", PASSWORD]);
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(out["setupStep"], "CONTINUE_SIGN_IN_WITH_TOTP_SETUP");
    assert_eq!(out["codeStep"], "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    assert_eq!(out["tokenUse"], "access");
}
