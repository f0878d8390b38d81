//! Enveloped XML signatures, checked the strict way that resists signature wrapping: the
//! `ds:Signature` must be a direct child of the element it signs, its one `Reference` must name
//! that element's `ID`, the only transforms allowed are enveloped-signature and exclusive
//! canonicalization, and the key is one of the IdP's metadata certificates (never the
//! `KeyInfo` the message brings).

use super::c14n;
use super::x509::PublicKey;
use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use base64::Engine;
use roxmltree::Node;
use subtle::ConstantTimeEq;

/// The XML-DSig namespace.
pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// The element's direct `ds:Signature` children.
pub fn signatures<'a, 'i>(el: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    el.children()
        .filter(|c| c.is_element() && c.tag_name().namespace() == Some(DSIG) && c.tag_name().name() == "Signature")
}

/// The only element child named `name` (namespace `ns`); `Err` when there are none or several.
pub fn only<'a, 'i>(n: Node<'a, 'i>, ns: &str, name: &str) -> Result<Node<'a, 'i>, String> {
    let mut it =
        n.children().filter(|c| c.is_element() && c.tag_name().namespace() == Some(ns) && c.tag_name().name() == name);
    match (it.next(), it.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(format!("no {name} in {}", n.tag_name().name())),
        _ => Err(format!("more than one {name} in {}", n.tag_name().name())),
    }
}

/// All the text of an element (comments are refused earlier, so nothing hides in between).
pub fn text(n: Node<'_, '_>) -> String {
    n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect()
}

fn b64(s: &str) -> Result<Vec<u8>, String> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).map_err(|_| "bad base64 in the signature".to_string())
}

fn prefix_list(method: Node<'_, '_>) -> Vec<String> {
    method
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "InclusiveNamespaces")
        .and_then(|c| c.attribute("PrefixList"))
        .map(|l| l.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// The verification algorithm for an XML-DSig `SignatureMethod` and a key of that kind.
fn algorithm(method: &str, key: &PublicKey) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match (method, key) {
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", PublicKey::Rsa(_)) => {
            &signature::RSA_PKCS1_2048_8192_SHA256
        }
        ("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", PublicKey::Rsa(_)) => {
            &signature::RSA_PKCS1_2048_8192_SHA512
        }
        ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", PublicKey::Rsa(_)) => {
            &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", PublicKey::Ec(_)) => {
            &signature::ECDSA_P256_SHA256_FIXED
        }
        ("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", PublicKey::Ec(_)) => {
            &signature::ECDSA_P384_SHA384_FIXED
        }
        _ => return None,
    })
}

fn digest_algorithm(method: &str) -> Option<&'static digest::Algorithm> {
    match method {
        "http://www.w3.org/2001/04/xmlenc#sha256" => Some(&digest::SHA256),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Some(&digest::SHA512),
        "http://www.w3.org/2000/09/xmldsig#sha1" => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        _ => None,
    }
}

/// Checks the enveloped signature of `el` against `keys`. `Ok(false)` when `el` carries no
/// signature; `Err` when it carries a bad one (or several).
pub fn verify(el: Node<'_, '_>, keys: &[PublicKey]) -> Result<bool, String> {
    let mut sigs = signatures(el);
    let Some(sig) = sigs.next() else { return Ok(false) };
    if sigs.next().is_some() {
        return Err("more than one signature on one element".into());
    }
    let id = el.attribute("ID").filter(|i| !i.is_empty()).ok_or("the signed element has no ID")?;
    let signed_info = only(sig, DSIG, "SignedInfo")?;
    let canon = only(signed_info, DSIG, "CanonicalizationMethod")?;
    if canon.attribute("Algorithm") != Some(EXC_C14N) {
        return Err("the signature is not canonicalized with exclusive C14N".into());
    }
    let method = only(signed_info, DSIG, "SignatureMethod")?.attribute("Algorithm").unwrap_or("");
    let reference = only(signed_info, DSIG, "Reference")?;
    if reference.attribute("URI") != Some(&format!("#{id}")) {
        return Err("the signature does not reference the element it is on".into());
    }
    let mut inclusive = Vec::new();
    let mut enveloped = false;
    if let Ok(transforms) = only(reference, DSIG, "Transforms") {
        for t in transforms.children().filter(|c| c.is_element()) {
            if t.tag_name().namespace() != Some(DSIG) || t.tag_name().name() != "Transform" {
                return Err("unexpected element in Transforms".into());
            }
            match t.attribute("Algorithm") {
                Some(ENVELOPED) => enveloped = true,
                Some(EXC_C14N) => inclusive = prefix_list(t),
                other => return Err(format!("transform {} is not accepted", other.unwrap_or("?"))),
            }
        }
    }
    if !enveloped {
        return Err("the signature is not enveloped".into());
    }
    let digest_method = only(reference, DSIG, "DigestMethod")?.attribute("Algorithm").unwrap_or("");
    let dalg = digest_algorithm(digest_method).ok_or_else(|| format!("digest {digest_method} is not accepted"))?;
    let want = b64(&text(only(reference, DSIG, "DigestValue")?))?;
    let got = digest::digest(dalg, c14n::exclusive(el, Some(sig.id()), &inclusive).as_bytes());
    if !bool::from(got.as_ref().ct_eq(&want)) {
        return Err("the digest does not match: the signed element was changed".into());
    }
    let value = b64(&text(only(sig, DSIG, "SignatureValue")?))?;
    let signed = c14n::exclusive(signed_info, None, &prefix_list(canon));
    let good = keys.iter().any(|k| {
        let (PublicKey::Rsa(bytes) | PublicKey::Ec(bytes)) = k;
        algorithm(method, k)
            .is_some_and(|alg| UnparsedPublicKey::new(alg, bytes).verify(signed.as_bytes(), &value).is_ok())
    });
    if !good {
        return Err("the signature does not verify with the IdP's certificates".into());
    }
    Ok(true)
}
