//! The signing key ring: every key in the store is published in the JWKS; the newest signs.
//! Keys are generated on first start, sealed by the master key, and rotated by
//! `cognate keys rotate`; a retired key stays published for a day (the longest token life).

use super::jwt::{PublicJwk, SigningKey};
use crate::crypto::MasterKey;
use crate::{CoreError, CoreResult};
use cognate_store::{Store, StoredKey};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// How long a replaced key stays published: the longest access/ID token life.
pub const RETIRED_KEY_GRACE_MS: i64 = 86_400_000;

/// One consistent view of the keys.
pub struct KeyRing {
    /// The key that signs new tokens.
    pub signing: SigningKey,
    /// Every published key, by kid.
    pub public: HashMap<String, PublicJwk>,
    /// Published keys in order, for the JWKS.
    pub ordered: Vec<PublicJwk>,
    /// When the signing key was made (ms).
    pub signing_since: i64,
}

/// The key ring, reloadable at run time.
pub struct Keys {
    ring: RwLock<Arc<KeyRing>>,
}

fn aad(kid: &str) -> String {
    format!("signing-key:{kid}")
}

async fn add_new_key(store: &dyn Store, master: &MasterKey, now: i64) -> CoreResult<String> {
    let key = SigningKey::generate().map_err(CoreError::Internal)?;
    let public = key.public();
    let der = key.to_pkcs8().map_err(CoreError::Internal)?;
    store
        .add_key(&StoredKey {
            kid: key.kid.clone(),
            created_at: now,
            sealed_key: master.seal(&der, &aad(&key.kid)),
            n: public.n,
            e: public.e,
        })
        .await?;
    Ok(key.kid)
}

async fn read_ring(store: &dyn Store, master: &MasterKey) -> CoreResult<Option<KeyRing>> {
    let stored = store.list_keys().await?;
    // A key is published at once but signs only from its `created_at` (a rotation dates it a
    // little ahead, so that every node publishes it before any node signs with it).
    let now = cognate_model::now_millis();
    let Some(newest) = stored.iter().rev().find(|k| k.created_at <= now).or(stored.first()) else {
        return Ok(None);
    };
    let der = master.open(&newest.sealed_key, &aad(&newest.kid))?;
    let signing = SigningKey::from_pkcs8(&newest.kid, &der).map_err(CoreError::Internal)?;
    let ordered: Vec<PublicJwk> = stored.iter().rev().filter_map(|k| PublicJwk::new(&k.kid, &k.n, &k.e)).collect();
    let public = ordered.iter().map(|k| (k.kid.clone(), k.clone())).collect();
    Ok(Some(KeyRing { signing, public, ordered, signing_since: newest.created_at }))
}

impl Keys {
    /// Loads the ring, generating the first key when the store has none.
    /// Nodes starting together on an empty database: one claims the first key, the others wait
    /// for it (and generate their own only if it never comes, e.g. the claimant died).
    pub async fn load(store: &dyn Store, master: &MasterKey) -> CoreResult<Self> {
        let mut ring = read_ring(store, master).await?;
        if ring.is_none() {
            if store.put_meta_if_absent("first-signing-key", "claimed").await? {
                add_new_key(store, master, cognate_model::now_millis()).await?;
            }
            for _ in 0..100 {
                ring = read_ring(store, master).await?;
                if ring.is_some() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            if ring.is_none() {
                add_new_key(store, master, cognate_model::now_millis()).await?;
                ring = read_ring(store, master).await?;
            }
        }
        let ring = ring.ok_or_else(|| CoreError::Internal("no signing key after generation".into()))?;
        Ok(Self { ring: RwLock::new(Arc::new(ring)) })
    }

    /// The current ring.
    pub fn current(&self) -> Arc<KeyRing> {
        self.ring.read().map(|r| r.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Re-reads the store (another node, or the CLI, may have rotated).
    pub async fn reload(&self, store: &dyn Store, master: &MasterKey) -> CoreResult<()> {
        if let Some(r) = read_ring(store, master).await? {
            let fresh = Arc::new(r);
            match self.ring.write() {
                Ok(mut g) => *g = fresh,
                Err(p) => *p.into_inner() = fresh,
            }
        }
        Ok(())
    }
}

/// Adds a new signing key and drops keys whose successor is older than the grace period.
/// Returns the new kid.
/// The new key signs from `activate_in_ms` from now; servers publish it at their next reload.
pub async fn rotate(store: &dyn Store, master: &MasterKey, activate_in_ms: i64) -> CoreResult<String> {
    let now = cognate_model::now_millis();
    let kid = add_new_key(store, master, now + activate_in_ms.max(0)).await?;
    let keys = store.list_keys().await?;
    // The oldest key that must stay: the first whose successor is younger than the grace.
    let keep_from = keys
        .iter()
        .enumerate()
        .find(|(i, _)| keys.get(i + 1).is_none_or(|next| next.created_at >= now - RETIRED_KEY_GRACE_MS))
        .map(|(_, k)| k.created_at)
        .unwrap_or(now);
    store.prune_keys(keep_from).await?;
    Ok(kid)
}
