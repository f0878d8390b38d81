//! The OAuth 2.0 / OIDC endpoints: `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`,
//! `/oauth2/revoke`, `/logout`, and the logo.

use crate::request::{authorize_query, Params, UiRequest};
use crate::response::{self, cookie, session_cookie_name};
use crate::HostedUi;
use bytes::Bytes;
use cognate_core::federation::{FederatedSignIn, IDP_BINDING_COOKIE};
use cognate_core::hosted::{
    AuthorizeParams, AuthorizeRefusal, AuthorizeRequest, ClientCredentials, OAuthError, Prompt, TokenRequest,
};
use cognate_core::CoreError;
use cognate_model::{ClientId, UserPoolId};
use http::Response;
use serde_json::json;

impl HostedUi {
    /// Checks an authorization request; a refusal is already the answer (the error page, or a
    /// redirect back to the client).
    pub(crate) async fn checked(
        &self,
        req: &UiRequest,
        p: &AuthorizeParams,
    ) -> Result<AuthorizeRequest, Response<Bytes>> {
        let host = self.host_domain(req);
        match self.svc.oauth(&req.ctx).check_authorize(p, host.as_deref()).await {
            Ok(Ok(a)) => Ok(a),
            Ok(Err(AuthorizeRefusal::Redirect { location, .. })) => Err(response::redirect(&location)),
            Ok(Err(AuthorizeRefusal::Page { error, description })) => {
                Err(self.error_page(req, p.lang.as_deref(), error, Some(&description), 400))
            }
            Err(e) => Err(self.fail(req, p.lang.as_deref(), &e)),
        }
    }

    /// `GET /oauth2/authorize`.
    pub(crate) async fn authorize(&self, req: &UiRequest) -> Response<Bytes> {
        let q = req.query();
        let p = q.authorize();
        if let Some(dup) = q.duplicated() {
            let msg = format!("The parameter {dup} was sent more than once.");
            return self.error_page(req, p.lang.as_deref(), "invalid_request", Some(&msg), 400);
        }
        let a = match self.checked(req, &p).await {
            Ok(a) => a,
            Err(r) => return r,
        };
        if let Some(idp) = a.identity_provider.as_deref().filter(|idp| *idp != "COGNITO") {
            // A federated provider: the browser goes there, bound to this browser by a cookie.
            return match self.svc.oauth(&req.ctx).federate(&a, idp, &authorize_query(&p)).await {
                Ok(start) => {
                    let mut r = response::redirect(&start.location);
                    let c = response::binding_cookie(IDP_BINDING_COOKIE, &start.binding, 15 * 60, self.secure);
                    response::add_cookie(&mut r, &c);
                    r
                }
                Err(e @ CoreError::Internal(_)) => self.fail(req, p.lang.as_deref(), &e),
                // The provider out of reach: the app hears of it (RFC 6749 §4.1.2.1), no detail.
                Err(CoreError::ExternalService(detail)) => {
                    tracing::warn!(error = %detail, "identity provider unreachable");
                    let desc = "The identity provider cannot be reached.";
                    response::redirect(&a.error_location("temporarily_unavailable", desc))
                }
                Err(e) => response::redirect(&a.error_location("invalid_request", &e.to_string())),
            };
        }
        let oauth = self.svc.oauth(&req.ctx);
        let cookie_name = session_cookie_name(a.pool_id.as_str());
        let session = match req.cookie(&cookie_name) {
            Some(sealed) => match oauth.session(&sealed, &a.pool_id).await {
                Ok(s) => s,
                Err(e) => return self.fail(req, p.lang.as_deref(), &e),
            },
            None => None,
        };
        match session {
            Some(s) if oauth.session_fits(&a, &s) => match oauth.grant(&a, &s).await {
                Ok(location) => {
                    let mut r = response::redirect(&location);
                    let (renewed, max_age) = oauth.session_cookie(&a, &s);
                    response::add_cookie(&mut r, &cookie(&cookie_name, &renewed, max_age, self.secure));
                    r
                }
                Err(e) => self.fail(req, p.lang.as_deref(), &e),
            },
            _ if a.prompt == Prompt::None => response::redirect(&oauth.login_required(&a)),
            _ => response::redirect(&format!("/login?{}", authorize_query(&p))),
        }
    }

    /// `GET /oauth2/idpresponse` (or `POST`, Sign in with Apple's `form_post`): a provider sends
    /// the browser back; the person is signed in as the identity's user and the app's
    /// authorization request is answered.
    pub(crate) async fn idp_response(&self, req: &UiRequest) -> Response<Bytes> {
        let q = if req.parts.method == http::Method::POST {
            match req.form() {
                Some(f) => f,
                None => return self.error_page(req, None, "invalid_request", Some("The body is not a form."), 400),
            }
        } else {
            req.query()
        };
        let oauth = self.svc.oauth(&req.ctx);
        let binding = req.cookie(IDP_BINDING_COOKIE);
        if let Some(error) = q.get("error") {
            // The person cancelled, or the provider refused: the app is told, with no code.
            let error = if error == "access_denied" { "access_denied" } else { "server_error" };
            let desc = q.get("error_description").unwrap_or("The identity provider did not sign the person in.");
            let page = || self.error_page(req, None, error, Some(desc), 400);
            return self.idp_failure(req, q.get("state"), binding.as_deref(), error, desc, page).await;
        }
        let (Some(code), Some(state)) = (q.get("code"), q.get("state")) else {
            return self.error_page(req, None, "invalid_request", Some("code and state are required."), 400);
        };
        let done = match oauth.idp_response(code, state, binding.as_deref(), q.get("user")).await {
            Ok(d) => d,
            Err(e) => {
                // An upstream failure goes back to the app as an OAuth error (never a code, never
                // a 500); a state this server did not seal for this browser gets the error page.
                let desc = match &e {
                    CoreError::Internal(_) => "The sign-in through the identity provider failed.".to_string(),
                    other => other.to_string(),
                };
                let page = || self.fail(req, None, &e);
                return self.idp_failure(req, q.get("state"), binding.as_deref(), "server_error", &desc, page).await;
            }
        };
        self.federated_done(req, done, None).await
    }

    /// A federated sign-in that succeeded: the hosted session starts, the binding cookie goes,
    /// and the app's authorization request (`checked`, or re-checked from the sealed query) is
    /// answered with its code.
    pub(crate) async fn federated_done(
        &self,
        req: &UiRequest,
        done: FederatedSignIn,
        checked: Option<AuthorizeRequest>,
    ) -> Response<Bytes> {
        let p = Params::parse(done.query.as_bytes()).authorize();
        let a = match checked {
            Some(a) => a,
            None => match self.checked(req, &p).await {
                Ok(a) => a,
                Err(r) => return r,
            },
        };
        let oauth = self.svc.oauth(&req.ctx);
        let (session, _) = oauth.start_federated_session(&a.pool_id, &done.username_key, done.auth_time, done.saml);
        match oauth.grant(&a, &session).await {
            Ok(location) => {
                let mut r = response::redirect(&location);
                let name = session_cookie_name(a.pool_id.as_str());
                let (sealed, max_age) = oauth.session_cookie(&a, &session);
                response::add_cookie(&mut r, &cookie(&name, &sealed, max_age, self.secure));
                response::add_cookie(&mut r, &response::binding_cookie(IDP_BINDING_COOKIE, "", 0, self.secure));
                r
            }
            Err(e) => self.fail(req, p.lang.as_deref(), &e),
        }
    }

    /// A federated sign-in that did not succeed: back to the app with an OAuth error when the
    /// `state` proves its authorization request (sealed here, for this browser), else `page`.
    pub(crate) async fn idp_failure(
        &self,
        req: &UiRequest,
        state: Option<&str>,
        binding: Option<&str>,
        error: &str,
        description: &str,
        page: impl FnOnce() -> Response<Bytes>,
    ) -> Response<Bytes> {
        let pending = state.and_then(|s| self.svc.oauth(&req.ctx).pending_request(s, binding));
        let Some(query) = pending else { return page() };
        match self.checked(req, &Params::parse(query.as_bytes()).authorize()).await {
            Ok(a) => response::redirect(&a.error_location(error, description)),
            Err(r) => r,
        }
    }

    /// `POST /oauth2/token`.
    pub(crate) async fn token(&self, req: &UiRequest) -> Response<Bytes> {
        let Some(form) = req.form() else {
            return response::oauth_error(&OAuthError::InvalidRequest(
                "The body must be application/x-www-form-urlencoded.".into(),
            ));
        };
        if let Some(dup) = form.duplicated() {
            return response::oauth_error(&OAuthError::InvalidRequest(format!(
                "The parameter {dup} was sent more than once."
            )));
        }
        let client = match client_credentials(req, &form) {
            Ok(c) => c,
            Err(e) => return response::oauth_error(&e),
        };
        let s = |n: &str| form.get(n).map(String::from);
        let t = TokenRequest {
            grant_type: s("grant_type"),
            code: s("code"),
            redirect_uri: s("redirect_uri"),
            code_verifier: s("code_verifier"),
            refresh_token: s("refresh_token"),
            scope: s("scope"),
            client,
        };
        match self.svc.oauth(&req.ctx).token(&t).await {
            Ok(t) => {
                let mut body =
                    json!({ "access_token": t.access_token, "expires_in": t.expires_in, "token_type": "Bearer" });
                if let Some(id) = t.id_token {
                    body["id_token"] = id.into();
                }
                if let Some(r) = t.refresh_token {
                    body["refresh_token"] = r.into();
                }
                if let Some(sc) = t.scope {
                    body["scope"] = sc.into();
                }
                response::json(200, &body)
            }
            Err(e) => response::oauth_error(&e),
        }
    }

    /// `GET|POST /oauth2/userInfo` with `Authorization: Bearer` (RFC 6750 §3 errors).
    pub(crate) async fn user_info(&self, req: &UiRequest) -> Response<Bytes> {
        let Some(token) = req.bearer() else {
            let mut r = response::json(
                401,
                &json!({"error": "invalid_request", "error_description": "An access token is required."}),
            );
            response::set_header(&mut r, http::header::WWW_AUTHENTICATE, "Bearer");
            return r;
        };
        match self.svc.oauth(&req.ctx).user_info(token).await {
            Ok(claims) => response::json(200, &serde_json::Value::Object(claims)),
            Err(e) => {
                let mut r = response::oauth_error(&e);
                let desc = e.description().unwrap_or("").replace(['"', '\\'], "'");
                let value = format!("Bearer error=\"{}\", error_description=\"{desc}\"", e.code());
                response::set_header(&mut r, http::header::WWW_AUTHENTICATE, &value);
                r
            }
        }
    }

    /// `POST /oauth2/revoke`: 200 with an empty body.
    pub(crate) async fn revoke(&self, req: &UiRequest) -> Response<Bytes> {
        let Some(form) = req.form() else {
            return response::oauth_error(&OAuthError::InvalidRequest(
                "The body must be application/x-www-form-urlencoded.".into(),
            ));
        };
        let client = match client_credentials(req, &form) {
            Ok(c) => c,
            Err(e) => return response::oauth_error(&e),
        };
        match self.svc.oauth(&req.ctx).revoke(form.get("token"), &client).await {
            Ok(()) => response::empty(),
            Err(e) => response::oauth_error(&e),
        }
    }

    /// `GET /logout`: with `logout_uri`, ends the session and goes there; with the
    /// authorization parameters instead, ends it and shows the sign-in page again.
    pub(crate) async fn logout(&self, req: &UiRequest) -> Response<Bytes> {
        let q = req.query();
        let p = q.authorize();
        let oauth = self.svc.oauth(&req.ctx);
        let (pool, location) = if let Some(uri) = q.get("logout_uri") {
            match oauth.check_logout(p.client_id.as_deref(), uri).await {
                Ok(Ok(pool)) => (pool, uri.to_string()),
                Ok(Err(AuthorizeRefusal::Page { error, description })) => {
                    return self.error_page(req, p.lang.as_deref(), error, Some(&description), 400)
                }
                Ok(Err(AuthorizeRefusal::Redirect { location, .. })) => return response::redirect(&location),
                Err(e) => return self.fail(req, p.lang.as_deref(), &e),
            }
        } else if p.redirect_uri.is_some() && p.response_type.is_some() {
            match self.checked(req, &p).await {
                Ok(a) => (a.pool_id, format!("/login?{}", authorize_query(&p))),
                Err(r) => return r,
            }
        } else {
            let msg = "Sign-out needs a client_id with a logout_uri, or the sign-in parameters.";
            return self.error_page(req, p.lang.as_deref(), "invalid_request", Some(msg), 400);
        };
        let name = session_cookie_name(pool.as_str());
        let mut location = location;
        if let Some(sealed) = req.cookie(&name) {
            match oauth.end_session(&sealed).await {
                // Signed in through a SAML IdP with IDPSignout: signed out there too, then on.
                Ok(Some(s)) if q.get("logout_uri").is_some() && s.saml.is_some() => {
                    let info = s.saml.as_ref().expect("checked");
                    match oauth.saml_logout_start(&pool, info, &location).await {
                        Ok(Some(idp)) => location = idp,
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "SAML single logout not started"),
                    }
                }
                Ok(_) => {}
                Err(e) => return self.fail(req, p.lang.as_deref(), &e),
            }
        }
        let mut r = response::redirect(&location);
        response::add_cookie(&mut r, &cookie(&name, "", 0, self.secure));
        r
    }

    /// `GET /logo/{pool}/{client or ALL}`: the image of SetUICustomization.
    pub(crate) async fn logo(&self, req: &UiRequest, path: &str) -> Response<Bytes> {
        let mut parts = path.trim_start_matches("/logo/").split('/');
        let (Some(pool), Some(client), None) = (parts.next(), parts.next(), parts.next()) else {
            return response::text(404, "Not found.");
        };
        if pool.len() > 64 || client.len() > 128 {
            return response::text(404, "Not found.");
        }
        let client = (client != "ALL").then(|| ClientId::new(client));
        match self.svc.oauth(&req.ctx).logo(&UserPoolId::new(pool), client.as_ref()).await {
            Ok(Some(logo)) => {
                let mut r = Response::new(Bytes::from(logo.bytes));
                response::set_header(&mut r, http::header::CONTENT_TYPE, logo.content_type);
                response::set_header(&mut r, http::header::CACHE_CONTROL, "public, max-age=86400");
                response::set_header(&mut r, http::header::X_CONTENT_TYPE_OPTIONS, "nosniff");
                r
            }
            Ok(None) => response::text(404, "Not found."),
            Err(e) => {
                tracing::error!(error = %e, "logo lookup failed");
                response::text(500, "Internal error.")
            }
        }
    }
}

/// The client authentication a token or revocation request carries.
fn client_credentials(req: &UiRequest, form: &Params) -> Result<ClientCredentials, OAuthError> {
    let basic = match req.basic() {
        Some(Ok(pair)) => Some(pair),
        Some(Err(())) => return Err(OAuthError::InvalidClient("The Basic credentials are malformed.".into())),
        None => None,
    };
    Ok(ClientCredentials {
        basic,
        client_id: form.get("client_id").map(String::from),
        client_secret: form.get("client_secret").map(String::from),
    })
}
