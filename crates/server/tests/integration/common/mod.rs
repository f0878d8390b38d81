#![allow(dead_code)]
//! Shared helpers for the integration tests.

pub use aws_sdk_cognitoidentityprovider as idp;
#[allow(unused_imports)]
pub use cognate_testkit::{unique, Signing, TestServer};
use idp::error::ProvideErrorMetadata;
use idp::types::AttributeType;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_cognate");

/// A fresh server.
pub async fn server() -> TestServer {
    TestServer::start(BIN).await
}

/// The wire error code of an SDK error.
pub fn code<E: ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or("").to_string()
}

/// The message of an SDK error.
pub fn message<E: ProvideErrorMetadata>(e: &E) -> String {
    e.message().unwrap_or("").to_string()
}

/// An attribute.
pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().unwrap()
}

/// Creates a pool with case-insensitive names and returns its id.
pub async fn pool(c: &idp::Client) -> String {
    c.create_user_pool()
        .pool_name(unique("pool"))
        .username_configuration(idp::types::UsernameConfigurationType::builder().case_sensitive(false).build().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap()
}

/// The value of `name` in a list of attributes.
pub fn value_of<'a>(attrs: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attrs.iter().find(|a| a.name == name).and_then(|a| a.value.as_deref())
}

/// An app client allowing the password, SRP and refresh flows; returns its id.
pub async fn app_client(c: &idp::Client, pool: &str) -> String {
    use idp::types::ExplicitAuthFlowsType as F;
    client_with(c, pool, "app", &[F::AllowUserPasswordAuth, F::AllowUserSrpAuth, F::AllowRefreshTokenAuth]).await
}

/// An app client named `name` with these explicit flows (none: the service's defaults).
pub async fn client_with(
    c: &idp::Client,
    pool: &str,
    name: &str,
    flows: &[idp::types::ExplicitAuthFlowsType],
) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name(name)
        .set_explicit_auth_flows((!flows.is_empty()).then(|| flows.to_vec()))
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// A confirmed user with a permanent password and the given attributes (no invitation sent).
pub async fn password_user(c: &idp::Client, pool: &str, name: &str, password: &str, attrs: &[(&str, &str)]) {
    let mut req = c.admin_create_user().user_pool_id(pool).username(name);
    for (n, v) in attrs {
        req = req.user_attributes(attr(n, v));
    }
    req.message_action(idp::types::MessageActionType::Suppress).send().await.unwrap();
    c.admin_set_user_password()
        .user_pool_id(pool)
        .username(name)
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap();
}
