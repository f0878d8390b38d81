//! The ListUsers `Filter` grammar: `attribute = "value"` or `attribute ^= "value"`, the value in
//! double quotes with `\"` and `\\` escapes. Only the attributes Cognito lists are filterable.

use crate::{CoreError, CoreResult};
use cognate_model::UserStatus;
use cognate_store::{FilterColumn, UserFilter};

/// `=` or `^=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Exact match.
    Equals,
    /// Starts with.
    Prefix,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The attribute name as written.
    pub attribute: String,
    /// The comparison.
    pub op: Op,
    /// The unquoted value.
    pub value: String,
}

fn bad(detail: &str) -> CoreError {
    CoreError::InvalidParameter(format!("Error while parsing filter: {detail}"))
}

/// Parses a filter expression.
pub fn parse(input: &str) -> CoreResult<Filter> {
    let s = input.trim();
    let name_end =
        s.find(|c: char| c.is_whitespace() || c == '=' || c == '^').ok_or_else(|| bad("expected an operator"))?;
    let attribute = s[..name_end].to_string();
    if attribute.is_empty() {
        return Err(bad("expected an attribute name"));
    }
    let rest = s[name_end..].trim_start();
    let (op, rest) = if let Some(r) = rest.strip_prefix("^=") {
        (Op::Prefix, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (Op::Equals, r)
    } else {
        return Err(bad("the operator must be = or ^="));
    };
    let rest = rest.trim_start();
    let body = rest.strip_prefix('"').ok_or_else(|| bad("the value must be in double quotes"))?;
    let mut value = String::new();
    let mut chars = body.chars();
    loop {
        match chars.next() {
            None => return Err(bad("unterminated quoted value")),
            Some('\\') => value.push(chars.next().ok_or_else(|| bad("dangling escape"))?),
            Some('"') => break,
            Some(c) => value.push(c),
        }
    }
    if !chars.as_str().trim().is_empty() {
        return Err(bad("unexpected text after the value"));
    }
    Ok(Filter { attribute, op, value })
}

/// Turns a parsed filter into a store query. `normalize_username` applies the pool's case rule.
pub fn to_store_filter(f: &Filter, normalize_username: impl Fn(&str) -> String) -> CoreResult<UserFilter> {
    let column = match f.attribute.as_str() {
        "username" => Some(FilterColumn::Username),
        "email" => Some(FilterColumn::Email),
        "phone_number" => Some(FilterColumn::PhoneNumber),
        "name" => Some(FilterColumn::Name),
        "given_name" => Some(FilterColumn::GivenName),
        "family_name" => Some(FilterColumn::FamilyName),
        "preferred_username" => Some(FilterColumn::PreferredUsername),
        "sub" => Some(FilterColumn::Sub),
        _ => None,
    };
    if let Some(col) = column {
        let value = if col == FilterColumn::Username { normalize_username(&f.value) } else { f.value.clone() };
        return Ok(match f.op {
            Op::Equals => UserFilter::Equals(col, value),
            Op::Prefix => UserFilter::Prefix(col, value),
        });
    }
    let matches = |candidate: &str, case_insensitive: bool| {
        let (c, v) = if case_insensitive {
            (candidate.to_ascii_lowercase(), f.value.to_ascii_lowercase())
        } else {
            (candidate.to_string(), f.value.clone())
        };
        match f.op {
            Op::Equals => c == v,
            Op::Prefix => c.starts_with(&v),
        }
    };
    match f.attribute.as_str() {
        // `cognito:user_status` is the status (case-insensitive); `status` is Enabled/Disabled.
        "cognito:user_status" => {
            Ok(UserFilter::StatusIn(UserStatus::ALL.into_iter().filter(|s| matches(s.as_str(), true)).collect()))
        }
        "status" => Ok(match (matches("Enabled", false), matches("Disabled", false)) {
            (true, true) => UserFilter::All,
            (true, false) => UserFilter::Enabled(true),
            (false, true) => UserFilter::Enabled(false),
            (false, false) => UserFilter::Nothing,
        }),
        other => Err(CoreError::InvalidParameter(format!(
            "Error while parsing filter: {other} is not a filterable attribute. Filterable attributes are username, email, \
             phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status and sub."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        assert_eq!(
            parse("email = \"a@b.c\"").unwrap(),
            Filter { attribute: "email".into(), op: Op::Equals, value: "a@b.c".into() }
        );
        assert_eq!(parse("family_name^=\"Re\"").unwrap().op, Op::Prefix);
        assert_eq!(parse(r#"name = "say \"hi\" \\o/""#).unwrap().value, r#"say "hi" \o/"#);
        for bad in ["email", "email = a", "email = \"a", "email ~ \"a\"", "= \"a\"", "email = \"a\" x"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses() {
        let f = |s: &str| to_store_filter(&parse(s).unwrap(), |u| u.to_lowercase()).unwrap();
        assert_eq!(f("cognito:user_status = \"confirmed\""), UserFilter::StatusIn(vec![UserStatus::Confirmed]));
        assert_eq!(f("status = \"Disabled\""), UserFilter::Enabled(false));
        assert_eq!(f("status ^= \"\""), UserFilter::All);
        assert_eq!(f("username = \"Bob\""), UserFilter::Equals(FilterColumn::Username, "bob".into()));
        assert!(to_store_filter(&parse("custom:x = \"1\"").unwrap(), |u| u.into()).is_err());
    }
}
