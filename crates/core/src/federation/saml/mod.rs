//! SAML 2.0: the user pool as a service provider (entity `urn:amazon:cognito:sp:{poolId}`, ACS
//! `/saml2/idpresponse`). Pure Rust on `roxmltree` and `aws-lc-rs`: exclusive C14N and enveloped
//! signatures ([`c14n`], [`dsig`]), encrypted assertions ([`decrypt`]), metadata ([`metadata`]),
//! response checks ([`response`]), the pool's keys and certificates ([`keys`], [`x509`]) and
//! the sign-in and sign-out flows ([`flow`]).

pub mod c14n;
pub mod decrypt;
pub mod dsig;
mod flow;
pub mod keys;
pub mod metadata;
pub mod response;
pub mod x509;

pub use flow::{SamlLogout, SamlSessionInfo, SAML_RELAY_AAD};

/// SAML 2.0 protocol namespace.
pub const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// SAML 2.0 assertion namespace.
pub const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// SAML 2.0 metadata namespace.
pub const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// The redirect binding's signature algorithm (`RequestSigningAlgorithm` `rsa-sha256`).
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/// The SP entity ID of a pool.
pub fn sp_entity_id(pool: &str) -> String {
    format!("urn:amazon:cognito:sp:{pool}")
}

/// Escapes text for XML content or a double-quoted attribute.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A message for the HTTP-Redirect binding: raw DEFLATE, then base64.
pub fn deflate_base64(xml: &str) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(xml.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(enc.finish().unwrap_or_default())
}

/// A message from the HTTP-Redirect binding (at most `limit` bytes once inflated).
pub fn inflate_base64(b64: &str, limit: u64) -> Option<String> {
    use base64::Engine;
    use std::io::Read;
    let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let raw = base64::engine::general_purpose::STANDARD.decode(clean).ok()?;
    let mut out = String::new();
    flate2::read::DeflateDecoder::new(raw.as_slice()).take(limit).read_to_string(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests;
