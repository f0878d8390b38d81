//! The client's address: the socket peer, or — only when the peer is a trusted proxy
//! (`COGNATE_TRUSTED_PROXIES`) — the nearest untrusted address in `X-Forwarded-For`.

use std::net::IpAddr;

/// An address or network, `10.0.0.0/8` or `2001:db8::/32` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for IpNet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not an IP address or network (e.g. 10.0.0.0/8)");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Self { addr, prefix })
    }
}

impl IpNet {
    /// True when `ip` is inside the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (canonical(self.addr), ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix as u32).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix as u32).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

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
