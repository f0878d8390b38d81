//! The SAML endpoints: `/saml2/idpresponse` (the ACS, HTTP-POST binding), `/saml2/logout`
//! (single logout, HTTP-Redirect binding) and `/saml2/metadata/{poolId}` (the SP metadata).

use crate::request::{Params, UiRequest};
use crate::response::{self, cookie, session_cookie_name};
use crate::HostedUi;
use bytes::Bytes;
use cognate_core::federation::saml::SamlLogout;
use cognate_core::federation::IDP_BINDING_COOKIE;
use cognate_core::CoreError;
use cognate_model::UserPoolId;
use http::Response;

/// The largest `SAMLResponse` form field read (Cognito takes 100,000 characters of assertion).
const MAX_SAML_FIELD: usize = 200_000;

impl HostedUi {
    /// `POST /saml2/idpresponse`.
    pub(crate) async fn saml_response(&self, req: &UiRequest) -> Response<Bytes> {
        let is_form = req
            .parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return self.error_page(req, None, "invalid_request", Some("The body is not a form."), 400);
        }
        let mut saml = None;
        let mut relay = None;
        for (k, v) in form_urlencoded::parse(&req.body) {
            match k.as_ref() {
                "SAMLResponse" if saml.is_none() && v.len() <= MAX_SAML_FIELD => saml = Some(v.into_owned()),
                "RelayState" if relay.is_none() && v.len() <= 8 * 1024 => relay = Some(v.into_owned()),
                _ => {}
            }
        }
        let (Some(saml), Some(relay)) = (saml, relay) else {
            let msg = "SAMLResponse and RelayState are required.";
            return self.error_page(req, None, "invalid_request", Some(msg), 400);
        };
        let oauth = self.svc.oauth(&req.ctx);
        let binding = req.cookie(IDP_BINDING_COOKIE);
        // SP-initiated: the RelayState is ours. IdP-initiated: it is the app's authorization
        // request, checked like one.
        let idp_initiated = if oauth.is_sealed_relay(&relay) {
            None
        } else {
            let p = Params::parse(relay.as_bytes()).authorize();
            match self.checked(req, &p).await {
                Ok(a) => Some(a),
                Err(r) => return r,
            }
        };
        let done = match oauth.saml_response(&saml, &relay, binding.as_deref(), idp_initiated.as_ref()).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "a SAML sign-in failed");
                let desc = match &e {
                    CoreError::Internal(_) | CoreError::ExternalService(_) => {
                        "The sign-in through the identity provider failed.".to_string()
                    }
                    other => other.to_string(),
                };
                if let Some(a) = &idp_initiated {
                    return response::redirect(&a.error_location("access_denied", &desc));
                }
                let page = || self.fail(req, None, &e);
                return self.idp_failure(req, Some(&relay), binding.as_deref(), "access_denied", &desc, page).await;
            }
        };
        self.federated_done(req, done, idp_initiated).await
    }

    /// `GET /saml2/logout`: the IdP's LogoutResponse (on to the app's `logout_uri`), or its
    /// LogoutRequest (the hosted session ends; the IdP gets a LogoutResponse).
    pub(crate) async fn saml_logout(&self, req: &UiRequest) -> Response<Bytes> {
        let raw = req.parts.uri.query().unwrap_or("");
        let pools: Vec<UserPoolId> = req
            .cookie_names()
            .into_iter()
            .filter_map(|n| n.strip_prefix("cognate_session_").map(UserPoolId::new))
            .collect();
        match self.svc.oauth(&req.ctx).saml_logout(raw, &pools).await {
            Ok(SamlLogout::Done(location)) => response::redirect(&location),
            Ok(SamlLogout::Answer { pool, location }) => {
                let name = session_cookie_name(pool.as_str());
                if let Some(sealed) = req.cookie(&name) {
                    if let Err(e) = self.svc.oauth(&req.ctx).end_session(&sealed).await {
                        return self.fail(req, None, &e);
                    }
                }
                let mut r = response::redirect(&location);
                response::add_cookie(&mut r, &cookie(&name, "", 0, self.secure));
                r
            }
            Err(e) => self.fail(req, None, &e),
        }
    }

    /// `GET /saml2/metadata/{poolId}`.
    pub(crate) async fn saml_metadata(&self, req: &UiRequest, path: &str) -> Response<Bytes> {
        let pool = path.trim_start_matches("/saml2/metadata/");
        if pool.is_empty() || pool.len() > 64 || pool.contains('/') {
            return response::text(404, "Not found.");
        }
        match self.svc.oauth(&req.ctx).saml_sp_metadata(&UserPoolId::new(pool)).await {
            Ok(xml) => {
                let mut r = Response::new(Bytes::from(xml));
                response::set_header(&mut r, http::header::CONTENT_TYPE, "application/samlmetadata+xml");
                r
            }
            Err(CoreError::ResourceNotFound(_)) => response::text(404, "No such user pool."),
            Err(e) => self.fail(req, None, &e),
        }
    }
}
