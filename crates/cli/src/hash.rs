//! `takeback hash`: fingerprints of picture and video files, in parallel, printed in a
//! stable order.

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
use takeback_fingerprint::{
    Fingerprint, FingerprintError, Options, VideoOptions, VideoPrint, collect_files,
    fingerprint_file, fingerprint_reader, fingerprint_video_file, video_container_of,
};
use takeback_vpdq::format::{write_reference_text, write_signal};

/// Print the fingerprints of picture and video files: PDQ hash and quality of a picture's
/// pixels, vPDQ frames of a video, MD5 and SHA-256 of the bytes.
///
/// Reads JPEG, PNG, WebP, GIF (first frame), BMP and TIFF pictures, and MP4, MOV, 3GP,
/// WebM, MKV, AVI, MPEG-TS and FLV videos (H.264, HEVC, VP8, VP9, AV1 and older codecs),
/// recognised by content. Directories are searched recursively, skipping hidden files and
/// folders; results come out in the order the paths were given, directories in name order,
/// whatever order the cores finish in. A file that cannot be read or decoded is reported on
/// stderr as `path: reason`, the others are still hashed, and the exit status is then 1.
#[derive(Debug, Args)]
pub struct HashArgs {
    /// Picture or video files, or directories; `-` reads one picture from standard input
    /// (reported with the path `-`).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format. `json`: one object per line with `path`, `kind` (`picture` or
    /// `video`), `md5`, `sha256` and `format`; a picture adds `pdq` (64 hex digits),
    /// `quality` (0-100; under 50 the picture has too little detail to match reliably),
    /// `width` and `height`; a video adds `codec`, `width`, `height`, `frame_rate`,
    /// `duration` (seconds, if declared), `decoded_frames`, `seconds_per_hash` and `vpdq`,
    /// its hashed frames as `{frame, hash, quality, timestamp}`. `csv`: the reference
    /// pdq-photo-hasher's `hash,quality,path`, without a header, one line per hashed frame
    /// of a video. `vpdq`: one video's frames in the reference vpdq's text format,
    /// `frame,quality,hash,timestamp`. `vpdq-signal`: one video's frames as
    /// python-threatexchange's vPDQ signal, a JSON array of `"hash,quality,timestamp"`.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,

    /// Also compute the hashes of a picture rotated and mirrored. JSON gains
    /// `pdq_dihedral`, eight hashes in the reference's order: original, rotated 90°, 180°
    /// and 270° counterclockwise, flipped top-bottom, flipped left-right, transposed, and
    /// anti-transposed. CSV prints eight lines per picture in that order, like the
    /// reference tool's `--pdqdih`.
    #[arg(long)]
    dihedral: bool,

    /// Seconds between a video's hashed frames: every `S × frame rate`th frame is hashed
    /// (one a second by default, as python-threatexchange); 0 hashes every frame, as the
    /// reference's own sample hashes do.
    #[arg(long, value_name = "S", default_value_t = 1.0, value_parser = seconds_per_hash)]
    seconds_per_hash: f64,

    /// Worker threads [default: one per core].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
    Vpdq,
    VpdqSignal,
}

impl Format {
    /// The formats that hold one video's frames and nothing else.
    fn is_one_video(self) -> bool {
        matches!(self, Format::Vpdq | Format::VpdqSignal)
    }
}

fn format_name(format: Format) -> String {
    format
        .to_possible_value()
        .map_or_else(String::new, |value| value.get_name().to_string())
}

fn seconds_per_hash(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => Ok(seconds),
        _ => Err("give a number of seconds, 0 or more (0 hashes every frame)".into()),
    }
}

/// What one file gave.
// A picture's print is the larger (its eight dihedral hashes); few are alive at once.
#[allow(clippy::large_enum_variant)]
enum Print {
    Picture(Fingerprint),
    Video(VideoPrint),
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
    if args.format.is_one_video() && files.len() != 1 {
        anyhow::bail!(
            "--format {} writes the frames of one video: give one video file",
            format_name(args.format)
        );
    }
    if let [file] = files.as_slice()
        && args.format.is_one_video()
        && !matches!(video_container_of(file), Ok(Some(_)))
    {
        anyhow::bail!(
            "{}: not a video Takeback can read; --format {} is for videos",
            file.display(),
            format_name(args.format)
        );
    }

    let options = Options {
        dihedral: args.dihedral,
        ..Options::default()
    };
    let video_options = VideoOptions {
        seconds_per_hash: args.seconds_per_hash,
        // Several files are hashed in parallel already; one video gets every core.
        decoder_threads: if files.len() > 1 { 1 } else { 0 },
        ..VideoOptions::default()
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
                        let _ = sender.send((i, fingerprint_path(path, &options, &video_options)));
                    });
            });
        });
        // Print in input order: hold results that finish early until their turn.
        let mut pending: BTreeMap<usize, Result<Print, FingerprintError>> = BTreeMap::new();
        let mut next = 0;
        let written = results.iter().try_for_each(|(i, result)| {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                let path = &files[next];
                match result {
                    Ok(print) => out.write(path, &print, args.seconds_per_hash)?,
                    Err(error) => {
                        let line = format!("{}: {}", path.display(), explain(path, &error));
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

/// Fingerprints a picture or video file, or a picture on standard input for `-`.
fn fingerprint_path(
    path: &Path,
    options: &Options,
    video_options: &VideoOptions,
) -> Result<Print, FingerprintError> {
    if path == Path::new(STDIN) {
        return fingerprint_reader(io::stdin().lock(), options).map(Print::Picture);
    }
    // A file that cannot be opened falls through: the picture path reports why.
    if let Ok(Some(_)) = video_container_of(path) {
        fingerprint_video_file(path, video_options).map(Print::Video)
    } else {
        fingerprint_file(path, options).map(Print::Picture)
    }
}

/// The reason printed for a file: one that is neither a picture nor a video says both.
fn explain(path: &Path, error: &FingerprintError) -> String {
    match error {
        // FFmpeg reads a video from a file it can seek in, not from a pipe.
        FingerprintError::NotAnImage if path == Path::new(STDIN) => "not a picture Takeback \
            can read from standard input (JPEG, PNG, WebP, GIF, BMP, TIFF); give a video as \
            a file path"
            .into(),
        FingerprintError::NotAnImage => "not a picture or video Takeback can read (pictures: \
            JPEG, PNG, WebP, GIF, BMP, TIFF; videos: MP4, MOV, 3GP, WebM, MKV, AVI, MPEG-TS, \
            FLV)"
            .into(),
        other => other.to_string(),
    }
}

/// The path that names standard input.
const STDIN: &str = "-";

fn progress_bar(len: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} files  {per_sec}  ETA {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(len).with_style(style)
}

/// One line of JSON output for a picture.
#[derive(Serialize)]
struct JsonRecord<'a> {
    path: &'a str,
    kind: &'static str,
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

/// One line of JSON output for a video.
#[derive(Serialize)]
struct JsonVideoRecord<'a> {
    path: &'a str,
    kind: &'static str,
    md5: String,
    sha256: String,
    format: &'static str,
    codec: &'static str,
    width: u32,
    height: u32,
    frame_rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<f64>,
    decoded_frames: u64,
    seconds_per_hash: f64,
    vpdq: Vec<JsonFrame>,
}

/// A hashed frame in JSON output.
#[derive(Serialize)]
struct JsonFrame {
    frame: u64,
    hash: String,
    quality: u8,
    /// Seconds, to the millisecond as the reference's text format has it.
    timestamp: f64,
}

enum Output<W: Write> {
    Json(W),
    Csv(Box<csv::Writer<W>>),
    /// `vpdq` and `vpdq-signal`: one video's frames.
    Frames(W, Format),
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
            Format::Vpdq | Format::VpdqSignal => Output::Frames(writer, format),
        }
    }

    fn write(&mut self, path: &Path, print: &Print, seconds_per_hash: f64) -> io::Result<()> {
        match print {
            Print::Picture(print) => self.write_picture(path, print),
            Print::Video(print) => self.write_video(path, print, seconds_per_hash),
        }
    }

    fn write_video(
        &mut self,
        path: &Path,
        print: &VideoPrint,
        seconds_per_hash: f64,
    ) -> io::Result<()> {
        let path = path.to_string_lossy();
        let frames = &print.fingerprint.frames;
        match self {
            Output::Json(out) => {
                let record = JsonVideoRecord {
                    path: &path,
                    kind: "video",
                    md5: print.digests.md5.to_string(),
                    sha256: print.digests.sha256.to_string(),
                    format: print.info.container.name(),
                    codec: print.info.codec,
                    width: print.info.width,
                    height: print.info.height,
                    frame_rate: print.info.frame_rate,
                    duration: print.info.duration.map(|d| d.as_secs_f64()),
                    decoded_frames: print.decoded_frames,
                    seconds_per_hash,
                    vpdq: frames
                        .iter()
                        .map(|frame| JsonFrame {
                            frame: frame.frame,
                            hash: frame.hash.to_hex(),
                            quality: frame.quality,
                            timestamp: (frame.timestamp * 1000.0).round() / 1000.0,
                        })
                        .collect(),
                };
                serde_json::to_writer(&mut *out, &record)?;
                out.write_all(b"\n")
            }
            Output::Csv(out) => {
                for frame in frames {
                    let quality = frame.quality.to_string();
                    out.write_record([frame.hash.to_hex().as_str(), &quality, &path])
                        .map_err(csv_to_io)?;
                }
                Ok(())
            }
            Output::Frames(out, Format::Vpdq) => {
                out.write_all(write_reference_text(&print.fingerprint).as_bytes())
            }
            Output::Frames(out, _) => {
                out.write_all(write_signal(&print.fingerprint).as_bytes())?;
                out.write_all(b"\n")
            }
        }
    }

    fn write_picture(&mut self, path: &Path, print: &Fingerprint) -> io::Result<()> {
        let path = path.to_string_lossy();
        match self {
            Output::Frames(..) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a picture: --format vpdq and vpdq-signal are for videos",
            )),
            Output::Json(out) => {
                let record = JsonRecord {
                    path: &path,
                    kind: "picture",
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
            Output::Json(mut out) | Output::Frames(mut out, _) => out.flush(),
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
