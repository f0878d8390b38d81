//! `/mfa`: every challenge the sign-in machine can ask on the way to a code: a new password
//! (users an administrator created), an SMS, email or authenticator code, the choice between
//! factors, and setting up an authenticator app (QR code and key).

use super::{Notice, Page};
use crate::request::{Params, UiRequest};
use crate::response;
use crate::HostedUi;
use bytes::Bytes;
use cognate_core::mfa::TokenSubject;
use cognate_core::{AuthParams, CoreError};
use cognate_model::ChallengeName;
use http::Response;
use serde_json::json;
use std::collections::BTreeMap;

fn listed(params: &BTreeMap<String, String>, key: &str) -> Vec<String> {
    params.get(key).and_then(|v| serde_json::from_str::<Vec<String>>(v).ok()).unwrap_or_default()
}

impl HostedUi {
    /// The page of a challenge. `secret` is the authenticator key already shown (a retry of
    /// MFA_SETUP keeps it rather than making a new one).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn challenge_page(
        &self,
        req: &UiRequest,
        page: &Page,
        name: ChallengeName,
        session: &str,
        params: &BTreeMap<String, String>,
        notice: Notice,
        secret: Option<String>,
    ) -> Response<Bytes> {
        let lang = page.lang;
        let username = params.get("USER_ID_FOR_SRP").or_else(|| params.get("USERNAME")).cloned().unwrap_or_default();
        let destination = params.get("CODE_DELIVERY_DESTINATION").cloned().unwrap_or_default();
        let t = |key: &str| self.render.text(lang, key, &[("destination", &destination)]);
        let mut extra = json!({
            "challenge": name.as_str(),
            "session": session,
            "username": username,
            "destination": destination,
            "button": t("verify_button"),
        });
        let title = match name {
            ChallengeName::NewPasswordRequired => {
                let required: Vec<String> = listed(params, "requiredAttributes")
                    .iter()
                    .map(|a| a.trim_start_matches("userAttributes.").to_string())
                    .collect();
                let fields: Vec<_> = required.iter().map(|n| self.attribute_field(lang, n, "")).collect();
                extra["new_password"] = true.into();
                extra["attributes"] = fields.into();
                extra["rules"] = self.rules(page).into();
                extra["intro"] = t("new_password_intro").into();
                extra["button"] = t("reset_button").into();
                extra["required"] = required.join(" ").into();
                "new_password_title"
            }
            ChallengeName::SmsMfa => {
                extra["intro"] = t("mfa_sms_intro").into();
                "mfa_title"
            }
            ChallengeName::EmailOtp => {
                extra["intro"] = t("mfa_email_intro").into();
                "mfa_title"
            }
            ChallengeName::SmsOtp => {
                extra["intro"] = t("mfa_sms_intro").into();
                "mfa_title"
            }
            ChallengeName::SelectChallenge => {
                let choices: Vec<_> = listed(params, "CHOICES")
                    .into_iter()
                    .map(|c| json!({ "value": c, "label": t(&format!("choice_{c}")) }))
                    .collect();
                extra["choices"] = choices.into();
                extra["intro"] = t("choice_intro").into();
                "choice_title"
            }
            ChallengeName::WebAuthn => {
                extra["webauthn"] = params.get("CREDENTIAL_REQUEST_OPTIONS").cloned().unwrap_or_default().into();
                extra["intro"] = t("passkey_intro").into();
                extra["button"] = t("passkey_button").into();
                "passkey_title"
            }
            ChallengeName::SoftwareTokenMfa => {
                extra["intro"] = t("mfa_totp_intro").into();
                "mfa_title"
            }
            ChallengeName::SelectMfaType => {
                let choices: Vec<_> = listed(params, "MFAS_CAN_CHOOSE")
                    .into_iter()
                    .map(|c| json!({ "value": c, "label": t(&format!("mfa_choice_{c}")) }))
                    .collect();
                extra["choices"] = choices.into();
                extra["intro"] = t("mfa_select_intro").into();
                "mfa_select_title"
            }
            ChallengeName::MfaSetup => {
                if !listed(params, "MFAS_CAN_SETUP").iter().any(|c| c == "SOFTWARE_TOKEN_MFA") {
                    let msg = t("err_mfa_setup");
                    return self.login_form(page, &username, Notice::Error(msg));
                }
                let (key, session) = match secret {
                    Some(k) => (k, session.to_string()),
                    None => {
                        let sign_in = self.svc.hosted_sign_in(&req.ctx);
                        match sign_in.associate_software_token(TokenSubject::Session(session)).await {
                            Ok((k, Some(s))) => (k, s),
                            Ok((_, None)) => return self.login_form(page, &username, Notice::None),
                            Err(e) => {
                                let msg = self.message(req, lang, &e);
                                return self.login_form(page, &username, Notice::Error(msg));
                            }
                        }
                    }
                };
                // Key URI format: the label and issuer percent-encoded (a space is %20, not +).
                let enc =
                    |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>().replace('+', "%20");
                let label = format!("{}:{}", page.a.client_name, username);
                let uri = format!("otpauth://totp/{}?secret={key}&issuer={}", enc(&label), enc(&page.a.client_name));
                extra["qr"] = qr_svg(&uri).into();
                extra["secret"] = key.into();
                extra["session"] = session.into();
                extra["intro"] = t("mfa_setup_intro").into();
                "mfa_setup_title"
            }
            other => {
                let e =
                    CoreError::InvalidParameter(format!("The {other} challenge cannot be answered on these pages."));
                let msg = self.message(req, lang, &e);
                return self.login_form(page, &username, Notice::Error(msg));
            }
        };
        self.show(page, "challenge.html", title, notice, extra)
    }

    /// `GET /mfa`: nothing to answer without a challenge; back to the sign-in page.
    pub(crate) async fn mfa_get(&self, req: &UiRequest) -> Response<Bytes> {
        match self.open(req).await {
            Ok(page) => response::redirect(&format!("/login?{}", page.q())),
            Err(r) => r,
        }
    }

    /// `POST /mfa`: the answer to the challenge the form names.
    pub(crate) async fn mfa_submit(&self, req: &UiRequest) -> Response<Bytes> {
        let (page, form) = match self.open_form(req).await {
            Ok(x) => x,
            Err(r) => return r,
        };
        let Some(name) = form.get("challenge").and_then(ChallengeName::parse) else {
            return self.login_form(&page, "", Notice::None);
        };
        let session = form.get("session").unwrap_or("").to_string();
        let username = form.text("username").unwrap_or_default();
        let code = form.text("code");
        let mut responses = AuthParams { username: Some(username.clone()), ..Default::default() };
        let sign_in = self.svc.hosted_sign_in(&req.ctx);
        let client = page.a.client_id.as_str();
        let mut session_for_answer = session.clone();
        match name {
            ChallengeName::NewPasswordRequired => {
                responses.new_password = form.get("password").map(String::from);
                let required = form.get("required").unwrap_or("").split(' ').filter(|n| !n.is_empty());
                responses.user_attributes = required.filter_map(|n| form.text(n).map(|v| (n.to_string(), v))).collect();
            }
            ChallengeName::SmsMfa => responses.sms_mfa_code = code,
            ChallengeName::SmsOtp => responses.sms_otp_code = code,
            ChallengeName::WebAuthn => responses.credential = form.get("credential").map(String::from),
            ChallengeName::SelectChallenge => {
                let answer = form.text("answer");
                // A password is typed on the sign-in page, as ever.
                if matches!(answer.as_deref(), Some("PASSWORD" | "PASSWORD_SRP")) {
                    return self.login_form(&page, &username, Notice::None);
                }
                responses.answer = answer;
            }
            ChallengeName::EmailOtp => responses.email_otp_code = code,
            ChallengeName::SoftwareTokenMfa => responses.software_token_mfa_code = code,
            ChallengeName::SelectMfaType => responses.answer = form.text("answer"),
            ChallengeName::MfaSetup => {
                let code = code.unwrap_or_default();
                match sign_in.verify_software_token(TokenSubject::Session(&session), &code, None).await {
                    Ok(Some(next)) => session_for_answer = next,
                    Ok(None) => return self.login_form(&page, &username, Notice::None),
                    Err(e) => return self.retry(req, &page, name, &form, e).await,
                }
            }
            _ => return self.login_form(&page, &username, Notice::None),
        }
        match sign_in.respond_to_auth_challenge(client, name, Some(&session_for_answer), &responses).await {
            Ok(outcome) => self.advance(req, &page, outcome).await,
            Err(e) => self.retry(req, &page, name, &form, e).await,
        }
    }

    /// A refused answer: the same challenge again with the error when it can be retried
    /// (a wrong code, a password the policy refuses), else the sign-in page.
    async fn retry(
        &self,
        req: &UiRequest,
        page: &Page,
        name: ChallengeName,
        form: &Params,
        e: CoreError,
    ) -> Response<Bytes> {
        let msg = self.message(req, page.lang, &e);
        let username = form.text("username").unwrap_or_default();
        let retryable = matches!(
            e,
            CoreError::CodeMismatch(_)
                | CoreError::EnableSoftwareTokenMfa(_)
                | CoreError::InvalidPassword(_)
                | CoreError::InvalidParameter(_)
        ) && name != ChallengeName::SelectMfaType;
        if !retryable {
            return self.login_form(page, &username, Notice::Error(msg));
        }
        let mut params = BTreeMap::from([("USER_ID_FOR_SRP".to_string(), username.clone())]);
        if let Some(d) = form.text("destination") {
            params.insert("CODE_DELIVERY_DESTINATION".into(), d);
        }
        if let Some(r) = form.get("required") {
            let list: Vec<String> =
                r.split(' ').filter(|n| !n.is_empty()).map(|n| format!("userAttributes.{n}")).collect();
            params.insert("requiredAttributes".into(), serde_json::to_string(&list).unwrap_or_default());
        }
        if name == ChallengeName::MfaSetup {
            params.insert("MFAS_CAN_SETUP".into(), "[\"SOFTWARE_TOKEN_MFA\"]".into());
        }
        let session = form.get("session").unwrap_or("");
        self.challenge_page(req, page, name, session, &params, Notice::Error(msg), form.text("secret")).await
    }
}

/// The QR code of an `otpauth://` URI, as inline SVG.
fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build(),
        Err(_) => String::new(),
    }
}
