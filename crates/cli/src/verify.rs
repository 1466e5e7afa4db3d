//! `takeback verify`: checks a snapshot of a hotline's list (saved from
//! `GET /api/v1/hashlist/snapshot`) against the hotline's public key.

use crate::Outcome;
use anyhow::{Context, Result};
use clap::Args;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;
use takeback_wire::chain::FeedPublicKey;
use takeback_wire::snapshot::SnapshotReader;

/// Check that a snapshot of a hotline's hash list is the one the hotline signed: every
/// entry well formed, and the signature over all of them valid under its public key.
///
/// Prints what the snapshot is of (the feed position, chain head, entry count, when and with
/// which key it was signed) and exits 0 when it verifies; 1 when it does not (altered, cut
/// short, or signed with another key), with the reason. Save a snapshot with, for example,
/// `curl -H "Authorization: Bearer $KEY" -o list.snapshot
/// https://hotline.example.org/api/v1/hashlist/snapshot`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The snapshot file.
    file: PathBuf,
    /// The hotline's public key (the `public_key` of its `GET /api/v1/keys`).
    #[arg(long, value_name = "KEY", env = "TAKEBACK_HOTLINE_PUBLIC_KEY")]
    public_key: FeedPublicKey,
}

/// `takeback verify`.
pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let reader = SnapshotReader::open(BufReader::with_capacity(1 << 20, file));
    let signed = match reader.and_then(SnapshotReader::finish) {
        Ok(signed) => signed,
        Err(error) => {
            eprintln!("{} does NOT verify: {error}", args.file.display());
            return Ok(Outcome::SomeFailed);
        }
    };
    let header = &signed.header;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "position\t{}", header.seq)?;
    writeln!(stdout, "chain head\t{}", header.head)?;
    writeln!(stdout, "entries\t{}", header.size)?;
    writeln!(stdout, "signed at\t{} (Unix ms)", header.time)?;
    writeln!(stdout, "signed with\t{}", header.key_id)?;
    if let Err(error) = signed.verify(&args.public_key) {
        eprintln!(
            "{} does NOT verify under {}: {error}",
            args.file.display(),
            args.public_key
        );
        return Ok(Outcome::SomeFailed);
    }
    eprintln!(
        "{} verifies: it is the list the hotline signed at position {}.",
        args.file.display(),
        header.seq
    );
    Ok(Outcome::Done)
}
