//! What a request carries, parsed once: query and form parameters (duplicates noticed, as
//! RFC 6749 §3.1 forbids them), cookies, `Basic` client credentials, the `Bearer` token.

use base64::Engine;
use bytes::Bytes;
use cognate_core::hosted::AuthorizeParams;
use cognate_core::RequestContext;

/// The longest query string served (an authorization request with a long `state` fits).
pub const MAX_QUERY: usize = 8 * 1024;
/// The longest single parameter value kept.
const MAX_VALUE: usize = 4 * 1024;

/// A request to the hosted UI.
pub struct UiRequest {
    /// The head.
    pub parts: http::request::Parts,
    /// The body (already read within the listener's limit).
    pub body: Bytes,
    /// Who sent it.
    pub ctx: RequestContext,
}

/// Parameters of a query or a form body.
#[derive(Debug, Default, Clone)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses `application/x-www-form-urlencoded` text; values over the limit are cut to nothing
    /// so that no check ever sees a huge value.
    pub fn parse(text: &[u8]) -> Self {
        let pairs = form_urlencoded::parse(text)
            .map(|(k, v)| {
                let v = if v.len() > MAX_VALUE { String::new() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .take(200)
            .collect();
        Self { pairs }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, when not empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty()).map(String::from)
    }

    /// A parameter sent more than once, if any.
    pub fn duplicated(&self) -> Option<&str> {
        self.pairs
            .iter()
            .enumerate()
            .find(|(i, (k, _))| self.pairs[..*i].iter().any(|(k2, _)| k2 == k))
            .map(|(_, (k, _))| k.as_str())
    }

    /// The authorization request parameters among these.
    pub fn authorize(&self) -> AuthorizeParams {
        let s = |n: &str| self.get(n).map(String::from);
        AuthorizeParams {
            response_type: s("response_type"),
            client_id: s("client_id"),
            redirect_uri: s("redirect_uri"),
            state: s("state"),
            scope: s("scope"),
            identity_provider: s("identity_provider"),
            idp_identifier: s("idp_identifier"),
            code_challenge: s("code_challenge"),
            code_challenge_method: s("code_challenge_method"),
            nonce: s("nonce"),
            prompt: s("prompt"),
            max_age: s("max_age"),
            login_hint: s("login_hint"),
            lang: s("lang").or_else(|| s("ui_locales")),
            request: s("request"),
            request_uri: s("request_uri"),
        }
    }
}

/// The query string that carries an authorization request from page to page.
pub fn authorize_query(p: &AuthorizeParams) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let fields = [
        ("client_id", &p.client_id),
        ("response_type", &p.response_type),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", &p.state),
        ("nonce", &p.nonce),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
        ("identity_provider", &p.identity_provider),
        ("idp_identifier", &p.idp_identifier),
        ("prompt", &p.prompt),
        ("max_age", &p.max_age),
        ("login_hint", &p.login_hint),
        ("lang", &p.lang),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

impl UiRequest {
    /// The query's parameters.
    pub fn query(&self) -> Params {
        Params::parse(self.parts.uri.query().unwrap_or("").as_bytes())
    }

    /// The form body's parameters; `None` when the body is not a form.
    pub fn form(&self) -> Option<Params> {
        let ct = self.header("content-type").unwrap_or("");
        let mime = ct.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return None;
        }
        Some(Params::parse(&self.body))
    }

    /// One header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.parts.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Host` the request was sent to.
    pub fn host(&self) -> Option<&str> {
        self.header("host").or_else(|| self.parts.uri.authority().map(|a| a.as_str()))
    }

    /// A cookie's value.
    pub fn cookie_names(&self) -> Vec<String> {
        let lines = self.parts.headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok());
        lines
            .flat_map(|l| {
                l.split(';').filter_map(|kv| kv.split_once('=').map(|(k, _)| k.trim().to_string())).collect::<Vec<_>>()
            })
            .take(100)
            .collect()
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.parts.headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
            line.split(';').map(str::trim).find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k == name).then(|| v.trim_matches('"').to_string())
            })
        })
    }

    /// `Authorization: Basic` credentials (`client_id:client_secret`, each form-encoded as
    /// RFC 6749 §2.3.1 says). `Some(Err)` when the header is Basic but unreadable.
    pub fn basic(&self) -> Option<Result<(String, String), ()>> {
        let v = self.header("authorization")?;
        let (scheme, rest) = v.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(rest.trim()).map_err(|_| ());
        let pair = decoded.and_then(|d| String::from_utf8(d).map_err(|_| ())).and_then(|s| {
            let (id, secret) = s.split_once(':').ok_or(())?;
            Ok((decode_component(id), decode_component(secret)))
        });
        Some(pair)
    }

    /// `Authorization: Bearer` token.
    pub fn bearer(&self) -> Option<&str> {
        let v = self.header("authorization")?;
        let (scheme, rest) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim()).filter(|t| !t.is_empty())
    }

    /// The languages the browser prefers (`Accept-Language`), best first.
    pub fn accept_language(&self) -> Vec<String> {
        let mut langs: Vec<(f32, String)> = self
            .header("accept-language")
            .unwrap_or("")
            .split(',')
            .take(20)
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim().to_ascii_lowercase();
                let q = it.find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok()).unwrap_or(1.0);
                (!tag.is_empty()).then_some((q, tag))
            })
            .collect();
        langs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        langs.into_iter().map(|(_, t)| t).collect()
    }
}

fn decode_component(s: &str) -> String {
    form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}
