//! The links of threat protection's notification emails: `GET /{pool}/auth-event-feedback`
//! asks "was this you?" on a page with one button, and the button's POST records the answer
//! (UpdateAuthEventFeedback with the link's token). A GET changes nothing, so mail scanners
//! that open links do not answer for the user.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use cognate_core::{Cognate, CoreError};
use cognate_model::UserPoolId;
use http::StatusCode;
use serde::Deserialize;

/// The link's parameters.
#[derive(Deserialize)]
pub struct Link {
    username: String,
    event_id: String,
    feedback_value: String,
    token: String,
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '"' => "&quot;".into(),
            '\'' => "&#39;".into(),
            c => c.to_string(),
        })
        .collect()
}

fn page(status: StatusCode, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"><title>Sign-in activity</title><body>{body}</body></html>"
    );
    (
        status,
        [
            (http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (http::header::CONTENT_SECURITY_POLICY, "default-src 'none'; form-action 'self'; frame-ancestors 'none'"),
            (http::header::REFERRER_POLICY, "no-referrer"),
            (http::header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

fn valid(l: &Link) -> Option<bool> {
    match l.feedback_value.as_str() {
        "Valid" => Some(true),
        "Invalid" => Some(false),
        _ => None,
    }
}

/// The question, with the button that answers it.
pub async fn ask(Path(_pool): Path<String>, Query(l): Query<Link>) -> Response {
    let Some(yes) = valid(&l) else { return page(StatusCode::BAD_REQUEST, "<p>This link is not valid.</p>") };
    let query = form_query(&l);
    let (question, button) = if yes {
        ("Confirm that this sign-in was you.", "Yes, it was me")
    } else {
        ("Report that this sign-in was not you.", "It was not me")
    };
    page(
        StatusCode::OK,
        &format!(
            "<h1>Sign-in activity for {}</h1><p>{question}</p><form method=\"post\" action=\"?{}\">\
             <button type=\"submit\">{button}</button></form>",
            escape(&l.username),
            escape(&query)
        ),
    )
}

fn form_query(l: &Link) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("username", &l.username)
        .append_pair("event_id", &l.event_id)
        .append_pair("feedback_value", &l.feedback_value)
        .append_pair("token", &l.token)
        .finish()
}

/// Records the answer.
pub async fn answer(State(svc): State<Cognate>, Path(pool): Path<String>, Query(l): Query<Link>) -> Response {
    let Some(yes) = valid(&l) else { return page(StatusCode::BAD_REQUEST, "<p>This link is not valid.</p>") };
    match svc.update_auth_event_feedback(&UserPoolId::new(pool), &l.username, &l.event_id, &l.token, yes).await {
        Ok(()) if yes => page(StatusCode::OK, "<p>Thank you. This sign-in is noted as yours.</p>"),
        Ok(()) => page(
            StatusCode::OK,
            "<p>Thank you. Sign-ins like this one will be treated as suspicious. Change your password now.</p>",
        ),
        Err(CoreError::NotAuthorized(_)) => {
            page(StatusCode::FORBIDDEN, "<p>This link is not valid or has expired.</p>")
        }
        Err(e) => {
            tracing::info!(error = %e, "auth event feedback refused");
            page(StatusCode::BAD_REQUEST, "<p>This feedback could not be recorded.</p>")
        }
    }
}
