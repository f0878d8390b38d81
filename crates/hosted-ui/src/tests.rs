use crate::i18n::Catalog;
use crate::render::{Frame, Renderer};
use crate::request::{authorize_query, Params};
use std::collections::BTreeMap;

#[test]
fn every_language_has_every_english_key() {
    let en: BTreeMap<String, String> = toml::from_str(include_str!("../i18n/en.toml")).unwrap();
    for (lang, text) in [("fr", include_str!("../i18n/fr.toml")), ("de", include_str!("../i18n/de.toml"))] {
        let t: BTreeMap<String, String> = toml::from_str(text).unwrap();
        let missing: Vec<_> = en.keys().filter(|k| !t.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        let extra: Vec<_> = t.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
    }
}

#[test]
fn languages_are_picked_from_tags() {
    let c = Catalog::load();
    assert_eq!(c.pick(["fr-CA"]), "fr");
    assert_eq!(c.pick(["xx", "de_DE"]), "de");
    assert_eq!(c.pick(["ja"]), "en");
    assert_eq!(c.pick([]), "en");
}

#[test]
fn every_template_renders_and_escapes() {
    let r = Renderer::new();
    let frame = Frame {
        lang: "fr",
        title: "T".into(),
        app_name: "<script>x</script>".into(),
        q: "client_id=a&state=\"><b>".into(),
        csrf: "c".into(),
        nonce: "n".into(),
        ..Default::default()
    };
    for t in [
        "login.html",
        "signup.html",
        "confirm.html",
        "forgot.html",
        "reset.html",
        "challenge.html",
        "passkey_add.html",
        "error.html",
    ] {
        let html = r.render(t, &frame, serde_json::json!({"username": "<u>"})).unwrap();
        assert!(!html.contains("<script>x"), "{t} did not escape the app name");
        assert!(!html.contains("<u>"), "{t} did not escape the user name");
        assert!(!html.contains("\"><b>"), "{t} did not escape the query");
        assert!(html.contains("nonce=\"n\""), "{t} lacks the style nonce");
    }
    let login = r.render("login.html", &frame, serde_json::json!({"cognito": true})).unwrap();
    for needle in ["name=\"username\"", "name=\"password\"", "type=\"submit\"", "<label", "name=\"_csrf\""] {
        assert!(login.contains(needle), "login page lacks {needle}");
    }
    assert!(login.contains("Se connecter"), "French words on a French page");
    // A client with only a federated provider: its button, no password form.
    let extra =
        serde_json::json!({"cognito": false, "providers": [{"name": "<i>Corp", "href": "/oauth2/authorize?a=1"}]});
    let only = r.render("login.html", &frame, extra).unwrap();
    assert!(only.contains("Continuer avec &lt;i&gt;Corp"), "{only}");
    assert!(!only.contains("name=\"password\""));
}

#[test]
fn duplicated_parameters_are_noticed() {
    let p = Params::parse(b"a=1&b=2&a=3");
    assert_eq!(p.duplicated(), Some("a"));
    assert_eq!(p.get("a"), Some("1"));
    assert!(Params::parse(b"a=1&b=2").duplicated().is_none());
}

#[test]
fn huge_values_are_dropped_and_the_query_round_trips() {
    let big = format!("state={}", "x".repeat(10_000));
    assert_eq!(Params::parse(big.as_bytes()).get("state"), Some(""));
    let p = Params::parse(b"client_id=abc&redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fx%3D1&state=a+b&junk=1").authorize();
    let again = Params::parse(authorize_query(&p).as_bytes()).authorize();
    assert_eq!(p, again);
    assert_eq!(again.state.as_deref(), Some("a b"));
}
