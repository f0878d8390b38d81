//! The pages' words, from translation files (`i18n/{lang}.toml`, one flat table of keys).
//! English is complete and the fallback for any key another language lacks; `lang` (or
//! `ui_locales`) picks the language, else the browser's `Accept-Language`.

use std::collections::BTreeMap;

/// The languages shipped, each with its file.
const FILES: &[(&str, &str)] = &[
    ("en", include_str!("../i18n/en.toml")),
    ("fr", include_str!("../i18n/fr.toml")),
    ("de", include_str!("../i18n/de.toml")),
];

/// Every language's table, English filled in where a translation lacks a key.
pub struct Catalog {
    langs: Vec<(&'static str, BTreeMap<String, String>)>,
}

fn parse(lang: &str, text: &str) -> BTreeMap<String, String> {
    match toml::from_str::<BTreeMap<String, String>>(text) {
        Ok(m) => m,
        Err(e) => panic!("i18n/{lang}.toml is not a flat table of strings: {e}"),
    }
}

impl Catalog {
    /// Loads the shipped files (checked by a test, so a broken file never ships).
    pub fn load() -> Self {
        let en = parse("en", FILES[0].1);
        let langs = FILES
            .iter()
            .map(|(lang, text)| {
                let mut table = en.clone();
                table.extend(parse(lang, text));
                (*lang, table)
            })
            .collect();
        Self { langs }
    }

    /// The language for a request: the first of `wanted` (tags like `fr-CA` match `fr`) that is
    /// shipped, else English.
    pub fn pick<'a>(&self, wanted: impl IntoIterator<Item = &'a str>) -> &'static str {
        for w in wanted {
            let base = w.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            if let Some((lang, _)) = self.langs.iter().find(|(l, _)| *l == base) {
                return lang;
            }
        }
        "en"
    }

    /// The table of `lang`.
    pub fn table(&self, lang: &str) -> &BTreeMap<String, String> {
        self.langs.iter().find(|(l, _)| *l == lang).map(|(_, t)| t).unwrap_or(&self.langs[0].1)
    }

    /// The languages shipped.
    pub fn languages(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.langs.iter().map(|(l, _)| *l)
    }
}
