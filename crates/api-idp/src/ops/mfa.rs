//! MFA: SetUserPoolMfaConfig, GetUserPoolMfaConfig (SigV4), AssociateSoftwareToken,
//! VerifySoftwareToken, SetUserMFAPreference (access token or MFA_SETUP session) and
//! AdminSetUserMFAPreference (SigV4).

use super::{Empty, Out};
use crate::convert::{reshape, wire_enum};
use crate::shapes::*;
use cognate_core::mfa::{EmailMfa, FactorSetting, MfaPreference, PoolMfaConfig, SmsMfa, TokenSubject};
use cognate_core::{AdminView, CoreError, SignInView, UserView};
use cognate_model::UserPoolId;

fn config_out(c: PoolMfaConfig) -> Result<GetUserPoolMfaConfigResponse, crate::ApiError> {
    Ok(GetUserPoolMfaConfigResponse {
        mfa_configuration: c.mode.and_then(|m| wire_enum(m.as_str())),
        sms_mfa_configuration: match c.sms {
            Some(s) => Some(SmsMfaConfigType {
                sms_authentication_message: s.message,
                sms_configuration: s.configuration.as_ref().map(reshape).transpose()?,
            }),
            None => None,
        },
        software_token_mfa_configuration: Some(SoftwareTokenMfaConfigType { enabled: Some(c.software_token) }),
        email_mfa_configuration: c.email.map(|e| EmailMfaConfigType { message: e.message, subject: e.subject }),
        web_authn_configuration: c.webauthn.map(|w| WebAuthnConfigurationType {
            factor_configuration: wire_enum(&w.factor_configuration),
            relying_party_id: w.relying_party_id,
            user_verification: wire_enum(&w.user_verification),
        }),
    })
}

/// SetUserPoolMfaConfig. Errors: ResourceNotFound, InvalidParameter.
pub async fn set_config(admin: AdminView<'_>, req: SetUserPoolMfaConfigRequest) -> Out<GetUserPoolMfaConfigResponse> {
    let sms = match req.sms_mfa_configuration {
        Some(s) => Some(SmsMfa {
            message: s.sms_authentication_message,
            configuration: s.sms_configuration.as_ref().map(reshape).transpose()?,
        }),
        None => None,
    };
    let cfg = PoolMfaConfig {
        mode: req.mfa_configuration.and_then(|m| cognate_model::MfaMode::parse(m.as_str())),
        sms,
        software_token: req.software_token_mfa_configuration.and_then(|t| t.enabled).unwrap_or(false),
        email: req.email_mfa_configuration.map(|e| EmailMfa { message: e.message, subject: e.subject }),
        webauthn: req.web_authn_configuration.map(|w| cognate_model::WebAuthnSettings {
            relying_party_id: w.relying_party_id,
            user_verification: w
                .user_verification
                .map(|u| u.as_str().to_string())
                .unwrap_or_else(|| "preferred".into()),
            factor_configuration: w
                .factor_configuration
                .map(|f| f.as_str().to_string())
                .unwrap_or_else(|| "SINGLE_FACTOR".into()),
        }),
    };
    config_out(admin.set_pool_mfa_config(&UserPoolId::new(req.user_pool_id), cfg).await?)
}

/// GetUserPoolMfaConfig. Errors: ResourceNotFound.
pub async fn get_config(admin: AdminView<'_>, req: GetUserPoolMfaConfigRequest) -> Out<GetUserPoolMfaConfigResponse> {
    config_out(admin.get_pool_mfa_config(&UserPoolId::new(req.user_pool_id)).await?)
}

fn subject<'a>(
    sign_in: &SignInView<'_>,
    access_token: &Option<String>,
    session: &'a Option<String>,
) -> Result<TokenSubject<'a>, crate::ApiError> {
    match (access_token, session) {
        (Some(t), _) => Ok(TokenSubject::Access(sign_in.authenticate(t)?)),
        (None, Some(s)) => Ok(TokenSubject::Session(s)),
        (None, None) => Err(CoreError::InvalidParameter("Either AccessToken or Session must be given.".into()).into()),
    }
}

/// AssociateSoftwareToken. Errors: NotAuthorized, SoftwareTokenMFANotFound, InvalidParameter.
pub async fn associate(
    sign_in: SignInView<'_>,
    req: AssociateSoftwareTokenRequest,
) -> Out<AssociateSoftwareTokenResponse> {
    let who = subject(&sign_in, &req.access_token, &req.session)?;
    let (secret, session) = sign_in.associate_software_token(who).await?;
    Ok(AssociateSoftwareTokenResponse { secret_code: Some(secret), session })
}

/// VerifySoftwareToken. Errors: NotAuthorized, EnableSoftwareTokenMFA, InvalidParameter.
pub async fn verify(sign_in: SignInView<'_>, req: VerifySoftwareTokenRequest) -> Out<VerifySoftwareTokenResponse> {
    let who = subject(&sign_in, &req.access_token, &req.session)?;
    let session = sign_in.verify_software_token(who, &req.user_code, req.friendly_device_name.as_deref()).await?;
    Ok(VerifySoftwareTokenResponse { session, status: Some(VerifySoftwareTokenResponseType::Success) })
}

fn setting(enabled: Option<bool>, preferred: Option<bool>) -> FactorSetting {
    FactorSetting { enabled, preferred }
}

fn preference(
    sms: Option<SMSMfaSettingsType>,
    totp: Option<SoftwareTokenMfaSettingsType>,
    email: Option<EmailMfaSettingsType>,
    web_authn: Option<WebAuthnMfaSettingsType>,
) -> MfaPreference {
    MfaPreference {
        sms: sms.map(|s| setting(s.enabled, s.preferred_mfa)),
        software_token: totp.map(|s| setting(s.enabled, s.preferred_mfa)),
        email: email.map(|s| setting(s.enabled, s.preferred_mfa)),
        webauthn: web_authn.and_then(|w| w.enabled),
    }
}

/// SetUserMFAPreference. Errors: NotAuthorized, InvalidParameter.
pub async fn set_preference(me: UserView<'_>, req: SetUserMFAPreferenceRequest) -> Out<Empty> {
    let p = preference(
        req.sms_mfa_settings,
        req.software_token_mfa_settings,
        req.email_mfa_settings,
        req.web_authn_mfa_settings,
    );
    me.set_mfa_preference(&p).await?;
    Ok(Empty {})
}

/// AdminSetUserMFAPreference. Errors: ResourceNotFound, UserNotFound, InvalidParameter.
pub async fn admin_set_preference(admin: AdminView<'_>, req: AdminSetUserMFAPreferenceRequest) -> Out<Empty> {
    let p = preference(
        req.sms_mfa_settings,
        req.software_token_mfa_settings,
        req.email_mfa_settings,
        req.web_authn_mfa_settings,
    );
    admin.set_mfa_preference(&UserPoolId::new(req.user_pool_id), &req.username, &p).await?;
    Ok(Empty {})
}

/// StartWebAuthnRegistration: the options for `navigator.credentials.create()`. Errors:
/// NotAuthorized, WebAuthnNotEnabled, WebAuthnConfigurationMissing, LimitExceeded.
pub async fn start_webauthn(
    me: UserView<'_>,
    _req: StartWebAuthnRegistrationRequest,
) -> Out<StartWebAuthnRegistrationResponse> {
    Ok(StartWebAuthnRegistrationResponse { credential_creation_options: me.start_webauthn_registration().await? })
}

/// CompleteWebAuthnRegistration. Errors: NotAuthorized, InvalidParameter,
/// WebAuthnChallengeNotFound, WebAuthnOriginNotAllowed, WebAuthnRelyingPartyMismatch,
/// WebAuthnCredentialNotSupported.
pub async fn complete_webauthn(me: UserView<'_>, req: CompleteWebAuthnRegistrationRequest) -> Out<Empty> {
    me.complete_webauthn_registration(&req.credential).await?;
    Ok(Empty {})
}

/// ListWebAuthnCredentials. Errors: NotAuthorized, InvalidParameter (token).
pub async fn list_webauthn(
    me: UserView<'_>,
    req: ListWebAuthnCredentialsRequest,
) -> Out<ListWebAuthnCredentialsResponse> {
    let (creds, next) = me.list_webauthn_credentials(req.max_results, req.next_token.as_deref()).await?;
    Ok(ListWebAuthnCredentialsResponse {
        credentials: creds
            .into_iter()
            .map(|c| WebAuthnCredentialDescription {
                authenticator_attachment: c.attachment,
                authenticator_transports: c.transports,
                created_at: crate::convert::secs(c.created_at),
                credential_id: c.credential_id,
                friendly_credential_name: c.friendly_name.unwrap_or_else(|| "Passkey".into()),
                relying_party_id: c.relying_party_id,
            })
            .collect(),
        next_token: next,
    })
}

/// DeleteWebAuthnCredential. Errors: NotAuthorized, ResourceNotFound.
pub async fn delete_webauthn(me: UserView<'_>, req: DeleteWebAuthnCredentialRequest) -> Out<Empty> {
    me.delete_webauthn_credential(&req.credential_id).await?;
    Ok(Empty {})
}
