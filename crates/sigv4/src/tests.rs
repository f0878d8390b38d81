//! Vectors from the AWS documentation's SigV4 examples and test suite.

use super::*;
use http::HeaderMap;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn keys() -> std::collections::HashMap<String, String> {
    [("AKIDEXAMPLE".to_string(), SECRET.to_string())].into_iter().collect()
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
    }
    h
}

const T: i64 = 1440938160; // 20150830T123600Z

#[test]
fn signing_key_matches_documentation() {
    // "Examples of how to derive a signing key for Signature Version 4".
    assert_eq!(
        hex::encode(signing_key(SECRET, "20120215", "us-east-1", "iam")),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
}

#[test]
fn iam_list_users_example() {
    // The IAM ListUsers example of the SigV4 documentation.
    let h = headers(&[
        ("host", "iam.amazonaws.com"),
        ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("x-amz-date", "20150830T123600Z"),
        ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
    ]);
    let req =
        Request { method: "GET", path: "/", query: "Action=ListUsers&Version=2010-05-08", headers: &h, body: b"" };
    let creq = canonical_request(&req, &["content-type", "host", "x-amz-date"], &sha256_hex(b"")).unwrap();
    assert_eq!(sha256_hex(creq.as_bytes()), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    let p = Verifier::new("iam", "us-east-1").verify(&req, &keys(), T).unwrap();
    assert_eq!(p.access_key_id(), "AKIDEXAMPLE");
}

fn suite(
    method: &str,
    query: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    signed: &str,
    sig: &str,
) -> Result<VerifiedPrincipal, SigV4Error> {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signed}, Signature={sig}"
    );
    let mut pairs =
        vec![("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"), ("authorization", auth.as_str())];
    pairs.extend_from_slice(extra);
    let h = headers(&pairs);
    let req = Request { method, path: "/", query, headers: &h, body };
    Verifier::new("service", "us-east-1").verify(&req, &keys(), T)
}

#[test]
fn test_suite_get_vanilla() {
    suite("GET", "", &[], b"", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        .unwrap();
}

#[test]
fn test_suite_query_order() {
    suite(
        "GET",
        "Param2=value2&Param1=value1",
        &[],
        b"",
        "host;x-amz-date",
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    )
    .unwrap();
}

#[test]
fn test_suite_post_form() {
    suite(
        "POST",
        "",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"Param1=value1",
        "content-type;host;x-amz-date",
        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    )
    .unwrap();
}

#[test]
fn rejections() {
    let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    let bad = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30";
    assert!(matches!(suite("GET", "", &[], b"", "host;x-amz-date", bad), Err(SigV4Error::Signature(_))));
    // A body the signature does not cover.
    assert!(matches!(suite("GET", "", &[], b"x", "host;x-amz-date", good), Err(SigV4Error::Signature(_))));
    // Unknown key.
    let h = headers(&[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"), ("authorization", "AWS4-HMAC-SHA256 Credential=NOPE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")]);
    let req = Request { method: "GET", path: "/", query: "", headers: &h, body: b"" };
    let v = Verifier::new("service", "us-east-1");
    assert_eq!(v.verify(&req, &keys(), T).unwrap_err(), SigV4Error::UnknownKey);
    // Clock skew, both ways.
    assert!(v.verify(&req, &keys(), T + 901).unwrap_err().to_string().starts_with("Signature expired"));
    assert!(v.verify(&req, &keys(), T - 901).unwrap_err().to_string().starts_with("Signature not yet current"));
    // Wrong service and region scopes.
    assert_eq!(
        Verifier::new("cognito-idp", "us-east-1").verify(&req, &keys(), T).unwrap_err().aws_code(),
        "InvalidSignatureException"
    );
    assert_eq!(
        Verifier::new("service", "eu-west-1").verify(&req, &keys(), T).unwrap_err().aws_code(),
        "InvalidSignatureException"
    );
    // Missing and malformed headers.
    let h = headers(&[("host", "x")]);
    let req = Request { method: "GET", path: "/", query: "", headers: &h, body: b"" };
    assert_eq!(v.verify(&req, &keys(), T).unwrap_err(), SigV4Error::Missing);
    for auth in [
        "Bearer abc",
        "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=0",
        "AWS4-HMAC-SHA256 SignedHeaders=host",
    ] {
        let h = headers(&[("host", "x"), ("x-amz-date", "20150830T123600Z"), ("authorization", auth)]);
        let req = Request { method: "GET", path: "/", query: "", headers: &h, body: b"" };
        assert_eq!(v.verify(&req, &keys(), T).unwrap_err().aws_code(), "IncompleteSignatureException", "{auth}");
    }
}

fn vanilla_with(extra: &[(&str, &str)], auth: &str) -> Result<VerifiedPrincipal, SigV4Error> {
    let mut pairs = vec![("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")];
    if !auth.is_empty() {
        pairs.push(("authorization", auth));
    }
    pairs.extend_from_slice(extra);
    let h = headers(&pairs);
    let req = Request { method: "GET", path: "/", query: "", headers: &h, body: b"" };
    Verifier::new("service", "us-east-1").verify(&req, &keys(), T)
}

const VANILLA: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

#[test]
fn signed_headers_must_cover_what_the_request_does() {
    assert!(vanilla_with(&[], VANILLA).is_ok());
    // A signature that leaves X-Amz-Target out could be replayed with another target.
    let e = vanilla_with(&[("x-amz-target", "AWSCognitoIdentityProviderService.AdminDisableUser")], VANILLA);
    assert_eq!(e.unwrap_err().aws_code(), "IncompleteSignatureException");
    let e = vanilla_with(&[("x-amz-security-token", "t")], VANILLA);
    assert_eq!(e.unwrap_err().aws_code(), "IncompleteSignatureException");
    // x-amz-date itself must be signed.
    let only_host = VANILLA.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=host");
    assert_eq!(vanilla_with(&[], &only_host).unwrap_err().aws_code(), "IncompleteSignatureException");
}

#[test]
fn duplicates_and_lookalike_algorithms_are_refused() {
    // Two Authorization headers: a proxy reading the last one would disagree with us.
    let e = vanilla_with(&[("authorization", VANILLA)], VANILLA).unwrap_err();
    assert_eq!(e.aws_code(), "IncompleteSignatureException");
    let e = vanilla_with(&[("x-amz-date", "20150830T123600Z")], VANILLA).unwrap_err();
    assert_eq!(e.aws_code(), "IncompleteSignatureException");
    let lookalike = VANILLA.replacen("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256X", 1);
    assert_eq!(vanilla_with(&[], &lookalike).unwrap_err().aws_code(), "IncompleteSignatureException");
    let repeated = format!("{VANILLA}, Signature=00");
    assert_eq!(vanilla_with(&[], &repeated).unwrap_err().aws_code(), "IncompleteSignatureException");
}

#[test]
fn parse_then_verify_with_a_looked_up_secret() {
    let h =
        headers(&[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z"), ("authorization", VANILLA)]);
    let req = Request { method: "GET", path: "/", query: "", headers: &h, body: b"" };
    let signed = Verifier::new("service", "us-east-1").parse(&req, T).unwrap();
    assert_eq!(signed.access_key_id(), "AKIDEXAMPLE");
    assert_eq!(signed.session_token(), None);
    let p = signed.verify(SECRET).unwrap();
    assert_eq!(p.access_key_id(), "AKIDEXAMPLE");
    let signed = Verifier::new("service", "us-east-1").parse(&req, T).unwrap();
    assert!(matches!(signed.verify("wrong"), Err(SigV4Error::Signature(_))));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn verify_with(auth: &str, date: &str) -> Result<VerifiedPrincipal, SigV4Error> {
        let mut h = HeaderMap::new();
        h.insert("host", "example.amazonaws.com".parse().unwrap());
        if let Ok(v) = date.parse() {
            h.insert("x-amz-date", v);
        }
        if let Ok(v) = auth.parse() {
            h.insert("authorization", v);
        }
        let req = Request { method: "POST", path: "/", query: "", headers: &h, body: b"{}" };
        Verifier::new("service", "us-east-1").verify(&req, &keys(), T)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any Authorization header is refused with one of AWS's signature errors, never a panic.
        #[test]
        fn arbitrary_headers_are_refused(auth in ".{0,200}", date in "[0-9TZ]{0,20}") {
            let e = verify_with(&auth, &date).unwrap_err();
            prop_assert!(e.http_status() == 400 || e.http_status() == 403);
        }

        /// Headers shaped like real ones, with random parts.
        #[test]
        fn well_formed_headers_with_random_parts(
            key in "[A-Z0-9]{0,24}",
            scope_date in "[0-9]{0,9}",
            region in "[a-z0-9-]{0,12}",
            signed in "[a-z;-]{0,40}",
            sig in "[0-9a-f]{0,70}",
        ) {
            let auth = format!(
                "AWS4-HMAC-SHA256 Credential={key}/{scope_date}/{region}/service/aws4_request, SignedHeaders={signed}, Signature={sig}"
            );
            prop_assert!(verify_with(&auth, "20150830T123600Z").is_err());
        }
    }
}

#[test]
fn authorize_reproduces_the_suite_and_verifies() {
    // get-vanilla of the AWS test suite, signed by this crate.
    let h = headers(&[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")]);
    let req = Request { method: "GET", path: "/", query: "", headers: &h, body: b"" };
    let auth = authorize(("AKIDEXAMPLE", SECRET), "us-east-1", "service", &req, "20150830T123600Z").unwrap();
    assert_eq!(auth, VANILLA);
    // A Lambda invocation: a path with an encoded ARN and a JSON body round-trips.
    let mut h = headers(&[("host", "lambda.us-east-1.amazonaws.com"), ("x-amz-date", "20150830T123600Z")]);
    let body = br#"{"version":"1"}"#;
    let path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations";
    let req = Request { method: "POST", path, query: "", headers: &h, body };
    let auth = authorize(("AKIDEXAMPLE", SECRET), "us-east-1", "lambda", &req, "20150830T123600Z").unwrap();
    h.insert("authorization", auth.parse().unwrap());
    let req = Request { method: "POST", path, query: "", headers: &h, body };
    assert!(Verifier::new("lambda", "us-east-1").verify(&req, &keys(), T).is_ok());
    let req = Request { method: "POST", path, query: "", headers: &h, body: b"{}" };
    assert!(Verifier::new("lambda", "us-east-1").verify(&req, &keys(), T).is_err());
}
