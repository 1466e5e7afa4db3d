//! One hotline's partner API, as the matcher calls it: a page of the hash list feed
//! (`GET /api/v1/hashlist`) for the follower, a feedback batch (`POST /api/v1/feedback`)
//! for the outbox's sender. One client per hotline, shared by both.

use crate::config::SyncSettings;
use crate::wire::{self, CheckedPage};
use std::time::Duration;
use takeback_wire::chain::{ChainHead, PublishedKeys};
use takeback_wire::{ErrorBody, FeedbackBatch};

/// Largest page body read; the hotline's largest pages are a few megabytes.
const MAX_PAGE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest snapshot read: some 400 bytes an entry would take 100 million entries.
const MAX_SNAPSHOT_BYTES: u64 = 64 << 30;
/// Longest a snapshot may take to arrive whole, however short the sync timeout.
const MIN_SNAPSHOT_TIME: Duration = Duration::from_secs(30 * 60);
/// Largest answer to a feedback batch read: a small JSON object.
const MAX_FEEDBACK_ANSWER_BYTES: u64 = 1024 * 1024;

/// Why a call to the hotline gave nothing usable.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    #[error("cannot reach the hotline: {0}")]
    Transport(String),
    #[error("the hotline answered {status}{}", code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Status { status: u16, code: Option<String> },
    #[error("the hotline's answer was unusable: {0}")]
    Garbage(String),
}

/// A page, or the news that the cursor is ahead of the hotline's list.
pub(crate) enum Fetched {
    Page(CheckedPage),
    CursorAhead,
}

/// The hotline's answer to a feedback batch: its status, and its error code if it sent
/// its error shape.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) code: Option<String>,
}

/// Talks to one hotline's partner API. Cheap to share: the agent pools connections.
#[derive(Debug)]
pub(crate) struct HotlineClient {
    agent: ureq::Agent,
    timeout: Duration,
    url: String,
    authorization: String,
}

impl HotlineClient {
    /// A client for the hotline at `url` with the partner key `key`; each call gives up
    /// after the sync timeout.
    pub(crate) fn new(url: &str, key: &str, sync: &SyncSettings) -> Self {
        HotlineClient {
            agent: agent(sync.timeout),
            timeout: sync.timeout,
            url: url.to_owned(),
            authorization: format!("Bearer {key}"),
        }
    }

    /// The changes after `after` (at most `limit`, or the hotline's default), checked
    /// whole, and the chain's head they lead to from `head`, the head at `after`.
    pub(crate) fn fetch_page(
        &self,
        after: i64,
        limit: Option<u32>,
        head: ChainHead,
    ) -> Result<Fetched, ClientError> {
        let mut request = self
            .agent
            .get(format!("{}/api/v1/hashlist", self.url))
            .query("after", after.to_string())
            .header("authorization", &self.authorization);
        if let Some(limit) = limit {
            request = request.query("limit", limit.to_string());
        }
        let mut response = request
            .call()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_PAGE_BYTES)
            .read_to_vec()
            .map_err(|e| ClientError::Garbage(format!("the page could not be read whole: {e}")))?;
        if status != 200 {
            let code = ErrorBody::code_of(&body);
            if status == 409 && code.as_deref() == Some("cursor_ahead") {
                return Ok(Fetched::CursorAhead);
            }
            return Err(ClientError::Status { status, code });
        }
        wire::parse_page(&body, after, head)
            .map(Fetched::Page)
            .map_err(ClientError::Garbage)
    }

    /// The hotline's snapshot of its whole list, handed to `read` as it arrives; `None` if
    /// the hotline offers none (404: an older hotline, or one that does not sign).
    pub(crate) fn fetch_snapshot<T>(
        &self,
        read: impl FnOnce(&mut dyn std::io::Read) -> T,
    ) -> Result<Option<T>, ClientError> {
        let mut response = self
            .agent
            .get(format!("{}/api/v1/hashlist/snapshot", self.url))
            .header("authorization", &self.authorization)
            .config()
            .timeout_global(Some(self.timeout.max(MIN_SNAPSHOT_TIME)))
            .build()
            .call()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if status != 200 {
            let body = response
                .body_mut()
                .with_config()
                .limit(MAX_FEEDBACK_ANSWER_BYTES)
                .read_to_vec()
                .unwrap_or_default();
            return Err(ClientError::Status {
                status,
                code: ErrorBody::code_of(&body),
            });
        }
        let mut body = response
            .body_mut()
            .with_config()
            .limit(MAX_SNAPSHOT_BYTES)
            .reader();
        Ok(Some(read(&mut body)))
    }

    /// The keys the hotline signs and signed checkpoints with (`GET /api/v1/keys`).
    pub(crate) fn fetch_keys(&self) -> Result<PublishedKeys, ClientError> {
        let mut response = self
            .agent
            .get(format!("{}/api/v1/keys", self.url))
            .call()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_FEEDBACK_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| ClientError::Garbage(format!("the keys could not be read whole: {e}")))?;
        if status != 200 {
            return Err(ClientError::Status {
                status,
                code: ErrorBody::code_of(&body),
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| ClientError::Garbage(format!("not the hotline's keys: {e}")))
    }

    /// Sends a feedback batch; the hotline's answer, whatever its status.
    pub(crate) fn post_feedback(&self, batch: &FeedbackBatch) -> Result<Answer, ClientError> {
        let mut response = self
            .agent
            .post(format!("{}/api/v1/feedback", self.url))
            .header("authorization", &self.authorization)
            .send_json(batch)
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_FEEDBACK_ANSWER_BYTES)
            .read_to_vec()
            .unwrap_or_default();
        Ok(Answer {
            status,
            code: ErrorBody::code_of(&body),
        })
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("takeback-matcher/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}
