//! The wire protocols of the APIs Cognate serves, and how each one writes an answer and an
//! error: awsJson1_1 (cognito-idp, cognito-identity), awsQuery (STS: XML answers) and restJson1
//! (cognito-sync). The server renders every error in the protocol of the API it was for.

use crate::json11::{self, WireError};
use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};

/// A wire protocol of the AWS service models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `POST /` with `X-Amz-Target` and a JSON body.
    AwsJson11,
    /// A form body with `Action` and `Version`; XML answers in the service's namespace.
    AwsQuery {
        /// The XML namespace of answers, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`.
        xmlns: &'static str,
    },
    /// Paths and methods name the operation; JSON bodies; the error type in `x-amzn-ErrorType`.
    RestJson1,
}

impl Protocol {
    /// A successful answer with a body already serialized for this protocol.
    pub fn ok(self, request_id: &str, body: Vec<u8>) -> Response<Bytes> {
        match self {
            Protocol::AwsJson11 => json11::json_response(request_id, body),
            Protocol::AwsQuery { .. } => with_type(StatusCode::OK, request_id, "text/xml", Bytes::from(body)),
            Protocol::RestJson1 => with_type(StatusCode::OK, request_id, "application/json", Bytes::from(body)),
        }
    }

    /// An error in this protocol's shape.
    pub fn error(self, request_id: &str, err: &WireError) -> Response<Bytes> {
        match self {
            Protocol::AwsJson11 => json11::error_response(request_id, err),
            Protocol::AwsQuery { xmlns } => {
                let kind = if err.status >= 500 { "Receiver" } else { "Sender" };
                let body = format!(
                    "<ErrorResponse xmlns=\"{xmlns}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
                    xml_escape(err.code),
                    xml_escape(&err.message),
                    xml_escape(request_id)
                );
                with_type(status(err), request_id, "text/xml", Bytes::from(body))
            }
            Protocol::RestJson1 => {
                // botocore and aws-sdk-rust read the type from this header; the body carries
                // it too, with the message.
                let mut resp = json11::error_response(request_id, err);
                resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                resp
            }
        }
    }
}

fn status(err: &WireError) -> StatusCode {
    StatusCode::from_u16(err.status).unwrap_or(StatusCode::BAD_REQUEST)
}

fn with_type(status: StatusCode, request_id: &str, content_type: &'static str, body: Bytes) -> Response<Bytes> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-requestid", v);
    }
    crate::cors::add_response_headers(h);
    resp
}

/// Escapes text for an XML element or attribute.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_in_each_protocol() {
        let e = WireError::client("InvalidAction", "Could not find operation <Nope> & co");
        let r = Protocol::AwsQuery { xmlns: "https://sts.amazonaws.com/doc/2011-06-15/" }.error("rid", &e);
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()[CONTENT_TYPE], "text/xml");
        let body = std::str::from_utf8(r.body()).unwrap();
        assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
        assert!(body.contains("<Message>Could not find operation &lt;Nope&gt; &amp; co</Message>"), "{body}");
        assert!(body.contains("<Type>Sender</Type>") && body.contains("<RequestId>rid</RequestId>"));
        let r = Protocol::RestJson1.error("rid", &e);
        assert_eq!(r.headers()["x-amzn-errortype"], "InvalidAction:");
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        let r = Protocol::AwsJson11.error("rid", &e);
        assert_eq!(r.headers()[CONTENT_TYPE], crate::CONTENT_TYPE_JSON11);
    }
}
