//! AWS Signature Version 4 verification (header-based `AWS4-HMAC-SHA256`).
//!
//! Only the math and the checks: parse the `Authorization` header, rebuild the canonical request
//! and the string to sign, derive the signing key, compare in constant time, check the credential
//! scope and the ±15 minute clock skew. No web framework, no database: the caller hands in the
//! request parts and a way to look secrets up.

mod canonical;
mod date;
mod error;

pub use canonical::{canonical_request, string_to_sign};
pub use date::{format_amz_date, parse_amz_date};
pub use error::SigV4Error;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The allowed difference between `X-Amz-Date` and the server clock, as AWS allows.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The parts of a request that SigV4 covers.
pub struct Request<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The path exactly as received (still percent-encoded), e.g. `/`.
    pub path: &'a str,
    /// The raw query string without `?`, or empty.
    pub query: &'a str,
    /// All request headers.
    pub headers: &'a http::HeaderMap,
    /// The whole body.
    pub body: &'a [u8],
}

/// Where secrets come from, for the synchronous [`Verifier::verify`]: access key id → secret.
/// Servers that look secrets up asynchronously use [`Verifier::parse`] and
/// [`SignedRequest::verify`] instead.
pub trait SecretLookup {
    /// The secret for `access_key_id`, if that key is known.
    fn secret(&self, access_key_id: &str) -> Option<&str>;
}

impl SecretLookup for std::collections::HashMap<String, String> {
    fn secret(&self, access_key_id: &str) -> Option<&str> {
        self.get(access_key_id).map(String::as_str)
    }
}

/// Proof that a request carried a valid signature. Only [`SignedRequest::verify`] makes one.
#[derive(Debug, Clone)]
pub struct VerifiedPrincipal {
    access_key_id: String,
    session_token: Option<String>,
}

impl VerifiedPrincipal {
    /// The access key id that signed the request.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    /// The `X-Amz-Security-Token` the signature covered (temporary credentials), if any.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

/// Verifies requests for one service in one region.
#[derive(Debug, Clone)]
pub struct Verifier {
    service: String,
    region: String,
}

/// The parsed `Authorization` header.
#[derive(Debug, PartialEq, Eq)]
struct AuthHeader<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

/// The one algorithm accepted, followed by the space that separates it from its parameters.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

fn parse_auth_header(value: &str) -> Result<AuthHeader<'_>, SigV4Error> {
    let rest = value.strip_prefix(ALGORITHM).filter(|r| r.starts_with(' ')).ok_or_else(|| {
        SigV4Error::Incomplete("Unsupported signing algorithm; only AWS4-HMAC-SHA256 is accepted.".into())
    })?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let (slot, v) = if let Some(v) = part.strip_prefix("Credential=") {
            (&mut credential, v)
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            (&mut signed, v)
        } else if let Some(v) = part.strip_prefix("Signature=") {
            (&mut signature, v)
        } else {
            continue;
        };
        if slot.replace(v).is_some() {
            return Err(SigV4Error::Incomplete(format!(
                "Authorization header has a repeated parameter: '{}'.",
                part.split('=').next().unwrap_or(part)
            )));
        }
    }
    let missing = |name: &str| {
        SigV4Error::Incomplete(format!("Authorization header requires '{name}' parameter. Authorization={value}"))
    };
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(SigV4Error::Incomplete(format!(
            "Credential should have the form AKID/yyyymmdd/region/service/aws4_request, got '{credential}'."
        )));
    };
    if *terminator != "aws4_request" {
        return Err(SigV4Error::Incomplete(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'."
        )));
    }
    Ok(AuthHeader {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed.split(';').filter(|s| !s.is_empty()).collect(),
        signature,
    })
}

/// Derives the SigV4 signing key: `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Hex SHA-256, as SigV4 uses for payloads and canonical requests.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The hex signature of `string_to_sign` with the derived key.
pub fn signature(secret: &str, date: &str, region: &str, service: &str, string_to_sign: &str) -> String {
    hex::encode(hmac(&signing_key(secret, date, region, service), string_to_sign.as_bytes()))
}

/// Signs an outgoing request (Cognate as a client: its Lambda trigger calls). `headers` must
/// hold `host` and `x-amz-date` (= `amz_date`); every header in it is signed. Returns the
/// `Authorization` header's value.
pub fn authorize(
    (access_key_id, secret): (&str, &str),
    region: &str,
    service: &str,
    req: &Request<'_>,
    amz_date: &str,
) -> Result<String, SigV4Error> {
    let mut names: Vec<&str> = req.headers.keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let creq = canonical_request(req, &names, &sha256_hex(req.body))?;
    let date = amz_date.get(..8).ok_or_else(|| SigV4Error::Incomplete("X-Amz-Date is too short.".into()))?;
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let sig = signature(secret, date, region, service, &string_to_sign(amz_date, &scope, &creq));
    Ok(format!(
        "AWS4-HMAC-SHA256 Credential={access_key_id}/{scope}, SignedHeaders={}, Signature={sig}",
        names.join(";")
    ))
}

/// The one value of a header that may appear once only; `Ok(None)` when absent.
fn single_header<'a>(headers: &'a http::HeaderMap, name: &str) -> Result<Option<&'a str>, SigV4Error> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(SigV4Error::Incomplete(format!("The request carries the '{name}' header more than once.")));
    }
    first.to_str().map(Some).map_err(|_| SigV4Error::Incomplete(format!("The '{name}' header is not valid ASCII.")))
}

/// Headers that must be covered by the signature whenever the request carries them: the ones
/// that say what the request does or who sends it. (`host` and `x-amz-date` are always required.)
const SIGNED_WHEN_PRESENT: [&str; 2] = ["x-amz-target", "x-amz-security-token"];

/// A request whose `Authorization` header parsed and whose scope and clock are right: what is
/// left is to look the access key's secret up and [`verify`](SignedRequest::verify).
pub struct SignedRequest<'r> {
    req: &'r Request<'r>,
    auth: AuthHeader<'r>,
    amz_date: &'r str,
    session_token: Option<&'r str>,
}

impl<'r> SignedRequest<'r> {
    /// The access key id the request names.
    pub fn access_key_id(&self) -> &'r str {
        self.auth.access_key_id
    }

    /// The `X-Amz-Security-Token` header (temporary credentials), if present.
    pub fn session_token(&self) -> Option<&'r str> {
        self.session_token
    }

    /// Checks the signature against `secret` (compared in constant time).
    pub fn verify(self, secret: &str) -> Result<VerifiedPrincipal, SigV4Error> {
        let payload_hash = sha256_hex(self.req.body);
        if let Some(claimed) = single_header(self.req.headers, "x-amz-content-sha256")? {
            if claimed != payload_hash {
                return Err(SigV4Error::Signature(
                    "The provided 'x-amz-content-sha256' header does not match what was computed.".into(),
                ));
            }
        }
        let a = &self.auth;
        let creq = canonical_request(self.req, &a.signed_headers, &payload_hash)?;
        let scope = format!("{}/{}/{}/aws4_request", a.date, a.region, a.service);
        let sts = string_to_sign(self.amz_date, &scope, &creq);
        let expected = signature(secret, a.date, a.region, a.service, &sts);
        if expected.as_bytes().ct_eq(a.signature.as_bytes()).into() {
            Ok(VerifiedPrincipal {
                access_key_id: a.access_key_id.to_string(),
                session_token: self.session_token.map(str::to_string),
            })
        } else {
            Err(SigV4Error::Signature(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.".into(),
            ))
        }
    }
}

impl Verifier {
    /// A verifier for requests scoped to `region`/`service`.
    pub fn new(service: impl Into<String>, region: impl Into<String>) -> Self {
        Self { service: service.into(), region: region.into() }
    }

    /// The service name of the credential scope this verifier accepts.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Parses the `Authorization` header and checks everything that needs no secret: one
    /// `Authorization` and one `X-Amz-Date` header, the algorithm, the signed-header list (it
    /// must cover `host`, `x-amz-date`, and `x-amz-target`/`x-amz-security-token` when they are
    /// present, so a captured signature cannot be replayed for another operation), the credential
    /// scope (date, region, service) and the ±15 minute skew. `now` is Unix seconds.
    pub fn parse<'r>(&self, req: &'r Request<'r>, now: i64) -> Result<SignedRequest<'r>, SigV4Error> {
        let auth = single_header(req.headers, http::header::AUTHORIZATION.as_str())?.ok_or(SigV4Error::Missing)?;
        let auth = parse_auth_header(auth)?;
        let amz_date = single_header(req.headers, "x-amz-date")?.ok_or_else(|| {
            SigV4Error::Incomplete("Authorization header requires existence of the 'X-Amz-Date' header.".into())
        })?;
        let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
            SigV4Error::Incomplete(format!("X-Amz-Date '{amz_date}' is not of the form yyyyMMddTHHmmssZ."))
        })?;
        for name in ["host", "x-amz-date"] {
            if !auth.signed_headers.contains(&name) {
                return Err(SigV4Error::Incomplete(format!("The {name} header must be signed.")));
            }
        }
        for name in SIGNED_WHEN_PRESENT {
            if req.headers.contains_key(name) && !auth.signed_headers.contains(&name) {
                return Err(SigV4Error::Incomplete(format!(
                    "The {name} header is present but not signed; it must be in SignedHeaders."
                )));
            }
        }
        let session_token = single_header(req.headers, "x-amz-security-token")?;
        if auth.date != &amz_date[..8] {
            return Err(SigV4Error::Signature(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
                auth.date,
                &amz_date[..8]
            )));
        }
        if auth.service != self.service {
            return Err(SigV4Error::Signature(format!(
                "Credential should be scoped to correct service: '{}'.",
                self.service
            )));
        }
        if auth.region != self.region {
            return Err(SigV4Error::Signature(format!(
                "Credential should be scoped to a valid region, not '{}'. This server's region is '{}'.",
                auth.region, self.region
            )));
        }
        if (now - signed_at).abs() > MAX_SKEW_SECS {
            return Err(SigV4Error::Signature(if signed_at < now {
                format!(
                    "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
                    format_amz_date(now - MAX_SKEW_SECS),
                    format_amz_date(now)
                )
            } else {
                format!(
                    "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
                    format_amz_date(now + MAX_SKEW_SECS),
                    format_amz_date(now)
                )
            }));
        }
        Ok(SignedRequest { req, auth, amz_date, session_token })
    }

    /// Parses and verifies in one step with a synchronous secret lookup.
    pub fn verify(
        &self,
        req: &Request<'_>,
        keys: &dyn SecretLookup,
        now: i64,
    ) -> Result<VerifiedPrincipal, SigV4Error> {
        let signed = self.parse(req, now)?;
        let secret = keys.secret(signed.access_key_id()).ok_or(SigV4Error::UnknownKey)?;
        signed.verify(secret)
    }
}

#[cfg(test)]
mod tests;
