//! Session management: the pool's and the clients' session configuration (SigV4),
//! ListUserSessions and RevokeUserSession (access token) and their Admin twins (SigV4).

use super::{Empty, Out};
use crate::convert::secs;
use crate::shapes::*;
use cognate_core::sessions::{Associated, ListedSession, SessionKind};
use cognate_core::{AdminView, UserView};
use cognate_model::{ClientId, SessionTracking, UserPoolId};

fn description(l: &ListedSession) -> SessionDescriptionType {
    let s = &l.session;
    SessionDescriptionType {
        client_id: s.client_id.clone(),
        create_date: Some(secs(s.created_at)),
        device_type: s.device_type.as_ref().map(|d| d.chars().take(1024).collect()),
        is_current_session: Some(l.current),
        last_active_date: Some(secs(s.last_active_at)),
        last_ip_address: s.ip.clone(),
        // Cognate has no location database for sessions (threat protection's GeoIP is separate).
        last_location: None,
        origin_session_id: s.origin_session.clone(),
        session_id: Some(s.session_id.clone()),
        session_type: Some(match s.kind {
            SessionKind::Token => SessionTypeType::Token,
            SessionKind::Sso => SessionTypeType::Sso,
        }),
    }
}

fn associated(v: Option<RevokeAssociatedSessionsType>) -> Associated {
    match v {
        Some(RevokeAssociatedSessionsType::Linked) => Associated::Linked,
        _ => Associated::None,
    }
}

fn pool_config(
    pool: String,
    t: SessionTracking,
) -> (Option<UserPoolTokenSessionConfigType>, Option<String>, Option<UserSessionTrackingType>) {
    let tracking = if t.enabled { UserSessionTrackingType::Enabled } else { UserSessionTrackingType::Disabled };
    (Some(UserPoolTokenSessionConfigType { max_per_user: t.max_per_user as i64 }), Some(pool), Some(tracking))
}

/// ListUserSessions. Errors: NotAuthorized, OperationNotEnabled (tracking off), InvalidParameter.
pub async fn list(me: UserView<'_>, req: ListUserSessionsRequest) -> Out<ListUserSessionsResponse> {
    let (sessions, next) = me.list_sessions(req.next_token.as_deref()).await?;
    Ok(ListUserSessionsResponse { sessions: Some(sessions.iter().map(description).collect()), next_token: next })
}

/// RevokeUserSession. Errors: NotAuthorized, ResourceNotFound, InvalidParameter (own session),
/// OperationNotEnabled.
pub async fn revoke(me: UserView<'_>, req: RevokeUserSessionRequest) -> Out<Empty> {
    me.revoke_session(&req.session_id, associated(req.revoke_associated_sessions)).await?;
    Ok(Empty {})
}

/// AdminListUserSessions. Errors: ResourceNotFound, UserNotFound, OperationNotEnabled.
pub async fn admin_list(admin: AdminView<'_>, req: AdminListUserSessionsRequest) -> Out<AdminListUserSessionsResponse> {
    let pool = UserPoolId::new(req.user_pool_id);
    let (sessions, next) = admin.list_sessions(&pool, &req.username, req.next_token.as_deref()).await?;
    Ok(AdminListUserSessionsResponse { sessions: Some(sessions.iter().map(description).collect()), next_token: next })
}

/// AdminRevokeUserSession. Errors: ResourceNotFound, UserNotFound, OperationNotEnabled.
pub async fn admin_revoke(admin: AdminView<'_>, req: AdminRevokeUserSessionRequest) -> Out<Empty> {
    let pool = UserPoolId::new(req.user_pool_id);
    admin.revoke_session(&pool, &req.username, &req.session_id, associated(req.revoke_associated_sessions)).await?;
    Ok(Empty {})
}

/// GetUserPoolSessionConfiguration. Errors: ResourceNotFound.
pub async fn get_pool(
    admin: AdminView<'_>,
    req: GetUserPoolSessionConfigurationRequest,
) -> Out<GetUserPoolSessionConfigurationResponse> {
    let t = admin.session_configuration(&UserPoolId::new(&req.user_pool_id)).await?;
    let (token_session, user_pool_id, user_session_tracking) = pool_config(req.user_pool_id, t);
    Ok(GetUserPoolSessionConfigurationResponse { token_session, user_pool_id, user_session_tracking })
}

/// SetUserPoolSessionConfiguration. Errors: ResourceNotFound, InvalidParameter,
/// FeatureUnavailableInTier.
pub async fn set_pool(
    admin: AdminView<'_>,
    req: SetUserPoolSessionConfigurationRequest,
) -> Out<SetUserPoolSessionConfigurationResponse> {
    let given = SessionTracking {
        enabled: req.user_session_tracking == UserSessionTrackingType::Enabled,
        max_per_user: u32::try_from(req.token_session.max_per_user).unwrap_or(0),
    };
    let t = admin.set_session_configuration(&UserPoolId::new(&req.user_pool_id), given).await?;
    let (token_session, user_pool_id, user_session_tracking) = pool_config(req.user_pool_id, t);
    Ok(SetUserPoolSessionConfigurationResponse { token_session, user_pool_id, user_session_tracking })
}

/// GetUserPoolClientSessionConfiguration. Errors: ResourceNotFound.
pub async fn get_client(
    admin: AdminView<'_>,
    req: GetUserPoolClientSessionConfigurationRequest,
) -> Out<GetUserPoolClientSessionConfigurationResponse> {
    let (pool, id) = (UserPoolId::new(&req.user_pool_id), ClientId::new(&req.client_id));
    let minutes = admin.client_session_configuration(&pool, &id).await?;
    Ok(GetUserPoolClientSessionConfigurationResponse {
        client_id: Some(req.client_id),
        sso_session: Some(ClientSSOSessionConfigType { max_validity_minutes: minutes }),
        user_pool_id: Some(req.user_pool_id),
    })
}

/// SetUserPoolClientSessionConfiguration. Errors: ResourceNotFound, InvalidParameter,
/// OperationNotEnabled (the pool does not track sessions), FeatureUnavailableInTier.
pub async fn set_client(
    admin: AdminView<'_>,
    req: SetUserPoolClientSessionConfigurationRequest,
) -> Out<SetUserPoolClientSessionConfigurationResponse> {
    let (pool, id) = (UserPoolId::new(&req.user_pool_id), ClientId::new(&req.client_id));
    let minutes = admin.set_client_session_configuration(&pool, &id, req.sso_session.max_validity_minutes).await?;
    Ok(SetUserPoolClientSessionConfigurationResponse {
        client_id: Some(req.client_id),
        sso_session: Some(ClientSSOSessionConfigType { max_validity_minutes: minutes }),
        user_pool_id: Some(req.user_pool_id),
    })
}
