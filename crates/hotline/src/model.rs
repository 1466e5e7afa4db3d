//! The hotline's vocabulary: what a report holds, the states of a list entry, partners'
//! outcomes, and the JSON shapes of the API (those partners share are `takeback-wire`'s).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What partners and the matcher read too: one definition, in `takeback-wire`.
pub use takeback_wire::{
    Algorithm, ChangeOp, FeedbackBatch, FeedbackItem, HashListPage, ListChange,
};

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

/// One fingerprint in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedHash {
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: Algorithm,
    /// Lowercase hex.
    #[schema(
        example = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
        pattern = "^[0-9a-f]{32}([0-9a-f]{32})?$"
    )]
    pub value: String,
    /// PDQ's quality, 0 to 100; required for PDQ, absent otherwise.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
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

/// What the reporter sees of one fingerprint or URL.
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
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: Algorithm,
    /// The fingerprint.
    pub value: String,
    /// Where it stands.
    pub state: ReportedState,
    /// What platforms reported back for it since this case reported it.
    pub outcomes: OutcomeCounts,
}

/// One URL of a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UrlStatus {
    /// The address.
    pub url: String,
    /// Where it stands.
    pub state: ReportedState,
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
    /// `pdq`, `md5` or `sha256`.
    pub algorithm: Algorithm,
    /// The fingerprint.
    pub value: String,
    /// PDQ quality.
    pub quality: Option<u8>,
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

/// A reported URL as an analyst sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UrlView {
    /// Position in the list of URLs; the cursor for the next page.
    pub id: i64,
    /// The case that reported it.
    pub case_id: String,
    /// The address.
    pub url: String,
    /// Where it stands.
    pub state: ReportedState,
    /// When it was reported (Unix seconds).
    pub reported_at: i64,
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
