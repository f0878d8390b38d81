//! Cognito's user-import CSV: the header checked against the pool's, each row turned into a
//! user in `RESET_REQUIRED` (no password: imported users set one with ForgotPassword) or a
//! reason it is refused, as Cognito's import rules state them.

use crate::attributes::{check_required, check_write, normalized};
use crate::users::{identity, sign_in_keys, username_key};
use cognate_model::{User, UserPool, UserStatus};

/// Users on their way to the store's bulk insert, with the line each came from.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) lines: Vec<u64>,
    pub(crate) users: Vec<(User, Vec<String>)>,
}

impl Batch {
    pub(crate) fn push(&mut self, line: u64, user: User, keys: Vec<String>) {
        self.lines.push(line);
        self.users.push((user, keys));
    }

    pub(crate) fn len(&self) -> usize {
        self.users.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.lines.clear();
        self.users.clear();
    }
}

/// The rows of a file, for a progress display: its lines but the header (a quoted value
/// spanning lines makes it an over-estimate).
pub(crate) fn rows_in(data: &[u8]) -> u64 {
    let lines =
        data.iter().filter(|b| **b == b'\n').count() as u64 + u64::from(!data.ends_with(b"\n") && !data.is_empty());
    lines.saturating_sub(1)
}

/// Where each column of an import file is.
#[derive(Debug)]
pub(crate) struct Columns {
    width: usize,
    pub(crate) username: usize,
    mfa: usize,
    attributes: Vec<(usize, String)>,
}

/// Reads the file's header against the pool's (`GetCSVHeader`): every column of the pool's
/// header must be there, once, in any order, and nothing else.
pub(crate) fn columns(expected: &[String], got: &csv::StringRecord) -> Result<Columns, String> {
    let mut seen = std::collections::HashSet::new();
    let mut attributes = vec![];
    let (mut username, mut mfa) = (None, None);
    for (i, raw) in got.iter().enumerate() {
        let name = raw.trim_start_matches('\u{feff}').trim();
        if !expected.iter().any(|e| e == name) {
            return Err(format!("The header names a column the user pool does not have: {name}."));
        }
        if !seen.insert(name.to_string()) {
            return Err(format!("The header names the column {name} twice."));
        }
        match name {
            "cognito:username" => username = Some(i),
            "cognito:mfa_enabled" => mfa = Some(i),
            _ => attributes.push((i, name.to_string())),
        }
    }
    if let Some(missing) = expected.iter().find(|e| !seen.contains(e.as_str())) {
        return Err(format!("The header lacks the column {missing}; every column of GetCSVHeader must be present."));
    }
    Ok(Columns {
        width: got.len(),
        username: username.expect("checked above"),
        mfa: mfa.expect("checked above"),
        attributes,
    })
}

fn flag(value: &str, column: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{column} must be true or false.")),
    }
}

/// One row as a new user (and its sign-in keys), or why it is refused.
pub(crate) fn user_of_row(
    pool: &UserPool,
    cols: &Columns,
    row: &csv::StringRecord,
    now: i64,
) -> Result<(User, Vec<String>), String> {
    let s = &pool.settings;
    if row.len() != cols.width {
        return Err(format!("The row has {} fields; the header has {}.", row.len(), cols.width));
    }
    let requested = row.get(cols.username).unwrap_or("").trim();
    if requested.is_empty() {
        return Err("cognito:username is required.".into());
    }
    let mfa = flag(row.get(cols.mfa).unwrap_or("").trim(), "cognito:mfa_enabled")?;
    let mut attrs: Vec<(String, String)> = vec![];
    for (i, name) in &cols.attributes {
        let value = row.get(*i).unwrap_or("");
        if value.is_empty() {
            continue;
        }
        check_write(s, name, value, true).map_err(|e| e.to_string())?;
        attrs.push((name.clone(), normalized(s, name, value)));
    }
    let get = |a: &[(String, String)], n: &str| a.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    for attr in ["email", "phone_number"] {
        if get(&attrs, &format!("{attr}_verified")).as_deref() == Some("true") && get(&attrs, attr).is_none() {
            return Err(format!("{attr}_verified is true but {attr} is empty."));
        }
    }
    let verified =
        s.auto_verified_attributes.iter().any(|a| get(&attrs, &format!("{a}_verified")).as_deref() == Some("true"));
    if !verified {
        let names: Vec<String> = s.auto_verified_attributes.iter().map(|a| format!("{a}_verified")).collect();
        return Err(format!("At least one auto-verified attribute must be true: {}.", names.join(" or ")));
    }
    if mfa && get(&attrs, "phone_number").is_none() {
        return Err("cognito:mfa_enabled is true but phone_number is empty.".into());
    }
    let (username, sub) = identity(s, requested, &mut attrs).map_err(|e| e.to_string())?;
    check_required(s, &attrs).map_err(|e| e.to_string())?;
    let key = username_key(s, &username);
    let mut user = User::new(pool.id.clone(), username, key, sub, UserStatus::ResetRequired, attrs, now);
    user.mfa.sms_enabled = mfa;
    let keys = sign_in_keys(s, &user);
    Ok((user, keys))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_model::{PoolSettings, UserPoolId};

    fn pool() -> UserPool {
        let settings = PoolSettings {
            schema: crate::attributes::standard_schema(),
            auto_verified_attributes: vec!["email".into()],
            alias_attributes: vec!["email".into()],
            ..Default::default()
        };
        UserPool { id: UserPoolId::new("us-east-1_abc"), name: "p".into(), created_at: 1, updated_at: 1, settings }
    }

    fn read(csv_text: &str) -> (Columns, Vec<csv::StringRecord>) {
        let header: Vec<String> =
            ["email", "email_verified", "phone_number", "name", "cognito:mfa_enabled", "cognito:username"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(csv_text.as_bytes());
        let cols = columns(&header, r.headers().unwrap()).unwrap();
        (cols, r.records().map(|x| x.unwrap()).collect())
    }

    #[test]
    fn header_rules() {
        let expected: Vec<String> = vec!["email".into(), "cognito:mfa_enabled".into(), "cognito:username".into()];
        let rec = |s: &[&str]| csv::StringRecord::from(s.to_vec());
        assert!(columns(&expected, &rec(&["cognito:username", "email", "cognito:mfa_enabled"])).is_ok());
        assert!(columns(&expected, &rec(&["\u{feff}email", "cognito:mfa_enabled", "cognito:username"])).is_ok());
        assert!(columns(&expected, &rec(&["email", "cognito:username"]))
            .unwrap_err()
            .contains("lacks the column cognito:mfa_enabled"));
        assert!(columns(&expected, &rec(&["email", "x", "cognito:mfa_enabled", "cognito:username"]))
            .unwrap_err()
            .contains(": x."));
        assert!(columns(&expected, &rec(&["email", "email", "cognito:mfa_enabled", "cognito:username"]))
            .unwrap_err()
            .contains("twice"));
    }

    #[test]
    fn rows() {
        let (cols, rows) = read(
            "email,email_verified,phone_number,name,cognito:mfa_enabled,cognito:username\n\
             ann@x.io,true,,\"Ann, A\",false,ann\n\
             bob@x.io,false,,,false,bob\n\
             ,true,,,false,cy\n\
             dee@x.io,TRUE,,,maybe,dee\n\
             eve@x.io,true,,,true,eve\n\
             fay@x.io,true,+15555550100,,TRUE,fay\n\
             bad,true,,,false,gil\n\
             ann@x.io,true,,,false\n\
             ann@x.io,true,,,false,\n",
        );
        let p = pool();
        let r: Vec<_> = rows.iter().map(|row| user_of_row(&p, &cols, row, 7)).collect();
        let (ann, keys) = r[0].clone().unwrap();
        assert_eq!(
            (ann.username.as_str(), ann.status, ann.attribute("name")),
            ("ann", UserStatus::ResetRequired, Some("Ann, A"))
        );
        assert_eq!(keys, ["email:ann@x.io"]);
        assert!(ann.password_hash.is_none() && !ann.mfa.sms_enabled);
        assert!(r[1].as_ref().unwrap_err().contains("email_verified"));
        assert!(r[2].as_ref().unwrap_err().contains("email is empty"));
        assert!(r[3].as_ref().unwrap_err().contains("cognito:mfa_enabled must be true or false"));
        assert!(r[4].as_ref().unwrap_err().contains("phone_number is empty"));
        assert!(r[5].as_ref().unwrap().0.mfa.sms_enabled);
        assert!(r[6].as_ref().unwrap_err().contains("email"));
        assert!(r[7].as_ref().unwrap_err().contains("5 fields"));
        assert!(r[8].as_ref().unwrap_err().contains("cognito:username is required"));
    }
}
