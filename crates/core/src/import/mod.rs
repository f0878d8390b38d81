//! Importing users: the CSV header of a pool (GetCSVHeader), the import jobs (`jobs`) and the
//! rows of Cognito's CSV format (`rows`).

pub mod jobs;
mod portable;
mod rows;

pub use jobs::{ImportJob, ImportStatus, RowFailure};
pub use portable::ImportReport;

use crate::views::AdminView;
use crate::CoreResult;
use cognate_model::{UserPool, UserPoolId};

/// The standard attributes of Cognito's import CSV, in its order (`sub` is never imported).
const STANDARD: [&str; 19] = [
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
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

/// The import header of a pool: the standard attributes, the pool's custom ones, then
/// `cognito:mfa_enabled` and `cognito:username`, as Cognito lists them.
pub(crate) fn header_of(pool: &UserPool) -> Vec<String> {
    let mut header: Vec<String> = STANDARD.iter().map(|s| s.to_string()).collect();
    header.extend(pool.settings.schema.iter().filter(|a| a.name.starts_with("custom:")).map(|a| a.name.clone()));
    header.extend(["cognito:mfa_enabled".to_string(), "cognito:username".to_string()]);
    header
}

impl AdminView<'_> {
    /// GetCSVHeader. Errors: ResourceNotFound.
    pub async fn csv_header(&self, pool_id: &UserPoolId) -> CoreResult<Vec<String>> {
        Ok(header_of(&self.pool(pool_id).await?))
    }
}
