//! SAML checks against responses signed by an independent implementation (samlify with
//! xml-crypto, tests/js/saml-idp.mjs; `xmlsec1 --verify` accepts them too), and the attacks
//! that must fail: signature wrapping (an unsigned assertion beside or around the signed one,
//! the signed one hidden elsewhere, a moved signature), comments in the NameID, tampering, a
//! DTD, and every condition out of place.

use super::metadata::parse_idp;
use super::response::{check, Expect};
use super::x509::PublicKey;

const RESPONSE: &str = include_str!("testdata/response.xml");
const RESPONSE_SIGNED: &str = include_str!("testdata/response-signed.xml");
const METADATA: &str = include_str!("testdata/idp-metadata.xml");
const AUDIENCE: &str = "urn:amazon:cognito:sp:us-east-1_6NClQSE7B";
const ACS: &str = "http://127.0.0.1:9229/saml2/idpresponse";
const ISSUER: &str = "http://127.0.0.1:37039/metadata";

fn keys() -> Vec<PublicKey> {
    parse_idp(METADATA).unwrap().keys
}

fn now() -> i64 {
    crate::clock::parse_datetime("2026-11-29T03:25:10Z").unwrap()
}

fn run(xml: &str, keys: &[PublicKey], f: impl FnOnce(&mut Expect<'_>)) -> Result<super::response::Asserted, String> {
    let mut e = Expect {
        audience: AUDIENCE,
        acs: ACS,
        issuer: ISSUER,
        in_response_to: None,
        keys,
        decryption_key: None,
        now: now(),
    };
    f(&mut e);
    check(xml, &e)
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let a = s.find(start).unwrap();
    let b = s[a + start.len()..].find(end).unwrap() + a + start.len() + end.len();
    &s[a..b]
}

fn assertion(s: &str) -> &str {
    between(s, "<saml:Assertion", "</saml:Assertion>")
}

fn signature(s: &str) -> &str {
    between(s, "<ds:Signature", "</ds:Signature>")
}

/// The assertion with another ID and NameID and no signature: what an attacker writes.
fn forged(s: &str) -> String {
    let a = assertion(s);
    let id = between(a, "ID=\"", "\"").to_string();
    a.replace(signature(a), "").replace(&id, "ID=\"_evil\"").replace(">alice<", ">admin<")
}

#[test]
fn metadata_gives_the_entity_endpoints_and_keys() {
    let md = parse_idp(METADATA).unwrap();
    assert_eq!(md.entity_id, ISSUER);
    assert_eq!(md.sso_url, "http://127.0.0.1:37039/sso");
    assert_eq!(md.slo_url.as_deref(), Some("http://127.0.0.1:37039/slo"));
    assert_eq!(md.keys.len(), 1);
    assert!(md.expires > now(), "the fixture's certificate is valid until 2126");
    assert!(parse_idp("<x/>").is_err());
    assert!(parse_idp(&METADATA.replace("HTTP-Redirect", "HTTP-Artifact")).is_err());
}

#[test]
fn signed_responses_from_another_implementation_pass() {
    let keys = keys();
    let a = run(RESPONSE, &keys, |_| {}).unwrap();
    assert_eq!(a.name_id, "alice");
    assert!(a.session_index.as_deref().is_some_and(|s| s.starts_with("sess-alice-")));
    let attr = |n: &str| a.attributes.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap();
    assert_eq!(attr("email"), vec!["alice@corp.example"]);
    assert_eq!(attr("groups"), vec!["staff", "admins"]);
    assert!(a.valid_until > now());
    // The Response signed instead of the assertion.
    assert_eq!(run(RESPONSE_SIGNED, &keys, |_| {}).unwrap().name_id, "alice");
}

#[test]
fn signature_wrapping_fails() {
    let keys = keys();
    let signed = assertion(RESPONSE);
    let evil = forged(RESPONSE);
    let cases = [
        // XSW: an unsigned assertion beside the signed one (before it, and after it).
        ("unsigned beside, first", RESPONSE.replace(signed, &format!("{evil}{signed}"))),
        ("unsigned beside, last", RESPONSE.replace(signed, &format!("{signed}{evil}"))),
        // The signed assertion wrapped inside the forged one.
        (
            "signed inside the forged",
            RESPONSE.replace(
                signed,
                &evil.replace("</saml:Assertion>", &format!("<saml:Advice>{signed}</saml:Advice></saml:Assertion>")),
            ),
        ),
        // The signed assertion hidden in Extensions, the forged one in its place.
        (
            "signed hidden in Extensions",
            RESPONSE
                .replace(signed, &evil)
                .replace("<samlp:Status>", &format!("<samlp:Extensions>{signed}</samlp:Extensions><samlp:Status>")),
        ),
        // The assertion's signature moved up to the Response, the assertion then changed.
        ("moved signature", {
            let sig = signature(signed);
            let changed = signed.replace(sig, "").replace(">alice<", ">admin<");
            RESPONSE.replace(signed, &changed).replacen("</saml:Issuer>", &format!("</saml:Issuer>{sig}"), 1)
        }),
        // A comment splitting the NameID (c14n drops it, so the digest still matches).
        ("comment in the NameID", RESPONSE.replace(">alice</saml:NameID>", ">admin<!---->alice</saml:NameID>")),
        ("changed NameID", RESPONSE.replace(">alice</saml:NameID>", ">admin</saml:NameID>")),
        ("changed attribute", RESPONSE.replace("alice@corp.example", "admin@corp.example")),
        ("broken signature value", RESPONSE.replacen("<ds:SignatureValue>", "<ds:SignatureValue>AAAA", 1)),
        (
            "the assertion of a signed Response changed",
            RESPONSE_SIGNED.replace(">alice</saml:NameID>", ">admin</saml:NameID>"),
        ),
        ("no signature at all", RESPONSE.replace(signature(signed), "")),
        (
            "a DTD with an entity",
            format!(
                "<!DOCTYPE r [<!ENTITY e \"admin\">]>{}",
                RESPONSE.replace(">alice</saml:NameID>", ">&e;</saml:NameID>")
            ),
        ),
        (
            "two elements with one ID",
            RESPONSE.replace("<samlp:Status>", &format!("<samlp:Status {}>", between(signed, "ID=\"", "\""))),
        ),
    ];
    for (why, xml) in cases {
        assert!(xml != RESPONSE, "{why}: the case changes the response");
        let got = run(&xml, &keys, |_| {});
        assert!(got.is_err(), "{why} must fail, got {got:?}");
    }
}

#[test]
fn conditions_out_of_place_fail() {
    let keys = keys();
    let hour = 3_600_000;
    let expect_fail = |why: &str, r: Result<_, String>, words: &str| {
        let e = r.expect_err(why);
        assert!(e.contains(words), "{why}: {e}");
    };
    expect_fail("expired", run(RESPONSE, &keys, |e| e.now = now() + hour), "expired");
    expect_fail("not yet valid", run(RESPONSE, &keys, |e| e.now = now() - hour), "not valid yet");
    expect_fail("another audience", run(RESPONSE, &keys, |e| e.audience = "urn:amazon:cognito:sp:other"), "audience");
    expect_fail("another ACS", run(RESPONSE, &keys, |e| e.acs = "https://elsewhere/saml2/idpresponse"), "destination");
    expect_fail("another issuer", run(RESPONSE, &keys, |e| e.issuer = "https://other-idp"), "issuer");
    expect_fail("a request was made", run(RESPONSE, &keys, |e| e.in_response_to = Some("_req")), "request");
    expect_fail("another IdP's key", run(RESPONSE, &[], |_| {}), "certificates");
    expect_fail("encryption required", run(RESPONSE, &keys, |e| e.decryption_key = Some(b"k")), "encrypt");
    let failed = RESPONSE.replace("status:Success", "status:Requester");
    expect_fail("an error status", run(&failed, &keys, |_| {}), "Requester");
}
