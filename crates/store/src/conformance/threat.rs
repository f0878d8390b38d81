//! Conformance of threat protection's records: auth events.

use super::{pool, user};
use crate::{IpActivity, Store, StoreError};
use cognate_model::risk::{AuthEvent, AuthEventKind, EventResponse, EventRisk, RiskDecision, RiskLevel};

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

/// Auth events: recorded and replaced by id, listed newest first in pages, an address's
/// failures and users counted across the pool, pruned by age, gone with their user.
pub async fn auth_events(store: &dyn Store) {
    let p = pool("events");
    store.create_pool(&p).await.unwrap();
    for u in ["eve", "ed"] {
        store.create_user(&user(&p.id, u, &[]), &[]).await.unwrap();
    }
    store.put_auth_event(&p.id, &event("e1", "eve", 10, "10.0.0.1", EventResponse::Fail)).await.unwrap();
    store.put_auth_event(&p.id, &event("e2", "eve", 20, "10.0.0.1", EventResponse::InProgress)).await.unwrap();
    store.put_auth_event(&p.id, &event("e3", "eve", 20, "10.0.0.9", EventResponse::Pass)).await.unwrap();
    store.put_auth_event(&p.id, &event("d1", "ed", 30, "10.0.0.1", EventResponse::Fail)).await.unwrap();
    // The sign-in that was in progress passed its MFA: the same event, replaced.
    let mut done = event("e2", "eve", 20, "10.0.0.1", EventResponse::Pass);
    done.challenges = vec![("Password".into(), "Success".into()), ("Mfa".into(), "Success".into())];
    store.put_auth_event(&p.id, &done).await.unwrap();

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
    store.delete_user(&p.id, "eve").await.unwrap();
    assert!(store.list_auth_events(&p.id, "eve", None, 10).await.unwrap().is_empty());
    let gone = store.put_auth_event(&p.id, &event("e9", "eve", 40, "10.0.0.1", EventResponse::Pass)).await;
    assert!(matches!(gone, Err(StoreError::NotFound)));
}
