//! `pdq-bench`: the Rust half of Takeback's PDQ benchmark. `bench/pdq/run` builds it and
//! `driver.py` calls it; `reference.py` is the Python half.
//!
//! ```text
//! pdq-bench generate DIR                      # write the benchmark images, print a JSON manifest
//! pdq-bench measure --repeats N [--warmup W] STEM...   # time hashing, print JSON
//! pdq-bench decode FILE OUT                   # write Takeback's decoded pixels, raw
//! ```
//!
//! `generate` writes each image of [`IMAGES`] as `DIR/NAME.png` and `DIR/NAME.jpg` (quality
//! 90, 4:2:0 chroma subsampling, like a phone camera's). The pixels come from
//! `takeback-testimages`, plus grain from its fixed random numbers, so every machine
//! benchmarks the same images.
//!
//! `measure` reads `STEM.png` and `STEM.jpg` into memory once (the timings never include file
//! I/O), then times, one call at a time, on the calling thread:
//!
//! * `hash`: PDQ of RGB pixels already in memory (the PNG's pixels, decoded once beforehand).
//!   Takeback with its best engine and with the portable one; the `pdqhash` crate's
//!   full-size function, and its default function, which first shrinks the image to at most
//!   512×512.
//! * `png` and `jpeg`: decode the file's bytes, then hash. Takeback's `decode` (image 0.25)
//!   then `takeback_pdq::hash`; the crate's `image::load_from_memory` (its image 0.23) then
//!   its full-size function (and, for JPEG, its default one).
//!
//! `decode` lets the driver compare Takeback's JPEG decoder with Pillow's, pixel by pixel.
//!
//! Each repeat runs every task once, in turn, so a burst of noise on the machine spreads over
//! all of them rather than landing on one. Each task first runs `--warmup` times untimed; the
//! hash of the first run is reported, and every later run must give the same hash. The JSON
//! holds every sample in milliseconds; the driver computes the statistics.

use image::ImageFormat;
use pdqhash::image as image023;
use serde_json::{Value, json};
use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use takeback_fingerprint::{DecodeLimits, decode};
use takeback_pdq::{Engine, PixelLayout};
use takeback_testimages::{Channels, Pattern, Spec};

/// One benchmark image: a test pattern, optionally with grain.
#[derive(Debug, Clone, Copy)]
struct BenchImage {
    pattern: Pattern,
    width: usize,
    height: usize,
    seed: u64,
    /// Each channel of each pixel moves by a deterministic random amount in
    /// `-grain..=grain`; 0 leaves the pattern as it is.
    grain: u8,
}

/// The benchmark images: phone-sized (12 MP, 4:3), a typical web image, and a small one.
///
/// Smooth value noise is the most photo-like test pattern (mostly low-frequency content), but
/// alone it compresses to a JPEG of under half a bit per pixel, where a phone photo at quality
/// 90 takes about two: a decoder's entropy decoding, a large part of its work on real photos,
/// would be nearly idle. So the images carry grain, like a sensor's noise, chosen to give
/// phone-photo file sizes (±12 gives 3.5 MB, 2.3 bits per pixel, at 12 MP). The clean
/// phone-sized image is kept for comparison.
const IMAGES: [BenchImage; 4] = [
    BenchImage {
        pattern: Pattern::Smooth,
        width: 4032,
        height: 3024,
        seed: 1,
        grain: 12,
    },
    BenchImage {
        pattern: Pattern::Smooth,
        width: 4032,
        height: 3024,
        seed: 1,
        grain: 0,
    },
    BenchImage {
        pattern: Pattern::Smooth,
        width: 1600,
        height: 1000,
        seed: 2,
        grain: 12,
    },
    BenchImage {
        pattern: Pattern::Smooth,
        width: 512,
        height: 512,
        seed: 3,
        grain: 12,
    },
];

/// Adds grain of at most `amplitude` to every byte, from `takeback-testimages`' fixed random
/// numbers, so it too is the same on every machine.
fn add_grain(pixels: &mut [u8], amplitude: u8, seed: u64) {
    let span = 2 * u16::from(amplitude) + 1;
    let noise = takeback_testimages::random_bytes(seed, pixels.len());
    for (pixel, random) in pixels.iter_mut().zip(noise) {
        let offset = (u16::from(random) % span) as i16 - i16::from(amplitude);
        *pixel = (i16::from(*pixel) + offset).clamp(0, 255) as u8;
    }
}

const USAGE: &str = "usage: pdq-bench generate DIR
       pdq-bench measure --repeats N [--warmup W] STEM...   (STEM.png and STEM.jpg must exist)
       pdq-bench decode FILE OUT";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("measure") => measure(&args[1..]),
        Some("decode") => decode_to_raw(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(json) => {
            println!("{json:#}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("pdq-bench: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes the images of [`IMAGES`] into the directory given, and returns a manifest.
fn generate(args: &[String]) -> Result<Value, String> {
    let [dir] = args else {
        return Err(USAGE.to_string());
    };
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut images = Vec::new();
    for bench in IMAGES {
        let spec = Spec::new(
            bench.pattern,
            bench.width,
            bench.height,
            Channels::Rgb,
            bench.seed,
        );
        let mut image = spec.generate();
        let name = match bench.grain {
            0 => spec.name(),
            grain => {
                add_grain(&mut image.pixels, grain, bench.seed);
                format!("{}-grain{grain}", spec.name())
            }
        };
        let stem = dir.join(&name);
        let png = image.encode(ImageFormat::Png);
        let jpeg = encode_jpeg(&image.pixels, bench.width, bench.height)?;
        for (bytes, extension) in [(&png, "png"), (&jpeg, "jpg")] {
            let path = dir.join(format!("{name}.{extension}"));
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        images.push(json!({
            "stem": stem.to_string_lossy(),
            "name": name,
            "pattern": bench.pattern.name(),
            "grain": bench.grain,
            "width": bench.width,
            "height": bench.height,
            "png_bytes": png.len(),
            "jpeg_bytes": jpeg.len(),
            "jpeg": JPEG_DESCRIPTION,
        }));
    }
    Ok(json!({ "images": images }))
}

/// Decodes an image file as Takeback does and writes its pixels, tightly packed rows, to
/// `OUT`; returns the dimensions and layout.
fn decode_to_raw(args: &[String]) -> Result<Value, String> {
    let [file, out] = args else {
        return Err(USAGE.to_string());
    };
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let image = decode(&bytes, &DecodeLimits::default()).map_err(|e| format!("{file}: {e}"))?;
    std::fs::write(out, &image.data).map_err(|e| format!("cannot write {out}: {e}"))?;
    Ok(json!({
        "width": image.width,
        "height": image.height,
        "layout": format!("{:?}", image.layout),
    }))
}

/// How [`encode_jpeg`] encodes, for the report.
const JPEG_DESCRIPTION: &str =
    "quality 90, 4:2:0 chroma subsampling, baseline, standard Huffman tables (jpeg-encoder 0.7)";

/// Encodes RGB pixels as a phone camera would: quality 90 with 4:2:0 chroma subsampling.
///
/// `takeback-testimages` encodes its JPEGs with image 0.25, which never subsamples chroma
/// (4:4:4). Phone cameras and messaging apps write 4:2:0, which changes what a decoder does
/// (half the chroma blocks to decode, then chroma upsampling), so the benchmark uses the
/// `jpeg-encoder` crate, pinned by the lockfile, whose output is the same on every machine.
fn encode_jpeg(rgb: &[u8], width: usize, height: usize) -> Result<Vec<u8>, String> {
    let too_large = || format!("{width}x{height} is too large for a JPEG");
    let (w, h) = (
        u16::try_from(width).map_err(|_| too_large())?,
        u16::try_from(height).map_err(|_| too_large())?,
    );
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("JPEG encoding failed: {e}"))?;
    Ok(out)
}

/// A hash as printed by the reference (64 hex digits) and its quality.
#[derive(Debug, Clone, PartialEq)]
struct Hashed {
    hash: String,
    quality: f64,
}

impl Hashed {
    fn takeback(pdq: takeback_pdq::Pdq) -> Self {
        Hashed {
            hash: pdq.hash.to_hex(),
            quality: f64::from(pdq.quality),
        }
    }

    /// The crate returns the hash as 32 big-endian bytes, in the reference's hex order, and
    /// the quality as a fraction (the reference's integer quality is a percentage).
    fn crate_output((bytes, quality): ([u8; 32], f32)) -> Self {
        Hashed {
            hash: bytes.iter().map(|b| format!("{b:02x}")).collect(),
            quality: f64::from(quality) * 100.0,
        }
    }
}

/// One timed operation and what it measured.
struct Task<'a> {
    /// `task/implementation`, e.g. `jpeg/takeback`.
    key: &'static str,
    run: Box<dyn Fn() -> Hashed + 'a>,
    samples_ms: Vec<f64>,
    output: Option<Hashed>,
}

impl<'a> Task<'a> {
    fn new(key: &'static str, run: impl Fn() -> Hashed + 'a) -> Self {
        Task {
            key,
            run: Box::new(run),
            samples_ms: Vec::new(),
            output: None,
        }
    }

    /// Runs once; a run that disagrees with the first one is a bug worth stopping for.
    fn run_once(&mut self) -> Result<f64, String> {
        let start = Instant::now();
        let output = black_box((self.run)());
        let elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
        match &self.output {
            None => self.output = Some(output),
            Some(first) if *first != output => {
                return Err(format!(
                    "{} is not deterministic: {first:?} then {output:?}",
                    self.key
                ));
            }
            Some(_) => {}
        }
        Ok(elapsed_ms)
    }
}

/// Times every task on every image given, and returns the samples and hashes.
fn measure(args: &[String]) -> Result<Value, String> {
    let mut repeats = None;
    let mut warmup = 1;
    let mut stems = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let value = args.next().ok_or(format!("{name} needs a number"))?;
            value
                .parse()
                .map_err(|_| format!("{name} needs a number, not {value:?}"))
        };
        match arg.as_str() {
            "--repeats" => repeats = Some(number("--repeats")?),
            "--warmup" => warmup = number("--warmup")?,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            stem => stems.push(stem.to_string()),
        }
    }
    let repeats = repeats.filter(|&n| n > 0).ok_or(USAGE)?;
    if stems.is_empty() {
        return Err(USAGE.to_string());
    }
    let images = stems
        .iter()
        .map(|stem| measure_image(stem, repeats, warmup))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "program": "pdq-bench",
        "takeback_engine": format!("{:?}", Engine::best()),
        "pdqhash_crate": "0.1.1",
        "repeats": repeats,
        "warmup": warmup,
        "images": images,
    }))
}

fn measure_image(stem: &str, repeats: usize, warmup: usize) -> Result<Value, String> {
    let read = |extension: &str| {
        let path = format!("{stem}.{extension}");
        std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))
    };
    let (png, jpeg) = (read("png")?, read("jpg")?);
    let limits = DecodeLimits::default();

    // The pixels for the hash-only tasks: the PNG decoded once, outside the timings.
    let decoded = decode(&png, &limits).map_err(|e| format!("{stem}.png: {e}"))?;
    if decoded.layout != PixelLayout::Rgb8 {
        return Err(format!(
            "{stem}.png decodes to {:?}; the benchmark images are RGB",
            decoded.layout
        ));
    }
    let pixels = decoded.pixels();
    let (width, height) = (decoded.width, decoded.height);
    let crate_image = image023::DynamicImage::ImageRgb8(
        image023::RgbImage::from_raw(width as u32, height as u32, decoded.data.clone())
            .expect("an RGB buffer of width × height × 3 bytes"),
    );

    let takeback_decode_hash = |bytes: &[u8]| {
        let image = decode(bytes, &limits).expect("the file decoded once already");
        Hashed::takeback(takeback_pdq::hash(&image.pixels()))
    };
    let crate_decode = |bytes: &[u8]| {
        image023::load_from_memory(bytes).expect("image 0.23 decodes the benchmark files")
    };
    let crate_resized = |image: &image023::DynamicImage| {
        let out = pdqhash::generate_pdq(image).expect("the images are larger than 5×5");
        Hashed::crate_output(out)
    };
    // Fail early, with a message, if the old decoder cannot read a file.
    for (bytes, extension) in [(&png, "png"), (&jpeg, "jpg")] {
        image023::load_from_memory(bytes)
            .map_err(|e| format!("image 0.23 cannot decode {stem}.{extension}: {e}"))?;
    }

    let mut tasks = [
        Task::new("hash/takeback", || {
            Hashed::takeback(takeback_pdq::hash(&pixels))
        }),
        Task::new("hash/takeback_portable", || {
            Hashed::takeback(takeback_pdq::hash_with(&pixels, Engine::Portable))
        }),
        Task::new("hash/pdqhash_crate", || {
            Hashed::crate_output(pdqhash::generate_pdq_full_size(&crate_image))
        }),
        Task::new("hash/pdqhash_crate_resized", || crate_resized(&crate_image)),
        Task::new("png/takeback", || takeback_decode_hash(&png)),
        Task::new("png/pdqhash_crate", || {
            Hashed::crate_output(pdqhash::generate_pdq_full_size(&crate_decode(&png)))
        }),
        Task::new("jpeg/takeback", || takeback_decode_hash(&jpeg)),
        Task::new("jpeg/pdqhash_crate", || {
            Hashed::crate_output(pdqhash::generate_pdq_full_size(&crate_decode(&jpeg)))
        }),
        Task::new("jpeg/pdqhash_crate_resized", || {
            crate_resized(&crate_decode(&jpeg))
        }),
    ];
    for _ in 0..warmup {
        for task in &mut tasks {
            task.run_once()?;
        }
    }
    for _ in 0..repeats {
        for task in &mut tasks {
            let ms = task.run_once()?;
            task.samples_ms.push(ms);
        }
    }

    let results: serde_json::Map<String, Value> = tasks
        .iter()
        .map(|task| {
            let output = task.output.as_ref().expect("every task ran at least once");
            let value = json!({
                "ms": task.samples_ms,
                "hash": output.hash,
                "quality": output.quality,
            });
            (task.key.to_string(), value)
        })
        .collect();
    Ok(json!({
        "stem": stem,
        "width": width,
        "height": height,
        "results": results,
    }))
}
