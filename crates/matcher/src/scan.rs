//! The engine of `takeback scan`: a backlog of stored pictures and videos against a hash
//! list, on all cores, resumable.
//!
//! Files are fingerprinted and matched by rayon workers (against a list file in memory,
//! or a running matcher over HTTP, see [`Against`]): a file that looks like a video by its
//! first bytes (as `takeback hash` tells them apart) is hashed as a video, one frame a
//! second with vPDQ, anything else as a picture. Results are written in scan order,
//! whatever order the workers finish in, so that "the first N files are done" is a true
//! checkpoint. With an output file, a checkpoint is saved beside it every two seconds and
//! at the end of a scan that stops (a matcher failing, say), and the scan can be resumed
//! from it; a complete scan deletes it. How a matching file is written (JSON lines, CSV)
//! and how progress is shown is the caller's, through a [`ScanSink`].

mod against;
mod checkpoint;

pub use against::Against;
pub use checkpoint::ScanOutput;

use crate::error::ScanError;
use crate::types::ScanMatch;
use checkpoint::{Checkpoint, Outputs, checkpoint_path, resume_point};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use takeback_fingerprint::{
    DecodeBudget, FileDigests, Fingerprint, FingerprintError, Options, VideoOptions, VideoPrint,
    fingerprint_file, fingerprint_video_file, video_container_of,
};

/// How often the checkpoint is saved during a scan.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);

/// What to scan, and where the results go.
#[derive(Debug)]
pub struct ScanOptions {
    /// The files, in scan order (see `takeback_fingerprint::collect_files`).
    pub files: Vec<PathBuf>,
    /// Folders that could not be read while the files were collected, with the reason:
    /// counted as unreadable and written to the errors file (once: a resumed scan has
    /// counted them already).
    pub unreadable_folders: Vec<(PathBuf, String)>,
    /// Where the matches go.
    pub output: ScanOutput,
    /// Where to write each file that could not be read, `path<TAB>reason`, if anywhere.
    pub errors: Option<PathBuf>,
    /// Continue the interrupted scan of the same files into the same output file.
    pub resume: bool,
    /// Written first to a new output (a CSV header, say); not when resuming.
    pub header: Vec<u8>,
    /// Also match pictures turned and mirrored.
    pub dihedral: bool,
    /// Worker threads; one per core if `None`.
    pub jobs: Option<usize>,
    /// Memory the pictures being decoded at once may take, in bytes (see
    /// [`DecodeBudget`]); workers wait for it. Videos are not counted: each holds one
    /// frame at a time.
    pub decode_memory: u64,
}

/// What a scanned file was fingerprinted as.
// A picture's print is the larger (its eight dihedral hashes); one is alive per worker.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum FilePrint {
    /// A picture: its PDQ hash (and its turns and mirrors, when asked for) and digests.
    Picture(Fingerprint),
    /// A video: its vPDQ frames, one hashed a second, and digests.
    Video(VideoPrint),
}

impl FilePrint {
    /// MD5 and SHA-256 of the file's bytes.
    pub fn digests(&self) -> &FileDigests {
        match self {
            FilePrint::Picture(print) => &print.digests,
            FilePrint::Video(print) => &print.digests,
        }
    }
}

/// A file that matched.
#[derive(Debug)]
pub struct ScanRecord<'a> {
    /// The file.
    pub path: &'a Path,
    /// Its fingerprint.
    pub print: &'a FilePrint,
    /// What it matched.
    pub matches: &'a [ScanMatch],
}

/// How far a scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanProgress {
    /// Files to scan in all, those done by an interrupted scan included.
    pub total: u64,
    /// Files done, in scan order.
    pub done: u64,
    /// Files that matched.
    pub matched: u64,
    /// Files and folders that could not be read.
    pub unreadable: u64,
}

/// What the caller does with a scan's results, called on the calling thread in scan
/// order.
pub trait ScanSink {
    /// The scan starts: `progress` says how much an interrupted scan had done already.
    fn started(&mut self, progress: &ScanProgress) {
        let _ = progress;
    }
    /// The bytes to write to the output for a file that matched.
    fn format(&mut self, record: &ScanRecord<'_>) -> io::Result<Vec<u8>>;
    /// A file could not be read or decoded, for the reason given (on one line); it is
    /// counted, written to the errors file, and the scan goes on.
    fn unreadable(&mut self, path: &Path, reason: &str) {
        let _ = (path, reason);
    }
    /// A file is done.
    fn progress(&mut self, progress: &ScanProgress) {
        let _ = progress;
    }
}

/// How a scan went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanSummary {
    /// Files scanned by this run (not those done before it was resumed).
    pub scanned: u64,
    /// How long it took, in seconds.
    pub seconds: f64,
    /// Files that matched, in the whole scan.
    pub matched: u64,
    /// Files and folders that could not be read, in the whole scan.
    pub unreadable: u64,
}

/// Why one file gave no result.
enum FileError {
    /// Unreadable, damaged, or neither a picture nor a video: counted, and the scan goes
    /// on.
    File(FingerprintError),
    /// The matcher failed: the scan stops, resumable.
    Matcher(String),
}

/// Scans `options.files` against `against`: writes each matching file as `sink` formats
/// it, in scan order, and lists the unreadable ones. A file that cannot be read does not
/// stop the scan; a matcher that fails does ([`ScanError::MatcherFailed`]), after saving
/// the checkpoint.
pub fn scan(
    against: &Against,
    options: ScanOptions,
    sink: &mut dyn ScanSink,
) -> Result<ScanSummary, ScanError> {
    let ScanOptions {
        files,
        unreadable_folders,
        output,
        errors,
        resume,
        header,
        dihedral,
        jobs,
        decode_memory,
    } = options;
    let checkpoint_path = match &output {
        ScanOutput::File(path) => Some(checkpoint_path(path)),
        ScanOutput::Writer(_) => None,
    };
    let resumed = match (&checkpoint_path, resume) {
        (Some(path), true) => Some(resume_point(path, &files)?),
        _ => None,
    };
    let skip = resumed.as_ref().map_or(0, |c| c.files_done) as usize;
    let mut outputs = Outputs::open(output, errors.as_deref(), resumed.as_ref())?;
    let mut state = match resumed {
        Some(checkpoint) => checkpoint,
        None => {
            outputs.output.write_all(&header).map_err(ScanError::Io)?;
            let mut state = Checkpoint {
                output_bytes: header.len() as u64,
                unreadable: unreadable_folders.len() as u64,
                ..Checkpoint::default()
            };
            // Folders that could not be read were counted by the scan being resumed.
            if let Some(errors) = outputs.errors.as_mut() {
                for (path, reason) in &unreadable_folders {
                    let line = format!("{}\t{reason}\n", path.display());
                    errors.write_all(line.as_bytes()).map_err(ScanError::Io)?;
                    state.errors_bytes += line.len() as u64;
                }
            }
            state
        }
    };

    let options = Options {
        dihedral,
        budget: Some(Arc::new(DecodeBudget::new(decode_memory))),
        ..Options::default()
    };
    let video_options = VideoOptions {
        // One file per core already: each video is decoded on its worker's thread.
        decoder_threads: 1,
        ..VideoOptions::default()
    };
    let todo = &files[skip.min(files.len())..];
    let progress = |state: &Checkpoint| ScanProgress {
        total: files.len() as u64,
        done: state.files_done,
        matched: state.matched,
        unreadable: state.unreadable,
    };
    sink.started(&progress(&state));
    let mut threads = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = jobs {
        threads = threads.num_threads(jobs.max(1));
    }
    let pool = threads.build().map_err(ScanError::Threads)?;
    let started = Instant::now();
    let stop = AtomicBool::new(false);
    let (sender, results) = mpsc::sync_channel(1024);
    let mut last_checkpoint = Instant::now();
    let mut matcher_error = None;
    std::thread::scope(|scope| -> Result<(), ScanError> {
        scope.spawn(|| {
            pool.install(|| {
                todo.par_iter()
                    .enumerate()
                    .for_each_with(sender, |sender, (i, path)| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let result = fingerprint(path, &options, &video_options)
                            .map_err(FileError::File)
                            .and_then(|print| {
                                let matches =
                                    against.matches(&print).map_err(FileError::Matcher)?;
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
        let mut write_all = || -> Result<(), ScanError> {
            for (i, result) in results.iter() {
                pending.insert(i, result);
                while let Some(result) = pending.remove(&next) {
                    let path = &todo[next];
                    match result {
                        Ok((print, matches)) => {
                            if !matches.is_empty() {
                                state.matched += 1;
                                let record = ScanRecord {
                                    path,
                                    print: &print,
                                    matches: &matches,
                                };
                                let bytes = sink.format(&record).map_err(ScanError::Io)?;
                                outputs.output.write_all(&bytes).map_err(ScanError::Io)?;
                                state.output_bytes += bytes.len() as u64;
                            }
                        }
                        Err(FileError::File(error)) => {
                            state.unreadable += 1;
                            // One line each: decoders' messages may hold line breaks.
                            let reason = reason(&error)
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ");
                            sink.unreadable(path, &reason);
                            if let Some(errors) = outputs.errors.as_mut() {
                                let line = format!("{}\t{reason}\n", path.display());
                                errors.write_all(line.as_bytes()).map_err(ScanError::Io)?;
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
                    sink.progress(&progress(&state));
                }
                if matcher_error.is_some() {
                    break;
                }
                if last_checkpoint.elapsed() > CHECKPOINT_EVERY {
                    outputs.save_checkpoint(checkpoint_path.as_deref(), &state)?;
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
    outputs.save_checkpoint(checkpoint_path.as_deref(), &state)?;
    if let Some(reason) = matcher_error {
        return Err(ScanError::MatcherFailed {
            reason,
            files_done: state.files_done,
            resumable: checkpoint_path.is_some(),
        });
    }
    let seconds = started.elapsed().as_secs_f64();
    // The scan is complete: a later resume has nothing to continue.
    if let Some(path) = &checkpoint_path {
        let _ = std::fs::remove_file(path);
    }
    Ok(ScanSummary {
        scanned: todo.len() as u64,
        seconds,
        matched: state.matched,
        unreadable: state.unreadable,
    })
}

/// Fingerprints a file as a video if its first bytes say it is one (as `takeback hash`
/// does), else as a picture.
fn fingerprint(
    path: &Path,
    options: &Options,
    video_options: &VideoOptions,
) -> Result<FilePrint, FingerprintError> {
    // A file that cannot be opened falls through: the picture path reports why.
    if let Ok(Some(_)) = video_container_of(path) {
        fingerprint_video_file(path, video_options).map(FilePrint::Video)
    } else {
        fingerprint_file(path, options).map(FilePrint::Picture)
    }
}

/// Why a file is unreadable, as listed: one that is neither a picture nor a video says
/// both (the picture decoder's own message names pictures only).
fn reason(error: &FingerprintError) -> String {
    match error {
        FingerprintError::NotAnImage => "not a picture or video Takeback can read (pictures: \
            JPEG, PNG, WebP, GIF, BMP, TIFF; videos: MP4, MOV, 3GP, WebM, MKV, AVI, MPEG-TS, \
            FLV)"
            .into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_neither_picture_nor_video_is_listed_as_such() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "not a picture").expect("written");
        let error = fingerprint(&notes, &Options::default(), &VideoOptions::default())
            .expect_err("neither");
        let reason = reason(&error);
        assert!(
            reason.contains("not a picture or video") && reason.contains("MKV"),
            "{reason}"
        );
    }

    #[test]
    fn a_file_that_starts_like_a_video_but_is_damaged_is_refused_as_a_video() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let broken = dir.path().join("broken.mp4");
        let mut bytes = vec![0, 0, 0, 0x20];
        bytes.extend_from_slice(b"ftypisom");
        bytes.resize(600, 0);
        std::fs::write(&broken, bytes).expect("written");
        let error = fingerprint(&broken, &Options::default(), &VideoOptions::default())
            .expect_err("damaged");
        assert!(
            matches!(
                error,
                FingerprintError::Corrupt {
                    format: "video",
                    ..
                }
            ),
            "{error:?}"
        );
    }
}
