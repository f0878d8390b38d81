//! Where Cognito Streams records and push-sync notifications go (Cognito: Kinesis and SNS).
//! `COGNATE_SYNC_STREAM_SINK` is a directory (`file:///var/lib/cognate/streams`, the default
//! `{data_dir}/streams`) where each stream is a JSON Lines file `{StreamName}.jsonl`, or an
//! `http(s)://` endpoint that gets each record as a JSON POST with `X-Cognate-Stream:
//! {StreamName}`. `COGNATE_SYNC_PUSH_WEBHOOK` gets each push notification as a JSON POST.

use async_trait::async_trait;
use cognate_core::sync::publish::SyncSink;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

enum Streams {
    Dir(PathBuf),
    Http(String),
}

/// The server's [`SyncSink`].
pub struct Sink {
    streams: Streams,
    push: Option<String>,
    client: reqwest::Client,
    /// One writer at a time, so that lines stay whole.
    write: tokio::sync::Mutex<()>,
}

impl Sink {
    /// A sink for `streams` (a directory, `file://…` or `http(s)://…`) and the push webhook.
    pub fn new(streams: &str, push: Option<String>) -> Result<Self, String> {
        let streams = if streams.starts_with("http://") || streams.starts_with("https://") {
            Streams::Http(streams.to_string())
        } else {
            Streams::Dir(PathBuf::from(streams.strip_prefix("file://").unwrap_or(streams)))
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the sync sink's HTTP client: {e}"))?;
        Ok(Self { streams, push, client, write: Default::default() })
    }

    async fn post(&self, url: &str, body: &Value, stream: Option<&str>) -> Result<(), String> {
        let mut req = self.client.post(url).json(body);
        if let Some(s) = stream {
            req = req.header("x-cognate-stream", s);
        }
        let status = req.send().await.map_err(|e| e.to_string())?.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the endpoint answered {status}"))
        }
    }
}

/// A stream name as a file name: letters, digits, `-`, `_` and `.` kept, the rest `_`.
fn file_name(stream: &str) -> String {
    let safe: String = stream
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    format!("{}.jsonl", safe.trim_start_matches('.'))
}

#[async_trait]
impl SyncSink for Sink {
    async fn publish(&self, stream: &str, record: &Value) -> Result<(), String> {
        match &self.streams {
            Streams::Http(url) => self.post(url, record, Some(stream)).await,
            Streams::Dir(dir) => {
                let mut line = serde_json::to_vec(record).map_err(|e| e.to_string())?;
                line.push(b'\n');
                let _one = self.write.lock().await;
                tokio::fs::create_dir_all(dir).await.map_err(|e| e.to_string())?;
                let mut f = tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(dir.join(file_name(stream)))
                    .await
                    .map_err(|e| e.to_string())?;
                f.write_all(&line).await.map_err(|e| e.to_string())?;
                f.flush().await.map_err(|e| e.to_string())
            }
        }
    }

    async fn push(&self, notification: &Value) -> Result<(), String> {
        match &self.push {
            Some(url) => self.post(url, notification, None).await,
            None => Err("COGNATE_SYNC_PUSH_WEBHOOK is not set".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stream_names_stay_in_their_directory() {
        assert_eq!(super::file_name("prefs-stream"), "prefs-stream.jsonl");
        assert_eq!(super::file_name("../etc/passwd"), "_etc_passwd.jsonl");
    }
}
