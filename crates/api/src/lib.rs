//! The contract between the server and each API it serves (garage's `ApiHandler`): an API
//! says which requests are its own ([`Api::claims`]), which operation a request names and
//! who may call it ([`Api::operation`]), the SigV4 service name of its credential scopes and
//! the wire [`Protocol`] its errors are written in, and then handles a [`Call`]. The server
//! owns everything common: request ids, the span named after the operation, the body limit,
//! SigV4 verification into a [`Principal`], per-operation metrics and error rendering.

pub mod json_target;
pub mod validate;

use async_trait::async_trait;
use bytes::Bytes;
pub use cognate_aws_protocol::{Protocol, WireError};
pub use cognate_core::principal::Principal;
pub use cognate_core::RequestContext;

/// Who may call an operation: decided by the operation, checked before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// Anyone; the operation authorizes by what it carries (a client id, a code, a session).
    Public,
    /// A signed-in user: the API turns the request's access token into a `UserCtx` before
    /// dispatch (no SigV4).
    User,
    /// An administrator: SigV4 with an admin key. Other principals get `AccessDeniedException`.
    Admin,
    /// Any SigV4 principal (an administrator or identity credentials); the handler decides
    /// what each kind may see.
    Signed,
}

impl AuthKind {
    /// True when the server must verify a SigV4 signature before the call.
    pub fn needs_signature(self) -> bool {
        matches!(self, AuthKind::Admin | AuthKind::Signed)
    }
}

/// An operation a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recognized {
    /// The operation's position in the API's [`Api::operations`] list.
    pub index: usize,
    /// Its model name, e.g. `AdminGetUser`.
    pub name: &'static str,
    /// Who may call it.
    pub auth: AuthKind,
}

/// Who made a call, as far as the server checked.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No signature was needed (and none was checked).
    Anonymous,
    /// A verified SigV4 principal.
    Signed(Principal),
}

impl Caller {
    /// The principal, if the call was signed.
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Caller::Signed(p) => Some(p),
            Caller::Anonymous => None,
        }
    }
}

/// One call, after the server has read the body and checked the signature.
pub struct Call {
    /// The operation ([`Recognized::index`]).
    pub op: usize,
    /// Who calls.
    pub caller: Caller,
    /// Request id, source address, user agent.
    pub request: RequestContext,
    /// Method, URI and headers.
    pub head: http::request::Parts,
    /// The whole body (within the server's limit).
    pub body: Bytes,
}

/// A successful answer: the body in the API's protocol (the server adds the envelope).
pub type Reply = Vec<u8>;

/// One API on the shared listener.
#[async_trait]
pub trait Api: Send + Sync {
    /// Its name in logs and metrics, e.g. `cognito-idp`.
    fn name(&self) -> &'static str;
    /// The service name SigV4 credential scopes must carry for it.
    fn signing_service(&self) -> &'static str;
    /// The protocol its answers and errors are written in.
    fn protocol(&self) -> Protocol;
    /// Every operation of its model, in [`Recognized::index`] order.
    fn operations(&self) -> &'static [&'static str];
    /// True when the request is for this API (by target prefix, path or content type). Decided
    /// from the head alone, before the body is read.
    fn claims(&self, head: &http::request::Parts) -> bool;
    /// The largest body this API accepts, given the operator's `COGNATE_MAX_BODY_BYTES` (an API
    /// whose requests are larger by design raises it for itself).
    fn max_body(&self, configured: usize) -> usize {
        configured
    }
    /// The operation a claimed request names; an error (in this API's protocol) for an unknown
    /// one.
    fn operation(&self, head: &http::request::Parts, body: &[u8]) -> Result<Recognized, WireError>;
    /// Handles a call.
    async fn handle(&self, call: Call) -> Result<Reply, WireError>;
}
