//! The STS handlers: read the parameters, call core, write the XML answer. The error mapping to
//! STS's wire codes is here too (`InvalidIdentityToken`, `ExpiredTokenException`,
//! `AccessDenied`, `ValidationError`, `InvalidAction`).

use crate::{Operation, XMLNS};
use cognate_api::{Call, WireError};
use cognate_aws_protocol::xml_escape;
use cognate_core::identity::sts::{self, WebIdentitySession};
use cognate_core::identity::TempCredentials;
use cognate_core::{AdminCtx, Cognate, CoreError};

fn param<'a>(p: &'a [(String, String)], k: &str) -> Option<&'a str> {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

fn required<'a>(p: &'a [(String, String)], k: &str) -> Result<&'a str, WireError> {
    param(p, k).filter(|v| !v.is_empty()).ok_or_else(|| {
        let member = format!("{}{}", k[..1].to_ascii_lowercase(), &k[1..]);
        WireError::client(
            "ValidationError",
            format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"),
        )
    })
}

fn session_name(p: &[(String, String)]) -> Result<&str, WireError> {
    let s = required(p, "RoleSessionName")?;
    let ok = (2..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"=,.@-_".contains(&b));
    if !ok {
        return Err(WireError::client(
            "ValidationError",
            format!("1 validation error detected: Value '{s}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
        ));
    }
    Ok(s)
}

fn duration(p: &[(String, String)]) -> Result<i64, WireError> {
    let d = match param(p, "DurationSeconds") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>().map_err(|_| WireError::client("ValidationError", "DurationSeconds is not a number."))?,
        ),
    };
    sts::duration(d).map_err(|e| WireError::client("ValidationError", e.to_string()))
}

fn iso(ms: i64) -> String {
    cognate_core::clock::format_datetime(ms)
}

fn credentials_xml(c: &TempCredentials) -> String {
    format!(
        "<Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey><SessionToken>{}</SessionToken><Expiration>{}</Expiration></Credentials>",
        c.access_key_id,
        xml_escape(&c.secret_key),
        xml_escape(&c.session_token),
        iso(c.expiration)
    )
}

fn answer(op: Operation, request_id: &str, result: &str) -> String {
    let name = op.name();
    format!(
        "<{name}Response xmlns=\"{XMLNS}\">\n  <{name}Result>{result}</{name}Result>\n  <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\n</{name}Response>\n",
        xml_escape(request_id)
    )
}

fn core_error(e: CoreError) -> WireError {
    match e {
        CoreError::NotAuthorized(m) if m.contains("expired") => WireError::client("ExpiredTokenException", m),
        CoreError::NotAuthorized(m) => WireError::client("InvalidIdentityToken", m),
        CoreError::Unauthorized(m) => WireError { code: "AccessDenied", message: m, status: 403 },
        CoreError::InvalidParameter(m) => WireError::client("ValidationError", m),
        // STS's own code for an identity provider it could not reach; the detail is logged.
        CoreError::ExternalService(detail) => {
            tracing::warn!(error = %detail, "identity provider unreachable");
            WireError::client("IDPCommunicationError", "The identity provider could not be reached.")
        }
        CoreError::Internal(detail) => {
            tracing::error!(error = %detail, "internal error");
            WireError { code: "InternalFailure", message: "Internal server error.".into(), status: 500 }
        }
        other => WireError::client("InvalidParameterValue", other.to_string()),
    }
}

fn web_identity_xml(s: &WebIdentitySession) -> String {
    format!(
        "{}<SubjectFromWebIdentityToken>{}</SubjectFromWebIdentityToken><AssumedRoleUser><Arn>{}</Arn><AssumedRoleId>{}</AssumedRoleId></AssumedRoleUser><Provider>{}</Provider><Audience>{}</Audience>",
        credentials_xml(&s.credentials),
        xml_escape(&s.subject),
        xml_escape(&s.assumed_role_arn),
        xml_escape(&s.assumed_role_id),
        xml_escape(&s.provider),
        xml_escape(&s.audience)
    )
}

/// Runs one action.
pub async fn handle(svc: &Cognate, op: Operation, call: &Call, p: &[(String, String)]) -> Result<String, WireError> {
    let rid = call.request.request_id.as_str();
    match op {
        // Public: the token is the proof.
        Operation::AssumeRoleWithWebIdentity => {
            let (role, session, token) = (required(p, "RoleArn")?, session_name(p)?, required(p, "WebIdentityToken")?);
            let s = svc.assume_role_with_web_identity(role, session, token, duration(p)?).await.map_err(core_error)?;
            Ok(answer(op, rid, &web_identity_xml(&s)))
        }
        Operation::GetCallerIdentity => {
            let principal = call.caller.principal().ok_or_else(|| {
                WireError::client("MissingAuthenticationToken", "Request is missing Authentication Token")
            })?;
            let c = svc.caller_identity(principal);
            let body = format!(
                "<Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account>",
                xml_escape(&c.arn),
                xml_escape(&c.user_id),
                xml_escape(&c.account)
            );
            Ok(answer(op, rid, &body))
        }
        Operation::AssumeRole => {
            let principal = call.caller.principal().ok_or_else(|| {
                WireError::client("MissingAuthenticationToken", "Request is missing Authentication Token")
            })?;
            let admin = AdminCtx::new(principal, &svc.config().account_id).map_err(|denied| WireError {
                code: "AccessDenied",
                message: format!("User: {} is not authorized to perform: sts:AssumeRole", denied.arn),
                status: 403,
            })?;
            let (role, session) = (required(p, "RoleArn")?, session_name(p)?);
            let (creds, arn, id) = svc.assume_role(&admin, role, session, duration(p)?);
            let body = format!(
                "{}<AssumedRoleUser><Arn>{}</Arn><AssumedRoleId>{}</AssumedRoleId></AssumedRoleUser>",
                credentials_xml(&creds),
                xml_escape(&arn),
                xml_escape(&id)
            );
            Ok(answer(op, rid, &body))
        }
        Operation::AssumeRoleWithSAML
        | Operation::AssumeRoot
        | Operation::DecodeAuthorizationMessage
        | Operation::GetAccessKeyInfo
        | Operation::GetDelegatedAccessToken
        | Operation::GetFederationToken
        | Operation::GetScopedCredentials
        | Operation::GetSessionToken
        | Operation::GetWebIdentityToken => Err(WireError::client(
            "InvalidAction",
            format!(
                "Cognate's STS serves AssumeRoleWithWebIdentity, AssumeRole and GetCallerIdentity only, not {}.",
                op.name()
            ),
        )),
    }
}
