//! Who is calling, and from where: the contexts that authorize a call ([`AdminCtx`], and
//! [`crate::UserCtx`] in `tokens`) and the [`RequestContext`] every call carries.

use crate::principal::{Principal, PrincipalKind};
use std::net::IpAddr;

/// Authority to call the admin API. The only way to get one is [`AdminCtx::new`] from a
/// [`Principal`] of kind [`PrincipalKind::Admin`], and a `Principal` only comes from a verified
/// SigV4 signature: a handler without an `AdminCtx` cannot reach admin functions, and temporary
/// credentials of an identity are never an administrator.
#[derive(Debug, Clone)]
pub struct AdminCtx {
    access_key_id: String,
}

/// A principal that is not an administrator asked for an admin operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAdmin {
    /// The principal's ARN, for the `AccessDeniedException` message.
    pub arn: String,
}

impl AdminCtx {
    /// The admin context of `principal`, when it is an administrator.
    pub fn new(principal: &Principal, account_id: &str) -> Result<Self, NotAdmin> {
        match principal.kind() {
            PrincipalKind::Admin => Ok(Self { access_key_id: principal.access_key_id().to_string() }),
            _ => Err(NotAdmin { arn: principal.arn(account_id) }),
        }
    }

    /// An admin context for unit tests of this crate.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self { access_key_id: crate::testing::ADMIN_KEY.0.into() }
    }

    /// The access key that signed the request (for logs and audit).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
}

/// Where a request came from, for every operation: the request id, the client's IP address
/// (the socket peer, or `X-Forwarded-For` when the peer is a trusted proxy) and its user agent.
/// Devices record it, and threat protection and auth events read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The id sent back as `x-amzn-RequestId`.
    pub request_id: String,
    /// The client's address, when known.
    pub source_ip: Option<IpAddr>,
    /// The `User-Agent` header, when sent.
    pub user_agent: Option<String>,
    /// What the request gives Lambda triggers: its `ClientMetadata` and `ValidationData`.
    pub trigger_input: TriggerInput,
    /// The end user's address as a public sign-in's `UserContextData.IpAddress` names it: threat
    /// protection believes it only for an app client with a secret that propagates additional
    /// user context data ([`Cognate::judged`](crate::Cognate)).
    pub claimed_ip: Option<IpAddr>,
}

/// The members of a request that Cognito passes to Lambda triggers as they were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriggerInput {
    /// `ClientMetadata` (the triggers' `clientMetadata`).
    pub client_metadata: std::collections::BTreeMap<String, String>,
    /// `ValidationData` (the triggers' `validationData`), name to value.
    pub validation_data: std::collections::BTreeMap<String, String>,
}

impl RequestContext {
    /// The context of work that no request started (the command line, tests).
    pub fn internal() -> Self {
        Self { request_id: "internal".into(), ..Default::default() }
    }

    /// This request as made on behalf of the end user at `ip` with these headers (an admin
    /// call's `ContextData`): an address that does not parse, and a missing user agent, keep
    /// the request's own.
    pub fn on_behalf_of(&self, ip: &str, headers: &[(String, String)]) -> Self {
        let mut r = self.clone();
        if let Ok(ip) = ip.trim().parse() {
            r.source_ip = Some(ip);
        }
        if let Some((_, ua)) = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("user-agent")) {
            r.user_agent = Some(ua.chars().take(512).collect());
        }
        r
    }

    /// This request with the end user's address its `UserContextData` names (an address that
    /// does not parse is ignored).
    pub fn claiming(&self, ip: &str) -> Self {
        Self { claimed_ip: ip.trim().parse().ok(), ..self.clone() }
    }

    /// The source address as text (empty when unknown).
    pub fn ip_string(&self) -> String {
        self.source_ip.map(|ip| ip.to_string()).unwrap_or_default()
    }
}
