//! `takeback verify`: checks a snapshot of a hotline's list (saved from
//! `GET /api/v1/hashlist/snapshot`) or an export (`takeback partner export`) against the
//! hotline's public key.

use crate::Outcome;
use anyhow::{Context, Result};
use clap::Args;
use std::fs::File;
use std::io::{BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use takeback_wire::chain::FeedPublicKey;
use takeback_wire::export::{DigestWriter, ExportSeal};
use takeback_wire::snapshot::{MAGIC, SnapshotReader};

/// Check that a snapshot or an export of a hotline's hash list is the one the hotline
/// signed.
///
/// A snapshot (saved from GET /api/v1/hashlist/snapshot): every entry well formed, and the
/// signature over all of them valid. An export (`takeback partner export`): its seal
/// (FILE.checkpoint, or --checkpoint) names the file's SHA-256 and the feed checkpoint it
/// is as of, both signed. Prints what the list is of (the feed position, chain head, entry
/// count, when and with which key it was signed) and exits 0 when it verifies; 1 when it
/// does not (altered, cut short, or signed with another key), with the reason. Save a
/// snapshot with, for example, `curl -H "Authorization: Bearer $KEY" -o list.snapshot
/// https://hotline.example.org/api/v1/hashlist/snapshot`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The snapshot or exported file.
    file: PathBuf,
    /// The hotline's public key (the `public_key` of its `GET /api/v1/keys`).
    #[arg(long, value_name = "KEY", env = "TAKEBACK_HOTLINE_PUBLIC_KEY")]
    public_key: FeedPublicKey,
    /// An export's seal. [default: FILE.checkpoint]
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
}

/// Where an export's seal is written and looked for: `FILE.checkpoint`.
pub fn seal_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".checkpoint");
    PathBuf::from(name)
}

/// `takeback verify`.
pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let mut file =
        File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let mut magic = [0; 8];
    // Any version of the snapshot format, so that an older one is named as such.
    let is_snapshot = file.read_exact(&mut magic).is_ok() && magic[..6] == MAGIC[..6];
    file.rewind()
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    if is_snapshot {
        verify_snapshot(args, file)
    } else {
        verify_export(args, file)
    }
}

fn verify_snapshot(args: &VerifyArgs, file: File) -> Result<Outcome> {
    let reader = SnapshotReader::open(BufReader::with_capacity(1 << 20, file));
    let signed = match reader.and_then(SnapshotReader::finish) {
        Ok(signed) => signed,
        Err(error) => {
            eprintln!("{} does NOT verify: {error}", args.file.display());
            return Ok(Outcome::SomeFailed);
        }
    };
    let header = &signed.header;
    print_position(
        header.seq,
        &header.head,
        header.size,
        header.time,
        &header.key_id,
    )?;
    Ok(verdict(
        args,
        signed.verify(&args.public_key),
        "signed",
        header.seq,
    ))
}

fn verify_export(args: &VerifyArgs, mut file: File) -> Result<Outcome> {
    let seal_file = args
        .checkpoint
        .clone()
        .unwrap_or_else(|| seal_path(&args.file));
    let text = std::fs::read(&seal_file).with_context(|| {
        format!(
            "{} is not a snapshot, and its seal {} cannot be read (give it with --checkpoint)",
            args.file.display(),
            seal_file.display()
        )
    })?;
    let seal: ExportSeal = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not an export's seal", seal_file.display()))?;
    let mut digest = DigestWriter::new(std::io::sink());
    std::io::copy(&mut file, &mut digest)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let (_, digest) = digest.finish();
    let checkpoint = &seal.checkpoint;
    writeln!(std::io::stdout(), "format\t{}", seal.format)?;
    print_position(
        checkpoint.seq,
        &checkpoint.head,
        checkpoint.size,
        checkpoint.time,
        &checkpoint.key_id,
    )?;
    Ok(verdict(
        args,
        seal.verify(&args.public_key, &digest),
        "sealed",
        checkpoint.seq,
    ))
}

/// Says whether the file verified (the hotline `signed` or `sealed` it at `seq`).
fn verdict(
    args: &VerifyArgs,
    checked: Result<(), impl std::fmt::Display>,
    how: &str,
    seq: i64,
) -> Outcome {
    match checked {
        Ok(()) => {
            eprintln!(
                "{} verifies: it is the list the hotline {how} at position {seq}.",
                args.file.display()
            );
            Outcome::Done
        }
        Err(error) => {
            eprintln!(
                "{} does NOT verify under {}: {error}",
                args.file.display(),
                args.public_key
            );
            Outcome::SomeFailed
        }
    }
}

fn print_position(
    seq: i64,
    head: &takeback_wire::chain::ChainHead,
    size: i64,
    time: i64,
    key_id: &str,
) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "position\t{seq}")?;
    writeln!(stdout, "chain head\t{head}")?;
    writeln!(stdout, "entries\t{size}")?;
    writeln!(stdout, "signed at\t{time} (Unix ms)")?;
    writeln!(stdout, "signed with\t{key_id}")?;
    Ok(())
}
