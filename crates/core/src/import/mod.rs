//! Importing users: the CSV header of a pool (GetCSVHeader). The import jobs come later.

use crate::views::AdminView;
use crate::CoreResult;
use cognate_model::UserPoolId;

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

impl AdminView<'_> {
    /// GetCSVHeader: the standard attributes, the pool's custom ones, then
    /// `cognito:mfa_enabled` and `cognito:username`, as Cognito lists them. Errors:
    /// ResourceNotFound.
    pub async fn csv_header(&self, pool_id: &UserPoolId) -> CoreResult<Vec<String>> {
        let pool = self.pool(pool_id).await?;
        let mut header: Vec<String> = STANDARD.iter().map(|s| s.to_string()).collect();
        header.extend(pool.settings.schema.iter().filter(|a| a.name.starts_with("custom:")).map(|a| a.name.clone()));
        header.extend(["cognito:mfa_enabled".to_string(), "cognito:username".to_string()]);
        Ok(header)
    }
}
