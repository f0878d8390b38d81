//! Authorization codes: self-contained, sealed values. A code is its grant (who signed in,
//! when, with which PKCE challenge, nonce and scopes), encrypted and authenticated with the
//! master key (AES-256-GCM) and bound to the client and the `redirect_uri` through the
//! associated data, so no store row is written when a code is issued and none is read
//! when it is exchanged. A code is single use: its first exchange inserts the refresh token
//! derived from it ([`refresh_token_of`]), a unique row; a replay finds that row taken.
//! RFC 6749 §4.1.2 leaves a code's size to the server: ours are about 250 characters.

use crate::crypto::MasterKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognate_model::{now_millis, UserPoolId};
use serde::{Deserialize, Serialize};

/// What a code stands for (short field names: the code travels in a URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CodeGrant {
    /// The pool.
    #[serde(rename = "p")]
    pub pool_id: UserPoolId,
    /// The user (name key).
    #[serde(rename = "u")]
    pub username_key: String,
    /// The PKCE `code_challenge` (S256), if one was sent.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    /// The OIDC `nonce`, echoed in the ID token.
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The granted scopes.
    #[serde(rename = "s")]
    pub scopes: Vec<String>,
    /// When the user authenticated (seconds).
    #[serde(rename = "t")]
    pub auth_time: i64,
    /// The `origin_jti` the code's tokens carry, so that a replay revokes what the first
    /// exchange issued.
    #[serde(rename = "j")]
    pub origin_jti: String,
    /// Expiry (ms).
    #[serde(rename = "e")]
    pub expires_at: i64,
    /// The hosted session that signed the user in, when the pool tracks sessions (the token
    /// session's `OriginSessionId`).
    #[serde(rename = "o", default, skip_serializing_if = "Option::is_none")]
    pub sso: Option<String>,
}

/// Where a code may be exchanged: the associated data it is sealed with. (Client ids are
/// unique across pools; the pool is in the grant, and checked against the client's.)
pub(crate) struct CodeAudience<'a> {
    pub client: &'a str,
    pub redirect_uri: &'a str,
}

impl CodeAudience<'_> {
    fn aad(&self) -> String {
        format!("oauth-code\n{}\n{}", self.client, self.redirect_uri)
    }
}

/// Seals a grant into a code.
pub(crate) fn seal(master: &MasterKey, to: &CodeAudience<'_>, grant: &CodeGrant) -> String {
    let body = serde_json::to_vec(grant).expect("a code grant serializes");
    master.seal_url(&body, &to.aad())
}

/// Opens a code: `None` when it was not sealed by this server for this client and
/// `redirect_uri`, or when it expired.
pub(crate) fn open(master: &MasterKey, to: &CodeAudience<'_>, code: &str) -> Option<CodeGrant> {
    let body = master.open_url(code, &to.aad()).ok()?;
    let grant: CodeGrant = serde_json::from_slice(&body).ok()?;
    (grant.expires_at > now_millis()).then_some(grant)
}

/// The refresh token a code's exchange issues: derived from the code under the master key,
/// so that it can be inserted once only (the code's redemption) and no one without the key
/// can compute it from the code.
pub(crate) fn refresh_token_of(master: &MasterKey, code: &str) -> String {
    URL_SAFE_NO_PAD.encode(master.keyed_mac("oauth-code-refresh", code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MasterKey {
        MasterKey::from_base64(&crate::crypto::generate_master_key_b64()).unwrap()
    }

    #[test]
    fn a_code_opens_only_for_its_client_and_redirect_uri_until_it_expires() {
        let k = key();
        let to = CodeAudience { client: "client1", redirect_uri: "https://app/cb" };
        let g = CodeGrant {
            pool_id: UserPoolId::new("us-east-1_abc"),
            username_key: "alice".into(),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            nonce: None,
            scopes: vec!["openid".into(), "email".into()],
            auth_time: 1,
            origin_jti: uuid::Uuid::new_v4().to_string(),
            expires_at: now_millis() + 300_000,
            sso: None,
        };
        let code = seal(&k, &to, &g);
        assert!(code.len() < 300, "{} characters", code.len());
        assert!(code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "URL-safe: {code}");
        assert_eq!(open(&k, &to, &code), Some(g.clone()));
        for wrong in [
            CodeAudience { client: "client2", redirect_uri: "https://app/cb" },
            CodeAudience { client: "client1", redirect_uri: "https://app/cb2" },
        ] {
            assert_eq!(open(&k, &wrong, &code), None);
        }
        assert_eq!(open(&key(), &to, &code), None, "another server's key");
        let mut tampered = code.clone().into_bytes();
        tampered[20] = if tampered[20] == b'A' { b'B' } else { b'A' };
        assert_eq!(open(&k, &to, std::str::from_utf8(&tampered).unwrap()), None);
        assert_eq!(open(&k, &to, "not-a-code"), None);
        let expired = seal(&k, &to, &CodeGrant { expires_at: now_millis() - 1, ..g });
        assert_eq!(open(&k, &to, &expired), None);
        assert_eq!(refresh_token_of(&k, &code), refresh_token_of(&k, &code));
        assert_ne!(refresh_token_of(&k, &code), refresh_token_of(&key(), &code));
        assert_eq!(refresh_token_of(&k, &code).len(), 43);
    }
}
