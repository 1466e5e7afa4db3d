//! `takeback`: the one command for every part of Takeback.
//!
//! The binary stays thin: argument parsing, output formatting and error reporting. The
//! work happens in the library crates, which tests call directly.

#[cfg(feature = "hotline")]
mod export;
mod hash;
#[cfg(feature = "hotline")]
mod hotline;
#[cfg(feature = "matcher")]
mod matcher;
mod matching;
#[cfg(feature = "matcher")]
mod scan;
#[cfg(any(feature = "hotline", feature = "matcher"))]
mod server;
#[cfg(feature = "hotline")]
mod takedown;
mod verify;

use clap::{Parser, Subcommand};
use std::io::{self, IsTerminal};
use std::process::ExitCode;

/// mimalloc rather than the system's allocator: the servers make many small, short-lived
/// allocations for every request (headers, JSON, answers), which glibc's allocator serves
/// more slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Takeback: fingerprint images so that copies can be found and blocked, without anyone
/// seeing them.
#[derive(Debug, Parser)]
#[command(name = "takeback", version, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Hash(hash::HashArgs),
    Match(matching::MatchArgs),
    #[command(subcommand)]
    Index(matching::IndexCommand),
    #[cfg(feature = "hotline")]
    Serve(Box<hotline::ServeArgs>),
    #[cfg(feature = "hotline")]
    #[command(subcommand)]
    Partner(hotline::PartnerCommand),
    #[cfg(feature = "hotline")]
    #[command(subcommand)]
    Analyst(hotline::AnalystCommand),
    #[cfg(feature = "matcher")]
    Matcher(Box<matcher::MatcherArgs>),
    #[cfg(feature = "matcher")]
    Scan(scan::ScanArgs),
    Verify(verify::VerifyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Hash(args) => hash::run(&args),
        Command::Match(args) => matching::run_match(&args).map(|outcome| match outcome {
            matching::MatchOutcome::Matched => Outcome::Done,
            matching::MatchOutcome::NoMatch => Outcome::SomeFailed,
            matching::MatchOutcome::Error => Outcome::Error,
        }),
        Command::Index(command) => matching::run_index(&command),
        #[cfg(feature = "hotline")]
        Command::Serve(args) => hotline::serve(*args).map(|()| Outcome::Done),
        #[cfg(feature = "hotline")]
        Command::Partner(command) => hotline::partner(&command).map(|()| Outcome::Done),
        #[cfg(feature = "hotline")]
        Command::Analyst(command) => hotline::analyst(&command).map(|()| Outcome::Done),
        #[cfg(feature = "matcher")]
        Command::Matcher(args) => matcher::run(*args).map(|()| Outcome::Done),
        #[cfg(feature = "matcher")]
        Command::Scan(args) => scan::run(&args),
        Command::Verify(args) => verify::run(&args),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        // A reader that stops early (`| head`) is not an error.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("takeback: {}", describe(&error));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, each said once: many errors already include
/// their cause's words, which `{:#}` would repeat.
fn describe(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was done.
    Done,
    /// Some inputs failed and were reported; the rest were done. (For `match`: nothing
    /// matched.)
    SomeFailed,
    /// Some inputs were unusable and were reported (for `match`, whose 1 means no match).
    Error,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::SomeFailed => ExitCode::from(1),
            Outcome::Error => ExitCode::from(2),
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether to draw progress bars: only for a person watching a terminal.
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Parses a memory size for `--decode-memory`: bytes, or with a unit (`512MiB`, `2GiB`,
/// `1.5GB`), at least the smallest decode budget.
#[cfg(feature = "matcher")]
pub fn memory_size(value: &str) -> Result<u64, String> {
    let bytes = value
        .trim()
        .parse::<bytesize::ByteSize>()
        .map_err(|_| format!("{value:?} is not a size: give bytes, or a number with a unit such as 512MiB or 2GiB"))?
        .as_u64();
    let least = takeback_fingerprint::DecodeBudget::MIN_BYTES;
    if bytes < least {
        return Err(format!(
            "{value} is under {}: no picture could be decoded in so little",
            bytesize::ByteSize::b(least).display().iec()
        ));
    }
    Ok(bytes)
}
