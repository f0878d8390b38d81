//! The wire envelope and SigV4, with requests no SDK would send. After each bad request the
//! server must still answer a normal one.

use crate::common::*;
use serde_json::json;

async fn still_serving(s: &TestServer) {
    let r = s.raw("ListUserPools", br#"{"MaxResults": 1}"#, Signing::Valid).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
}

#[tokio::test]
async fn bad_bodies_get_4xx_in_the_aws_shape() {
    let s = server().await;
    for (body, want) in [
        (&b"{\"MaxResults\": "[..], "SerializationException"),
        (b"[1,2]", "SerializationException"),
        (b"\xff\xfe", "SerializationException"),
        (br#"{"MaxResults": "ten"}"#, "SerializationException"),
        (br#"{"MaxResults": 1.5}"#, "SerializationException"),
        (br#"{}"#, "InvalidParameterException"),
        (br#"{"MaxResults": 0}"#, "InvalidParameterException"),
        (br#"{"MaxResults": 61}"#, "InvalidParameterException"),
    ] {
        let r = s.raw("ListUserPools", body, Signing::Valid).await;
        assert_eq!(r.status, 400, "{body:?} → {:?}", r.json);
        assert_eq!(r.error_type(), want, "{body:?} → {:?}", r.json);
        assert!(r.json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(r.headers["x-amzn-errortype"].to_str().unwrap(), format!("{want}:"));
        assert!(r.headers.contains_key("x-amzn-requestid"));
        still_serving(&s).await;
    }
    let r = s.raw("ListUsers", br#"{"UserPoolId": "not a pool id!"}"#, Signing::Valid).await;
    assert_eq!(r.error_type(), "InvalidParameterException");
    assert!(
        r.json["message"].as_str().unwrap().contains("at 'userPoolId' failed to satisfy constraint"),
        "{:?}",
        r.json
    );
    // Wrong nested types.
    let r = s
        .raw(
            "AdminCreateUser",
            br#"{"UserPoolId": "us-east-1_abc", "Username": "u", "UserAttributes": [{"Name": 5}]}"#,
            Signing::Valid,
        )
        .await;
    assert_eq!(r.error_type(), "SerializationException");
    still_serving(&s).await;
}

#[tokio::test]
async fn huge_bodies_unknown_targets_and_paths() {
    let s = server().await;
    let big = vec![b' '; 1024 * 1024];
    let r = s.raw("ListUserPools", &big, Signing::Valid).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.error_type(), "SerializationException");
    still_serving(&s).await;
    for target in ["AWSCognitoIdentityProviderService.NoSuchOperation", "SomethingElse.ListUsers", "nodot"] {
        let r = s.raw_target(target, b"{}", Signing::Valid).await;
        assert_eq!(r.status, 400);
        assert_eq!(r.error_type(), "UnknownOperationException", "{target}");
    }
    let r = s.http().get(format!("{}/nothing/here", s.endpoint)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = s.http().get(format!("{}/health", s.endpoint)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    still_serving(&s).await;
}

#[tokio::test]
async fn empty_outputs_are_objects_and_target_header_is_case_insensitive() {
    let s = server().await;
    let c = s.client();
    let id = pool(&c).await;
    let r = s.raw("DeleteUserPool", json!({"UserPoolId": id}).to_string().as_bytes(), Signing::Valid).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json, json!({}));
    // reqwest sends lower-case header names, as Amplify does; an empty body counts as {}.
    let r = s.raw("ListUserPools", b"", Signing::Valid).await;
    assert_eq!(r.error_type(), "InvalidParameterException");
}

#[tokio::test]
async fn admin_calls_need_a_valid_signature() {
    let s = server().await;
    let body = br#"{"MaxResults": 5}"#;
    for (signing, code, status) in [
        (Signing::None, "MissingAuthenticationTokenException", 403),
        (Signing::TamperedBody, "InvalidSignatureException", 403),
        (Signing::WrongSecret, "InvalidSignatureException", 403),
        (Signing::UnknownKey, "UnrecognizedClientException", 400),
        (Signing::Stale, "InvalidSignatureException", 403),
    ] {
        let r = s.raw("ListUserPools", body, signing).await;
        assert_eq!((r.status, r.error_type()), (status, code), "{signing:?}: {:?}", r.json);
        still_serving(&s).await;
    }
    // The SDK with a wrong secret is refused too.
    let bad = s.client_with(cognate_testkit::ACCESS_KEY, "wrong");
    let e = bad.list_user_pools().max_results(1).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidSignatureException");
}

#[tokio::test]
async fn public_operations_and_unbuilt_operations() {
    let s = server().await;
    // A public op needs no signature; it reaches the model validation.
    let r = s.raw("SignUp", b"{}", Signing::None).await;
    assert_eq!(r.error_type(), "InvalidParameterException", "{:?}", r.json);
    // An operation the model has but Cognate does not serve yet names itself, with a 4xx.
    let r = s.raw("GetLogDeliveryConfiguration", br#"{"UserPoolId":"us-east-1_abc"}"#, Signing::Valid).await;
    assert_eq!((r.status, r.error_type()), (400, "UnsupportedOperationException"));
    assert!(r.json["message"].as_str().unwrap().contains("GetLogDeliveryConfiguration"));
}

#[tokio::test]
async fn cors_preflight() {
    let s = server().await;
    let pool = pool(&s.client()).await;
    // The API path and the documents' paths answer browsers' preflight alike.
    for path in ["/".to_string(), "/health".to_string(), format!("/{pool}/.well-known/jwks.json")] {
        let r = s
            .http()
            .request(reqwest::Method::OPTIONS, format!("{}{path}", s.endpoint))
            .header("origin", "http://localhost:3000")
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers();
        assert_eq!(h["access-control-allow-origin"], "*");
        assert!(h["access-control-allow-headers"].to_str().unwrap().contains("x-amz-target"));
        assert!(h["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    }
}
