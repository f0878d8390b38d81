//! Where messages to users go: the [`Outbox`] trait, and the outbox file (one JSON line per
//! message in the data dir) used when no SMTP server or SMS webhook is configured.

use async_trait::async_trait;
use serde::Serialize;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// One message to a user.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Email or SMS (`EMAIL` or `SMS` in the outbox file).
    pub medium: cognate_model::DeliveryMedium,
    /// Address or phone number.
    pub to: String,
    /// Email subject (empty for SMS).
    pub subject: String,
    /// Body.
    pub body: String,
    /// Pool the message belongs to.
    pub pool_id: String,
    /// Why it was sent (`invitation`, ...).
    pub purpose: &'static str,
}

/// Sends messages.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Delivers one message; an error becomes `CodeDeliveryFailureException`.
    async fn send(&self, message: &Message) -> Result<(), String>;
}

/// Appends messages to a JSON-lines file (mode 0600: messages carry codes and passwords).
pub struct FileOutbox {
    path: PathBuf,
    lock: Mutex<bool>,
}

impl FileOutbox {
    /// An outbox writing to `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path, lock: Mutex::new(false) }
    }
}

#[async_trait]
impl Outbox for FileOutbox {
    async fn send(&self, message: &Message) -> Result<(), String> {
        let mut announced = self.lock.lock().await;
        if !*announced {
            tracing::warn!(path = %self.path.display(), "no email or SMS sender configured: messages go to the outbox file");
            *announced = true;
        }
        let mut line = serde_json::to_vec(message).map_err(|e| e.to_string())?;
        line.push(b'\n');
        let mut opts = tokio::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        opts.mode(0o600);
        let mut f = opts.open(&self.path).await.map_err(|e| e.to_string())?;
        f.write_all(&line).await.map_err(|e| e.to_string())?;
        f.sync_data().await.map_err(|e| e.to_string())
    }
}
