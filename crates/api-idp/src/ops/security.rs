//! Threat protection: SetRiskConfiguration and DescribeRiskConfiguration, the auth events
//! (AdminListUserAuthEvents) and the feedback on them (AdminUpdateAuthEventFeedback with
//! SigV4, UpdateAuthEventFeedback with the token of a notification's link).

use super::Out;
use crate::convert::{reshape, secs, wire_enum};
use crate::shapes::*;
use cognate_core::{AdminView, CoreError, SignInView};
use cognate_model::net::IpNet;
use cognate_model::risk::{
    AccountTakeover, AuthEvent, CompromisedCredentials, CredentialEvent, LevelAction, NotifyConfig, NotifyEmail,
    RiskConfig, RiskExceptions, TakeoverAction,
};
use cognate_model::UserPoolId;

fn email_in(e: NotifyEmailType) -> NotifyEmail {
    NotifyEmail { subject: e.subject, html_body: e.html_body, text_body: e.text_body }
}

fn email_out(e: &NotifyEmail) -> NotifyEmailType {
    NotifyEmailType { subject: e.subject.clone(), html_body: e.html_body.clone(), text_body: e.text_body.clone() }
}

fn action_in(a: AccountTakeoverActionType) -> LevelAction {
    let action = match a.event_action {
        AccountTakeoverEventActionType::Block => TakeoverAction::Block,
        AccountTakeoverEventActionType::MfaIfConfigured => TakeoverAction::MfaIfConfigured,
        AccountTakeoverEventActionType::MfaRequired => TakeoverAction::MfaRequired,
        AccountTakeoverEventActionType::NoAction => TakeoverAction::NoAction,
    };
    LevelAction { action, notify: a.notify }
}

fn action_out(a: &LevelAction) -> AccountTakeoverActionType {
    let event_action = match a.action {
        TakeoverAction::Block => AccountTakeoverEventActionType::Block,
        TakeoverAction::MfaIfConfigured => AccountTakeoverEventActionType::MfaIfConfigured,
        TakeoverAction::MfaRequired => AccountTakeoverEventActionType::MfaRequired,
        TakeoverAction::NoAction => AccountTakeoverEventActionType::NoAction,
    };
    AccountTakeoverActionType { event_action, notify: a.notify }
}

fn ranges(list: Option<Vec<String>>, what: &str) -> Result<Vec<IpNet>, CoreError> {
    list.unwrap_or_default()
        .iter()
        .map(|r| r.parse().map_err(|e| CoreError::InvalidParameter(format!("{what}: {e}"))))
        .collect()
}

fn config_in(req: SetRiskConfigurationRequest) -> Result<RiskConfig, CoreError> {
    let compromised = req.compromised_credentials_risk_configuration.map(|c| CompromisedCredentials {
        block: c.actions.event_action == CompromisedCredentialsEventActionType::Block,
        events: c
            .event_filter
            .unwrap_or_default()
            .into_iter()
            .map(|f| match f {
                EventFilterType::SignIn => CredentialEvent::SignIn,
                EventFilterType::PasswordChange => CredentialEvent::PasswordChange,
                EventFilterType::SignUp => CredentialEvent::SignUp,
            })
            .collect(),
    });
    let takeover = req.account_takeover_risk_configuration.map(|t| AccountTakeover {
        low: t.actions.low_action.map(action_in),
        medium: t.actions.medium_action.map(action_in),
        high: t.actions.high_action.map(action_in),
        notify: t.notify_configuration.map(|n| NotifyConfig {
            source_arn: n.source_arn,
            from: n.from,
            reply_to: n.reply_to,
            block_email: n.block_email.map(email_in),
            mfa_email: n.mfa_email.map(email_in),
            no_action_email: n.no_action_email.map(email_in),
        }),
    });
    let exceptions = match req.risk_exception_configuration {
        Some(x) => Some(RiskExceptions {
            blocked: ranges(x.blocked_ip_range_list, "BlockedIPRangeList")?,
            skipped: ranges(x.skipped_ip_range_list, "SkippedIPRangeList")?,
        }),
        None => None,
    };
    Ok(RiskConfig { compromised, takeover, exceptions, last_modified: 0 })
}

fn config_out(view: cognate_core::threat::RiskConfigView) -> RiskConfigurationType {
    let mut out =
        RiskConfigurationType { user_pool_id: Some(view.pool_id), client_id: view.client_id, ..Default::default() };
    let Some(c) = view.config else { return out };
    out.last_modified_date = Some(secs(c.last_modified));
    out.compromised_credentials_risk_configuration =
        c.compromised.map(|c| CompromisedCredentialsRiskConfigurationType {
            actions: CompromisedCredentialsActionsType {
                event_action: if c.block {
                    CompromisedCredentialsEventActionType::Block
                } else {
                    CompromisedCredentialsEventActionType::NoAction
                },
            },
            event_filter: (!c.events.is_empty()).then(|| {
                c.events
                    .iter()
                    .map(|e| match e {
                        CredentialEvent::SignIn => EventFilterType::SignIn,
                        CredentialEvent::PasswordChange => EventFilterType::PasswordChange,
                        CredentialEvent::SignUp => EventFilterType::SignUp,
                    })
                    .collect()
            }),
        });
    out.account_takeover_risk_configuration = c.takeover.map(|t| AccountTakeoverRiskConfigurationType {
        actions: AccountTakeoverActionsType {
            low_action: t.low.as_ref().map(action_out),
            medium_action: t.medium.as_ref().map(action_out),
            high_action: t.high.as_ref().map(action_out),
        },
        notify_configuration: t.notify.map(|n| NotifyConfigurationType {
            source_arn: n.source_arn,
            from: n.from,
            reply_to: n.reply_to,
            block_email: n.block_email.as_ref().map(email_out),
            mfa_email: n.mfa_email.as_ref().map(email_out),
            no_action_email: n.no_action_email.as_ref().map(email_out),
        }),
    });
    out.risk_exception_configuration = c.exceptions.map(|x| RiskExceptionConfigurationType {
        blocked_ip_range_list: Some(x.blocked.iter().map(ToString::to_string).collect()),
        skipped_ip_range_list: Some(x.skipped.iter().map(ToString::to_string).collect()),
    });
    out
}

/// SetRiskConfiguration. Errors: ResourceNotFound, UserPoolAddOnNotEnabled, InvalidParameter.
pub async fn set(admin: AdminView<'_>, req: SetRiskConfigurationRequest) -> Out<SetRiskConfigurationResponse> {
    let pool = UserPoolId::new(&req.user_pool_id);
    let client = req.client_id.clone();
    let config = config_in(req)?;
    let view = admin.set_risk_configuration(&pool, client.as_deref(), config).await?;
    Ok(SetRiskConfigurationResponse { risk_configuration: config_out(view) })
}

/// DescribeRiskConfiguration. Errors: ResourceNotFound, UserPoolAddOnNotEnabled.
pub async fn describe(
    admin: AdminView<'_>,
    req: DescribeRiskConfigurationRequest,
) -> Out<DescribeRiskConfigurationResponse> {
    let view = admin.describe_risk_configuration(&UserPoolId::new(&req.user_pool_id), req.client_id.as_deref()).await?;
    Ok(DescribeRiskConfigurationResponse { risk_configuration: config_out(view) })
}

fn event_out(e: &AuthEvent) -> AuthEventType {
    AuthEventType {
        event_id: Some(e.event_id.clone()),
        creation_date: Some(secs(e.created_at)),
        event_type: reshape(&e.kind).ok(),
        event_response: reshape(&e.response).ok(),
        event_risk: Some(EventRiskType {
            compromised_credentials_detected: Some(e.risk.compromised),
            risk_decision: reshape(&e.risk.decision).ok(),
            risk_level: e.risk.level.and_then(|l| reshape(&l).ok()),
        }),
        event_context_data: Some(EventContextDataType {
            ip_address: e.ip.clone(),
            device_name: e.device_name.clone(),
            city: e.city.clone(),
            country: e.country.clone(),
            timezone: e.timezone.clone(),
        }),
        challenge_responses: (!e.challenges.is_empty()).then(|| {
            e.challenges
                .iter()
                .map(|(name, result)| ChallengeResponseType {
                    challenge_name: wire_enum(name),
                    challenge_response: wire_enum(result),
                })
                .collect()
        }),
        event_feedback: e.feedback.as_ref().map(|f| EventFeedbackType {
            feedback_value: if f.valid { FeedbackValueType::Valid } else { FeedbackValueType::Invalid },
            provider: f.provider.clone(),
            feedback_date: Some(secs(f.date)),
        }),
    }
}

/// An event as listed: the model's members, and the signals behind its risk
/// (`CognateRiskReasons`, an addition clients that do not know it ignore).
#[derive(serde::Serialize)]
pub struct ListedEvent {
    #[serde(flatten)]
    event: AuthEventType,
    #[serde(rename = "CognateRiskReasons", skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<String>,
}

/// AdminListUserAuthEvents's answer, with each event's reasons.
#[derive(serde::Serialize)]
pub struct ListedEvents {
    #[serde(rename = "AuthEvents")]
    auth_events: Vec<ListedEvent>,
    #[serde(rename = "NextToken", skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// AdminListUserAuthEvents. Errors: ResourceNotFound, UserNotFound, UserPoolAddOnNotEnabled,
/// InvalidParameter.
pub async fn admin_list(admin: AdminView<'_>, req: AdminListUserAuthEventsRequest) -> Out<ListedEvents> {
    let pool = UserPoolId::new(&req.user_pool_id);
    let (events, next) =
        admin.list_user_auth_events(&pool, &req.username, req.max_results, req.next_token.as_deref()).await?;
    let auth_events =
        events.iter().map(|e| ListedEvent { event: event_out(e), reasons: e.risk.reasons.clone() }).collect();
    Ok(ListedEvents { auth_events, next_token: next })
}

/// AdminUpdateAuthEventFeedback. Errors: ResourceNotFound, UserNotFound,
/// UserPoolAddOnNotEnabled.
pub async fn admin_feedback(
    admin: AdminView<'_>,
    req: AdminUpdateAuthEventFeedbackRequest,
) -> Out<AdminUpdateAuthEventFeedbackResponse> {
    let valid = req.feedback_value == FeedbackValueType::Valid;
    admin.update_auth_event_feedback(&UserPoolId::new(&req.user_pool_id), &req.username, &req.event_id, valid).await?;
    Ok(AdminUpdateAuthEventFeedbackResponse {})
}

/// UpdateAuthEventFeedback (no SigV4: the token of a notification's link authorizes it).
/// Errors: ResourceNotFound, UserNotFound, UserPoolAddOnNotEnabled, NotAuthorized.
pub async fn feedback(
    sign_in: SignInView<'_>,
    req: UpdateAuthEventFeedbackRequest,
) -> Out<UpdateAuthEventFeedbackResponse> {
    let valid = req.feedback_value == FeedbackValueType::Valid;
    let pool = UserPoolId::new(&req.user_pool_id);
    sign_in.update_auth_event_feedback(&pool, &req.username, &req.event_id, &req.feedback_token, valid).await?;
    Ok(UpdateAuthEventFeedbackResponse {})
}
