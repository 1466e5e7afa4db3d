//! `takeback hash`: fingerprints of image files, in parallel, printed in a stable order.

use crate::Outcome;
use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use takeback_fingerprint::collect_files;
use takeback_fingerprint::{
    Fingerprint, FingerprintError, Options, fingerprint_file, fingerprint_reader,
};

/// Print the fingerprints of image files: PDQ hash and quality of the pixels, MD5 and
/// SHA-256 of the bytes.
///
/// Reads JPEG, PNG, WebP, GIF (first frame), BMP and TIFF, recognised by content. Directories
/// are searched recursively, skipping hidden files and folders; results come out in the
/// order the paths were given, directories in name order, whatever order the cores finish
/// in. A file that cannot be read or decoded is reported on stderr as `path: reason`, the
/// others are still hashed, and the exit status is then 1.
#[derive(Debug, Args)]
pub struct HashArgs {
    /// Image files or directories; `-` reads one image from standard input (reported with
    /// the path `-`).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format. `json`: one object per line with `path`, `pdq` (64 hex digits),
    /// `quality` (0-100; under 50 the picture has too little detail to match reliably),
    /// `width`, `height`, `md5`, `sha256` and `format`. `csv`: the reference
    /// pdq-photo-hasher's `hash,quality,path`, without a header.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,

    /// Also compute the hashes of the image rotated and mirrored. JSON gains `pdq_dihedral`,
    /// eight hashes in the reference's order: original, rotated 90°, 180° and 270°
    /// counterclockwise, flipped top-bottom, flipped left-right, transposed, and
    /// anti-transposed. CSV prints eight lines per file in that order, like the reference
    /// tool's `--pdqdih`.
    #[arg(long)]
    dihedral: bool,

    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
}

/// Shown when more files than this are hashed and stderr is a terminal.
const PROGRESS_BAR_MIN_FILES: usize = 20;

pub fn run(args: &HashArgs) -> anyhow::Result<Outcome> {
    let mut failed = false;
    let mut report = |path: &Path, reason: &dyn std::fmt::Display| {
        failed = true;
        eprintln!("{}: {reason}", path.display());
    };
    if args.paths.iter().filter(|p| *p == Path::new(STDIN)).count() > 1 {
        anyhow::bail!("standard input (`-`) can be read only once");
    }
    let files = collect_files(&args.paths, &mut report);

    let options = Options {
        dihedral: args.dihedral,
        ..Options::default()
    };
    let progress = (crate::stderr_is_terminal() && files.len() > PROGRESS_BAR_MIN_FILES)
        .then(|| progress_bar(files.len() as u64));
    let mut threads = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = args.jobs {
        threads = threads.num_threads(jobs.max(1));
    }
    let pool = threads.build().context("cannot start worker threads")?;

    let stdout = io::stdout();
    let mut out = Output::new(BufWriter::new(stdout.lock()), args.format);
    let stop = AtomicBool::new(false);
    let (sender, results) = mpsc::channel();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        scope.spawn(|| {
            pool.install(|| {
                files
                    .par_iter()
                    .enumerate()
                    .for_each_with(sender, |sender, (i, path)| {
                        // After a write error (a closed pipe) there is no point going on.
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let _ = sender.send((i, fingerprint_path(path, &options)));
                    });
            });
        });
        // Print in input order: hold results that finish early until their turn.
        let mut pending: BTreeMap<usize, Result<Fingerprint, FingerprintError>> = BTreeMap::new();
        let mut next = 0;
        let written = results.iter().try_for_each(|(i, result)| {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                let path = &files[next];
                match result {
                    Ok(print) => out.write(path, &print)?,
                    Err(error) => {
                        let line = format!("{}: {error}", path.display());
                        match &progress {
                            Some(bar) => bar.suspend(|| eprintln!("{line}")),
                            None => eprintln!("{line}"),
                        }
                        failed = true;
                    }
                }
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                next += 1;
            }
            Ok::<_, io::Error>(())
        });
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        written.context("cannot write the output")
    })?;
    out.finish().context("cannot write the output")?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(if failed {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

/// Fingerprints a file, or standard input for `-`.
fn fingerprint_path(path: &Path, options: &Options) -> Result<Fingerprint, FingerprintError> {
    if path == Path::new(STDIN) {
        fingerprint_reader(io::stdin().lock(), options)
    } else {
        fingerprint_file(path, options)
    }
}

/// The path that names standard input.
const STDIN: &str = "-";

fn progress_bar(len: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(len).with_style(style)
}

/// One line of JSON output.
#[derive(Serialize)]
struct JsonRecord<'a> {
    path: &'a str,
    pdq: String,
    quality: u8,
    width: usize,
    height: usize,
    md5: String,
    sha256: String,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pdq_dihedral: Option<Vec<String>>,
}

enum Output<W: Write> {
    Json(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Output<W> {
    fn new(writer: W, format: Format) -> Self {
        match format {
            Format::Json => Output::Json(writer),
            // Like the reference tool: no header. Paths are quoted only when they hold a
            // comma, quote or line break.
            Format::Csv => Output::Csv(Box::new(
                csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(writer),
            )),
        }
    }

    fn write(&mut self, path: &Path, print: &Fingerprint) -> io::Result<()> {
        let path = path.to_string_lossy();
        match self {
            Output::Json(out) => {
                let record = JsonRecord {
                    path: &path,
                    pdq: print.pdq.hash.to_hex(),
                    quality: print.pdq.quality,
                    width: print.width,
                    height: print.height,
                    md5: print.digests.md5.to_string(),
                    sha256: print.digests.sha256.to_string(),
                    format: print.format.name(),
                    pdq_dihedral: print
                        .dihedral
                        .map(|hashes| hashes.iter().map(|h| h.to_hex()).collect()),
                };
                serde_json::to_writer(&mut *out, &record)?;
                out.write_all(b"\n")
            }
            Output::Csv(out) => {
                let hashes = print
                    .dihedral
                    .map_or_else(|| vec![print.pdq.hash], |all| all.to_vec());
                let quality = print.pdq.quality.to_string();
                for hash in hashes {
                    out.write_record([hash.to_hex().as_str(), &quality, &path])
                        .map_err(csv_to_io)?;
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Output::Json(mut out) => out.flush(),
            Output::Csv(mut out) => out.flush(),
        }
    }
}

/// The csv crate wraps I/O errors; unwrap them so a closed pipe is still recognised.
fn csv_to_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
