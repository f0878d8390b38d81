//! Message delivery: email over SMTP (`COGNATE_SMTP_URL`, `COGNATE_EMAIL_FROM`), SMS through a
//! webhook (`COGNATE_SMS_WEBHOOK_URL`, a JSON POST). Whatever is not configured goes to the
//! outbox file in the data dir.

use async_trait::async_trait;
use cognate_core::outbox::{FileOutbox, Message, Outbox};
use cognate_model::DeliveryMedium;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// Routes messages by medium.
pub struct Delivery {
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    sms: Option<(reqwest::Client, String)>,
    fallback: FileOutbox,
}

impl Delivery {
    /// Builds the senders; a malformed URL or address is a startup error.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        sms_webhook: Option<&str>,
        fallback: FileOutbox,
    ) -> Result<Self, String> {
        let smtp = match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("COGNATE_SMTP_URL is not usable: {e} (e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host)"))?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                let from: Mailbox =
                    from.parse().map_err(|e| format!("COGNATE_EMAIL_FROM '{from}' is not an email address: {e}"))?;
                Some((transport, from))
            }
            None => None,
        };
        let sms = match sms_webhook {
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!("COGNATE_SMS_WEBHOOK_URL '{url}' must be an http(s) URL"));
                }
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(15))
                    .build()
                    .map_err(|e| format!("cannot build the SMS webhook client: {e}"))?;
                Some((client, url.to_string()))
            }
            None => None,
        };
        Ok(Self { smtp, sms, fallback })
    }
}

#[async_trait]
impl Outbox for Delivery {
    async fn send(&self, m: &Message) -> Result<(), String> {
        match (m.medium, &self.smtp, &self.sms) {
            (DeliveryMedium::Email, Some((transport, from)), _) => {
                let to: Mailbox = m.to.parse().map_err(|e| format!("bad recipient: {e}"))?;
                let email = lettre::Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&m.subject)
                    .body(m.body.clone())
                    .map_err(|e| format!("cannot build the email: {e}"))?;
                transport.send(email).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
            }
            (DeliveryMedium::Sms, _, Some((client, url))) => {
                let body = serde_json::json!({
                    "to": m.to, "body": m.body, "poolId": m.pool_id, "purpose": m.purpose,
                });
                let r = client.post(url).json(&body).send().await.map_err(|e| format!("SMS webhook: {e}"))?;
                if r.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("SMS webhook answered {}", r.status()))
                }
            }
            _ => self.fallback.send(m).await,
        }
    }
}
