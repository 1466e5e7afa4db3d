//! `takeback scan`: its arguments, the progress bar and the output formats. The scan
//! itself (walking, workers, matching, checkpoints) is `takeback_matcher::scan`.

use crate::Outcome;
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use takeback_fingerprint::collect_files;
use takeback_matcher::ScanMatch;
use takeback_matcher::scan::{
    Against, FilePrint, ScanOptions, ScanOutput, ScanProgress, ScanRecord, ScanSink, scan,
};

/// Scan stored files for pictures and videos on a hash list: decode, fingerprint and match
/// each one, on all cores, writing the files that match.
///
/// A picture is hashed with PDQ; a video (recognised by content, as `takeback hash` does)
/// with vPDQ, one frame a second. Against a list file (--list: PDQ hashes, as text or a
/// saved index) a video matches a listed hash when one of its frames does; against a
/// running `takeback matcher` (--matcher: its lists, listed videos, MD5 and SHA-256 too)
/// only hashes are sent, never a file's bytes. Directories are searched recursively in name order, skipping hidden files; --files-from
/// reads paths one per line. A file that cannot be read or decoded is counted and listed
/// (on stderr, and with --errors in a file), and the scan goes on. With --output FILE the
/// scan can be interrupted and continued with --resume. Exit status: 0 when every file was
/// scanned, 1 when some could not be read, 2 on an error.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan.
    #[arg(value_name = "PATH", required_unless_present = "files_from")]
    paths: Vec<PathBuf>,
    /// A file listing paths to scan, one per line (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// The hash list to match against: a text list (`hash` or `hash,id` per line) or an
    /// index saved by `takeback index build`.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "matcher",
        conflicts_with = "matcher"
    )]
    list: Option<PathBuf>,
    /// A running `takeback matcher` to match against (`http://127.0.0.1:8090`).
    #[arg(long, value_name = "URL")]
    matcher: Option<String>,
    /// The API token the matcher asks for (its --api-token), sent with every query to
    /// --matcher.
    #[arg(
        long,
        env = "TAKEBACK_MATCHER_API_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    matcher_token: Option<String>,
    /// Where to write the matches [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// `jsonl`: one object per matching file, `{"path", "pdq", "quality", "matches": [{"hotline",
    /// "id", "algorithm", "hash", "distance", "verified", "variant"}]}`; for a video `{"path",
    /// "kind": "video", "frames" (how many were hashed), "matches"}`. A match of a listed
    /// video (`vpdq`, through --matcher) adds `video`: `{"match": "video", "query_share",
    /// "listed_share"}` for a video, `{"match": "frame", "timestamp"}` for a picture that is
    /// one of its frames. A video's match on a list file adds `timestamp`, the seconds into
    /// the video of its closest frame. `csv`: a header, then one row per match:
    /// `path,hotline,id,algorithm,distance,verified,variant,hash`.
    #[arg(long, value_enum, default_value_t = ScanFormat::Jsonl)]
    format: ScanFormat,
    /// Also write each file that could not be read, `path<TAB>reason`, to this file.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Continue an interrupted scan of the same paths into the same --output.
    #[arg(long, requires = "output")]
    resume: bool,
    /// With --list: largest PDQ distance that counts as a match (0-256). A video matches a
    /// listed hash when one of its frames is this close; each listed hash is written once,
    /// with the closest frame.
    #[arg(long, default_value_t = 31, value_parser = clap::value_parser!(u32).range(0..=256))]
    max_distance: u32,
    /// With --list: lowest PDQ quality matched (0-100); pictures, and a video's frames,
    /// under it are skipped.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    quality_floor: u8,
    /// Match only pictures as they are, not turned or mirrored (videos are matched as they
    /// are either way).
    #[arg(long)]
    no_dihedral: bool,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Memory the pictures being decoded at once may take (`2GiB`, `512MiB`): a worker
    /// waits while it is taken, and a picture that needs more on its own is listed as
    /// unreadable. (A video holds one frame at a time and is not counted.)
    #[arg(long, value_name = "SIZE", value_parser = crate::memory_size, default_value = "2GiB")]
    decode_memory: u64,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Jsonl,
    Csv,
}

/// A matching picture, as `jsonl` writes it (outside tools read these: keep its shape).
#[derive(Debug, Serialize)]
struct JsonRecord<'a> {
    path: &'a str,
    pdq: String,
    quality: u8,
    matches: &'a [ScanMatch],
}

/// A matching video, as `jsonl` writes it.
#[derive(Debug, Serialize)]
struct JsonVideoRecord<'a> {
    path: &'a str,
    /// Always `video`: what tells it from a picture's record.
    kind: &'static str,
    /// How many frames were hashed.
    frames: usize,
    matches: &'a [ScanMatch],
}

/// The header of `csv` output.
const CSV_HEADER: &[u8] = b"path,hotline,id,algorithm,distance,verified,variant,hash\n";

pub fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let against = match (&args.matcher, &args.list) {
        (Some(url), _) => Against::matcher(url, args.matcher_token.as_deref())?,
        (None, Some(list)) => Against::list(list, args.max_distance, args.quality_floor)?,
        (None, None) => bail!("give --list FILE or --matcher URL"),
    };
    let mut unreadable_folders = Vec::new();
    let mut files = collect_files(
        &args.paths,
        &mut |path: &Path, reason: &dyn std::fmt::Display| {
            unreadable_folders.push((path.to_path_buf(), reason.to_string()));
        },
    );
    for (path, reason) in &unreadable_folders {
        eprintln!("{}: {reason}", path.display());
    }
    if let Some(list) = &args.files_from {
        files.extend(read_paths(list)?);
    }
    let options = ScanOptions {
        files,
        unreadable_folders,
        output: match &args.output {
            Some(path) => ScanOutput::File(path.clone()),
            None => ScanOutput::Writer(Box::new(io::stdout())),
        },
        errors: args.errors.clone(),
        resume: args.resume,
        header: match args.format {
            ScanFormat::Jsonl => Vec::new(),
            ScanFormat::Csv => CSV_HEADER.to_vec(),
        },
        dihedral: !args.no_dihedral,
        jobs: args.jobs,
        decode_memory: args.decode_memory,
    };
    let mut sink = Sink {
        format: args.format,
        show_progress: !args.no_progress && crate::stderr_is_terminal(),
        bar: None,
    };
    let scanned = scan(&against, options, &mut sink);
    if let Some(bar) = sink.bar.take() {
        bar.finish_and_clear();
    }
    let summary = scanned?;
    eprintln!(
        "scanned {} files in {:.1} s ({:.0} files/s): {} matched, {} unreadable",
        summary.scanned,
        summary.seconds,
        summary.scanned as f64 / summary.seconds.max(1e-9),
        summary.matched,
        summary.unreadable
    );
    Ok(if summary.unreadable > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

/// Writes matches in the format asked for; shows progress on a terminal.
struct Sink {
    format: ScanFormat,
    show_progress: bool,
    bar: Option<ProgressBar>,
}

impl ScanSink for Sink {
    fn started(&mut self, progress: &ScanProgress) {
        if !self.show_progress {
            return;
        }
        let style =
            ProgressStyle::with_template("{bar:30} {pos}/{len} files  {per_sec}  {msg}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::new(progress.total).with_style(style);
        bar.set_position(progress.done);
        bar.reset_eta();
        self.bar = Some(bar);
    }

    fn format(&mut self, record: &ScanRecord<'_>) -> io::Result<Vec<u8>> {
        let path = record.path.to_string_lossy();
        let mut bytes = Vec::new();
        match self.format {
            ScanFormat::Jsonl => {
                match record.print {
                    FilePrint::Picture(print) => {
                        let line = JsonRecord {
                            path: &path,
                            pdq: print.pdq.hash.to_hex(),
                            quality: print.pdq.quality,
                            matches: record.matches,
                        };
                        serde_json::to_writer(&mut bytes, &line)?;
                    }
                    FilePrint::Video(print) => {
                        let line = JsonVideoRecord {
                            path: &path,
                            kind: "video",
                            frames: print.fingerprint.frames.len(),
                            matches: record.matches,
                        };
                        serde_json::to_writer(&mut bytes, &line)?;
                    }
                }
                bytes.push(b'\n');
            }
            ScanFormat::Csv => {
                let mut csv = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut bytes);
                for m in record.matches {
                    csv.write_record([
                        path.as_ref(),
                        &m.hotline,
                        &m.id.to_string(),
                        m.algorithm.as_str(),
                        &m.distance.to_string(),
                        &m.verified.map_or_else(String::new, |v| v.to_string()),
                        m.variant.as_deref().unwrap_or(""),
                        &m.hash,
                    ])
                    .map_err(io::Error::other)?;
                }
                csv.flush()?;
            }
        }
        Ok(bytes)
    }

    fn unreadable(&mut self, path: &Path, reason: &str) {
        let line = format!("{}: {reason}", path.display());
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn progress(&mut self, progress: &ScanProgress) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!(
                "{} matched, {} unreadable",
                progress.matched, progress.unreadable
            ));
        }
    }
}

fn read_paths(list: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let reader: Box<dyn BufRead> = if list == Path::new("-") {
        Box::new(BufReader::new(io::stdin()))
    } else {
        Box::new(BufReader::new(
            File::open(list).with_context(|| format!("cannot open {}", list.display()))?,
        ))
    };
    let mut paths = Vec::new();
    for line in reader.lines() {
        let line = line.with_context(|| format!("cannot read {}", list.display()))?;
        if !line.trim().is_empty() {
            paths.push(PathBuf::from(line));
        }
    }
    Ok(paths)
}
