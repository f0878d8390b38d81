//! SigV4 principals with kinds. The server parses a signature, asks a [`CredentialLookup`] for
//! the access key's [`Credential`] (its secret and what its owner is), verifies the signature
//! with that secret, and only then [`Credential::bind`]s the proof into a [`Principal`]. What a
//! principal may do follows from its [`PrincipalKind`]: only [`PrincipalKind::Admin`] makes an
//! [`crate::AdminCtx`].

use crate::CoreResult;
use async_trait::async_trait;
use cognate_sigv4::VerifiedPrincipal;
use std::collections::HashMap;
use subtle::ConstantTimeEq;

/// What the owner of a signing key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An administrator key of the configuration: every operation of every API.
    Admin,
    /// Temporary credentials of an identity-pool identity: its own data, never administration.
    Identity(IdentityPrincipal),
    /// Temporary credentials of a role an administrator assumed (STS AssumeRole): they name
    /// the role and nothing more (Cognate is not IAM; no policy is evaluated).
    Role(RolePrincipal),
}

/// The role and session behind AssumeRole credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePrincipal {
    /// The assumed role's ARN.
    pub role_arn: String,
    /// The role session name.
    pub session_name: String,
}

/// The identity and assumed role behind temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityPrincipal {
    /// `{region}:{uuid}`.
    pub identity_id: String,
    /// The identity pool.
    pub identity_pool_id: String,
    /// The assumed role's ARN.
    pub role_arn: String,
    /// The role session name.
    pub session_name: String,
}

/// A key's secret and its owner, as a [`CredentialLookup`] finds them.
pub struct Credential {
    access_key_id: String,
    secret: String,
    /// The session token temporary credentials must present (`X-Amz-Security-Token`).
    session_token: Option<String>,
    kind: PrincipalKind,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential").field("access_key_id", &self.access_key_id).field("kind", &self.kind).finish()
    }
}

impl Credential {
    /// A credential; temporary ones carry the session token their requests must present.
    pub fn new(access_key_id: &str, secret: &str, session_token: Option<&str>, kind: PrincipalKind) -> Self {
        Self {
            access_key_id: access_key_id.to_string(),
            secret: secret.to_string(),
            session_token: session_token.map(str::to_string),
            kind,
        }
    }

    /// The secret to verify the signature with.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Turns a verified signature into a principal: the proof must be for this credential's
    /// key, and carry exactly its session token (compared in constant time).
    pub fn bind(self, proof: VerifiedPrincipal) -> Option<Principal> {
        if proof.access_key_id() != self.access_key_id {
            return None;
        }
        let token_ok = match (&self.session_token, proof.session_token()) {
            (None, None) => true,
            (Some(want), Some(got)) => bool::from(want.as_bytes().ct_eq(got.as_bytes())),
            _ => false,
        };
        token_ok.then_some(Principal { access_key_id: self.access_key_id, kind: self.kind })
    }
}

/// A verified signer and what it is. No public constructor: only [`Credential::bind`] makes
/// one, from a [`VerifiedPrincipal`], which only the SigV4 verifier makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    access_key_id: String,
    kind: PrincipalKind,
}

impl Principal {
    /// The signing key.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// What the signer is.
    pub fn kind(&self) -> &PrincipalKind {
        &self.kind
    }

    /// The ARN AWS names this principal by (`GetCallerIdentity`, `AccessDeniedException`).
    pub fn arn(&self, account_id: &str) -> String {
        match &self.kind {
            PrincipalKind::Admin => format!("arn:aws:iam::{account_id}:user/cognate-admin"),
            PrincipalKind::Identity(IdentityPrincipal { role_arn, session_name, .. })
            | PrincipalKind::Role(RolePrincipal { role_arn, session_name }) => {
                let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
                format!("arn:aws:sts::{account_id}:assumed-role/{role}/{session_name}")
            }
        }
    }
}

/// Finds the credential of an access key (with the session token the request presented, for
/// temporary credentials). `Ok(None)` for an unknown key.
#[async_trait]
pub trait CredentialLookup: Send + Sync {
    /// The credential of `access_key_id`, if any.
    async fn lookup(&self, access_key_id: &str, session_token: Option<&str>) -> CoreResult<Option<Credential>>;
}

/// The administrator keys of the configuration.
#[derive(Clone, Default)]
pub struct AdminKeys(HashMap<String, String>);

impl std::fmt::Debug for AdminKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl AdminKeys {
    /// From (access key id, secret) pairs.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// The credential of an admin key; admin keys have no session token.
    pub fn credential(&self, access_key_id: &str) -> Option<Credential> {
        self.0.get(access_key_id).map(|s| Credential::new(access_key_id, s, None, PrincipalKind::Admin))
    }
}

#[async_trait]
impl CredentialLookup for crate::Cognate {
    async fn lookup(&self, access_key_id: &str, session_token: Option<&str>) -> CoreResult<Option<Credential>> {
        if let Some(admin) = self.admin_keys.credential(access_key_id) {
            return Ok(Some(admin));
        }
        // Temporary credentials carry their session sealed in the token (identity::credentials).
        Ok(session_token.and_then(|t| self.temporary_credential(access_key_id, t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_sigv4::{Request, Verifier};

    fn signed_request(token: Option<&str>) -> (http::HeaderMap, i64) {
        let now = 1_700_000_000;
        let date = cognate_sigv4::format_amz_date(now);
        let mut h = http::HeaderMap::new();
        h.insert("host", "x".parse().unwrap());
        h.insert("x-amz-date", date.parse().unwrap());
        let mut names = vec!["host", "x-amz-date"];
        if let Some(t) = token {
            h.insert("x-amz-security-token", t.parse().unwrap());
            names.push("x-amz-security-token");
        }
        let req = Request { method: "POST", path: "/", query: "", headers: &h, body: b"" };
        let creq = cognate_sigv4::canonical_request(&req, &names, &cognate_sigv4::sha256_hex(b"")).unwrap();
        let scope = format!("{}/us-east-1/svc/aws4_request", &date[..8]);
        let sts = cognate_sigv4::string_to_sign(&date, &scope, &creq);
        let sig = cognate_sigv4::signature("secret", &date[..8], "us-east-1", "svc", &sts);
        let auth =
            format!("AWS4-HMAC-SHA256 Credential=AKID/{scope}, SignedHeaders={}, Signature={sig}", names.join(";"));
        h.insert("authorization", auth.parse().unwrap());
        (h, now)
    }

    fn verify(h: &http::HeaderMap, now: i64) -> VerifiedPrincipal {
        let req = Request { method: "POST", path: "/", query: "", headers: h, body: b"" };
        Verifier::new("svc", "us-east-1").parse(&req, now).unwrap().verify("secret").unwrap()
    }

    #[test]
    fn binding_needs_the_same_key_and_session_token() {
        let (h, now) = signed_request(None);
        let admin = Credential::new("AKID", "secret", None, PrincipalKind::Admin);
        let p = admin.bind(verify(&h, now)).unwrap();
        assert_eq!(p.kind(), &PrincipalKind::Admin);
        let other = Credential::new("OTHER", "secret", None, PrincipalKind::Admin);
        assert!(other.bind(verify(&h, now)).is_none());
        // Temporary credentials require their own session token.
        let identity = PrincipalKind::Identity(IdentityPrincipal {
            identity_id: "us-east-1:1".into(),
            identity_pool_id: "us-east-1:p".into(),
            role_arn: "arn:aws:iam::0:role/Auth".into(),
            session_name: "CognitoIdentityCredentials".into(),
        });
        let temp = Credential::new("AKID", "secret", Some("tok"), identity.clone());
        assert!(temp.bind(verify(&h, now)).is_none());
        let (h, now) = signed_request(Some("tok"));
        let p = Credential::new("AKID", "secret", Some("tok"), identity.clone()).bind(verify(&h, now)).unwrap();
        assert_eq!(p.arn("0"), "arn:aws:sts::0:assumed-role/Auth/CognitoIdentityCredentials");
        assert!(crate::AdminCtx::new(&p, "0").is_err());
        assert!(Credential::new("AKID", "secret", Some("other"), identity).bind(verify(&h, now)).is_none());
    }
}
