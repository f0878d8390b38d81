//! The hosted UI's admin operations: user-pool domains, the classic UI customization and
//! managed-login branding. All require SigV4.

use super::{Empty, Out};
use crate::convert::secs;
use crate::shapes::*;
use cognate_core::hosted::DomainInput;
use cognate_core::AdminView;
use cognate_model::{ClientId, ManagedLoginBranding, PoolDomain, UiCustomization, UserPoolId};

fn domain_description(admin: &AdminView<'_>, d: &PoolDomain) -> DomainDescriptionType {
    DomainDescriptionType {
        aws_account_id: Some(admin.config().account_id.clone()),
        // Cognate serves the pages itself: no CDN in front, the public URL is the distribution.
        cloud_front_distribution: Some(admin.config().public_url.clone()),
        custom_domain_config: d
            .certificate_arn
            .as_ref()
            .map(|arn| CustomDomainConfigType { certificate_arn: arn.clone(), security_policy: None }),
        domain: Some(d.domain.clone()),
        managed_login_version: Some(d.managed_login_version),
        routing: None,
        s3_bucket: None,
        status: Some(DomainStatusType::Active),
        user_pool_id: Some(d.pool_id.to_string()),
        version: Some(d.created_at.to_string()),
    }
}

/// CreateUserPoolDomain. Errors: InvalidParameter (malformed, taken, one of its kind already),
/// ResourceNotFound.
pub async fn create_domain(
    admin: AdminView<'_>,
    req: CreateUserPoolDomainRequest,
) -> Out<CreateUserPoolDomainResponse> {
    let input = DomainInput {
        domain: req.domain,
        certificate_arn: req.custom_domain_config.map(|c| c.certificate_arn),
        managed_login_version: req.managed_login_version,
    };
    let d = admin.create_domain(&UserPoolId::new(req.user_pool_id), input).await?;
    Ok(CreateUserPoolDomainResponse {
        cloud_front_domain: d.custom.then(|| admin.config().public_url.clone()),
        managed_login_version: Some(d.managed_login_version),
        routing: None,
    })
}

/// DescribeUserPoolDomain: an unknown domain answers an empty description, as Cognito does.
pub async fn describe_domain(
    admin: AdminView<'_>,
    req: DescribeUserPoolDomainRequest,
) -> Out<DescribeUserPoolDomainResponse> {
    let found = admin.describe_domain(&req.domain).await?;
    Ok(DescribeUserPoolDomainResponse {
        domain_description: Some(found.map(|d| domain_description(&admin, &d)).unwrap_or_default()),
    })
}

/// UpdateUserPoolDomain. Errors: InvalidParameter, ResourceNotFound.
pub async fn update_domain(
    admin: AdminView<'_>,
    req: UpdateUserPoolDomainRequest,
) -> Out<UpdateUserPoolDomainResponse> {
    let arn = req.custom_domain_config.map(|c| c.certificate_arn);
    let d =
        admin.update_domain(&UserPoolId::new(req.user_pool_id), &req.domain, arn, req.managed_login_version).await?;
    Ok(UpdateUserPoolDomainResponse {
        cloud_front_domain: d.custom.then(|| admin.config().public_url.clone()),
        managed_login_version: Some(d.managed_login_version),
        routing: None,
    })
}

/// DeleteUserPoolDomain. Errors: ResourceNotFound.
pub async fn delete_domain(
    admin: AdminView<'_>,
    req: DeleteUserPoolDomainRequest,
) -> Out<DeleteUserPoolDomainResponse> {
    admin.delete_domain(&UserPoolId::new(req.user_pool_id), &req.domain).await?;
    Ok(DeleteUserPoolDomainResponse {})
}

fn ui_type(
    admin: &AdminView<'_>,
    pool: &UserPoolId,
    client: Option<&ClientId>,
    c: Option<&UiCustomization>,
) -> UICustomizationType {
    let Some(c) = c else {
        return UICustomizationType {
            user_pool_id: Some(pool.to_string()),
            client_id: Some(client.map(|c| c.to_string()).unwrap_or_else(|| "ALL".into())),
            ..Default::default()
        };
    };
    let owner = c.client_id.as_ref().map(|c| c.to_string()).unwrap_or_else(|| "ALL".into());
    UICustomizationType {
        css: c.css.clone(),
        css_version: Some(c.updated_at.to_string()),
        client_id: Some(owner.clone()),
        creation_date: Some(secs(c.created_at)),
        image_url: c
            .image
            .as_ref()
            .map(|_| format!("{}/logo/{pool}/{owner}?v={}", admin.config().public_url, c.updated_at)),
        last_modified_date: Some(secs(c.updated_at)),
        user_pool_id: Some(pool.to_string()),
    }
}

/// `ClientId` of the UI customization operations: a client, or `ALL` (or nothing) for the pool.
fn ui_client(id: Option<String>) -> Option<ClientId> {
    id.filter(|c| c != "ALL" && !c.is_empty()).map(ClientId::new)
}

/// SetUICustomization. Errors: InvalidParameter (no domain, bad CSS or image), ResourceNotFound.
pub async fn set_ui(admin: AdminView<'_>, req: SetUICustomizationRequest) -> Out<SetUICustomizationResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    let client = ui_client(req.client_id);
    let c = admin.set_ui_customization(&pool, client.clone(), req.css, req.image_file).await?;
    Ok(SetUICustomizationResponse { ui_customization: ui_type(&admin, &pool, client.as_ref(), Some(&c)) })
}

/// GetUICustomization: the client's, else the pool's. Errors: ResourceNotFound.
pub async fn get_ui(admin: AdminView<'_>, req: GetUICustomizationRequest) -> Out<GetUICustomizationResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    let client = ui_client(req.client_id);
    let c = admin.get_ui_customization(&pool, client.as_ref()).await?;
    Ok(GetUICustomizationResponse { ui_customization: ui_type(&admin, &pool, client.as_ref(), c.as_ref()) })
}

fn branding_type(b: &ManagedLoginBranding) -> ManagedLoginBrandingType {
    ManagedLoginBrandingType {
        assets: serde_json::from_value(b.assets.clone()).ok(),
        creation_date: Some(secs(b.created_at)),
        last_modified_date: Some(secs(b.updated_at)),
        managed_login_branding_id: Some(b.id.clone()),
        settings: (!b.settings.is_null()).then(|| b.settings.clone()),
        use_cognito_provided_values: Some(b.use_cognito_provided_values),
        user_pool_id: Some(b.pool_id.to_string()),
    }
}

fn assets_value(assets: Option<Vec<AssetType>>) -> Option<serde_json::Value> {
    assets.map(|a| serde_json::to_value(a).unwrap_or_default())
}

/// CreateManagedLoginBranding. Errors: ManagedLoginBrandingExists, InvalidParameter,
/// ResourceNotFound.
pub async fn create_branding(
    admin: AdminView<'_>,
    req: CreateManagedLoginBrandingRequest,
) -> Out<CreateManagedLoginBrandingResponse> {
    let b = admin
        .create_branding(
            &UserPoolId::new(req.user_pool_id),
            &ClientId::new(req.client_id),
            req.use_cognito_provided_values.unwrap_or(false),
            req.settings.unwrap_or(serde_json::Value::Null),
            assets_value(req.assets).unwrap_or(serde_json::Value::Array(vec![])),
        )
        .await?;
    Ok(CreateManagedLoginBrandingResponse { managed_login_branding: Some(branding_type(&b)) })
}

/// DescribeManagedLoginBranding. Errors: ResourceNotFound.
pub async fn describe_branding(
    admin: AdminView<'_>,
    req: DescribeManagedLoginBrandingRequest,
) -> Out<DescribeManagedLoginBrandingResponse> {
    let b = admin.describe_branding(&UserPoolId::new(req.user_pool_id), &req.managed_login_branding_id).await?;
    Ok(DescribeManagedLoginBrandingResponse { managed_login_branding: Some(branding_type(&b)) })
}

/// DescribeManagedLoginBrandingByClient. Errors: ResourceNotFound.
pub async fn branding_by_client(
    admin: AdminView<'_>,
    req: DescribeManagedLoginBrandingByClientRequest,
) -> Out<DescribeManagedLoginBrandingByClientResponse> {
    let b = admin.branding_of_client(&UserPoolId::new(req.user_pool_id), &ClientId::new(req.client_id)).await?;
    Ok(DescribeManagedLoginBrandingByClientResponse { managed_login_branding: Some(branding_type(&b)) })
}

/// UpdateManagedLoginBranding. Errors: InvalidParameter, ResourceNotFound.
pub async fn update_branding(
    admin: AdminView<'_>,
    req: UpdateManagedLoginBrandingRequest,
) -> Out<UpdateManagedLoginBrandingResponse> {
    let missing = |m: &str| {
        crate::ApiError::Core(cognate_core::CoreError::InvalidParameter(format!("Missing required parameter {m}")))
    };
    let pool = UserPoolId::new(req.user_pool_id.ok_or_else(|| missing("UserPoolId"))?);
    let id = req.managed_login_branding_id.ok_or_else(|| missing("ManagedLoginBrandingId"))?;
    let b = admin
        .update_branding(&pool, &id, req.use_cognito_provided_values, req.settings, assets_value(req.assets))
        .await?;
    Ok(UpdateManagedLoginBrandingResponse { managed_login_branding: Some(branding_type(&b)) })
}

/// DeleteManagedLoginBranding. Errors: ResourceNotFound.
pub async fn delete_branding(admin: AdminView<'_>, req: DeleteManagedLoginBrandingRequest) -> Out<Empty> {
    admin.delete_branding(&UserPoolId::new(req.user_pool_id), &req.managed_login_branding_id).await?;
    Ok(Empty {})
}
