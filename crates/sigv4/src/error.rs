use thiserror::Error;

/// Why a request's signature was refused. Each maps to the error AWS answers.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SigV4Error {
    /// No `Authorization` header at all.
    #[error("Missing Authentication Token")]
    Missing,
    /// The header or a required part is malformed.
    #[error("{0}")]
    Incomplete(String),
    /// The access key id is not known.
    #[error("The security token included in the request is invalid.")]
    UnknownKey,
    /// Wrong signature, scope or clock.
    #[error("{0}")]
    Signature(String),
}

impl SigV4Error {
    /// The AWS error code for this failure.
    pub fn aws_code(&self) -> &'static str {
        match self {
            SigV4Error::Missing => "MissingAuthenticationTokenException",
            SigV4Error::Incomplete(_) => "IncompleteSignatureException",
            SigV4Error::UnknownKey => "UnrecognizedClientException",
            SigV4Error::Signature(_) => "InvalidSignatureException",
        }
    }

    /// The HTTP status AWS uses for it (all 4xx, so SDKs do not retry).
    pub fn http_status(&self) -> u16 {
        match self {
            SigV4Error::UnknownKey => 400,
            _ => 403,
        }
    }
}
