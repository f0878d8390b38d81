//! The one exhaustive `match` over every cognito-identity operation.

use crate::ops::{self, developer, identities, identity_pools};
use crate::{ApiError, Authorized, Operation};
use cognate_core::{AdminCtx, Cognate, RequestContext};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

fn admin(auth: &Authorized) -> Result<&AdminCtx, ApiError> {
    match auth {
        Authorized::Admin(ctx) => Ok(ctx),
        Authorized::Public => Err(ApiError::MissingAuthority),
    }
}

fn input<T: DeserializeOwned>(map: Map<String, Value>) -> Result<T, ApiError> {
    cognate_api::json_target::input(map).map_err(ops::ser)
}

fn output<T: Serialize>(out: T) -> Result<Value, ApiError> {
    cognate_api::json_target::output(out).map_err(|e| ApiError::Core(cognate_core::CoreError::Internal(e.to_string())))
}

/// An admin handler: gets the admin view, which only an admin context opens.
macro_rules! admin_op {
    ($svc:expr, $auth:expr, $rc:expr, $map:expr, $handler:path) => {{
        let ctx = admin($auth)?;
        output($handler($svc.admin(ctx, $rc), input($map)?).await?)
    }};
}

/// A public handler: the identity view, authorized by the logins the request carries.
macro_rules! identity_op {
    ($svc:expr, $rc:expr, $map:expr, $handler:path) => {{
        output($handler($svc.identities($rc), input($map)?).await?)
    }};
}

/// Runs one operation.
pub async fn dispatch(
    svc: &Cognate,
    op: Operation,
    auth: &Authorized,
    rc: &RequestContext,
    map: Map<String, Value>,
) -> Result<Value, ApiError> {
    use Operation::*;
    match op {
        CreateIdentityPool => admin_op!(svc, auth, rc, map, identity_pools::create),
        DescribeIdentityPool => admin_op!(svc, auth, rc, map, identity_pools::describe),
        UpdateIdentityPool => admin_op!(svc, auth, rc, map, identity_pools::update),
        DeleteIdentityPool => admin_op!(svc, auth, rc, map, identity_pools::delete),
        ListIdentityPools => admin_op!(svc, auth, rc, map, identity_pools::list),
        TagResource => admin_op!(svc, auth, rc, map, identity_pools::tag),
        UntagResource => admin_op!(svc, auth, rc, map, identity_pools::untag),
        ListTagsForResource => admin_op!(svc, auth, rc, map, identity_pools::tags),
        SetIdentityPoolRoles => admin_op!(svc, auth, rc, map, identity_pools::set_roles),
        GetIdentityPoolRoles => admin_op!(svc, auth, rc, map, identity_pools::get_roles),
        SetPrincipalTagAttributeMap => admin_op!(svc, auth, rc, map, identity_pools::set_principal_tags),
        GetPrincipalTagAttributeMap => admin_op!(svc, auth, rc, map, identity_pools::get_principal_tags),
        GetId => identity_op!(svc, rc, map, identities::get_id),
        GetCredentialsForIdentity => identity_op!(svc, rc, map, identities::credentials),
        GetOpenIdToken => identity_op!(svc, rc, map, identities::open_id_token),
        UnlinkIdentity => identity_op!(svc, rc, map, identities::unlink),
        DescribeIdentity => admin_op!(svc, auth, rc, map, identities::describe),
        ListIdentities => admin_op!(svc, auth, rc, map, identities::list),
        DeleteIdentities => admin_op!(svc, auth, rc, map, identities::delete),
        GetOpenIdTokenForDeveloperIdentity => admin_op!(svc, auth, rc, map, developer::open_id_token),
        LookupDeveloperIdentity => admin_op!(svc, auth, rc, map, developer::lookup),
        MergeDeveloperIdentities => admin_op!(svc, auth, rc, map, developer::merge),
        UnlinkDeveloperIdentity => admin_op!(svc, auth, rc, map, developer::unlink),
    }
}
