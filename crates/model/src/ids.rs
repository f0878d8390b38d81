//! Identifier newtypes and their generators.

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Random characters from `alphabet`.
pub fn random_string(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rngs::OsRng;
    (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

/// A user pool id, `{region}_{9 alphanumerics}` (clients take the region from the part before `_`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserPoolId(String);

impl UserPoolId {
    /// A new random id in `region`.
    pub fn generate(region: &str) -> Self {
        Self(format!("{region}_{}", random_string(ALNUM, 9)))
    }
    /// Wraps an id read from a request or the store (the shape was validated at the edge).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The part after `_`, which SRP hashes as the "pool name".
    pub fn short_name(&self) -> &str {
        self.0.split_once('_').map(|(_, n)| n).unwrap_or(&self.0)
    }
    /// The region prefix.
    pub fn region(&self) -> &str {
        self.0.split_once('_').map(|(r, _)| r).unwrap_or("")
    }
}

impl fmt::Display for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An app client id: 26 lowercase alphanumerics, as Cognito issues them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    /// A new random client id.
    pub fn generate() -> Self {
        Self(random_string(LOWER_ALNUM, 26))
    }
    /// Wraps an id read from a request or the store.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new client secret: 51 lowercase alphanumerics (within the model's 24–64).
pub fn generate_client_secret() -> String {
    random_string(LOWER_ALNUM, 51)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_ids_look_like_cognito() {
        let id = UserPoolId::generate("us-east-1");
        assert_eq!(id.region(), "us-east-1");
        assert_eq!(id.short_name().len(), 9);
        assert!(id.short_name().bytes().all(|b| b.is_ascii_alphanumeric()));
        let c = ClientId::generate();
        assert_eq!(c.as_str().len(), 26);
        assert_eq!(generate_client_secret().len(), 51);
    }
}
