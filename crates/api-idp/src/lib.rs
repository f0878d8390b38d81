//! api-idp
