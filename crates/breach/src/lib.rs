//! Compromised passwords (threat protection's "compromised credentials"): is this password one
//! that attackers try first?
//!
//! Two sources, checked together by [`Breached::check`]:
//! - **Common passwords**, built in: the 49,233 most common passwords of zxcvbn-ts
//!   (`data/common-passwords.txt`), matched on the password lowercased and on its *base*, the
//!   password with trailing digits and symbols taken off and common look-alike characters read
//!   as letters, so that `P@ssw0rd123!` is `password`.
//! - **An operator's list of SHA-1 hashes** (`COGNATE_BREACHED_PASSWORDS_FILE`, the Pwned
//!   Passwords download format: `HEX40[:count]` a line) compiled by [`HashFilter`] into binary
//!   fuse filters with 16-bit fingerprints: about 2.25 bytes an entry (a billion hashes in about
//!   2.1 GiB) and a false-positive rate of about 2^-16 (1 in 65,536 passwords not on the list is
//!   taken as listed), with no false negatives.

mod filter;

pub use filter::{HashFilter, FILTER_EXTENSION};
use sha1::{Digest, Sha1};
use std::collections::HashSet;

/// The built-in list, one lowercase password a line after the `#` header.
const COMMON: &str = include_str!("../data/common-passwords.txt");

/// Why a password is taken as compromised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// It is, or is built on, one of the common passwords.
    Common,
    /// Its SHA-1 hash is on the operator's list.
    Listed,
}

/// The compromised-password checker: the built-in list and, when configured, the operator's.
pub struct Breached {
    /// Built on the first check (threat protection is off in most pools; idle memory counts).
    common: std::sync::OnceLock<HashSet<&'static str>>,
    listed: Option<HashFilter>,
}

impl std::fmt::Debug for Breached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Breached")
            .field("common", &self.common().len())
            .field("listed", &self.listed.as_ref().map(HashFilter::entries))
            .finish()
    }
}

impl Default for Breached {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Bases shorter than this are not matched (stripping `a1234567!` to `a` proves nothing).
const MIN_BASE: usize = 4;

impl Breached {
    /// The built-in list only.
    fn common(&self) -> &HashSet<&'static str> {
        self.common.get_or_init(|| COMMON.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
    }

    pub fn builtin() -> Self {
        Self { common: std::sync::OnceLock::new(), listed: None }
    }

    /// The built-in list and the operator's compiled list.
    pub fn with_list(mut self, listed: HashFilter) -> Self {
        self.listed = Some(listed);
        self
    }

    /// How many common passwords are built in.
    pub fn common_len(&self) -> usize {
        self.common().len()
    }

    /// Whether `password` is compromised, and why.
    pub fn check(&self, password: &str) -> Option<Finding> {
        if self.is_common(password) {
            return Some(Finding::Common);
        }
        let listed = self.listed.as_ref()?;
        let sha: [u8; 20] = Sha1::digest(password.as_bytes()).into();
        listed.contains(&sha).then_some(Finding::Listed)
    }

    fn is_common(&self, password: &str) -> bool {
        let lower = password.to_lowercase();
        if self.common().contains(lower.as_str()) {
            return true;
        }
        let base = lower.trim_end_matches(|c: char| !c.is_alphabetic());
        [base.to_string(), unleet(base, 'i'), unleet(base, 'l')]
            .iter()
            .any(|b| b.chars().count() >= MIN_BASE && self.common().contains(b.as_str()))
    }
}

/// `base` with look-alike digits and symbols read as letters (`1` as `one`).
fn unleet(base: &str, one: char) -> String {
    base.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' | '|' => one,
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            '8' => 'b',
            '9' => 'g',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_their_decorations_are_found() {
        let b = Breached::builtin();
        assert!(b.common_len() > 45_000);
        for p in
            ["password", "Password", "Password123!", "P@ssw0rd!", "qwerty12345", "Dragon2024!", "letmein!", "iloveyou"]
        {
            assert_eq!(b.check(p), Some(Finding::Common), "{p}");
        }
        for p in ["correct-horse-battery-42", "Xq7#vL9!mR2pT", "a1234567!Zz", "Zebra-Quilt-Forge-81"] {
            assert_eq!(b.check(p), None, "{p}");
        }
    }

    #[test]
    fn the_operators_list_is_checked_by_sha1() {
        let listed = ["Xq7#vL9!mR2pT", "another one"];
        let hashes: Vec<[u8; 20]> = listed.iter().map(|p| Sha1::digest(p.as_bytes()).into()).collect();
        let b = Breached::builtin().with_list(HashFilter::from_hashes(hashes).unwrap());
        assert_eq!(b.check("Xq7#vL9!mR2pT"), Some(Finding::Listed));
        assert_eq!(b.check("another one"), Some(Finding::Listed));
        assert_eq!(b.check("Zebra-Quilt-Forge-81"), None);
        assert_eq!(b.check("Password1!"), Some(Finding::Common));
    }
}
