//! An operator's address-reputation list (`COGNATE_IP_REPUTATION_FILE`, read by the server):
//! addresses and networks known for abuse — Tor exits, a provider's blocklist, FireHOL's level 1 —
//! one a line, each with an optional label. A sign-in from one of them is the risk signal
//! `ip-reputation (label)`. Lookups are a binary search over merged ranges, so a list of a million
//! networks costs about 24 bytes each and a few hundred nanoseconds a sign-in.

use cognate_model::net::{canonical, IpNet};
use std::net::IpAddr;

/// The parsed list.
#[derive(Debug, Default)]
pub struct Reputation {
    /// Sorted, disjoint `(first, last, label)` ranges.
    v4: Vec<(u32, u32, u32)>,
    v6: Vec<(u128, u128, u32)>,
    labels: Vec<String>,
    entries: usize,
}

impl Reputation {
    /// Parses the list: `network [label]` a line (`203.0.113.0/24 tor-exit`, `2001:db8::1`);
    /// blank lines and `#` or `;` comments are skipped (FireHOL and Spamhaus DROP files parse as
    /// they come). A line that is not an address or network is an error naming it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut labels: Vec<String> = vec![String::new()];
        let mut index: std::collections::HashMap<String, u32> = Default::default();
        let mut v4 = vec![];
        let mut v6 = vec![];
        let mut entries = 0;
        for (n, line) in text.lines().enumerate() {
            let line = line.split(['#', ';']).next().unwrap_or("").trim();
            let mut fields = line.split_whitespace();
            let Some(net) = fields.next() else { continue };
            let net: IpNet = net.parse().map_err(|e| format!("line {}: {e}", n + 1))?;
            let label = match fields.next() {
                // Each label kept once, found by a map (a list may give every line its own).
                Some(l) => *index.entry(l.to_string()).or_insert_with(|| {
                    labels.push(l.to_string());
                    (labels.len() - 1) as u32
                }),
                None => 0,
            };
            match net.bounds() {
                Ok((a, b)) => v4.push((a, b, label)),
                Err((a, b)) => v6.push((a, b, label)),
            }
            entries += 1;
        }
        Ok(Self { v4: merged(v4), v6: merged(v6), labels, entries })
    }

    /// The label of the listed network `ip` is in (`""` for none given), if it is listed.
    pub fn lookup(&self, ip: IpAddr) -> Option<&str> {
        let label = match canonical(ip) {
            IpAddr::V4(a) => find(&self.v4, u32::from(a)),
            IpAddr::V6(a) => find(&self.v6, u128::from(a)),
        }?;
        Some(self.labels[label as usize].as_str())
    }

    /// How many lines listed something.
    pub fn entries(&self) -> usize {
        self.entries
    }
}

/// Sorted and merged: overlapping or adjacent ranges become one (the first one's label).
fn merged<T: Ord + Copy + num_succ::Succ>(mut ranges: Vec<(T, T, u32)>) -> Vec<(T, T, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(T, T, u32)> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if last.1.succ().is_none_or(|next| r.0 <= next) => {
                if r.1 > last.1 {
                    last.1 = r.1;
                }
            }
            _ => out.push(r),
        }
    }
    out.shrink_to_fit();
    out
}

fn find<T: Ord + Copy>(ranges: &[(T, T, u32)], ip: T) -> Option<u32> {
    let i = ranges.partition_point(|r| r.0 <= ip);
    let r = ranges.get(i.checked_sub(1)?)?;
    (ip <= r.1).then_some(r.2)
}

mod num_succ {
    /// The next number, unless at the top.
    pub trait Succ: Sized {
        fn succ(self) -> Option<Self>;
    }
    impl Succ for u32 {
        fn succ(self) -> Option<Self> {
            self.checked_add(1)
        }
    }
    impl Succ for u128 {
        fn succ(self) -> Option<Self> {
            self.checked_add(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn listed_networks_are_found_with_their_labels() {
        let r = Reputation::parse(
            "# FireHOL-style comment\n\
             198.51.100.0/24 botnet\n\
             198.51.100.128/25 other ; inside the one above\n\
             203.0.113.7\n\
             \n\
             192.0.2.0/25 tor-exit\n192.0.2.128/25 tor-exit\n\
             2001:db8:bad::/48 v6-list\n",
        )
        .unwrap();
        assert_eq!(r.entries(), 6);
        assert_eq!(r.lookup(ip("198.51.100.1")), Some("botnet"));
        assert_eq!(r.lookup(ip("198.51.100.200")), Some("botnet"), "merged into the wider one");
        assert_eq!(r.lookup(ip("198.51.101.0")), None);
        assert_eq!(r.lookup(ip("198.51.99.255")), None);
        assert_eq!(r.lookup(ip("203.0.113.7")), Some(""));
        assert_eq!(r.lookup(ip("203.0.113.8")), None);
        assert_eq!(r.lookup(ip("192.0.2.255")), Some("tor-exit"));
        assert_eq!(r.lookup(ip("::ffff:192.0.2.3")), Some("tor-exit"), "a mapped address is its IPv4 one");
        assert_eq!(r.lookup(ip("2001:db8:bad:1::9")), Some("v6-list"));
        assert_eq!(r.lookup(ip("2001:db8:bae::1")), None);
        assert_eq!(r.v4.len(), 3, "adjacent and nested ranges merged: {:?}", r.v4);
        let all = Reputation::parse("0.0.0.0/0 everything\n255.255.255.255\n").unwrap();
        assert_eq!(all.lookup(ip("255.255.255.255")), Some("everything"));
        assert!(Reputation::parse("").unwrap().lookup(ip("10.0.0.1")).is_none());
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = Reputation::parse("10.0.0.0/8\nnot-an-address x\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        assert!(Reputation::parse("10.0.0.0/33").is_err());
    }
}
