//! Takedown notices: what one says, and its delivery by e-mail (SMTP) or by webhook
//! (a JSON `POST` signed as Standard Webhooks sign: `webhook-id`, `webhook-timestamp`,
//! `webhook-signature`).
//!
//! A notice names the address, when it was first reported, the hotline and the operator's
//! wording, and carries a link by which the host confirms removal. It never carries a
//! picture, a fingerprint, a case number or anything about who reported it.

use super::contacts::{Contact, Contacts};
use super::settings::TakedownSettings;
use crate::config::Secret;
use base64::Engine;
use hmac::{Hmac, Mac};
use lettre::AsyncTransport;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path under which hosts confirm removal: `{public_url}{CONFIRM_PATH}/{token}`.
pub const CONFIRM_PATH: &str = "/api/v1/takedown/confirm";

/// A notice as delivered: the webhook's JSON body, and what the e-mail says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeBody {
    /// Always `takedown.notice`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The notice's reference; the same on every delivery of this notice.
    pub notice_id: String,
    /// The hotline's name.
    pub hotline: String,
    /// The address to take down.
    pub url: String,
    /// When it was first reported to the hotline (RFC 3339, to the hour).
    pub first_reported_at: String,
    /// What the content is, in a sentence.
    pub reason: String,
    /// The operator's own wording (legal basis, how to reach the hotline).
    pub message: String,
    /// Where the host confirms removal: a `POST` (the page there has the button).
    pub confirm_removal_url: String,
}

impl NoticeBody {
    /// A notice about `url`, first reported at `first_reported_ms` (Unix ms), with the
    /// operator's words in `language` (else the default).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        notice_id: &str,
        hotline: &str,
        url: &str,
        first_reported_ms: i64,
        settings: &TakedownSettings,
        language: Option<&str>,
        public_url: &str,
        token: &str,
    ) -> Self {
        let first =
            UNIX_EPOCH + Duration::from_millis(u64::try_from(first_reported_ms).unwrap_or(0));
        NoticeBody {
            kind: "takedown.notice".into(),
            notice_id: notice_id.into(),
            hotline: hotline.into(),
            url: url.into(),
            first_reported_at: humantime::format_rfc3339_seconds(first).to_string(),
            reason: format!(
                "This address was reported to {hotline} as showing a sexual image of a \
                 person under 18 (child sexual abuse material). Please remove it and keep \
                 it from being uploaded again."
            ),
            message: settings.wording_for(language).to_owned(),
            confirm_removal_url: format!(
                "{}{CONFIRM_PATH}/{token}",
                public_url.trim_end_matches('/')
            ),
        }
    }

    /// The e-mail's subject.
    pub fn subject(&self) -> String {
        format!(
            "Takedown notice {}: please remove {}",
            self.notice_id, self.url
        )
    }

    /// The e-mail's text.
    pub fn text(&self) -> String {
        let mut text = format!(
            "Takedown notice {id} from {hotline}\n\n{reason}\n\nAddress: {url}\n\
             First reported: {first}\n\n\
             When it is removed, please tell us at\n{confirm}\n\
             (open it and press the button, or send a POST to it). We check the address \
             again ourselves; until it is gone, we will send this notice again.\n\n\
             Please quote {id} in any reply.\n",
            id = self.notice_id,
            hotline = self.hotline,
            reason = self.reason,
            url = self.url,
            first = self.first_reported_at,
            confirm = self.confirm_removal_url,
        );
        if !self.message.is_empty() {
            text.push('\n');
            text.push_str(self.message.trim_end());
            text.push('\n');
        }
        text
    }
}

/// Signs a webhook delivery as Standard Webhooks does: base64 of HMAC-SHA256 over
/// `{id}.{timestamp}.{body}`, as `v1,SIGNATURE`.
pub fn webhook_signature(key: &[u8], id: &str, timestamp: u64, body: &str) -> String {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// Why a delivery failed (it is tried again later).
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The notice's stored body is unreadable or gone.
    #[error("the notice's body is missing or unreadable")]
    Body,
    /// E-mail notices need an SMTP server.
    #[error("no smtp_url is set in [takedown]: e-mailed notices cannot go")]
    NoSmtp,
    /// The SMTP URL or an address is unusable.
    #[error("cannot e-mail: {0}")]
    Email(String),
    /// The SMTP server refused or could not be reached.
    #[error("the SMTP server: {0}")]
    Smtp(String),
    /// The webhook is no longer in the contacts file, so its key is unknown.
    #[error("the webhook {0} is no longer in the contacts file")]
    UnknownWebhook(String),
    /// The webhook could not be reached or answered other than 2xx.
    #[error("the webhook: {0}")]
    Webhook(String),
}

/// Delivers notices.
#[derive(Clone)]
pub struct NoticeSender {
    smtp: Option<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>>,
    from: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for NoticeSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeSender")
            .field("smtp", &self.smtp.is_some())
            .field("from", &self.from)
            .finish()
    }
}

impl NoticeSender {
    /// A sender with the `[takedown]` settings; fails on an unusable `smtp_url` or
    /// `notice_from`.
    pub fn new(settings: &TakedownSettings) -> Result<Self, DeliveryError> {
        settings
            .notice_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|error| {
                DeliveryError::Email(format!("notice_from {:?}: {error}", settings.notice_from))
            })?;
        let smtp = settings
            .smtp_url
            .as_ref()
            .map(|url| smtp_transport(url, settings.send_timeout))
            .transpose()?;
        let http = reqwest::Client::builder()
            .timeout(settings.send_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Takeback-hotline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| DeliveryError::Webhook(error.to_string()))?;
        Ok(NoticeSender {
            smtp,
            from: settings.notice_from.clone(),
            http,
        })
    }

    /// Delivers one notice (its stored body) over its channel.
    pub async fn deliver(
        &self,
        id: &str,
        channel: &str,
        target: &str,
        payload: Option<&str>,
        contacts: &Contacts,
    ) -> Result<(), DeliveryError> {
        let payload = payload.ok_or(DeliveryError::Body)?;
        match channel {
            "email" => {
                let body: NoticeBody =
                    serde_json::from_str(payload).map_err(|_| DeliveryError::Body)?;
                self.email(id, target, &body).await
            }
            "webhook" => {
                let key = contacts_key(contacts, target)
                    .ok_or_else(|| DeliveryError::UnknownWebhook(target.to_owned()))?;
                self.webhook(id, target, &key, payload).await
            }
            _ => Err(DeliveryError::Body),
        }
    }

    async fn email(&self, id: &str, to: &str, body: &NoticeBody) -> Result<(), DeliveryError> {
        let smtp = self.smtp.as_ref().ok_or(DeliveryError::NoSmtp)?;
        let bad = |what: &str, error: &dyn std::fmt::Display| {
            DeliveryError::Email(format!("{what}: {error}"))
        };
        let message = lettre::Message::builder()
            .from(self.from.parse().map_err(|e| bad("notice_from", &e))?)
            .to(to.parse().map_err(|e| bad(to, &e))?)
            .subject(body.subject())
            // The same on every delivery of the notice, so that a repeat is recognisable.
            .message_id(Some(format!("<{id}@takeback.notice>")))
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.text())
            .map_err(|e| bad("the message", &e))?;
        smtp.send(message)
            .await
            .map_err(|error| DeliveryError::Smtp(error.to_string()))?;
        Ok(())
    }

    async fn webhook(
        &self,
        id: &str,
        url: &str,
        key: &[u8],
        payload: &str,
    ) -> Result<(), DeliveryError> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let answer = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                webhook_signature(key, id, timestamp, payload),
            )
            .body(payload.to_owned())
            .send()
            .await
            .map_err(|error| DeliveryError::Webhook(without_url(&error)))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(DeliveryError::Webhook(format!(
                "answered {}",
                answer.status().as_u16()
            )))
        }
    }
}

/// A reqwest error's words without the URL (which the notice row names already).
fn without_url(error: &reqwest::Error) -> String {
    let mut words = error.to_string();
    if let Some(url) = error.url() {
        words = words.replace(&format!(" ({url})"), "");
    }
    if let Some(source) = std::error::Error::source(error) {
        words = format!("{words}: {source}");
    }
    words
}

fn contacts_key(contacts: &Contacts, url: &str) -> Option<Vec<u8>> {
    contacts.webhooks().find_map(|contact| match contact {
        Contact::Webhook { url: known, key } if known == url => Some(key.clone()),
        _ => None,
    })
}

fn smtp_transport(
    url: &Secret,
    timeout: Duration,
) -> Result<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>, DeliveryError> {
    let builder = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url.expose())
        .map_err(|error| {
            // The URL may hold a password: only the error's kind is shown.
            DeliveryError::Email(format!("smtp_url is not a usable SMTP URL ({error})"))
        })?;
    Ok(builder.timeout(Some(timeout)).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        let key = base64::engine::general_purpose::STANDARD
            .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            webhook_signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_contacts_language_chooses_the_operators_words() {
        let settings = TakedownSettings {
            notice_wording: "Reply to takedown@hotline.example.".into(),
            notice_wordings: [(
                "de".to_owned(),
                "Antworten an takedown@hotline.example.".to_owned(),
            )]
            .into(),
            ..TakedownSettings::default()
        };
        let notice = |language| {
            NoticeBody::new(
                "TN",
                "Hotline",
                "https://a.example/",
                0,
                &settings,
                language,
                "https://h/",
                "T",
            )
            .message
        };
        assert_eq!(notice(Some("de")), "Antworten an takedown@hotline.example.");
        assert_eq!(notice(Some("DE")), "Antworten an takedown@hotline.example.");
        assert_eq!(notice(Some("fr")), "Reply to takedown@hotline.example.");
        assert_eq!(notice(None), "Reply to takedown@hotline.example.");
        let regional = TakedownSettings {
            notice_wordings: [("pt".to_owned(), "Responda".to_owned())].into(),
            ..TakedownSettings::default()
        };
        assert_eq!(regional.wording_for(Some("pt-BR")), "Responda");
        assert_eq!(regional.own_wording(Some("pl")), None);
        let contacts = Contacts::parse(
            "[[contact]]\nhost = \".beispiel.de\"\nemail = \"abuse@beispiel.de\"\nlanguage = \"de\"\n\
             [[contact]]\nhost = \"a.example\"\nemail = \"abuse@a.example\"\n",
            "contacts.toml",
        )
        .unwrap();
        assert_eq!(contacts.language_for_host("img.beispiel.de"), Some("de"));
        assert_eq!(contacts.language_for_host("a.example"), None);
        assert_eq!(contacts.languages().into_iter().collect::<Vec<_>>(), ["de"]);
        let error = Contacts::parse(
            "[[contact]]\nhost = \"a.example\"\nemail = \"abuse@a.example\"\nlanguage = \"not a language\"\n",
            "contacts.toml",
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("is not a language code"),
            "{error}"
        );
    }

    #[test]
    fn a_notice_names_the_address_and_nothing_of_the_case() {
        let settings = TakedownSettings {
            notice_wording: "Sent under the Online Safety Act. Reply to takedown@hotline.example."
                .into(),
            ..TakedownSettings::default()
        };
        let body = NoticeBody::new(
            "TN-AAAA-BBBB-CCCC-DDDD",
            "Example Hotline",
            "https://images.example/p/1.jpg",
            1_764_932_400_000,
            &settings,
            None,
            "https://hotline.example/",
            "TOKEN",
        );
        assert_eq!(
            body.confirm_removal_url,
            "https://hotline.example/api/v1/takedown/confirm/TOKEN"
        );
        assert_eq!(body.first_reported_at, "2025-12-05T11:00:00Z");
        let text = body.text();
        for needed in [
            "TN-AAAA-BBBB-CCCC-DDDD",
            "Example Hotline",
            "https://images.example/p/1.jpg",
            "2025-12-05T11:00:00Z",
            "Online Safety Act",
            "/api/v1/takedown/confirm/TOKEN",
        ] {
            assert!(text.contains(needed), "{needed} missing from {text}");
        }
        let json = serde_json::to_value(&body).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "confirm_removal_url",
                "first_reported_at",
                "hotline",
                "message",
                "notice_id",
                "reason",
                "type",
                "url"
            ]
        );
    }
}
