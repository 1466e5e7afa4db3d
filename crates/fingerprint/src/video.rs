//! Video files to vPDQ frames, the way the reference (facebook/ThreatExchange `vpdq/`)
//! computes them: FFmpeg decodes the first video stream, every decoded frame is counted,
//! every Nth is converted to RGB24 at the stream's own size by swscale with `SWS_AREA`, and
//! PDQ hashes it at full resolution.
//!
//! Streaming: one decoded frame and one RGB frame are held at a time, so memory does not
//! grow with the video's length. FFmpeg is a large parser of untrusted bytes, so it is
//! fenced in: only the container formats in [`VideoContainer`] are probed, only local
//! files are opened (a playlist cannot make it fetch a URL or read another file), only the
//! codecs phones and platforms use are decoded, and [`VideoLimits`] refuse absurd sizes and
//! lengths, declared or discovered while decoding.

use crate::{FileDigests, FingerprintError, digest_reader};
use ffmpeg::codec::Id;
use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;
use takeback_pdq::{PixelLayout, Pixels};
use takeback_vpdq::{VideoFingerprint, VpdqFrame, frame_step};

/// The container formats Takeback opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoContainer {
    /// ISO base media: MP4, MOV, M4V, 3GP (what phones record).
    Mp4,
    /// Matroska and WebM.
    Matroska,
    /// AVI.
    Avi,
    /// MPEG transport stream.
    MpegTs,
    /// Flash video.
    Flv,
}

impl VideoContainer {
    /// The lowercase name: `mp4`, `matroska`, `avi`, `mpegts`, `flv`.
    pub fn name(self) -> &'static str {
        match self {
            VideoContainer::Mp4 => "mp4",
            VideoContainer::Matroska => "matroska",
            VideoContainer::Avi => "avi",
            VideoContainer::MpegTs => "mpegts",
            VideoContainer::Flv => "flv",
        }
    }

    /// The container of a file from its first bytes (at least 12; 189 to recognise a
    /// transport stream), not its name.
    pub fn sniff(head: &[u8]) -> Option<VideoContainer> {
        let at =
            |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
        if at(4, b"ftyp") || at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") {
            Some(VideoContainer::Mp4)
        } else if at(0, &[0x1a, 0x45, 0xdf, 0xa3]) {
            Some(VideoContainer::Matroska)
        } else if at(0, b"RIFF") && at(8, b"AVI ") {
            Some(VideoContainer::Avi)
        } else if at(0, b"FLV") {
            Some(VideoContainer::Flv)
        } else if head.len() > 188 && head[0] == 0x47 && head[188] == 0x47 {
            Some(VideoContainer::MpegTs)
        } else {
            None
        }
    }
}

/// The container of the file at `path` from its first bytes, if it is a video Takeback
/// opens; `None` for anything else (a picture, say).
pub fn video_container_of(path: &Path) -> std::io::Result<Option<VideoContainer>> {
    let mut head = Vec::with_capacity(256);
    File::open(path)?.take(256).read_to_end(&mut head)?;
    Ok(VideoContainer::sniff(&head))
}

/// FFmpeg's demuxers for [`VideoContainer`]s: nothing else is probed.
const DEMUXERS: &str = "mov,matroska,avi,mpegts,flv";

/// The codecs decoded: what phones, browsers and platforms record and re-encode to.
const CODECS: [Id; 12] = [
    Id::H264,
    Id::HEVC,
    Id::VP8,
    Id::VP9,
    Id::AV1,
    Id::MPEG4,
    Id::MPEG2VIDEO,
    Id::MPEG1VIDEO,
    Id::H263,
    Id::MJPEG,
    Id::THEORA,
    Id::PRORES,
];

/// Bounds on what a video may make the decoder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoLimits {
    /// Largest file, in bytes. Default 8 GiB.
    pub max_file_bytes: u64,
    /// Largest frame, in pixels. Default 8K (7680 × 4320).
    pub max_frame_pixels: u64,
    /// Longest video. Default 6 hours: a livestream recording, not a film festival.
    pub max_duration: Duration,
    /// Most frames decoded. Default 6 hours at 60 frames a second.
    pub max_frames: u64,
}

impl Default for VideoLimits {
    fn default() -> Self {
        VideoLimits {
            max_file_bytes: 8 << 30,
            max_frame_pixels: 7680 * 4320,
            max_duration: Duration::from_secs(6 * 3600),
            max_frames: 6 * 3600 * 60,
        }
    }
}

/// What to compute for a video, and within which limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoOptions {
    /// Seconds between hashed frames: every `seconds × frame rate`th decoded frame is
    /// hashed (truncated, at least 1); 0 hashes every frame. Default 1, as
    /// python-threatexchange.
    pub seconds_per_hash: f64,
    /// Decoding limits.
    pub limits: VideoLimits,
    /// Decoder threads; 0 lets FFmpeg choose (one per core), 1 decodes on the caller's
    /// thread only. The frames and hashes are the same either way.
    pub decoder_threads: usize,
}

impl Default for VideoOptions {
    fn default() -> Self {
        VideoOptions {
            seconds_per_hash: 1.0,
            limits: VideoLimits::default(),
            decoder_threads: 0,
        }
    }
}

/// What the stream says about itself, known before its frames are decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoStreamInfo {
    /// The container.
    pub container: VideoContainer,
    /// FFmpeg's name of the codec (`h264`, `vp9`, …).
    pub codec: &'static str,
    /// Frame width in pixels, as the reference hashes it.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// The average frame rate (else the stream's base rate), frames a second.
    pub frame_rate: f64,
    /// Every `frame_step`th decoded frame is hashed.
    pub frame_step: u64,
    /// The declared duration, if the container declares one.
    pub duration: Option<Duration>,
}

/// Everything Takeback computes about one video file.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoPrint {
    /// The stream.
    pub info: VideoStreamInfo,
    /// Frames decoded, hashed or not.
    pub decoded_frames: u64,
    /// The hashed frames.
    pub fingerprint: VideoFingerprint,
    /// MD5 and SHA-256 of the file's bytes.
    pub digests: FileDigests,
}

/// Fingerprints a video file: its vPDQ frames and its digests.
pub fn fingerprint_video_file(
    path: &Path,
    options: &VideoOptions,
) -> Result<VideoPrint, FingerprintError> {
    let mut frames = Vec::new();
    let (info, decoded_frames) = hash_video_frames(path, options, |frame| frames.push(frame))?;
    let digests = digest_reader(File::open(path)?)?;
    Ok(VideoPrint {
        info,
        decoded_frames,
        fingerprint: VideoFingerprint { frames },
        digests,
    })
}

/// Fingerprints a video held in memory, as [`fingerprint_video_file`] does a file. FFmpeg
/// reads it from an anonymous file in memory (Linux's `memfd`), so that an upload a
/// platform hands in is never written to disk; it is gone when this returns.
#[cfg(target_os = "linux")]
pub fn fingerprint_video_bytes(
    bytes: &[u8],
    options: &VideoOptions,
) -> Result<VideoPrint, FingerprintError> {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    if bytes.len() as u64 > options.limits.max_file_bytes {
        return Err(FingerprintError::FileTooLarge {
            bytes: bytes.len() as u64,
            max_bytes: options.limits.max_file_bytes,
        });
    }
    if VideoContainer::sniff(bytes).is_none() {
        return Err(FingerprintError::NotAVideo);
    }
    let fd = rustix::fs::memfd_create("takeback-video", rustix::fs::MemfdFlags::CLOEXEC)
        .map_err(std::io::Error::from)?;
    let mut file = File::from(fd);
    file.write_all(bytes)?;
    // FFmpeg opens the path afresh, which for /proc/self/fd is the same memory file.
    let path = std::path::PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    let mut frames = Vec::new();
    let (info, decoded_frames) = hash_video_frames(&path, options, |frame| frames.push(frame))?;
    drop(file);
    Ok(VideoPrint {
        info,
        decoded_frames,
        fingerprint: VideoFingerprint { frames },
        digests: crate::digest_bytes(bytes),
    })
}

/// Decodes the video at `path` and hands each hashed frame to `on_frame` as soon as it is
/// hashed (for progress, or to stream the frames out). Returns the stream's description
/// and the number of frames decoded.
pub fn hash_video_frames(
    path: &Path,
    options: &VideoOptions,
    mut on_frame: impl FnMut(VpdqFrame),
) -> Result<(VideoStreamInfo, u64), FingerprintError> {
    let limits = &options.limits;
    let container = sniff_file(path, limits)?;
    init_ffmpeg();
    let corrupt = |reason: String| FingerprintError::Corrupt {
        format: "video",
        reason,
    };

    let mut fenced = ffmpeg::Dictionary::new();
    fenced.set("format_whitelist", DEMUXERS);
    fenced.set("protocol_whitelist", "file");
    let mut input = ffmpeg::format::input_with_dictionary(path, fenced)
        .map_err(|e| corrupt(format!("cannot read its container: {e}")))?;

    // The reference takes the first video stream, not FFmpeg's "best" one.
    let stream = input
        .streams()
        .find(|stream| stream.parameters().medium() == ffmpeg::media::Type::Video)
        .ok_or(FingerprintError::NoVideoStream)?;
    let stream_index = stream.index();
    let parameters = stream.parameters();
    let codec_id = parameters.id();
    if !CODECS.contains(&codec_id) {
        return Err(FingerprintError::Unsupported {
            format: "video",
            reason: format!(
                "its codec, {}, is not one Takeback decodes",
                codec_id.name()
            ),
        });
    }
    let rate = match stream.avg_frame_rate() {
        rate if rate.numerator() != 0 && rate.denominator() != 0 => rate,
        _ => stream.rate(),
    };
    let frame_rate = if rate.denominator() == 0 {
        0.0
    } else {
        f64::from(rate.numerator()) / f64::from(rate.denominator())
    };
    if !(frame_rate.is_finite() && frame_rate > 0.0) {
        return Err(corrupt("it declares no frame rate".into()));
    }
    let duration = declared_duration(&input, &stream);
    let mut context = ffmpeg::codec::context::Context::from_parameters(parameters)
        .map_err(|e| corrupt(format!("its codec parameters cannot be read: {e}")))?;
    context.set_threading(ffmpeg::codec::threading::Config {
        kind: match options.decoder_threads {
            1 => ffmpeg::codec::threading::Type::None,
            _ => ffmpeg::codec::threading::Type::Frame,
        },
        count: options.decoder_threads,
        ..Default::default()
    });
    let mut decoder = context
        .decoder()
        .video()
        .map_err(|e| FingerprintError::Unsupported {
            format: "video",
            reason: format!("no decoder for {}: {e}", codec_id.name()),
        })?;
    let (width, height) = (decoder.width(), decoder.height());
    if width == 0 || height == 0 {
        return Err(corrupt("it declares a frame of no pixels".into()));
    }
    check_frame_size(width, height, limits)?;
    if let Some(duration) = duration.filter(|d| *d > limits.max_duration) {
        return Err(FingerprintError::VideoTooLong {
            seconds: duration.as_secs(),
            max_seconds: limits.max_duration.as_secs(),
        });
    }
    let info = VideoStreamInfo {
        container,
        codec: codec_id.name(),
        width,
        height,
        frame_rate,
        frame_step: frame_step(options.seconds_per_hash, frame_rate),
        duration,
    };

    let mut hasher = FrameHasher {
        info: &info,
        limits,
        decoded: 0,
        scaler: None,
        rgb: ffmpeg::frame::Video::empty(),
        decoded_frame: ffmpeg::frame::Video::empty(),
    };
    for (stream, packet) in input.packets() {
        if stream.index() != stream_index {
            continue;
        }
        decoder
            .send_packet(&packet)
            .map_err(|e| corrupt(format!("a packet cannot be decoded: {e}")))?;
        hasher.drain(&mut decoder, &mut on_frame)?;
    }
    decoder
        .send_eof()
        .map_err(|e| corrupt(format!("the decoder cannot be flushed: {e}")))?;
    hasher.drain(&mut decoder, &mut on_frame)?;
    if hasher.decoded == 0 {
        return Err(corrupt("no frame could be decoded".into()));
    }
    let decoded = hasher.decoded;
    Ok((info, decoded))
}

/// Decoded frames to hashed frames, with one decoded and one RGB frame reused throughout.
struct FrameHasher<'a> {
    info: &'a VideoStreamInfo,
    limits: &'a VideoLimits,
    decoded: u64,
    scaler: Option<scaling::Context>,
    rgb: ffmpeg::frame::Video,
    decoded_frame: ffmpeg::frame::Video,
}

impl FrameHasher<'_> {
    /// Takes every frame the decoder has ready.
    fn drain(
        &mut self,
        decoder: &mut ffmpeg::decoder::Video,
        on_frame: &mut impl FnMut(VpdqFrame),
    ) -> Result<(), FingerprintError> {
        loop {
            match decoder.receive_frame(&mut self.decoded_frame) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::util::error::EAGAIN => {
                    return Ok(());
                }
                Err(e) => {
                    return Err(FingerprintError::Corrupt {
                        format: "video",
                        reason: format!("a frame cannot be decoded: {e}"),
                    });
                }
            }
            let number = self.decoded;
            self.decoded += 1;
            self.check_length()?;
            if number.is_multiple_of(self.info.frame_step) {
                on_frame(self.hash(number)?);
            }
        }
    }

    /// Refuses a video that turns out longer than its header said.
    fn check_length(&self) -> Result<(), FingerprintError> {
        if self.decoded > self.limits.max_frames {
            return Err(FingerprintError::TooManyFrames {
                max_frames: self.limits.max_frames,
            });
        }
        let seconds = self.decoded as f64 / self.info.frame_rate;
        if seconds > self.limits.max_duration.as_secs_f64() {
            return Err(FingerprintError::VideoTooLong {
                seconds: seconds as u64,
                max_seconds: self.limits.max_duration.as_secs(),
            });
        }
        Ok(())
    }

    /// Converts the decoded frame to RGB24 at the stream's size and hashes it.
    fn hash(&mut self, number: u64) -> Result<VpdqFrame, FingerprintError> {
        let frame = &self.decoded_frame;
        check_frame_size(frame.width(), frame.height(), self.limits)?;
        // A stream may change size or pixel format midway; the reference's target stays
        // the stream's declared size.
        let stale = self.scaler.as_ref().is_none_or(|scaler| {
            let input = scaler.input();
            (input.format, input.width, input.height)
                != (frame.format(), frame.width(), frame.height())
        });
        if stale {
            self.scaler = Some(
                scaling::Context::get(
                    frame.format(),
                    frame.width(),
                    frame.height(),
                    Pixel::RGB24,
                    self.info.width,
                    self.info.height,
                    scaling::Flags::AREA,
                )
                .map_err(|e| FingerprintError::Unsupported {
                    format: "video",
                    reason: format!("its pixel format cannot be converted to RGB: {e}"),
                })?,
            );
        }
        let Some(scaler) = self.scaler.as_mut() else {
            unreachable!("the scaler was made above");
        };
        scaler
            .run(frame, &mut self.rgb)
            .map_err(|e| FingerprintError::Corrupt {
                format: "video",
                reason: format!("a frame cannot be converted to RGB: {e}"),
            })?;
        let pixels = Pixels::with_stride(
            self.rgb.data(0),
            self.info.width as usize,
            self.info.height as usize,
            self.rgb.stride(0),
            PixelLayout::Rgb8,
        )
        .map_err(|e| FingerprintError::Corrupt {
            format: "video",
            reason: e.to_string(),
        })?;
        let pdq = takeback_pdq::hash(&pixels);
        Ok(VpdqFrame {
            frame: number,
            hash: pdq.hash,
            quality: pdq.quality,
            // In f32, as the reference computes it, so that the 3 decimals written agree.
            timestamp: f64::from(number as f32 / self.info.frame_rate as f32),
        })
    }
}

fn check_frame_size(width: u32, height: u32, limits: &VideoLimits) -> Result<(), FingerprintError> {
    if u64::from(width) * u64::from(height) > limits.max_frame_pixels {
        return Err(FingerprintError::VideoFrameTooLarge {
            width,
            height,
            max_pixels: limits.max_frame_pixels,
        });
    }
    Ok(())
}

/// The stream's duration, else the container's, if either is declared.
fn declared_duration(
    input: &ffmpeg::format::context::Input,
    stream: &ffmpeg::format::stream::Stream,
) -> Option<Duration> {
    let base = stream.time_base();
    let from_stream = (stream.duration() > 0 && base.denominator() > 0).then(|| {
        stream.duration() as f64 * f64::from(base.numerator()) / f64::from(base.denominator())
    });
    let from_container = (input.duration() > 0)
        .then(|| input.duration() as f64 / f64::from(ffmpeg::ffi::AV_TIME_BASE));
    from_stream
        .or(from_container)
        .filter(|seconds| seconds.is_finite())
        .map(|seconds| Duration::from_secs_f64(seconds.clamp(0.0, 1e12)))
}

/// Checks the file's size and first bytes before FFmpeg sees it.
fn sniff_file(path: &Path, limits: &VideoLimits) -> Result<VideoContainer, FingerprintError> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > limits.max_file_bytes {
        return Err(FingerprintError::FileTooLarge {
            bytes: size,
            max_bytes: limits.max_file_bytes,
        });
    }
    let mut head = Vec::with_capacity(256);
    file.take(256).read_to_end(&mut head)?;
    VideoContainer::sniff(&head).ok_or(FingerprintError::NotAVideo)
}

/// FFmpeg's one-time set-up, quiet: its log lines would go to standard error, and a
/// damaged file is reported through our own errors instead.
fn init_ffmpeg() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        // Registers nothing since FFmpeg 4; cannot fail on the versions we build against.
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_recognised_by_their_first_bytes() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom");
        assert_eq!(VideoContainer::sniff(&mp4), Some(VideoContainer::Mp4));
        assert_eq!(
            VideoContainer::sniff(&[0x1a, 0x45, 0xdf, 0xa3, 0, 0]),
            Some(VideoContainer::Matroska)
        );
        assert_eq!(
            VideoContainer::sniff(b"RIFF\0\0\0\0AVI LIST"),
            Some(VideoContainer::Avi)
        );
        let mut ts = vec![0u8; 189];
        ts[0] = 0x47;
        ts[188] = 0x47;
        assert_eq!(VideoContainer::sniff(&ts), Some(VideoContainer::MpegTs));
        assert_eq!(VideoContainer::sniff(b"FLV\x01"), Some(VideoContainer::Flv));
        assert_eq!(VideoContainer::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\0"), None);
        assert_eq!(VideoContainer::sniff(b"#EXTM3U\nhttp://x/"), None);
        assert_eq!(VideoContainer::sniff(b""), None);
    }
}
