//! `/signup` and `/confirmUser`: a new account, its confirmation code (typed, or the link of
//! a link-verification email), and the sign-in that follows in the same browser.

use super::{Notice, Page};
use crate::request::UiRequest;
use crate::HostedUi;
use bytes::Bytes;
use cognate_core::SignUpInput;
use http::Response;
use serde_json::json;

impl HostedUi {
    /// `GET /signup`.
    pub(crate) async fn signup_page(&self, req: &UiRequest) -> Response<Bytes> {
        match self.open(req).await {
            Ok(page) if !page.settings.sign_up_allowed => self.login_form(&page, "", Notice::None),
            Ok(page) => self.signup_form(&page, "", &[], Notice::None),
            Err(r) => r,
        }
    }

    fn signup_form(&self, page: &Page, username: &str, values: &[(String, String)], notice: Notice) -> Response<Bytes> {
        let (label, kind) = self.username_field(page);
        let attributes: Vec<_> = page
            .settings
            .sign_up_attributes
            .iter()
            .map(|name| {
                let v = values.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("");
                self.attribute_field(page.lang, name, v)
            })
            .collect();
        let extra = json!({
            "username": username,
            "username_label": label,
            "username_type": kind,
            "attributes": attributes,
            "rules": self.rules(page),
        });
        self.show(page, "signup.html", "sign_up_title", notice, extra)
    }

    /// `POST /signup`: `username`, `password` and one field per required attribute.
    pub(crate) async fn signup_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        if !page.settings.sign_up_allowed {
            return self.login_form(&page, "", Notice::None);
        }
        let username = form.text("username").unwrap_or_default();
        let password = form.get("password").unwrap_or("").to_string();
        let attributes: Vec<(String, String)> = page
            .settings
            .sign_up_attributes
            .iter()
            .filter_map(|name| form.text(name).map(|v| (name.clone(), v)))
            .collect();
        let input = SignUpInput {
            client_id: page.a.client_id.to_string(),
            secret_hash: None,
            username: username.clone(),
            password: Some(password),
            attributes: attributes.clone(),
        };
        let sign_in = self.svc.hosted_sign_in(&req.ctx);
        match self.svc.hosted_account(&req.ctx).sign_up(input).await {
            Ok(res) => {
                let ticket = sign_in.sign_up_ticket(&page.a.pool_id, &page.a.client_id, &res.user_sub);
                if res.confirmed {
                    return self.after_confirmation(req, &page, &ticket).await;
                }
                let notice = match &res.delivery {
                    Some(d) => {
                        Notice::Info(self.render.text(page.lang, "code_sent", &[("destination", &d.destination)]))
                    }
                    None => Notice::Info(self.render.text(page.lang, "code_sent_generic", &[])),
                };
                self.confirm_form(&page, &username, true, Some(&ticket), notice)
            }
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                self.signup_form(&page, &username, &attributes, Notice::Error(msg))
            }
        }
    }

    /// The confirmation form; `fixed` hides the user name (it is known from the step before).
    pub(crate) fn confirm_form(
        &self,
        page: &Page,
        username: &str,
        fixed: bool,
        ticket: Option<&str>,
        notice: Notice,
    ) -> Response<Bytes> {
        let (label, _) = self.username_field(page);
        let extra = json!({ "username": username, "username_fixed": fixed, "username_label": label, "ticket": ticket });
        self.show(page, "confirm.html", "confirm_title", notice, extra)
    }

    /// `GET /confirmUser`: the form, or (with `user_name` and `confirmation_code`, the link of
    /// a link-verification email) the confirmation itself.
    pub(crate) async fn confirm_page(&self, req: &UiRequest) -> Response<Bytes> {
        let page = match self.open(req).await {
            Ok(p) => p,
            Err(r) => return r,
        };
        let q = req.query();
        let username = q.text("user_name").or_else(|| q.text("username")).unwrap_or_default();
        let Some(code) = q.text("confirmation_code") else {
            return self.confirm_form(&page, &username, false, None, Notice::None);
        };
        let account = self.svc.hosted_account(&req.ctx);
        match account.confirm_sign_up(page.a.client_id.as_str(), None, &username, &code, false).await {
            Ok(_) => {
                let info = self.render.text(page.lang, "confirmed_sign_in", &[]);
                self.login_form(&page, &username, Notice::Info(info))
            }
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                self.confirm_form(&page, &username, false, None, Notice::Error(msg))
            }
        }
    }

    /// `POST /confirmUser`: `username`, `code` (or `resend`), and the sign-up ticket if any.
    pub(crate) async fn confirm_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let username = form.text("username").unwrap_or_default();
        let ticket = form.text("ticket");
        let client = page.a.client_id.as_str();
        let account = self.svc.hosted_account(&req.ctx);
        if form.get("resend").is_some() {
            let notice = match account.resend_confirmation_code(client, None, &username).await {
                Ok(d) => Notice::Info(self.render.text(page.lang, "code_sent", &[("destination", &d.destination)])),
                Err(e) => Notice::Error(self.message(req, page.lang, &e)),
            };
            return self.confirm_form(&page, &username, true, ticket.as_deref(), notice);
        }
        let code = form.text("code").unwrap_or_default();
        match account.confirm_sign_up(client, None, &username, &code, false).await {
            Ok(_) => match ticket {
                Some(t) => self.after_confirmation(req, &page, &t).await,
                None => {
                    let info = self.render.text(page.lang, "confirmed_sign_in", &[]);
                    self.login_form(&page, &username, Notice::Info(info))
                }
            },
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                let fixed = ticket.is_some();
                self.confirm_form(&page, &username, fixed, ticket.as_deref(), Notice::Error(msg))
            }
        }
    }

    /// Signs in the person who just signed up and confirmed in this browser (MFA still asked
    /// when the pool requires it); without a good ticket, the sign-in page.
    async fn after_confirmation(&self, req: &UiRequest, page: &Page, ticket: &str) -> Response<Bytes> {
        let sign_in = self.svc.hosted_sign_in(&req.ctx);
        match sign_in.after_confirmation(ticket, &page.a.client_id).await {
            Ok(Some(outcome)) => self.advance(req, page, outcome).await,
            Ok(None) => {
                let info = self.render.text(page.lang, "confirmed_sign_in", &[]);
                self.login_form(page, "", Notice::Info(info))
            }
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                self.login_form(page, "", Notice::Error(msg))
            }
        }
    }
}
