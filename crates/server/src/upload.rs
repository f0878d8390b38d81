//! The upload URL of user import jobs (`PreSignedUrl`): `PUT /_import/{poolId}/{jobId}?token=…`
//! with the CSV file as the body, as a client PUTs to Cognito's presigned S3 URL. The token
//! authorizes it (once, within 15 minutes); answers are S3-like (an empty 200, or an XML error).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::Router;
use cognate_core::import::jobs::MAX_UPLOAD_BYTES;
use cognate_core::{Cognate, CoreError};
use std::collections::HashMap;

/// The upload route, with its own body limit (Cognito's 100 MB).
pub fn routes(svc: Cognate) -> Router {
    Router::new()
        .route("/_import/{pool}/{job}", put(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .with_state(svc)
}

fn s3_error(status: u16, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message></Error>",
        message.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    );
    let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_REQUEST);
    (status, [(http::header::CONTENT_TYPE, "application/xml")], body).into_response()
}

async fn upload(
    State(svc): State<Cognate>,
    Path((pool, job)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let token = q.get("token").map(String::as_str).unwrap_or("");
    match svc.receive_import_upload(&pool, &job, token, &body).await {
        Ok(()) => {
            tracing::info!(pool = %pool, job = %job, bytes = body.len(), "import file received");
            http::StatusCode::OK.into_response()
        }
        Err(CoreError::NotAuthorized(m)) => s3_error(403, "AccessDenied", &m),
        Err(CoreError::ResourceNotFound(m)) => s3_error(404, "NoSuchKey", &m),
        Err(CoreError::InvalidParameter(m)) => s3_error(400, "EntityTooLarge", &m),
        Err(e) => {
            tracing::error!(pool = %pool, job = %job, error = %e, "import upload failed");
            s3_error(500, "InternalError", "We encountered an internal error. Please try again.")
        }
    }
}
