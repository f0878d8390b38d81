//! The integration tests: one binary (linking the AWS SDK once), one module per family. Every
//! test starts the real `cognate` binary with its own data dir (and, with
//! `COGNATE_TEST_BACKEND=postgres`, its own PostgreSQL database) and makes its own pools, so
//! no test depends on another or on their order.

mod common;

mod backups;
mod client_secrets;
mod clients;
mod envelope;
mod federation;
mod federation_saml;
mod federation_signin;
mod federation_social;
mod federation_social_browser;
mod groups;
mod hosted;
mod identity_pools;
mod imports;
mod lifecycle;
mod mfa;
mod multinode;
mod passkeys;
mod pools;
mod recovery;
mod security;
mod sessions;
mod signin;
mod signup;
mod srp;
mod sync;
mod sync_client;
mod threat;
mod triggers;
mod triggers_auth;
mod usage;
mod user_auth;
mod users;
mod validation;
mod verify_attrs;
