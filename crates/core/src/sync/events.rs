//! Cognito Events: the identity pool's `SyncTrigger` function sees each UpdateRecords before it
//! is applied — the documented event (`version` 2, `eventType`, `region`, `identityPoolId`,
//! `identityId`, `datasetName`, `datasetRecords` with `oldValue`, `newValue` and `op`) — and the
//! records it gives back are the ones written (it may change a value, or turn a write into a
//! removal). Its failures are cognito-sync's: a function error or an answer that is not the
//! event is `InvalidLambdaFunctionOutputException`, an endpoint that does not answer is
//! `LambdaThrottledException` (the API maps them).

use super::SyncView;
use crate::triggers::{unrecognizable, Trigger};
use crate::CoreResult;
use cognate_store::SyncPatch;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

impl SyncView<'_> {
    /// The pool's sync settings, when it has any.
    /// (Through the settings cache: see `settings_cache` for its coherence rule.)
    pub(crate) async fn pool_settings(&self, pool: &str) -> CoreResult<Option<super::pools::SyncSettings>> {
        let now = cognate_model::now_millis();
        if let Some(hit) = self.sync_settings_cache.get(pool, now) {
            return Ok(hit);
        }
        let settings = self.read_sync_settings(pool).await?;
        self.sync_settings_cache.put(pool, settings.clone(), now);
        Ok(settings)
    }

    /// Runs the pool's SyncTrigger over `patches` and returns the patches to apply.
    pub(crate) async fn sync_trigger(
        &self,
        function: &str,
        (pool, identity, name): (&str, &str, &str),
        mut patches: Vec<SyncPatch>,
    ) -> CoreResult<Vec<SyncPatch>> {
        let current: HashMap<String, Option<String>> = self
            .store
            .list_records(identity, name, 0, None, super::LIMITS.records_per_dataset as usize + 1)
            .await?
            .into_iter()
            .map(|r| (r.key, r.value))
            .collect();
        let mut records = Map::new();
        for p in &patches {
            let op = if p.value.is_some() { "replace" } else { "remove" };
            let old = current.get(&p.key).cloned().flatten();
            records.insert(p.key.clone(), json!({ "oldValue": old, "newValue": p.value, "op": op }));
        }
        let event = json!({
            "version": 2,
            "eventType": "SyncTrigger",
            "region": self.config.region,
            "identityPoolId": pool,
            "identityId": identity,
            "datasetName": name,
            "datasetRecords": records,
        });
        let t = Trigger::SyncTrigger;
        let answer = self.invoke_event(t, "SyncTrigger", function, &event).await?;
        let answer: Value = serde_json::from_slice(&answer).map_err(|_| unrecognizable(t, "the answer is not JSON"))?;
        let Some(returned) = answer.get("datasetRecords").and_then(Value::as_object) else {
            return Err(unrecognizable(t, "the answer has no datasetRecords"));
        };
        for p in &mut patches {
            // A record the function left out is written as asked.
            let Some(r) = returned.get(&p.key) else { continue };
            match r.get("op").and_then(Value::as_str).unwrap_or("replace") {
                "remove" => p.value = None,
                "replace" => match r.get("newValue") {
                    Some(Value::String(v)) => p.value = Some(v.clone()),
                    Some(Value::Null) | None => p.value = None,
                    Some(_) => return Err(unrecognizable(t, "newValue")),
                },
                _ => return Err(unrecognizable(t, "op")),
            }
        }
        Ok(patches)
    }
}
