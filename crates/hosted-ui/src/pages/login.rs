//! `/login`: the sign-in form, and its answer through the pool's sign-in machine.

use super::{Notice, Page};
use crate::request::UiRequest;
use crate::HostedUi;
use bytes::Bytes;
use cognate_core::{AuthOutcome, CoreError};
use http::Response;
use serde_json::json;

impl HostedUi {
    /// `GET /login`.
    pub(crate) async fn login_page(&self, req: &UiRequest) -> Response<Bytes> {
        match self.open(req).await {
            Ok(page) => {
                let hint = page.a.login_hint.clone().unwrap_or_default();
                self.login_form(&page, &hint, Notice::None)
            }
            Err(r) => r,
        }
    }

    /// The sign-in form with `username` filled in.
    pub(crate) fn login_form(&self, page: &Page, username: &str, notice: Notice) -> Response<Bytes> {
        let (label, kind) = self.username_field(page);
        // The client's other identity providers, each a link that starts its sign-in.
        let mut plain = page.p.clone();
        plain.identity_provider = None;
        plain.idp_identifier = None;
        let base = crate::request::authorize_query(&plain);
        let supported = &page.settings.identity_providers;
        let providers: Vec<_> = supported
            .iter()
            .filter(|name| name.as_str() != "COGNITO")
            .map(|name| {
                let enc: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
                json!({"name": name, "href": format!("/oauth2/authorize?{base}&identity_provider={enc}")})
            })
            .collect();
        let extra = json!({
            "username": username,
            "username_label": label,
            "username_type": kind,
            "sign_up_allowed": page.settings.sign_up_allowed,
            "providers": providers,
            "cognito": supported.iter().any(|n| n == "COGNITO"),
            "passwordless": page.settings.passwordless,
        });
        self.show(page, "login.html", "sign_in_title", notice, extra)
    }

    /// `POST /login`: `username`, `password`.
    pub(crate) async fn login_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let username = form.text("username").unwrap_or_default();
        let password = form.get("password").unwrap_or("");
        if form.get("other") == Some("1") && !username.is_empty() && page.settings.passwordless {
            // "Sign in without a password": the factors this user may choose (USER_AUTH).
            let client = page.a.client_id.as_str();
            return match self.svc.hosted_sign_in(&req.ctx).hosted_choice(client, &username).await {
                Ok(AuthOutcome::Select { session, available }) => {
                    self.choice_page(req, &page, &session, &available, &username).await
                }
                Ok(outcome) => self.advance(req, &page, outcome).await,
                Err(e) => {
                    let msg = self.message(req, page.lang, &e);
                    self.login_form(&page, &username, Notice::Error(msg))
                }
            };
        }
        if username.is_empty() || password.is_empty() {
            let msg = self.render.text(page.lang, "err_incorrect", &[]);
            return self.login_form(&page, &username, Notice::Error(msg));
        }
        let client = page.a.client_id.as_str();
        match self.svc.hosted_sign_in(&req.ctx).hosted_password(client, &username, password).await {
            Ok(outcome) => self.advance(req, &page, outcome).await,
            Err(CoreError::UserNotConfirmed(_)) => {
                let account = self.svc.hosted_account(&req.ctx);
                let notice = match account.resend_confirmation_code(client, None, &username).await {
                    Ok(d) => Notice::Info(self.render.text(page.lang, "code_sent", &[("destination", &d.destination)])),
                    Err(e) => Notice::Error(self.message(req, page.lang, &e)),
                };
                self.confirm_form(&page, &username, true, None, notice)
            }
            Err(CoreError::PasswordResetRequired(_)) => {
                let account = self.svc.hosted_account(&req.ctx);
                match account.forgot_password(client, None, &username).await {
                    Ok(d) => {
                        let info = self.render.text(page.lang, "code_sent", &[("destination", &d.destination)]);
                        self.reset_form(&page, &username, Notice::Info(info))
                    }
                    Err(e) => {
                        let msg = self.message(req, page.lang, &e);
                        self.login_form(&page, &username, Notice::Error(msg))
                    }
                }
            }
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                self.login_form(&page, &username, Notice::Error(msg))
            }
        }
    }
}
