//! The hosted UI and OAuth 2.0 scenarios: `login-page` (GET the sign-in page of an
//! authorization request), `authorize` (a signed-in browser's authorization: session cookie →
//! code), `oauth-code` (the token endpoint's `authorization_code` exchange with PKCE, codes made
//! beforehand) and `client-credentials` (machine-to-machine tokens with a resource-server scope).

use crate::{drive, err, Fixture, Measured, PASSWORD};
use aws_sdk_cognitoidentityprovider::types::*;
use cognate_testkit::browser::Browser;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const CB: &str = "http://localhost:3000/cb";
const VERIFIER: &str = "bench-verifier-bench-verifier-bench-verifier-0123456789";

/// An OAuth client of the fixture's pool (a domain made first): its id and secret.
async fn oauth_client(f: &Fixture, flows: &[OAuthFlowType], scopes: &[&str]) -> (String, String) {
    let domain = format!("bench-{}-{}", std::process::id(), flows.len());
    let _ = f.c.create_user_pool_domain().user_pool_id(&f.pool).domain(domain).send().await;
    let mut req =
        f.c.create_user_pool_client()
            .user_pool_id(&f.pool)
            .client_name("bench-oauth")
            .generate_secret(true)
            .allowed_o_auth_flows_user_pool_client(true)
            .callback_urls(CB)
            .supported_identity_providers("COGNITO");
    for fl in flows {
        req = req.allowed_o_auth_flows(fl.clone());
    }
    for s in scopes {
        req = req.allowed_o_auth_scopes(*s);
    }
    let c = req.send().await.expect("CreateUserPoolClient").user_pool_client.unwrap();
    (c.client_id.unwrap(), c.client_secret.unwrap())
}

fn s256(v: &str) -> String {
    cognate_core::hosted::s256(v)
}

fn authorize_path(client: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&scope=openid&state=s&code_challenge={}&code_challenge_method=S256",
        s256(VERIFIER)
    )
}

/// A browser signed in to the pool's hosted UI (one page sign-in).
async fn signed_in(endpoint: &str, f: &Fixture, client: &str) -> Browser {
    let mut b = Browser::new(endpoint);
    let login = b.open(&authorize_path(client)).await;
    let done = b.submit(&login.form("/login"), &[("username", &f.users[0]), ("password", PASSWORD)]).await;
    assert!(done.location_param("code").is_some(), "page sign-in: {} {}", done.status, done.body);
    b
}

pub async fn run(
    name: &str,
    endpoint: &str,
    f: &Arc<Fixture>,
    secs: u64,
    conc: usize,
    pid: Option<u32>,
) -> Option<Measured> {
    let _ = cognate_testkit::http_client(); // installs the TLS crypto provider reqwest needs
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = endpoint.trim_end_matches('/').to_string();
    Some(match name {
        "login-page" => {
            let (client, _) = oauth_client(f, &[OAuthFlowType::Code], &["openid"]).await;
            let url = format!("{base}{}", authorize_path(&client).replacen("/oauth2/authorize", "/login", 1));
            drive(secs, conc, pid, move |_, _| {
                let (http, url) = (http.clone(), url.clone());
                async move {
                    let r = http.get(&url).send().await.map_err(err)?;
                    let ok = r.status() == 200;
                    let body = r.bytes().await.map_err(err)?;
                    if ok && body.len() > 1000 {
                        Ok(())
                    } else {
                        Err(format!("login page: {}", body.len()))
                    }
                }
            })
            .await
        }
        "authorize" | "oauth-code" => {
            let (client, secret) = oauth_client(f, &[OAuthFlowType::Code], &["openid"]).await;
            let b = signed_in(&base, f, &client).await;
            let (cookie_name, cookie) = b.cookie_pair("cognate_session_").expect("session cookie");
            let cookie = format!("{cookie_name}={cookie}");
            let url = format!("{base}{}", authorize_path(&client));
            let authorize = {
                let (http, url, cookie) = (http.clone(), url.clone(), cookie.clone());
                move || {
                    let (http, url, cookie) = (http.clone(), url.clone(), cookie.clone());
                    async move {
                        let r = http.get(&url).header("cookie", cookie).send().await.map_err(err)?;
                        let loc = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                        let code = loc.split("code=").nth(1).map(|c| c.split('&').next().unwrap_or("").to_string());
                        code.ok_or_else(|| format!("authorize: {} {loc}", r.status()))
                    }
                }
            };
            if name == "authorize" {
                drive(secs, conc, pid, move |_, _| {
                    let a = authorize.clone();
                    async move { a().await.map(|_| ()) }
                })
                .await
            } else {
                // Codes made beforehand (they live five minutes), so the timed window is the
                // exchange alone.
                let wanted = (secs as usize * 2500).max(2000);
                let mut codes = Vec::with_capacity(wanted);
                let started = std::time::Instant::now();
                let mut batch = vec![];
                for _ in 0..wanted {
                    batch.push(tokio::spawn((authorize.clone())()));
                    if batch.len() == 16 {
                        for h in batch.drain(..) {
                            codes.push(h.await.unwrap().expect("a code"));
                        }
                    }
                }
                for h in batch {
                    codes.push(h.await.unwrap().expect("a code"));
                }
                eprintln!("  {} codes made in {:.1} s", codes.len(), started.elapsed().as_secs_f64());
                let codes = Arc::new(codes);
                let next = Arc::new(AtomicUsize::new(0));
                let token = format!("{base}/oauth2/token");
                drive(secs, conc, pid, move |_, _| {
                    let (http, codes, next, token) = (http.clone(), codes.clone(), next.clone(), token.clone());
                    let (client, secret) = (client.clone(), secret.clone());
                    async move {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let code = codes.get(i).ok_or("out of codes")?;
                        let r = http
                            .post(&token)
                            .basic_auth(&client, Some(&secret))
                            .form(&[
                                ("grant_type", "authorization_code"),
                                ("code", code.as_str()),
                                ("redirect_uri", CB),
                                ("code_verifier", VERIFIER),
                            ])
                            .send()
                            .await
                            .map_err(err)?;
                        let ok = r.status() == 200;
                        let body = r.text().await.map_err(err)?;
                        if ok {
                            Ok(())
                        } else {
                            Err(body)
                        }
                    }
                })
                .await
            }
        }
        "client-credentials" => {
            f.c.create_resource_server()
                .user_pool_id(&f.pool)
                .identifier("https://api.bench")
                .name("bench")
                .scopes(
                    ResourceServerScopeType::builder().scope_name("read").scope_description("read").build().unwrap(),
                )
                .send()
                .await
                .expect("CreateResourceServer");
            let (client, secret) =
                oauth_client(f, &[OAuthFlowType::ClientCredentials], &["https://api.bench/read"]).await;
            let token = format!("{base}/oauth2/token");
            drive(secs, conc, pid, move |_, _| {
                let (http, token, client, secret) = (http.clone(), token.clone(), client.clone(), secret.clone());
                async move {
                    let r = http
                        .post(&token)
                        .basic_auth(&client, Some(&secret))
                        .form(&[("grant_type", "client_credentials"), ("scope", "https://api.bench/read")])
                        .send()
                        .await
                        .map_err(err)?;
                    let ok = r.status() == 200;
                    let body = r.text().await.map_err(err)?;
                    if ok {
                        Ok(())
                    } else {
                        Err(body)
                    }
                }
            })
            .await
        }
        _ => return None,
    })
}
