//! The one exhaustive `match` over every cognito-idp operation. An operation not built yet
//! answers `UnsupportedOperationException` naming it (README's coverage table lists them).

use crate::ops::{
    self, auth, clients, devices, domains, groups, import_jobs, me, mfa, pools, providers, recovery, resource_servers,
    security, sessions, signup, users,
};
use crate::{ApiError, Authorized, Operation};
use cognate_core::{AdminCtx, Cognate, RequestContext, TriggerInput, UserCtx};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

fn admin(auth: &Authorized) -> Result<&AdminCtx, ApiError> {
    match auth {
        Authorized::Admin(ctx) => Ok(ctx),
        _ => Err(ApiError::MissingAuthority),
    }
}

fn user(auth: &Authorized) -> Result<&UserCtx, ApiError> {
    match auth {
        Authorized::User(ctx) => Ok(ctx),
        _ => Err(ApiError::MissingAuthority),
    }
}

/// What the request passes to Lambda triggers: `ClientMetadata` (a string map) and
/// `ValidationData` (a list of `{Name, Value}`), as given (the model already checked them).
fn trigger_input(map: &Map<String, Value>) -> Option<TriggerInput> {
    let metadata = map.get("ClientMetadata").and_then(Value::as_object);
    let validation = map.get("ValidationData").and_then(Value::as_array);
    if metadata.is_none() && validation.is_none() {
        return None;
    }
    let mut input = TriggerInput::default();
    for (k, v) in metadata.into_iter().flatten() {
        if let Some(v) = v.as_str() {
            input.client_metadata.insert(k.clone(), v.to_string());
        }
    }
    for a in validation.into_iter().flatten() {
        if let (Some(n), Some(v)) = (a["Name"].as_str(), a["Value"].as_str()) {
            input.validation_data.insert(n.to_string(), v.to_string());
        }
    }
    Some(input)
}

fn input<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, ApiError> {
    cognate_api::json_target::input(map).map_err(ops::ser)
}

/// The typed output serialized straight to the response body (no `serde_json::Value` between).
fn output<T: Serialize>(out: T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(&out).map_err(|e| ApiError::Core(cognate_core::CoreError::Internal(e.to_string())))
}

/// An admin handler: gets the admin view, which only an admin context opens.
macro_rules! admin_op {
    ($svc:expr, $auth:expr, $rc:expr, $map:expr, $handler:path) => {{
        let ctx = admin($auth)?;
        output($handler($svc.admin(ctx, $rc), input($map)?).await?)
    }};
}

/// A user handler: gets the user view of the checked access token.
macro_rules! user_op {
    ($svc:expr, $auth:expr, $rc:expr, $map:expr, $handler:path) => {{
        let ctx = user($auth)?;
        output($handler($svc.user(ctx, $rc), input($map)?).await?)
    }};
}

/// A sign-in handler (the flow authorizes itself).
macro_rules! sign_in_op {
    ($svc:expr, $rc:expr, $map:expr, $handler:path) => {{
        output($handler($svc.sign_in($rc), input($map)?).await?)
    }};
}

/// A sign-up or recovery handler.
macro_rules! account_op {
    ($svc:expr, $rc:expr, $map:expr, $handler:path) => {{
        output($handler($svc.account($rc), input($map)?).await?)
    }};
}

/// Runs `op`. The caller has validated `map` against the model and checked what the
/// operation's auth kind asks for (`Authorized`).
pub async fn dispatch(
    svc: &Cognate,
    op: Operation,
    auth: &Authorized,
    rc: &RequestContext,
    map: Map<String, Value>,
) -> Result<Vec<u8>, ApiError> {
    use Operation::*;
    let with_input;
    let rc = match trigger_input(&map) {
        Some(input) => {
            with_input = RequestContext { trigger_input: input, ..rc.clone() };
            &with_input
        }
        None => rc,
    };
    match op {
        AddCustomAttributes => admin_op!(svc, auth, rc, map, pools::add_custom_attributes),
        CreateManagedLoginBranding => admin_op!(svc, auth, rc, map, domains::create_branding),
        CreateResourceServer => admin_op!(svc, auth, rc, map, resource_servers::create),
        CreateIdentityProvider => admin_op!(svc, auth, rc, map, providers::create),
        DescribeIdentityProvider => admin_op!(svc, auth, rc, map, providers::describe),
        GetIdentityProviderByIdentifier => admin_op!(svc, auth, rc, map, providers::by_identifier),
        GetSigningCertificate => admin_op!(svc, auth, rc, map, providers::signing_certificate),
        GetCSVHeader => admin_op!(svc, auth, rc, map, import_jobs::csv_header),
        CreateUserImportJob => admin_op!(svc, auth, rc, map, import_jobs::create),
        DescribeUserImportJob => admin_op!(svc, auth, rc, map, import_jobs::describe),
        ListUserImportJobs => admin_op!(svc, auth, rc, map, import_jobs::list),
        StartUserImportJob => admin_op!(svc, auth, rc, map, import_jobs::start),
        StopUserImportJob => admin_op!(svc, auth, rc, map, import_jobs::stop),
        InitiatePointInTimeRecovery => admin_op!(svc, auth, rc, map, recovery::initiate),
        StartPointInTimeRecovery => admin_op!(svc, auth, rc, map, recovery::start),
        CancelPointInTimeRecovery => admin_op!(svc, auth, rc, map, recovery::cancel),
        DescribePointInTimeRecovery => admin_op!(svc, auth, rc, map, recovery::describe),
        ListPointInTimeRecoveries => admin_op!(svc, auth, rc, map, recovery::list),
        ListIdentityProviders => admin_op!(svc, auth, rc, map, providers::list),
        UpdateIdentityProvider => admin_op!(svc, auth, rc, map, providers::update),
        DeleteIdentityProvider => admin_op!(svc, auth, rc, map, providers::delete),
        AdminLinkProviderForUser => admin_op!(svc, auth, rc, map, providers::link),
        AdminDisableProviderForUser => admin_op!(svc, auth, rc, map, providers::disable_for_user),
        CreateUserPoolDomain => admin_op!(svc, auth, rc, map, domains::create_domain),
        DeleteManagedLoginBranding => admin_op!(svc, auth, rc, map, domains::delete_branding),
        DeleteResourceServer => admin_op!(svc, auth, rc, map, resource_servers::delete),
        DeleteUserPoolDomain => admin_op!(svc, auth, rc, map, domains::delete_domain),
        DescribeManagedLoginBranding => admin_op!(svc, auth, rc, map, domains::describe_branding),
        DescribeManagedLoginBrandingByClient => admin_op!(svc, auth, rc, map, domains::branding_by_client),
        DescribeResourceServer => admin_op!(svc, auth, rc, map, resource_servers::describe),
        DescribeUserPoolDomain => admin_op!(svc, auth, rc, map, domains::describe_domain),
        GetUICustomization => admin_op!(svc, auth, rc, map, domains::get_ui),
        ListResourceServers => admin_op!(svc, auth, rc, map, resource_servers::list),
        SetUICustomization => admin_op!(svc, auth, rc, map, domains::set_ui),
        UpdateManagedLoginBranding => admin_op!(svc, auth, rc, map, domains::update_branding),
        UpdateResourceServer => admin_op!(svc, auth, rc, map, resource_servers::update),
        UpdateUserPoolDomain => admin_op!(svc, auth, rc, map, domains::update_domain),
        AdminAddUserToGroup => admin_op!(svc, auth, rc, map, groups::add_user),
        AdminConfirmSignUp => admin_op!(svc, auth, rc, map, users::confirm_sign_up),
        AdminCreateUser => admin_op!(svc, auth, rc, map, users::create),
        AdminDeleteUser => admin_op!(svc, auth, rc, map, users::delete),
        AdminDeleteUserAttributes => admin_op!(svc, auth, rc, map, users::delete_attributes),
        AdminDisableUser => admin_op!(svc, auth, rc, map, users::disable),
        AdminEnableUser => admin_op!(svc, auth, rc, map, users::enable),
        AdminGetUser => admin_op!(svc, auth, rc, map, users::get),
        AdminListGroupsForUser => admin_op!(svc, auth, rc, map, groups::groups_for_user),
        AdminRemoveUserFromGroup => admin_op!(svc, auth, rc, map, groups::remove_user),
        AdminResetUserPassword => admin_op!(svc, auth, rc, map, users::reset_password),
        AdminSetUserPassword => admin_op!(svc, auth, rc, map, users::set_password),
        AdminUpdateUserAttributes => admin_op!(svc, auth, rc, map, users::update_attributes),
        AdminUserGlobalSignOut => admin_op!(svc, auth, rc, map, users::global_sign_out),
        CreateGroup => admin_op!(svc, auth, rc, map, groups::create),
        CreateUserPool => admin_op!(svc, auth, rc, map, pools::create),
        CreateUserPoolClient => admin_op!(svc, auth, rc, map, clients::create),
        DeleteGroup => admin_op!(svc, auth, rc, map, groups::delete),
        DeleteUserPool => admin_op!(svc, auth, rc, map, pools::delete),
        DeleteUserPoolClient => admin_op!(svc, auth, rc, map, clients::delete),
        DescribeUserPool => admin_op!(svc, auth, rc, map, pools::describe),
        DescribeUserPoolClient => admin_op!(svc, auth, rc, map, clients::describe),
        GetGroup => admin_op!(svc, auth, rc, map, groups::get),
        ListGroups => admin_op!(svc, auth, rc, map, groups::list),
        ListTagsForResource => admin_op!(svc, auth, rc, map, pools::list_tags),
        ListUserPoolClients => admin_op!(svc, auth, rc, map, clients::list),
        ListUserPools => admin_op!(svc, auth, rc, map, pools::list),
        ListUsers => admin_op!(svc, auth, rc, map, users::list),
        ListUsersInGroup => admin_op!(svc, auth, rc, map, groups::users_in_group),
        TagResource => admin_op!(svc, auth, rc, map, pools::tag),
        UntagResource => admin_op!(svc, auth, rc, map, pools::untag),
        UpdateGroup => admin_op!(svc, auth, rc, map, groups::update),
        UpdateUserPool => admin_op!(svc, auth, rc, map, pools::update),
        UpdateUserPoolClient => admin_op!(svc, auth, rc, map, clients::update),
        InitiateAuth => sign_in_op!(svc, rc, map, auth::initiate),
        RespondToAuthChallenge => sign_in_op!(svc, rc, map, auth::respond),
        GetTokensFromRefreshToken => sign_in_op!(svc, rc, map, auth::refresh),
        RevokeToken => sign_in_op!(svc, rc, map, auth::revoke),
        GetUser => user_op!(svc, auth, rc, map, me::get_user),
        GlobalSignOut => user_op!(svc, auth, rc, map, me::global_sign_out),
        ChangePassword => user_op!(svc, auth, rc, map, me::change_password),
        DeleteUser => user_op!(svc, auth, rc, map, me::delete_user),
        UpdateUserAttributes => user_op!(svc, auth, rc, map, me::update_attributes),
        DeleteUserAttributes => user_op!(svc, auth, rc, map, me::delete_attributes),
        AdminInitiateAuth => admin_op!(svc, auth, rc, map, auth::admin_initiate),
        AdminRespondToAuthChallenge => admin_op!(svc, auth, rc, map, auth::admin_respond),
        SignUp => account_op!(svc, rc, map, signup::sign_up),
        ConfirmSignUp => account_op!(svc, rc, map, signup::confirm_sign_up),
        ResendConfirmationCode => account_op!(svc, rc, map, signup::resend),
        ForgotPassword => account_op!(svc, rc, map, signup::forgot_password),
        ConfirmForgotPassword => account_op!(svc, rc, map, signup::confirm_forgot_password),
        GetUserAttributeVerificationCode => user_op!(svc, auth, rc, map, me::attribute_code),
        VerifyUserAttribute => user_op!(svc, auth, rc, map, me::verify_attribute),
        SetUserSettings => user_op!(svc, auth, rc, map, me::set_settings),
        AdminSetUserSettings => admin_op!(svc, auth, rc, map, users::set_settings),
        ConfirmDevice => user_op!(svc, auth, rc, map, devices::confirm),
        GetDevice => user_op!(svc, auth, rc, map, devices::get),
        ListDevices => user_op!(svc, auth, rc, map, devices::list),
        UpdateDeviceStatus => user_op!(svc, auth, rc, map, devices::update_status),
        ForgetDevice => user_op!(svc, auth, rc, map, devices::forget),
        AdminGetDevice => admin_op!(svc, auth, rc, map, devices::admin_get),
        AdminListDevices => admin_op!(svc, auth, rc, map, devices::admin_list),
        AdminUpdateDeviceStatus => admin_op!(svc, auth, rc, map, devices::admin_update_status),
        AdminForgetDevice => admin_op!(svc, auth, rc, map, devices::admin_forget),
        SetUserPoolMfaConfig => admin_op!(svc, auth, rc, map, mfa::set_config),
        GetUserPoolMfaConfig => admin_op!(svc, auth, rc, map, mfa::get_config),
        AdminSetUserMFAPreference => admin_op!(svc, auth, rc, map, mfa::admin_set_preference),
        AssociateSoftwareToken => sign_in_op!(svc, rc, map, mfa::associate),
        VerifySoftwareToken => sign_in_op!(svc, rc, map, mfa::verify),
        SetUserMFAPreference => user_op!(svc, auth, rc, map, mfa::set_preference),
        AddUserPoolClientSecret => admin_op!(svc, auth, rc, map, clients::add_secret),
        ListUserPoolClientSecrets => admin_op!(svc, auth, rc, map, clients::list_secrets),
        DeleteUserPoolClientSecret => admin_op!(svc, auth, rc, map, clients::delete_secret),
        GetUserAuthFactors => user_op!(svc, auth, rc, map, me::auth_factors),
        AdminGetUserAuthFactors => admin_op!(svc, auth, rc, map, users::auth_factors),
        StartWebAuthnRegistration => user_op!(svc, auth, rc, map, mfa::start_webauthn),
        CompleteWebAuthnRegistration => user_op!(svc, auth, rc, map, mfa::complete_webauthn),
        ListWebAuthnCredentials => user_op!(svc, auth, rc, map, mfa::list_webauthn),
        DeleteWebAuthnCredential => user_op!(svc, auth, rc, map, mfa::delete_webauthn),
        ListUserSessions => user_op!(svc, auth, rc, map, sessions::list),
        RevokeUserSession => user_op!(svc, auth, rc, map, sessions::revoke),
        AdminListUserSessions => admin_op!(svc, auth, rc, map, sessions::admin_list),
        AdminRevokeUserSession => admin_op!(svc, auth, rc, map, sessions::admin_revoke),
        GetUserPoolSessionConfiguration => admin_op!(svc, auth, rc, map, sessions::get_pool),
        SetUserPoolSessionConfiguration => admin_op!(svc, auth, rc, map, sessions::set_pool),
        GetUserPoolClientSessionConfiguration => admin_op!(svc, auth, rc, map, sessions::get_client),
        SetUserPoolClientSessionConfiguration => admin_op!(svc, auth, rc, map, sessions::set_client),
        SetRiskConfiguration => admin_op!(svc, auth, rc, map, security::set),
        DescribeRiskConfiguration => admin_op!(svc, auth, rc, map, security::describe),
        AdminListUserAuthEvents => admin_op!(svc, auth, rc, map, security::admin_list),
        AdminUpdateAuthEventFeedback => admin_op!(svc, auth, rc, map, security::admin_feedback),
        UpdateAuthEventFeedback => sign_in_op!(svc, rc, map, security::feedback),
        AdminDeleteSoftwareToken
        | CreateCIMDPolicy
        | CreateTerms
        | CreateUserPoolReplica
        | DeleteCIMDPolicy
        | DeleteTerms
        | DeleteUserPoolReplica
        | DescribeCIMDPolicy
        | DescribeTerms
        | DescribeTermsByClient
        | GetClientToken
        | GetDerivedToken
        | GetLogDeliveryConfiguration
        | GetProvisionedLimit
        | ListCIMDPolicies
        | ListClientMetadataURLs
        | ListTerms
        | ListUserPoolReplicas
        | SetLogDeliveryConfiguration
        | UpdateCIMDPolicy
        | UpdateClientMetadataURLState
        | UpdateProvisionedLimit
        | UpdateTerms
        | UpdateUserPoolReplica => Err(ApiError::NotBuilt(op.name())),
    }
}
