//! USER_SRP_AUTH through the official SDK, with an SRP client written here from the protocol
//! description (amazon-cognito-identity-js's AuthenticationHelper), independent of the server's module.

use crate::common::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_testkit::srp_client::*;
use idp::types::*;
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const PASSWORD: &str = "Srp-Passw0rd!";

struct Fx {
    _s: TestServer,
    c: idp::Client,
    pool: String,
    client: String,
}

async fn fx(prevent: PreventUserExistenceErrorTypes) -> Fx {
    let s = server().await;
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("srp"))
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("spa")
        .prevent_user_existence_errors(prevent)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    for (name, email) in [("ann", "ann@example.com"), ("ben", "ben@example.com")] {
        password_user(&c, &pool, name, PASSWORD, &[("email", email), ("email_verified", "true")]).await;
    }
    Fx { _s: s, c, pool, client }
}

impl Fx {
    async fn start(&self, user: &str, a: &BigUint) -> Result<(HashMap<String, String>, Option<String>), String> {
        let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
        let big_a = BigUint::from(2u32).modpow(a, &n);
        self.c
            .initiate_auth()
            .client_id(&self.client)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", user)
            .auth_parameters("SRP_A", big_a.to_str_radix(16))
            .send()
            .await
            .map(|r| {
                assert_eq!(r.challenge_name, Some(ChallengeNameType::PasswordVerifier));
                (r.challenge_parameters.unwrap().into_iter().collect(), r.session)
            })
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }

    async fn finish(
        &self,
        params: &HashMap<String, String>,
        sig: &str,
        ts: &str,
        block: &str,
    ) -> Result<AuthenticationResultType, String> {
        self.c
            .respond_to_auth_challenge()
            .client_id(&self.client)
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .challenge_responses("USERNAME", &params["USERNAME"])
            .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", block)
            .challenge_responses("TIMESTAMP", ts)
            .challenge_responses("PASSWORD_CLAIM_SIGNATURE", sig)
            .send()
            .await
            .map(|r| r.authentication_result.unwrap())
            .map_err(|e| format!("{}: {}", code(&e), message(&e)))
    }
}

fn secret_a() -> BigUint {
    BigUint::from_bytes_be(uuid_bytes().as_slice())
}

fn uuid_bytes() -> Vec<u8> {
    (0..4).flat_map(|_| uuid::Uuid::new_v4().as_bytes().to_vec()).collect()
}

#[tokio::test]
async fn srp_sign_in_by_name_and_alias_without_session() {
    let f = fx(PreventUserExistenceErrorTypes::Legacy).await;
    for typed in ["ann", "ANN@example.com"] {
        let a = secret_a();
        let (params, _session) = f.start(typed, &a).await.unwrap();
        assert_eq!(params["USER_ID_FOR_SRP"], "ann");
        assert!(!params["SALT"].starts_with("000"), "SALT is canonical");
        STANDARD.decode(&params["SECRET_BLOCK"]).expect("SECRET_BLOCK is standard base64");
        let ts = now_timestamp();
        let sig = answer(&f.pool, &params, &a, PASSWORD, &ts);
        // No Session is sent back (pycognito does not), and the tokens are good.
        let tokens = f.finish(&params, &sig, &ts, &params["SECRET_BLOCK"]).await.unwrap();
        assert_eq!(f.c.get_user().access_token(tokens.access_token.unwrap()).send().await.unwrap().username, "ann");
    }
}

#[tokio::test]
async fn srp_rejections() {
    let f = fx(PreventUserExistenceErrorTypes::Legacy).await;
    let incorrect = "NotAuthorizedException: Incorrect username or password.";
    // Wrong password → wrong proof.
    let a = secret_a();
    let (p, _) = f.start("ben", &a).await.unwrap();
    let ts = now_timestamp();
    assert_eq!(
        f.finish(&p, &answer(&f.pool, &p, &a, "Wrong-Passw0rd", &ts), &ts, &p["SECRET_BLOCK"]).await.unwrap_err(),
        incorrect
    );
    // A forged proof.
    let (p, _) = f.start("ben", &a).await.unwrap();
    assert_eq!(
        f.finish(&p, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &ts, &p["SECRET_BLOCK"]).await.unwrap_err(),
        incorrect
    );
    // A tampered TIMESTAMP (the proof covers it).
    let (p, _) = f.start("ben", &a).await.unwrap();
    let sig = answer(&f.pool, &p, &a, PASSWORD, &ts);
    let other_ts = ts.replacen(" UTC", " UTC ", 1).replace("UTC  ", "UTC ");
    let tampered = if other_ts == ts { ts.replace(':', ";") } else { other_ts };
    assert_eq!(f.finish(&p, &sig, &tampered, &p["SECRET_BLOCK"]).await.unwrap_err(), incorrect);
    // A stale TIMESTAMP, even when correctly signed.
    let (p, _) = f.start("ben", &a).await.unwrap();
    let stale = "Tue Jan 2 03:04:05 UTC 2024";
    let sig = answer(&f.pool, &p, &a, PASSWORD, stale);
    assert_eq!(f.finish(&p, &sig, stale, &p["SECRET_BLOCK"]).await.unwrap_err(), incorrect);
    // A tampered SECRET_BLOCK.
    let (p, _) = f.start("ben", &a).await.unwrap();
    let mut block = STANDARD.decode(&p["SECRET_BLOCK"]).unwrap();
    block[20] ^= 1;
    let block = STANDARD.encode(block);
    let sig = answer(&f.pool, &p, &a, PASSWORD, &ts);
    assert_eq!(f.finish(&p, &sig, &ts, &block).await.unwrap_err(), incorrect);
    // The right answer works once; a replay of the same SECRET_BLOCK does not.
    let (p, _) = f.start("ben", &a).await.unwrap();
    let ts = now_timestamp();
    let sig = answer(&f.pool, &p, &a, PASSWORD, &ts);
    f.finish(&p, &sig, &ts, &p["SECRET_BLOCK"]).await.unwrap();
    assert_eq!(f.finish(&p, &sig, &ts, &p["SECRET_BLOCK"]).await.unwrap_err(), incorrect);
    // A zero A is refused up front; an unknown user is named in LEGACY mode.
    let e =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "ben")
            .auth_parameters("SRP_A", "0")
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e =
        f.c.initiate_auth()
            .client_id(&f.client)
            .auth_flow(AuthFlowType::UserSrpAuth)
            .auth_parameters("USERNAME", "ben")
            .auth_parameters("SRP_A", format!("1{}", N.to_lowercase()))
            .send()
            .await
            .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException", "A ≥ N is refused");
    assert_eq!(f.start("nobody", &a).await.unwrap_err(), "UserNotFoundException: User does not exist.");
}

#[tokio::test]
async fn srp_wrong_proofs_lock_and_unknown_users_get_a_fake_challenge() {
    let f = fx(PreventUserExistenceErrorTypes::Enabled).await;
    let a = secret_a();
    // Unknown user, existence hidden: a plausible challenge that fails like a wrong password.
    let (p, _) = f.start("ghost", &a).await.unwrap();
    assert_eq!(p["USER_ID_FOR_SRP"], "ghost");
    let ts = now_timestamp();
    let sig = answer(&f.pool, &p, &a, PASSWORD, &ts);
    assert_eq!(
        f.finish(&p, &sig, &ts, &p["SECRET_BLOCK"]).await.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );
    for _ in 0..5 {
        let (p, _) = f.start("ann", &a).await.unwrap();
        let sig = answer(&f.pool, &p, &a, "Wrong-Passw0rd", &ts);
        f.finish(&p, &sig, &ts, &p["SECRET_BLOCK"]).await.unwrap_err();
    }
    assert_eq!(f.start("ann", &a).await.unwrap_err(), "NotAuthorizedException: Password attempts exceeded");
}

#[tokio::test]
async fn remembered_device_sign_in() {
    // With PreTokenGeneration and PostAuthentication functions: a remembered device's sign-in
    // is TokenGeneration_AuthenticateDevice, the first one uses a new device.
    use cognate_testkit::lambda::{arn, respond, Answer, LambdaServer};
    let lambda = LambdaServer::start().await;
    lambda.on(&arn("ptg"), |e| {
        respond(e, serde_json::json!({ "claimsOverrideDetails": { "claimsToAddOrOverride": { "source": e["triggerSource"] } } }))
    });
    lambda.on(&arn("postAuth"), |e| Answer::Event(e.clone()));
    let s = TestServer::start_with(BIN, &[("COGNATE_LAMBDA_ENDPOINT", &lambda.endpoint)]).await;
    let c = s.client();
    let pool = c
        .create_user_pool()
        .pool_name(unique("devices"))
        .device_configuration(DeviceConfigurationType::builder().challenge_required_on_new_device(true).build())
        .lambda_config(
            LambdaConfigType::builder().pre_token_generation(arn("ptg")).post_authentication(arn("postAuth")).build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = client_with(&c, &pool, "app", &[]).await;
    password_user(&c, &pool, "dev", PASSWORD, &[]).await;
    let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
    let srp = |device: Option<String>| {
        let c = c.clone();
        let (pool, client) = (pool.clone(), client.clone());
        async move {
            let a = secret_a();
            let big_a = BigUint::from(2u32).modpow(&a, &BigUint::parse_bytes(N.as_bytes(), 16).unwrap());
            let r = c
                .initiate_auth()
                .client_id(&client)
                .auth_flow(AuthFlowType::UserSrpAuth)
                .auth_parameters("USERNAME", "dev")
                .auth_parameters("SRP_A", big_a.to_str_radix(16))
                .set_auth_parameters(None)
                .auth_parameters("USERNAME", "dev")
                .auth_parameters("SRP_A", big_a.to_str_radix(16))
                .auth_parameters("DEVICE_KEY", device.clone().unwrap_or_default())
                .send()
                .await
                .unwrap();
            let p: HashMap<String, String> = r.challenge_parameters.unwrap().into_iter().collect();
            let ts = now_timestamp();
            let mut req = c
                .respond_to_auth_challenge()
                .client_id(&client)
                .challenge_name(ChallengeNameType::PasswordVerifier)
                .challenge_responses("USERNAME", &p["USERNAME"])
                .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
                .challenge_responses("TIMESTAMP", &ts)
                .challenge_responses("PASSWORD_CLAIM_SIGNATURE", answer(&pool, &p, &a, PASSWORD, &ts));
            if let Some(d) = &device {
                req = req.challenge_responses("DEVICE_KEY", d);
            }
            req.send().await.unwrap()
        }
    };
    // First sign-in: a new device comes back.
    let first = srp(None).await.authentication_result.unwrap();
    let meta = first.new_device_metadata.unwrap();
    let (key, group) = (meta.device_key.unwrap(), meta.device_group_key.unwrap());
    assert!(key.starts_with("us-east-1_") && group.starts_with('-') && group.len() == 9, "{key} {group}");
    // ConfirmDevice with a verifier computed as the clients do.
    let device_password = "c2VjcmV0LWRldmljZS1wYXNzd29yZC0xMjM0NTY3ODkw";
    let salt = pad(&BigUint::from_bytes_be(&uuid_bytes()[..16]));
    let inner: String =
        Sha256::digest(format!("{group}{key}:{device_password}")).iter().map(|b| format!("{b:02x}")).collect();
    let x = h(&format!("{salt}{inner}"));
    let v = BigUint::from(2u32).modpow(&x, &n);
    let confirm = c
        .confirm_device()
        .access_token(first.access_token.clone().unwrap())
        .device_key(&key)
        .device_name("test phone")
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder()
                .password_verifier(STANDARD.encode(unhex(&pad(&v))))
                .salt(STANDARD.encode(unhex(&salt)))
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(!confirm.user_confirmation_necessary);
    // Second sign-in with the device: PASSWORD_VERIFIER leads to DEVICE_SRP_AUTH.
    let second = srp(Some(key.clone())).await;
    assert_eq!(second.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    let a = secret_a();
    let big_a = BigUint::from(2u32).modpow(&a, &n);
    let dp = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .challenge_responses("USERNAME", "dev")
        .challenge_responses("DEVICE_KEY", &key)
        .challenge_responses("SRP_A", big_a.to_str_radix(16))
        .send()
        .await
        .unwrap();
    assert_eq!(dp.challenge_name, Some(ChallengeNameType::DevicePasswordVerifier));
    let p: HashMap<String, String> = dp.challenge_parameters.unwrap().into_iter().collect();
    assert_eq!(p["DEVICE_KEY"], key);
    let ts = now_timestamp();
    let done = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::DevicePasswordVerifier)
        .challenge_responses("USERNAME", "dev")
        .challenge_responses("DEVICE_KEY", &key)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("TIMESTAMP", &ts)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", answer_as(&group, &key, &p, &a, device_password, &ts))
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    assert!(done.new_device_metadata.is_none());
    let id: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(done.id_token.as_deref().unwrap().split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(id["source"], "TokenGeneration_AuthenticateDevice");
    let sources: Vec<String> =
        lambda.events(&arn("ptg")).iter().map(|e| e["triggerSource"].as_str().unwrap().to_string()).collect();
    assert_eq!(sources.first().map(String::as_str), Some("TokenGeneration_Authentication"));
    let used: Vec<bool> =
        lambda.events(&arn("postAuth")).iter().map(|e| e["request"]["newDeviceUsed"].as_bool().unwrap()).collect();
    assert_eq!((used.first(), used.last()), (Some(&true), Some(&false)), "{used:?}");
    let access = done.access_token.unwrap();
    let payload: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(access.split('.').nth(1).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(payload["device_key"], key.as_str());
    // Skipping the password step: DEVICE_SRP_AUTH is refused without a fresh password proof.
    let e = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::DeviceSrpAuth)
        .challenge_responses("USERNAME", "dev")
        .challenge_responses("DEVICE_KEY", &key)
        .challenge_responses("SRP_A", big_a.to_str_radix(16))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    // The device operations.
    let listed = c.list_devices().access_token(&access).send().await.unwrap();
    assert_eq!(listed.devices().len(), 1);
    let d = c.get_device().access_token(&access).device_key(&key).send().await.unwrap().device.unwrap();
    let attrs = d.device_attributes();
    assert!(attrs.iter().any(|a| a.name == "device_status" && a.value.as_deref() == Some("remembered")));
    assert!(attrs.iter().any(|a| a.name == "device_name" && a.value.as_deref() == Some("test phone")));
    c.update_device_status()
        .access_token(&access)
        .device_key(&key)
        .device_remembered_status(DeviceRememberedStatusType::NotRemembered)
        .send()
        .await
        .unwrap();
    let d =
        c.admin_get_device().user_pool_id(&pool).username("dev").device_key(&key).send().await.unwrap().device.unwrap();
    assert!(d
        .device_attributes()
        .iter()
        .any(|a| a.name == "device_status" && a.value.as_deref() == Some("not_remembered")));
    assert_eq!(c.admin_list_devices().user_pool_id(&pool).username("dev").send().await.unwrap().devices().len(), 1);
    let e = c
        .get_device()
        .access_token(&access)
        .device_key("us-east-1_00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert!(message(&e).contains("Device"), "the JS client looks for 'device' in the message");
    c.forget_device().access_token(&access).device_key(&key).send().await.unwrap();
    assert!(c.admin_list_devices().user_pool_id(&pool).username("dev").send().await.unwrap().devices().is_empty());
}
