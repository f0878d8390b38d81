use cognate_sigv4::VerifiedPrincipal;

/// Authority to call the admin API. The only way to get one is from a [`VerifiedPrincipal`],
/// which only the SigV4 verifier produces, so a handler without it cannot reach admin functions.
#[derive(Debug, Clone)]
pub struct AdminCtx {
    principal: VerifiedPrincipal,
}

impl AdminCtx {
    /// Wraps a verified SigV4 principal.
    pub fn new(principal: VerifiedPrincipal) -> Self {
        Self { principal }
    }

    /// The access key that signed the request (for logs and audit).
    pub fn access_key_id(&self) -> &str {
        self.principal.access_key_id()
    }
}
