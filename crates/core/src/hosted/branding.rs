//! What a managed-login branding settings document does to the pages: colours for light and
//! dark mode, corner radii, the form's place on the page (`categories.form.location`), the
//! spacing density, the colour-scheme mode, and the page header and footer
//! (`categories.global`). Every value is checked against what it may be (hex colours, bounded
//! numbers, one of the documented keywords): the document comes from an administrator, but
//! nothing of it reaches a page unchecked. What the pages do not use (fonts, images of the
//! assets, the federation order) is stored and returned as given.

use serde::Serialize;
use serde_json::Value;

/// The look a branding gives the pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrandingStyle {
    /// CSS custom properties for light mode (`--name`, value).
    pub light: Vec<(String, String)>,
    /// CSS custom properties for dark mode.
    pub dark: Vec<(String, String)>,
    /// `light`, `dark` or `dynamic` (the browser's preference).
    pub scheme: &'static str,
    /// Classes of the page: the form's place and the spacing density.
    pub classes: Vec<&'static str>,
    /// Show the page header bar.
    pub header: bool,
    /// Show the page footer bar.
    pub footer: bool,
}

impl Default for BrandingStyle {
    /// Cognate's own look: light, the form at the top centre.
    fn default() -> Self {
        Self { light: vec![], dark: vec![], scheme: "light", classes: vec![], header: false, footer: false }
    }
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, p| v.get(p))
}

/// A hex colour (`0972d3ff`, `#0972d3`), as CSS.
fn colour(v: &Value) -> Option<String> {
    let hex = v.as_str()?.trim_start_matches('#');
    let ok = matches!(hex.len(), 3 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("#{hex}"))
}

/// A corner radius in pixels, 0 to 64.
fn radius(v: &Value) -> Option<String> {
    let n = v.as_f64().filter(|n| n.is_finite() && (0.0..=64.0).contains(n))?;
    Some(format!("{}px", n.round() as i64))
}

/// Colour properties and where a mode's value lives (`MODE` is `lightMode` or `darkMode`).
const COLOURS: [(&str, &[&str]); 14] = [
    ("--primary", &["components", "primaryButton", "MODE", "defaults", "backgroundColor"]),
    ("--primary-text", &["components", "primaryButton", "MODE", "defaults", "textColor"]),
    ("--page", &["components", "pageBackground", "MODE", "color"]),
    ("--form", &["components", "form", "MODE", "backgroundColor"]),
    ("--form-border", &["components", "form", "MODE", "borderColor"]),
    ("--heading", &["components", "pageText", "MODE", "headingColor"]),
    ("--text", &["components", "pageText", "MODE", "bodyColor"]),
    ("--muted", &["components", "pageText", "MODE", "descriptionColor"]),
    ("--link", &["componentClasses", "link", "MODE", "defaults", "textColor"]),
    ("--input", &["componentClasses", "input", "MODE", "defaults", "backgroundColor"]),
    ("--input-border", &["componentClasses", "input", "MODE", "defaults", "borderColor"]),
    ("--label", &["componentClasses", "inputLabel", "MODE", "textColor"]),
    ("--bar", &["components", "pageHeader", "MODE", "background", "color"]),
    ("--bar-border", &["components", "pageHeader", "MODE", "borderColor"]),
];

const RADII: [(&str, &[&str]); 3] = [
    ("--radius-form", &["components", "form", "borderRadius"]),
    ("--radius-button", &["componentClasses", "buttons", "borderRadius"]),
    ("--radius-input", &["componentClasses", "input", "borderRadius"]),
];

fn colours(settings: &Value, mode: &str) -> Vec<(String, String)> {
    COLOURS
        .iter()
        .filter_map(|(name, path)| {
            let path: Vec<&str> = path.iter().map(|p| if *p == "MODE" { mode } else { p }).collect();
            at(settings, &path).and_then(colour).map(|v| (name.to_string(), v))
        })
        .collect()
}

/// The style of a settings document.
pub fn branding_style(settings: &Value) -> BrandingStyle {
    let mut light = colours(settings, "lightMode");
    light.extend(
        RADII.iter().filter_map(|(name, path)| at(settings, path).and_then(radius).map(|v| (name.to_string(), v))),
    );
    let keyword = |path: &[&str]| at(settings, path).and_then(Value::as_str);
    let scheme = match keyword(&["categories", "global", "colorSchemeMode"]) {
        Some("DARK") => "dark",
        Some("DYNAMIC") => "dynamic",
        _ => "light",
    };
    let mut classes = vec![];
    classes.extend(match keyword(&["categories", "form", "location", "horizontal"]) {
        Some("START") => Some("form-h-start"),
        Some("END") => Some("form-h-end"),
        Some("CENTER") => Some("form-h-center"),
        _ => None,
    });
    classes.extend(match keyword(&["categories", "form", "location", "vertical"]) {
        Some("TOP") => Some("form-v-top"),
        Some("BOTTOM") => Some("form-v-bottom"),
        Some("CENTER") => Some("form-v-center"),
        _ => None,
    });
    classes.extend(match keyword(&["categories", "global", "spacingDensity"]) {
        Some("COMPACT") => Some("density-compact"),
        Some("SPACIOUS") => Some("density-spacious"),
        Some("REGULAR") => Some("density-regular"),
        _ => None,
    });
    let enabled = |path: &[&str]| at(settings, path).and_then(Value::as_bool).unwrap_or(false);
    BrandingStyle {
        light,
        dark: colours(settings, "darkMode"),
        scheme,
        classes,
        header: enabled(&["categories", "global", "pageHeader", "enabled"]),
        footer: enabled(&["categories", "global", "pageFooter", "enabled"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_sets_colours_radii_place_density_scheme_and_bars() {
        let s = branding_style(&json!({
            "categories": {
                "form": {"location": {"horizontal": "END", "vertical": "CENTER"}},
                "global": {"colorSchemeMode": "DYNAMIC", "spacingDensity": "COMPACT",
                           "pageHeader": {"enabled": true}, "pageFooter": {"enabled": false}}
            },
            "components": {
                "primaryButton": {"lightMode": {"defaults": {"backgroundColor": "aa0000ff"}},
                                  "darkMode": {"defaults": {"backgroundColor": "#539fe5"}}},
                "form": {"borderRadius": 16.0, "lightMode": {"backgroundColor": "ffffffff"}},
                "pageHeader": {"lightMode": {"background": {"color": "fafafaff"}}}
            },
            "componentClasses": {"buttons": {"borderRadius": 4}, "input": {"borderRadius": 99}}
        }));
        assert_eq!(
            s.light,
            [
                ("--primary", "#aa0000ff"),
                ("--form", "#ffffffff"),
                ("--bar", "#fafafaff"),
                ("--radius-form", "16px"),
                ("--radius-button", "4px")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(s.dark, vec![("--primary".to_string(), "#539fe5".to_string())]);
        assert_eq!(s.scheme, "dynamic");
        assert_eq!(s.classes, ["form-h-end", "form-v-center", "density-compact"]);
        assert!(s.header && !s.footer);
    }

    #[test]
    fn nothing_unchecked_reaches_the_page() {
        let s = branding_style(&json!({
            "categories": {"form": {"location": {"horizontal": "LEFT;}</style>", "vertical": 3}},
                           "global": {"colorSchemeMode": "dark", "spacingDensity": "HUGE", "pageHeader": {"enabled": "yes"}}},
            "components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "red;}body{x:y"}}},
                           "form": {"borderRadius": "8px;}", "lightMode": {"backgroundColor": "12345g"}}},
            "componentClasses": {"buttons": {"borderRadius": -1}}
        }));
        assert_eq!(s, BrandingStyle::default());
        assert_eq!(branding_style(&json!("not an object")), BrandingStyle::default());
    }
}
