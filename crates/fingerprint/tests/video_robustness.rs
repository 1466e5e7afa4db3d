//! vPDQ as a platform meets it: copies of a video that have been re-encoded, resized,
//! cropped, trimmed or resampled still match the original by the vPDQ rule; unrelated
//! videos never do; a still frame is near its video's frames; and a video too long, too
//! large, damaged or not a video at all is refused with a clear error.
//!
//! The clips are benign and made here by the `ffmpeg` command (which `tools/test`
//! installs): slow pans and zooms over generated pictures, and FFmpeg's test sources.

#![allow(clippy::unwrap_used)]

use image::ImageFormat;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use takeback_fingerprint::{
    FingerprintError, Options, VideoLimits, VideoOptions, fingerprint_file, fingerprint_video_file,
};
use takeback_testimages::{Channels, Pattern, Spec};
use takeback_vpdq::{MatchRule, VideoFingerprint};

/// Seconds in each original clip.
const SECONDS: u32 = 8;

/// Runs `ffmpeg` quietly, overwriting its output.
fn ffmpeg(args: &[&str]) {
    let output = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("the `ffmpeg` command is needed (tools/test installs it): {e}"));
    assert!(
        output.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An original clip and its altered copies.
struct Clip {
    name: &'static str,
    original: PathBuf,
    variants: Vec<(&'static str, PathBuf)>,
}

/// The altered copies, as FFmpeg arguments between the input and the output, and the
/// output's extension.
const VARIANTS: [(&str, &[&str], &str); 7] = [
    (
        "H.264 at a low bitrate",
        &["-c:v", "libx264", "-b:v", "250k", "-pix_fmt", "yuv420p"],
        "mp4",
    ),
    (
        "VP9",
        &[
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "400k",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
        ],
        "webm",
    ),
    (
        "HEVC",
        &[
            "-c:v",
            "libx265",
            "-crf",
            "30",
            "-x265-params",
            "log-level=error",
            "-pix_fmt",
            "yuv420p",
        ],
        "mp4",
    ),
    (
        "resized to half",
        &[
            "-vf",
            "scale=320:180",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
        ],
        "mp4",
    ),
    (
        "cropped by 1% on each side",
        &[
            "-vf",
            "crop=iw*0.98:ih*0.98",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
        ],
        "mp4",
    ),
    (
        "trimmed to seconds 3 to 6",
        &[
            "-ss", "3", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        ],
        "mp4",
    ),
    (
        "at 24 frames a second",
        &["-vf", "fps=24", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
        "mp4",
    ),
];

/// The clips, made once per test run.
fn clips() -> &'static [Clip] {
    static CLIPS: OnceLock<Vec<Clip>> = OnceLock::new();
    CLIPS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("video-robustness");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let duration = SECONDS.to_string();
        let frames = (SECONDS * 30).to_string();
        let mut clips = Vec::new();
        for (name, seed, pattern) in [
            ("pan over shapes", 11, Pattern::Shapes),
            ("zoom over smooth noise", 12, Pattern::Smooth),
        ] {
            let picture = dir.join(format!("{seed}.png"));
            let spec = Spec::new(pattern, 1920, 1080, Channels::Rgb, seed);
            std::fs::write(&picture, spec.generate().encode(ImageFormat::Png)).unwrap();
            let original = dir.join(format!("{seed}.mp4"));
            // A slow zoom that drifts right: every frame differs a little from the last.
            let zoom = format!(
                "zoompan=z='1+0.0015*on':x='iw/2-(iw/zoom/2)+on*0.8':y='ih/2-(ih/zoom/2)'\
                 :d={frames}:s=640x360:fps=30"
            );
            ffmpeg(&[
                "-i",
                picture.to_str().unwrap(),
                "-vf",
                &zoom,
                "-frames:v",
                &frames,
                "-c:v",
                "libx264",
                "-crf",
                "18",
                "-pix_fmt",
                "yuv420p",
                original.to_str().unwrap(),
            ]);
            clips.push((name, original));
        }
        for (name, source) in [
            ("FFmpeg's testsrc2", "testsrc2=size=640x360:rate=30"),
            (
                "FFmpeg's Mandelbrot zoom",
                "mandelbrot=size=640x360:rate=30",
            ),
        ] {
            let original = dir.join(format!("{}.mp4", clips.len()));
            ffmpeg(&[
                "-f",
                "lavfi",
                "-i",
                source,
                "-t",
                &duration,
                "-c:v",
                "libx264",
                "-crf",
                "18",
                "-pix_fmt",
                "yuv420p",
                original.to_str().unwrap(),
            ]);
            clips.push((name, original));
        }
        clips
            .into_iter()
            .map(|(name, original)| {
                let variants = VARIANTS
                    .iter()
                    .enumerate()
                    .map(|(i, (variant, args, extension))| {
                        let stem = original.file_stem().unwrap().to_str().unwrap();
                        let out = dir.join(format!("{stem}-{i}.{extension}"));
                        let mut all = vec!["-i", original.to_str().unwrap()];
                        all.extend_from_slice(args);
                        all.push(out.to_str().unwrap());
                        ffmpeg(&all);
                        (*variant, out)
                    })
                    .collect();
                Clip {
                    name,
                    original,
                    variants,
                }
            })
            .collect()
    })
}

fn vpdq(path: &Path) -> VideoFingerprint {
    fingerprint_video_file(path, &VideoOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .fingerprint
}

#[test]
fn every_altered_copy_matches_its_original() {
    let rule = MatchRule::default();
    for clip in clips() {
        let original = vpdq(&clip.original);
        assert!(original.frames.len() >= SECONDS as usize, "{}", clip.name);
        for (variant, path) in &clip.variants {
            let copy = vpdq(path);
            let comparison = rule.compare(&copy, &original);
            eprintln!(
                "{} {variant}: {:.0}% of the copy's frames near the original's, {:.0}% the \
                 other way",
                clip.name,
                comparison.query_share * 100.0,
                comparison.listed_share * 100.0
            );
            assert!(
                comparison.is_match,
                "{} {variant}: {comparison:?}",
                clip.name
            );
        }
    }
}

#[test]
fn unrelated_videos_never_match() {
    let rule = MatchRule::default();
    let prints: Vec<_> = clips()
        .iter()
        .map(|clip| {
            let copies = clip.variants.iter().map(|(_, path)| vpdq(path));
            (clip.name, vpdq(&clip.original), copies.collect::<Vec<_>>())
        })
        .collect();
    for (name, original, _) in &prints {
        for (other, other_original, copies) in &prints {
            if name == other {
                continue;
            }
            for query in std::iter::once(other_original).chain(copies) {
                let comparison = rule.compare(query, original);
                assert!(
                    !comparison.is_match,
                    "{other} (or a copy) matched {name}: {comparison:?}"
                );
            }
        }
    }
}

#[test]
fn a_still_frame_is_near_one_of_its_videos_frames() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("video-robustness");
    for (i, clip) in clips().iter().enumerate() {
        let original = vpdq(&clip.original);
        // A screenshot at a hashed frame (one a second); for the slow pans, also one
        // half-way between two hashed frames, the worst case. FFmpeg's test sources change
        // too fast for that: a screenshot of them needs a denser sampling.
        let times: &[&str] = if i < 2 { &["4", "4.5"] } else { &["4"] };
        for time in times {
            let still = dir.join(format!("still-{i}-{time}.png"));
            ffmpeg(&[
                "-ss",
                time,
                "-i",
                clip.original.to_str().unwrap(),
                "-frames:v",
                "1",
                still.to_str().unwrap(),
            ]);
            let picture = fingerprint_file(&still, &Options::default()).unwrap();
            let nearest = original
                .frames
                .iter()
                .map(|frame| frame.hash.distance(&picture.pdq.hash))
                .min()
                .unwrap();
            eprintln!(
                "{}: a still at {time} s is {nearest} bits from a hashed frame",
                clip.name
            );
            assert!(nearest <= 31, "{} at {time} s: {nearest} bits", clip.name);
        }
    }
}

#[test]
fn limits_refuse_a_video_too_long_too_large_or_with_too_many_frames() {
    let path = &clips()[2].original;
    let limited = |limits: VideoLimits| {
        fingerprint_video_file(
            path,
            &VideoOptions {
                limits,
                ..VideoOptions::default()
            },
        )
    };
    let defaults = VideoLimits::default();
    let too_long = limited(VideoLimits {
        max_duration: Duration::from_secs(2),
        ..defaults
    });
    assert!(
        matches!(
            too_long,
            Err(FingerprintError::VideoTooLong { max_seconds: 2, .. })
        ),
        "{too_long:?}"
    );
    let too_large = limited(VideoLimits {
        max_frame_pixels: 320 * 240,
        ..defaults
    });
    assert!(
        matches!(
            too_large,
            Err(FingerprintError::VideoFrameTooLarge {
                width: 640,
                height: 360,
                ..
            })
        ),
        "{too_large:?}"
    );
    let too_many = limited(VideoLimits {
        max_frames: 10,
        ..defaults
    });
    assert!(
        matches!(
            too_many,
            Err(FingerprintError::TooManyFrames { max_frames: 10 })
        ),
        "{too_many:?}"
    );
    let too_big = limited(VideoLimits {
        max_file_bytes: 1000,
        ..defaults
    });
    assert!(
        matches!(too_big, Err(FingerprintError::FileTooLarge { .. })),
        "{too_big:?}"
    );
    for error in [too_long, too_large, too_many, too_big] {
        eprintln!("{}", error.unwrap_err());
    }
}

#[test]
fn what_is_not_a_readable_video_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let options = VideoOptions::default();

    let picture = dir.path().join("picture.mp4");
    let spec = Spec::new(Pattern::Shapes, 64, 64, Channels::Rgb, 1);
    std::fs::write(&picture, spec.generate().encode(ImageFormat::Png)).unwrap();
    let error = fingerprint_video_file(&picture, &options).unwrap_err();
    assert!(matches!(error, FingerprintError::NotAVideo), "{error:?}");

    let sound = dir.path().join("sound.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=1",
        sound.to_str().unwrap(),
    ]);
    let error = fingerprint_video_file(&sound, &options).unwrap_err();
    assert!(
        matches!(error, FingerprintError::NoVideoStream),
        "{error:?}"
    );

    // The index (`moov`) comes last in an MP4 written in one pass: cut it off.
    let whole = std::fs::read(&clips()[0].original).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let error = fingerprint_video_file(&cut, &options).unwrap_err();
    assert!(
        matches!(error, FingerprintError::Corrupt { .. }),
        "{error:?}"
    );

    // Matroska whose frames are garbage: decoding fails or nothing decodes.
    let mut garbage = vec![0x1a, 0x45, 0xdf, 0xa3];
    garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let junk = dir.path().join("junk.mkv");
    std::fs::write(&junk, garbage).unwrap();
    let error = fingerprint_video_file(&junk, &options).unwrap_err();
    assert!(
        matches!(error, FingerprintError::Corrupt { .. }),
        "{error:?}"
    );

    let missing =
        fingerprint_video_file(&dir.path().join("nothing-here.mp4"), &options).unwrap_err();
    assert!(matches!(missing, FingerprintError::Io(_)), "{missing:?}");
}
