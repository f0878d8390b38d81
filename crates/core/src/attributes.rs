//! The standard attribute schema, custom attributes, and the checks on attribute writes.

use crate::{CoreError, CoreResult};
use cognate_model::pool::AttributeDataType;
use cognate_model::{PoolSettings, SchemaAttribute};

/// At most this many custom attributes per pool, as in Cognito.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

fn std_attr(name: &str, data_type: AttributeDataType, mutable: bool, required: bool) -> SchemaAttribute {
    let string = data_type == AttributeDataType::String;
    SchemaAttribute {
        name: name.into(),
        data_type,
        developer_only: false,
        mutable,
        required,
        min_length: string.then(|| {
            if name == "sub" {
                "1"
            } else if name == "birthdate" {
                "10"
            } else {
                "0"
            }
            .into()
        }),
        max_length: string.then(|| if name == "birthdate" { "10" } else { "2048" }.into()),
        min_value: (data_type == AttributeDataType::Number).then(|| "0".into()),
        max_value: None,
    }
}

/// The standard OpenID Connect attributes every pool has, in Cognito's order.
pub fn standard_schema() -> Vec<SchemaAttribute> {
    use AttributeDataType::*;
    let mut s = vec![std_attr("sub", String, false, true)];
    for n in [
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "email",
    ] {
        s.push(std_attr(n, String, true, false));
    }
    s.push(std_attr("email_verified", Boolean, true, false));
    for n in ["gender", "birthdate", "zoneinfo", "locale", "phone_number"] {
        s.push(std_attr(n, String, true, false));
    }
    s.push(std_attr("phone_number_verified", Boolean, true, false));
    s.push(std_attr("address", String, true, false));
    s.push(std_attr("updated_at", Number, true, false));
    s
}

/// Applies a `Schema`/`CustomAttributes` entry to `schema`: a standard name changes that
/// attribute, any other name adds `custom:<name>` (`dev:custom:<name>` when developer-only).
pub fn add_schema_entry(schema: &mut Vec<SchemaAttribute>, entry: SchemaAttribute, creating: bool) -> CoreResult<()> {
    let invalid = |m: String| Err(CoreError::InvalidParameter(m));
    let bare = entry.name.strip_prefix("custom:").unwrap_or(&entry.name).to_string();
    if let Some(existing) = schema.iter_mut().find(|a| a.name == entry.name && !a.name.contains(':')) {
        if !creating {
            return invalid(format!("Existing attribute already has name {}.", entry.name));
        }
        if existing.name == "sub" {
            return invalid("The attribute sub cannot be changed.".into());
        }
        if entry.data_type != existing.data_type || entry.developer_only {
            return invalid(format!(
                "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute {}",
                existing.name
            ));
        }
        let constraints = check_constraints(&entry, &existing.name)?;
        existing.required = entry.required;
        existing.mutable = entry.mutable;
        if let Some((min, max)) = constraints {
            existing.min_length = min.or(existing.min_length.take());
            existing.max_length = max.or(existing.max_length.take());
        }
        return Ok(());
    }
    if bare.is_empty() || bare.chars().count() > 20 {
        return invalid(format!("Custom attribute name {bare} must be 1 to 20 characters long."));
    }
    let full = if entry.developer_only { format!("dev:custom:{bare}") } else { format!("custom:{bare}") };
    if schema
        .iter()
        .any(|a| a.name == full || a.name == format!("custom:{bare}") || a.name == format!("dev:custom:{bare}"))
    {
        return invalid(format!("Existing attribute already has name {full}."));
    }
    if entry.required {
        return invalid("Required custom attributes are not supported currently.".into());
    }
    if schema.iter().filter(|a| a.name.contains("custom:")).count() >= MAX_CUSTOM_ATTRIBUTES {
        return Err(CoreError::LimitExceeded(format!(
            "A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )));
    }
    let bounds = check_constraints(&entry, &full)?;
    let (min_length, max_length, min_value, max_value) = match (entry.data_type, bounds) {
        (AttributeDataType::String, Some((min, max))) => (min, max, None, None),
        (AttributeDataType::Number, Some((min, max))) => (None, None, min, max),
        _ => (None, None, None, None),
    };
    schema.push(SchemaAttribute { name: full, min_length, max_length, min_value, max_value, ..entry });
    Ok(())
}

/// The largest string length a schema attribute may have.
const MAX_STRING_LENGTH: i64 = 2048;

/// Checks the constraints of an entry's own type (a string's length, a number's value) and
/// returns them as (min, max); the other type's constraints are dropped, as Cognito drops them.
/// Bounds must be numbers, string lengths at most 2048, and min no more than max.
#[allow(clippy::type_complexity)]
fn check_constraints(entry: &SchemaAttribute, name: &str) -> CoreResult<Option<(Option<String>, Option<String>)>> {
    let (min, max, what) = match entry.data_type {
        AttributeDataType::String => (&entry.min_length, &entry.max_length, "StringAttributeConstraints"),
        AttributeDataType::Number => (&entry.min_value, &entry.max_value, "NumberAttributeConstraints"),
        _ => return Ok(None),
    };
    if min.is_none() && max.is_none() {
        return Ok(None);
    }
    let parse = |b: &Option<String>| -> CoreResult<Option<i64>> {
        b.as_deref()
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    CoreError::InvalidParameter(format!("Invalid {what} for attribute {name}: {v} is not a number."))
                })
            })
            .transpose()
    };
    let (lo, hi) = (parse(min)?, parse(max)?);
    if entry.data_type == AttributeDataType::String
        && [lo, hi].into_iter().flatten().any(|v| !(0..=MAX_STRING_LENGTH).contains(&v))
    {
        return Err(CoreError::InvalidParameter(format!(
            "Invalid {what} for attribute {name}: lengths must be between 0 and {MAX_STRING_LENGTH}."
        )));
    }
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid {what} for attribute {name}: the minimum is greater than the maximum."
            )));
        }
    }
    Ok(Some((lo.map(|v| v.to_string()), hi.map(|v| v.to_string()))))
}

/// The value as stored: booleans in lower case (Cognito accepts `True`).
pub fn normalized(settings: &PoolSettings, name: &str, value: &str) -> String {
    match settings.attribute(name) {
        Some(a) if a.data_type == AttributeDataType::Boolean => value.to_ascii_lowercase(),
        _ => value.to_string(),
    }
}

/// A plausible email address: one `@`, something on each side, a dot in the domain.
pub fn is_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// E.164: `+` then 2 to 15 digits.
pub fn is_phone(v: &str) -> bool {
    v.strip_prefix('+').is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks that `name = value` may be written. `creating` allows immutable attributes.
pub fn check_write(settings: &PoolSettings, name: &str, value: &str, creating: bool) -> CoreResult<()> {
    let invalid = |m: String| Err(CoreError::InvalidParameter(m));
    let Some(attr) = settings.attribute(name) else {
        return invalid(format!("Attribute does not exist in the schema: {name}"));
    };
    if name == "sub" {
        return invalid("Cannot modify an immutable attribute: sub".into());
    }
    if !creating && !attr.mutable {
        return invalid(format!("Cannot modify an immutable attribute: {name}"));
    }
    let problem = match attr.data_type {
        AttributeDataType::Boolean if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") => {
            Some("must be true or false")
        }
        AttributeDataType::Number if value.parse::<f64>().is_err() => Some("must be a number"),
        _ => None,
    };
    if let Some(p) = problem {
        return invalid(format!("Attributes did not conform to the schema: {name}: {p}"));
    }
    let len = value.chars().count() as i64;
    let bound = |b: &Option<String>| b.as_deref().and_then(|s| s.parse::<i64>().ok());
    let string = attr.data_type == AttributeDataType::String;
    if string && (bound(&attr.min_length).is_some_and(|m| len < m) || bound(&attr.max_length).is_some_and(|m| len > m))
    {
        return invalid(format!("Attributes did not conform to the schema: {name}: length out of bounds"));
    }
    if attr.data_type == AttributeDataType::Number {
        let n = value.parse::<f64>().unwrap_or(0.0);
        if bound(&attr.min_value).is_some_and(|m| n < m as f64) || bound(&attr.max_value).is_some_and(|m| n > m as f64)
        {
            return invalid(format!("Attributes did not conform to the schema: {name}: value out of bounds"));
        }
    }
    if name == "email" && !is_email(value) {
        return invalid("Invalid email address format.".into());
    }
    if name == "phone_number" && !is_phone(value) {
        return invalid("Invalid phone number format.".into());
    }
    Ok(())
}

/// Checks that every required attribute has a value.
pub fn check_required(settings: &PoolSettings, attrs: &[(String, String)]) -> CoreResult<()> {
    for a in settings.schema.iter().filter(|a| a.required && a.name != "sub") {
        if !attrs.iter().any(|(n, v)| n == &a.name && !v.is_empty()) {
            return Err(CoreError::InvalidParameter(format!(
                "Attributes did not conform to the schema: {}: The attribute is required",
                a.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.d"));
        assert!(is_phone("+15555550100"));
        assert!(!is_phone("5555550100"));
    }

    #[test]
    fn custom_attributes() {
        let mut s = standard_schema();
        let custom = |name: &str| SchemaAttribute {
            name: name.into(),
            ..std_attr(name, AttributeDataType::String, true, false)
        };
        add_schema_entry(&mut s, custom("tier"), true).unwrap();
        assert!(s.iter().any(|a| a.name == "custom:tier"));
        assert!(add_schema_entry(&mut s, custom("tier"), false).is_err());
        assert!(add_schema_entry(&mut s, custom("this_name_is_far_too_long"), false).is_err());
        let mut req = custom("email");
        req.required = true;
        add_schema_entry(&mut s, req, true).unwrap();
        assert!(s.iter().find(|a| a.name == "email").unwrap().required);
    }
}
