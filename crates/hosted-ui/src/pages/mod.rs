//! The pages: what every page has (the checked authorization request it carries, the
//! client's look, the language, the CSRF token), the error page, and the step after each
//! sign-in answer (a session and a redirect with the code, or the next challenge's page).

mod challenge;
mod login;
mod recovery;
mod signup;

use crate::render::{Frame, LangLink};
use crate::request::{authorize_query, Params, UiRequest};
use crate::response::{self, cookie, session_cookie_name, CSRF_COOKIE};
use crate::HostedUi;
use bytes::Bytes;
use cognate_core::crypto::random_hex;
use cognate_core::hosted::{AuthorizeParams, AuthorizeRequest, PageSettings};
use cognate_core::{AuthOutcome, CoreError};
use http::Response;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

/// One page request: its checked authorization request and what shapes the page.
pub(crate) struct Page {
    /// The request as sent (carried on in every link and form).
    pub p: AuthorizeParams,
    /// The request as checked.
    pub a: AuthorizeRequest,
    /// The client's page settings.
    pub settings: PageSettings,
    /// The language.
    pub lang: &'static str,
    /// The CSRF token (the cookie's value).
    pub csrf: String,
    /// True when the CSRF cookie must be set on the answer.
    pub new_csrf: bool,
}

impl HostedUi {
    /// Opens a page: the authorization request in the query is checked (a refusal is the
    /// answer), the client's look is read, the language and CSRF token chosen.
    pub(crate) async fn open(&self, req: &UiRequest) -> Result<Page, Response<Bytes>> {
        let p = req.query().authorize();
        let a = self.checked(req, &p).await?;
        let lang = self.lang_of(req, &p);
        let settings = match self.svc.oauth(&req.ctx).page_settings(&a).await {
            Ok(s) => s,
            Err(e) => return Err(self.fail(req, p.lang.as_deref(), &e)),
        };
        let (csrf, new_csrf) = match req.cookie(CSRF_COOKIE).filter(|c| c.len() == 32) {
            Some(c) => (c, false),
            None => (random_hex(16), true),
        };
        Ok(Page { p, a, settings, lang, csrf, new_csrf })
    }

    /// Opens a form submission: as [`HostedUi::open`], plus the form body and its CSRF token,
    /// which must equal the cookie's.
    pub(crate) async fn open_form(&self, req: &UiRequest) -> Result<(Page, Params), Response<Bytes>> {
        let page = self.open(req).await?;
        let Some(form) = req.form() else {
            return Err(self.error_page(req, Some(page.lang), "invalid_request", None, 400));
        };
        let sent = form.get("_csrf").unwrap_or("");
        let ok = !page.new_csrf && bool::from(sent.as_bytes().ct_eq(page.csrf.as_bytes()));
        if !ok {
            let msg = self.render.text(page.lang, "err_csrf", &[]);
            return Err(self.error_with(page.lang, &msg, None, Some(format!("/login?{}", page.q())), 403));
        }
        Ok((page, form))
    }

    fn lang_of(&self, req: &UiRequest, p: &AuthorizeParams) -> &'static str {
        let accept = req.accept_language();
        let wanted = p.lang.as_deref().into_iter().chain(accept.iter().map(String::as_str));
        self.render.catalog.pick(wanted)
    }

    /// Renders a page of `page`.
    pub(crate) fn show(
        &self,
        page: &Page,
        template: &str,
        title_key: &str,
        notice: Notice,
        extra: Value,
    ) -> Response<Bytes> {
        let q = page.q();
        let s = &page.settings;
        let logo_url = s.logo_version.map(|v| {
            let who = s.logo_client.as_ref().map(|c| c.as_str()).unwrap_or("ALL");
            format!("/logo/{}/{who}?v={v}", page.a.pool_id)
        });
        let (error, info, status) = match notice {
            Notice::None => (None, None, 200),
            Notice::Error(e) => (Some(e), None, 400),
            Notice::Info(i) => (None, Some(i), 200),
        };
        let frame = Frame {
            lang: page.lang,
            title: self.render.text(page.lang, title_key, &[]),
            app_name: page.a.client_name.clone(),
            css: s.css.as_deref().filter(|c| !c.contains('<')).unwrap_or("").to_string(),
            style: s.branding.clone(),
            logo_url,
            q: q.clone(),
            csrf: page.csrf.clone(),
            nonce: random_hex(16),
            error,
            info,
            langs: self.lang_links(template, &page.p),
        };
        let mut r = match self.render.render(template, &frame, extra) {
            Ok(html) => response::html(status, html, &frame.nonce),
            Err(e) => {
                tracing::error!(error = %e, template, "page failed to render");
                response::text(500, "The page could not be shown.")
            }
        };
        if page.new_csrf {
            response::add_cookie(&mut r, &cookie(CSRF_COOKIE, &page.csrf, 24 * 3600, self.secure));
        }
        r
    }

    /// Links to the same page (for GET pages) in each shipped language.
    fn lang_links(&self, template: &str, p: &AuthorizeParams) -> Vec<LangLink> {
        let path = match template {
            "login.html" => "/login",
            "signup.html" => "/signup",
            "forgot.html" => "/forgotPassword",
            _ => return vec![],
        };
        self.render
            .catalog
            .languages()
            .map(|code| LangLink {
                code,
                name: self.render.text(code, "lang_name", &[]),
                href: format!("{path}?{}", authorize_query(&AuthorizeParams { lang: Some(code.into()), ..p.clone() })),
            })
            .collect()
    }

    /// The error page for an error code (`redirect_mismatch`, `invalid_client`, …) with an
    /// optional detail from Cognate itself (never from the request).
    pub(crate) fn error_page(
        &self,
        req: &UiRequest,
        lang: Option<&str>,
        error: &str,
        detail: Option<&str>,
        status: u16,
    ) -> Response<Bytes> {
        let lang = self.lang_of(req, &AuthorizeParams { lang: lang.map(String::from), ..Default::default() });
        let key = match error {
            "redirect_mismatch" => "err_redirect_mismatch",
            "invalid_client" => "err_invalid_client",
            "invalid_request" => "err_invalid_request",
            "server_error" | "temporarily_unavailable" => "err_internal",
            _ => "error_generic",
        };
        let msg = self.render.text(lang, key, &[]);
        self.error_with(lang, &msg, detail, None, status)
    }

    fn error_with(
        &self,
        lang: &'static str,
        message: &str,
        detail: Option<&str>,
        back: Option<String>,
        status: u16,
    ) -> Response<Bytes> {
        let frame = Frame {
            lang,
            title: self.render.text(lang, "error_title", &[]),
            nonce: random_hex(16),
            ..Default::default()
        };
        let extra = json!({ "message": message, "detail": detail, "back": back });
        match self.render.render("error.html", &frame, extra) {
            Ok(html) => response::html(status, html, &frame.nonce),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                response::text(status, message)
            }
        }
    }

    /// A refusal from the service: the error page with Cognito's message (400); a failure
    /// inside is [`HostedUi::internal`].
    pub(crate) fn fail(&self, req: &UiRequest, lang: Option<&str>, e: &CoreError) -> Response<Bytes> {
        match e {
            CoreError::Internal(_) => self.internal(req, lang, e),
            // An upstream (identity provider) out of reach: logged with its detail, shown
            // without it.
            CoreError::ExternalService(detail) => {
                tracing::warn!(error = %detail, request_id = %req.ctx.request_id, "identity provider unreachable");
                self.error_page(req, lang, "temporarily_unavailable", None, 503)
            }
            other => self.error_page(req, lang, "invalid_request", Some(&other.to_string()), 400),
        }
    }

    /// A failure inside: logged with its detail, shown without it.
    pub(crate) fn internal(&self, req: &UiRequest, lang: Option<&str>, e: &CoreError) -> Response<Bytes> {
        tracing::error!(error = %e, request_id = %req.ctx.request_id, "hosted UI request failed");
        self.error_page(req, lang, "server_error", None, 500)
    }

    /// `GET /error?error=…`: the error page (only known codes are shown; the request's own
    /// text is never put on the page).
    pub(crate) fn error_route(&self, req: &UiRequest) -> Response<Bytes> {
        let q = req.query();
        self.error_page(req, q.get("lang"), q.get("error").unwrap_or(""), None, 400)
    }

    /// What a page shows for a refusal of the sign-in machine: Cognito's message, in the
    /// page's language where the pages have it.
    pub(crate) fn message(&self, req: &UiRequest, lang: &'static str, e: &CoreError) -> String {
        let key = match e {
            CoreError::Internal(_) => {
                tracing::error!(error = %e, request_id = %req.ctx.request_id, "hosted UI step failed");
                "err_internal"
            }
            CoreError::CodeMismatch(_) | CoreError::EnableSoftwareTokenMfa(_) => "err_code_mismatch",
            CoreError::ExpiredCode(_) => "err_expired_code",
            CoreError::NotAuthorized(m) if m == "Incorrect username or password." => "err_incorrect",
            CoreError::NotAuthorized(m) if m == "Password attempts exceeded" => "err_attempts",
            CoreError::NotAuthorized(m) if m == "User is disabled." => "err_disabled",
            CoreError::NotAuthorized(m) if m.contains("session") => "err_session",
            other => return other.to_string(),
        };
        self.render.text(lang, key, &[])
    }

    /// SELECT_CHALLENGE: the first factors `username` may choose, as buttons.
    pub(crate) async fn choice_page(
        &self,
        req: &UiRequest,
        page: &Page,
        session: &str,
        available: &[cognate_model::ChallengeName],
        username: &str,
    ) -> Response<Bytes> {
        let choices: Vec<&str> =
            available.iter().filter(|c| **c != cognate_model::ChallengeName::PasswordSrp).map(|c| c.as_str()).collect();
        let params = std::collections::BTreeMap::from([
            ("CHOICES".to_string(), serde_json::to_string(&choices).unwrap_or_default()),
            ("USERNAME".to_string(), username.to_string()),
        ]);
        let name = cognate_model::ChallengeName::SelectChallenge;
        self.challenge_page(req, page, name, session, &params, Notice::None, None).await
    }

    /// The step after a sign-in answer: signed in (a session cookie, then the code or tokens
    /// back to the client) or the next challenge's page.
    pub(crate) async fn advance(&self, req: &UiRequest, page: &Page, outcome: AuthOutcome) -> Response<Bytes> {
        match outcome {
            AuthOutcome::SignedIn { username_key, auth_time } => {
                let oauth = self.svc.oauth(&req.ctx);
                let (session, _) = oauth.start_session(&page.a.pool_id, &username_key, auth_time);
                // A user of a pool with passkeys who has none is offered one first.
                match oauth.passkey_offer(&session).await {
                    Ok(Some(options)) => return self.passkey_offer_page(req, page, &session, &options),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "no passkey offer"),
                }
                self.signed_in(req, page, &session).await
            }
            AuthOutcome::Challenge { name, session, parameters } => {
                self.challenge_page(req, page, name, &session, &parameters, Notice::None, None).await
            }
            AuthOutcome::Select { session, available } => self.choice_page(req, page, &session, &available, "").await,
            AuthOutcome::Tokens(_) => {
                self.internal(req, Some(page.lang), &CoreError::Internal("tokens from a hosted sign-in".into()))
            }
        }
    }

    /// A signed-in browser: the session cookie, then the code (or tokens) back to the client.
    pub(crate) async fn signed_in(
        &self,
        req: &UiRequest,
        page: &Page,
        session: &cognate_core::hosted::HostedSession,
    ) -> Response<Bytes> {
        let oauth = self.svc.oauth(&req.ctx);
        {
            {
                match oauth.grant(&page.a, session).await {
                    Ok(location) => {
                        let mut r = response::redirect(&location);
                        let name = session_cookie_name(page.a.pool_id.as_str());
                        let (sealed, max_age) = oauth.session_cookie(&page.a, session);
                        response::add_cookie(&mut r, &cookie(&name, &sealed, max_age, self.secure));
                        r
                    }
                    Err(e) => self.fail(req, Some(page.lang), &e),
                }
            }
        }
    }

    /// "Sign in faster next time": the offer to add a passkey, with the new session's cookie
    /// (the answer, `POST /passkeys`, is made as the signed-in user).
    fn passkey_offer_page(
        &self,
        req: &UiRequest,
        page: &Page,
        session: &cognate_core::hosted::HostedSession,
        options: &serde_json::Value,
    ) -> Response<Bytes> {
        let extra = serde_json::json!({ "options": options.to_string() });
        let mut r = self.show(page, "passkey_add.html", "passkey_add_title", Notice::None, extra);
        let name = session_cookie_name(page.a.pool_id.as_str());
        let (sealed, max_age) = self.svc.oauth(&req.ctx).session_cookie(&page.a, session);
        response::add_cookie(&mut r, &cookie(&name, &sealed, max_age, self.secure));
        r
    }

    /// `POST /passkeys`: the passkey the offer page created (or "not now"), then on to the app.
    pub(crate) async fn passkeys_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let oauth = self.svc.oauth(&req.ctx);
        let name = session_cookie_name(page.a.pool_id.as_str());
        let session = match req.cookie(&name) {
            Some(sealed) => oauth.session(&sealed, &page.a.pool_id).await.ok().flatten(),
            None => None,
        };
        let Some(session) = session else {
            return response::redirect(&format!("/login?{}", page.q()));
        };
        let credential = form.get("credential").filter(|c| !c.is_empty() && form.get("skip").is_none());
        if let Some(text) = credential {
            let added = match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => oauth.passkey_add(&session, &v).await,
                Err(_) => Err(CoreError::InvalidParameter("The passkey answer is not JSON.".into())),
            };
            if let Err(e) = added {
                // The sign-in stands: the person goes on to the app without the passkey.
                tracing::info!(error = %e, "passkey not added on the hosted pages");
            }
        }
        self.signed_in(req, &page, &session).await
    }

    /// The user-name field's label and input type for the pool's `UsernameAttributes`.
    pub(crate) fn username_field(&self, page: &Page) -> (String, &'static str) {
        let ua = &page.settings.username_attributes;
        let (key, kind) = match (ua.iter().any(|a| a == "email"), ua.iter().any(|a| a == "phone_number")) {
            (true, true) => ("username_or_email", "text"),
            (true, false) => ("username_email", "email"),
            (false, true) => ("username_phone", "tel"),
            (false, false) => ("username", "text"),
        };
        (self.render.text(page.lang, key, &[]), kind)
    }

    /// The password policy as a list of rules, in the page's language.
    pub(crate) fn rules(&self, page: &Page) -> Vec<String> {
        let pp = &page.settings.password_policy;
        let mut out = vec![self.render.text(page.lang, "rule_length", &[("n", &pp.minimum_length.to_string())])];
        for (on, key) in [
            (pp.require_uppercase, "rule_upper"),
            (pp.require_lowercase, "rule_lower"),
            (pp.require_numbers, "rule_number"),
            (pp.require_symbols, "rule_symbol"),
        ] {
            if on {
                out.push(self.render.text(page.lang, key, &[]));
            }
        }
        out
    }

    /// An attribute input (label, type, autocomplete, hint).
    pub(crate) fn attribute_field(&self, lang: &'static str, name: &str, value: &str) -> Value {
        let label = match name.strip_prefix("custom:") {
            Some(custom) => custom.replace('_', " "),
            None => {
                let key = format!("attr_{name}");
                let text = self.render.text(lang, &key, &[]);
                if text == key {
                    name.replace('_', " ")
                } else {
                    text
                }
            }
        };
        let (kind, autocomplete) = match name {
            "email" => ("email", "email"),
            "phone_number" => ("tel", "tel"),
            "given_name" => ("text", "given-name"),
            "family_name" => ("text", "family-name"),
            "name" => ("text", "name"),
            "birthdate" => ("date", "bday"),
            "website" | "profile" | "picture" => ("url", "url"),
            _ => ("text", ""),
        };
        let hint = (name == "phone_number").then(|| self.render.text(lang, "phone_hint", &[]));
        json!({ "name": name, "label": label, "type": kind, "autocomplete": autocomplete, "hint": hint, "value": value })
    }
}

impl Page {
    /// The query that carries the authorization request on.
    pub fn q(&self) -> String {
        authorize_query(&self.p)
    }
}

/// A message shown above a form.
pub(crate) enum Notice {
    /// Nothing.
    None,
    /// An error.
    Error(String),
    /// A notice (code sent, account confirmed).
    Info(String),
}
