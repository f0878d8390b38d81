//! A browser without JavaScript for the hosted UI's tests: a cookie jar, no automatic
//! redirects (each hop is looked at), and the forms of a page read back from its HTML. The
//! real-browser tests (Playwright in Chromium) live in `tests/js`; this one runs everywhere
//! the Rust tests run, on both backends.

use std::collections::BTreeMap;

/// One answer.
#[derive(Debug, Clone)]
pub struct Page {
    /// Status.
    pub status: u16,
    /// `Location`, for redirects.
    pub location: Option<String>,
    /// The body.
    pub body: String,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
}

/// A form of a page: where it posts and its fields (hidden ones filled in).
#[derive(Debug, Clone)]
pub struct Form {
    /// `action`.
    pub action: String,
    /// Field name → value (inputs and the submit button's name/value if any).
    pub fields: BTreeMap<String, String>,
}

/// The browser.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    /// A browser for the server at `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Self {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { base: base.trim_end_matches('/').to_string(), http, cookies: BTreeMap::new() }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn finish(&mut self, resp: reqwest::Response) -> Page {
        for v in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let line = v.to_str().unwrap_or("");
            let first = line.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                let expired = line.contains("Max-Age=0");
                if expired || val.is_empty() {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies.insert(k.trim().to_string(), val.to_string());
                }
            }
        }
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location = headers.get("location").and_then(|v| v.to_str().ok()).map(String::from);
        let body = resp.text().await.unwrap_or_default();
        Page { status, location, body, headers }
    }

    /// GET.
    pub async fn get(&mut self, path: &str) -> Page {
        let resp = self.http.get(self.url(path)).header("cookie", self.cookie_header()).send().await.unwrap();
        self.finish(resp).await
    }

    /// POST a form.
    pub async fn post(&mut self, path: &str, fields: &BTreeMap<String, String>) -> Page {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields.iter()).finish();
        let resp = self
            .http
            .post(self.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(resp).await
    }

    /// Submits `form` with `values` set (other fields as the page had them).
    pub async fn submit(&mut self, form: &Form, values: &[(&str, &str)]) -> Page {
        let mut fields = form.fields.clone();
        for (k, v) in values {
            fields.insert(k.to_string(), v.to_string());
        }
        let action = html_unescape(&form.action);
        self.post(&action, &fields).await
    }

    /// Follows redirects on this server until a page or a redirect elsewhere (returned as is).
    pub async fn follow(&mut self, mut page: Page) -> Page {
        for _ in 0..10 {
            match &page.location {
                Some(loc) if loc.starts_with('/') || loc.starts_with(&self.base) => {
                    let loc = loc.clone();
                    page = self.get(&loc).await;
                }
                _ => return page,
            }
        }
        page
    }

    /// GET, then follow the redirects on this server.
    pub async fn open(&mut self, path: &str) -> Page {
        let first = self.get(path).await;
        self.follow(first).await
    }

    /// Points the browser at another server (another node behind the same name), cookies kept.
    pub fn rebase(&mut self, base: &str) {
        self.base = base.trim_end_matches('/').to_string();
    }

    /// Drops every cookie (a new browser profile).
    pub fn clear(&mut self) {
        self.cookies.clear();
    }

    /// Sets a cookie (a copied one).
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_string(), value.to_string());
    }

    /// A cookie's name and value, by name prefix.
    pub fn cookie_pair(&self, name_prefix: &str) -> Option<(String, String)> {
        self.cookies.iter().find(|(k, _)| k.starts_with(name_prefix)).map(|(k, v)| (k.clone(), v.clone()))
    }

    /// A cookie's value.
    pub fn cookie(&self, name_prefix: &str) -> Option<&str> {
        self.cookies.iter().find(|(k, _)| k.starts_with(name_prefix)).map(|(_, v)| v.as_str())
    }
}

impl Page {
    /// The forms of the page, in order.
    pub fn forms(&self) -> Vec<Form> {
        let mut out = vec![];
        let mut rest = self.body.as_str();
        while let Some(start) = rest.find("<form") {
            let after = &rest[start..];
            let end = after.find("</form>").unwrap_or(after.len());
            let html = &after[..end];
            let tag_end = html.find('>').unwrap_or(html.len());
            let action = attr(&html[..tag_end], "action").unwrap_or_default();
            let mut fields = BTreeMap::new();
            let mut r = html;
            while let Some(i) = r.find("<input") {
                let tag = &r[i..];
                let close = tag.find('>').unwrap_or(tag.len());
                let t = &tag[..close];
                if let Some(name) = attr(t, "name") {
                    fields.insert(html_unescape(&name), html_unescape(&attr(t, "value").unwrap_or_default()));
                }
                r = &tag[close..];
            }
            out.push(Form { action, fields });
            rest = &after[end..];
        }
        out
    }

    /// The first form that posts to a path starting with `path`.
    pub fn form(&self, path: &str) -> Form {
        self.forms()
            .into_iter()
            .find(|f| f.action.starts_with(path))
            .unwrap_or_else(|| panic!("no form posting to {path} on the page (status {}):\n{}", self.status, self.body))
    }

    /// A query parameter of the `Location`.
    pub fn location_param(&self, name: &str) -> Option<String> {
        let loc = self.location.as_deref()?;
        let q = loc.split_once(['?', '#'])?.1;
        form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }

    /// The visible text of the element with `class` (the first one).
    pub fn text_of(&self, class: &str) -> Option<String> {
        let i = self.body.find(class)?;
        let rest = &self.body[i..];
        let start = rest.find('>')? + 1;
        let end = rest[start..].find('<')? + start;
        Some(html_unescape(&rest[start..end]))
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let i = tag.find(&needle)? + needle.len();
    let end = tag[i..].find('"')? + i;
    Some(tag[i..end].to_string())
}

/// Undoes HTML escaping of attribute values and text.
pub fn html_unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
