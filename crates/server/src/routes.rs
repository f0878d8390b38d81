//! The listener's routes: the documents that are plain paths (`/health`, each user pool's
//! issuer metadata), and the front door for everything the AWS APIs claim. Which path serves
//! what is the contract clients rely on (README, "Requests, by what they carry").

use crate::front_door::{self, FrontDoor};
use crate::issuer;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use cognate_aws_protocol::cors;
use cognate_core::Cognate;
use std::sync::Arc;

/// The whole application.
pub fn app(
    svc: Cognate,
    door: Arc<FrontDoor>,
    ui: Arc<crate::hosted::Hosted>,
    metrics_token: Option<String>,
) -> Router {
    let metrics = Router::new().route("/metrics", get(metrics)).with_state(crate::prometheus::MetricsState {
        svc: svc.clone(),
        door: door.clone(),
        token: metrics_token,
    });
    let documents = Router::new()
        .route("/health", get(health).options(preflight))
        .route("/.well-known/jwks_uri", get(identity_jwks).options(preflight))
        .route("/.well-known/openid-configuration", get(identity_openid_configuration).options(preflight))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks).options(preflight))
        .route("/{pool_id}/.well-known/openid-configuration", get(openid_configuration).options(preflight))
        .route("/{pool_id}/auth-event-feedback", get(crate::feedback::ask).post(crate::feedback::answer))
        .with_state(svc.clone());
    // The hosted UI and the OAuth 2.0 endpoints of user-pool domains.
    let mut pages = Router::new();
    for path in cognate_hosted_ui::PATHS {
        pages = pages.route(path, any(crate::hosted::handle));
    }
    let pages = pages
        .route("/logo/{pool}/{client}", any(crate::hosted::handle))
        .route("/saml2/metadata/{pool}", any(crate::hosted::handle))
        .with_state(ui);
    let uploads = crate::upload::routes(svc.clone());
    // The front door answers OPTIONS on every other path itself.
    let aws = Router::new().fallback(front_door::handle).with_state(door);
    documents.merge(metrics).merge(uploads).merge(pages).merge(aws)
}

/// Browsers ask before cross-origin calls (amazon-cognito-identity-js, Amplify).
async fn preflight() -> Response {
    cors::preflight().map(axum::body::Body::from)
}

async fn metrics(State(m): State<crate::prometheus::MetricsState>, headers: http::HeaderMap) -> Response {
    crate::prometheus::render(&m, &headers).await
}

async fn health() -> Response {
    ([(http::header::CONTENT_TYPE, "application/json")], r#"{"status":"ok"}"#).into_response()
}

async fn identity_jwks(State(svc): State<Cognate>) -> Response {
    issuer::identity_jwks(&svc)
}

async fn identity_openid_configuration(State(svc): State<Cognate>) -> Response {
    issuer::identity_openid_configuration(&svc)
}

async fn jwks(State(svc): State<Cognate>, Path(pool_id): Path<String>) -> Response {
    issuer::jwks(&svc, &pool_id).await
}

async fn openid_configuration(State(svc): State<Cognate>, Path(pool_id): Path<String>) -> Response {
    issuer::openid_configuration(&svc, &pool_id).await
}
