//! SAML 2.0 metadata: the IdP's (read: entity ID, single sign-on and logout URLs for the
//! HTTP-Redirect binding, signing certificates) and the pool's own, served to IdPs.

use super::dsig::{text, DSIG};
use super::x509::{self, PublicKey};
use super::{xml_escape, MD, PROTOCOL};
use roxmltree::Node;

const REDIRECT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/// What Cognate needs of an IdP's metadata.
#[derive(Debug, Clone)]
pub struct IdpMetadata {
    /// `entityID`: the `Issuer` of its responses.
    pub entity_id: String,
    /// SingleSignOnService, HTTP-Redirect binding.
    pub sso_url: String,
    /// SingleLogoutService, HTTP-Redirect binding.
    pub slo_url: Option<String>,
    /// The keys of its signing certificates.
    pub keys: Vec<PublicKey>,
    /// The earliest notAfter of those certificates (Unix ms).
    pub expires: i64,
}

fn md<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(move |c| c.is_element() && c.tag_name().namespace() == Some(MD) && c.tag_name().name() == name)
}

fn redirect_location(sso: Node<'_, '_>, name: &'static str) -> Option<String> {
    md(sso, name)
        .find(|s| s.attribute("Binding") == Some(REDIRECT))
        .and_then(|s| s.attribute("Location"))
        .map(String::from)
}

/// Reads IdP metadata (an `EntityDescriptor`, or the first IdP of an `EntitiesDescriptor`).
pub fn parse_idp(xml: &str) -> Result<IdpMetadata, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("the metadata is not well-formed XML: {e}"))?;
    let entity = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().namespace() == Some(MD) && n.tag_name().name() == "EntityDescriptor")
        .find(|e| md(*e, "IDPSSODescriptor").next().is_some())
        .ok_or("the metadata has no EntityDescriptor with an IDPSSODescriptor")?;
    let entity_id =
        entity.attribute("entityID").filter(|e| !e.is_empty()).ok_or("the EntityDescriptor has no entityID")?;
    let sso = md(entity, "IDPSSODescriptor")
        .find(|d| d.attribute("protocolSupportEnumeration").is_some_and(|p| p.contains(PROTOCOL)))
        .ok_or("the IDPSSODescriptor does not support SAML 2.0")?;
    let sso_url = redirect_location(sso, "SingleSignOnService")
        .ok_or("the IdP has no SingleSignOnService with the HTTP-Redirect binding")?;
    let mut keys = Vec::new();
    let mut expires = i64::MAX;
    for kd in md(sso, "KeyDescriptor").filter(|k| k.attribute("use").is_none_or(|u| u == "signing")) {
        let certs = kd
            .descendants()
            .filter(|c| c.tag_name().namespace() == Some(DSIG) && c.tag_name().name() == "X509Certificate");
        for c in certs {
            let b64 = text(c);
            if b64.len() > 4096 {
                return Err("a signing certificate is longer than 4,096 characters".into());
            }
            let (_, cert) = x509::parse_base64_certificate(&b64).ok_or("a signing certificate cannot be read")?;
            expires = expires.min(cert.not_after);
            keys.push(cert.key);
        }
    }
    if keys.is_empty() {
        return Err("the metadata has no signing certificate".into());
    }
    Ok(IdpMetadata {
        entity_id: entity_id.to_string(),
        sso_url,
        slo_url: redirect_location(sso, "SingleLogoutService"),
        keys,
        expires,
    })
}

/// The pool's SP metadata: its entity ID, ACS and logout endpoints, and its certificates.
pub fn sp_metadata(entity_id: &str, public_url: &str, signing_cert_b64: &str, encryption_cert_b64: &str) -> String {
    let key = |usage: &str, cert: &str| {
        format!(
            "<md:KeyDescriptor use=\"{usage}\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor xmlns:md=\"{MD}\" xmlns:ds=\"{DSIG}\" entityID=\"{entity}\">\
<md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\" protocolSupportEnumeration=\"{PROTOCOL}\">\
{signing}{encryption}\
<md:SingleLogoutService Binding=\"{REDIRECT}\" Location=\"{base}/saml2/logout\"/>\
<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>\
<md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{base}/saml2/idpresponse\" index=\"1\" isDefault=\"true\"/>\
</md:SPSSODescriptor></md:EntityDescriptor>\n",
        entity = xml_escape(entity_id),
        signing = key("signing", signing_cert_b64),
        encryption = key("encryption", encryption_cert_b64),
        base = xml_escape(public_url),
    )
}
