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
use std::collections::HashMap;
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
    /// Leave undecoded the frames of a closed group of pictures after the last one
    /// hashed (H.264 and HEVC). Default on: the frames and hashes are the same as when
    /// every frame is decoded (each group starts afresh from its keyframe), and at one hash
    /// a second with a keyframe every second or two, most frames need no decoding. A
    /// stream where that cannot be shown (open groups, missing or repeated timestamps) is
    /// decoded whole.
    pub skip_unsampled: bool,
}

impl Default for VideoOptions {
    fn default() -> Self {
        VideoOptions {
            seconds_per_hash: 1.0,
            limits: VideoLimits::default(),
            decoder_threads: 0,
            skip_unsampled: true,
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

/// Fingerprints a video held in memory: only on Linux, whose anonymous in-memory files
/// let FFmpeg read it without its being written to disk. Elsewhere it is refused.
#[cfg(not(target_os = "linux"))]
pub fn fingerprint_video_bytes(
    _bytes: &[u8],
    _options: &VideoOptions,
) -> Result<VideoPrint, FingerprintError> {
    Err(FingerprintError::Unsupported {
        format: "video",
        reason: "videos held in memory are hashed on Linux only (never written to disk)".into(),
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

    let mut input = open_fenced(path)?;

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
    let mut decoder = open_decoder(&parameters, options.decoder_threads)?;
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
        emit_from: 0,
    };
    let step = info.frame_step;
    if options.skip_unsampled && step > 1 && SKIPPABLE_CODECS.contains(&codec_id) {
        // A pass over the packets alone (cheap: no decoding) says which can be skipped;
        // then the file is read again from the start.
        let packets: Vec<(Option<i64>, bool)> = input
            .packets()
            .filter(|(stream, _)| stream.index() == stream_index)
            .map(|(_, packet)| (packet.pts(), packet.is_key()))
            .collect();
        let within_duration =
            |plan: &SkipPlan| plan.total as f64 / frame_rate <= limits.max_duration.as_secs_f64();
        if let Some(plan) = SkipPlan::new(&packets, step, limits.max_frames).filter(within_duration)
        {
            let mut again = open_fenced(path)?;
            match hasher.decode_planned(
                &mut again,
                stream_index,
                &mut decoder,
                &plan,
                &mut on_frame,
            )? {
                Planned::Done => return Ok((info, plan.total)),
                Planned::Astray { next } => {
                    // The stream did not decode as its packets said: the frames before
                    // `next` are out, and right; the rest come from decoding it all.
                    hasher.emit_from = next;
                    hasher.decoded = 0;
                    decoder = open_decoder(&parameters, options.decoder_threads)?;
                }
            }
        }
        input = open_fenced(path)?;
    }
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

/// Codecs whose packets each hold one frame, so that the packets say which frames there
/// are before any is decoded.
const SKIPPABLE_CODECS: &[Id] = &[Id::H264, Id::HEVC];

/// Opens a video file for reading, within the container and protocol whitelists.
fn open_fenced(path: &Path) -> Result<ffmpeg::format::context::Input, FingerprintError> {
    let mut fenced = ffmpeg::Dictionary::new();
    fenced.set("format_whitelist", DEMUXERS);
    fenced.set("protocol_whitelist", "file");
    ffmpeg::format::input_with_dictionary(path, fenced).map_err(|e| FingerprintError::Corrupt {
        format: "video",
        reason: format!("cannot read its container: {e}"),
    })
}

/// A decoder for the stream, with `threads` as [`VideoOptions::decoder_threads`] says.
fn open_decoder(
    parameters: &ffmpeg::codec::Parameters,
    threads: usize,
) -> Result<ffmpeg::decoder::Video, FingerprintError> {
    let mut context = ffmpeg::codec::context::Context::from_parameters(parameters.clone())
        .map_err(|e| FingerprintError::Corrupt {
            format: "video",
            reason: format!("its codec parameters cannot be read: {e}"),
        })?;
    context.set_threading(ffmpeg::codec::threading::Config {
        kind: match threads {
            1 => ffmpeg::codec::threading::Type::None,
            _ => ffmpeg::codec::threading::Type::Frame,
        },
        count: threads,
        ..Default::default()
    });
    context
        .decoder()
        .video()
        .map_err(|e| FingerprintError::Unsupported {
            format: "video",
            reason: format!("no decoder for {}: {e}", parameters.id().name()),
        })
}

/// Which packets to decode so that every hashed frame comes out, and no more than that
/// of each group of pictures: from its keyframe up to the last packet a hashed frame of
/// the group needs. Made only for a stream where it is sure to give the frames decoding
/// everything gives: every packet has a timestamp, no two the same, the first is a
/// keyframe, and each group is closed (its frames follow its keyframe and precede the next
/// group's, so it decodes from its keyframe alone).
#[derive(Debug)]
struct SkipPlan {
    /// For each packet of the stream, in the file's (decoding) order: whether to send it.
    send: Vec<bool>,
    /// Each frame's number (its place in presentation order) by its timestamp.
    number_by_pts: HashMap<i64, u64>,
    /// Frames in the stream.
    total: u64,
    /// Every `step`th frame is hashed.
    step: u64,
}

impl SkipPlan {
    /// The plan for packets `(timestamp, keyframe)` in decoding order, hashing every
    /// `step`th frame; `None` when the stream is not one it can be sure of.
    fn new(packets: &[(Option<i64>, bool)], step: u64, max_frames: u64) -> Option<SkipPlan> {
        let total = packets.len() as u64;
        if packets.is_empty() || !packets[0].1 || total > max_frames || step <= 1 {
            return None;
        }
        let pts: Vec<i64> = packets.iter().map(|(pts, _)| *pts).collect::<Option<_>>()?;
        let mut by_pts: Vec<usize> = (0..packets.len()).collect();
        by_pts.sort_unstable_by_key(|&i| pts[i]);
        let mut number = vec![0u64; packets.len()];
        for (n, &i) in (0u64..).zip(&by_pts) {
            number[i] = n;
        }
        if by_pts.windows(2).any(|w| pts[w[0]] == pts[w[1]]) {
            return None;
        }
        let mut send = vec![false; packets.len()];
        let mut start = 0;
        while start < packets.len() {
            let end = (start + 1..packets.len())
                .find(|&i| packets[i].1)
                .unwrap_or(packets.len());
            let group = &number[start..end];
            let first = number[start];
            let last = first + group.len() as u64 - 1;
            // Closed and in order: the group's frames are exactly first..=last.
            if group.iter().any(|&n| n < first || n > last) {
                return None;
            }
            // The packets up to the last one holding a hashed frame.
            let needed = (start..end)
                .filter(|&i| number[i].is_multiple_of(step))
                .max();
            if let Some(needed) = needed {
                send[start..=needed].fill(true);
            }
            start = end;
        }
        let number_by_pts = pts.iter().copied().zip(number).collect();
        Some(SkipPlan {
            send,
            number_by_pts,
            total,
            step,
        })
    }
}

/// How a planned decode ended.
enum Planned {
    /// Every hashed frame came out.
    Done,
    /// The decoder gave frames other than the plan said; frames before `next` were
    /// hashed.
    Astray { next: u64 },
}

/// Decoded frames to hashed frames, with one decoded and one RGB frame reused throughout.
struct FrameHasher<'a> {
    info: &'a VideoStreamInfo,
    limits: &'a VideoLimits,
    decoded: u64,
    scaler: Option<scaling::Context>,
    rgb: ffmpeg::frame::Video,
    decoded_frame: ffmpeg::frame::Video,
    /// Frames numbered below this were hashed already (by a planned decode gone astray).
    emit_from: u64,
}

impl FrameHasher<'_> {
    /// Decodes what `plan` says of the stream, hashing every `step`th frame: frames are
    /// numbered by their timestamps, and checked to come out as the plan expects.
    fn decode_planned(
        &mut self,
        input: &mut ffmpeg::format::context::Input,
        stream_index: usize,
        decoder: &mut ffmpeg::decoder::Video,
        plan: &SkipPlan,
        on_frame: &mut impl FnMut(VpdqFrame),
    ) -> Result<Planned, FingerprintError> {
        let corrupt = |reason: String| FingerprintError::Corrupt {
            format: "video",
            reason,
        };
        let mut next = 0u64;
        let mut position = 0usize;
        let mut sending = false;
        for (stream, packet) in input.packets() {
            if stream.index() != stream_index {
                continue;
            }
            let Some(&send) = plan.send.get(position) else {
                return Ok(Planned::Astray { next });
            };
            position += 1;
            if send {
                decoder
                    .send_packet(&packet)
                    .map_err(|e| corrupt(format!("a packet cannot be decoded: {e}")))?;
                if !self.drain_planned(decoder, plan, &mut next, on_frame)? {
                    return Ok(Planned::Astray { next });
                }
            } else if sending {
                // The rest of this group is not needed: take what the decoder holds,
                // and start afresh at the next keyframe.
                decoder
                    .send_eof()
                    .map_err(|e| corrupt(format!("the decoder cannot be flushed: {e}")))?;
                if !self.drain_planned(decoder, plan, &mut next, on_frame)? {
                    return Ok(Planned::Astray { next });
                }
                decoder.flush();
            }
            sending = send;
        }
        decoder
            .send_eof()
            .map_err(|e| corrupt(format!("the decoder cannot be flushed: {e}")))?;
        if !self.drain_planned(decoder, plan, &mut next, on_frame)? {
            return Ok(Planned::Astray { next });
        }
        if position != plan.send.len() || next < plan.total {
            return Ok(Planned::Astray { next });
        }
        Ok(Planned::Done)
    }

    /// Takes every frame the decoder has ready in a planned decode, hashing those due;
    /// `false` when a frame is not the one expected (`next` is the next frame to hash).
    fn drain_planned(
        &mut self,
        decoder: &mut ffmpeg::decoder::Video,
        plan: &SkipPlan,
        next: &mut u64,
        on_frame: &mut impl FnMut(VpdqFrame),
    ) -> Result<bool, FingerprintError> {
        loop {
            match decoder.receive_frame(&mut self.decoded_frame) {
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => return Ok(true),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::util::error::EAGAIN => {
                    return Ok(true);
                }
                Err(e) => {
                    return Err(FingerprintError::Corrupt {
                        format: "video",
                        reason: format!("a frame cannot be decoded: {e}"),
                    });
                }
            }
            let Some(&number) = self
                .decoded_frame
                .pts()
                .and_then(|pts| plan.number_by_pts.get(&pts))
            else {
                return Ok(false);
            };
            if !number.is_multiple_of(plan.step) {
                continue;
            }
            if number != *next {
                return Ok(false);
            }
            on_frame(self.hash(number)?);
            *next += plan.step;
        }
    }

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
            if number.is_multiple_of(self.info.frame_step) && number >= self.emit_from {
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

    /// Packets `(pts, key)` in decoding order from a presentation order per group.
    fn packets(groups: &[&[i64]]) -> Vec<(Option<i64>, bool)> {
        groups
            .iter()
            .flat_map(|group| {
                group
                    .iter()
                    .enumerate()
                    .map(|(i, &pts)| (Some(pts), i == 0))
            })
            .collect()
    }

    #[test]
    fn a_plan_decodes_each_group_up_to_the_last_packet_a_hashed_frame_needs() {
        // Two closed groups of six, with B-frames decoded after the P-frame they precede.
        let stream = packets(&[&[0, 3, 1, 2, 5, 4], &[6, 9, 7, 8, 11, 10]]);
        let plan = SkipPlan::new(&stream, 4, 1000).expect("a plan");
        // Hashed: 0, 4 (decoded last in the first group) and 8 (third packet of the second).
        assert_eq!(
            plan.send,
            [
                true, true, true, true, true, true, true, true, true, true, false, false
            ]
        );
        assert_eq!((plan.total, plan.number_by_pts[&9]), (12, 9));
        let plan = SkipPlan::new(&stream, 6, 1000).expect("a plan");
        assert_eq!(
            plan.send.iter().filter(|s| **s).count(),
            2,
            "{:?}",
            plan.send
        );
        // A group without a hashed frame is not decoded at all.
        let plan = SkipPlan::new(&packets(&[&[0, 1, 2], &[3, 4, 5], &[6, 7, 8]]), 6, 1000)
            .expect("a plan");
        assert_eq!(
            plan.send,
            [true, false, false, false, false, false, true, false, false]
        );
    }

    #[test]
    fn no_plan_for_a_stream_it_cannot_be_sure_of() {
        // Open group: a frame shown before the second keyframe is decoded after it.
        assert!(SkipPlan::new(&packets(&[&[0, 2, 1], &[4, 3, 5]]), 2, 100).is_none());
        // A timestamp missing, or repeated.
        let mut missing = packets(&[&[0, 1, 2, 3]]);
        missing[2].0 = None;
        assert!(SkipPlan::new(&missing, 2, 100).is_none());
        assert!(SkipPlan::new(&packets(&[&[0, 1, 1, 3]]), 2, 100).is_none());
        // Not starting at a keyframe; more frames than allowed; every frame hashed.
        let mut late = packets(&[&[0, 1, 2, 3]]);
        late[0].1 = false;
        assert!(SkipPlan::new(&late, 2, 100).is_none());
        assert!(SkipPlan::new(&packets(&[&[0, 1, 2, 3]]), 2, 3).is_none());
        assert!(SkipPlan::new(&packets(&[&[0, 1, 2, 3]]), 1, 100).is_none());
        assert!(SkipPlan::new(&[], 2, 100).is_none());
    }

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
