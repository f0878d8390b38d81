//! restJson1 routing and input binding: an operation is a method and a path template
//! (`operation::ROUTES`); its input members come from the path's labels, the query string, the
//! headers or the JSON body, as the model's `location`s say.

use crate::{ApiError, Operation};
use serde_json::{Map, Value};

/// Where one input member comes from.
struct Binding {
    member: String,
    location: Location,
    /// The path label, query parameter or header name.
    name: String,
    /// The member is a number (query values arrive as text).
    number: bool,
}

enum Location {
    Uri,
    Query,
    Header,
}

/// The routes and bindings of every operation.
pub(crate) struct Routes {
    bindings: Vec<Vec<Binding>>,
}

fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

impl Routes {
    /// Reads the bindings from the model.
    pub(crate) fn new(model: &str) -> Self {
        let m: Value = serde_json::from_str(model).expect("the vendored model is JSON");
        let shapes = &m["shapes"];
        let bindings = Operation::ALL
            .iter()
            .map(|op| {
                let Some(input) = op.input_shape() else { return vec![] };
                let members = shapes[input]["members"].as_object().cloned().unwrap_or_default();
                members
                    .into_iter()
                    .filter_map(|(member, spec)| {
                        let location = match spec["location"].as_str()? {
                            "uri" => Location::Uri,
                            "querystring" => Location::Query,
                            "header" => Location::Header,
                            _ => return None,
                        };
                        let ty = shapes[spec["shape"].as_str().unwrap_or("")]["type"].as_str().unwrap_or("");
                        Some(Binding {
                            name: spec["locationName"].as_str().unwrap_or(&member).to_string(),
                            member,
                            location,
                            number: matches!(ty, "integer" | "long"),
                        })
                    })
                    .collect()
            })
            .collect();
        Self { bindings }
    }

    /// The operation `method path` names.
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<Operation> {
        let got = segments(path);
        Operation::ALL.iter().copied().find(|op| {
            let (m, template) = crate::operation::ROUTES[*op as usize];
            let want = segments(template);
            m == method
                && want.len() == got.len()
                && want.iter().zip(&got).all(|(w, g)| (w.starts_with('{') && w.ends_with('}')) || w == g)
        })
    }

    /// The operation's input: the JSON body's members, then the bound ones (which win).
    pub(crate) fn input(
        &self,
        op: Operation,
        head: &http::request::Parts,
        body: &[u8],
    ) -> Result<Map<String, Value>, ApiError> {
        let mut input = if body.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            cognate_aws_protocol::parse_json_body(body).map_err(ApiError::Wire)?
        };
        let (_, template) = crate::operation::ROUTES[op as usize];
        let labels: Vec<(&str, &str)> = segments(template).into_iter().zip(segments(head.uri.path())).collect();
        let query: Vec<(String, String)> =
            form_urlencoded::parse(head.uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        for b in &self.bindings[op as usize] {
            let text = match b.location {
                Location::Uri => labels
                    .iter()
                    .find(|(w, _)| w.trim_matches(|c| c == '{' || c == '}') == b.name)
                    .map(|(_, g)| decode(g)),
                Location::Query => query.iter().find(|(k, _)| k == &b.name).map(|(_, v)| v.clone()),
                Location::Header => head.headers.get(b.name.as_str()).and_then(|v| v.to_str().ok()).map(str::to_string),
            };
            let Some(text) = text else {
                input.remove(&b.member);
                continue;
            };
            let value = if b.number {
                match text.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => {
                        return Err(ApiError::Serialization(format!("{} must be a number, not '{text}'.", b.name)));
                    }
                }
            } else {
                Value::String(text)
            };
            input.insert(b.member.clone(), value);
        }
        Ok(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_bindings() {
        let r = Routes::new(crate::MODEL);
        let p = "/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/prefs/records";
        assert_eq!(r.find("GET", p), Some(Operation::ListRecords));
        assert_eq!(
            r.find("POST", "/identitypools/us-east-1%3Aabc/identities/x/datasets/prefs"),
            Some(Operation::UpdateRecords)
        );
        assert_eq!(r.find("GET", "/identitypools/x/identities/y/datasets/prefs"), Some(Operation::DescribeDataset));
        assert_eq!(r.find("GET", "/identitypools"), Some(Operation::ListIdentityPoolUsage));
        assert_eq!(r.find("PUT", "/identitypools"), None);
        let head = http::Request::get(format!("{p}?lastSyncCount=3&syncSessionToken=t&maxResults=x"))
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert!(matches!(r.input(Operation::ListRecords, &head, b""), Err(ApiError::Serialization(_))));
        let head =
            http::Request::get(format!("{p}?lastSyncCount=3&syncSessionToken=t")).body(()).unwrap().into_parts().0;
        let input = r.input(Operation::ListRecords, &head, b"{\"IdentityId\":\"forged\"}").unwrap();
        assert_eq!(input["IdentityPoolId"], "us-east-1:abc");
        assert_eq!(input["IdentityId"], "us-east-1:def", "the path wins over the body");
        assert_eq!(input["LastSyncCount"], 3);
        assert_eq!(input["SyncSessionToken"], "t");
    }
}
