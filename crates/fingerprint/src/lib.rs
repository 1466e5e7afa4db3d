//! Fingerprints of image and video files: the PDQ hash of a picture's decoded pixels, the
//! vPDQ frames of a video, and the MD5 and SHA-256 of the file's bytes.
//!
//! This is the I/O edge of hashing: it reads files, recognises formats by their content,
//! decodes JPEG, PNG, WebP, GIF, BMP and TIFF within [`DecodeLimits`], and hands pixels to
//! `takeback-pdq`. Nothing here keeps or logs image bytes: they live in memory for as long
//! as one call takes.
//!
//! ```no_run
//! use takeback_fingerprint::{fingerprint_file, Options};
//! let print = fingerprint_file("photo.jpg".as_ref(), &Options::default())?;
//! println!("{} {} {}", print.pdq.hash, print.pdq.quality, print.digests.md5);
//! # Ok::<(), takeback_fingerprint::FingerprintError>(())
//! ```

#![warn(missing_docs)]

mod budget;
mod decode;
mod digest;
mod files;
mod video;

pub use budget::{DecodeBudget, Reservation};
pub use decode::{DecodeLimits, DecodedImage, ImageFormat, decode};
pub use digest::{Digester, FileDigests, Md5Digest, Sha256Digest, digest_bytes, digest_reader};
pub use files::collect_files;
pub use video::fingerprint_video_bytes;
pub use video::{
    VideoContainer, VideoLimits, VideoOptions, VideoPrint, VideoStreamInfo, fingerprint_video_file,
    hash_video_frames, video_container_of,
};

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use takeback_pdq::{Pdq, PdqHash};

/// Why a file could not be fingerprinted. Each message reads well after `path: `.
#[derive(Debug, thiserror::Error)]
pub enum FingerprintError {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    /// The bytes are not an image format Takeback decodes.
    #[error("not an image Takeback can read (JPEG, PNG, WebP, GIF, BMP or TIFF)")]
    NotAnImage,
    /// The file is larger than the limit.
    #[error("the file is {bytes} bytes, over the limit of {max_bytes}")]
    FileTooLarge {
        /// The file's size.
        bytes: u64,
        /// The limit.
        max_bytes: u64,
    },
    /// A stream (standard input) went on past the file size limit.
    #[error("the input is over the limit of {max_bytes} bytes")]
    StreamTooLarge {
        /// The limit.
        max_bytes: u64,
    },
    /// The image declares more pixels than the limit: refused before decoding, so that a
    /// decompression bomb cannot exhaust memory.
    #[error(
        "the image declares {width}x{height} pixels, over the limit of {max_pixels} pixels; refusing to decode it"
    )]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// Decoding this picture would need more memory than the whole decode budget.
    #[error(
        "decoding this picture would need {needed} bytes of memory, more than the decode budget of {budget} bytes"
    )]
    TooLargeToDecode {
        /// What its header says decoding needs.
        needed: u64,
        /// The budget for all decodes at once.
        budget: u64,
    },
    /// Other pictures being decoded held the memory this one needs for longer than the
    /// budget lets a decode wait.
    #[error("too many pictures are being decoded at once: no memory was free within {waited:?}")]
    DecodeBusy {
        /// How long it waited.
        waited: Duration,
    },
    /// A decoder needed more memory than the limits allow.
    #[error("decoding would need more memory than allowed: {0}")]
    DecoderLimit(String),
    /// A valid file using a feature the decoder does not support.
    #[error("this {format} uses a feature that cannot be decoded: {reason}")]
    Unsupported {
        /// The format's name.
        format: &'static str,
        /// The decoder's explanation.
        reason: String,
    },
    /// The bytes are not a video container Takeback opens.
    #[error("not a video Takeback can read (MP4, MOV, 3GP, WebM, MKV, AVI, MPEG-TS or FLV)")]
    NotAVideo,
    /// The container holds no video stream (sound only, say).
    #[error("this file has no video in it")]
    NoVideoStream,
    /// The video's frames are larger than the limit.
    #[error(
        "the video's frames are {width}x{height} pixels, over the limit of {max_pixels} pixels"
    )]
    VideoFrameTooLarge {
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
        /// The limit.
        max_pixels: u64,
    },
    /// The video is longer than the limit (declared, or found while decoding).
    #[error("the video runs at least {seconds} seconds, over the limit of {max_seconds}")]
    VideoTooLong {
        /// Its length so far, or as declared.
        seconds: u64,
        /// The limit.
        max_seconds: u64,
    },
    /// The video has more frames than the limit.
    #[error("the video has more than {max_frames} frames, the limit")]
    TooManyFrames {
        /// The limit.
        max_frames: u64,
    },
    /// The file is damaged or truncated.
    #[error("this {format} is damaged or truncated: {reason}")]
    Corrupt {
        /// The format's name.
        format: &'static str,
        /// The decoder's explanation.
        reason: String,
    },
}

/// What to compute, and within which limits.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Decoding limits for each picture.
    pub limits: DecodeLimits,
    /// Also compute the eight dihedral PDQ hashes.
    pub dihedral: bool,
    /// Memory shared by every decode that holds this budget; none bounds one picture by
    /// `limits` only.
    pub budget: Option<Arc<DecodeBudget>>,
}

/// Everything Takeback computes about one image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The file's format.
    pub format: ImageFormat,
    /// Width in pixels, as stored (EXIF orientation is not applied).
    pub width: usize,
    /// Height in pixels, as stored.
    pub height: usize,
    /// PDQ hash and quality of the decoded pixels.
    pub pdq: Pdq,
    /// The eight dihedral hashes (see `takeback_pdq::Dihedral`), if asked for.
    pub dihedral: Option<[PdqHash; 8]>,
    /// MD5 and SHA-256 of the file's bytes.
    pub digests: FileDigests,
}

/// Fingerprints an image file held in memory.
pub fn fingerprint_bytes(bytes: &[u8], options: &Options) -> Result<Fingerprint, FingerprintError> {
    if bytes.len() as u64 > options.limits.max_file_bytes {
        return Err(FingerprintError::FileTooLarge {
            bytes: bytes.len() as u64,
            max_bytes: options.limits.max_file_bytes,
        });
    }
    let (image, reservation) =
        decode::decode_within(bytes, &options.limits, options.budget.as_deref())?;
    let pixels = image.pixels();
    let (pdq, dihedral) = if options.dihedral {
        let all = takeback_pdq::hash_dihedral(&pixels);
        (all.original(), Some(all.hashes))
    } else {
        (takeback_pdq::hash(&pixels), None)
    };
    let (format, width, height) = (image.format, image.width, image.height);
    // The pixels go, and their memory goes back to the budget, before the digests.
    drop(image);
    drop(reservation);
    Ok(Fingerprint {
        format,
        width,
        height,
        pdq,
        dihedral,
        digests: digest_bytes(bytes),
    })
}

/// Fingerprints an image file on disk.
///
/// A file that is not an image is recognised from its first bytes and refused without
/// reading the rest.
pub fn fingerprint_file(path: &Path, options: &Options) -> Result<Fingerprint, FingerprintError> {
    let bytes = read_image_file(path, &options.limits)?;
    fingerprint_bytes(&bytes, options)
}

/// Fingerprints an image file read from `reader` to its end (standard input, say). At most
/// `options.limits.max_file_bytes` are read; a longer stream is refused.
pub fn fingerprint_reader(
    reader: impl Read,
    options: &Options,
) -> Result<Fingerprint, FingerprintError> {
    let limit = options.limits.max_file_bytes;
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FingerprintError::StreamTooLarge { max_bytes: limit });
    }
    fingerprint_bytes(&bytes, options)
}

/// Reads a file that looks like an image (by its first bytes) and is within the size limit.
pub fn read_image_file(path: &Path, limits: &DecodeLimits) -> Result<Vec<u8>, FingerprintError> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > limits.max_file_bytes {
        return Err(FingerprintError::FileTooLarge {
            bytes: size,
            max_bytes: limits.max_file_bytes,
        });
    }
    let mut head = [0u8; 32];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    if ImageFormat::sniff(&head[..filled]).is_none() {
        return Err(FingerprintError::NotAnImage);
    }
    let mut bytes = Vec::with_capacity(size as usize);
    bytes.extend_from_slice(&head[..filled]);
    file.take(limits.max_file_bytes + 1 - filled as u64)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        // The file grew while we read it.
        return Err(FingerprintError::FileTooLarge {
            bytes: bytes.len() as u64,
            max_bytes: limits.max_file_bytes,
        });
    }
    Ok(bytes)
}
