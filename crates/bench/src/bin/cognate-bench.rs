//! The load harness: runs one scenario (or all) against a Cognito endpoint for a fixed time at a
//! fixed concurrency through the official AWS SDK for Rust, and reports req/s, p50/p99/max
//! latency, errors, and — with `--server-pid` — the server's CPU seconds and peak RSS.
//!
//! Usage: cognate-bench --endpoint URL [--scenario NAME|all] [--secs N] [--conc N] [--server-pid PID]
//! Scenarios: signup, password, refresh, refresh-trigger (refresh with a PreTokenGeneration
//! function this process serves on --lambda-port), get-tokens, get-user, admin-get-user, list-users, describe-pool, describe-client, srp,
//! get-user-under-hashing (GetUser from 2 tasks while `conc` tasks keep the password hashing
//! saturated; the latencies reported are GetUser's), and the hosted UI's login-page, authorize,
//! oauth-code and client-credentials (crates/bench/src/bin/cognate-bench/oauth.rs), and the
//! identity pools' identity-guest, identity-credentials, identity-openid, sts-admin and
//! sts-temporary (crates/bench/src/bin/cognate-bench/identity.rs); Cognito Sync's sync-update and
//! sync-list (cognate-bench/sync.rs).
//! With `--wrk FILE` it sets a read scenario up and writes a wrk script that replays its
//! requests (cognate-bench/wrk.rs; scripts/bench-wrk runs it).
//! Admin credentials (for the setup and admin-get-user) come from AWS_ACCESS_KEY_ID and
//! AWS_SECRET_ACCESS_KEY.

use aws_sdk_cognitoidentityprovider as idp;
use cognate_testkit::srp_client::{now_timestamp, proof, x_of, N};
use idp::config::{BehaviorVersion, Credentials, Region};
use idp::error::ProvideErrorMetadata;
use idp::types::*;
use num_bigint::BigUint;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Bench-Passw0rd!";
#[path = "cognate-bench/identity.rs"]
mod identity;
#[path = "cognate-bench/oauth.rs"]
mod oauth;
#[path = "cognate-bench/sync.rs"]
mod sync;
#[path = "cognate-bench/wrk.rs"]
mod wrk;

const SCENARIOS: [&str; 25] = [
    "signup",
    "password",
    "password-threat",
    "password-under-flood",
    "refresh",
    "refresh-trigger",
    "get-tokens",
    "get-user",
    "admin-get-user",
    "list-users",
    "describe-pool",
    "describe-client",
    "srp",
    "get-user-under-hashing",
    "login-page",
    "authorize",
    "oauth-code",
    "client-credentials",
    "identity-guest",
    "identity-credentials",
    "identity-openid",
    "sts-admin",
    "sts-temporary",
    "sync-update",
    "sync-list",
];

struct Args {
    endpoint: String,
    scenario: String,
    secs: u64,
    conc: usize,
    server_pid: Option<u32>,
    /// `POOL:COUNT`: use a pool that already holds COUNT users named `user0000000`… (made by
    /// the users_1m bench) for admin-get-user and list-users.
    existing: Option<(String, u64)>,
    /// `--lambda-port N`: refresh-trigger serves its PreTokenGeneration function on this port
    /// (the server was started with `COGNATE_LAMBDA_ENDPOINT=http://127.0.0.1:N`).
    lambda_port: Option<u16>,
    /// `--wrk FILE`: set the scenario up, write a wrk script replaying its requests, and exit.
    wrk: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        endpoint: "http://127.0.0.1:9229".into(),
        scenario: "all".into(),
        secs: 10,
        conc: 8,
        server_pid: None,
        existing: None,
        lambda_port: None,
        wrk: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--endpoint" => a.endpoint = v,
            "--scenario" => a.scenario = v,
            "--secs" => a.secs = v.parse().expect("--secs N"),
            "--conc" => a.conc = v.parse().expect("--conc N"),
            "--server-pid" => a.server_pid = Some(v.parse().expect("--server-pid PID")),
            "--lambda-port" => a.lambda_port = Some(v.parse().expect("--lambda-port N")),
            "--wrk" => a.wrk = Some(v),
            "--existing-pool" => {
                let (p, n) = v.split_once(':').expect("--existing-pool POOL:COUNT");
                a.existing = Some((p.to_string(), n.parse().expect("COUNT")));
            }
            _ => panic!("unknown option {k}"),
        }
    }
    a
}

fn client(endpoint: &str) -> idp::Client {
    let id = std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| "x".into());
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|_| "x".into());
    let conf = idp::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(id, secret, None, None, "bench"))
        .retry_config(idp::config::retry::RetryConfig::disabled())
        .build();
    idp::Client::from_conf(conf)
}

/// utime + stime (clock ticks) and peak RSS (KiB) of a process.
fn proc_stats(pid: u32) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some((ticks, hwm))
}

/// What one scenario measured: ok latencies, errors, wall time, server CPU ticks.
type Measured = (Vec<Duration>, u64, Duration, Option<u64>);

/// Runs `op(task, i)` from `conc` tasks for `secs` (after the scenario's setup), measuring the
/// server's CPU over exactly that window.
async fn drive<F, Fut>(secs: u64, conc: usize, pid: Option<u32>, op: F) -> Measured
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let op = Arc::new(op);
    let before = pid.and_then(proc_stats);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = vec![];
    for t in 0..conc {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut i) = (vec![], 0u64, 0u64);
            let mut first_error = None;
            while Instant::now() < deadline {
                let began = Instant::now();
                match op(t, i).await {
                    Ok(()) => lat.push(began.elapsed()),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
                i += 1;
            }
            (lat, errors, first_error)
        }));
    }
    let (mut all, mut errors) = (vec![], 0);
    for t in tasks {
        let (l, e, first) = t.await.unwrap();
        if let Some(first) = first {
            eprintln!("  first error: {first}");
        }
        all.extend(l);
        errors += e;
    }
    let took = start.elapsed();
    let cpu = match (before, pid.and_then(proc_stats)) {
        (Some(b), Some(a)) => Some(a.0 - b.0),
        _ => None,
    };
    (all, errors, took, cpu)
}

struct Fixture {
    c: idp::Client,
    pool: String,
    client: String,
    users: Vec<String>,
}

async fn fixture(c: &idp::Client, users: usize) -> Fixture {
    let pool = c
        .create_user_pool()
        .pool_name(format!("bench-{}", std::process::id()))
        .schema(SchemaAttributeType::builder().name("email").attribute_data_type(AttributeDataType::String).build())
        .send()
        .await
        .expect("CreateUserPool")
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("bench")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient")
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let mut names = vec![];
    for i in 0..users {
        // Email-shaped names: cognito-local insists on them; Cognito and Cognate accept them.
        let name = format!("user{i:05}@example.com");
        c.admin_create_user()
            .user_pool_id(&pool)
            .username(&name)
            .user_attributes(AttributeType::builder().name("email").value(&name).build().unwrap())
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .expect("AdminCreateUser");
        c.admin_set_user_password()
            .user_pool_id(&pool)
            .username(&name)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
        names.push(name);
    }
    Fixture { c: c.clone(), pool, client, users: names }
}

async fn sign_in(f: &Fixture, user: &str) -> AuthenticationResultType {
    f.c.initiate_auth()
        .client_id(&f.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect("sign-in")
        .authentication_result
        .unwrap()
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    let s = format!("{e:?}");
    s.chars().take(300).collect()
}

/// Threat protection on for `pool` (Plus plan, ENFORCED): compromised credentials blocked on
/// every event, account takeover actions at every level, no notifications.
async fn threat_protection(c: &idp::Client, pool: &str) {
    c.update_user_pool()
        .user_pool_id(pool)
        .user_pool_tier(UserPoolTierType::Plus)
        .user_pool_add_ons(
            UserPoolAddOnsType::builder().advanced_security_mode(AdvancedSecurityModeType::Enforced).build().unwrap(),
        )
        .send()
        .await
        .expect("UpdateUserPool");
    let block = CompromisedCredentialsActionsType::builder()
        .event_action(CompromisedCredentialsEventActionType::Block)
        .build()
        .unwrap();
    let action = |a| AccountTakeoverActionType::builder().event_action(a).notify(false).build().unwrap();
    let actions = AccountTakeoverActionsType::builder()
        .low_action(action(AccountTakeoverEventActionType::NoAction))
        .medium_action(action(AccountTakeoverEventActionType::MfaIfConfigured))
        .high_action(action(AccountTakeoverEventActionType::Block))
        .build();
    c.set_risk_configuration()
        .user_pool_id(pool)
        .compromised_credentials_risk_configuration(
            CompromisedCredentialsRiskConfigurationType::builder().actions(block).build(),
        )
        .account_takeover_risk_configuration(AccountTakeoverRiskConfigurationType::builder().actions(actions).build())
        .send()
        .await
        .expect("SetRiskConfiguration");
}

/// Four tasks sending wrong passwords from one address (198.51.100.1) as fast as they can for
/// `secs`: (answered, throttled).
fn flood(pc: idp::Client, client: String, secs: u64) -> tokio::task::JoinHandle<(u64, u64)> {
    tokio::spawn(async move {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut tasks = vec![];
        for _ in 0..4 {
            let (pc, client) = (pc.clone(), client.clone());
            tasks.push(tokio::spawn(async move {
                let (mut answered, mut throttled) = (0, 0);
                while Instant::now() < deadline {
                    let r = pc
                        .initiate_auth()
                        .client_id(&client)
                        .auth_flow(AuthFlowType::UserPasswordAuth)
                        .auth_parameters("USERNAME", "victim@example.com")
                        .auth_parameters("PASSWORD", "Wrong-Passw0rd!")
                        .customize()
                        .mutate_request(|r| {
                            r.headers_mut().insert("x-forwarded-for", "198.51.100.1");
                        })
                        .send()
                        .await;
                    match r {
                        Err(e) if e.as_service_error().and_then(|s| s.code()) == Some("TooManyRequestsException") => {
                            throttled += 1
                        }
                        _ => answered += 1,
                    }
                }
                (answered, throttled)
            }));
        }
        let (mut a, mut t) = (0, 0);
        for task in tasks {
            let (x, y) = task.await.unwrap();
            a += x;
            t += y;
        }
        (a, t)
    })
}

/// admin-get-user and list-users over a big existing pool: random users and prefixes.
async fn run_existing(name: &str, a: &Args, admin: &idp::Client, pool: &str, count: u64) -> Option<Measured> {
    let (ac, pool) = (admin.clone(), pool.to_string());
    let seed = Arc::new(std::sync::atomic::AtomicU64::new(0x9E3779B97F4A7C15));
    let next = move |s: &std::sync::atomic::AtomicU64| {
        let x = s.fetch_add(0x9E3779B97F4A7C15, std::sync::atomic::Ordering::Relaxed);
        (x ^ (x >> 29)).wrapping_mul(0xBF58476D1CE4E5B9) >> 11
    };
    let list = match name {
        "admin-get-user" => false,
        "list-users" => true,
        _ => return None,
    };
    Some(
        drive(a.secs, a.conc, a.server_pid, move |_, _| {
            let (ac, pool, seed) = (ac.clone(), pool.clone(), seed.clone());
            async move {
                let r = next(&seed);
                if list {
                    let prefix = format!("user{:04}", r % (count / 1000).max(1));
                    ac.list_users()
                        .user_pool_id(&pool)
                        .filter(format!("email ^= \"{prefix}\""))
                        .limit(60)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(err)
                } else {
                    let user = format!("user{:07}", r % count);
                    ac.admin_get_user().user_pool_id(&pool).username(user).send().await.map(|_| ()).map_err(err)
                }
            }
        })
        .await,
    )
}

async fn run(name: &str, a: &Args, admin: &idp::Client, public: &idp::Client) -> Option<Measured> {
    if let Some((pool, count)) = &a.existing {
        return run_existing(name, a, admin, pool, *count).await;
    }
    let (secs, conc, pid) = (a.secs, a.conc, a.server_pid);
    if let Some(m) = sync::run(name, &a.endpoint, secs, conc, pid).await {
        return Some(m);
    }
    let users = if matches!(name, "list-users") { 200 } else { conc.max(1) };
    let f = Arc::new(fixture(admin, users).await);
    if let Some(path) = &a.wrk {
        wrk::write(name, &a.endpoint, &f, path).await;
        return Some((vec![], 0, Duration::from_secs(1), None));
    }
    if let Some(m) = oauth::run(name, &a.endpoint, &f, secs, conc, pid).await {
        return Some(m);
    }
    if let Some(m) = identity::run(name, &a.endpoint, &f, secs, conc, pid).await {
        return Some(m);
    }
    let pc = public.clone();
    Some(match name {
        "signup" => {
            let (pc, client) = (pc, f.client.clone());
            let run_id = std::process::id();
            drive(secs, conc, pid, move |t, i| {
                let (pc, client) = (pc.clone(), client.clone());
                async move {
                    pc.sign_up()
                        .client_id(&client)
                        .username(format!("new-{run_id}-{t}-{i}@example.com"))
                        .password(PASSWORD)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(err)
                }
            })
            .await
        }
        "password" | "password-threat" | "password-under-flood" => {
            if name == "password-threat" {
                threat_protection(admin, &f.pool).await;
            }
            let flood = (name == "password-under-flood").then(|| flood(pc.clone(), f.client.clone(), secs));
            let f2 = f.clone();
            let m = drive(secs, conc, pid, move |t, i| {
                let (f, pc) = (f2.clone(), pc.clone());
                // Under the flood, each sign-in comes from an address of its own (through the
                // proxy header the server trusts from loopback in scripts/bench).
                let from = format!("10.{}.{}.{}", t, (i >> 8) & 255, i & 255);
                async move {
                    pc.initiate_auth()
                        .client_id(&f.client)
                        .auth_flow(AuthFlowType::UserPasswordAuth)
                        .auth_parameters("USERNAME", &f.users[t % f.users.len()])
                        .auth_parameters("PASSWORD", PASSWORD)
                        .customize()
                        .mutate_request(move |r| {
                            r.headers_mut().insert("x-forwarded-for", from.clone());
                        })
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(err)
                }
            })
            .await;
            if let Some(flood) = flood {
                let (answered, throttled) = flood.await.unwrap();
                println!("  the flood from one address: {answered} answered, {throttled} throttled");
            }
            m
        }
        "refresh" | "get-tokens" | "refresh-trigger" => {
            if name == "refresh-trigger" {
                // A PreTokenGeneration function that adds a claim, served from this process
                // (CPU 1): what is measured beyond `refresh` is the call's cost to the server.
                use cognate_testkit::lambda::{arn, respond, LambdaServer};
                let port = a.lambda_port.expect("refresh-trigger needs --lambda-port (scripts/bench sets it)");
                let lambda = LambdaServer::start_on(&format!("127.0.0.1:{port}")).await;
                lambda.on(&arn("bench-ptg"), |e| {
                    respond(
                        e,
                        serde_json::json!({ "claimsOverrideDetails": { "claimsToAddOrOverride": { "tier": "gold" } } }),
                    )
                });
                admin
                    .update_user_pool()
                    .user_pool_id(&f.pool)
                    .lambda_config(LambdaConfigType::builder().pre_token_generation(arn("bench-ptg")).build())
                    .send()
                    .await
                    .expect("UpdateUserPool");
            }
            let mut tokens = vec![];
            for u in &f.users {
                tokens.push(sign_in(&f, u).await.refresh_token.unwrap());
            }
            let tokens = Arc::new(tokens);
            let (f2, by_get) = (f.clone(), name == "get-tokens");
            drive(secs, conc, pid, move |t, _| {
                let (f, pc, tokens) = (f2.clone(), pc.clone(), tokens.clone());
                async move {
                    let token = &tokens[t % tokens.len()];
                    if by_get {
                        pc.get_tokens_from_refresh_token()
                            .client_id(&f.client)
                            .refresh_token(token)
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(err)
                    } else {
                        pc.initiate_auth()
                            .client_id(&f.client)
                            .auth_flow(AuthFlowType::RefreshTokenAuth)
                            .auth_parameters("REFRESH_TOKEN", token)
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(err)
                    }
                }
            })
            .await
        }
        "get-user" | "get-user-under-hashing" => {
            if name == "get-user-under-hashing" {
                let deadline = Instant::now() + Duration::from_secs(secs + 1);
                for t in 0..conc {
                    let (f, pc) = (f.clone(), pc.clone());
                    tokio::spawn(async move {
                        while Instant::now() < deadline {
                            let _ = pc
                                .initiate_auth()
                                .client_id(&f.client)
                                .auth_flow(AuthFlowType::UserPasswordAuth)
                                .auth_parameters("USERNAME", &f.users[t % f.users.len()])
                                .auth_parameters("PASSWORD", PASSWORD)
                                .send()
                                .await;
                        }
                    });
                }
            }
            let conc = if name == "get-user" { conc } else { 2 };
            let mut tokens = vec![];
            for u in &f.users {
                tokens.push(sign_in(&f, u).await.access_token.unwrap());
            }
            let tokens = Arc::new(tokens);
            drive(secs, conc, pid, move |t, _| {
                let (pc, tokens) = (pc.clone(), tokens.clone());
                async move {
                    pc.get_user().access_token(&tokens[t % tokens.len()]).send().await.map(|_| ()).map_err(err)
                }
            })
            .await
        }
        "admin-get-user" => {
            let (f2, ac) = (f.clone(), admin.clone());
            drive(secs, conc, pid, move |t, _| {
                let (f, ac) = (f2.clone(), ac.clone());
                async move {
                    ac.admin_get_user()
                        .user_pool_id(&f.pool)
                        .username(&f.users[t % f.users.len()])
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(err)
                }
            })
            .await
        }
        "describe-pool" | "describe-client" => {
            let (f2, ac, pool) = (f.clone(), admin.clone(), name == "describe-pool");
            drive(secs, conc, pid, move |_, _| {
                let (f, ac) = (f2.clone(), ac.clone());
                async move {
                    if pool {
                        ac.describe_user_pool().user_pool_id(&f.pool).send().await.map(|_| ()).map_err(err)
                    } else {
                        ac.describe_user_pool_client()
                            .user_pool_id(&f.pool)
                            .client_id(&f.client)
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(err)
                    }
                }
            })
            .await
        }
        "list-users" => {
            let (f2, ac) = (f.clone(), admin.clone());
            drive(secs, conc, pid, move |t, i| {
                let (f, ac) = (f2.clone(), ac.clone());
                async move {
                    let prefix = format!("user{:03}", (t as u64 * 7 + i) % 200 / 10);
                    ac.list_users()
                        .user_pool_id(&f.pool)
                        .filter(format!("email ^= \"{prefix}\""))
                        .limit(10)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(err)
                }
            })
            .await
        }
        "srp" => {
            let f2 = f.clone();
            let n = Arc::new(BigUint::parse_bytes(N.as_bytes(), 16).unwrap());
            let gx_cache = Arc::new(std::sync::Mutex::new(HashMap::<String, BigUint>::new()));
            drive(secs, conc, pid, move |t, _| {
                let (f, pc, n, cache) = (f2.clone(), pc.clone(), n.clone(), gx_cache.clone());
                async move {
                    let user = &f.users[t % f.users.len()];
                    let a = BigUint::from_bytes_be(&[t as u8 + 7; 32]);
                    let big_a = BigUint::from(2u32).modpow(&a, &n);
                    let r = pc
                        .initiate_auth()
                        .client_id(&f.client)
                        .auth_flow(AuthFlowType::UserSrpAuth)
                        .auth_parameters("USERNAME", user)
                        .auth_parameters("SRP_A", big_a.to_str_radix(16))
                        .send()
                        .await
                        .map_err(err)?;
                    let p: HashMap<String, String> = r.challenge_parameters.unwrap_or_default().into_iter().collect();
                    if ["USER_ID_FOR_SRP", "SALT", "SRP_B", "SECRET_BLOCK"].iter().any(|k| !p.contains_key(*k)) {
                        return Err(format!("PASSWORD_VERIFIER without the SRP parameters: {p:?}"));
                    }
                    let prefix = f.pool.split('_').nth(1).unwrap();
                    let id = p["USER_ID_FOR_SRP"].clone();
                    let key = format!("{id}:{}", p["SALT"]);
                    let cached = cache.lock().unwrap().get(&key).cloned();
                    let gx = match cached {
                        Some(v) => v,
                        None => {
                            let v = BigUint::from(2u32).modpow(&x_of(prefix, &id, &p, PASSWORD), &n);
                            cache.lock().unwrap().insert(key, v.clone());
                            v
                        }
                    };
                    let ts = now_timestamp();
                    pc.respond_to_auth_challenge()
                        .client_id(&f.client)
                        .challenge_name(ChallengeNameType::PasswordVerifier)
                        .challenge_responses("USERNAME", &id)
                        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
                        .challenge_responses("TIMESTAMP", &ts)
                        .challenge_responses(
                            "PASSWORD_CLAIM_SIGNATURE",
                            proof(prefix, &id, &p, &a, &big_a, &gx, PASSWORD, &ts),
                        )
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(err)
                }
            })
            .await
        }
        _ => return None,
    })
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    let a = args();
    let admin = client(&a.endpoint);
    let public = client(&a.endpoint);
    if a.wrk.is_some() {
        run(&a.scenario, &a, &admin, &public).await;
        return;
    }
    let names: Vec<&str> = if a.scenario == "all" { SCENARIOS.to_vec() } else { vec![a.scenario.as_str()] };
    let ticks_per_sec = 100.0; // Linux USER_HZ
    println!(
        "scenario        req/s   p50 ms   p99 ms   max ms  errors  server-cpu-s  peak-rss-MiB  (conc {}, {} s)",
        a.conc, a.secs
    );
    for name in names {
        let Some((mut lat, errors, took, cpu)) = run(name, &a, &admin, &public).await else {
            eprintln!("unknown scenario {name}; one of {SCENARIOS:?}");
            std::process::exit(2);
        };
        lat.sort();
        let cpu = cpu.map(|t| format!("{:.2}", t as f64 / ticks_per_sec)).unwrap_or_else(|| "-".into());
        let rss = a.server_pid.and_then(proc_stats).map(|s| format!("{:.1}", s.1 as f64 / 1024.0));
        let rss = rss.unwrap_or_else(|| "-".into());
        println!(
            "{name:<14} {:>7.1} {:>8.2} {:>8.2} {:>8.2} {errors:>7} {cpu:>13} {rss:>13}",
            lat.len() as f64 / took.as_secs_f64(),
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.last().map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0),
        );
    }
}
