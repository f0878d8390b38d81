//! Federated identity providers: management and linking identities to users (SigV4). The
//! sign-in through them is the hosted UI's and comes with the federation work.

use super::{Empty, Out};
use crate::convert::secs;
use crate::shapes::*;
use cognate_core::federation::{ProviderInput, ProviderUser, UpdateInput};
use cognate_core::AdminView;
use cognate_model::{IdentityProvider, ProviderType, UserPoolId};

fn type_in(t: IdentityProviderTypeType) -> ProviderType {
    match t {
        IdentityProviderTypeType::Saml => ProviderType::Saml,
        IdentityProviderTypeType::Facebook => ProviderType::Facebook,
        IdentityProviderTypeType::Google => ProviderType::Google,
        IdentityProviderTypeType::LoginWithAmazon => ProviderType::LoginWithAmazon,
        IdentityProviderTypeType::SignInWithApple => ProviderType::SignInWithApple,
        IdentityProviderTypeType::Oidc => ProviderType::Oidc,
    }
}

fn type_out(t: ProviderType) -> IdentityProviderTypeType {
    match t {
        ProviderType::Saml => IdentityProviderTypeType::Saml,
        ProviderType::Facebook => IdentityProviderTypeType::Facebook,
        ProviderType::Google => IdentityProviderTypeType::Google,
        ProviderType::LoginWithAmazon => IdentityProviderTypeType::LoginWithAmazon,
        ProviderType::SignInWithApple => IdentityProviderTypeType::SignInWithApple,
        ProviderType::Oidc => IdentityProviderTypeType::Oidc,
    }
}

fn provider_type(p: IdentityProvider) -> IdentityProviderType {
    IdentityProviderType {
        acr_mapping: None,
        attribute_mapping: Some(p.attribute_mapping),
        creation_date: Some(secs(p.created_at)),
        idp_identifiers: Some(p.identifiers),
        last_modified_date: Some(secs(p.updated_at)),
        provider_details: Some(p.details),
        provider_name: Some(p.name),
        provider_type: Some(type_out(p.provider_type)),
        user_pool_id: Some(p.pool_id.to_string()),
    }
}

/// CreateIdentityProvider. Errors: DuplicateProvider, InvalidParameter, LimitExceeded,
/// ResourceNotFound.
pub async fn create(admin: AdminView<'_>, req: CreateIdentityProviderRequest) -> Out<CreateIdentityProviderResponse> {
    let input = ProviderInput {
        details: req.provider_details,
        attribute_mapping: req.attribute_mapping,
        identifiers: req.idp_identifiers,
    };
    let pool = UserPoolId::new(req.user_pool_id);
    let p = admin.create_provider(&pool, &req.provider_name, type_in(req.provider_type), input).await?;
    Ok(CreateIdentityProviderResponse { identity_provider: provider_type(p) })
}

/// DescribeIdentityProvider. Errors: ResourceNotFound.
pub async fn describe(
    admin: AdminView<'_>,
    req: DescribeIdentityProviderRequest,
) -> Out<DescribeIdentityProviderResponse> {
    let p = admin.describe_provider(&UserPoolId::new(req.user_pool_id), &req.provider_name).await?;
    Ok(DescribeIdentityProviderResponse { identity_provider: provider_type(p) })
}

/// GetIdentityProviderByIdentifier. Errors: ResourceNotFound.
pub async fn by_identifier(
    admin: AdminView<'_>,
    req: GetIdentityProviderByIdentifierRequest,
) -> Out<GetIdentityProviderByIdentifierResponse> {
    let p = admin.provider_by_identifier(&UserPoolId::new(req.user_pool_id), &req.idp_identifier).await?;
    Ok(GetIdentityProviderByIdentifierResponse { identity_provider: provider_type(p) })
}

/// GetSigningCertificate: the pool's SAML signing certificate (base64 DER). Errors:
/// ResourceNotFound.
pub async fn signing_certificate(
    admin: AdminView<'_>,
    req: GetSigningCertificateRequest,
) -> Out<GetSigningCertificateResponse> {
    let cert = admin.signing_certificate(&UserPoolId::new(req.user_pool_id)).await?;
    Ok(GetSigningCertificateResponse { certificate: Some(cert) })
}

/// ListIdentityProviders. Errors: ResourceNotFound, InvalidParameter (bad token).
pub async fn list(admin: AdminView<'_>, req: ListIdentityProvidersRequest) -> Out<ListIdentityProvidersResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    let (page, next) = admin.list_providers(&pool, req.max_results, req.next_token.as_deref()).await?;
    let providers = page
        .into_iter()
        .map(|p| ProviderDescription {
            creation_date: Some(secs(p.created_at)),
            last_modified_date: Some(secs(p.updated_at)),
            provider_name: Some(p.name),
            provider_type: Some(type_out(p.provider_type)),
        })
        .collect();
    Ok(ListIdentityProvidersResponse { next_token: next, providers })
}

/// UpdateIdentityProvider. Errors: DuplicateProvider (identifier), InvalidParameter,
/// ResourceNotFound.
pub async fn update(admin: AdminView<'_>, req: UpdateIdentityProviderRequest) -> Out<UpdateIdentityProviderResponse> {
    let given = |k: &str| req.provider_details.as_ref().is_some_and(|d| d.contains_key(k));
    let input = UpdateInput {
        metadata_file_given: given("MetadataFile"),
        metadata_url_given: given("MetadataURL"),
        details: req.provider_details,
        attribute_mapping: req.attribute_mapping,
        identifiers: req.idp_identifiers,
    };
    let p = admin.update_provider(&UserPoolId::new(req.user_pool_id), &req.provider_name, input).await?;
    Ok(UpdateIdentityProviderResponse { identity_provider: provider_type(p) })
}

/// DeleteIdentityProvider. Errors: ResourceNotFound, InvalidParameter (still used by a client).
pub async fn delete(admin: AdminView<'_>, req: DeleteIdentityProviderRequest) -> Out<Empty> {
    admin.delete_provider(&UserPoolId::new(req.user_pool_id), &req.provider_name).await?;
    Ok(Empty {})
}

fn provider_user(u: ProviderUserIdentifierType) -> ProviderUser {
    ProviderUser {
        provider_name: u.provider_name,
        attribute_name: u.provider_attribute_name,
        attribute_value: u.provider_attribute_value,
    }
}

/// AdminLinkProviderForUser. Errors: ResourceNotFound, InvalidParameter, UserNotFound,
/// AliasExists, LimitExceeded.
pub async fn link(admin: AdminView<'_>, req: AdminLinkProviderForUserRequest) -> Out<AdminLinkProviderForUserResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    admin.link_provider_for_user(&pool, &provider_user(req.destination_user), &provider_user(req.source_user)).await?;
    Ok(AdminLinkProviderForUserResponse {})
}

/// AdminDisableProviderForUser. Errors: ResourceNotFound, InvalidParameter, UserNotFound.
pub async fn disable_for_user(
    admin: AdminView<'_>,
    req: AdminDisableProviderForUserRequest,
) -> Out<AdminDisableProviderForUserResponse> {
    admin.disable_provider_for_user(&UserPoolId::new(req.user_pool_id), &provider_user(req.user)).await?;
    Ok(AdminDisableProviderForUserResponse {})
}
