//! The primitives as the server uses them, one core: argon2id at the configured parameters,
//! RS256 sign and verify (aws-lc-rs), one 3072-bit modexp (num-bigint), SigV4 verification,
//! and access-token verification (`Cognate::authenticate`'s JWT step).
//! Run: `cargo bench -p cognate-bench --bench primitives` (pin it: `taskset -c 0 …`).

use cognate_core::password::PasswordHasher;
use cognate_core::srp::SrpGroup;
use cognate_core::tokens::jwt::{self, SigningKey};
use cognate_sigv4::{canonical_request, format_amz_date, sha256_hex, signature, string_to_sign, Request, Verifier};
use num_bigint::BigUint;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Runs `f` repeatedly for about `budget` and returns the median of 7 batches, per call.
fn time<F: FnMut()>(budget: Duration, mut f: F) -> Duration {
    let t = Instant::now();
    f();
    let one = t.elapsed().max(Duration::from_nanos(50));
    let per_batch = ((budget.as_secs_f64() / 7.0 / one.as_secs_f64()) as u32).clamp(1, 1_000_000);
    let mut batches = vec![];
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        batches.push(t.elapsed() / per_batch);
    }
    batches.sort();
    batches[3]
}

fn report(name: &str, d: Duration) {
    println!("{name:<48} {:>10.3} µs  {:>10.0}/s", d.as_secs_f64() * 1e6, 1.0 / d.as_secs_f64());
}

fn main() {
    let budget = Duration::from_millis(std::env::var("BENCH_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    // argon2id, OWASP parameters (19 MiB, 2 passes, 1 lane), as `PasswordHasher::new` uses them.
    let hasher = PasswordHasher::new(1);
    let phc = rt.block_on(hasher.hash("Bench-Passw0rd!")).unwrap();
    report(
        "argon2id hash (19 MiB, t=2, p=1)",
        time(budget, || {
            rt.block_on(hasher.hash("Bench-Passw0rd!")).unwrap();
        }),
    );
    report(
        "argon2id verify",
        time(budget, || {
            assert!(rt.block_on(hasher.verify("Bench-Passw0rd!", &phc)).unwrap());
        }),
    );

    // RS256 with the server's key type.
    let key = SigningKey::generate().unwrap();
    let public = key.public();
    let claims = serde_json::json!({"sub": "5f0c6a3e-1c1b-4d4e-9a8e-3b4f5a6b7c8d", "iss": "http://127.0.0.1:9229/us-east-1_AbCdEfGhI",
        "token_use": "access", "scope": "aws.cognito.signin.user.admin", "auth_time": 1, "exp": 4_000_000_000i64,
        "iat": 1, "jti": "j", "origin_jti": "o", "client_id": "c", "username": "alice"});
    let token = key.sign(&claims).unwrap();
    report(
        "RS256 sign (RSA-2048, aws-lc-rs)",
        time(budget, || {
            std::hint::black_box(key.sign(&claims).unwrap());
        }),
    );
    report(
        "JWT verify (RS256 + claims parse)",
        time(budget, || {
            std::hint::black_box(jwt::verify(&token, |_| Some(&public)).unwrap());
        }),
    );

    // One 3072-bit modexp with a 256-bit exponent, as SRP does it.
    let g = SrpGroup::default();
    let base = g.pow_g(&BigUint::from_bytes_be(&[0x5a; 32]));
    let exp = BigUint::from_bytes_be(&[0xa5; 32]);
    report(
        "modexp 3072-bit, 256-bit exponent (num-bigint)",
        time(budget, || {
            std::hint::black_box(base.modpow(&exp, &g.n));
        }),
    );

    // SigV4: an AdminGetUser request as the SDK signs it.
    let body = br#"{"UserPoolId":"us-east-1_AbCdEfGhI","Username":"alice"}"#;
    let now = 1_800_000_000i64;
    let amz = format_amz_date(now);
    let mut headers = http::HeaderMap::new();
    headers.insert("host", "127.0.0.1:9229".parse().unwrap());
    headers.insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
    headers.insert("x-amz-date", amz.parse().unwrap());
    headers.insert("x-amz-target", "AWSCognitoIdentityProviderService.AdminGetUser".parse().unwrap());
    let signed = ["content-type", "host", "x-amz-date", "x-amz-target"];
    let req = Request { method: "POST", path: "/", query: "", headers: &headers, body };
    let creq = canonical_request(&req, &signed, &sha256_hex(body)).unwrap();
    let scope = format!("{}/us-east-1/cognito-idp/aws4_request", &amz[..8]);
    let sig = signature("bench-secret", &amz[..8], "us-east-1", "cognito-idp", &string_to_sign(&amz, &scope, &creq));
    let auth =
        format!("AWS4-HMAC-SHA256 Credential=AKIABENCH/{scope}, SignedHeaders={}, Signature={sig}", signed.join(";"));
    headers.insert("authorization", auth.parse().unwrap());
    let keys: HashMap<String, String> = [("AKIABENCH".to_string(), "bench-secret".to_string())].into();
    let verifier = Verifier::new("cognito-idp", "us-east-1");
    let req = Request { method: "POST", path: "/", query: "", headers: &headers, body };
    verifier.verify(&req, &keys, now).expect("the request verifies");
    report(
        "SigV4 verify (AdminGetUser request)",
        time(budget, || {
            std::hint::black_box(verifier.verify(&req, &keys, now).unwrap());
        }),
    );
}
