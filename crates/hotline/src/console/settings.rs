//! The `[console]` settings.

use crate::store::SessionLimits;
use crate::takedown::settings::human;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The analyst console's settings (`[console]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleSettings {
    /// Serve the console under `/console`.
    pub enabled: bool,
    /// A session ends after this long without a request.
    #[serde(with = "human")]
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however busy.
    #[serde(with = "human")]
    pub session_lifetime: Duration,
    /// Failed sign-ins allowed per source per hour (0: no limit).
    pub failed_sign_ins_per_source_per_hour: u32,
    /// How old the dashboard's "how the service is doing" may be before it is read again
    /// (in the background: the page never waits for it but the first time). `0s`: read on
    /// every request, for a small hotline.
    #[serde(with = "human")]
    pub dashboard_refresh: Duration,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        ConsoleSettings {
            enabled: true,
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            failed_sign_ins_per_source_per_hour: 10,
            dashboard_refresh: Duration::from_secs(60),
        }
    }
}

impl ConsoleSettings {
    /// The session limits in the store's terms.
    pub fn session_limits(&self) -> SessionLimits {
        let ms = |duration: Duration| i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        SessionLimits {
            idle_ms: ms(self.session_idle),
            absolute_ms: ms(self.session_lifetime),
        }
    }
}
