//! Every error the matcher's public API returns.

use crate::config::ConfigError;
use std::io;
use std::path::{Path, PathBuf};
use takeback_durable::DurableError;
use takeback_fingerprint::FingerprintError;

/// Why a matcher could not start.
#[derive(Debug, thiserror::Error)]
pub enum MatcherError {
    /// The state directory is in use by another matcher.
    #[error("{0} is in use by another matcher (one state directory per matcher)")]
    StateInUse(String),
    /// The saved state could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// A list file could not be read.
    #[error("{path}: {message}")]
    ListFile {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Why an image could not be matched.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// Not every list is loaded yet: "no match" would not be true.
    #[error("not every hash list is loaded yet")]
    NotReady,
    /// The bytes are not an image that can be hashed.
    #[error(transparent)]
    Image(#[from] FingerprintError),
}

/// Why a list's files could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// A snapshot that fails its checks: the list is fetched again from the start.
    #[error("{path} is damaged ({reason})")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
}

/// Names the file in an I/O error.
pub(crate) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> StateError + '_ {
    move |source| StateError::Io {
        path: path.to_owned(),
        source,
    }
}

impl From<DurableError> for StateError {
    fn from(error: DurableError) -> Self {
        StateError::Io {
            path: error.path,
            source: error.source,
        }
    }
}

/// Why outcomes were not recorded or sent.
#[derive(Debug, thiserror::Error)]
pub enum OutcomeError {
    /// No list has that name.
    #[error("there is no hotline named {0:?} in this matcher")]
    UnknownSource(String),
    /// The list is a file, with no hotline to tell.
    #[error("{0:?} is a list file, not a hotline: there is nobody to send outcomes to")]
    NotAHotline(String),
    /// The entry is not on the list (and was not taken off it since the matcher started).
    #[error("hotline {hotline:?} has no entry {id} on its list")]
    UnknownEntry {
        /// The list.
        hotline: String,
        /// The id given.
        id: i64,
    },
    /// A count of 0 or too many.
    #[error("count is {0}: give a number from 1 to 1000000")]
    BadCount(u32),
    /// The outcomes could not be saved; nothing was recorded.
    #[error("cannot save outcomes: {0}")]
    State(#[from] StateError),
    /// Sending failed; the outcomes are kept and sent again later.
    #[error("cannot send outcomes to {hotline:?}: {reason}")]
    Send {
        /// The list.
        hotline: String,
        /// Why.
        reason: String,
    },
}

/// Why a scan could not start, or stopped. The messages name `takeback scan`'s options,
/// which the scan's settings mirror.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The list file could not be loaded.
    #[error(transparent)]
    List(#[from] takeback_index::ListFileError),
    /// The matcher's address is not HTTP.
    #[error("--matcher {0:?} is not an http:// or https:// address")]
    NotHttp(String),
    /// The matcher did not answer.
    #[error("cannot reach the matcher at {url}")]
    Unreachable {
        /// Its address.
        url: String,
        /// Why.
        source: ureq::Error,
    },
    /// The matcher answered that its lists are not loaded yet.
    #[error("the matcher at {url} is not ready: {body}")]
    NotReady {
        /// Its address.
        url: String,
        /// Its answer.
        body: String,
    },
    /// The matcher asks for an API token that was not given, or refused the one given.
    #[error(
        "the matcher at {url} {}: give the token set with its --api-token as \
         --matcher-token or TAKEBACK_MATCHER_API_TOKEN",
        if *.given { "refused the API token given" } else { "asks for its API token" }
    )]
    Unauthorized {
        /// Its address.
        url: String,
        /// Whether a token was sent.
        given: bool,
    },
    /// The matcher token given is empty.
    #[error("the matcher token is empty: give the token, or leave it out")]
    EmptyToken,
    /// There is no checkpoint to resume from.
    #[error(
        "nothing to resume: {} is missing (the scan finished, or never started)",
        .0.display()
    )]
    NothingToResume(PathBuf),
    /// The checkpoint does not read.
    #[error("{} is damaged; start the scan again without --resume", path.display())]
    DamagedCheckpoint {
        /// The checkpoint.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The files found now are not the ones the checkpoint was written for.
    #[error(
        "the files to scan are not the ones the interrupted scan was given (or they have \
         changed since); start again without --resume"
    )]
    OtherFiles,
    /// An output file is shorter than the checkpoint says.
    #[error(
        "{} is shorter than the interrupted scan left it; start again without --resume",
        .0.display()
    )]
    Shorter(PathBuf),
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An output file could not be opened to resume.
    #[error("cannot open {} to resume", path.display())]
    OpenToResume {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An output file could not be created.
    #[error("cannot create {}", path.display())]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The checkpoint could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file (or its temporary, or its folder).
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Writing the matches failed.
    #[error("cannot write the output")]
    Output(#[source] io::Error),
    /// Writing the unreadable files failed.
    #[error("cannot write the errors file")]
    ErrorsFile(#[source] io::Error),
    /// Any other input or output failed (a closed pipe, say).
    #[error("{0}")]
    Io(#[source] io::Error),
    /// The worker threads could not start.
    #[error("cannot start worker threads")]
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// The matcher failed in the middle of the scan: the scan stopped, and with an output
    /// file can be resumed.
    #[error(
        "{reason}; stopped after {files_done} files{}",
        if *resumable { " (continue with --resume)" } else { "" }
    )]
    MatcherFailed {
        /// What the matcher did.
        reason: String,
        /// Files done (in scan order) when it stopped.
        files_done: u64,
        /// Whether a checkpoint was saved.
        resumable: bool,
    },
}
