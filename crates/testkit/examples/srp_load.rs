//! Full USER_SRP_AUTH sign-ins (InitiateAuth + RespondToAuthChallenge) against a running server,
//! for a fixed time at a fixed concurrency. The client reuses one `A` per task and `g^x` per
//! user (one modexp per sign-in) so that its own cost stays below the server's.
//! Usage: srp_load <endpoint> <pool> <client> <user> <password> <seconds> <concurrency>

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use cognate_testkit::srp_client::{now_timestamp, proof, x_of, N};
use num_bigint::BigUint;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, endpoint, pool, client, user, password, secs, conc] = args.as_slice() else {
        eprintln!("usage: srp_load <endpoint> <pool> <client> <user> <password> <seconds> <concurrency>");
        std::process::exit(2);
    };
    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(pool.split('_').next().unwrap().to_string()))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("x", "x", None, None, "load"))
        .build();
    let c = aws_sdk_cognitoidentityprovider::Client::from_conf(conf);
    let deadline = Instant::now() + Duration::from_secs(secs.parse().unwrap());
    let mut tasks = vec![];
    for t in 0..conc.parse::<usize>().unwrap() {
        let (c, pool, client, user, password) =
            (c.clone(), pool.clone(), client.clone(), user.clone(), password.clone());
        tasks.push(tokio::spawn(async move {
            let n = BigUint::parse_bytes(N.as_bytes(), 16).unwrap();
            let a = BigUint::from_bytes_be(&[t as u8 + 7; 32]);
            let big_a_num = BigUint::from(2u32).modpow(&a, &n);
            let big_a = big_a_num.to_str_radix(16);
            let prefix = pool.split('_').nth(1).unwrap().to_string();
            let mut gx: Option<(String, BigUint)> = None; // g^x for the user's SALT, computed once
            let (mut ok, mut errors, mut lat) = (0u64, 0u64, vec![]);
            while Instant::now() < deadline {
                let started = Instant::now();
                let r = c
                    .initiate_auth()
                    .client_id(&client)
                    .auth_flow(AuthFlowType::UserSrpAuth)
                    .auth_parameters("USERNAME", &user)
                    .auth_parameters("SRP_A", &big_a)
                    .send()
                    .await;
                let Ok(r) = r else {
                    errors += 1;
                    continue;
                };
                let p: HashMap<String, String> = r.challenge_parameters.unwrap_or_default().into_iter().collect();
                let ts = now_timestamp();
                let id = p["USER_ID_FOR_SRP"].clone();
                if gx.as_ref().is_none_or(|(salt, _)| salt != &p["SALT"]) {
                    let x = x_of(&prefix, &id, &p, &password);
                    gx = Some((p["SALT"].clone(), BigUint::from(2u32).modpow(&x, &n)));
                }
                let gxv = &gx.as_ref().unwrap().1;
                let signature = proof(&prefix, &id, &p, &a, &big_a_num, gxv, &password, &ts);
                let done = c
                    .respond_to_auth_challenge()
                    .client_id(&client)
                    .challenge_name(ChallengeNameType::PasswordVerifier)
                    .challenge_responses("USERNAME", &p["USERNAME"])
                    .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
                    .challenge_responses("TIMESTAMP", &ts)
                    .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
                    .send()
                    .await;
                match done {
                    Ok(_) => {
                        ok += 1;
                        lat.push(started.elapsed());
                    }
                    Err(_) => errors += 1,
                }
            }
            (ok, errors, lat)
        }));
    }
    let (mut ok, mut errors, mut lat) = (0, 0, vec![]);
    for t in tasks {
        let (o, e, l) = t.await.unwrap();
        ok += o;
        errors += e;
        lat.extend(l);
    }
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1e3)
            .unwrap_or(0.0)
    };
    let secs: f64 = secs.parse().unwrap();
    println!(
        "sign-ins: {ok} in {secs} s = {:.1}/s, errors {errors}, p50 {:.1} ms, p99 {:.1} ms",
        ok as f64 / secs,
        pct(0.5),
        pct(0.99)
    );
}
