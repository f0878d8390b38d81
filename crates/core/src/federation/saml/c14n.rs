//! Exclusive XML canonicalization (`http://www.w3.org/2001/10/xml-exc-c14n#`, without
//! comments) of an element subtree parsed by `roxmltree`, with the enveloped-signature transform
//! (one element left out) — what XML signatures on SAML messages digest and sign.
//!
//! Qualified names are taken from the source text (`roxmltree` keeps the ranges), so prefixes
//! come out exactly as the signer wrote them.

use roxmltree::{Node, NodeId, NodeType};
use std::collections::{BTreeMap, BTreeSet};

/// The canonical form of `apex`, leaving out the element `omit` (the enveloped signature) and
/// rendering the `inclusive` prefixes (`InclusiveNamespaces PrefixList`, `#default` for the
/// default namespace) wherever they are in scope.
pub fn exclusive(apex: Node<'_, '_>, omit: Option<NodeId>, inclusive: &[String]) -> String {
    let mut out = String::with_capacity(apex.range().len());
    element(apex, &BTreeMap::new(), omit, inclusive, &mut out);
    out
}

/// The qualified name an element was written with.
pub fn element_qname<'i>(n: Node<'_, 'i>) -> &'i str {
    let text = n.document().input_text();
    let rest = &text[n.range().start + 1..];
    let end = rest.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
    &rest[..end]
}

fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map(|(p, _)| p).unwrap_or("")
}

fn element(n: Node<'_, '_>, above: &BTreeMap<String, String>, omit: Option<NodeId>, incl: &[String], out: &mut String) {
    let text = n.document().input_text();
    let qname = element_qname(n);
    // The prefixes this element visibly uses, and those the inclusive list names.
    let mut used: BTreeSet<&str> = BTreeSet::new();
    used.insert(prefix_of(qname));
    for a in n.attributes() {
        let aq = &text[a.range_qname()];
        if aq.contains(':') {
            used.insert(prefix_of(aq));
        }
    }
    for p in incl {
        let p = if p == "#default" { "" } else { p.as_str() };
        let in_scope =
            if p.is_empty() { n.default_namespace().is_some() } else { n.lookup_namespace_uri(Some(p)).is_some() };
        if in_scope {
            used.insert(p);
        }
    }
    let mut rendered = above.clone();
    out.push('<');
    out.push_str(qname);
    for p in used {
        if p == "xml" {
            continue;
        }
        let uri = if p.is_empty() {
            n.default_namespace().unwrap_or("")
        } else {
            n.lookup_namespace_uri(Some(p)).unwrap_or("")
        };
        let before = rendered.get(p).map(String::as_str).unwrap_or("");
        let changed = if p.is_empty() { before != uri } else { rendered.get(p).map(String::as_str) != Some(uri) };
        if changed {
            if p.is_empty() {
                out.push_str(" xmlns=\"");
            } else {
                out.push_str(" xmlns:");
                out.push_str(p);
                out.push_str("=\"");
            }
            attr_escape(uri, out);
            out.push('"');
            rendered.insert(p.to_string(), uri.to_string());
        }
    }
    let mut attrs: Vec<_> = n.attributes().collect();
    attrs.sort_by(|a, b| (a.namespace().unwrap_or(""), a.name()).cmp(&(b.namespace().unwrap_or(""), b.name())));
    for a in attrs {
        out.push(' ');
        out.push_str(&text[a.range_qname()]);
        out.push_str("=\"");
        attr_escape(a.value(), out);
        out.push('"');
    }
    out.push('>');
    for c in n.children() {
        match c.node_type() {
            NodeType::Element if Some(c.id()) == omit => {}
            NodeType::Element => element(c, &rendered, omit, incl, out),
            NodeType::Text => text_escape(c.text().unwrap_or(""), out),
            NodeType::PI => {
                if let Some(pi) = c.pi() {
                    out.push_str("<?");
                    out.push_str(pi.target);
                    if let Some(v) = pi.value.filter(|v| !v.is_empty()) {
                        out.push(' ');
                        out.push_str(v);
                    }
                    out.push_str("?>");
                }
            }
            NodeType::Comment | NodeType::Root => {}
        }
    }
    out.push_str("</");
    out.push_str(qname);
    out.push('>');
}

fn text_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn attr_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, pick: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let n = doc.descendants().find(|n| n.is_element() && n.tag_name().name() == pick).unwrap();
        exclusive(n, None, &[])
    }

    #[test]
    fn renders_only_the_namespaces_used_and_sorts_attributes() {
        let xml = r#"<a:Root xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:d"><a:E z="1" b:y="2" a="3"   ><b:F/>t&amp;&lt;&gt;<G/></a:E></a:Root>"#;
        assert_eq!(
            c14n(xml, "E"),
            r#"<a:E xmlns:a="urn:a" xmlns:b="urn:b" a="3" z="1" b:y="2"><b:F></b:F>t&amp;&lt;&gt;<G xmlns="urn:d"></G></a:E>"#
        );
    }

    #[test]
    fn a_default_namespace_is_undeclared_when_it_changes_to_none() {
        let xml = r#"<r xmlns="urn:d"><E><F xmlns=""/></E></r>"#;
        assert_eq!(c14n(xml, "E"), r#"<E xmlns="urn:d"><F xmlns=""></F></E>"#);
        let xml = r#"<r><E a="x&#9;&quot;y"/></r>"#;
        assert_eq!(c14n(xml, "E"), "<E a=\"x&#x9;&quot;y\"></E>");
    }
}
