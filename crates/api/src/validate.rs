//! Input validation against an API's botocore model itself (each API crate vendors its model):
//! required members, lengths, ranges, patterns and enums, for every operation, before any
//! handler runs. Constraint violations answer the API's invalid-parameter error with Coral's
//! message form; a JSON value of the wrong type answers `SerializationException`.

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

#[derive(Debug)]
enum Shape {
    Structure {
        members: Vec<(String, String)>,
        required: Vec<String>,
    },
    Str {
        min: Option<i64>,
        max: Option<i64>,
        pattern: Option<Pattern>,
        enums: Option<Vec<String>>,
        sensitive: bool,
    },
    Int {
        min: Option<i64>,
        max: Option<i64>,
        /// `integer` shapes are Java ints: 32 bits, whatever the model's bounds say.
        wide: bool,
    },
    Bool,
    Timestamp,
    Blob,
    List {
        member: String,
        min: Option<i64>,
        max: Option<i64>,
    },
    Map {
        key: String,
        value: String,
        min: Option<i64>,
        max: Option<i64>,
    },
    Document,
}

/// What is wrong with an input.
#[derive(Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Constraint violations (`InvalidParameterException`), already joined into one message.
    Constraints(String),
    /// A value of the wrong JSON type (`SerializationException`).
    Type(String),
}

/// The messages an input collects, bounded: a request with 100,000 bad items gets an answer of
/// a few hundred bytes, not one message per item.
struct Errors {
    shown: Vec<String>,
    count: usize,
}

/// How many messages an answer spells out.
const SHOWN_ERRORS: usize = 5;

impl Errors {
    fn push(&mut self, message: String) {
        self.count += 1;
        if self.shown.len() < SHOWN_ERRORS {
            self.shown.push(message);
        }
    }

    fn into_result(self) -> Result<(), Invalid> {
        let more = self.count - self.shown.len();
        let list = self.shown.join("; ");
        match self.count {
            0 => Ok(()),
            1 => Err(Invalid::Constraints(format!("1 validation error detected: {list}"))),
            n if more == 0 => Err(Invalid::Constraints(format!("{n} validation errors detected: {list}"))),
            n => Err(Invalid::Constraints(format!("{n} validation errors detected: {list}; and {more} more"))),
        }
    }
}

/// The compiled model.
pub struct Validator {
    shapes: HashMap<String, Shape>,
}

/// Java's `\w`, `\s`, `\d` are ASCII-only; Rust's are Unicode. Translate to explicit classes
/// (Rust accepts nested classes, so this works inside brackets too).
pub fn java_to_rust(p: &str) -> String {
    p.replace(r"\w", "[0-9A-Za-z_]")
        .replace(r"\s", r"[\t\n\x0B\x0C\r ]")
        .replace(r"\S", r"[^\t\n\x0B\x0C\r ]")
        .replace(r"\d", "[0-9]")
}

/// A model pattern: its text (for messages), the compiled regex (`None`: the model's pattern does
/// not compile here, and is not checked), and for a pattern that is one character class repeated
/// (`[…]+` or `[…]*`: most of the model's, tokens and ids among them) the ASCII characters the
/// class admits, so that an ASCII value is checked a byte at a time against a table instead of
/// by the regex engine (a 1 KB access token cost 5% of a GetUser in it).
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    /// Compiled on first use (the model has hundreds; a server uses a few, and idle memory counts).
    re: Arc<OnceLock<Option<Regex>>>,
    ascii: Arc<OnceLock<Option<AsciiClass>>>,
}

/// The bytes a one-class pattern admits (none from 0x80 up: a value with one goes to the regex),
/// and whether the class may repeat zero times.
type AsciiClass = (Box<[bool; 256]>, bool);

impl Pattern {
    fn new(java: &str) -> Self {
        Self { text: java.to_string(), re: Arc::default(), ascii: Arc::default() }
    }

    fn regex(&self) -> Option<&Regex> {
        self.re.get_or_init(|| Regex::new(&format!("^(?:{})$", java_to_rust(&self.text))).ok()).as_ref()
    }

    fn table(&self) -> Option<&AsciiClass> {
        self.ascii
            .get_or_init(|| {
                let rust = java_to_rust(&self.text);
                let (class, empty_ok) = one_class(&rust)?;
                let one = Regex::new(&format!("^(?:{class})$")).ok()?;
                let mut admits = Box::new([false; 256]);
                for (b, slot) in admits.iter_mut().enumerate().take(128) {
                    *slot = one.is_match(&char::from(b as u8).to_string());
                }
                Some((admits, empty_ok))
            })
            .as_ref()
    }

    fn matches(&self, s: &str) -> bool {
        if let Some((admits, empty_ok)) = self.table() {
            match s.bytes().position(|b| !admits[b as usize]) {
                None => return *empty_ok || !s.is_empty(),
                Some(at) if s.as_bytes()[at] < 0x80 => return false,
                Some(_) => {} // not ASCII: the regex decides
            }
        }
        self.regex().is_none_or(|re| re.is_match(s))
    }
}

/// `[…]+` → (`[…]`, false), `[…]*` → (`[…]`, true): a pattern that is one bracketed class
/// (nested classes and escapes allowed) repeated; `None` for anything else.
fn one_class(p: &str) -> Option<(&str, bool)> {
    let (body, empty_ok) = match p.strip_suffix('+') {
        Some(b) => (b, false),
        None => (p.strip_suffix('*')?, true),
    };
    let bytes = body.as_bytes();
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (i == bytes.len() - 1).then_some((body, empty_ok));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn num(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(|n| n.as_f64()).map(|f| f as i64)
}

impl Validator {
    /// Compiles a botocore model (its JSON text).
    pub fn new(model: &str) -> Self {
        let model: Value = serde_json::from_str(model).expect("the vendored model is valid JSON");
        let mut shapes = HashMap::new();
        let mut patterns: HashMap<String, Pattern> = HashMap::new();
        for (name, s) in model["shapes"].as_object().expect("shapes") {
            let shape = match s["type"].as_str().unwrap_or("") {
                "structure" if s.get("document").is_some() => Shape::Document,
                "structure" => Shape::Structure {
                    members: s["members"]
                        .as_object()
                        .map(|m| {
                            m.iter().map(|(k, v)| (k.clone(), v["shape"].as_str().unwrap_or("").to_string())).collect()
                        })
                        .unwrap_or_default(),
                    required: s
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|r| r.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                        .unwrap_or_default(),
                },
                "string" => Shape::Str {
                    min: num(s, "min"),
                    max: num(s, "max"),
                    pattern: s
                        .get("pattern")
                        .and_then(Value::as_str)
                        .map(|p| patterns.entry(p.to_string()).or_insert_with(|| Pattern::new(p)).clone()),
                    enums: s
                        .get("enum")
                        .and_then(Value::as_array)
                        .map(|e| e.iter().filter_map(|x| x.as_str().map(String::from)).collect()),
                    sensitive: s.get("sensitive").and_then(Value::as_bool).unwrap_or(false),
                },
                t @ ("integer" | "long") => Shape::Int { min: num(s, "min"), max: num(s, "max"), wide: t == "long" },
                "boolean" => Shape::Bool,
                "timestamp" => Shape::Timestamp,
                "blob" => Shape::Blob,
                "list" => Shape::List {
                    member: s["member"]["shape"].as_str().unwrap_or("").to_string(),
                    min: num(s, "min"),
                    max: num(s, "max"),
                },
                "map" => Shape::Map {
                    key: s["key"]["shape"].as_str().unwrap_or("").to_string(),
                    value: s["value"]["shape"].as_str().unwrap_or("").to_string(),
                    min: num(s, "min"),
                    max: num(s, "max"),
                },
                _ => Shape::Document,
            };
            shapes.insert(name.clone(), shape);
        }
        Self { shapes }
    }

    /// Validates `input` as shape `shape`, removing `null` members (absent, as AWS treats them).
    pub fn validate(&self, shape: &str, input: &mut Map<String, Value>) -> Result<(), Invalid> {
        let mut errors = Errors { shown: vec![], count: 0 };
        self.structure(shape, input, "", &mut errors)?;
        errors.into_result()
    }

    fn structure(
        &self,
        shape: &str,
        obj: &mut Map<String, Value>,
        path: &str,
        errors: &mut Errors,
    ) -> Result<(), Invalid> {
        let Some(Shape::Structure { members, required }) = self.shapes.get(shape) else {
            return Ok(());
        };
        obj.retain(|_, v| !v.is_null());
        for r in required {
            if !obj.contains_key(r) {
                errors.push(format!(
                    "Value null at '{}' failed to satisfy constraint: Member must not be null",
                    join(path, r)
                ));
            }
        }
        for (name, target) in members {
            if let Some(v) = obj.get_mut(name) {
                self.value(target, v, &join(path, name), errors)?;
            }
        }
        Ok(())
    }

    fn value(&self, shape: &str, v: &mut Value, path: &str, errors: &mut Errors) -> Result<(), Invalid> {
        let type_err = |want: &str| Invalid::Type(format!("Expected {want} for '{path}'"));
        match self.shapes.get(shape) {
            None | Some(Shape::Document) => {}
            Some(Shape::Structure { .. }) => {
                let obj = v.as_object_mut().ok_or_else(|| type_err("a structure"))?;
                self.structure(shape, obj, path, errors)?;
            }
            Some(Shape::Str { min, max, pattern, enums, sensitive }) => {
                let s = v.as_str().ok_or_else(|| type_err("a string"))?;
                // What the message shows is made only for a value that fails.
                let mut fail = |c: String| {
                    let shown = if *sensitive {
                        "Value".to_string()
                    } else {
                        format!("Value '{}'", s.chars().take(100).collect::<String>())
                    };
                    errors.push(format!("{shown} at '{path}' failed to satisfy constraint: {c}"))
                };
                // UTF-16 length; an ASCII string's is its byte length.
                let len = if s.is_ascii() { s.len() } else { s.encode_utf16().count() } as i64;
                if min.is_some_and(|m| len < m) {
                    fail(format!("Member must have length greater than or equal to {}", min.unwrap_or(0)));
                }
                if max.is_some_and(|m| len > m) {
                    fail(format!("Member must have length less than or equal to {}", max.unwrap_or(0)));
                }
                if let Some(p) = pattern {
                    if !p.matches(s) {
                        fail(format!("Member must satisfy regular expression pattern: {}", p.text));
                    }
                }
                if let Some(e) = enums {
                    if !e.iter().any(|x| x == s) {
                        fail(format!("Member must satisfy enum value set: [{}]", e.join(", ")));
                    }
                }
            }
            Some(Shape::Int { min, max, wide }) => {
                let n = v.as_f64().ok_or_else(|| type_err("a number"))?;
                if n.fract() != 0.0 || n.abs() > 9.0e15 {
                    return Err(type_err("an integer"));
                }
                let n = n as i64;
                let (min, max) = if *wide {
                    (*min, *max)
                } else {
                    (Some(min.unwrap_or(i32::MIN as i64)), Some(max.unwrap_or(i32::MAX as i64).min(i32::MAX as i64)))
                };
                if min.is_some_and(|m| n < m) {
                    errors.push(format!(
                        "Value '{n}' at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {}",
                        min.unwrap_or(0)
                    ));
                }
                if max.is_some_and(|m| n > m) {
                    errors.push(format!(
                        "Value '{n}' at '{path}' failed to satisfy constraint: Member must have value less than or equal to {}",
                        max.unwrap_or(0)
                    ));
                }
                // Normalize 5.0 to 5 so typed deserialization into integers succeeds.
                *v = Value::from(n);
            }
            Some(Shape::Bool) => {
                v.as_bool().ok_or_else(|| type_err("a boolean"))?;
            }
            Some(Shape::Timestamp) => {
                v.as_f64().ok_or_else(|| type_err("a timestamp in epoch seconds"))?;
            }
            Some(Shape::Blob) => {
                v.as_str().ok_or_else(|| type_err("a base64 string"))?;
            }
            Some(Shape::List { member, min, max }) => {
                let items = v.as_array_mut().ok_or_else(|| type_err("a list"))?;
                let len = items.len() as i64;
                if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                    errors.push(format!(
                        "Value at '{path}' failed to satisfy constraint: Member must have length between {} and {}",
                        min.unwrap_or(0),
                        max.map(|m| m.to_string()).unwrap_or_else(|| "∞".into())
                    ));
                    // The length is wrong: its items are not looked at (nor reported).
                    return Ok(());
                }
                for (i, item) in items.iter_mut().enumerate() {
                    if item.is_null() {
                        return Err(type_err("a list without null entries"));
                    }
                    self.value(member, item, &format!("{path}.{}.member", i + 1), errors)?;
                }
            }
            Some(Shape::Map { key, value, min, max }) => {
                let obj = v.as_object_mut().ok_or_else(|| type_err("a map"))?;
                let len = obj.len() as i64;
                if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                    errors.push(format!(
                        "Value at '{path}' failed to satisfy constraint: Member must have between {} and {} entries",
                        min.unwrap_or(0),
                        max.map(|m| m.to_string()).unwrap_or_else(|| "∞".into())
                    ));
                    return Ok(());
                }
                for (k, item) in obj.iter_mut() {
                    let mut key_value = Value::String(k.clone());
                    self.value(key, &mut key_value, &format!("{path}.key"), errors)?;
                    self.value(value, item, &format!("{path}.{k}"), errors)?;
                }
            }
        }
        Ok(())
    }
}

/// Coral names members in lowerCamelCase: `UserPoolId` → `userPoolId`.
fn join(path: &str, member: &str) -> String {
    let mut c = member.chars();
    let camel: String = c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default();
    if path.is_empty() {
        camel
    } else {
        format!("{path}.{camel}")
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    /// Every pattern of the three vendored models: the ASCII table answers as the regex does,
    /// on every single ASCII character, the empty string, and mixed strings.
    #[test]
    fn the_ascii_table_agrees_with_the_regex() {
        let models = [
            include_str!("../../api-idp/model/cognito-idp.json"),
            include_str!("../../api-identity/model/cognito-identity.json"),
            include_str!("../../api-sync/model/cognito-sync.json"),
        ];
        let (mut tabled, mut all) = (0, 0);
        for model in models {
            let v: Value = serde_json::from_str(model).unwrap();
            for s in v["shapes"].as_object().unwrap().values() {
                let Some(p) = s.get("pattern").and_then(Value::as_str) else { continue };
                let pat = Pattern::new(p);
                all += 1;
                let Some(re) = pat.regex() else { continue };
                if pat.table().is_some() {
                    tabled += 1;
                }
                let mut samples: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
                samples.extend(
                    ["", "abc", "a b", "us-east-1_abc", "a.b-c_d=", "x@y.com", "é", "aé", "ab\n", "1234"]
                        .map(String::from),
                );
                samples.push((0u8..128).map(char::from).collect());
                for s in &samples {
                    assert_eq!(pat.matches(s), re.is_match(s), "pattern {p} on {s:?}");
                }
            }
        }
        assert!(tabled * 2 > all, "most patterns are one class: {tabled} of {all}");
    }

    #[test]
    fn only_one_repeated_class_is_tabled() {
        assert_eq!(one_class("[a-z]+"), Some(("[a-z]", false)));
        assert_eq!(one_class("[\\p{L}[0-9A-Za-z_]-]*"), Some(("[\\p{L}[0-9A-Za-z_]-]", true)));
        assert_eq!(one_class("[a-z]+[0-9]+"), None);
        assert_eq!(one_class("[a]\\+"), None);
        assert_eq!(one_class("[]a]+"), None);
        assert_eq!(one_class("[\\]]+"), Some(("[\\]]", false)));
        assert_eq!(one_class("ab+"), None);
    }
}
