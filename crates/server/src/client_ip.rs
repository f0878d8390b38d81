//! The client's address: the socket peer, or — only when the peer is a trusted proxy
//! (`COGNATE_TRUSTED_PROXIES`) — the nearest untrusted address in `X-Forwarded-For`.

use std::net::IpAddr;

pub use cognate_model::net::{canonical, IpNet};

/// Parses `COGNATE_TRUSTED_PROXIES`: a comma-separated list of addresses and networks.
pub fn parse_list(s: &str) -> Result<Vec<IpNet>, String> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::parse).collect()
}

/// The client address of a request from `peer` with these `X-Forwarded-For` values: walking the
/// chain from the right, every hop that is a trusted proxy is skipped; the first one that is not
/// is the client. A malformed entry stops the walk at the last trusted hop.
pub fn client_ip(trusted: &[IpNet], peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut current = peer;
    for hop in forwarded_for.iter().rev().flat_map(|v| v.rsplit(',')) {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
        current = canonical(ip);
        if !is_trusted(current) {
            break;
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks() {
        let n: IpNet = "10.0.0.0/8".parse().unwrap();
        assert!(n.contains(ip("10.1.2.3")) && !n.contains(ip("11.0.0.1")));
        assert!(n.contains(ip("::ffff:10.9.9.9")));
        let one: IpNet = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: IpNet = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8::1")) && !v6.contains(ip("2001:db9::1")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "nope", "1.2.3.4/x", ""] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
        assert_eq!(parse_list(" 10.0.0.0/8 , ::1 ").unwrap().len(), 2);
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        // An untrusted peer cannot claim another address.
        assert_eq!(client_ip(&trusted, ip("203.0.113.9"), &["1.1.1.1"]), ip("203.0.113.9"));
        // Behind a trusted proxy: the nearest untrusted hop.
        assert_eq!(client_ip(&trusted, ip("10.0.0.2"), &["198.51.100.7, 10.0.0.5"]), ip("198.51.100.7"));
        // A client-supplied first entry is ignored when a later hop is untrusted.
        assert_eq!(client_ip(&trusted, ip("10.0.0.2"), &["6.6.6.6", "198.51.100.7"]), ip("198.51.100.7"));
        // No header: the proxy itself.
        assert_eq!(client_ip(&trusted, ip("10.0.0.2"), &[]), ip("10.0.0.2"));
        // Garbage stops the walk.
        assert_eq!(client_ip(&trusted, ip("10.0.0.2"), &["junk, 10.0.0.3"]), ip("10.0.0.3"));
        // No trusted proxies configured: always the peer.
        assert_eq!(client_ip(&[], ip("10.0.0.2"), &["1.1.1.1"]), ip("10.0.0.2"));
    }
}
