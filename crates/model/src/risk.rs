//! Threat protection's settings (SetRiskConfiguration) and what it records (auth events).

use crate::net::IpNet;
use crate::Millis;
use serde::{Deserialize, Serialize};

/// `UserPoolAddOns.AdvancedSecurityMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreatMode {
    /// No risk assessment, no events.
    #[default]
    Off,
    /// Assess and record, never act.
    Audit,
    /// Assess, record and act on the risk configuration.
    Enforced,
}

impl ThreatMode {
    /// Parses the wire value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "OFF" => Some(Self::Off),
            "AUDIT" => Some(Self::Audit),
            "ENFORCED" => Some(Self::Enforced),
            _ => None,
        }
    }
}

/// An event compromised credentials are checked on (`EventFilterType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CredentialEvent {
    /// A sign-in with a password.
    SignIn,
    /// A password set, changed or reset.
    PasswordChange,
    /// A sign-up (and AdminCreateUser with a password).
    SignUp,
}

/// `CompromisedCredentialsRiskConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompromisedCredentials {
    /// `Actions.EventAction` is `BLOCK` (else `NO_ACTION`).
    pub block: bool,
    /// `EventFilter`; empty means every event.
    #[serde(default)]
    pub events: Vec<CredentialEvent>,
}

impl CompromisedCredentials {
    /// Whether `event` is checked.
    pub fn covers(&self, event: CredentialEvent) -> bool {
        self.events.is_empty() || self.events.contains(&event)
    }
}

/// What to do at a risk level (`AccountTakeoverEventActionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TakeoverAction {
    /// Refuse the sign-in.
    Block,
    /// Ask for MFA if the user has a factor, else allow.
    MfaIfConfigured,
    /// Ask for MFA if the user has a factor, else refuse.
    MfaRequired,
    /// Allow.
    NoAction,
}

/// One level's action and whether the user is told (`AccountTakeoverActionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelAction {
    /// `EventAction`.
    pub action: TakeoverAction,
    /// `Notify`.
    pub notify: bool,
}

/// A notification email (`NotifyEmailType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyEmail {
    /// `Subject`.
    pub subject: String,
    /// `HtmlBody`.
    #[serde(default)]
    pub html_body: Option<String>,
    /// `TextBody`.
    #[serde(default)]
    pub text_body: Option<String>,
}

/// `NotifyConfiguration`: who the notification emails come from and what they say.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NotifyConfig {
    /// `SourceArn` (stored; mail goes out through Cognate's SMTP relay).
    pub source_arn: String,
    /// `From`.
    #[serde(default)]
    pub from: Option<String>,
    /// `ReplyTo`.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// `BlockEmail`.
    #[serde(default)]
    pub block_email: Option<NotifyEmail>,
    /// `MfaEmail`.
    #[serde(default)]
    pub mfa_email: Option<NotifyEmail>,
    /// `NoActionEmail`.
    #[serde(default)]
    pub no_action_email: Option<NotifyEmail>,
}

/// `AccountTakeoverRiskConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountTakeover {
    /// `Actions.LowAction`.
    #[serde(default)]
    pub low: Option<LevelAction>,
    /// `Actions.MediumAction`.
    #[serde(default)]
    pub medium: Option<LevelAction>,
    /// `Actions.HighAction`.
    #[serde(default)]
    pub high: Option<LevelAction>,
    /// `NotifyConfiguration`.
    #[serde(default)]
    pub notify: Option<NotifyConfig>,
}

impl AccountTakeover {
    /// The action at `level` (`None`: no action, no notification).
    pub fn at(&self, level: RiskLevel) -> Option<LevelAction> {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
        }
    }
}

/// `RiskExceptionConfiguration`: networks always blocked, and networks never assessed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RiskExceptions {
    /// `BlockedIPRangeList`.
    #[serde(default)]
    pub blocked: Vec<IpNet>,
    /// `SkippedIPRangeList`.
    #[serde(default)]
    pub skipped: Vec<IpNet>,
}

/// One SetRiskConfiguration: for the pool, or for one app client (which then replaces the
/// pool's for that client).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RiskConfig {
    /// `CompromisedCredentialsRiskConfiguration`.
    #[serde(default)]
    pub compromised: Option<CompromisedCredentials>,
    /// `AccountTakeoverRiskConfiguration`.
    #[serde(default)]
    pub takeover: Option<AccountTakeover>,
    /// `RiskExceptionConfiguration`.
    #[serde(default)]
    pub exceptions: Option<RiskExceptions>,
    /// When it was set.
    pub last_modified: Millis,
}

/// A risk level (`RiskLevelType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub enum RiskLevel {
    /// Nothing unusual, or little.
    Low,
    /// Something unusual.
    Medium,
    /// Signs of an attack.
    High,
}

/// What an auth event records (`EventType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthEventKind {
    /// A sign-in.
    SignIn,
    /// A sign-up.
    SignUp,
    /// A forgotten password's reset (ForgotPassword, ConfirmForgotPassword).
    ForgotPassword,
    /// A password change (ChangePassword, a required new password).
    PasswordChange,
    /// ResendConfirmationCode.
    ResendCode,
}

/// How the event ended (`EventResponseType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventResponse {
    /// It succeeded.
    Pass,
    /// It failed (a wrong password, a refusal, a block).
    Fail,
    /// It went on to a challenge (MFA) not answered yet.
    InProgress,
}

/// What threat protection decided (`RiskDecisionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskDecision {
    /// Nothing to act on.
    NoRisk,
    /// Account takeover risk: acted on by the level's action.
    AccountTakeover,
    /// Blocked (a blocked network, or compromised credentials).
    Block,
}

/// The assessment of one event (`EventRiskType`, and Cognate's reasons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRisk {
    /// `RiskLevel` (none for events that are not assessed, like a sign-up).
    #[serde(default)]
    pub level: Option<RiskLevel>,
    /// `RiskDecision`.
    pub decision: RiskDecision,
    /// `CompromisedCredentialsDetected`.
    pub compromised: bool,
    /// The signals that fired, in words (`new-network`, `blocked-ip`, ...).
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// Feedback on an event (`EventFeedbackType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFeedback {
    /// `FeedbackValue` is `Valid` (else `Invalid`).
    pub valid: bool,
    /// `Provider`: `Admin` or `User`.
    pub provider: String,
    /// `FeedbackDate`.
    pub date: Millis,
}

/// One recorded event of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthEvent {
    /// `EventId`.
    pub event_id: String,
    /// The user's key in the pool.
    pub username_key: String,
    /// `CreationDate`.
    pub created_at: Millis,
    /// `EventType`.
    pub kind: AuthEventKind,
    /// `EventResponse`.
    pub response: EventResponse,
    /// `EventRisk`.
    pub risk: EventRisk,
    /// The app client, when known.
    #[serde(default)]
    pub client_id: Option<String>,
    /// `EventContextData.IpAddress`.
    #[serde(default)]
    pub ip: Option<String>,
    /// `EventContextData.DeviceName`: the user agent, or the remembered device's name.
    #[serde(default)]
    pub device_name: Option<String>,
    /// `EventContextData.City` (with a GeoIP database).
    #[serde(default)]
    pub city: Option<String>,
    /// `EventContextData.Country` (with a GeoIP database).
    #[serde(default)]
    pub country: Option<String>,
    /// `EventContextData.Timezone` (with a GeoIP database).
    #[serde(default)]
    pub timezone: Option<String>,
    /// Where the address was, in ten-thousandths of a degree (latitude, longitude), for the
    /// impossible-travel signal (with a GeoIP database).
    #[serde(default)]
    pub coordinates: Option<(i32, i32)>,
    /// `ChallengeResponses`: each challenge and `Success` or `Failure`.
    #[serde(default)]
    pub challenges: Vec<(String, String)>,
    /// `EventFeedback`.
    #[serde(default)]
    pub feedback: Option<EventFeedback>,
}

/// How many of a user's newest events a sign-in's risk assessment reads.
pub const TRACE_HISTORY: usize = 30;

/// What a sign-in's risk assessment reads of one past event: a compact copy of its
/// [`AuthEvent`] (the read cache keeps a user's newest [`TRACE_HISTORY`] of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTrace {
    /// The event's id (an update of the event replaces its trace).
    pub event_id: Box<str>,
    /// When.
    pub created_at: Millis,
    /// A sign-in (else a sign-up, a password change…).
    pub sign_in: bool,
    /// How it ended.
    pub response: EventResponse,
    /// The feedback on it: `Some(true)` for `Valid`.
    pub feedback: Option<bool>,
    /// [`IpNet::network_key`] of its address.
    pub network: Option<u64>,
    /// [`EventTrace::device_key`] of its device name.
    pub device: Option<u64>,
    /// Where its address was.
    pub coordinates: Option<(i32, i32)>,
}

impl EventTrace {
    /// The trace of `e`.
    pub fn of(e: &AuthEvent) -> Self {
        Self {
            event_id: e.event_id.as_str().into(),
            created_at: e.created_at,
            sign_in: e.kind == AuthEventKind::SignIn,
            response: e.response,
            feedback: e.feedback.as_ref().map(|f| f.valid),
            network: e.ip.as_deref().and_then(Self::network_key),
            device: e.device_name.as_deref().map(Self::device_key),
            coordinates: e.coordinates,
        }
    }

    /// The network of an address (text), when it is one.
    pub fn network_key(ip: &str) -> Option<u64> {
        ip.parse().ok().map(IpNet::network_key)
    }

    /// A device name, hashed (equal names, equal keys; another name matches with odds of 2^-64).
    pub fn device_key(name: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        name.hash(&mut h);
        h.finish()
    }

    /// The order of a user's events: newest first (`created_at`, then `event_id`, descending).
    pub fn newer_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        (b.created_at, &b.event_id).cmp(&(a.created_at, &a.event_id))
    }
}
