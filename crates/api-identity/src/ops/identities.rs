//! Identities: GetId, GetCredentialsForIdentity, GetOpenIdToken, UnlinkIdentity (public: they
//! authorize by the logins they carry), DescribeIdentity, ListIdentities, DeleteIdentities
//! (SigV4 admin).

use super::{secs, Empty, Out};
use crate::shapes::*;
use cognate_core::{AdminView, IdentityView};

/// GetId. Errors: NotAuthorized, ResourceNotFound, ResourceConflict, ExternalService.
pub async fn get_id(view: IdentityView<'_>, req: GetIdInput) -> Out<GetIdResponse> {
    let id = view.get_id(&req.identity_pool_id, &req.logins.unwrap_or_default()).await?;
    Ok(GetIdResponse { identity_id: Some(id) })
}

/// GetCredentialsForIdentity. Errors: NotAuthorized, InvalidIdentityPoolConfiguration,
/// ResourceNotFound, ResourceConflict, ExternalService.
pub async fn credentials(
    view: IdentityView<'_>,
    req: GetCredentialsForIdentityInput,
) -> Out<GetCredentialsForIdentityResponse> {
    let logins = req.logins.unwrap_or_default();
    let c = view.credentials_for_identity(&req.identity_id, &logins, req.custom_role_arn.as_deref()).await?;
    Ok(GetCredentialsForIdentityResponse {
        identity_id: Some(c.identity_id),
        credentials: Some(Credentials {
            access_key_id: Some(c.credentials.access_key_id),
            secret_key: Some(c.credentials.secret_key),
            session_token: Some(c.credentials.session_token),
            expiration: Some(secs(c.credentials.expiration)),
        }),
    })
}

/// GetOpenIdToken. Errors: as GetCredentialsForIdentity; InvalidParameter without the classic
/// flow.
pub async fn open_id_token(view: IdentityView<'_>, req: GetOpenIdTokenInput) -> Out<GetOpenIdTokenResponse> {
    let token = view.open_id_token_for(&req.identity_id, &req.logins.unwrap_or_default()).await?;
    Ok(GetOpenIdTokenResponse { identity_id: Some(req.identity_id), token: Some(token) })
}

/// UnlinkIdentity. Errors: NotAuthorized, ResourceNotFound.
pub async fn unlink(view: IdentityView<'_>, req: UnlinkIdentityInput) -> Out<Empty> {
    view.unlink_identity(&req.identity_id, &req.logins, &req.logins_to_remove).await?;
    Ok(Empty {})
}

fn describe_out(i: cognate_model::Identity) -> IdentityDescription {
    IdentityDescription {
        identity_id: Some(i.id),
        logins: Some(i.logins.into_keys().collect()),
        creation_date: Some(secs(i.created_at)),
        last_modified_date: Some(secs(i.updated_at)),
    }
}

/// DescribeIdentity. Errors: ResourceNotFound.
pub async fn describe(admin: AdminView<'_>, req: DescribeIdentityInput) -> Out<IdentityDescription> {
    Ok(describe_out(admin.describe_identity(&req.identity_id).await?))
}

/// ListIdentities. Errors: ResourceNotFound.
pub async fn list(admin: AdminView<'_>, req: ListIdentitiesInput) -> Out<ListIdentitiesResponse> {
    let (page, next) = admin.list_identities(&req.identity_pool_id, req.max_results, req.next_token.as_deref()).await?;
    Ok(ListIdentitiesResponse {
        identity_pool_id: Some(req.identity_pool_id),
        identities: Some(page.into_iter().map(describe_out).collect()),
        next_token: next,
    })
}

/// DeleteIdentities.
pub async fn delete(admin: AdminView<'_>, req: DeleteIdentitiesInput) -> Out<DeleteIdentitiesResponse> {
    let failed = admin.delete_identities(&req.identity_ids_to_delete).await?;
    let unprocessed = failed
        .into_iter()
        .map(|(id, _)| UnprocessedIdentityId {
            identity_id: Some(id),
            error_code: Some(ErrorCode::InternalServerError),
        })
        .collect();
    Ok(DeleteIdentitiesResponse { unprocessed_identity_ids: Some(unprocessed) })
}
