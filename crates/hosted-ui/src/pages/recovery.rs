//! `/forgotPassword` and `/confirmForgotPassword`: a reset code, then a new password.

use super::{Notice, Page};
use crate::request::UiRequest;
use crate::HostedUi;
use bytes::Bytes;
use http::Response;
use serde_json::json;

impl HostedUi {
    /// `GET /forgotPassword`.
    pub(crate) async fn forgot_page(&self, req: &UiRequest) -> Response<Bytes> {
        match self.open(req).await {
            Ok(page) => self.forgot_form(&page, "", Notice::None),
            Err(r) => r,
        }
    }

    fn forgot_form(&self, page: &Page, username: &str, notice: Notice) -> Response<Bytes> {
        let (label, _) = self.username_field(page);
        let extra = json!({ "username": username, "username_label": label });
        self.show(page, "forgot.html", "forgot_title", notice, extra)
    }

    /// `POST /forgotPassword`: `username`; a code goes out and the reset form follows.
    pub(crate) async fn forgot_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let username = form.text("username").unwrap_or_default();
        let account = self.svc.hosted_account(&req.ctx);
        match account.forgot_password(page.a.client_id.as_str(), None, &username).await {
            Ok(d) => {
                let info = self.render.text(page.lang, "code_sent", &[("destination", &d.destination)]);
                self.reset_form(&page, &username, Notice::Info(info))
            }
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                self.forgot_form(&page, &username, Notice::Error(msg))
            }
        }
    }

    /// The reset form (`code`, `new_password`) for `username`.
    pub(crate) fn reset_form(&self, page: &Page, username: &str, notice: Notice) -> Response<Bytes> {
        let extra = json!({ "username": username, "rules": self.rules(page) });
        self.show(page, "reset.html", "reset_title", notice, extra)
    }

    /// `GET /confirmForgotPassword?username=…`.
    pub(crate) async fn reset_page(&self, req: &UiRequest) -> Response<Bytes> {
        match self.open(req).await {
            Ok(page) => {
                let username = req.query().text("username").unwrap_or_default();
                if username.is_empty() {
                    return self.forgot_form(&page, "", Notice::None);
                }
                self.reset_form(&page, &username, Notice::None)
            }
            Err(r) => r,
        }
    }

    /// `POST /confirmForgotPassword`: `username`, `code`, `new_password`.
    pub(crate) async fn reset_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let username = form.text("username").unwrap_or_default();
        let code = form.text("code").unwrap_or_default();
        let password = form.get("new_password").unwrap_or("");
        let account = self.svc.hosted_account(&req.ctx);
        match account.confirm_forgot_password(page.a.client_id.as_str(), None, &username, &code, password).await {
            Ok(()) => {
                let info = self.render.text(page.lang, "password_changed", &[]);
                self.login_form(&page, &username, Notice::Info(info))
            }
            Err(e) => {
                let msg = self.message(req, page.lang, &e);
                self.reset_form(&page, &username, Notice::Error(msg))
            }
        }
    }
}
