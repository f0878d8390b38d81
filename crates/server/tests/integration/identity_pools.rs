//! Identity pools and STS with the official SDKs (aws-sdk-cognitoidentity, aws-sdk-sts), boto3
//! and Amplify: guests and signed-in identities get credentials that Cognate verifies, that name
//! the identity's role and nothing more; the basic flow through STS; role mappings; developer
//! identities; deleting an identity ends its credentials; credentials minted on one node work on
//! another.

use crate::common::*;
use aws_sdk_cognitoidentity as ci;
use idp::types::*;
use serde_json::Value;

const PASSWORD: &str = "Ident-Passw0rd!";
const AUTH_ROLE: &str = "arn:aws:iam::000000000000:role/Authenticated";
const GUEST_ROLE: &str = "arn:aws:iam::000000000000:role/Guest";
const ADMIN_ROLE: &str = "arn:aws:iam::000000000000:role/PoolAdmins";

/// A user pool with a client and a signed-in user; an identity pool that trusts it.
struct World {
    pool: String,
    client: String,
    login_key: String,
    id_token: String,
    identity_pool: String,
}

async fn world(s: &TestServer, user: &str, groups: &[(&str, &str)]) -> World {
    let c = s.client();
    let pool = pool(&c).await;
    let client = app_client(&c, &pool).await;
    password_user(&c, &pool, user, PASSWORD, &[("email", &format!("{user}@example.com"))]).await;
    for (group, role) in groups {
        c.create_group().user_pool_id(&pool).group_name(*group).role_arn(*role).precedence(1).send().await.unwrap();
        c.admin_add_user_to_group().user_pool_id(&pool).username(user).group_name(*group).send().await.unwrap();
    }
    let id_token = sign_in(&c, &client, user).await;
    // The provider name is the ID token's issuer without the scheme (what Amplify sends).
    let iss = crate::hosted::claims(&id_token)["iss"].as_str().unwrap().to_string();
    let login_key = iss.split_once("://").unwrap().1.to_string();
    let provider = ci::types::CognitoIdentityProvider::builder()
        .provider_name(&login_key)
        .client_id(&client)
        .server_side_token_check(true)
        .build();
    let admin = s.identity_client(None);
    let identity_pool = admin
        .create_identity_pool()
        .identity_pool_name(unique("ip"))
        .allow_unauthenticated_identities(true)
        .allow_classic_flow(true)
        .cognito_identity_providers(provider)
        .developer_provider_name("login.example.app")
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&identity_pool)
        .roles("authenticated", AUTH_ROLE)
        .roles("unauthenticated", GUEST_ROLE)
        .send()
        .await
        .unwrap();
    World { pool, client, login_key, id_token, identity_pool }
}

async fn sign_in(c: &idp::Client, client: &str, user: &str) -> String {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
        .id_token
        .unwrap()
}

/// Key, secret and session token of SDK credentials.
fn triple(c: &ci::types::Credentials) -> (String, String, String) {
    (c.access_key_id.clone().unwrap(), c.secret_key.clone().unwrap(), c.session_token.clone().unwrap())
}

async fn caller_arn(s: &TestServer, (k, sec, t): &(String, String, String)) -> Result<String, String> {
    s.sts_client(Some((k, sec, Some(t))))
        .get_caller_identity()
        .send()
        .await
        .map(|r| r.arn.unwrap_or_default())
        .map_err(|e| code(&e))
}

#[tokio::test]
async fn guests_and_signed_in_identities_get_credentials_that_name_their_role_and_nothing_more() {
    let s = server().await;
    let w = world(&s, "ivy", &[]).await;
    let anyone = s.identity_client(None);
    // A guest.
    let guest = anyone.get_id().identity_pool_id(&w.identity_pool).send().await.unwrap().identity_id.unwrap();
    let g = anyone.get_credentials_for_identity().identity_id(&guest).send().await.unwrap();
    let g = triple(g.credentials.as_ref().unwrap());
    assert!(g.0.starts_with("ASIA") && g.0.len() == 20, "{}", g.0);
    assert_eq!(
        caller_arn(&s, &g).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Guest/CognitoIdentityCredentials"
    );
    // Signed in with the user pool's ID token; the same identity the next time.
    let ivy = anyone
        .get_id()
        .identity_pool_id(&w.identity_pool)
        .logins(&w.login_key, &w.id_token)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let again =
        anyone.get_id().identity_pool_id(&w.identity_pool).logins(&w.login_key, &w.id_token).send().await.unwrap();
    assert_eq!(again.identity_id.as_deref(), Some(ivy.as_str()));
    let r =
        anyone.get_credentials_for_identity().identity_id(&ivy).logins(&w.login_key, &w.id_token).send().await.unwrap();
    let creds = r.credentials.unwrap();
    let expires = creds.expiration.unwrap().secs()
        - std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((3500..=3600).contains(&expires), "one hour: {expires}");
    let ivy_creds = triple(&creds);
    assert_eq!(
        caller_arn(&s, &ivy_creds).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Authenticated/CognitoIdentityCredentials"
    );
    // Without its login, or with a login of someone else, the identity is refused.
    let e = anyone.get_credentials_for_identity().identity_id(&ivy).send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    assert!(message(&e).contains("Logins don't match"), "{}", message(&e));
    let e = anyone
        .get_credentials_for_identity()
        .identity_id(&ivy)
        .logins(&w.login_key, "not.a.token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    // Identity credentials are not an administrator.
    let (k, sec, t) = &ivy_creds;
    let as_identity = s.identity_client(Some((k, sec, Some(t))));
    let e = as_identity.list_identity_pools().max_results(10).send().await.unwrap_err();
    assert_eq!(code(&e), "AccessDeniedException");
    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new("us-east-1"))
        .endpoint_url(&s.endpoint)
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new(
            k,
            sec,
            Some(t.clone()),
            None,
            "t",
        ))
        .build();
    let e = idp::Client::from_conf(conf).list_user_pools().max_results(5).send().await.unwrap_err();
    assert_eq!(code(&e), "AccessDeniedException");
    // A tampered session token, another key's secret, or no token: refused.
    for (key, secret, token) in [
        (k.as_str(), sec.as_str(), format!("{}A", &t[..t.len() - 1])),
        (k.as_str(), g.1.as_str(), t.clone()),
        (g.0.as_str(), sec.as_str(), t.clone()),
    ] {
        let got = caller_arn(&s, &(key.to_string(), secret.to_string(), token)).await;
        assert!(got.is_err(), "{got:?}");
    }
    let no_token = s.sts_client(Some((k, sec, None))).get_caller_identity().send().await.unwrap_err();
    assert!(!code(&no_token).is_empty());

    // The basic flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity (unsigned).
    let token = anyone
        .get_open_id_token()
        .identity_id(&ivy)
        .logins(&w.login_key, &w.id_token)
        .send()
        .await
        .unwrap()
        .token
        .unwrap();
    let jwks: Value =
        s.http().get(format!("{}/.well-known/jwks_uri", s.endpoint)).send().await.unwrap().json().await.unwrap();
    assert!(jwks["keys"][0]["n"].is_string());
    let sts_anyone = s.sts_client(None);
    let r = sts_anyone
        .assume_role_with_web_identity()
        .role_arn(AUTH_ROLE)
        .role_session_name("web")
        .web_identity_token(&token)
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    assert_eq!(r.subject_from_web_identity_token.as_deref(), Some(ivy.as_str()));
    assert_eq!(r.audience.as_deref(), Some(w.identity_pool.as_str()));
    let c = r.credentials.unwrap();
    let web = (c.access_key_id, c.secret_access_key, c.session_token);
    assert_eq!(caller_arn(&s, &web).await.unwrap(), "arn:aws:sts::000000000000:assumed-role/Authenticated/web");
    // A role the pool does not give, a forged token: refused.
    let e = sts_anyone
        .assume_role_with_web_identity()
        .role_arn(ADMIN_ROLE)
        .role_session_name("web")
        .web_identity_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessDenied");
    let e = sts_anyone
        .assume_role_with_web_identity()
        .role_arn(AUTH_ROLE)
        .role_session_name("web")
        .web_identity_token(&w.id_token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidIdentityToken");
    // STS names an administrator too, and lets it assume a role; other actions are refused.
    let admin_sts = s.sts_client(None);
    assert_eq!(
        admin_sts.get_caller_identity().send().await.unwrap().arn.as_deref(),
        Some("arn:aws:iam::000000000000:user/cognate-admin")
    );
    let e = admin_sts.get_session_token().send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidAction");

    // Deleting the identity ends its credentials (on every node, within a second).
    let admin = s.identity_client(None);
    let d = admin.describe_identity().identity_id(&ivy).send().await.unwrap();
    assert_eq!(d.logins(), std::slice::from_ref(&w.login_key));
    admin.delete_identities().identity_ids_to_delete(&ivy).send().await.unwrap();
    assert!(caller_arn(&s, &ivy_creds).await.is_err(), "deleted identity's credentials are refused");
    assert!(caller_arn(&s, &web).await.is_err());
    let e = anyone
        .get_credentials_for_identity()
        .identity_id(&ivy)
        .logins(&w.login_key, &w.id_token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    // A user who signed out everywhere (ServerSideTokenCheck) no longer gets an identity.
    s.client().admin_user_global_sign_out().user_pool_id(&w.pool).username("ivy").send().await.unwrap();
    let e =
        anyone.get_id().identity_pool_id(&w.identity_pool).logins(&w.login_key, &w.id_token).send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    let _ = w.client;
}

#[tokio::test]
async fn role_mappings_developer_identities_and_pool_management() {
    let s = server().await;
    let w = world(&s, "ray", &[("admins", ADMIN_ROLE)]).await;
    let admin = s.identity_client(None);
    let anyone = s.identity_client(None);
    // Token mapping: the user pool group's role (cognito:preferred_role).
    let mapping = |t: ci::types::RoleMappingType| {
        ci::types::RoleMapping::builder()
            .r#type(t)
            .ambiguous_role_resolution(ci::types::AmbiguousRoleResolutionType::AuthenticatedRole)
    };
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&w.identity_pool)
        .roles("authenticated", AUTH_ROLE)
        .role_mappings(&w.login_key, mapping(ci::types::RoleMappingType::Token).build().unwrap())
        .send()
        .await
        .unwrap();
    let ray = anyone
        .get_id()
        .identity_pool_id(&w.identity_pool)
        .logins(&w.login_key, &w.id_token)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let creds = |custom: Option<&str>| {
        let anyone = anyone.clone();
        let (ray, key, tok) = (ray.clone(), w.login_key.clone(), w.id_token.clone());
        let custom = custom.map(String::from);
        async move {
            anyone
                .get_credentials_for_identity()
                .identity_id(ray)
                .logins(key, tok)
                .set_custom_role_arn(custom)
                .send()
                .await
        }
    };
    let c = triple(creds(None).await.unwrap().credentials.as_ref().unwrap());
    assert_eq!(
        caller_arn(&s, &c).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/PoolAdmins/CognitoIdentityCredentials"
    );
    let e = creds(Some(GUEST_ROLE)).await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException", "a custom role the token does not grant");
    // Rules mapping: by a claim of the ID token.
    let rule = ci::types::MappingRule::builder()
        .claim("email")
        .match_type(ci::types::MappingRuleMatchType::StartsWith)
        .value("ray@")
        .role_arn("arn:aws:iam::000000000000:role/Rays")
        .build()
        .unwrap();
    let rules = ci::types::RulesConfigurationType::builder().rules(rule).build().unwrap();
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&w.identity_pool)
        .roles("authenticated", AUTH_ROLE)
        .role_mappings(
            &w.login_key,
            mapping(ci::types::RoleMappingType::Rules).rules_configuration(rules).build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let c = triple(creds(None).await.unwrap().credentials.as_ref().unwrap());
    assert_eq!(
        caller_arn(&s, &c).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Rays/CognitoIdentityCredentials"
    );
    let roles = admin.get_identity_pool_roles().identity_pool_id(&w.identity_pool).send().await.unwrap();
    assert_eq!(roles.role_mappings.unwrap()[&w.login_key].rules_configuration.as_ref().unwrap().rules.len(), 1);
    let e = admin
        .set_identity_pool_roles()
        .identity_pool_id(&w.identity_pool)
        .roles("admin", AUTH_ROLE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    // Developer identities: the back end (SigV4 admin) gets a token for its user; the app uses it.
    let dev = admin
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .logins("login.example.app", "user-1")
        .token_duration(600)
        .send()
        .await
        .unwrap();
    let (dev_id, dev_token) = (dev.identity_id.unwrap(), dev.token.unwrap());
    let c = anyone
        .get_credentials_for_identity()
        .identity_id(&dev_id)
        .logins("cognito-identity.amazonaws.com", &dev_token)
        .send()
        .await
        .unwrap();
    assert!(c.credentials.unwrap().access_key_id.unwrap().starts_with("ASIA"));
    let e = anyone
        .get_credentials_for_identity()
        .identity_id(&ray)
        .logins("cognito-identity.amazonaws.com", &dev_token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException", "another identity's token");
    let found = admin
        .lookup_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .developer_user_identifier("user-1")
        .send()
        .await
        .unwrap();
    assert_eq!(found.identity_id.as_deref(), Some(dev_id.as_str()));
    // The same developer user is the same identity; another identity may not claim it.
    let again = admin
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .logins("login.example.app", "user-1")
        .send()
        .await
        .unwrap();
    assert_eq!(again.identity_id.as_deref(), Some(dev_id.as_str()));
    let e = admin
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .identity_id(&ray)
        .logins("login.example.app", "user-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "DeveloperUserAlreadyRegisteredException");
    // Merge user-2's identity into user-1's; unlink.
    let two = admin
        .get_open_id_token_for_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .logins("login.example.app", "user-2")
        .send()
        .await
        .unwrap();
    let merged = admin
        .merge_developer_identities()
        .identity_pool_id(&w.identity_pool)
        .developer_provider_name("login.example.app")
        .source_user_identifier("user-2")
        .destination_user_identifier("user-1")
        .send()
        .await
        .unwrap();
    assert_eq!(merged.identity_id.as_deref(), Some(dev_id.as_str()));
    let e = admin.describe_identity().identity_id(two.identity_id.unwrap()).send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException", "the source identity is gone");
    admin
        .unlink_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .identity_id(&dev_id)
        .developer_provider_name("login.example.app")
        .developer_user_identifier("user-1")
        .send()
        .await
        .unwrap();
    let e = admin
        .lookup_developer_identity()
        .identity_pool_id(&w.identity_pool)
        .developer_user_identifier("user-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");

    // Pool management: describe, update, tags, list, principal tags, delete.
    let d = admin.describe_identity_pool().identity_pool_id(&w.identity_pool).send().await.unwrap();
    assert_eq!(d.developer_provider_name.as_deref(), Some("login.example.app"));
    let arn = format!("arn:aws:cognito-identity:us-east-1:000000000000:identitypool/{}", w.identity_pool);
    admin.tag_resource().resource_arn(&arn).tags("team", "id").send().await.unwrap();
    let tags = admin.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap();
    assert_eq!(tags["team"], "id");
    let updated = admin
        .update_identity_pool()
        .identity_pool_id(&w.identity_pool)
        .identity_pool_name("renamed")
        .allow_unauthenticated_identities(false)
        .set_cognito_identity_providers(d.cognito_identity_providers.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(updated.identity_pool_name, "renamed");
    let e = anyone.get_id().identity_pool_id(&w.identity_pool).send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException", "no more guests");
    admin
        .set_principal_tag_attribute_map()
        .identity_pool_id(&w.identity_pool)
        .identity_provider_name(&w.login_key)
        .use_defaults(false)
        .principal_tags("department", "custom:dept")
        .send()
        .await
        .unwrap();
    let pt = admin
        .get_principal_tag_attribute_map()
        .identity_pool_id(&w.identity_pool)
        .identity_provider_name(&w.login_key)
        .send()
        .await
        .unwrap();
    assert_eq!(pt.principal_tags.unwrap()["department"], "custom:dept");
    let listed = admin.list_identities().identity_pool_id(&w.identity_pool).max_results(60).send().await.unwrap();
    assert!(listed.identities().iter().any(|i| i.identity_id.as_deref() == Some(ray.as_str())));
    let pools = admin.list_identity_pools().max_results(60).send().await.unwrap();
    assert!(pools.identity_pools().iter().any(|p| p.identity_pool_id.as_deref() == Some(w.identity_pool.as_str())));
    admin.delete_identity_pool().identity_pool_id(&w.identity_pool).send().await.unwrap();
    let e = admin.describe_identity_pool().identity_pool_id(&w.identity_pool).send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
}

fn run(cmd: &str, args: &[&str]) -> Value {
    let out = std::process::Command::new(cmd).args(args).output().expect("the client runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|_| panic!("{cmd}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn boto3_runs_both_flows() {
    let Ok(python) = std::env::var("COGNATE_PYTHON") else {
        eprintln!("skipped: run ./scripts/test to install boto3");
        return;
    };
    let s = server().await;
    let w = world(&s, "bo", &[]).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/identity_pool.py");
    let r = run(&python, &[script, &s.endpoint, &w.identity_pool, &w.login_key, &w.id_token, AUTH_ROLE]);
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["guest_arn"], "arn:aws:sts::000000000000:assumed-role/Guest/CognitoIdentityCredentials");
    assert_eq!(r["enhanced_arn"], "arn:aws:sts::000000000000:assumed-role/Authenticated/CognitoIdentityCredentials");
    assert_eq!(r["classic_arn"], "arn:aws:sts::000000000000:assumed-role/Authenticated/boto3");
    assert_eq!(r["classic_subject"], r["identity"]);
    assert!(r["no_logins"].as_str().unwrap().contains("Logins don't match"), "{r}");
}

#[tokio::test]
async fn amplify_fetches_credentials_as_a_guest_and_signed_in() {
    let Ok(dir) = std::env::var("COGNATE_JS_CLIENT_DIR") else {
        eprintln!("skipped: run ./scripts/test to install aws-amplify");
        return;
    };
    let s = server().await;
    let w = world(&s, "amy", &[]).await;
    let script = std::path::Path::new(&dir).join("amplify-identity.mjs");
    let r =
        run("node", &[script.to_str().unwrap(), &s.endpoint, &w.pool, &w.client, &w.identity_pool, "amy", PASSWORD]);
    assert_eq!(r["ok"], true, "{r}");
    let (guest, user) = (&r["guest"], &r["user"]);
    // As on AWS, signing in on a device that was a guest links the login to the guest's
    // identity (Amplify keeps the identity id it had).
    assert_eq!(guest["identityId"], user["identityId"], "{r}");
    let key = |c: &Value| {
        (
            c["accessKeyId"].as_str().unwrap().to_string(),
            c["secretAccessKey"].as_str().unwrap().to_string(),
            c["sessionToken"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        caller_arn(&s, &key(&guest["credentials"])).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Guest/CognitoIdentityCredentials"
    );
    assert_eq!(
        caller_arn(&s, &key(&user["credentials"])).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Authenticated/CognitoIdentityCredentials"
    );
    let described = s
        .identity_client(None)
        .describe_identity()
        .identity_id(user["identityId"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.logins(),
        std::slice::from_ref(&w.login_key),
        "Amplify keyed the login by the issuer without its scheme"
    );
}

#[tokio::test]
async fn credentials_minted_on_one_node_work_on_another() {
    let Some((a, b, _)) = crate::multinode::nodes().await else { return };
    let w = world(&a, "nod", &[]).await;
    let on_a = a.identity_client(None);
    let id = on_a
        .get_id()
        .identity_pool_id(&w.identity_pool)
        .logins(&w.login_key, &w.id_token)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let c =
        on_a.get_credentials_for_identity().identity_id(&id).logins(&w.login_key, &w.id_token).send().await.unwrap();
    let creds = triple(c.credentials.as_ref().unwrap());
    assert!(caller_arn(&b, &creds).await.is_ok(), "node B verifies node A's credentials");
    // Deleted on B: refused on A within a second or two.
    b.identity_client(None).delete_identities().identity_ids_to_delete(&id).send().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while caller_arn(&a, &creds).await.is_ok() {
        assert!(std::time::Instant::now() < deadline, "node A still accepts a deleted identity's credentials");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn google_facebook_and_oidc_logins_link_and_unlink_and_sts_trusts_the_pools_oidc_providers() {
    let Some((_fake, fake, file)) = crate::federation_social_browser::social_fake().await else {
        eprintln!("skipped: run ./scripts/test to install the fake providers");
        return;
    };
    let s = TestServer::start_with(BIN, &[("COGNATE_SOCIAL_ENDPOINTS_FILE", file.path().to_str().unwrap())]).await;
    let http = s.http();
    let mint = |path: String| {
        let http = http.clone();
        async move {
            let v: Value = http.get(path).send().await.unwrap().json().await.unwrap();
            v["token"].as_str().unwrap().to_string()
        }
    };
    let oidc_host = format!("{}/oidc", fake.trim_start_matches("http://"));
    let admin = s.identity_client(None);
    let pool = admin
        .create_identity_pool()
        .identity_pool_name(unique("ext"))
        .allow_unauthenticated_identities(false)
        .supported_login_providers("accounts.google.com", "g-app")
        .supported_login_providers("graph.facebook.com", "fb-app")
        .open_id_connect_provider_arns(format!("arn:aws:iam::000000000000:oidc-provider/{oidc_host}"))
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    admin.set_identity_pool_roles().identity_pool_id(&pool).roles("authenticated", AUTH_ROLE).send().await.unwrap();
    let anyone = s.identity_client(None);
    let google = mint(format!("{fake}/google/mint?sub=g-77&aud=g-app")).await;
    let facebook = mint(format!("{fake}/facebook/mint?user=fay")).await;
    let oidc = mint(format!("{fake}/oidc/mint?sub=o-5&aud=any-client")).await;
    // Google and Facebook together: one identity with both logins.
    let both = anyone
        .get_id()
        .identity_pool_id(&pool)
        .logins("accounts.google.com", &google)
        .logins("graph.facebook.com", &facebook)
        .send()
        .await
        .unwrap()
        .identity_id
        .unwrap();
    let d = admin.describe_identity().identity_id(&both).send().await.unwrap();
    assert_eq!(d.logins().len(), 2, "{:?}", d.logins());
    // Either login alone proves it; its credentials name the authenticated role.
    let c = anyone
        .get_credentials_for_identity()
        .identity_id(&both)
        .logins("graph.facebook.com", &facebook)
        .send()
        .await
        .unwrap();
    assert_eq!(
        caller_arn(&s, &triple(c.credentials.as_ref().unwrap())).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Authenticated/CognitoIdentityCredentials"
    );
    // A Google token for another app is refused; so is a guest in this pool.
    let other_app = mint(format!("{fake}/google/mint?sub=g-77&aud=someone-else")).await;
    let e = anyone.get_id().identity_pool_id(&pool).logins("accounts.google.com", &other_app).send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    let e = anyone.get_id().identity_pool_id(&pool).send().await.unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    // UnlinkIdentity (public: the caller proves the identity with a login).
    anyone
        .unlink_identity()
        .identity_id(&both)
        .logins("accounts.google.com", &google)
        .logins_to_remove("graph.facebook.com")
        .send()
        .await
        .unwrap();
    let d = admin.describe_identity().identity_id(&both).send().await.unwrap();
    assert_eq!(d.logins(), ["accounts.google.com".to_string()]);
    let e = anyone
        .get_credentials_for_identity()
        .identity_id(&both)
        .logins("graph.facebook.com", &facebook)
        .send()
        .await
        .unwrap_err();
    assert!(message(&e).contains("Logins don't match"), "{}", message(&e));
    // An OIDC provider of the pool, through its discovery document and JWKS.
    let o =
        anyone.get_id().identity_pool_id(&pool).logins(&oidc_host, &oidc).send().await.unwrap().identity_id.unwrap();
    assert_ne!(o, both);
    anyone.get_credentials_for_identity().identity_id(&o).logins(&oidc_host, &oidc).send().await.unwrap();
    // STS trusts the OIDC providers the account's identity pools name: the token itself
    // assumes the pool's role.
    let sts = s.sts_client(None);
    let r = sts
        .assume_role_with_web_identity()
        .role_arn(AUTH_ROLE)
        .role_session_name("oidc")
        .web_identity_token(&oidc)
        .send()
        .await
        .unwrap();
    assert_eq!(r.subject_from_web_identity_token.as_deref(), Some("o-5"));
    assert_eq!(r.provider.as_deref(), Some(oidc_host.as_str()));
    let c = r.credentials.unwrap();
    assert_eq!(
        caller_arn(&s, &(c.access_key_id, c.secret_access_key, c.session_token)).await.unwrap(),
        "arn:aws:sts::000000000000:assumed-role/Authenticated/oidc"
    );
    let e = sts
        .assume_role_with_web_identity()
        .role_arn(ADMIN_ROLE)
        .role_session_name("oidc")
        .web_identity_token(&oidc)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessDenied");
    let e = sts
        .assume_role_with_web_identity()
        .role_arn(AUTH_ROLE)
        .role_session_name("google")
        .web_identity_token(&google)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidIdentityToken", "Google is not an OIDC provider of the account");
}
