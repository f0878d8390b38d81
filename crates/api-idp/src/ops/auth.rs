//! Sign-in: InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken (public) and
//! AdminInitiateAuth, AdminRespondToAuthChallenge (SigV4).

use super::Out;
use crate::convert::auth::{challenge, challenge_out, flow, params};
use crate::shapes::*;
use cognate_core::{AdminView, AuthOutcome, AuthParams, IssuedTokens, SignInView};
use cognate_model::UserPoolId;
use std::collections::BTreeMap;

fn result(t: IssuedTokens) -> AuthenticationResultType {
    AuthenticationResultType {
        access_token: Some(t.access_token),
        expires_in: Some(t.expires_in),
        token_type: Some("Bearer".into()),
        refresh_token: t.refresh_token,
        id_token: t.id_token,
        new_device_metadata: t.new_device.map(|(device_key, group)| NewDeviceMetadataType {
            device_key: Some(device_key),
            device_group_key: Some(group),
        }),
    }
}

type Parts = (
    Option<AuthenticationResultType>,
    Option<ChallengeNameType>,
    Option<BTreeMap<String, String>>,
    Option<String>,
    Option<Vec<ChallengeNameType>>,
);

fn parts(o: AuthOutcome) -> Parts {
    match o {
        // Success still carries an empty ChallengeParameters, as Cognito sends.
        AuthOutcome::Tokens(t) => (Some(result(t)), None, Some(BTreeMap::new()), None, None),
        AuthOutcome::Challenge { name, session, parameters } => {
            (None, challenge_out(name), Some(parameters), Some(session), None)
        }
        AuthOutcome::Select { session, available } => {
            let name = challenge_out(cognate_model::ChallengeName::SelectChallenge);
            let available = available.into_iter().filter_map(challenge_out).collect();
            (None, name, Some(BTreeMap::new()), Some(session), Some(available))
        }
        // Only the hosted pages' sign-in ends this way; the API's always ends in tokens.
        AuthOutcome::SignedIn { .. } => (None, None, Some(BTreeMap::new()), None, None),
    }
}

/// InitiateAuth. Errors: NotAuthorized, UserNotFound, UserNotConfirmed, PasswordResetRequired,
/// InvalidParameter, ResourceNotFound.
pub async fn initiate(sign_in: SignInView<'_>, req: InitiateAuthRequest) -> Out<InitiateAuthResponse> {
    let claimed = claimed(&sign_in, req.user_context_data.as_ref());
    let sign_in = claimed.as_ref().map_or(sign_in, |rc| sign_in.with_user_context(rc));
    let p = AuthParams { session: req.session, ..params(req.auth_parameters) };
    let o = sign_in.initiate_auth(&req.client_id, flow(req.auth_flow), &p).await?;
    let (authentication_result, challenge_name, challenge_parameters, session, available_challenges) = parts(o);
    Ok(InitiateAuthResponse {
        authentication_result,
        challenge_name,
        challenge_parameters,
        session,
        available_challenges,
    })
}

/// AdminInitiateAuth. Same errors as InitiateAuth.
pub async fn admin_initiate(admin: AdminView<'_>, req: AdminInitiateAuthRequest) -> Out<AdminInitiateAuthResponse> {
    let on_behalf = req.context_data.as_ref().map(|c| behalf(&admin, c));
    let admin = on_behalf.as_ref().map_or(admin, |rc| admin.on_behalf(rc));
    let pool = UserPoolId::new(req.user_pool_id);
    let p = AuthParams { session: req.session, ..params(req.auth_parameters) };
    let o = admin.initiate_auth(&pool, &req.client_id, flow(req.auth_flow), &p).await?;
    let (authentication_result, challenge_name, challenge_parameters, session, available_challenges) = parts(o);
    Ok(AdminInitiateAuthResponse {
        authentication_result,
        challenge_name,
        challenge_parameters,
        session,
        available_challenges,
    })
}

/// The request as the end user's (`ContextData`: their address and headers).
fn behalf(admin: &AdminView<'_>, c: &ContextDataType) -> cognate_core::RequestContext {
    let headers: Vec<(String, String)> = c
        .http_headers
        .iter()
        .map(|h| (h.header_name.clone().unwrap_or_default(), h.header_value.clone().unwrap_or_default()))
        .collect();
    admin.request().on_behalf_of(&c.ip_address, &headers)
}

/// The request with the end user's address a public sign-in's `UserContextData` names (threat
/// protection believes it only from a confidential client that propagates it).
fn claimed(sign_in: &SignInView<'_>, data: Option<&UserContextDataType>) -> Option<cognate_core::RequestContext> {
    let ip = data?.ip_address.as_deref().filter(|ip| !ip.trim().is_empty())?;
    Some(sign_in.request().claiming(ip))
}

/// RespondToAuthChallenge. Errors: NotAuthorized (expired session), InvalidPassword, InvalidParameter.
pub async fn respond(
    sign_in: SignInView<'_>,
    req: RespondToAuthChallengeRequest,
) -> Out<RespondToAuthChallengeResponse> {
    let claimed = claimed(&sign_in, req.user_context_data.as_ref());
    let sign_in = claimed.as_ref().map_or(sign_in, |rc| sign_in.with_user_context(rc));
    let o = sign_in
        .respond_to_auth_challenge(
            &req.client_id,
            challenge(req.challenge_name),
            req.session.as_deref(),
            &params(req.challenge_responses),
        )
        .await?;
    let (authentication_result, challenge_name, challenge_parameters, session, available_challenges) = parts(o);
    Ok(RespondToAuthChallengeResponse {
        authentication_result,
        challenge_name,
        challenge_parameters,
        session,
        available_challenges,
    })
}

/// AdminRespondToAuthChallenge.
pub async fn admin_respond(
    admin: AdminView<'_>,
    req: AdminRespondToAuthChallengeRequest,
) -> Out<AdminRespondToAuthChallengeResponse> {
    let on_behalf = req.context_data.as_ref().map(|c| behalf(&admin, c));
    let admin = on_behalf.as_ref().map_or(admin, |rc| admin.on_behalf(rc));
    let pool = UserPoolId::new(req.user_pool_id);
    let o = admin
        .respond_to_auth_challenge(
            &pool,
            &req.client_id,
            challenge(req.challenge_name),
            req.session.as_deref(),
            &params(req.challenge_responses),
        )
        .await?;
    let (authentication_result, challenge_name, challenge_parameters, session, available_challenges) = parts(o);
    Ok(AdminRespondToAuthChallengeResponse {
        authentication_result,
        challenge_name,
        challenge_parameters,
        session,
        available_challenges,
    })
}

/// GetTokensFromRefreshToken (Amplify v6 refreshes with it). Errors: NotAuthorized, RefreshTokenReuse.
pub async fn refresh(
    sign_in: SignInView<'_>,
    req: GetTokensFromRefreshTokenRequest,
) -> Out<GetTokensFromRefreshTokenResponse> {
    let t =
        sign_in.get_tokens_from_refresh_token(&req.client_id, &req.refresh_token, req.client_secret.as_deref()).await?;
    Ok(GetTokensFromRefreshTokenResponse { authentication_result: Some(result(t)) })
}

/// RevokeToken. Errors: Unauthorized, UnsupportedOperation.
pub async fn revoke(sign_in: SignInView<'_>, req: RevokeTokenRequest) -> Out<super::Empty> {
    sign_in.revoke_token(&req.client_id, &req.token, req.client_secret.as_deref()).await?;
    Ok(super::Empty {})
}
