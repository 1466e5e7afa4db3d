//! The `[takedown]` settings of `takeback serve` as options and environment variables.

use clap::Args;
use std::path::PathBuf;
use std::time::Duration;
use takeback_hotline::Secret;
use takeback_hotline::store::TakedownRecord;
use takeback_hotline::takedown::settings::TakedownSettings;

/// A duration as people write it: `30s`, `24h`, `7d`.
fn duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|error| format!("{text:?} is not a duration such as 30s, 24h or 7d ({error})"))
}

/// Options for the takedown of reported addresses; each overrides `[takedown]` in the
/// configuration file.
#[derive(Debug, Args)]
#[command(next_help_heading = "Takedown of reported addresses")]
pub struct TakedownArgs {
    /// The operator's contacts file (TOML: `[[contact]]` with `host` (a name, a `.suffix`
    /// or an IP address) and `email`, or `webhook` and `webhook_secret`): whom notices
    /// about each host go to. Read again when it changes. [default: none]
    #[arg(
        long = "takedown-contacts-file",
        env = "TAKEBACK_TAKEDOWN_CONTACTS_FILE",
        value_name = "FILE"
    )]
    contacts_file: Option<PathBuf>,
    /// The SMTP server for e-mailed notices: smtp://HOST:PORT (STARTTLS if offered;
    /// add ?tls=required to insist) or smtps://HOST:PORT, with USER:PASSWORD@ if it asks.
    /// [default: none: e-mailed notices wait, and show as failing]
    #[arg(
        long = "takedown-smtp-url",
        env = "TAKEBACK_TAKEDOWN_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// The From of e-mailed notices, e.g. "Hotline <takedown@hotline.example>".
    #[arg(
        long = "takedown-notice-from",
        env = "TAKEBACK_TAKEDOWN_NOTICE_FROM",
        value_name = "MAILBOX"
    )]
    notice_from: Option<String>,
    /// Where hosts reach this hotline: the base of the removal link in every notice, e.g.
    /// https://hotline.example. [default: http://LISTEN]
    #[arg(
        long = "takedown-public-url",
        env = "TAKEBACK_TAKEDOWN_PUBLIC_URL",
        value_name = "URL"
    )]
    public_url: Option<String>,
    /// How long after a notice the address is first checked again. [default: 4h]
    #[arg(long = "takedown-first-recheck-after", env = "TAKEBACK_TAKEDOWN_FIRST_RECHECK_AFTER", value_name = "DURATION", value_parser = duration)]
    first_recheck_after: Option<Duration>,
    /// How often it is checked after that, until it is gone. [default: 12h]
    #[arg(long = "takedown-recheck-every", env = "TAKEBACK_TAKEDOWN_RECHECK_EVERY", value_name = "DURATION", value_parser = duration)]
    recheck_every: Option<Duration>,
    /// Still up this long after the last notice: another goes. [default: 24h]
    #[arg(long = "takedown-renotice-after", env = "TAKEBACK_TAKEDOWN_RENOTICE_AFTER", value_name = "DURATION", value_parser = duration)]
    renotice_after: Option<Duration>,
    /// Still up this long after the first notice: back to an analyst as escalated.
    /// [default: 7d]
    #[arg(long = "takedown-escalate-after", env = "TAKEBACK_TAKEDOWN_ESCALATE_AFTER", value_name = "DURATION", value_parser = duration)]
    escalate_after: Option<Duration>,
    /// How long one delivery of a notice may take before it is tried again. [default: 30s]
    #[arg(long = "takedown-send-timeout", env = "TAKEBACK_TAKEDOWN_SEND_TIMEOUT", value_name = "DURATION", value_parser = duration)]
    send_timeout: Option<Duration>,
    /// Look at each newly reported address once and, when it serves the reporting cases'
    /// own picture, send the notice without waiting for an analyst's assessment.
    #[arg(
        long = "takedown-auto-notice-on-match",
        env = "TAKEBACK_TAKEDOWN_AUTO_NOTICE_ON_MATCH"
    )]
    auto_notice_on_match: bool,
    /// Fetch addresses on private, loopback and other internal networks too: for tests
    /// only, never in service.
    #[arg(
        long = "takedown-allow-private-targets",
        env = "TAKEBACK_TAKEDOWN_ALLOW_PRIVATE_TARGETS"
    )]
    allow_private_targets: bool,
    /// Where the RDAP bootstrap files (ipv4.json, ipv6.json) are, to find a host's abuse
    /// contact when the contacts file has none. [default: https://data.iana.org/rdap/]
    #[arg(
        long = "takedown-rdap-bootstrap-url",
        env = "TAKEBACK_TAKEDOWN_RDAP_BOOTSTRAP_URL",
        value_name = "URL"
    )]
    rdap_bootstrap_url: Option<String>,
}

impl TakedownArgs {
    /// Applies the options given over the file's settings.
    pub fn apply(self, settings: &mut TakedownSettings) {
        macro_rules! set {
            ($($field:ident),*) => {$(if let Some(value) = self.$field { settings.$field = value; })*};
        }
        set!(
            notice_from,
            first_recheck_after,
            recheck_every,
            renotice_after,
            escalate_after,
            send_timeout,
            rdap_bootstrap_url
        );
        if self.contacts_file.is_some() {
            settings.contacts_file = self.contacts_file;
        }
        if let Some(url) = self.smtp_url {
            settings.smtp_url = Some(Secret::new(url));
        }
        if self.public_url.is_some() {
            settings.public_url = self.public_url;
        }
        settings.allow_private_targets |= self.allow_private_targets;
        settings.auto_notice_on_match |= self.auto_notice_on_match;
    }
}

/// `takeback analyst export-takedown`: every takedown item as CSV, for an operator's
/// transparency report.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    database: crate::hotline::DatabaseArg,
    /// Write the CSV to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The CSV's columns. Times are UTC (RFC 3339); a report's time is to the hour.
const COLUMNS: [&str; 15] = [
    "id",
    "url",
    "host",
    "state",
    "reason",
    "first_reported_at",
    "assessed_at",
    "first_notice_at",
    "last_notice_at",
    "notices_sent",
    "escalated_at",
    "removed_at",
    "seconds_from_report_to_removal",
    "seconds_from_notice_to_removal",
    "content_matched",
];

/// Writes every takedown item as CSV: the address and its history, never a case, a
/// reporter or a fingerprint.
pub fn export(args: &ExportArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    let sink: Box<dyn std::io::Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut csv = csv::Writer::from_writer(sink);
    csv.write_record(COLUMNS)?;
    let records = crate::hotline::with_store(&args.database, async |store| {
        let mut all = Vec::new();
        loop {
            let after = all.last().map_or(0, |last: &TakedownRecord| last.id);
            let page = store.takedown_records(after, 1000).await?;
            if page.is_empty() {
                return Ok(all);
            }
            all.extend(page);
        }
    })?;
    for record in &records {
        csv.write_record(row(record))?;
    }
    let written = records.len();
    csv.flush().context("cannot write the CSV")?;
    eprintln!("{written} takedown items exported.");
    Ok(())
}

fn row(record: &TakedownRecord) -> [String; 15] {
    let time = |ms: Option<i64>| {
        ms.and_then(|ms| u64::try_from(ms).ok())
            .map(|ms| {
                humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + Duration::from_millis(ms))
                    .to_string()
            })
            .unwrap_or_default()
    };
    let seconds = |from: Option<i64>| match (from, record.removed_at) {
        (Some(from), Some(removed)) => ((removed - from).max(0) / 1000).to_string(),
        _ => String::new(),
    };
    [
        record.id.to_string(),
        record.url.clone(),
        record.host.clone(),
        record.state.clone(),
        record.reason.clone().unwrap_or_default(),
        time(Some(record.first_reported_at)),
        time(record.assessed_at),
        time(record.first_notice_at),
        time(record.last_notice_at),
        record.notices_sent.to_string(),
        time(record.escalated_at),
        time(record.removed_at),
        seconds(Some(record.first_reported_at)),
        seconds(record.first_notice_at),
        match record.content_matches {
            Some(0) => "no".into(),
            Some(_) => "yes".into(),
            None => String::new(),
        },
    ]
}
