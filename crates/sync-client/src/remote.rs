//! The service side: the identity (GetId), its temporary credentials
//! (GetCredentialsForIdentity, refreshed before they expire) and the Cognito Sync calls,
//! through the official AWS SDK for Rust.

use crate::cache::LocalRecord;
use crate::{Error, Result};
use aws_sdk_cognitosync::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitosync::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitosync::primitives::DateTime;
use aws_sdk_cognitosync::types::{Operation, RecordPatch};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// A record as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRecord {
    pub key: String,
    pub value: Option<String>,
    pub sync_count: i64,
    pub modified_at: i64,
    pub device_modified_at: Option<i64>,
}

/// What ListRecords gave, every page together.
#[derive(Debug, Clone, Default)]
pub struct Pulled {
    pub records: Vec<RemoteRecord>,
    pub sync_count: i64,
    pub session_token: String,
    pub merged: Vec<String>,
    pub deleted_after: bool,
}

/// The service, for one identity.
pub struct Remote {
    endpoint: String,
    pool: String,
    region: String,
    logins: HashMap<String, String>,
    identity: Mutex<Option<String>>,
    credentials: Mutex<Option<(Credentials, SystemTime)>>,
}

fn service_error<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(e: SdkError<E, R>) -> Error {
    match &e {
        SdkError::ServiceError(s) => Error::Service {
            code: s.err().code().unwrap_or("Unknown").to_string(),
            message: s.err().message().unwrap_or("").to_string(),
        },
        _ => Error::Unreachable(format!("{e:?}")),
    }
}

fn ms(d: &DateTime) -> i64 {
    d.to_millis().unwrap_or(0)
}

impl Remote {
    /// The service at `endpoint` for identity pool `pool` (its region is the part before `:`).
    pub fn new(endpoint: &str, pool: &str, logins: HashMap<String, String>, identity: Option<String>) -> Self {
        let region = pool.split(':').next().unwrap_or("us-east-1").to_string();
        Self {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            pool: pool.to_string(),
            region,
            logins,
            identity: Mutex::new(identity),
            credentials: Mutex::new(None),
        }
    }

    fn identity_client(&self) -> aws_sdk_cognitoidentity::Client {
        let conf = aws_sdk_cognitoidentity::Config::builder()
            .behavior_version(aws_sdk_cognitoidentity::config::BehaviorVersion::latest())
            .region(aws_sdk_cognitoidentity::config::Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .build();
        aws_sdk_cognitoidentity::Client::from_conf(conf)
    }

    pub(crate) async fn set_identity_id(&self, id: &str) {
        *self.identity.lock().await = Some(id.to_string());
        *self.credentials.lock().await = None;
    }

    /// The identity id, from GetId the first time.
    pub async fn identity_id(&self) -> Result<String> {
        let mut known = self.identity.lock().await;
        if let Some(id) = known.as_ref() {
            return Ok(id.clone());
        }
        let mut req = self.identity_client().get_id().identity_pool_id(&self.pool);
        for (k, v) in &self.logins {
            req = req.logins(k, v);
        }
        let id = req.send().await.map_err(service_error)?.identity_id.unwrap_or_default();
        *known = Some(id.clone());
        Ok(id)
    }

    /// A Cognito Sync client signed with the identity's credentials (refreshed when they
    /// have less than five minutes left).
    async fn sync_client(&self) -> Result<(aws_sdk_cognitosync::Client, String)> {
        let id = self.identity_id().await?;
        let mut creds = self.credentials.lock().await;
        let fresh = creds.as_ref().is_some_and(|(_, exp)| *exp > SystemTime::now() + Duration::from_secs(300));
        if !fresh {
            let mut req = self.identity_client().get_credentials_for_identity().identity_id(&id);
            for (k, v) in &self.logins {
                req = req.logins(k, v);
            }
            let out = req.send().await.map_err(service_error)?;
            let c = out.credentials.ok_or_else(|| Error::Service {
                code: "NoCredentials".into(),
                message: "GetCredentialsForIdentity gave no credentials".into(),
            })?;
            let exp = c.expiration.as_ref().map(|d| SystemTime::UNIX_EPOCH + Duration::from_millis(ms(d) as u64));
            let exp = exp.unwrap_or_else(|| SystemTime::now() + Duration::from_secs(3600));
            let key = Credentials::new(
                c.access_key_id.unwrap_or_default(),
                c.secret_key.unwrap_or_default(),
                c.session_token,
                Some(exp),
                "cognate-sync",
            );
            *creds = Some((key, exp));
        }
        let (key, _) = creds.as_ref().expect("set above");
        let conf = aws_sdk_cognitosync::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .endpoint_url(&self.endpoint)
            .credentials_provider(key.clone())
            .build();
        Ok((aws_sdk_cognitosync::Client::from_conf(conf), id))
    }

    /// ListDatasets, every page.
    pub async fn list_datasets(&self) -> Result<Vec<String>> {
        let (c, id) = self.sync_client().await?;
        let (mut out, mut token) = (vec![], None);
        loop {
            let page = c
                .list_datasets()
                .identity_pool_id(&self.pool)
                .identity_id(&id)
                .max_results(60)
                .set_next_token(token)
                .send()
                .await
                .map_err(service_error)?;
            out.extend(page.datasets().iter().filter_map(|d| d.dataset_name.clone()));
            token = page.next_token;
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// ListRecords after `since`, every page.
    pub async fn list_records(&self, dataset: &str, since: i64) -> Result<Pulled> {
        let (c, id) = self.sync_client().await?;
        let mut pulled = Pulled::default();
        let mut token = None;
        loop {
            let page = c
                .list_records()
                .identity_pool_id(&self.pool)
                .identity_id(&id)
                .dataset_name(dataset)
                .last_sync_count(since)
                .set_next_token(token)
                .send()
                .await
                .map_err(service_error)?;
            if pulled.session_token.is_empty() {
                pulled.session_token = page.sync_session_token.clone().unwrap_or_default();
            }
            pulled.sync_count = pulled.sync_count.max(page.dataset_sync_count.unwrap_or(0));
            pulled.deleted_after |= page.dataset_deleted_after_requested_sync_count;
            pulled.merged.extend(page.merged_dataset_names().iter().cloned());
            for r in page.records() {
                pulled.records.push(RemoteRecord {
                    key: r.key.clone().unwrap_or_default(),
                    value: r.value.clone(),
                    sync_count: r.sync_count.unwrap_or(0),
                    modified_at: r.last_modified_date.as_ref().map(ms).unwrap_or(0),
                    device_modified_at: r.device_last_modified_date.as_ref().map(ms),
                });
            }
            token = page.next_token;
            if token.is_none() {
                pulled.merged.dedup();
                return Ok(pulled);
            }
        }
    }

    /// UpdateRecords with the local changes; the records as the server now holds them.
    pub async fn update_records(
        &self,
        dataset: &str,
        session_token: &str,
        pending: &[LocalRecord],
    ) -> Result<Vec<RemoteRecord>> {
        let (c, id) = self.sync_client().await?;
        let mut req = c
            .update_records()
            .identity_pool_id(&self.pool)
            .identity_id(&id)
            .dataset_name(dataset)
            .sync_session_token(session_token);
        for r in pending {
            let patch = RecordPatch::builder()
                .op(if r.value.is_some() { Operation::Replace } else { Operation::Remove })
                .key(&r.key)
                .set_value(r.value.clone())
                .sync_count(r.sync_count)
                .device_last_modified_date(DateTime::from_millis(r.modified_at))
                .build()
                .map_err(|e| Error::Cache(e.to_string()))?;
            req = req.record_patches(patch);
        }
        let out = req.send().await.map_err(service_error)?;
        Ok(out
            .records()
            .iter()
            .map(|r| RemoteRecord {
                key: r.key.clone().unwrap_or_default(),
                value: r.value.clone(),
                sync_count: r.sync_count.unwrap_or(0),
                modified_at: r.last_modified_date.as_ref().map(ms).unwrap_or(0),
                device_modified_at: r.device_last_modified_date.as_ref().map(ms),
            })
            .collect())
    }
}
