//! The one exhaustive `match` over every cognito-idp operation. An operation not built yet
//! answers `UnsupportedOperationException` naming it (README's coverage table lists them).

use crate::ops::{self, auth, clients, devices, groups, me, mfa, pools, signup, users};
use crate::{ApiError, Auth, Operation};
use cognate_core::{AdminCtx, Cognate};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

fn admin(auth: &Auth) -> Result<&AdminCtx, ApiError> {
    match auth {
        Auth::Admin(ctx) => Ok(ctx),
        Auth::Public => Err(ApiError::MissingAuthority),
    }
}

fn input<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(map)).map_err(ops::ser)
}

fn output<T: Serialize>(out: T) -> Result<Value, ApiError> {
    serde_json::to_value(out).map_err(|e| ApiError::Core(cognate_core::CoreError::Internal(e.to_string())))
}

/// Calls an admin handler: requires the admin context, reads the typed input, writes the output.
macro_rules! admin_op {
    ($svc:expr, $auth:expr, $map:expr, $handler:path) => {{
        let ctx = admin($auth)?;
        output($handler($svc, ctx, input($map)?).await?)
    }};
}

/// Calls a public handler (authorized by its own tokens, or not at all).
macro_rules! public_op {
    ($svc:expr, $map:expr, $handler:path) => {{
        output($handler($svc, input($map)?).await?)
    }};
}

/// Runs `op`. The caller has validated `map` against the model and verified SigV4 for every
/// operation that is not public.
pub async fn dispatch(svc: &Cognate, op: Operation, auth: &Auth, map: Map<String, Value>) -> Result<Value, ApiError> {
    use Operation::*;
    match op {
        AddCustomAttributes => admin_op!(svc, auth, map, pools::add_custom_attributes),
        AdminAddUserToGroup => admin_op!(svc, auth, map, groups::add_user),
        AdminConfirmSignUp => admin_op!(svc, auth, map, users::confirm_sign_up),
        AdminCreateUser => admin_op!(svc, auth, map, users::create),
        AdminDeleteUser => admin_op!(svc, auth, map, users::delete),
        AdminDeleteUserAttributes => admin_op!(svc, auth, map, users::delete_attributes),
        AdminDisableUser => admin_op!(svc, auth, map, users::disable),
        AdminEnableUser => admin_op!(svc, auth, map, users::enable),
        AdminGetUser => admin_op!(svc, auth, map, users::get),
        AdminListGroupsForUser => admin_op!(svc, auth, map, groups::groups_for_user),
        AdminRemoveUserFromGroup => admin_op!(svc, auth, map, groups::remove_user),
        AdminResetUserPassword => admin_op!(svc, auth, map, users::reset_password),
        AdminSetUserPassword => admin_op!(svc, auth, map, users::set_password),
        AdminUpdateUserAttributes => admin_op!(svc, auth, map, users::update_attributes),
        AdminUserGlobalSignOut => admin_op!(svc, auth, map, users::global_sign_out),
        CreateGroup => admin_op!(svc, auth, map, groups::create),
        CreateUserPool => admin_op!(svc, auth, map, pools::create),
        CreateUserPoolClient => admin_op!(svc, auth, map, clients::create),
        DeleteGroup => admin_op!(svc, auth, map, groups::delete),
        DeleteUserPool => admin_op!(svc, auth, map, pools::delete),
        DeleteUserPoolClient => admin_op!(svc, auth, map, clients::delete),
        DescribeUserPool => admin_op!(svc, auth, map, pools::describe),
        DescribeUserPoolClient => admin_op!(svc, auth, map, clients::describe),
        GetGroup => admin_op!(svc, auth, map, groups::get),
        ListGroups => admin_op!(svc, auth, map, groups::list),
        ListTagsForResource => admin_op!(svc, auth, map, pools::list_tags),
        ListUserPoolClients => admin_op!(svc, auth, map, clients::list),
        ListUserPools => admin_op!(svc, auth, map, pools::list),
        ListUsers => admin_op!(svc, auth, map, users::list),
        ListUsersInGroup => admin_op!(svc, auth, map, groups::users_in_group),
        TagResource => admin_op!(svc, auth, map, pools::tag),
        UntagResource => admin_op!(svc, auth, map, pools::untag),
        UpdateGroup => admin_op!(svc, auth, map, groups::update),
        UpdateUserPool => admin_op!(svc, auth, map, pools::update),
        UpdateUserPoolClient => admin_op!(svc, auth, map, clients::update),
        InitiateAuth => public_op!(svc, map, auth::initiate),
        RespondToAuthChallenge => public_op!(svc, map, auth::respond),
        GetTokensFromRefreshToken => public_op!(svc, map, auth::refresh),
        RevokeToken => public_op!(svc, map, auth::revoke),
        GetUser => public_op!(svc, map, me::get_user),
        GlobalSignOut => public_op!(svc, map, me::global_sign_out),
        ChangePassword => public_op!(svc, map, me::change_password),
        DeleteUser => public_op!(svc, map, me::delete_user),
        UpdateUserAttributes => public_op!(svc, map, me::update_attributes),
        DeleteUserAttributes => public_op!(svc, map, me::delete_attributes),
        AdminInitiateAuth => admin_op!(svc, auth, map, auth::admin_initiate),
        AdminRespondToAuthChallenge => admin_op!(svc, auth, map, auth::admin_respond),
        SignUp => public_op!(svc, map, signup::sign_up),
        ConfirmSignUp => public_op!(svc, map, signup::confirm_sign_up),
        ResendConfirmationCode => public_op!(svc, map, signup::resend),
        ForgotPassword => public_op!(svc, map, signup::forgot_password),
        ConfirmForgotPassword => public_op!(svc, map, signup::confirm_forgot_password),
        GetUserAttributeVerificationCode => public_op!(svc, map, me::attribute_code),
        VerifyUserAttribute => public_op!(svc, map, me::verify_attribute),
        SetUserSettings => public_op!(svc, map, me::set_settings),
        AdminSetUserSettings => admin_op!(svc, auth, map, users::set_settings),
        ConfirmDevice => public_op!(svc, map, devices::confirm),
        GetDevice => public_op!(svc, map, devices::get),
        ListDevices => public_op!(svc, map, devices::list),
        UpdateDeviceStatus => public_op!(svc, map, devices::update_status),
        ForgetDevice => public_op!(svc, map, devices::forget),
        AdminGetDevice => admin_op!(svc, auth, map, devices::admin_get),
        AdminListDevices => admin_op!(svc, auth, map, devices::admin_list),
        AdminUpdateDeviceStatus => admin_op!(svc, auth, map, devices::admin_update_status),
        AdminForgetDevice => admin_op!(svc, auth, map, devices::admin_forget),
        SetUserPoolMfaConfig => admin_op!(svc, auth, map, mfa::set_config),
        GetUserPoolMfaConfig => admin_op!(svc, auth, map, mfa::get_config),
        AdminSetUserMFAPreference => admin_op!(svc, auth, map, mfa::admin_set_preference),
        AssociateSoftwareToken => public_op!(svc, map, mfa::associate),
        VerifySoftwareToken => public_op!(svc, map, mfa::verify),
        SetUserMFAPreference => public_op!(svc, map, mfa::set_preference),
        AddUserPoolClientSecret
        | AdminDeleteSoftwareToken
        | AdminDisableProviderForUser
        | AdminGetUserAuthFactors
        | AdminLinkProviderForUser
        | AdminListUserAuthEvents
        | AdminListUserSessions
        | AdminRevokeUserSession
        | AdminUpdateAuthEventFeedback
        | CancelPointInTimeRecovery
        | CompleteWebAuthnRegistration
        | CreateCIMDPolicy
        | CreateIdentityProvider
        | CreateManagedLoginBranding
        | CreateResourceServer
        | CreateTerms
        | CreateUserImportJob
        | CreateUserPoolDomain
        | CreateUserPoolReplica
        | DeleteCIMDPolicy
        | DeleteIdentityProvider
        | DeleteManagedLoginBranding
        | DeleteResourceServer
        | DeleteTerms
        | DeleteUserPoolClientSecret
        | DeleteUserPoolDomain
        | DeleteUserPoolReplica
        | DeleteWebAuthnCredential
        | DescribeCIMDPolicy
        | DescribeIdentityProvider
        | DescribeManagedLoginBranding
        | DescribeManagedLoginBrandingByClient
        | DescribePointInTimeRecovery
        | DescribeResourceServer
        | DescribeRiskConfiguration
        | DescribeTerms
        | DescribeTermsByClient
        | DescribeUserImportJob
        | DescribeUserPoolDomain
        | GetCSVHeader
        | GetClientToken
        | GetDerivedToken
        | GetIdentityProviderByIdentifier
        | GetLogDeliveryConfiguration
        | GetProvisionedLimit
        | GetSigningCertificate
        | GetUICustomization
        | GetUserAuthFactors
        | GetUserPoolClientSessionConfiguration
        | GetUserPoolSessionConfiguration
        | InitiatePointInTimeRecovery
        | ListCIMDPolicies
        | ListClientMetadataURLs
        | ListIdentityProviders
        | ListPointInTimeRecoveries
        | ListResourceServers
        | ListTerms
        | ListUserImportJobs
        | ListUserPoolClientSecrets
        | ListUserPoolReplicas
        | ListUserSessions
        | ListWebAuthnCredentials
        | RevokeUserSession
        | SetLogDeliveryConfiguration
        | SetRiskConfiguration
        | SetUICustomization
        | SetUserPoolClientSessionConfiguration
        | SetUserPoolSessionConfiguration
        | StartPointInTimeRecovery
        | StartUserImportJob
        | StartWebAuthnRegistration
        | StopUserImportJob
        | UpdateAuthEventFeedback
        | UpdateCIMDPolicy
        | UpdateClientMetadataURLState
        | UpdateIdentityProvider
        | UpdateManagedLoginBranding
        | UpdateProvisionedLimit
        | UpdateResourceServer
        | UpdateTerms
        | UpdateUserPoolDomain
        | UpdateUserPoolReplica => Err(ApiError::NotBuilt(op.name())),
    }
}
