//! Monthly active users, as Cognito bills them: a user is active in a month when they sign in,
//! refresh, or are federated in (every flow that issues them tokens), counted once per pool and
//! month, federated users apart. Exact, not sampled, and cheap: each node remembers which
//! (month, pool, user) it has recorded (8 bytes each), so a user costs one idempotent insert a
//! month per node, written off the sign-in's path.

use crate::CoreResult;
use cognate_model::{User, UserPool, UserStatus};
use cognate_store::MonthlyActive;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// What a node has recorded this month (hashes of month, pool and user).
#[derive(Default)]
pub struct ActiveSeen {
    seen: Mutex<HashSet<u64>>,
    hasher: std::collections::hash_map::RandomState,
}

/// More than this many remembered users and the set starts over (the store's insert is
/// idempotent: forgetting costs a write, never a miscount).
const MAX_REMEMBERED: usize = 4_000_000;

/// `YYYY-MM` (UTC) of a Unix millisecond time.
pub fn month_of(ms: i64) -> String {
    crate::clock::format_datetime(ms)[..7].to_string()
}

impl ActiveSeen {
    /// True the first time this node sees the user in this month.
    fn first(&self, month: &str, pool: &str, user: &str) -> bool {
        let key = self.hasher.hash_one((month, pool, user));
        let Ok(mut seen) = self.seen.lock() else { return true };
        if seen.len() >= MAX_REMEMBERED {
            seen.clear();
        }
        seen.insert(key)
    }
}

impl crate::Cognate {
    /// Counts a user active at `now` (ms): the first time in the month on this node, one
    /// idempotent insert, in the background (a failure is logged; the count is not a promise
    /// made to the caller).
    pub(crate) fn note_active_at(&self, pool: &UserPool, user: &User, now: i64) {
        let month = month_of(now);
        if !self.active_seen.first(&month, pool.id.as_str(), &user.username_key) {
            return;
        }
        let (store, pool_id, key) = (self.store.clone(), pool.id.to_string(), user.username_key.clone());
        let federated = user.status == UserStatus::ExternalProvider;
        tokio::spawn(async move {
            if let Err(e) = store.record_active(&pool_id, &month, &key, federated).await {
                tracing::warn!(pool = %pool_id, error = %e, "monthly active user not recorded");
            }
        });
    }

    /// Monthly active users by pool and month (`cognate usage`, `/metrics`).
    pub async fn monthly_active_users(
        &self,
        pool: Option<&str>,
        month: Option<&str>,
    ) -> CoreResult<Vec<MonthlyActive>> {
        Ok(self.store.active_users(pool, month).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_model::{PoolSettings, UserPoolId};

    #[tokio::test]
    async fn users_count_once_a_month_and_federated_ones_apart() {
        let svc = crate::testing::service().await;
        let pool = UserPool {
            id: UserPoolId::new("us-east-1_Mau"),
            name: "m".into(),
            created_at: 0,
            updated_at: 0,
            settings: PoolSettings::default(),
        };
        let user = |name: &str, status| {
            User::new(pool.id.clone(), name.into(), name.into(), format!("sub-{name}"), status, vec![], 0)
        };
        let (ann, bob, fed) = (
            user("ann", UserStatus::Confirmed),
            user("bob", UserStatus::Confirmed),
            user("Corp_x", UserStatus::ExternalProvider),
        );
        let oct = crate::clock::parse_datetime("2026-10-31T23:59:00Z").unwrap();
        let nov = crate::clock::parse_datetime("2026-11-01T00:01:00Z").unwrap();
        for _ in 0..3 {
            svc.note_active_at(&pool, &ann, oct);
        }
        svc.note_active_at(&pool, &fed, oct);
        svc.note_active_at(&pool, &ann, nov);
        svc.note_active_at(&pool, &bob, nov);
        // The writes run in the background: wait for them.
        let mut rows = vec![];
        for _ in 0..100 {
            rows = svc.monthly_active_users(Some("us-east-1_Mau"), None).await.unwrap();
            if rows.iter().map(|r| r.users + r.federated).sum::<u64>() == 4 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let got: Vec<(String, u64, u64)> = rows.into_iter().map(|r| (r.month, r.users, r.federated)).collect();
        assert_eq!(got, [("2026-10".to_string(), 1, 1), ("2026-11".to_string(), 2, 0)]);
        assert_eq!(month_of(oct), "2026-10");
    }
}
