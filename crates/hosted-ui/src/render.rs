//! Templates (minijinja, HTML auto-escaping) and the words of every page.

use crate::i18n::Catalog;
use minijinja::Environment;
use serde::Serialize;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("signup.html", include_str!("../templates/signup.html")),
    ("confirm.html", include_str!("../templates/confirm.html")),
    ("forgot.html", include_str!("../templates/forgot.html")),
    ("reset.html", include_str!("../templates/reset.html")),
    ("challenge.html", include_str!("../templates/challenge.html")),
    ("passkey_add.html", include_str!("../templates/passkey_add.html")),
    ("error.html", include_str!("../templates/error.html")),
];

/// The templates and translations, loaded once.
pub struct Renderer {
    env: Environment<'static>,
    /// The translations.
    pub catalog: Catalog,
}

/// What every page shows around its form.
#[derive(Serialize, Default)]
pub struct Frame {
    /// `<html lang>`.
    pub lang: &'static str,
    /// The heading and title.
    pub title: String,
    /// The app client's name.
    pub app_name: String,
    /// The CSS of SetUICustomization.
    pub css: String,
    /// The managed-login branding's look (colours, radii, layout, scheme, bars).
    pub style: cognate_core::hosted::BrandingStyle,
    /// The logo's URL.
    pub logo_url: Option<String>,
    /// The authorization request's query, carried from page to page.
    pub q: String,
    /// The CSRF token for the forms.
    pub csrf: String,
    /// The `<style>` nonce.
    pub nonce: String,
    /// An error to show.
    pub error: Option<String>,
    /// A notice to show.
    pub info: Option<String>,
    /// Links to the page in the other languages.
    pub langs: Vec<LangLink>,
}

/// A link to the page in another language.
#[derive(Serialize)]
pub struct LangLink {
    /// `en`, `fr`, `de`.
    pub code: &'static str,
    /// Its own name for itself.
    pub name: String,
    /// The page's URL in that language.
    pub href: String,
}

impl Renderer {
    /// Loads the templates (a broken template fails the crate's tests, never a request).
    pub fn new() -> Self {
        let mut env = Environment::new();
        for (name, src) in TEMPLATES {
            if let Err(e) = env.add_template(name, src) {
                panic!("template {name}: {e}");
            }
        }
        Self { env, catalog: Catalog::load() }
    }

    /// Renders `template` with the frame and the page's own values.
    pub fn render(&self, template: &str, frame: &Frame, page: serde_json::Value) -> Result<String, minijinja::Error> {
        let t = self.catalog.table(frame.lang);
        let tmpl = self.env.get_template(template)?;
        let mut ctx = serde_json::to_value(frame).unwrap_or_default();
        if let (Some(obj), serde_json::Value::Object(extra)) = (ctx.as_object_mut(), page) {
            obj.extend(extra);
            obj.insert("t".into(), serde_json::to_value(t).unwrap_or_default());
        }
        tmpl.render(ctx)
    }

    /// One translated string with `{name}` placeholders filled.
    pub fn text(&self, lang: &str, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.catalog.table(lang).get(key).cloned().unwrap_or_else(|| key.to_string());
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}
