use super::check_details;
use cognate_model::ProviderType;
use std::collections::BTreeMap;

fn d(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn details_are_checked_per_type_and_presets_filled_in() {
    let google = check_details(
        ProviderType::Google,
        d(&[("client_id", "c"), ("client_secret", "s"), ("authorize_scopes", "openid email")]),
    )
    .unwrap();
    assert_eq!(google["oidc_issuer"], "https://accounts.google.com");
    assert!(check_details(ProviderType::Google, d(&[("client_id", "c")])).is_err());
    let oidc = [
        ("client_id", "c"),
        ("attributes_request_method", "GET"),
        ("oidc_issuer", "https://idp.example.com"),
        ("authorize_scopes", "openid profile"),
    ];
    assert!(check_details(ProviderType::Oidc, d(&oidc)).is_ok());
    let mut bad = d(&oidc);
    bad.insert("attributes_request_method".into(), "PUT".into());
    assert!(check_details(ProviderType::Oidc, bad).is_err());
    let mut plain = d(&oidc);
    plain.insert("oidc_issuer".into(), "http://idp.example.com".into());
    assert!(check_details(ProviderType::Oidc, plain).is_err(), "http only for local issuers");
    let mut local = d(&oidc);
    local.insert("oidc_issuer".into(), "http://127.0.0.1:4000".into());
    assert!(check_details(ProviderType::Oidc, local).is_ok());
    let meta = "<EntityDescriptor><IDPSSODescriptor/></EntityDescriptor>";
    assert!(check_details(ProviderType::Saml, d(&[("MetadataFile", meta)])).is_ok());
    assert!(check_details(ProviderType::Saml, d(&[])).is_err());
    assert!(check_details(ProviderType::Saml, d(&[("MetadataFile", "<x/>")])).is_err());
    assert!(check_details(ProviderType::Saml, d(&[("MetadataFile", meta), ("MetadataURL", "https://x")])).is_err());
    assert!(
        check_details(ProviderType::Saml, d(&[("MetadataURL", "https://idp/meta"), ("IDPSignout", "yes")])).is_err()
    );
}
