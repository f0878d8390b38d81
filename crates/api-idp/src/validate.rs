//! cognito-idp's vendored model (`model/cognito-idp.json`) for the shared validator
//! (`cognate_api::validate`), and the validator's tests on it.

#[cfg(test)]
use cognate_api::validate::java_to_rust;
pub use cognate_api::validate::{Invalid, Validator};
#[cfg(test)]
use regex::Regex;
#[cfg(test)]
use serde_json::{Map, Value};

/// The model.
pub const MODEL: &str = include_str!("../model/cognito-idp.json");

/// The compiled model.
pub fn validator() -> Validator {
    Validator::new(MODEL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(shape: &str, v: Value) -> Result<(), Invalid> {
        let mut m = v.as_object().unwrap().clone();
        Validator::new(MODEL).validate(shape, &mut m)
    }

    #[test]
    fn every_pattern_compiles_but_the_lookbehind() {
        let model: Value = serde_json::from_str(MODEL).unwrap();
        let failing: Vec<String> = model["shapes"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|s| s.get("pattern").and_then(Value::as_str))
            .filter(|p| Regex::new(&format!("^(?:{})$", java_to_rust(p))).is_err())
            .map(String::from)
            .collect();
        assert!(failing.iter().all(|p| p.contains("(?<!")), "{failing:?}");
    }

    #[test]
    fn constraints() {
        assert_eq!(check("ListUsersRequest", json!({"UserPoolId": "us-east-1_AbCdEfGhI"})), Ok(()));
        let Err(Invalid::Constraints(m)) = check("ListUsersRequest", json!({})) else { panic!() };
        assert_eq!(m, "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null");
        let Err(Invalid::Constraints(m)) = check("ListUsersRequest", json!({"UserPoolId": "bad id", "Limit": 61}))
        else {
            panic!()
        };
        assert!(m.starts_with("2 validation errors detected: "), "{m}");
        assert!(m.contains("regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"), "{m}");
        assert!(m.contains("less than or equal to 60"), "{m}");
        // \w is ASCII-only, as in Java.
        assert!(check("ListUsersRequest", json!({"UserPoolId": "us-east-1_Ab\u{e9}"})).is_err());
        let Err(Invalid::Constraints(m)) = check(
            "AdminSetUserPasswordRequest",
            json!({"UserPoolId": "us-east-1_A", "Username": "u", "Password": "a b"}),
        ) else {
            panic!()
        };
        assert!(m.contains("Value at 'password'"), "sensitive values are not echoed: {m}");
        let Err(Invalid::Constraints(m)) = check(
            "AdminCreateUserRequest",
            json!({"UserPoolId": "us-east-1_A", "Username": "u", "MessageAction": "SHOUT"}),
        ) else {
            panic!()
        };
        assert!(m.contains("enum value set: [RESEND, SUPPRESS]"), "{m}");
        assert_eq!(check("ListUsersRequest", json!({"UserPoolId": "us-east-1_A", "Filter": null})), Ok(()));
    }

    #[test]
    fn answers_stay_small_whatever_the_input() {
        let names: Vec<Value> = (0..100_000).map(|_| json!("")).collect();
        let Err(Invalid::Constraints(m)) =
            check("DeleteUserAttributesRequest", json!({"AccessToken": "t", "UserAttributeNames": names}))
        else {
            panic!()
        };
        // Each empty name breaks two constraints (length and pattern).
        assert!(m.starts_with("200000 validation errors detected: "), "{}", &m[..80]);
        assert!(m.ends_with("; and 199995 more"), "{m}");
        assert!(m.len() < 1500, "{} bytes", m.len());
        // A list over its length is reported once; its items are not looked at.
        let scopes: Vec<Value> = (0..101).map(|_| json!({})).collect();
        let Err(Invalid::Constraints(m)) = check(
            "CreateResourceServerRequest",
            json!({"UserPoolId": "us-east-1_A", "Identifier": "i", "Name": "n", "Scopes": scopes}),
        ) else {
            panic!()
        };
        assert!(m.starts_with("1 validation error detected: Value at 'scopes'"), "{m}");
    }

    #[test]
    fn integers_are_32_bits_unless_long() {
        let Err(Invalid::Constraints(m)) = check(
            "UpdateGroupRequest",
            json!({"UserPoolId": "us-east-1_A", "GroupName": "g", "Precedence": 2147483648i64}),
        ) else {
            panic!()
        };
        assert!(m.contains("less than or equal to 2147483647"), "{m}");
        let ok = json!({"UserPoolId": "us-east-1_A", "GroupName": "g", "Precedence": 2147483647});
        assert_eq!(check("UpdateGroupRequest", ok), Ok(()));
    }

    #[test]
    fn types() {
        assert!(matches!(check("ListUsersRequest", json!({"UserPoolId": 5})), Err(Invalid::Type(_))));
        assert!(matches!(
            check("ListUsersRequest", json!({"UserPoolId": "us-east-1_A", "Limit": "5"})),
            Err(Invalid::Type(_))
        ));
        assert!(matches!(
            check("ListUsersRequest", json!({"UserPoolId": "us-east-1_A", "Limit": 1.5})),
            Err(Invalid::Type(_))
        ));
        assert!(matches!(
            check(
                "AdminCreateUserRequest",
                json!({"UserPoolId": "us-east-1_A", "Username": "u", "UserAttributes": {"a": 1}})
            ),
            Err(Invalid::Type(_))
        ));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Member names that occur in many inputs, so random objects reach deep into shapes.
    const NAMES: [&str; 16] = [
        "UserPoolId",
        "Username",
        "ClientId",
        "UserAttributes",
        "Name",
        "Value",
        "Limit",
        "Filter",
        "AttributesToGet",
        "GroupName",
        "Precedence",
        "Schema",
        "UserPoolTags",
        "AuthParameters",
        "Policies",
        "PasswordPolicy",
    ];

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
            ".{0,40}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }

    fn input_shapes() -> Vec<String> {
        // (The strategy is built once per test.)
        let model: Value = serde_json::from_str(MODEL).unwrap();
        model["operations"]
            .as_object()
            .unwrap()
            .values()
            .filter_map(|o| o["input"]["shape"].as_str().map(String::from))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any JSON against any operation's input: accepted, or refused with a short message.
        #[test]
        fn any_input_validates_or_is_refused_briefly(
            shape in prop::sample::select(input_shapes()),
            fields in prop::collection::btree_map(prop::sample::select(NAMES.to_vec()), json(), 0..10),
        ) {
            static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
            let mut input: Map<String, Value> = fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            match VALIDATOR.get_or_init(|| Validator::new(MODEL)).validate(&shape, &mut input) {
                Ok(()) => {}
                Err(Invalid::Constraints(m)) | Err(Invalid::Type(m)) => prop_assert!(m.len() < 2048, "{} bytes", m.len()),
            }
        }
    }
}
