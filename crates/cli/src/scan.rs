//! `takeback scan`: a backlog of stored files against a hash list, on all cores, resumable.

use crate::Outcome;
use crate::hash::collect_files;
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use takeback_fingerprint::{Fingerprint, FingerprintError, Options, fingerprint_file};
use takeback_index::HashIndex;

/// Scan stored files for pictures on a hash list: decode, fingerprint and match each one,
/// on all cores, writing the files that match.
///
/// Against a list file (--list: PDQ hashes, as text or a saved index) or a running
/// `takeback matcher` (--matcher: its lists, MD5 and SHA-256 too; only hashes are sent).
/// Directories are searched recursively in name order, skipping hidden files; --files-from
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
    /// Where to write the matches [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// `jsonl`: one object per matching file, `{"path", "pdq", "quality", "matches": [{"hotline",
    /// "id", "algorithm", "hash", "distance", "verified", "variant"}]}`. `csv`: a header, then
    /// one row per match: `path,hotline,id,algorithm,distance,verified,variant,hash`.
    #[arg(long, value_enum, default_value_t = ScanFormat::Jsonl)]
    format: ScanFormat,
    /// Also write each file that could not be read, `path<TAB>reason`, to this file.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Continue an interrupted scan of the same paths into the same --output.
    #[arg(long, requires = "output")]
    resume: bool,
    /// With --list: largest PDQ distance that counts as a match (0-256).
    #[arg(long, default_value_t = 31, value_parser = clap::value_parser!(u32).range(0..=256))]
    max_distance: u32,
    /// With --list: lowest PDQ quality matched (0-100); pictures under it are skipped.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    quality_floor: u8,
    /// Match only pictures as they are, not turned or mirrored.
    #[arg(long)]
    no_dihedral: bool,
    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScanFormat {
    Jsonl,
    Csv,
}

/// A match, as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ScanMatch {
    hotline: String,
    id: i64,
    algorithm: String,
    hash: String,
    distance: u32,
    /// Unknown (absent) for list files, which carry no verification.
    #[serde(skip_serializing_if = "Option::is_none")]
    verified: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<String>,
}

#[derive(Debug, Serialize)]
struct ScanRecord<'a> {
    path: &'a str,
    pdq: String,
    quality: u8,
    matches: &'a [ScanMatch],
}

/// Where a scan stands, saved beside the output as `<output>.progress`.
#[derive(Debug, Serialize, Deserialize)]
struct Checkpoint {
    /// The first `files_done` files (in scan order) are done.
    files_done: u64,
    /// The last of them, to check that a resumed scan walks the same files.
    last_path: Option<String>,
    output_bytes: u64,
    errors_bytes: u64,
    matched: u64,
    unreadable: u64,
}

/// What matches against.
enum Backend {
    List {
        index: HashIndex,
        name: String,
        max_distance: u32,
        quality_floor: u8,
    },
    Matcher {
        agent: ureq::Agent,
        url: String,
    },
}

impl Backend {
    fn matches(&self, print: &Fingerprint) -> Result<Vec<ScanMatch>, String> {
        match self {
            Backend::List {
                index,
                name,
                max_distance,
                quality_floor,
            } => {
                if print.pdq.quality < *quality_floor {
                    return Ok(Vec::new());
                }
                let matches = match &print.dihedral {
                    Some(hashes) => index
                        .query_dihedral(hashes, *max_distance)
                        .into_iter()
                        .map(|m| (m.id, m.hash, m.distance, Some(m.variant)))
                        .collect::<Vec<_>>(),
                    None => index
                        .query(&print.pdq.hash, *max_distance)
                        .into_iter()
                        .map(|m| (m.id, m.hash, m.distance, None))
                        .collect(),
                };
                Ok(matches
                    .into_iter()
                    .map(|(id, hash, distance, variant)| ScanMatch {
                        hotline: name.clone(),
                        id: i64::try_from(id).unwrap_or(i64::MAX),
                        algorithm: "pdq".into(),
                        hash: hash.to_hex(),
                        distance,
                        verified: None,
                        variant: variant
                            .filter(|v| *v != takeback_pdq::Dihedral::Original)
                            .map(|v| v.name().to_owned()),
                    })
                    .collect())
            }
            Backend::Matcher { agent, url } => {
                let mut query = serde_json::json!({
                    "quality": print.pdq.quality,
                    "md5": print.digests.md5.to_string(),
                    "sha256": print.digests.sha256.to_string(),
                });
                match &print.dihedral {
                    Some(hashes) => {
                        query["dihedral"] = hashes.iter().map(|h| h.to_hex()).collect();
                    }
                    None => query["pdq"] = print.pdq.hash.to_hex().into(),
                }
                #[derive(Deserialize)]
                struct Answer {
                    matches: Vec<ScanMatch>,
                }
                let mut response = agent
                    .post(format!("{url}/v1/match"))
                    .send_json(&query)
                    .map_err(|e| format!("cannot reach the matcher: {e}"))?;
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .read_to_string()
                    .map_err(|e| format!("cannot read the matcher's answer: {e}"))?;
                if status != 200 {
                    return Err(format!("the matcher answered {status}: {body}"));
                }
                serde_json::from_str::<Answer>(&body)
                    .map(|a| a.matches)
                    .map_err(|e| format!("the matcher's answer is malformed: {e}"))
            }
        }
    }
}

/// Why one file gave no result.
enum FileError {
    /// Unreadable or not an image: counted, and the scan goes on.
    File(FingerprintError),
    /// The matcher failed: the scan stops, resumable.
    Matcher(String),
}

pub fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let backend = backend(args)?;
    let mut walk_errors = Vec::new();
    let mut files = collect_files(
        &args.paths,
        &mut |path: &Path, reason: &dyn std::fmt::Display| {
            walk_errors.push((path.display().to_string(), reason.to_string()));
        },
    );
    for (path, reason) in &walk_errors {
        eprintln!("{path}: {reason}");
    }
    if let Some(list) = &args.files_from {
        files.extend(read_paths(list)?);
    }
    let checkpoint_path = args.output.as_ref().map(|output| {
        let mut name = output.as_os_str().to_owned();
        name.push(".progress");
        PathBuf::from(name)
    });
    let resumed = match (&checkpoint_path, args.resume) {
        (Some(path), true) => Some(resume_point(path, &files)?),
        _ => None,
    };
    let skip = resumed.as_ref().map_or(0, |c| c.files_done) as usize;
    let mut outputs = open_outputs(args, resumed.as_ref())?;
    let mut header_bytes = 0;
    if resumed.is_none() && args.format == ScanFormat::Csv {
        let header = b"path,hotline,id,algorithm,distance,verified,variant,hash\n";
        outputs.output.write_all(header)?;
        header_bytes = header.len() as u64;
    }
    let mut state = Checkpoint {
        files_done: skip as u64,
        last_path: resumed.as_ref().and_then(|c| c.last_path.clone()),
        output_bytes: resumed.as_ref().map_or(header_bytes, |c| c.output_bytes),
        errors_bytes: resumed.as_ref().map_or(0, |c| c.errors_bytes),
        matched: resumed.as_ref().map_or(0, |c| c.matched),
        // Folders that could not be read were counted by the scan being resumed.
        unreadable: resumed
            .as_ref()
            .map_or(walk_errors.len() as u64, |c| c.unreadable),
    };
    if resumed.is_none()
        && let Some(errors) = outputs.errors.as_mut()
    {
        for (path, reason) in &walk_errors {
            let line = format!("{path}\t{reason}\n");
            errors.write_all(line.as_bytes())?;
            state.errors_bytes += line.len() as u64;
        }
    }

    let options = Options {
        dihedral: !args.no_dihedral,
        ..Options::default()
    };
    let todo = &files[skip.min(files.len())..];
    let progress = (!args.no_progress && crate::stderr_is_terminal()).then(|| {
        let style =
            ProgressStyle::with_template("{bar:30} {pos}/{len} files  {per_sec}  {msg}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::new(files.len() as u64).with_style(style);
        bar.set_position(skip as u64);
        bar.reset_eta();
        bar
    });
    let say = |line: &str| match &progress {
        Some(bar) => bar.suspend(|| eprintln!("{line}")),
        None => eprintln!("{line}"),
    };
    let mut threads = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = args.jobs {
        threads = threads.num_threads(jobs.max(1));
    }
    let pool = threads.build().context("cannot start worker threads")?;
    let started = Instant::now();
    let stop = AtomicBool::new(false);
    let (sender, results) = mpsc::sync_channel(1024);
    let mut last_checkpoint = Instant::now();
    let mut matcher_error = None;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        scope.spawn(|| {
            pool.install(|| {
                todo.par_iter()
                    .enumerate()
                    .for_each_with(sender, |sender, (i, path)| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let result = fingerprint_file(path, &options)
                            .map_err(FileError::File)
                            .and_then(|print| {
                                let matches =
                                    backend.matches(&print).map_err(FileError::Matcher)?;
                                Ok((print, matches))
                            });
                        let _ = sender.send((i, result));
                    });
            });
        });
        // Results are written in scan order, so that "the first N files are done" is a
        // true checkpoint.
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let mut write_all = || -> anyhow::Result<()> {
            for (i, result) in results.iter() {
                pending.insert(i, result);
                while let Some(result) = pending.remove(&next) {
                    let path = &todo[next];
                    match result {
                        Ok((print, matches)) => {
                            if !matches.is_empty() {
                                state.matched += 1;
                                state.output_bytes += write_matches(
                                    &mut outputs.output,
                                    args.format,
                                    path,
                                    &print,
                                    &matches,
                                )?;
                            }
                        }
                        Err(FileError::File(error)) => {
                            state.unreadable += 1;
                            // One line each: decoders' messages may hold line breaks.
                            let reason = error
                                .to_string()
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ");
                            say(&format!("{}: {reason}", path.display()));
                            if let Some(errors) = outputs.errors.as_mut() {
                                let line = format!("{}\t{reason}\n", path.display());
                                errors.write_all(line.as_bytes())?;
                                state.errors_bytes += line.len() as u64;
                            }
                        }
                        Err(FileError::Matcher(error)) => {
                            stop.store(true, Ordering::Relaxed);
                            matcher_error.get_or_insert(error);
                            break;
                        }
                    }
                    next += 1;
                    state.files_done += 1;
                    state.last_path = Some(path.to_string_lossy().into_owned());
                    if let Some(bar) = &progress {
                        bar.inc(1);
                        bar.set_message(format!(
                            "{} matched, {} unreadable",
                            state.matched, state.unreadable
                        ));
                    }
                }
                if matcher_error.is_some() {
                    break;
                }
                if last_checkpoint.elapsed() > Duration::from_secs(2) {
                    save_checkpoint(checkpoint_path.as_deref(), &mut outputs, &state)?;
                    last_checkpoint = Instant::now();
                }
            }
            Ok(())
        };
        let written = write_all();
        // However writing ended (done, a matcher error, a full disk), the workers must
        // stop and not wait on a channel nobody reads.
        stop.store(true, Ordering::Relaxed);
        drop(results);
        written
    })?;
    save_checkpoint(checkpoint_path.as_deref(), &mut outputs, &state)?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(error) = matcher_error {
        bail!(
            "{error}; stopped after {} files{}",
            state.files_done,
            if args.output.is_some() {
                " (continue with --resume)"
            } else {
                ""
            }
        );
    }
    let scanned = todo.len() as f64;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "scanned {} files in {seconds:.1} s ({:.0} files/s): {} matched, {} unreadable",
        todo.len(),
        scanned / seconds.max(1e-9),
        state.matched,
        state.unreadable
    );
    // The scan is complete: a later --resume has nothing to continue.
    if let Some(path) = &checkpoint_path {
        let _ = fs::remove_file(path);
    }
    Ok(if state.unreadable > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

fn backend(args: &ScanArgs) -> anyhow::Result<Backend> {
    if let Some(url) = &args.matcher {
        let url = url.trim_end_matches('/').to_owned();
        anyhow::ensure!(
            url.starts_with("http://") || url.starts_with("https://"),
            "--matcher {url:?} is not an http:// or https:// address"
        );
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .into();
        // Fail at once, not after the first file, if the matcher is not there or not ready.
        let mut ready = agent
            .get(format!("{url}/readyz"))
            .call()
            .with_context(|| format!("cannot reach the matcher at {url}"))?;
        if ready.status() != 200 {
            let body = ready.body_mut().read_to_string().unwrap_or_default();
            bail!("the matcher at {url} is not ready: {body}");
        }
        return Ok(Backend::Matcher { agent, url });
    }
    let Some(list) = &args.list else {
        bail!("give --list FILE or --matcher URL");
    };
    let index = crate::matching::load_list(list)?;
    let name = list
        .file_stem()
        .map_or_else(|| "list".to_owned(), |s| s.to_string_lossy().into_owned());
    Ok(Backend::List {
        index,
        name,
        max_distance: args.max_distance,
        quality_floor: args.quality_floor,
    })
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

/// Where to continue: the saved checkpoint, checked against the files found now.
fn resume_point(path: &Path, files: &[PathBuf]) -> anyhow::Result<Checkpoint> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => bail!(
            "nothing to resume: {} is missing (the scan finished, or never started)",
            path.display()
        ),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    let checkpoint: Checkpoint = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is damaged; start the scan again without --resume",
            path.display()
        )
    })?;
    let done = checkpoint.files_done as usize;
    let same = match (done, &checkpoint.last_path) {
        (0, _) => true,
        (n, Some(last)) => files
            .get(n - 1)
            .is_some_and(|p| p.to_string_lossy() == *last),
        (_, None) => false,
    };
    anyhow::ensure!(
        same,
        "the files to scan are not the ones the interrupted scan was given (or they have \
         changed since); start again without --resume"
    );
    Ok(checkpoint)
}

type Writer = BufWriter<Box<dyn Write>>;

/// Where results go.
struct Outputs {
    output: Writer,
    /// The output file again, to sync it (none for standard output).
    output_file: Option<File>,
    errors: Option<BufWriter<File>>,
}

/// The output and error files, cut back to the checkpoint when resuming.
fn open_outputs(args: &ScanArgs, resumed: Option<&Checkpoint>) -> anyhow::Result<Outputs> {
    let open = |path: &Path, keep: Option<u64>| -> anyhow::Result<File> {
        let file = match keep {
            Some(bytes) => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(|| format!("cannot open {} to resume", path.display()))?;
                let length = file.metadata()?.len();
                anyhow::ensure!(
                    length >= bytes,
                    "{} is shorter than the interrupted scan left it; start again without --resume",
                    path.display()
                );
                // Anything written after the checkpoint is written again.
                file.set_len(bytes)?;
                let mut file = file;
                io::Seek::seek(&mut file, io::SeekFrom::End(0))?;
                file
            }
            None => {
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?
            }
        };
        Ok(file)
    };
    let (output, output_file): (Box<dyn Write>, _) = match &args.output {
        Some(path) => {
            let file = open(path, resumed.map(|c| c.output_bytes))?;
            let again = file.try_clone()?;
            (Box::new(file), Some(again))
        }
        None => (Box::new(io::stdout()), None),
    };
    let errors = match &args.errors {
        Some(path) => Some(BufWriter::new(open(path, resumed.map(|c| c.errors_bytes))?)),
        None => None,
    };
    Ok(Outputs {
        output: BufWriter::new(output),
        output_file,
        errors,
    })
}

/// Writes one matching file; returns the bytes written.
fn write_matches(
    out: &mut Writer,
    format: ScanFormat,
    path: &Path,
    print: &Fingerprint,
    matches: &[ScanMatch],
) -> io::Result<u64> {
    let path = path.to_string_lossy();
    let mut bytes = Vec::new();
    match format {
        ScanFormat::Jsonl => {
            let record = ScanRecord {
                path: &path,
                pdq: print.pdq.hash.to_hex(),
                quality: print.pdq.quality,
                matches,
            };
            serde_json::to_writer(&mut bytes, &record)?;
            bytes.push(b'\n');
        }
        ScanFormat::Csv => {
            let mut csv = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut bytes);
            for m in matches {
                csv.write_record([
                    path.as_ref(),
                    &m.hotline,
                    &m.id.to_string(),
                    &m.algorithm,
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
    out.write_all(&bytes)?;
    Ok(bytes.len() as u64)
}

/// Makes the outputs durable up to `state`, then records it.
fn save_checkpoint(
    path: Option<&Path>,
    outputs: &mut Outputs,
    state: &Checkpoint,
) -> anyhow::Result<()> {
    outputs.output.flush().context("cannot write the output")?;
    if let Some(file) = &outputs.output_file {
        file.sync_data().context("cannot write the output")?;
    }
    if let Some(errors) = outputs.errors.as_mut() {
        errors.flush().context("cannot write the errors file")?;
        errors.get_ref().sync_data()?;
    }
    let Some(path) = path else {
        return Ok(());
    };
    let temporary = path.with_extension("progress.tmp");
    let text = serde_json::to_string(state)?;
    (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })()
    .with_context(|| format!("cannot write {}", temporary.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
