//! Conformance of threat protection's records: auth events.

use super::{pool, user};
use crate::{IpActivity, Store, StoreError};
use cognate_model::risk::{
    AuthEvent, AuthEventKind, EventFeedback, EventResponse, EventRisk, EventTrace, RiskDecision, RiskLevel,
    TRACE_HISTORY,
};
use cognate_model::UserPoolId;

fn event(id: &str, user: &str, at: i64, ip: &str, response: EventResponse) -> AuthEvent {
    AuthEvent {
        event_id: id.into(),
        username_key: user.into(),
        created_at: at,
        kind: AuthEventKind::SignIn,
        response,
        risk: EventRisk {
            level: Some(RiskLevel::Low),
            decision: RiskDecision::NoRisk,
            compromised: false,
            reasons: vec!["new-network".into()],
        },
        client_id: Some("c1".into()),
        ip: Some(ip.into()),
        device_name: Some("agent".into()),
        city: None,
        country: None,
        timezone: None,
        coordinates: None,
        challenges: vec![],
        feedback: None,
    }
}

/// The user's traces are those of their newest events, as read now.
async fn traces_match(store: &dyn Store, pool: &UserPoolId, user: &str) {
    let events = store.list_auth_events(pool, user, None, TRACE_HISTORY as u32).await.unwrap();
    let expected: Vec<EventTrace> = events.iter().map(EventTrace::of).collect();
    // Twice: a read that fills a cache, then one that may come from it.
    for _ in 0..2 {
        assert_eq!(*store.event_traces(pool, user).await.unwrap(), expected, "traces of {user}");
    }
}

/// Auth events: recorded and replaced by id, listed newest first in pages, an address's
/// failures and users counted across the pool, pruned by age, gone with their user.
pub async fn auth_events(store: &dyn Store) {
    let p = pool("events");
    store.create_pool(&p).await.unwrap();
    for u in ["eve", "ed"] {
        store.create_user(&user(&p.id, u, &[]), &[]).await.unwrap();
    }
    traces_match(store, &p.id, "eve").await;
    store.put_auth_event(&p.id, &event("e1", "eve", 10, "10.0.0.1", EventResponse::Fail)).await.unwrap();
    traces_match(store, &p.id, "eve").await;
    store.put_auth_event(&p.id, &event("e2", "eve", 20, "10.0.0.1", EventResponse::InProgress)).await.unwrap();
    store.put_auth_event(&p.id, &event("e3", "eve", 20, "10.0.0.9", EventResponse::Pass)).await.unwrap();
    store.put_auth_event(&p.id, &event("d1", "ed", 30, "10.0.0.1", EventResponse::Fail)).await.unwrap();
    // The sign-in that was in progress passed its MFA: the same event, replaced.
    let mut done = event("e2", "eve", 20, "10.0.0.1", EventResponse::Pass);
    done.challenges = vec![("Password".into(), "Success".into()), ("Mfa".into(), "Success".into())];
    store.put_auth_event(&p.id, &done).await.unwrap();
    traces_match(store, &p.id, "eve").await;

    let all = store.list_auth_events(&p.id, "eve", None, 10).await.unwrap();
    assert_eq!(all.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["e3", "e2", "e1"]);
    assert_eq!(all[1], done);
    let first = store.list_auth_events(&p.id, "eve", None, 2).await.unwrap();
    let last = first.last().unwrap();
    let next = store.list_auth_events(&p.id, "eve", Some((last.created_at, &last.event_id)), 2).await.unwrap();
    assert_eq!(next.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["e1"]);
    assert_eq!(store.get_auth_event(&p.id, "eve", "e1").await.unwrap().unwrap().response, EventResponse::Fail);
    assert!(store.get_auth_event(&p.id, "ed", "e1").await.unwrap().is_none(), "another user's event");

    let seen = store.ip_activity(&p.id, "10.0.0.1", 0).await.unwrap();
    assert_eq!(seen, IpActivity { failures: 2, failed_users: 2 });
    assert_eq!(store.ip_activity(&p.id, "10.0.0.1", 25).await.unwrap(), IpActivity { failures: 1, failed_users: 1 });
    assert_eq!(store.ip_activity(&p.id, "10.9.9.9", 0).await.unwrap(), IpActivity::default());

    assert_eq!(store.prune_auth_events(15).await.unwrap(), 1);
    assert_eq!(store.list_auth_events(&p.id, "eve", None, 10).await.unwrap().len(), 2);
    traces_match(store, &p.id, "eve").await;
    store.delete_user(&p.id, "eve").await.unwrap();
    assert!(store.list_auth_events(&p.id, "eve", None, 10).await.unwrap().is_empty());
    traces_match(store, &p.id, "eve").await;

    // A long history: only the newest are traced, kept newest first as events come and change.
    for i in 0..(TRACE_HISTORY as i64 + 5) {
        let mut e = event(&format!("h{i:02}"), "ed", 100 + i / 2, "10.0.0.2", EventResponse::Pass);
        e.device_name = Some(format!("agent {}", i % 3));
        store.put_auth_event(&p.id, &e).await.unwrap();
        if i % 10 == 0 {
            traces_match(store, &p.id, "ed").await;
        }
    }
    let mut newest = store.list_auth_events(&p.id, "ed", None, 1).await.unwrap().remove(0);
    newest.feedback = Some(EventFeedback { valid: false, provider: "Admin".into(), date: 1 });
    store.put_auth_event(&p.id, &newest).await.unwrap();
    // An old event, beyond the traced ones, changes: the traces do not.
    let mut old = store.get_auth_event(&p.id, "ed", "h00").await.unwrap().unwrap();
    old.response = EventResponse::Fail;
    store.put_auth_event(&p.id, &old).await.unwrap();
    traces_match(store, &p.id, "ed").await;
    assert_eq!(store.event_traces(&p.id, "ed").await.unwrap()[0].feedback, Some(false));
    assert_eq!(store.event_traces(&p.id, "ed").await.unwrap().len(), TRACE_HISTORY);
    let gone = store.put_auth_event(&p.id, &event("e9", "eve", 40, "10.0.0.1", EventResponse::Pass)).await;
    assert!(matches!(gone, Err(StoreError::NotFound)));
    // Re-created under the same name: a history of its own.
    store.create_user(&user(&p.id, "eve", &[]), &[]).await.unwrap();
    traces_match(store, &p.id, "eve").await;
}
