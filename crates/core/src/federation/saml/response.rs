//! A `SAMLResponse` checked the way a service provider must: well-formed, no DTD, no comments
//! or processing instructions, IDs unique, exactly one assertion and it is the one the checks
//! ran on; the Response or the assertion signed with the IdP's key (after decryption when it
//! came encrypted); issuer, destination, recipient, audience, `InResponseTo` and the time
//! window checked with a small skew. The caller records the assertion ID once (replay cache).

use super::decrypt::decrypt;
use super::dsig::{self, only, text};
use super::x509::PublicKey;
use super::{ASSERTION, PROTOCOL};
use roxmltree::{Document, Node, ParsingOptions};

/// Clock skew allowed between Cognate and the IdP.
pub const SKEW_MS: i64 = 3 * 60_000;
/// The largest `SAMLResponse` accepted (decoded), as Cognito's 100,000 characters, encoded.
pub const MAX_RESPONSE: usize = 100_000;

/// What the response must match.
pub struct Expect<'a> {
    /// The pool's SP entity ID (`urn:amazon:cognito:sp:{poolId}`), the audience.
    pub audience: &'a str,
    /// The ACS URL: Destination and Recipient.
    pub acs: &'a str,
    /// The IdP's entity ID: the Issuer.
    pub issuer: &'a str,
    /// The AuthnRequest ID for SP-initiated sign-in; `None` for IdP-initiated (unsolicited).
    pub in_response_to: Option<&'a str>,
    /// The IdP's signing keys.
    pub keys: &'a [PublicKey],
    /// The pool's encryption key (PKCS#8) when the provider encrypts (`EncryptedResponses`):
    /// then a plain assertion is refused.
    pub decryption_key: Option<&'a [u8]>,
    /// Now (Unix ms).
    pub now: i64,
}

/// What a good response asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asserted {
    /// The assertion's ID (recorded once).
    pub assertion_id: String,
    /// The subject's NameID.
    pub name_id: String,
    /// Its Format, when given.
    pub name_id_format: Option<String>,
    /// The AuthnStatement's SessionIndex (for single logout).
    pub session_index: Option<String>,
    /// Attributes by name, every value.
    pub attributes: Vec<(String, Vec<String>)>,
    /// Until when the assertion could be presented (Unix ms): how long to remember its ID.
    pub valid_until: i64,
}

fn named<'a, 'i>(n: Node<'a, 'i>, ns: &'static str, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| c.is_element() && c.tag_name().namespace() == Some(ns) && c.tag_name().name() == name)
}

fn parse(xml: &str) -> Result<Document<'_>, String> {
    let opts = ParsingOptions { allow_dtd: false, nodes_limit: 20_000, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(xml, opts).map_err(|e| format!("not well-formed XML: {e}"))?;
    if doc.descendants().any(|n| n.is_comment() || n.is_pi()) {
        return Err("comments and processing instructions are not accepted in a SAML response".into());
    }
    let mut ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("ID")).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err("two elements have the same ID".into());
    }
    Ok(doc)
}

fn time_attr(n: Node<'_, '_>, name: &str) -> Result<Option<i64>, String> {
    match n.attribute(name) {
        None => Ok(None),
        Some(v) => crate::clock::parse_datetime(v).map(Some).ok_or_else(|| format!("{name} is not a UTC dateTime")),
    }
}

/// Checks a decoded `SAMLResponse`.
pub fn check(xml: &str, e: &Expect<'_>) -> Result<Asserted, String> {
    if xml.len() > MAX_RESPONSE {
        return Err("the SAML response is too large".into());
    }
    let doc = parse(xml)?;
    let resp = doc.root_element();
    if resp.tag_name().namespace() != Some(PROTOCOL) || resp.tag_name().name() != "Response" {
        return Err("not a SAML 2.0 Response".into());
    }
    if resp.attribute("Version") != Some("2.0") {
        return Err("not a SAML 2.0 Response".into());
    }
    if resp.attribute("Destination").is_some_and(|d| d != e.acs) {
        return Err("the response is for another destination".into());
    }
    if let Ok(issuer) = only(resp, ASSERTION, "Issuer") {
        if text(issuer).trim() != e.issuer {
            return Err("the response is from another issuer".into());
        }
    }
    let status = only(only(resp, PROTOCOL, "Status")?, PROTOCOL, "StatusCode")?;
    let code = status.attribute("Value").unwrap_or("");
    if code != "urn:oasis:names:tc:SAML:2.0:status:Success" {
        let sub = named(status, PROTOCOL, "StatusCode").next().and_then(|s| s.attribute("Value")).unwrap_or("");
        return Err(format!("the IdP answered {code} {sub}").trim().to_string());
    }
    check_in_response_to(resp.attribute("InResponseTo"), e, true)?;
    let response_signed = dsig::verify(resp, e.keys)?;
    // Exactly one assertion, a direct child: nothing beside it, nothing wrapped elsewhere.
    let plain: Vec<_> = named(resp, ASSERTION, "Assertion").collect();
    let encrypted: Vec<_> = named(resp, ASSERTION, "EncryptedAssertion").collect();
    let anywhere = doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(ASSERTION) && n.tag_name().name() == "Assertion")
        .count();
    match (plain.as_slice(), encrypted.as_slice()) {
        ([_], []) if e.decryption_key.is_some() => Err("the provider must encrypt its assertions".into()),
        ([a], []) if anywhere == 1 => check_assertion(*a, response_signed, e),
        ([], [enc]) if anywhere == 0 => {
            let key = e.decryption_key.ok_or("the assertion is encrypted but the provider does not use encryption")?;
            let inner = decrypt(*enc, key)?;
            // Parsed with the namespaces in scope where it was (the IdP signed it there).
            let mut wrapper = String::from("<w");
            for ns in enc.namespaces().filter(|ns| ns.name().is_some_and(|p| p != "xml")) {
                wrapper.push_str(&format!(" xmlns:{}=\"{}\"", ns.name().unwrap_or(""), super::xml_escape(ns.uri())));
            }
            wrapper.push('>');
            let mut body = inner.trim_start();
            if body.starts_with("<?xml") {
                body = body.find("?>").map(|i| &body[i + 2..]).unwrap_or(body);
            }
            wrapper.push_str(body);
            wrapper.push_str("</w>");
            let inner_doc = parse(&wrapper)?;
            let kids: Vec<_> = inner_doc.root_element().children().filter(|c| c.is_element()).collect();
            let count = inner_doc
                .descendants()
                .filter(|n| n.tag_name().namespace() == Some(ASSERTION) && n.tag_name().name() == "Assertion")
                .count();
            match kids.as_slice() {
                [a] if count == 1
                    && a.tag_name().namespace() == Some(ASSERTION)
                    && a.tag_name().name() == "Assertion" =>
                {
                    check_assertion(*a, response_signed, e)
                }
                _ => Err("the encrypted assertion does not hold exactly one assertion".into()),
            }
        }
        _ => Err("the response must hold exactly one assertion".into()),
    }
}

fn check_in_response_to(got: Option<&str>, e: &Expect<'_>, optional: bool) -> Result<(), String> {
    match (got, e.in_response_to) {
        (Some(g), Some(want)) if g == want => Ok(()),
        (None, Some(_)) if optional => Ok(()),
        (None, None) => Ok(()),
        (Some(_), None) => Err("an IdP-initiated response must not answer a request".into()),
        _ => Err("the response does not answer the request this browser made".into()),
    }
}

fn check_assertion(a: Node<'_, '_>, response_signed: bool, e: &Expect<'_>) -> Result<Asserted, String> {
    let assertion_signed = dsig::verify(a, e.keys)?;
    if !response_signed && !assertion_signed {
        return Err("neither the response nor the assertion is signed".into());
    }
    if a.attribute("Version") != Some("2.0") {
        return Err("not a SAML 2.0 assertion".into());
    }
    let id = a.attribute("ID").filter(|i| !i.is_empty()).ok_or("the assertion has no ID")?;
    if text(only(a, ASSERTION, "Issuer")?).trim() != e.issuer {
        return Err("the assertion is from another issuer".into());
    }
    let subject = only(a, ASSERTION, "Subject")?;
    let name_id = only(subject, ASSERTION, "NameID")?;
    let name = text(name_id).trim().to_string();
    if name.is_empty() || name.len() > 1024 {
        return Err("the NameID is empty or too long".into());
    }
    // A bearer confirmation for this ACS, in time, answering this request.
    let mut valid_until = i64::MAX;
    let mut confirmed = false;
    let mut why = String::from("no bearer SubjectConfirmation");
    for sc in named(subject, ASSERTION, "SubjectConfirmation") {
        if sc.attribute("Method") != Some("urn:oasis:names:tc:SAML:2.0:cm:bearer") {
            continue;
        }
        let Ok(data) = only(sc, ASSERTION, "SubjectConfirmationData") else { continue };
        let until = time_attr(data, "NotOnOrAfter")?;
        let result = if data.attribute("Recipient") != Some(e.acs) {
            Err("the assertion is for another recipient".to_string())
        } else if until.is_none_or(|t| t <= e.now - SKEW_MS) {
            Err("the assertion has expired".to_string())
        } else if time_attr(data, "NotBefore")?.is_some_and(|t| t > e.now + SKEW_MS) {
            Err("the assertion is not valid yet".to_string())
        } else {
            check_in_response_to(data.attribute("InResponseTo"), e, false)
        };
        match result {
            Ok(()) => {
                confirmed = true;
                valid_until = valid_until.min(until.unwrap_or(i64::MAX));
                break;
            }
            Err(w) => why = w,
        }
    }
    if !confirmed {
        return Err(why);
    }
    let conditions = only(a, ASSERTION, "Conditions")?;
    if time_attr(conditions, "NotBefore")?.is_some_and(|t| t > e.now + SKEW_MS) {
        return Err("the assertion is not valid yet".into());
    }
    if let Some(t) = time_attr(conditions, "NotOnOrAfter")? {
        if t <= e.now - SKEW_MS {
            return Err("the assertion has expired".into());
        }
        valid_until = valid_until.min(t);
    }
    let restrictions: Vec<_> = named(conditions, ASSERTION, "AudienceRestriction").collect();
    let for_us = |r: &Node<'_, '_>| named(*r, ASSERTION, "Audience").any(|x| text(x).trim() == e.audience);
    if restrictions.is_empty() || !restrictions.iter().all(for_us) {
        return Err("the assertion is for another audience".into());
    }
    let session_index =
        named(a, ASSERTION, "AuthnStatement").find_map(|s| s.attribute("SessionIndex")).map(String::from);
    let mut attributes = Vec::new();
    for st in named(a, ASSERTION, "AttributeStatement") {
        for at in named(st, ASSERTION, "Attribute") {
            let Some(n) = at.attribute("Name") else { continue };
            let values = named(at, ASSERTION, "AttributeValue").map(|v| text(v)).collect();
            attributes.push((n.to_string(), values));
        }
    }
    Ok(Asserted {
        assertion_id: id.to_string(),
        name_id: name,
        name_id_format: name_id.attribute("Format").map(String::from),
        session_index,
        attributes,
        valid_until: valid_until.min(e.now + 24 * 3_600_000),
    })
}
