//! Signing in and out through a SAML 2.0 IdP.
//!
//! SP-initiated: the hosted UI sends the browser to the IdP's SingleSignOnService with an
//! AuthnRequest (HTTP-Redirect binding, signed when the provider's `RequestSigningAlgorithm` is
//! `rsa-sha256`); the `RelayState` is the pending request sealed with the master key and bound
//! to the browser, like the OIDC `state`, and it carries the AuthnRequest ID the response must
//! answer. IdP-initiated (only with `IDPInit`): the `RelayState` is the app's authorization
//! request in clear, and the response must answer no request. Either way the response is checked
//! ([`super::response`]), its assertion ID is claimed once in the store (every node sees it),
//! and the person signs in as `{ProviderName}_{NameID}` (or the user that identity is linked to).
//!
//! Sign-out (`IDPSignout`): `/logout` sends a signed LogoutRequest to the IdP's
//! SingleLogoutService; its LogoutResponse comes back to `/saml2/logout`, which then goes on to
//! the app's `logout_uri`. A LogoutRequest the IdP starts ends the browser's hosted session and
//! is answered with a LogoutResponse.

use super::keys::Purpose;
use super::metadata::{parse_idp, IdpMetadata};
use super::response::{check, Expect, SKEW_MS};
use super::{deflate_base64, dsig, sp_entity_id, xml_escape, ASSERTION, PROTOCOL, RSA_SHA256};
use crate::crypto::random_hex;
use crate::federation::oidc::{refused, FederatedSignIn, FederationStart, PendingState};
use crate::hosted::AuthorizeRequest;
use crate::views::OAuthView;
use crate::{CoreError, CoreResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::{now_millis, IdentityProvider, ProviderType, UserPoolId};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The AAD of a sealed logout `RelayState`.
pub const SAML_RELAY_AAD: &str = "saml-logout";
const STATE_TTL_MS: i64 = 15 * 60_000;

/// The SAML identity of a hosted session (what a LogoutRequest names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlSessionInfo {
    /// Provider name.
    #[serde(rename = "n")]
    pub provider: String,
    /// NameID.
    #[serde(rename = "i")]
    pub name_id: String,
    /// NameID Format.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// SessionIndex.
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub session_index: Option<String>,
}

/// A pending sign-out at the IdP.
#[derive(Serialize, Deserialize)]
struct PendingLogout {
    p: String,
    n: String,
    /// LogoutRequest ID.
    i: String,
    /// Where to go afterwards (the app's logout_uri).
    u: String,
    e: i64,
}

/// What `/saml2/logout` does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SamlLogout {
    /// The IdP signed the person out: on to the app's `logout_uri`.
    Done(String),
    /// The IdP asks to sign the person out: end the hosted session of `pool`, then answer at
    /// this location (the LogoutResponse).
    Answer {
        /// The pool whose session cookie ends.
        pool: UserPoolId,
        /// The IdP's SingleLogoutService with the LogoutResponse.
        location: String,
    },
}

fn bad(m: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(m.into())
}

fn enabled(p: &IdentityProvider, key: &str) -> bool {
    p.details.get(key).is_some_and(|v| v == "true")
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl crate::Cognate {
    /// The IdP's metadata: the `MetadataFile`, or the `MetadataURL` read again once its copy is
    /// an hour old (the last good copy is kept when the IdP cannot be reached).
    pub(crate) async fn idp_metadata(&self, p: &IdentityProvider) -> CoreResult<IdpMetadata> {
        if let Some(file) = p.details.get("MetadataFile").filter(|f| !f.trim().is_empty()) {
            return parse_idp(file).map_err(|e| CoreError::Internal(format!("provider {}: {e}", p.name)));
        }
        let url = p.details.get("MetadataURL").cloned().unwrap_or_default();
        let cache_key = format!("{}/{}/{url}", p.pool_id, p.name);
        let cached = self.saml_metadata.lock().ok().and_then(|m| m.get(&cache_key).cloned());
        if let Some((at, md)) = &cached {
            if now_millis() - at < 3_600_000 {
                return Ok(md.clone());
            }
        }
        match self.fetch_metadata(&url).await {
            Ok(md) => {
                if let Ok(mut m) = self.saml_metadata.lock() {
                    m.insert(cache_key, (now_millis(), md.clone()));
                }
                Ok(md)
            }
            Err(e) => match cached {
                Some((_, md)) => {
                    tracing::warn!(provider = %p.name, error = %e, "SAML metadata not re-read; the last copy is used");
                    Ok(md)
                }
                // The IdP's metadata out of reach is an upstream failure, not ours.
                None => Err(CoreError::ExternalService(format!("provider {}: {e}", p.name))),
            },
        }
    }

    /// Reads metadata from its URL.
    pub(crate) async fn fetch_metadata(&self, url: &str) -> Result<IdpMetadata, String> {
        let (status, body) = self.outbound.get_text(url).await?;
        if status != 200 {
            return Err(format!("the metadata URL answered HTTP {status}"));
        }
        parse_idp(&body)
    }
}

impl OAuthView<'_> {
    fn acs_url(&self) -> String {
        format!("{}/saml2/idpresponse", self.public_url())
    }

    /// A query for the HTTP-Redirect binding, signed with the pool's key when `sign`.
    async fn redirect_query(
        &self,
        pool: &UserPoolId,
        kind: &str,
        xml: &str,
        relay: &str,
        sign: bool,
    ) -> CoreResult<String> {
        let mut q = format!("{kind}={}", enc(&deflate_base64(xml)));
        if !relay.is_empty() {
            q.push_str(&format!("&RelayState={}", enc(relay)));
        }
        if sign {
            q.push_str(&format!("&SigAlg={}", enc(RSA_SHA256)));
            let sig = self.saml_key(pool, Purpose::Signing).await?.sign(q.as_bytes())?;
            q.push_str(&format!("&Signature={}", enc(&STANDARD.encode(sig))));
        }
        Ok(q)
    }

    /// Starts an SP-initiated sign-in: where to send the browser, and its binding cookie.
    pub(crate) async fn saml_start(
        &self,
        a: &AuthorizeRequest,
        p: &IdentityProvider,
        query: &str,
    ) -> CoreResult<FederationStart> {
        let md = self.idp_metadata(p).await?;
        let (id, binding) = (format!("_{}", random_hex(20)), random_hex(32));
        let pending = PendingState {
            p: a.pool_id.to_string(),
            n: p.name.clone(),
            q: query.to_string(),
            v: String::new(),
            o: id.clone(),
            b: cognate_sigv4::sha256_hex(binding.as_bytes()),
            e: now_millis() + STATE_TTL_MS,
        };
        let relay =
            self.master.seal_url(&serde_json::to_vec(&pending).unwrap_or_default(), super::super::oidc::STATE_AAD);
        let xml = format!(
            "<samlp:AuthnRequest xmlns:samlp=\"{PROTOCOL}\" xmlns:saml=\"{ASSERTION}\" ID=\"{id}\" Version=\"2.0\" \
IssueInstant=\"{now}\" Destination=\"{dest}\" AssertionConsumerServiceURL=\"{acs}\" \
ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"><saml:Issuer>{issuer}</saml:Issuer>\
<samlp:NameIDPolicy Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\" AllowCreate=\"true\"/></samlp:AuthnRequest>",
            now = crate::clock::format_datetime(now_millis()),
            dest = xml_escape(&md.sso_url),
            acs = xml_escape(&self.acs_url()),
            issuer = sp_entity_id(a.pool_id.as_str()),
        );
        let sign = p.details.get("RequestSigningAlgorithm").is_some_and(|v| v == "rsa-sha256");
        let q = self.redirect_query(&a.pool_id, "SAMLRequest", &xml, &relay, sign).await?;
        let sep = if md.sso_url.contains('?') { '&' } else { '?' };
        Ok(FederationStart { location: format!("{}{sep}{q}", md.sso_url), binding })
    }

    /// True when a `RelayState` is one this server sealed (SP-initiated); otherwise it is an
    /// IdP-initiated sign-in's authorization request.
    pub fn is_sealed_relay(&self, relay: &str) -> bool {
        self.master.open_url(relay, super::super::oidc::STATE_AAD).is_ok()
    }

    /// `/saml2/idpresponse`: checks the response and signs the person in. `idp_initiated` is the
    /// app's authorization request when the `RelayState` was one (checked by the caller).
    pub async fn saml_response(
        &self,
        saml_response: &str,
        relay: &str,
        binding: Option<&str>,
        idp_initiated: Option<&AuthorizeRequest>,
    ) -> CoreResult<FederatedSignIn> {
        let (pool_id, provider_name, request_id, query) = match idp_initiated {
            None => {
                let pending = self.pending(relay, binding)?;
                (UserPoolId::new(pending.p), pending.n, Some(pending.o), pending.q)
            }
            Some(a) => {
                let name =
                    a.identity_provider.clone().ok_or_else(|| bad("The RelayState names no identity provider."))?;
                (a.pool_id.clone(), name, None, relay.to_string())
            }
        };
        let pool = self.pool(&pool_id).await?;
        let provider = self
            .store
            .get_provider(&pool.id, &provider_name)
            .await?
            .filter(|p| p.provider_type == ProviderType::Saml)
            .ok_or_else(|| bad(format!("{provider_name} is not a SAML identity provider of the user pool.")))?;
        if idp_initiated.is_some() && !enabled(&provider, "IDPInit") {
            return Err(bad(format!("IdP-initiated sign-in is not enabled for {provider_name}.")));
        }
        let md = self.idp_metadata(&provider).await?;
        let xml = STANDARD
            .decode(saml_response.chars().filter(|c| !c.is_whitespace()).collect::<String>())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| refused(&provider, "SAML response", "not base64 UTF-8".into()))?;
        let decryption = if enabled(&provider, "EncryptedResponses") {
            Some(self.saml_key(&pool.id, Purpose::Encryption).await?.pkcs8)
        } else {
            None
        };
        let now = now_millis();
        let audience = sp_entity_id(pool.id.as_str());
        let acs = self.acs_url();
        let expect = Expect {
            audience: &audience,
            acs: &acs,
            issuer: &md.entity_id,
            in_response_to: request_id.as_deref(),
            keys: &md.keys,
            decryption_key: decryption.as_deref(),
            now,
        };
        let asserted = check(&xml, &expect).map_err(|e| refused(&provider, "SAML response", e))?;
        let marker = format!("saml:{}:{}:{}", pool.id, provider.name, asserted.assertion_id);
        if !self.store.claim_once(&marker, asserted.valid_until + SKEW_MS, now).await? {
            return Err(refused(&provider, "SAML response", "the assertion was presented before".into()));
        }
        let mut claims = Map::new();
        for (name, values) in &asserted.attributes {
            let v = match values.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            claims.insert(name.clone(), Value::String(v));
        }
        let user = self.federated_user(&pool, &provider, &asserted.name_id, &claims).await?;
        Ok(FederatedSignIn {
            username_key: user.username_key,
            auth_time: now / 1000,
            query,
            saml: Some(SamlSessionInfo {
                provider: provider.name.clone(),
                name_id: asserted.name_id,
                format: asserted.name_id_format,
                session_index: asserted.session_index,
            }),
        })
    }

    /// `/logout` of a session signed in through a SAML IdP with `IDPSignout`: where to send the
    /// browser (the IdP's SingleLogoutService), or `None` to go straight to `logout_uri`.
    pub async fn saml_logout_start(
        &self,
        pool: &UserPoolId,
        s: &SamlSessionInfo,
        logout_uri: &str,
    ) -> CoreResult<Option<String>> {
        let Some(p) = self.store.get_provider(pool, &s.provider).await? else { return Ok(None) };
        if !enabled(&p, "IDPSignout") {
            return Ok(None);
        }
        let md = self.idp_metadata(&p).await?;
        let Some(slo) = md.slo_url else { return Ok(None) };
        let id = format!("_{}", random_hex(20));
        let pending = PendingLogout {
            p: pool.to_string(),
            n: p.name.clone(),
            i: id.clone(),
            u: logout_uri.into(),
            e: now_millis() + STATE_TTL_MS,
        };
        let relay = self.master.seal_url(&serde_json::to_vec(&pending).unwrap_or_default(), SAML_RELAY_AAD);
        let format = s.format.as_deref().map(|f| format!(" Format=\"{}\"", xml_escape(f))).unwrap_or_default();
        let index = s
            .session_index
            .as_deref()
            .map(|x| format!("<samlp:SessionIndex>{}</samlp:SessionIndex>", xml_escape(x)))
            .unwrap_or_default();
        let xml = format!(
            "<samlp:LogoutRequest xmlns:samlp=\"{PROTOCOL}\" xmlns:saml=\"{ASSERTION}\" ID=\"{id}\" Version=\"2.0\" \
IssueInstant=\"{now}\" Destination=\"{dest}\"><saml:Issuer>{issuer}</saml:Issuer><saml:NameID{format}>{name}</saml:NameID>{index}</samlp:LogoutRequest>",
            now = crate::clock::format_datetime(now_millis()),
            dest = xml_escape(&slo),
            issuer = sp_entity_id(pool.as_str()),
            name = xml_escape(&s.name_id),
        );
        let q = self.redirect_query(pool, "SAMLRequest", &xml, &relay, true).await?;
        let sep = if slo.contains('?') { '&' } else { '?' };
        Ok(Some(format!("{slo}{sep}{q}")))
    }

    /// `/saml2/logout` (HTTP-Redirect binding): `raw_query` is the query as received (a signature
    /// covers it byte for byte); `pools` are those the browser has a hosted session with (an
    /// IdP's LogoutRequest is matched to one of their SAML providers by its issuer).
    pub async fn saml_logout(&self, raw_query: &str, pools: &[UserPoolId]) -> CoreResult<SamlLogout> {
        let params: Vec<(String, String)> = form_urlencoded::parse(raw_query.as_bytes()).into_owned().collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let relay = get("RelayState").unwrap_or("");
        if let Some(resp) = get("SAMLResponse") {
            let pending: PendingLogout = self
                .master
                .open_url(relay, SAML_RELAY_AAD)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .filter(|p: &PendingLogout| p.e > now_millis())
                .ok_or_else(|| bad("The sign-out expired or was not started here."))?;
            let pool = UserPoolId::new(pending.p.clone());
            let p = self
                .store
                .get_provider(&pool, &pending.n)
                .await?
                .ok_or_else(|| bad("The identity provider is gone."))?;
            let md = self.idp_metadata(&p).await?;
            self.check_redirect_signature(raw_query, "SAMLResponse", &md, false)
                .map_err(|e| refused(&p, "LogoutResponse", e))?;
            let xml = super::inflate_base64(resp, 100_000).ok_or_else(|| bad("The LogoutResponse is not readable."))?;
            let doc = roxmltree::Document::parse(&xml).map_err(|_| bad("The LogoutResponse is not XML."))?;
            let root = doc.root_element();
            let ok = root.tag_name().name() == "LogoutResponse"
                && root.tag_name().namespace() == Some(PROTOCOL)
                && root.attribute("InResponseTo") == Some(pending.i.as_str());
            if !ok {
                return Err(refused(&p, "LogoutResponse", "it does not answer this sign-out".into()));
            }
            // Whatever the IdP's status, Cognate's own session is already over: on to the app.
            return Ok(SamlLogout::Done(pending.u));
        }
        let req = get("SAMLRequest").ok_or_else(|| bad("SAMLRequest or SAMLResponse is required."))?;
        let xml = super::inflate_base64(req, 100_000).ok_or_else(|| bad("The LogoutRequest is not readable."))?;
        let doc = roxmltree::Document::parse(&xml).map_err(|_| bad("The LogoutRequest is not XML."))?;
        let root = doc.root_element();
        if root.tag_name().name() != "LogoutRequest" || root.tag_name().namespace() != Some(PROTOCOL) {
            return Err(bad("Not a LogoutRequest."));
        }
        let issuer =
            dsig::only(root, ASSERTION, "Issuer").map(|i| dsig::text(i).trim().to_string()).unwrap_or_default();
        let id = root.attribute("ID").unwrap_or("").to_string();
        // The IdP is found by its entity ID among the SAML providers of the browser's pools, and
        // the request must be signed by it.
        let mut candidates = Vec::new();
        for pool in pools {
            let providers = self.store.list_providers(pool, None, 1000).await?;
            candidates.extend(providers.into_iter().filter(|p| p.provider_type == ProviderType::Saml));
        }
        for p in candidates {
            let pool = p.pool_id.clone();
            let Ok(md) = self.idp_metadata(&p).await else { continue };
            if md.entity_id != issuer {
                continue;
            }
            self.check_redirect_signature(raw_query, "SAMLRequest", &md, true)
                .map_err(|e| refused(&p, "LogoutRequest", e))?;
            let slo = md.slo_url.clone().ok_or_else(|| bad("The IdP has no SingleLogoutService."))?;
            let xml = format!(
                "<samlp:LogoutResponse xmlns:samlp=\"{PROTOCOL}\" xmlns:saml=\"{ASSERTION}\" ID=\"_{rid}\" Version=\"2.0\" \
IssueInstant=\"{now}\" Destination=\"{dest}\" InResponseTo=\"{irt}\"><saml:Issuer>{me}</saml:Issuer>\
<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status></samlp:LogoutResponse>",
                rid = random_hex(20),
                now = crate::clock::format_datetime(now_millis()),
                dest = xml_escape(&slo),
                irt = xml_escape(&id),
                me = sp_entity_id(pool.as_str()),
            );
            let q = self.redirect_query(&pool, "SAMLResponse", &xml, relay, true).await?;
            let sep = if slo.contains('?') { '&' } else { '?' };
            return Ok(SamlLogout::Answer { pool, location: format!("{slo}{sep}{q}") });
        }
        Err(bad("No SAML identity provider of this pool sent that LogoutRequest."))
    }

    /// The HTTP-Redirect binding's signature (`SigAlg`, `Signature` over the query as sent).
    fn check_redirect_signature(&self, raw: &str, kind: &str, md: &IdpMetadata, required: bool) -> Result<(), String> {
        let parts: Vec<&str> = raw.split('&').collect();
        let find = |k: &str| parts.iter().find(|p| p.starts_with(&format!("{k}="))).copied();
        let Some(sig) = find("Signature") else {
            return if required { Err("the message is not signed".into()) } else { Ok(()) };
        };
        let alg = find("SigAlg").ok_or("no SigAlg")?;
        let alg_value: String =
            form_urlencoded::parse(alg.as_bytes()).map(|(_, v)| v.into_owned()).next().unwrap_or_default();
        let mut signed = find(kind).ok_or("no message")?.to_string();
        if let Some(r) = find("RelayState") {
            signed.push('&');
            signed.push_str(r);
        }
        signed.push('&');
        signed.push_str(alg);
        let sig_value: String =
            form_urlencoded::parse(sig.as_bytes()).map(|(_, v)| v.into_owned()).next().unwrap_or_default();
        let sig_bytes = STANDARD.decode(sig_value.trim()).map_err(|_| "bad signature encoding")?;
        let alg: &'static dyn aws_lc_rs::signature::VerificationAlgorithm = match alg_value.as_str() {
            RSA_SHA256 => &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => {
                &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
            }
            other => return Err(format!("signature algorithm {other} is not accepted")),
        };
        let good = md.keys.iter().any(|k| match k {
            super::x509::PublicKey::Rsa(b) => {
                aws_lc_rs::signature::UnparsedPublicKey::new(alg, b).verify(signed.as_bytes(), &sig_bytes).is_ok()
            }
            super::x509::PublicKey::Ec(_) => false,
        });
        good.then_some(()).ok_or_else(|| "the signature does not verify with the IdP's certificates".into())
    }

    /// The pool's SP metadata document.
    pub async fn saml_sp_metadata(&self, pool: &UserPoolId) -> CoreResult<String> {
        self.pool(pool).await?;
        let signing = self.saml_key(pool, Purpose::Signing).await?;
        let encryption = self.saml_key(pool, Purpose::Encryption).await?;
        Ok(super::metadata::sp_metadata(
            &sp_entity_id(pool.as_str()),
            self.public_url(),
            &signing.cert_base64(),
            &encryption.cert_base64(),
        ))
    }
}
