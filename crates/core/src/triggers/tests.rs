//! The trigger plumbing without a server: the event's common members, the error mapping, the
//! retries, and PreTokenGeneration's effect on claims.

use super::{Call, InvokeError, Invoker, Trigger};
use crate::triggers::claims::{Draft, TokenSource};
use crate::{CoreError, RequestContext};
use async_trait::async_trait;
use cognate_model::LambdaConfig;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};

type Answer = Box<dyn Fn(&Value) -> Result<Value, InvokeError> + Send + Sync>;

/// An invoker that records each event and answers with `answer(event)`.
struct Fake {
    seen: Mutex<Vec<(String, Value)>>,
    answer: Answer,
}

#[async_trait]
impl Invoker for Fake {
    async fn invoke(&self, function: &str, payload: Vec<u8>) -> Result<Vec<u8>, InvokeError> {
        let event: Value = serde_json::from_slice(&payload).unwrap();
        self.seen.lock().unwrap().push((function.to_string(), event.clone()));
        (self.answer)(&event).map(|v| serde_json::to_vec(&v).unwrap())
    }
}

fn fake(answer: impl Fn(&Value) -> Result<Value, InvokeError> + Send + Sync + 'static) -> Arc<Fake> {
    Arc::new(Fake { seen: Mutex::new(vec![]), answer: Box::new(answer) })
}

async fn pool_with(config: LambdaConfig, invoker: Arc<Fake>) -> (crate::Cognate, cognate_model::UserPool) {
    let (svc, mut pool, _) = crate::tests::service().await;
    pool.settings.lambda_config = config;
    (svc.with_invoker(invoker), pool)
}

fn pre_sign_up() -> LambdaConfig {
    LambdaConfig {
        pre_sign_up: Some("arn:aws:lambda:us-east-1:000000000000:function:pre".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn events_carry_cognitos_common_members() {
    let invoker = fake(|e| {
        let mut e = e.clone();
        e["response"]["autoConfirmUser"] = json!(true);
        Ok(e)
    });
    let (svc, pool) = pool_with(pre_sign_up(), invoker.clone()).await;
    let mut rc = RequestContext::internal();
    rc.user_agent = Some("aws-sdk-js/3.600.0 ua/2.1 os/linux".into());
    rc.trigger_input.client_metadata.insert("k".into(), "v".into());
    let call = Call {
        trigger: Trigger::PreSignUp,
        source: "PreSignUp_SignUp",
        pool: &pool,
        user_name: "alice",
        client_id: Some("client1"),
        req: &rc,
    };
    let d = svc.pre_sign_up(&call, &[("email".into(), "a@example.com".into())]).await.unwrap().unwrap();
    assert!(d.auto_confirm && !d.auto_verify_email);
    let seen = invoker.seen.lock().unwrap();
    let (function, e) = &seen[0];
    assert_eq!(function, "arn:aws:lambda:us-east-1:000000000000:function:pre");
    assert_eq!(e["version"], "1");
    assert_eq!(e["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(e["region"], "us-east-1");
    assert_eq!(e["userPoolId"], pool.id.as_str());
    assert_eq!(e["userName"], "alice");
    assert_eq!(e["callerContext"], json!({ "awsSdkVersion": "aws-sdk-js-3.600.0", "clientId": "client1" }));
    assert_eq!(e["request"]["userAttributes"], json!({ "email": "a@example.com" }));
    assert_eq!(e["request"]["clientMetadata"], json!({ "k": "v" }));
    assert_eq!(e["response"], json!({ "autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false }));
}

#[tokio::test]
async fn failures_map_to_cognitos_errors() {
    let rc = RequestContext::internal();
    let cases: Vec<(Arc<Fake>, &str, &str)> = vec![
        (
            fake(|_| Err(InvokeError::Function("Bad domain".into()))),
            "UserLambdaValidation",
            "PreSignUp failed with error Bad domain.",
        ),
        (fake(|_| Ok(json!("not the event"))), "InvalidLambdaResponse", "Unrecognizable lambda output"),
        (
            fake(|e| Ok(json!({ "response": { "autoConfirmUser": "yes" }, "version": e["version"] }))),
            "InvalidLambdaResponse",
            "Unrecognizable lambda output",
        ),
        (
            fake(|_| Err(InvokeError::Unreachable("refused".into()))),
            "UnexpectedLambda",
            "PreSignUp invocation failed due to error refused.",
        ),
    ];
    for (invoker, kind, message) in cases {
        let (svc, pool) = pool_with(pre_sign_up(), invoker.clone()).await;
        let call = Call {
            trigger: Trigger::PreSignUp,
            source: "PreSignUp_SignUp",
            pool: &pool,
            user_name: "a",
            client_id: None,
            req: &rc,
        };
        let e = svc.pre_sign_up(&call, &[]).await.unwrap_err();
        let got = match &e {
            CoreError::UserLambdaValidation(m) => ("UserLambdaValidation", m),
            CoreError::InvalidLambdaResponse(m) => ("InvalidLambdaResponse", m),
            CoreError::UnexpectedLambda(m) => ("UnexpectedLambda", m),
            other => panic!("{other:?}"),
        };
        assert_eq!(got, (kind, &message.to_string()));
        // An unreachable function is tried three times; the others once.
        let want = if kind == "UnexpectedLambda" { 3 } else { 1 };
        assert_eq!(invoker.seen.lock().unwrap().len(), want, "{kind}");
    }
}

#[tokio::test]
async fn no_function_no_call() {
    let invoker = fake(|e| Ok(e.clone()));
    let (svc, pool) = pool_with(LambdaConfig::default(), invoker.clone()).await;
    let rc = RequestContext::internal();
    let call = Call {
        trigger: Trigger::PreSignUp,
        source: "PreSignUp_SignUp",
        pool: &pool,
        user_name: "a",
        client_id: None,
        req: &rc,
    };
    assert!(svc.pre_sign_up(&call, &[]).await.unwrap().is_none());
    assert!(invoker.seen.lock().unwrap().is_empty());
}

fn claims(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

#[tokio::test]
async fn pre_token_generation_v1_and_v2_change_the_claims() {
    let rc = RequestContext::internal();
    // V1: ID token claims and groups; protected claims stay.
    let v1 = fake(|e| {
        let mut e = e.clone();
        e["response"] = json!({ "claimsOverrideDetails": {
            "claimsToAddOrOverride": { "tier": "gold", "sub": "forged" },
            "claimsToSuppress": ["email", "iss"],
            "groupOverrideDetails": { "groupsToOverride": ["vip"], "iamRolesToOverride": [], "preferredRole": "arn:r" }
        }});
        Ok(e)
    });
    let config = LambdaConfig { pre_token_generation: Some("ptg".into()), ..Default::default() };
    let (svc, pool) = pool_with(config, v1.clone()).await;
    let user = cognate_model::User::new(
        pool.id.clone(),
        "u".into(),
        "u".into(),
        "s".into(),
        cognate_model::UserStatus::Confirmed,
        vec![("email".into(), "u@e.x".into())],
        1,
    );
    let mut id = claims(&[
        ("sub", json!("s")),
        ("email", json!("u@e.x")),
        ("iss", json!("i")),
        ("cognito:groups", json!(["a"])),
    ]);
    let mut access = claims(&[("sub", json!("s")), ("cognito:groups", json!(["a"]))]);
    let mut scopes = vec!["aws.cognito.signin.user.admin".to_string()];
    let source = TokenSource::RefreshTokens.trigger_source();
    let call = Call {
        trigger: Trigger::PreTokenGeneration,
        source,
        pool: &pool,
        user_name: "u",
        client_id: Some("c"),
        req: &rc,
    };
    let mut draft = Draft { id: Some(&mut id), access: &mut access, scopes: &mut scopes };
    svc.pre_token_generation(&call, Some(&user), (&["a"], &[]), &mut draft).await.unwrap();
    assert_eq!(id["tier"], "gold");
    assert_eq!(id["sub"], "s");
    assert!(!id.contains_key("email"));
    assert_eq!(id["iss"], "i");
    assert_eq!(id["cognito:groups"], json!(["vip"]));
    assert_eq!(id["cognito:preferred_role"], "arn:r");
    assert_eq!(access["cognito:groups"], json!(["vip"]));
    assert!(!access.contains_key("tier"));
    let seen = v1.seen.lock().unwrap()[0].1.clone();
    assert_eq!(seen["triggerSource"], "TokenGeneration_RefreshTokens");
    assert_eq!(seen["request"]["groupConfiguration"]["groupsToOverride"], json!(["a"]));
    assert!(seen["request"].get("scopes").is_none());

    // V2: both tokens and the scopes.
    let v2 = fake(|e| {
        let mut e = e.clone();
        e["response"] = json!({ "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": { "claimsToAddOrOverride": { "plan": { "name": "pro" } } },
            "accessTokenGeneration": {
                "claimsToAddOrOverride": { "tenant": "t1", "client_id": "forged" },
                "scopesToAdd": ["api/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"]
            }
        }});
        Ok(e)
    });
    let config = LambdaConfig {
        pre_token_generation_config: Some(cognate_model::VersionedLambda {
            lambda_arn: "ptg2".into(),
            lambda_version: "V2_0".into(),
        }),
        ..Default::default()
    };
    let (svc, pool) = pool_with(config, v2.clone()).await;
    let mut id = claims(&[("sub", json!("s"))]);
    let mut access = claims(&[("sub", json!("s")), ("client_id", json!("c"))]);
    let mut scopes = vec!["aws.cognito.signin.user.admin".to_string()];
    let call = Call { pool: &pool, ..call };
    let mut draft = Draft { id: Some(&mut id), access: &mut access, scopes: &mut scopes };
    svc.pre_token_generation(&call, Some(&user), (&[], &[]), &mut draft).await.unwrap();
    assert_eq!(id["plan"], json!({ "name": "pro" }));
    assert_eq!(access["tenant"], "t1");
    assert_eq!(access["client_id"], "c");
    assert_eq!(scopes, ["api/read"]);
    let seen = v2.seen.lock().unwrap();
    assert_eq!(seen[0].1["version"], "2");
    assert_eq!(seen[0].1["request"]["scopes"], json!(["aws.cognito.signin.user.admin"]));
}

#[tokio::test]
async fn client_credentials_call_only_v3_functions() {
    use base64::Engine;
    use cognate_model::{AppClient, ClientId, ClientSettings, VersionedLambda};
    let rc = RequestContext::internal();
    let invoker = fake(|e| {
        let mut e = e.clone();
        e["response"] = json!({ "claimsAndScopeOverrideDetails": { "accessTokenGeneration": {
            "claimsToAddOrOverride": { "partner": "acme" }, "scopesToAdd": ["api/write"]
        }}});
        Ok(e)
    });
    for (version, called) in [("V2_0", false), ("V3_0", true)] {
        let config = LambdaConfig {
            pre_token_generation_config: Some(VersionedLambda {
                lambda_arn: "m2m".into(),
                lambda_version: version.into(),
            }),
            ..Default::default()
        };
        let (svc, pool) = pool_with(config, invoker.clone()).await;
        let client = AppClient {
            pool_id: pool.id.clone(),
            client_id: ClientId::new("machine"),
            name: "m".into(),
            secret_sealed: None,
            created_at: 1,
            updated_at: 1,
            settings: ClientSettings::default(),
        };
        let before = invoker.seen.lock().unwrap().len();
        let (token, _) = svc.issue_client_token(&pool, &client, &["api/read".to_string()], &rc).await.unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let claims: Value =
            serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(invoker.seen.lock().unwrap().len() - before, usize::from(called), "{version}");
        if called {
            assert_eq!(
                (claims["partner"].as_str(), claims["scope"].as_str()),
                (Some("acme"), Some("api/read api/write"))
            );
            let e = invoker.seen.lock().unwrap().last().unwrap().1.clone();
            assert_eq!(e["triggerSource"], "TokenGeneration_ClientCredentials");
            assert_eq!(e["version"], "3");
            assert_eq!(e["request"]["scopes"], json!(["api/read"]));
        } else {
            assert_eq!(claims["scope"], "api/read");
        }
    }
}
