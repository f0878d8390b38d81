//! Developer-authenticated identities (SigV4 admin: the app's back end).

use super::{Empty, Out};
use crate::shapes::*;
use cognate_core::AdminView;

/// GetOpenIdTokenForDeveloperIdentity. Errors: InvalidParameter, ResourceNotFound,
/// DeveloperUserAlreadyRegistered, ResourceConflict, NotAuthorized.
pub async fn open_id_token(
    admin: AdminView<'_>,
    req: GetOpenIdTokenForDeveloperIdentityInput,
) -> Out<GetOpenIdTokenForDeveloperIdentityResponse> {
    let (id, token) = admin
        .open_id_token_for_developer_identity(
            &req.identity_pool_id,
            req.identity_id.as_deref(),
            &req.logins,
            req.principal_tags.as_ref(),
            req.token_duration,
        )
        .await?;
    Ok(GetOpenIdTokenForDeveloperIdentityResponse { identity_id: Some(id), token: Some(token) })
}

/// LookupDeveloperIdentity. Errors: InvalidParameter, ResourceNotFound.
pub async fn lookup(admin: AdminView<'_>, req: LookupDeveloperIdentityInput) -> Out<LookupDeveloperIdentityResponse> {
    let (id, users) = admin
        .lookup_developer_identity(
            &req.identity_pool_id,
            req.identity_id.as_deref(),
            req.developer_user_identifier.as_deref(),
        )
        .await?;
    Ok(LookupDeveloperIdentityResponse {
        identity_id: Some(id),
        developer_user_identifier_list: Some(users),
        next_token: None,
    })
}

/// MergeDeveloperIdentities. Errors: InvalidParameter, ResourceNotFound, ResourceConflict.
pub async fn merge(admin: AdminView<'_>, req: MergeDeveloperIdentitiesInput) -> Out<MergeDeveloperIdentitiesResponse> {
    let id = admin
        .merge_developer_identities(
            &req.identity_pool_id,
            &req.developer_provider_name,
            &req.source_user_identifier,
            &req.destination_user_identifier,
        )
        .await?;
    Ok(MergeDeveloperIdentitiesResponse { identity_id: Some(id) })
}

/// UnlinkDeveloperIdentity. Errors: InvalidParameter, ResourceNotFound.
pub async fn unlink(admin: AdminView<'_>, req: UnlinkDeveloperIdentityInput) -> Out<Empty> {
    admin
        .unlink_developer_identity(
            &req.identity_pool_id,
            &req.identity_id,
            &req.developer_provider_name,
            &req.developer_user_identifier,
        )
        .await?;
    Ok(Empty {})
}
