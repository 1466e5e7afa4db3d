//! `takeback partner export`: the current list in the formats other systems read, sealed
//! with the hotline's signing key.

use crate::hotline::DatabaseArg;
use crate::server::runtime;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use takeback_hotline::Store;
use takeback_wire::export::{DigestWriter, ExportSeal, threatexchange_signal_type};
use takeback_wire::snapshot::{SnapshotEntry, SnapshotReader};
use takeback_wire::{Algorithm, ListedHash};

/// Write the current hash list to a file in a format other systems read, and beside it
/// (FILE.checkpoint) its seal: the feed checkpoint it is as of, and a signature over the
/// file, both by the hotline's key. `takeback verify FILE --public-key KEY` checks them.
///
/// The list is read in one transaction, as the snapshot route reads it: the file is the list
/// exactly as it stood after one change of the feed.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format: `threatexchange` (python-threatexchange's signal file, `TYPE SIGNAL` a
    /// line, for its `local_file` collab), `csv` or `tsv` (the columns of
    /// `threatexchange dataset --csv`: signal_type, signal_str, collab, category, tags),
    /// or `jsonl` (one entry a line, as the feed gives it).
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// The file to write; its seal goes to FILE.checkpoint.
    #[arg(long, short, value_name = "FILE")]
    output: PathBuf,
    /// The collab name the CSV and TSV formats give each row.
    #[arg(long, default_value = "takeback")]
    collab: String,
    /// The signing key's file, when `takeback serve` is given one (its
    /// --signing-key-file). [default: the key kept in the database]
    #[arg(long, env = "TAKEBACK_SIGNING_KEY_FILE", value_name = "FILE")]
    signing_key_file: Option<PathBuf>,
    #[command(flatten)]
    database: DatabaseArg,
}

/// The formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Threatexchange,
    Csv,
    Tsv,
    Jsonl,
}

impl ExportFormat {
    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Threatexchange => "threatexchange",
            ExportFormat::Csv => "csv",
            ExportFormat::Tsv => "tsv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

/// `takeback partner export`.
pub fn run(args: &ExportArgs) -> Result<()> {
    let runtime = runtime()?;
    let url = args.database.url();
    let store = runtime
        .block_on(Store::connect(url.expose(), 2))
        .with_context(|| format!("cannot open the database {url}"))?;
    let key = match &args.signing_key_file {
        Some(path) => {
            let key = takeback_hotline::read_signing_key_file(path)?;
            // Only the key signing now: a seal by another would not verify for partners.
            let published = runtime.block_on(store.signing_keys())?;
            let public = key.public_key().to_string();
            anyhow::ensure!(
                published
                    .iter()
                    .any(|p| p.public_key == public && p.retired_at.is_none()),
                "{} holds key {public}, which is not the one signing the list: give the file \
                 takeback serve uses",
                path.display()
            );
            key
        }
        None => runtime
            .block_on(store.signing_key())
            .context("cannot read the list's signing key")?,
    };

    // The store writes the list as a snapshot (one consistent read); it is read back here,
    // entry by entry, without holding the list in memory.
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let writer_task = runtime.spawn({
        let store = store.clone();
        let key = key.clone();
        async move { store.write_snapshot(&key, &sender, None).await }
    });
    let partial = partial_path(&args.output);
    let result = write_export(args, ChannelReader::new(receiver), &partial);
    let snapshot = runtime
        .block_on(writer_task)
        .context("the list's reader stopped")?;
    runtime.block_on(store.close());
    // A failing read reaches the reader as a cut-off list: the store's error says why.
    let (header, digest, count) = match snapshot.context("cannot read the list").and(result) {
        Ok(written) => written,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    let checkpoint = key.sign(header.seq, header.head, header.size, header.time);
    let seal = ExportSeal::seal(&key, args.format.as_str(), &digest, checkpoint);
    let seal_file = crate::verify::seal_path(&args.output);
    let seal_partial = partial_path(&seal_file);
    let mut sealed = serde_json::to_vec_pretty(&seal)?;
    sealed.push(b'\n');
    std::fs::write(&seal_partial, sealed)
        .and_then(|()| File::open(&seal_partial)?.sync_all())
        .with_context(|| format!("cannot write {}", seal_partial.display()))?;
    std::fs::rename(&partial, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    std::fs::rename(&seal_partial, &seal_file)
        .with_context(|| format!("cannot write {}", seal_file.display()))?;
    eprintln!(
        "Wrote {count} entries to {} ({}), as of feed position {}; its seal is {}.",
        args.output.display(),
        args.format.as_str(),
        header.seq,
        seal_file.display()
    );
    Ok(())
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

type Written = (takeback_wire::snapshot::SnapshotHeader, [u8; 32], u64);

/// Reads the snapshot from `input` and writes the export to `path`.
fn write_export(args: &ExportArgs, input: impl Read, path: &Path) -> Result<Written> {
    let mut snapshot = SnapshotReader::open(BufReader::with_capacity(1 << 20, input))
        .context("cannot read the list")?;
    let header = snapshot.header().clone();
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = DigestWriter::new(BufWriter::with_capacity(1 << 20, file));
    let mut count = 0u64;
    let mut next = |snapshot: &mut SnapshotReader<_>| -> Result<Option<SnapshotEntry>> {
        let entry = snapshot.next_entry().context("cannot read the list")?;
        count += u64::from(entry.is_some());
        Ok(entry)
    };
    match args.format {
        ExportFormat::Threatexchange => {
            while let Some(entry) = next(&mut snapshot)? {
                let signal_type = threatexchange_signal_type(entry.algorithm);
                writeln!(out, "{signal_type} {}", signal_of(&entry))?;
            }
        }
        ExportFormat::Jsonl => {
            while let Some(entry) = next(&mut snapshot)? {
                serde_json::to_writer(&mut out, &json_of(&entry))?;
                out.write_all(b"\n")?;
            }
        }
        ExportFormat::Csv | ExportFormat::Tsv => {
            let delimiter = if args.format == ExportFormat::Tsv {
                b'\t'
            } else {
                b','
            };
            let mut table = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(&mut out);
            table.write_record(["signal_type", "signal_str", "collab", "category", "tags"])?;
            while let Some(entry) = next(&mut snapshot)? {
                // The categories the `takeback` exchange gives: an analyst checked it, or a
                // young person reported it (to review before acting).
                let (category, checked) = if entry.verified {
                    ("POSITIVE_CLASS", "verified")
                } else {
                    ("INVESTIGATION_SEED", "unverified")
                };
                let tags = format!("takeback_entry_{} {checked}", entry.id);
                table.write_record([
                    threatexchange_signal_type(entry.algorithm),
                    &signal_of(&entry),
                    &args.collab,
                    category,
                    &tags,
                ])?;
            }
            table.flush()?;
        }
    }
    snapshot
        .finish()
        .context("the list was cut short while being read")?;
    let (writer, digest) = out.finish();
    let file = writer
        .into_inner()
        .map_err(|error| error.into_error())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok((header, digest, count))
}

/// An entry's signal as python-threatexchange writes it: lowercase hex, or for a video
/// (`vpdq`) a JSON array of `"hash,quality,timestamp"`.
fn signal_of(entry: &SnapshotEntry) -> String {
    match &entry.frames {
        Some(frames) if entry.algorithm == Algorithm::Vpdq => {
            let video = takeback_vpdq::VideoFingerprint {
                frames: (0..)
                    .zip(frames)
                    .map(|(number, frame)| takeback_vpdq::VpdqFrame {
                        frame: number,
                        hash: frame.hash,
                        quality: frame.quality,
                        timestamp: frame.timestamp,
                    })
                    .collect(),
            };
            takeback_vpdq::format::write_signal(&video)
        }
        _ => entry.hash.to_hex(),
    }
}

fn json_of(entry: &SnapshotEntry) -> serde_json::Value {
    let mut json = serde_json::json!({
        "id": entry.id,
        "algorithm": entry.algorithm.as_str(),
        "value": entry.hash.to_hex(),
        "quality": entry.quality,
        "verified": entry.verified,
    });
    if let (Some(frames), ListedHash::Sha256(_)) = (&entry.frames, &entry.hash) {
        json["frames"] = frames
            .iter()
            .map(|frame| {
                serde_json::json!({
                    "timestamp": frame.timestamp,
                    "value": frame.hash.to_hex(),
                    "quality": frame.quality,
                })
            })
            .collect();
    }
    json
}

/// The snapshot's chunks, as they come from the store's task, as a `Read`.
struct ChannelReader {
    receiver: tokio::sync::mpsc::Receiver<Result<Vec<u8>, io::Error>>,
    chunk: Vec<u8>,
    at: usize,
}

impl ChannelReader {
    fn new(receiver: tokio::sync::mpsc::Receiver<Result<Vec<u8>, io::Error>>) -> Self {
        ChannelReader {
            receiver,
            chunk: Vec::new(),
            at: 0,
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.receiver.blocking_recv() {
                Some(chunk) => {
                    self.chunk = chunk?;
                    self.at = 0;
                }
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
