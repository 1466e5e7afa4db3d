//! The hotline's vocabulary: what a report holds, the states of a list entry, partners'
//! outcomes, and the JSON shapes of the API (those partners share are `takeback-wire`'s).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What partners and the matcher read too: one definition, in `takeback-wire`.
pub use takeback_wire::{
    Algorithm, ChangeOp, FeedbackBatch, FeedbackItem, HashListPage, ListChange,
};

/// The states of a reported web address.
pub use crate::takedown::TakedownState;

/// Who is reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reporter {
    /// The young person shown in the picture.
    YoungPerson,
    /// An adult helping them (a parent, a teacher).
    TrustedAdult,
}

impl Reporter {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Reporter::YoungPerson => "young_person",
            Reporter::TrustedAdult => "trusted_adult",
        }
    }

    /// Reads the stored form.
    pub fn from_stored(text: &str) -> Option<Self> {
        [Reporter::YoungPerson, Reporter::TrustedAdult]
            .into_iter()
            .find(|reporter| reporter.as_str() == text)
    }
}

/// One fingerprint in a report: a picture's PDQ hash, a file's MD5 or SHA-256, or a
/// video's vPDQ frames (`{"algorithm": "vpdq", "frames": [...]}`, with the file's MD5 and
/// SHA-256 as fingerprints of their own beside it, as for a picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedHash {
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    pub algorithm: Algorithm,
    /// Lowercase hex; required for `pdq`, `md5` and `sha256`, absent for `vpdq` (a
    /// video's fingerprint is its frames).
    #[serde(default)]
    #[schema(
        example = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
        pattern = "^[0-9a-f]{32}([0-9a-f]{32})?$"
    )]
    pub value: Option<String>,
    /// PDQ's quality, 0 to 100; required for PDQ, absent otherwise (a video's is per
    /// frame).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub quality: Option<u8>,
    /// A video's sampled frames, in order (`vpdq` only; at least one, at most the
    /// hotline's `max_frames_per_video`, 7,200 by default).
    #[serde(default)]
    pub frames: Option<Vec<SubmittedFrame>>,
}

/// One sampled frame of a reported video, as vPDQ hashes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedFrame {
    /// Seconds from the start of the video: not negative, and never less than the frame
    /// before's.
    #[schema(value_type = f64, required = true, minimum = 0)]
    pub timestamp: Option<f64>,
    /// The frame's PDQ hash, 64 lowercase hex digits.
    #[schema(
        value_type = String,
        required = true,
        example = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
        pattern = "^[0-9a-f]{64}$"
    )]
    pub value: Option<String>,
    /// The frame's PDQ quality, 0 to 100. Frames below the hotline's quality floor are
    /// dropped; a video with none above it is refused (`low_quality`).
    #[schema(value_type = u8, required = true, minimum = 0, maximum = 100)]
    pub quality: Option<u8>,
}

/// `POST /api/v1/reports`: fingerprints and URLs, never a picture.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// Who is reporting.
    pub reporter: Reporter,
    /// Fingerprints computed on the reporter's device.
    #[serde(default)]
    pub hashes: Vec<SubmittedHash>,
    /// Addresses (http or https) where the picture was seen.
    #[serde(default)]
    #[schema(value_type = Vec<String>, pattern = "^https?://")]
    pub urls: Vec<String>,
    /// The person shown was under 18 when it was taken. Must be `true`; when it is missing
    /// or false the answer is 422 `confirmation_required`.
    #[schema(value_type = bool, required = true)]
    pub under_18: Option<bool>,
    /// The fingerprints may be shared with partner platforms. Must be `true`, as for
    /// `under_18`.
    #[schema(value_type = bool, required = true)]
    pub consent_to_share: Option<bool>,
}

/// What a reporter gets back: keep both; the secret is never shown again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportReceipt {
    /// The case reference, such as `7KQ2-M9XD-3HTW`.
    pub case_id: String,
    /// The secret that opens the case, such as `K3M9Q-2XDHT-W7VPA-8RZ4N`.
    pub case_secret: String,
}

/// Where a list entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// On the list that partners receive.
    Listed,
    /// Waiting for an analyst before it is listed.
    Held,
    /// Every report that named it was withdrawn while it was listed or held. (A rejected
    /// or suspended entry stays so when its reports are withdrawn.)
    Withdrawn,
    /// Taken off the list after false-positive reports, or because the guard list came to
    /// guard it (reason `guarded`), until an analyst decides.
    Suspended,
    /// An analyst decided not to list it, or it is on the guard list.
    Rejected,
}

impl EntryState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Listed => "listed",
            EntryState::Held => "held",
            EntryState::Withdrawn => "withdrawn",
            EntryState::Suspended => "suspended",
            EntryState::Rejected => "rejected",
        }
    }

    /// Reads the stored form.
    pub fn from_stored(text: &str) -> Option<Self> {
        [
            EntryState::Listed,
            EntryState::Held,
            EntryState::Withdrawn,
            EntryState::Suspended,
            EntryState::Rejected,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// What the reporter sees of one fingerprint (a web address: [`TakedownState`]).
///
/// A case shows only what follows from its own report. Anyone who has the picture can
/// report it, so a case never shows whether someone else reported the same picture, what
/// was decided about it before, or whether it is on the guard list: all of those look
/// like a fresh report that is waiting (`pending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportedState {
    /// Received; waiting to be checked or acted on. Also how a fingerprint looks that the
    /// hotline will not list for reasons from before this report, until an analyst
    /// decides about it again.
    Pending,
    /// On the list that partner platforms use to find copies (whoever reported it first:
    /// anyone can learn this much by uploading the picture to a partner platform).
    Listed,
    /// The report was withdrawn.
    Withdrawn,
    /// Paused while the hotline checks it, after this report had it listed.
    Suspended,
    /// An analyst decided, after this report, not to add it to the list.
    NotListed,
}

/// `GET /api/v1/reports/{case_id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseStatus {
    /// The case reference.
    pub case_id: String,
    /// `open` or `withdrawn`.
    pub state: String,
    /// Who reported.
    pub reporter: Reporter,
    /// When it was received (Unix seconds).
    pub created_at: i64,
    /// Each fingerprint.
    pub hashes: Vec<HashStatus>,
    /// Each URL.
    pub urls: Vec<UrlStatus>,
    /// What partner platforms reported back since this case reported the fingerprints,
    /// summed over them (copies found before this report are not counted here).
    pub platform_outcomes: OutcomeCounts,
}

/// One fingerprint of a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HashStatus {
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    pub algorithm: Algorithm,
    /// The fingerprint (a video's: its identity, the SHA-256 of its distinct frame hashes).
    pub value: String,
    /// For a video: how many of its frames are kept (those at or above the quality floor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_count: Option<i64>,
    /// Where it stands.
    pub state: ReportedState,
    /// What platforms reported back for it since this case reported it.
    pub outcomes: OutcomeCounts,
}

/// One web address of a case, as its reporter sees it.
///
/// The state is the address's, whoever's report moved it on (a removal is about the
/// address, not about a reporter), except that a case's own withdrawal shows as
/// `withdrawn` to it alone. Nothing here says whether anyone else reported the address.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UrlStatus {
    /// The address, as this case's reporter typed it.
    pub url: String,
    /// Where it stands: a stable key that the pages turn into kind words.
    pub state: TakedownState,
    /// For `notice_sent`, `still_up` and `escalated`: when the hotline first asked the
    /// website to remove it; for `removed`: when it was found gone (Unix seconds, shown
    /// as a date). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    /// For `not_actionable`: why the hotline cannot act on it, in the analyst's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Counts that partners reported; what a young person is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OutcomeCounts {
    /// Copies found.
    pub matched: i64,
    /// Copies taken down.
    pub removed: i64,
    /// Uploads stopped before they were published.
    pub blocked_upload: i64,
}

/// What an analyst decides about an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// List it as analyst-verified.
    List,
    /// Do not list it (take it off if it is listed).
    Reject,
    /// Put a suspended entry back on the list as verified.
    Reinstate,
}

/// `POST /api/v1/analyst/entries/{id}/decision`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The decision.
    pub decision: Decision,
    /// Why, for the audit log.
    #[serde(default)]
    pub note: Option<String>,
}

/// An entry as an analyst sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    /// The entry's id.
    pub id: i64,
    /// `pdq`, `md5`, `sha256` or `vpdq`.
    pub algorithm: Algorithm,
    /// The fingerprint (a video's: its identity, the SHA-256 of its distinct frame hashes).
    pub value: String,
    /// PDQ quality (a video's is per frame).
    pub quality: Option<u8>,
    /// For a video: how many frames it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_count: Option<i64>,
    /// For a video: its frames, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<Vec<takeback_wire::VideoFrame>>,
    /// Where it stands.
    pub state: EntryState,
    /// Checked by an analyst.
    pub verified: bool,
    /// Why it is held, suspended or rejected.
    pub reason: Option<String>,
    /// The open cases that reported it.
    pub case_ids: Vec<String>,
    /// The cases that reported it and were withdrawn since: nothing to act on.
    pub withdrawn_case_ids: Vec<String>,
    /// Distinct partners that reported it as a false positive since the last decision.
    pub false_positive_partners: i64,
    /// All partners' counts.
    pub outcomes: OutcomeCounts,
}

/// A takedown item (one web address, however many cases reported it) as an analyst sees
/// it: context for an assessment, never a picture.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TakedownItemView {
    /// The item's id; the cursor for the next page.
    pub id: i64,
    /// The address, normalised.
    pub url: String,
    /// Its host (an international name in punycode).
    pub host: String,
    /// Where it stands.
    pub state: TakedownState,
    /// Why it was last found not actionable (kept when a new report reopens it).
    pub reason: Option<String>,
    /// When a case first reported it (Unix seconds, to the hour).
    pub first_reported_at: i64,
    /// When a case last reported it (Unix seconds, to the hour).
    pub last_reported_at: i64,
    /// When its state last changed (Unix seconds; to the hour when a report or a
    /// withdrawal changed it).
    pub state_changed_at: i64,
    /// When an analyst last assessed it (Unix seconds).
    pub assessed_at: Option<i64>,
    /// The open cases that report it.
    pub case_ids: Vec<String>,
    /// Of those, how many each kind of reporter sent.
    pub reporters: ReporterCounts,
    /// Cases that reported it and were withdrawn since.
    pub withdrawn_cases: i64,
    /// What happened to earlier addresses on the same host.
    pub host_history: HostHistory,
    /// When the first and the last notice were delivered (Unix seconds).
    pub first_notice_at: Option<i64>,
    /// When the last notice was delivered (Unix seconds).
    pub last_notice_at: Option<i64>,
    /// When it was found gone (Unix seconds).
    pub removed_at: Option<i64>,
    /// When it was escalated (Unix seconds).
    pub escalated_at: Option<i64>,
    /// When it was last fetched again (Unix seconds).
    pub last_checked_at: Option<i64>,
    /// What that fetch found, in a few words (never anything of the content).
    pub last_check: Option<String>,
    /// Whether what the address last served (when a picture) matched the reporting
    /// cases' fingerprints: PDQ within 31, or the same MD5 or SHA-256.
    pub content_matches: Option<bool>,
    /// When the host said, by a notice's link, that it removed it (Unix seconds); checked,
    /// not trusted.
    pub host_confirmed_at: Option<i64>,
    /// The notices about it, oldest first.
    pub notices: Vec<NoticeView>,
}

/// `GET /api/v1/analyst/stats/takedown`: takedown items by state, and how long the
/// items removed in the window took to come down.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TakedownStats {
    /// Items in each state now (every state, 0 included).
    pub counts: std::collections::BTreeMap<String, i64>,
    /// The window's start (Unix seconds): removals at or after it count.
    pub since: i64,
    /// The window's end (Unix seconds): removals before it count.
    pub until: i64,
    /// Items removed in the window.
    pub removed: i64,
    /// Median time from first report to removal, in seconds (nearest rank).
    pub median_seconds_to_removal: Option<i64>,
    /// 90th percentile of the same (nearest rank).
    pub p90_seconds_to_removal: Option<i64>,
    /// Median time from the first notice to removal, of items that were noticed.
    pub median_seconds_from_notice_to_removal: Option<i64>,
    /// 90th percentile of the same.
    pub p90_seconds_from_notice_to_removal: Option<i64>,
    /// The same times per host, for hosts with removals in the window.
    pub hosts: std::collections::BTreeMap<String, RemovalTimes>,
}

/// How long removed items took to come down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RemovalTimes {
    /// Items removed.
    pub removed: i64,
    /// Median seconds from first report to removal.
    pub median_seconds_to_removal: Option<i64>,
    /// 90th percentile seconds from first report to removal.
    pub p90_seconds_to_removal: Option<i64>,
    /// Median seconds from the first notice to removal.
    pub median_seconds_from_notice_to_removal: Option<i64>,
    /// 90th percentile seconds from the first notice to removal.
    pub p90_seconds_from_notice_to_removal: Option<i64>,
}

/// A takedown notice and its delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoticeView {
    /// Its reference (the webhook's `webhook-id`).
    pub id: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// The e-mail address or webhook URL.
    pub target: String,
    /// `pending` (waiting to be delivered, or being retried), `sent` or `cancelled`.
    pub state: String,
    /// Deliveries tried.
    pub attempts: i64,
    /// When it was queued (Unix seconds).
    pub created_at: i64,
    /// When it was delivered (Unix seconds).
    pub sent_at: Option<i64>,
    /// Why the last delivery failed, while it is being retried.
    pub last_error: Option<String>,
    /// When the host confirmed removal through its link (Unix seconds).
    pub confirmed_at: Option<i64>,
}

/// How many cases each kind of reporter sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReporterCounts {
    /// Sent by the young person shown.
    pub young_person: i64,
    /// Sent by a trusted adult.
    pub trusted_adult: i64,
}

/// Earlier takedown items on one host, and how fast those removed came down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HostHistory {
    /// Items on this host created before this one.
    pub previous_items: i64,
    /// Of those, how many were removed.
    pub removed: i64,
    /// The median time from first report to removal of those removed, in seconds.
    pub median_seconds_to_removal: Option<i64>,
}

/// `POST /api/v1/analyst/urls/{id}/assessment`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// Whether the hotline can ask the host to remove what is at the address.
    pub actionable: bool,
    /// Required when not actionable: why, in words the reporter will read (they see it
    /// on their case's status). When actionable, an optional note for the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    /// Position in the log.
    pub id: i64,
    /// When (Unix milliseconds; for `hashlist_reads`, the start of the hour).
    pub at: i64,
    /// `partner`, `analyst` or `system`.
    pub actor_kind: String,
    /// The partner's or analyst's name.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// What it was done to.
    pub subject: Option<String>,
    /// Details (JSON).
    pub detail: Option<String>,
    /// How many times it was done: 1, except for `hashlist_reads`, a partner's reads of
    /// the feed in the hour starting at `at`, one row counted up as the hour goes on (a
    /// reader that has paged past the row sees the count it had then).
    pub count: i64,
}
