//! Opaque pagination tokens: base64url of what the store needs to resume.

use crate::{CoreError, CoreResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Wraps a resume point into an opaque token.
pub fn encode(parts: &[&str]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(parts).unwrap_or_default())
}

/// Reads a token from [`encode`] with exactly `n` parts.
pub fn decode(token: &str, n: usize) -> CoreResult<Vec<String>> {
    let bad = || CoreError::InvalidParameter("Invalid pagination token.".into());
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let parts: Vec<String> = serde_json::from_slice(&raw).map_err(|_| bad())?;
    if parts.len() != n {
        return Err(bad());
    }
    Ok(parts)
}

/// The `after` position of an optional single-part token.
pub fn after(token: Option<&str>) -> CoreResult<Option<String>> {
    token.map(|t| decode(t, 1).map(|mut p| p.remove(0))).transpose()
}

/// Trims a fetch of `limit + 1` items to `limit` and makes the token for the next page from
/// the last item kept (`None` when nothing is left).
pub fn split<T>(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> &str) -> (Vec<T>, Option<String>) {
    if items.len() <= limit {
        return (items, None);
    }
    items.truncate(limit);
    let token = items.last().map(|last| encode(&[key(last)]));
    (items, token)
}

/// Clamps a requested page size to 1..=60 (absent or 0 → 60).
pub fn limit(requested: Option<i64>) -> usize {
    match requested {
        Some(n) if (1..=60).contains(&n) => n as usize,
        _ => 60,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let t = super::encode(&["a", "b\"c"]);
        assert_eq!(super::decode(&t, 2).unwrap(), vec!["a", "b\"c"]);
        assert!(super::decode(&t, 1).is_err());
        assert!(super::decode("!!", 1).is_err());
        assert_eq!(super::limit(Some(0)), 60);
        assert_eq!(super::limit(Some(5)), 5);
    }
}
