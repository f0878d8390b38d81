//! Auth events: recorded while a pool's threat protection is on, listed newest first
//! (AdminListUserAuthEvents), given feedback (AdminUpdateAuthEventFeedback, and
//! UpdateAuthEventFeedback with the token of a notification email's links), pruned after the
//! retention time. Risk notifications go out here too.

use super::config::require_on;
use super::risk::Assessment;
use crate::outbox::Message;
use crate::views::AdminView;
use crate::{CoreError, CoreResult, RequestContext};
use cognate_model::risk::{
    AuthEvent, AuthEventKind, EventFeedback, EventResponse, EventRisk, NotifyEmail, RiskDecision, ThreatMode,
};
use cognate_model::{now_millis, DeliveryMedium, User, UserPoolId};
use cognate_model::{AppClient, UserPool};
use serde::{Deserialize, Serialize};

/// How long a sign-in that went on to a challenge stays open for its answer.
const PENDING_MS: i64 = 15 * 60_000;
/// How long the links of a notification email work.
const FEEDBACK_TOKEN_MS: i64 = 7 * 86_400_000;
const FEEDBACK_AAD: &str = "auth-event-feedback";

/// A new event of `user` from the request `req`.
fn new_event(kind: AuthEventKind, user: &User, client: Option<&AppClient>, req: &RequestContext) -> AuthEvent {
    AuthEvent {
        event_id: uuid::Uuid::new_v4().to_string(),
        username_key: user.username_key.clone(),
        created_at: now_millis(),
        kind,
        response: EventResponse::Pass,
        risk: EventRisk { level: None, decision: RiskDecision::NoRisk, compromised: false, reasons: vec![] },
        client_id: client.map(|c| c.client_id.to_string()),
        ip: req.source_ip.map(|i| i.to_string()),
        device_name: req.user_agent.clone(),
        city: None,
        country: None,
        timezone: None,
        coordinates: None,
        challenges: vec![],
        feedback: None,
    }
}

/// A new event of `user` from the request `req`, at `place` (its address's, when known).
pub(crate) fn event_at(
    kind: AuthEventKind,
    user: &User,
    client: Option<&AppClient>,
    req: &RequestContext,
    place: Option<super::geo::Place>,
) -> AuthEvent {
    let mut e = new_event(kind, user, client, req);
    if let Some(place) = place {
        e.coordinates = Some(super::geo::to_fixed(&place));
        e.city = place.city;
        e.country = place.country;
        e.timezone = place.time_zone;
    }
    e
}

/// `e` with the assessment and what was decided.
pub(crate) fn assessed(mut e: AuthEvent, a: &Assessment, decision: RiskDecision) -> AuthEvent {
    e.risk.level = Some(a.level);
    e.risk.reasons = a.reasons.clone();
    e.risk.decision = decision;
    e
}

/// What the notification links carry.
#[derive(Serialize, Deserialize)]
struct FeedbackToken {
    pool: String,
    user: String,
    event: String,
    exp: i64,
}

/// Which notification email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    /// The sign-in was blocked.
    Block,
    /// The sign-in was asked for MFA.
    Mfa,
    /// The sign-in was let through.
    NoAction,
}

fn default_email(notice: Notice) -> NotifyEmail {
    let (subject, what) = match notice {
        Notice::Block => ("Blocked sign-in attempt", "We blocked an unrecognized sign-in to your account"),
        Notice::Mfa => {
            ("New sign-in attempt", "We asked for a second factor at an unrecognized sign-in to your account")
        }
        Notice::NoAction => ("New sign-in attempt", "There was an unrecognized sign-in to your account"),
    };
    let text = format!(
        "{what} ({{username}}) at {{login-time}} from {{ip-address}} ({{device-name}}).\n\
         Was this you? Yes: {{one-click-link-valid}}\nNo: {{one-click-link-invalid}}\n"
    );
    NotifyEmail { subject: subject.into(), html_body: None, text_body: Some(text) }
}

impl crate::Cognate {
    /// A new event of `user` from the request `req`, placed by the GeoIP database if there is
    /// one.
    pub(crate) fn event(
        &self,
        kind: AuthEventKind,
        user: &User,
        client: Option<&AppClient>,
        req: &RequestContext,
    ) -> AuthEvent {
        let req = &*self.judged(req, client);
        event_at(kind, user, client, req, self.locate(req))
    }

    /// The place of the request's address.
    pub(crate) fn locate(&self, req: &RequestContext) -> Option<super::geo::Place> {
        self.locator.as_ref()?.locate(req.source_ip?)
    }

    /// Records `event` of a pool whose threat protection is on. A user deleted meanwhile has no
    /// events to keep.
    pub(crate) async fn record_event(&self, pool: &UserPool, event: &AuthEvent) -> CoreResult<()> {
        match self.store.put_auth_event(&pool.id, event).await {
            Err(cognate_store::StoreError::NotFound) => Ok(()),
            r => Ok(r?),
        }
    }

    /// Records the event of a sign-in that ended, after its answer: the sign-in does not wait
    /// for the event's commit (one fsync on SQLite, more than the assessment itself). Listing a
    /// user's events on this node waits for the writes under way; a crash in the millisecond
    /// between the answer and the commit loses the event (never the sign-in's own writes).
    pub(crate) async fn record_event_after(&self, pool: &UserPool, event: AuthEvent) {
        let guard = self.events_in_flight.clone().read_owned().await;
        let (svc, pool) = (self.clone(), pool.clone());
        tokio::spawn(async move {
            if let Err(e) = svc.record_event(&pool, &event).await {
                tracing::warn!(pool = %pool.id, error = %e, "auth event not recorded");
            }
            drop(guard);
        });
    }

    /// Records an event of `kind` that needs no assessment (a sign-up, a password change).
    pub(crate) async fn record_plain_event(
        &self,
        pool: &UserPool,
        client: Option<&AppClient>,
        user: &User,
        req: &RequestContext,
        kind: AuthEventKind,
        compromised: bool,
    ) -> CoreResult<()> {
        if super::mode(pool) == ThreatMode::Off {
            return Ok(());
        }
        let mut e = self.event(kind, user, client, req);
        e.risk.compromised = compromised;
        self.record_event(pool, &e).await
    }

    /// The sign-in of `user` that went on to a challenge ended (`response`): its event says so.
    pub(crate) async fn close_pending_event(
        &self,
        pool: &UserPool,
        user: &User,
        response: EventResponse,
    ) -> CoreResult<()> {
        if super::mode(pool) == ThreatMode::Off {
            return Ok(());
        }
        let now = now_millis();
        drop(self.events_in_flight.write().await);
        let recent = self.store.list_auth_events(&pool.id, &user.username_key, None, 5).await?;
        let pending = recent.into_iter().find(|e| {
            e.kind == AuthEventKind::SignIn
                && e.response == EventResponse::InProgress
                && e.created_at >= now - PENDING_MS
        });
        if let Some(mut e) = pending {
            e.response = response;
            let result = if response == EventResponse::Pass { "Success" } else { "Failure" };
            e.challenges.push(("Mfa".into(), result.into()));
            self.record_event(pool, &e).await?;
        }
        Ok(())
    }

    /// Sends the user the notification of `event`, when they have an email address.
    pub(crate) async fn notify_risk(
        &self,
        pool: &UserPool,
        client: Option<&AppClient>,
        user: &User,
        event: &AuthEvent,
        notice: Notice,
    ) {
        let Some(to) = user.attribute("email") else { return };
        let cfg =
            super::config::effective(pool, client).and_then(|c| c.takeover.as_ref()).and_then(|t| t.notify.as_ref());
        let template = cfg
            .and_then(|n| match notice {
                Notice::Block => n.block_email.clone(),
                Notice::Mfa => n.mfa_email.clone(),
                Notice::NoAction => n.no_action_email.clone(),
            })
            .unwrap_or_else(|| default_email(notice));
        // One token for both links ("it was me", "it was not me").
        let token = self.feedback_token(pool, user, &event.event_id);
        let link = |value: &str| {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("username", &user.username)
                .append_pair("event_id", &event.event_id)
                .append_pair("feedback_value", value)
                .append_pair("token", &token)
                .finish();
            format!("{}/{}/auth-event-feedback?{query}", self.config.public_url.trim_end_matches('/'), pool.id)
        };
        let (valid, invalid) = (link("Valid"), link("Invalid"));
        let time = crate::clock::format_datetime(event.created_at);
        let fill = |s: &str| {
            s.replace("{username}", &user.username)
                .replace("{ip-address}", event.ip.as_deref().unwrap_or("an unknown address"))
                .replace("{city}", event.city.as_deref().unwrap_or(""))
                .replace("{country}", event.country.as_deref().unwrap_or(""))
                .replace("{login-time}", &time)
                .replace("{device-name}", event.device_name.as_deref().unwrap_or("an unknown device"))
                .replace("{one-click-link-valid}", &valid)
                .replace("{one-click-link-invalid}", &invalid)
        };
        let body = template.text_body.as_deref().or(template.html_body.as_deref()).map(fill).unwrap_or_default();
        let msg = Message {
            medium: DeliveryMedium::Email,
            to: to.to_string(),
            subject: fill(&template.subject),
            body,
            pool_id: pool.id.to_string(),
            purpose: "risk-notification",
        };
        if let Err(e) = self.outbox.send(&msg).await {
            tracing::warn!(pool = %pool.id, error = %e, "risk notification not sent");
        }
    }

    fn feedback_token(&self, pool: &UserPool, user: &User, event_id: &str) -> String {
        let t = FeedbackToken {
            pool: pool.id.to_string(),
            user: user.username_key.clone(),
            event: event_id.into(),
            exp: now_millis() + FEEDBACK_TOKEN_MS,
        };
        self.master.seal_url(&serde_json::to_vec(&t).unwrap_or_default(), FEEDBACK_AAD)
    }

    /// Sets the feedback on an event of `user` (`provider`: `Admin` or `User`).
    async fn set_feedback(
        &self,
        pool: &UserPool,
        user: &User,
        event_id: &str,
        valid: bool,
        provider: &str,
    ) -> CoreResult<()> {
        drop(self.events_in_flight.write().await);
        let mut e = self
            .store
            .get_auth_event(&pool.id, &user.username_key, event_id)
            .await?
            .ok_or_else(|| CoreError::ResourceNotFound(format!("Auth event {event_id} not found for the user.")))?;
        e.feedback = Some(EventFeedback { valid, provider: provider.into(), date: now_millis() });
        self.record_event(pool, &e).await
    }

    /// UpdateAuthEventFeedback: feedback with the token of a notification's link. Errors:
    /// ResourceNotFound, UserNotFound, UserPoolAddOnNotEnabled, NotAuthorized (a token that is
    /// not this event's, or expired).
    pub async fn update_auth_event_feedback(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        event_id: &str,
        token: &str,
        valid: bool,
    ) -> CoreResult<()> {
        // The token first: without one, the answer tells nothing of the pool's users.
        let bad = || CoreError::NotAuthorized("Invalid feedback token.".into());
        let t: FeedbackToken = serde_json::from_slice(&self.master.open_url(token, FEEDBACK_AAD).map_err(|_| bad())?)
            .map_err(|_| bad())?;
        if t.pool != pool_id.as_str() || t.event != event_id || t.exp < now_millis() {
            return Err(bad());
        }
        let pool = require_on(self.pool(pool_id).await?)?;
        let user = self.resolve_user(&pool, username).await?;
        if t.user != user.username_key {
            return Err(bad());
        }
        self.set_feedback(&pool, &user, event_id, valid, "User").await
    }

    /// Deletes the events older than the retention time (`auth_event_retention_days`).
    pub async fn prune_auth_events(&self) -> CoreResult<u64> {
        let days = i64::from(self.config.auth_event_retention_days.max(1));
        Ok(self.store.prune_auth_events(now_millis() - days * 86_400_000).await?)
    }
}

impl AdminView<'_> {
    /// AdminListUserAuthEvents: the user's events, newest first. Errors: ResourceNotFound,
    /// UserNotFound, UserPoolAddOnNotEnabled, InvalidParameter (a bad NextToken).
    pub async fn list_user_auth_events(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        max: Option<i64>,
        next: Option<&str>,
    ) -> CoreResult<(Vec<AuthEvent>, Option<String>)> {
        let pool = require_on(self.pool(pool_id).await?)?;
        let user = self.resolve_user(&pool, username).await?;
        drop(self.events_in_flight.write().await);
        let limit = crate::paging::limit(max);
        let after = match next {
            Some(t) => {
                let p = crate::paging::decode(t, 2)?;
                let at =
                    p[0].parse::<i64>().map_err(|_| CoreError::InvalidParameter("Invalid pagination token.".into()))?;
                Some((at, p[1].clone()))
            }
            None => None,
        };
        let mut events = self
            .store
            .list_auth_events(
                &pool.id,
                &user.username_key,
                after.as_ref().map(|(a, i)| (*a, i.as_str())),
                limit as u32 + 1,
            )
            .await?;
        let token = (events.len() > limit).then(|| {
            events.truncate(limit);
            let last = &events[limit - 1];
            crate::paging::encode(&[&last.created_at.to_string(), &last.event_id])
        });
        Ok((events, token))
    }

    /// AdminUpdateAuthEventFeedback. Errors: ResourceNotFound, UserNotFound,
    /// UserPoolAddOnNotEnabled.
    pub async fn update_auth_event_feedback(
        &self,
        pool_id: &UserPoolId,
        username: &str,
        event_id: &str,
        valid: bool,
    ) -> CoreResult<()> {
        let pool = require_on(self.pool(pool_id).await?)?;
        let user = self.resolve_user(&pool, username).await?;
        self.set_feedback(&pool, &user, event_id, valid, "Admin").await
    }
}
