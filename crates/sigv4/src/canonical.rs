//! The canonical request and string to sign, as the SigV4 documentation defines them.

use crate::{sha256_hex, Request, SigV4Error};

/// Percent-encodes everything but the unreserved characters (and `/` when `keep_slash`).
fn uri_encode(input: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Canonical query string: every pair decoded, strictly re-encoded, sorted by name then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&percent_decode(k), false), uri_encode(&percent_decode(v), false))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn normalize_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the canonical request. Non-S3 services encode the (already encoded) path once more.
pub fn canonical_request(req: &Request<'_>, signed_headers: &[&str], payload_hash: &str) -> Result<String, SigV4Error> {
    let path = if req.path.is_empty() { "/" } else { req.path };
    let mut out = String::with_capacity(512);
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&uri_encode(path, true));
    out.push('\n');
    out.push_str(&canonical_query(req.query));
    out.push('\n');
    let mut names: Vec<&str> = signed_headers.to_vec();
    names.sort_unstable();
    for name in &names {
        let values: Vec<String> = req
            .headers
            .get_all(*name)
            .iter()
            .map(|v| v.to_str().map(normalize_value))
            .collect::<Result<_, _>>()
            .map_err(|_| SigV4Error::Incomplete(format!("Signed header '{name}' is not valid ASCII.")))?;
        if values.is_empty() {
            return Err(SigV4Error::Signature(format!("Signed header '{name}' is missing from the request.")));
        }
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&names.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    Ok(out)
}

/// `AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hex(sha256(canonical_request))}`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_sorted_and_encoded() {
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("k=a%20b&x=~y"), "k=a%20b&x=~y");
        assert_eq!(canonical_query(""), "");
        assert_eq!(uri_encode("/a b/ü", true), "/a%20b/%C3%BC");
        assert_eq!(percent_decode("%41%4"), "A%4");
        assert_eq!(percent_decode("%é%"), "%é%");
    }
}
