//! The risk of a sign-in, from signals each of which can be named:
//!
//! | signal | fires when | weight |
//! |---|---|---|
//! | `blocked-ip-range` | the address is in the configuration's `BlockedIPRangeList` | blocks |
//! | `ip-reputation` | the address is on the operator's reputation list (`COGNATE_IP_REPUTATION_FILE`) | 2 |
//! | `marked-network` | the user called a sign-in from this network not theirs (feedback `Invalid`) | 3 |
//! | `new-network` | the user has signed in before, never from this /24 (/48 for IPv6) | 1 |
//! | `new-device` | the user has signed in before, never with this user agent or device key | 1 |
//! | `user-failure-velocity` | 3 (10) failed sign-ins of the user in 15 minutes | 1 (2) |
//! | `ip-failure-velocity` | 20 (100) failed events from the address in the pool in an hour | 1 (2) |
//! | `credential-stuffing` | the address failed for 5 or more users of the pool in an hour | 2 |
//!
//! Networks and devices of sign-ins the user confirmed (feedback `Valid`) count as theirs.
//! The level: weight 0 is Low, 1–2 Medium, 3 or more High; an address in the
//! `SkippedIPRangeList` is not assessed (Low).

use super::geo::Place;
use crate::{CoreResult, RequestContext};
use cognate_model::risk::{EventResponse, EventTrace, RiskConfig, RiskLevel, TakeoverAction};
use cognate_model::User;
use cognate_model::{AppClient, UserPool};

const MINUTE: i64 = 60_000;

/// What the signals said about one sign-in.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The level.
    pub level: RiskLevel,
    /// The signals that fired.
    pub reasons: Vec<String>,
    /// The address is in the blocked ranges.
    pub blocked_ip: bool,
    /// Where the address is (with a GeoIP database), for the event too.
    pub place: Option<Place>,
}

/// What the level's action makes of an assessment (ENFORCED mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Allow,
    /// Ask for MFA; `required`: refuse when the user has no factor.
    Mfa {
        /// MFA_REQUIRED rather than MFA_IF_CONFIGURED.
        required: bool,
    },
    /// Refuse.
    Block,
}

/// The action for an assessment under `config` (`notify`: the level's action tells the user).
pub fn verdict(a: &Assessment, config: Option<&RiskConfig>) -> (Verdict, bool) {
    if a.blocked_ip {
        return (Verdict::Block, false);
    }
    let Some(action) = config.and_then(|c| c.takeover.as_ref()).and_then(|t| t.at(a.level)) else {
        return (Verdict::Allow, false);
    };
    let v = match action.action {
        TakeoverAction::Block => Verdict::Block,
        TakeoverAction::MfaIfConfigured => Verdict::Mfa { required: false },
        TakeoverAction::MfaRequired => Verdict::Mfa { required: true },
        TakeoverAction::NoAction => Verdict::Allow,
    };
    (v, action.notify)
}

fn level_of(weight: u32) -> RiskLevel {
    match weight {
        0 => RiskLevel::Low,
        1 | 2 => RiskLevel::Medium,
        _ => RiskLevel::High,
    }
}

/// The signals of the user's own history (its newest events' traces): `(weight, reasons)`.
pub(crate) fn history_signals(
    history: &[EventTrace],
    ip: Option<&str>,
    agent: Option<&str>,
    device_key: Option<&str>,
    place: Option<(f64, f64)>,
    now: i64,
) -> (u32, Vec<String>) {
    let mut weight = 0;
    let mut reasons = vec![];
    let here = ip.and_then(EventTrace::network_key);
    let agent = agent.map(EventTrace::device_key);
    let sign_ins = || history.iter().filter(|e| e.sign_in);
    let theirs = |e: &&EventTrace| e.feedback.unwrap_or(e.response == EventResponse::Pass);
    if here.is_some() && sign_ins().any(|e| e.feedback == Some(false) && e.network == here) {
        weight += 3;
        reasons.push("marked-network".into());
    }
    let known: Vec<&EventTrace> = sign_ins().filter(theirs).collect();
    if !known.is_empty() {
        if here.is_some() && !known.iter().any(|e| e.network == here) {
            weight += 1;
            reasons.push("new-network".into());
        }
        let known_agent = agent.is_some_and(|a| known.iter().any(|e| e.device == Some(a)));
        if device_key.is_none() && !known_agent {
            weight += 1;
            reasons.push("new-device".into());
        }
    }
    if let Some(here) = place {
        // The last sign-in of theirs that has a place (the history is newest first).
        if let Some((e, there)) = known.iter().find_map(|e| e.coordinates.map(|c| (e, super::geo::from_fixed(c)))) {
            let km = super::geo::distance_km(there, here);
            let hours = ((now - e.created_at) as f64 / 3_600_000.0).max(1.0 / 60.0);
            if km > 500.0 && km / hours > 900.0 {
                weight += 2;
                reasons.push(format!("impossible-travel ({km:.0} km in {hours:.1} h)"));
            }
        }
    }
    let failures =
        sign_ins().filter(|e| e.response == EventResponse::Fail && e.created_at >= now - 15 * MINUTE).count();
    if failures >= 10 {
        weight += 2;
        reasons.push(format!("user-failure-velocity ({failures} failed in 15 min)"));
    } else if failures >= 3 {
        weight += 1;
        reasons.push(format!("user-failure-velocity ({failures} failed in 15 min)"));
    }
    (weight, reasons)
}

impl crate::Cognate {
    /// Assesses a sign-in of `user` from the request `req` as [`judged`](crate::Cognate::judged)
    /// for `client` (`device_key`: a remembered device the request names).
    pub(crate) async fn assess(
        &self,
        pool: &UserPool,
        client: Option<&AppClient>,
        user: &User,
        req: &RequestContext,
        device_key: Option<&str>,
        now: i64,
    ) -> CoreResult<Assessment> {
        let config = super::config::effective(pool, client);
        let exceptions = config.and_then(|c| c.exceptions.as_ref());
        let place = self.locate(req);
        if let (Some(ip), Some(x)) = (req.source_ip, exceptions) {
            let (level, reason, blocked_ip) = if x.skipped.iter().any(|n| n.contains(ip)) {
                (RiskLevel::Low, "skipped-ip-range", false)
            } else if x.blocked.iter().any(|n| n.contains(ip)) {
                (RiskLevel::High, "blocked-ip-range", true)
            } else {
                (RiskLevel::Low, "", false)
            };
            if !reason.is_empty() {
                return Ok(Assessment { level, reasons: vec![reason.into()], blocked_ip, place });
            }
        }
        let ip = req.source_ip.map(|i| i.to_string());
        // The events of sign-ins answered a moment ago on this node are part of the history
        // (`record_event_after`): wait for their commits, a few milliseconds at most.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(100), self.events_in_flight.write()).await;
        // The user's history and the address's activity: two reads, side by side.
        let since = now - 60 * MINUTE;
        let (history, seen) = tokio::join!(self.store.event_traces(&pool.id, &user.username_key), async {
            match &ip {
                Some(ip) => self.store.ip_activity(&pool.id, ip, since).await.map(Some),
                None => Ok(None),
            }
        });
        let (history, seen) = (history?, seen?);
        let here = place.as_ref().map(|p| (p.latitude, p.longitude));
        let (mut weight, mut reasons) =
            history_signals(&history, ip.as_deref(), req.user_agent.as_deref(), device_key, here, now);
        if let Some(ip) = req.source_ip {
            let list = self.reputation.read().unwrap_or_else(|e| e.into_inner()).clone();
            if let Some(label) = list.lookup(ip) {
                weight += 2;
                reasons.push(if label.is_empty() {
                    "ip-reputation".into()
                } else {
                    format!("ip-reputation ({label})")
                });
            }
        }
        if let Some(seen) = seen {
            if seen.failures >= 100 {
                weight += 2;
                reasons.push(format!("ip-failure-velocity ({} failed in 1 h)", seen.failures));
            } else if seen.failures >= 20 {
                weight += 1;
                reasons.push(format!("ip-failure-velocity ({} failed in 1 h)", seen.failures));
            }
            if seen.failed_users >= 5 {
                weight += 2;
                reasons
                    .push(format!("credential-stuffing ({} users failed from this address in 1 h)", seen.failed_users));
            }
        }
        Ok(Assessment { level: level_of(weight), reasons, blocked_ip: false, place })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_model::risk::{AuthEvent, AuthEventKind, EventFeedback, EventRisk, RiskDecision};

    /// [`history_signals`] of these events.
    fn signals(
        events: &[AuthEvent],
        ip: Option<&str>,
        agent: Option<&str>,
        device_key: Option<&str>,
        place: Option<(f64, f64)>,
        now: i64,
    ) -> (u32, Vec<String>) {
        let traces: Vec<EventTrace> = events.iter().map(EventTrace::of).collect();
        history_signals(&traces, ip, agent, device_key, place, now)
    }

    fn ev(at: i64, ip: &str, agent: &str, response: EventResponse) -> AuthEvent {
        AuthEvent {
            event_id: format!("e{at}"),
            username_key: "u".into(),
            created_at: at,
            kind: AuthEventKind::SignIn,
            response,
            risk: EventRisk { level: None, decision: RiskDecision::NoRisk, compromised: false, reasons: vec![] },
            client_id: None,
            ip: Some(ip.into()),
            device_name: Some(agent.into()),
            city: None,
            country: None,
            timezone: None,
            coordinates: None,
            challenges: vec![],
            feedback: None,
        }
    }

    #[test]
    fn each_history_signal_fires_on_its_own() {
        let now = 100 * MINUTE;
        let home = vec![ev(1, "192.0.2.10", "firefox", EventResponse::Pass)];
        // First sign-in ever: nothing to compare with.
        assert_eq!(signals(&[], Some("198.51.100.1"), Some("curl"), None, None, now), (0, vec![]));
        // Same network, same agent.
        assert_eq!(signals(&home, Some("192.0.2.99"), Some("firefox"), None, None, now).0, 0);
        let (w, r) = signals(&home, Some("198.51.100.1"), Some("curl"), None, None, now);
        assert_eq!((w, r), (2, vec!["new-network".to_string(), "new-device".to_string()]));
        // A remembered device is not new.
        assert_eq!(signals(&home, Some("192.0.2.5"), Some("curl"), Some("dk"), None, now).0, 0);
        // Failures in the last 15 minutes.
        let mut failing = home.clone();
        failing.extend((0..3).map(|i| ev(now - i, "203.0.113.1", "x", EventResponse::Fail)));
        let (w, r) = signals(&failing, Some("192.0.2.10"), Some("firefox"), None, None, now);
        assert_eq!(w, 1, "{r:?}");
        assert!(r[0].starts_with("user-failure-velocity"));
        // Feedback: a network the user disowned is high risk; one they confirmed is theirs.
        let mut marked = home.clone();
        let mut bad = ev(2, "203.0.113.7", "x", EventResponse::Pass);
        bad.feedback = Some(EventFeedback { valid: false, provider: "Admin".into(), date: 3 });
        marked.push(bad);
        let (w, r) = signals(&marked, Some("203.0.113.50"), Some("firefox"), None, None, now);
        assert_eq!(level_of(w), RiskLevel::High, "{r:?}");
        assert_eq!(r[0], "marked-network");
        let mut trusted = home.clone();
        let mut ok = ev(2, "203.0.113.7", "phone", EventResponse::Fail);
        ok.feedback = Some(EventFeedback { valid: true, provider: "User".into(), date: 3 });
        trusted.push(ok);
        assert_eq!(signals(&trusted, Some("203.0.113.8"), Some("phone"), None, None, now).0, 0);
        // Paris an hour ago, New York now: too far, too fast.
        let mut paris = ev(now - 60 * MINUTE, "192.0.2.10", "firefox", EventResponse::Pass);
        paris.coordinates = Some((488_566, 23_522));
        let ny = Some((40.71, -74.0));
        let (w, r) = signals(&[paris.clone()], Some("192.0.2.11"), Some("firefox"), None, ny, now);
        assert_eq!(w, 2, "{r:?}");
        assert!(r[0].starts_with("impossible-travel"), "{r:?}");
        // A day later it is a trip.
        paris.created_at = now - 24 * 60 * MINUTE;
        assert_eq!(signals(&[paris], Some("192.0.2.11"), Some("firefox"), None, ny, now).0, 0);
    }
}
