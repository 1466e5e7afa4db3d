//! `takeback hash` as a person runs it: the built binary, real files, stdout and stderr.

#![allow(clippy::unwrap_used)]

use image::ImageFormat;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use takeback_testimages::{Channels, Pattern, Spec};

fn takeback(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_takeback"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .unwrap()
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn json_lines(output: &Output) -> Vec<Value> {
    lines(&output.stdout)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_image(dir: &Path, name: &str, spec: Spec, format: ImageFormat) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, spec.generate().encode(format)).unwrap();
    path
}

fn shapes(w: usize, h: usize, seed: u64) -> Spec {
    Spec::new(Pattern::Shapes, w, h, Channels::Rgb, seed)
}

/// The library's answer for the same pixels: the CLI must print exactly this.
fn library_pdq(spec: Spec) -> (String, u64) {
    let image = spec.generate();
    let pixels = takeback_pdq::Pixels::new(
        &image.pixels,
        spec.width,
        spec.height,
        takeback_pdq::PixelLayout::Rgb8,
    )
    .unwrap();
    let pdq = takeback_pdq::hash(&pixels);
    (pdq.hash.to_hex(), u64::from(pdq.quality))
}

#[test]
fn json_has_every_field_and_the_exact_hash() {
    let dir = tempfile::tempdir().unwrap();
    let spec = shapes(333, 517, 1);
    let png = write_image(dir.path(), "a.png", spec, ImageFormat::Png);
    let output = takeback(&[&"hash", &png]);
    assert!(output.status.success(), "{output:?}");
    let records = json_lines(&output);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    let (pdq, quality) = library_pdq(spec);
    assert_eq!(record["pdq"], pdq.as_str());
    assert_eq!(record["quality"], quality);
    assert_eq!(record["width"], 333);
    assert_eq!(record["height"], 517);
    assert_eq!(record["format"], "png");
    assert_eq!(record["path"], png.to_str().unwrap());
    let bytes = std::fs::read(&png).unwrap();
    let digests = takeback_fingerprint::digest_bytes(&bytes);
    assert_eq!(record["md5"], digests.md5.to_string().as_str());
    assert_eq!(record["sha256"], digests.sha256.to_string().as_str());
    assert!(record.get("pdq_dihedral").is_none());
}

#[test]
fn csv_is_the_reference_tools_hash_quality_path() {
    let dir = tempfile::tempdir().unwrap();
    let spec = shapes(200, 100, 2);
    let png = write_image(dir.path(), "b.png", spec, ImageFormat::Png);
    let output = takeback(&[&"hash", &"--format", &"csv", &png]);
    assert!(output.status.success());
    let (pdq, quality) = library_pdq(spec);
    assert_eq!(
        lines(&output.stdout),
        vec![format!("{pdq},{quality},{}", png.display())]
    );
}

#[test]
fn dihedral_adds_eight_hashes_starting_with_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let png = write_image(dir.path(), "c.png", shapes(120, 90, 3), ImageFormat::Png);
    let json = json_lines(&takeback(&[&"hash", &"--dihedral", &png]));
    let dihedral = json[0]["pdq_dihedral"].as_array().unwrap();
    assert_eq!(dihedral.len(), 8);
    assert_eq!(dihedral[0], json[0]["pdq"]);
    let csv = lines(&takeback(&[&"hash", &"--dihedral", &"--format", &"csv", &png]).stdout);
    assert_eq!(csv.len(), 8);
    for (line, hash) in csv.iter().zip(dihedral) {
        assert!(line.starts_with(hash.as_str().unwrap()), "{line}");
    }
}

#[test]
fn directories_are_walked_in_name_order_and_hidden_files_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
    std::fs::create_dir_all(dir.path().join(".hidden")).unwrap();
    let names = [
        "z.png",
        "a.png",
        "sub/m.png",
        "sub/deeper/b.png",
        ".hidden/x.png",
        ".secret.png",
    ];
    for (i, name) in names.iter().enumerate() {
        write_image(dir.path(), name, shapes(40, 30, i as u64), ImageFormat::Png);
    }
    // Many files, to give the parallel workers a chance to finish out of order.
    for i in 0..40 {
        write_image(
            dir.path(),
            &format!("sub/n{i:02}.png"),
            shapes(90, 70, 100 + i),
            ImageFormat::Png,
        );
    }
    let output = takeback(&[&"hash", &"-j", &"2", &dir.path()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let paths: Vec<String> = json_lines(&output)
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    let relative: Vec<&str> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path().to_str().unwrap())
                .unwrap()
                .trim_start_matches('/')
        })
        .collect();
    let mut expected = vec!["a.png", "sub/deeper/b.png", "sub/m.png"];
    let numbered: Vec<String> = (0..40).map(|i| format!("sub/n{i:02}.png")).collect();
    expected.extend(numbered.iter().map(String::as_str));
    expected.push("z.png");
    assert_eq!(relative, expected);
}

#[test]
fn output_order_follows_the_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let big = write_image(
        dir.path(),
        "big.png",
        shapes(1600, 1200, 4),
        ImageFormat::Png,
    );
    let small = write_image(dir.path(), "small.png", shapes(20, 20, 5), ImageFormat::Png);
    let output = takeback(&[&"hash", &big, &small, &big]);
    let paths: Vec<Value> = json_lines(&output)
        .iter()
        .map(|r| r["path"].clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            big.to_str().unwrap(),
            small.to_str().unwrap(),
            big.to_str().unwrap()
        ]
    );
}

#[test]
fn a_bad_file_is_reported_and_the_others_still_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_image(dir.path(), "good.png", shapes(64, 48, 6), ImageFormat::Png);
    let truncated = dir.path().join("truncated.png");
    let png = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &png[..png.len() / 2]).unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a picture").unwrap();
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let missing = dir.path().join("missing.png");
    let output = takeback(&[&"hash", &truncated, &good, &text, &empty, &missing]);
    assert_eq!(output.status.code(), Some(1));
    let records = json_lines(&output);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["path"], good.to_str().unwrap());
    let errors = lines(&output.stderr);
    assert_eq!(errors.len(), 4, "{errors:?}");
    let line_for = |path: &Path| {
        errors
            .iter()
            .find(|l| l.starts_with(&format!("{}: ", path.display())))
            .cloned()
            .unwrap_or_default()
    };
    assert!(
        line_for(&truncated).contains("damaged or truncated"),
        "{errors:?}"
    );
    assert!(
        line_for(&text).contains("not a picture or video"),
        "{errors:?}"
    );
    assert!(
        line_for(&empty).contains("not a picture or video"),
        "{errors:?}"
    );
    assert!(line_for(&missing).contains("No such file"), "{errors:?}");
}

#[test]
fn a_decompression_bomb_is_refused_without_running_out_of_memory() {
    // A valid PNG header declaring 100000×100000 RGB pixels (30 GB decoded), and almost no
    // data.
    let mut png = Vec::new();
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    // One stored (uncompressed) zlib block of 64 zero bytes: the start of row 0.
    let mut idat = b"IDAT".to_vec();
    idat.extend_from_slice(&[0x78, 0x01, 0x01, 64, 0, !64, 0xff]);
    idat.extend_from_slice(&[0; 64]);
    idat.extend_from_slice(&(64u32 << 16 | 1).to_be_bytes()); // Adler-32 of 64 zeros
    png.extend_from_slice(&(idat.len() as u32 - 4).to_be_bytes());
    png.extend_from_slice(&idat);
    png.extend_from_slice(&crc32(&idat).to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0]);
    png.extend_from_slice(b"IEND");
    png.extend_from_slice(&crc32(b"IEND").to_be_bytes());
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.png");
    std::fs::write(&bomb, png).unwrap();
    let output = takeback(&[&"hash", &bomb]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("100000x100000") && stderr.contains("limit"),
        "{stderr}"
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn every_supported_format_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec::new(Pattern::Smooth, 300, 200, Channels::Rgb, 7);
    let formats = [
        (ImageFormat::Png, "png"),
        (ImageFormat::Jpeg, "jpeg"),
        (ImageFormat::WebP, "webp"),
        (ImageFormat::Gif, "gif"),
        (ImageFormat::Bmp, "bmp"),
        (ImageFormat::Tiff, "tiff"),
    ];
    let paths: Vec<PathBuf> = formats
        .iter()
        // Misleading extensions: formats are recognised by content.
        .map(|(format, name)| write_image(dir.path(), &format!("{name}.bin"), spec, *format))
        .collect();
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"hash"];
    args.extend(paths.iter().map(|p| p as &dyn AsRef<std::ffi::OsStr>));
    let output = takeback(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = json_lines(&output);
    let (pdq, _) = library_pdq(spec);
    let expected: takeback_pdq::PdqHash = pdq.parse().unwrap();
    for (record, (_, name)) in records.iter().zip(formats) {
        assert_eq!(record["format"], name);
        let hash: takeback_pdq::PdqHash = record["pdq"].as_str().unwrap().parse().unwrap();
        let distance = hash.distance(&expected);
        match name {
            // Lossless: exactly the pixels' hash.
            "png" | "bmp" | "tiff" => assert_eq!(distance, 0, "{name}"),
            // Lossy or palette-quantised: the same picture.
            _ => assert!(distance <= 31, "{name}: distance {distance}"),
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..30 {
        write_image(
            dir.path(),
            &format!("{i:02}.png"),
            shapes(64, 64, i),
            ImageFormat::Png,
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_takeback"))
        .args(["hash".as_ref(), dir.path().as_os_str()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status:?} {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn no_paths_is_a_usage_error() {
    let output = takeback(&[&"hash"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}

#[test]
fn a_dash_reads_one_image_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let png = write_image(dir.path(), "in.png", shapes(150, 120, 8), ImageFormat::Png);
    let mut child = Command::new(env!("CARGO_BIN_EXE_takeback"))
        .args(["hash", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(&png).unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let from_stdin = json_lines(&output);
    let from_file = json_lines(&takeback(&[&"hash", &png]));
    assert_eq!(from_stdin[0]["path"], "-");
    for field in ["pdq", "quality", "md5", "sha256", "width", "height"] {
        assert_eq!(from_stdin[0][field], from_file[0][field], "{field}");
    }
}

#[test]
fn standard_input_twice_is_a_usage_error() {
    let output = takeback(&[&"hash", &"-", &"-"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("only once"));
}

/// A benign test clip made by the `ffmpeg` command (tools/test installs it): FFmpeg's
/// test pattern, 25 frames a second.
fn write_clip(dir: &Path, name: &str, seconds: u32) -> PathBuf {
    let path = dir.join(name);
    let output = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
        ])
        .arg("testsrc2=size=320x240:rate=25")
        .args([
            "-t",
            &seconds.to_string(),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
        ])
        .arg(&path)
        .output()
        .expect("the `ffmpeg` command (tools/test installs it)");
    assert!(output.status.success(), "{output:?}");
    path
}

#[test]
fn a_video_prints_its_digests_and_one_vpdq_frame_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let clip = write_clip(dir.path(), "clip.mp4", 3);
    let output = takeback(&[&"hash", &clip]);
    assert!(output.status.success(), "{output:?}");
    let records = json_lines(&output);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["kind"], "video");
    assert_eq!(record["format"], "mp4");
    assert_eq!(record["codec"], "h264");
    assert_eq!(
        (record["width"].as_u64(), record["height"].as_u64()),
        (Some(320), Some(240))
    );
    assert_eq!(record["frame_rate"], 25.0);
    assert_eq!(record["decoded_frames"], 75);
    let digests = takeback_fingerprint::digest_bytes(&std::fs::read(&clip).unwrap());
    assert_eq!(record["md5"], digests.md5.to_string().as_str());
    assert_eq!(record["sha256"], digests.sha256.to_string().as_str());
    let frames = record["vpdq"].as_array().unwrap();
    let numbers: Vec<_> = frames
        .iter()
        .map(|f| f["frame"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [0, 25, 50]);
    let timestamps: Vec<_> = frames
        .iter()
        .map(|f| f["timestamp"].as_f64().unwrap())
        .collect();
    assert_eq!(timestamps, [0.0, 1.0, 2.0]);
    for frame in frames {
        assert_eq!(frame["hash"].as_str().unwrap().len(), 64);
        assert!(frame["quality"].as_u64().unwrap() <= 100);
    }
}

#[test]
fn format_vpdq_and_vpdq_signal_write_one_videos_frames_in_the_reference_formats() {
    let dir = tempfile::tempdir().unwrap();
    let clip = write_clip(dir.path(), "clip.webm.mp4", 2);
    let every = takeback(&[
        &"hash",
        &"--format",
        &"vpdq",
        &"--seconds-per-hash",
        &"0",
        &clip,
    ]);
    assert!(every.status.success(), "{every:?}");
    let text = String::from_utf8(every.stdout).unwrap();
    let video = takeback_vpdq::format::read_reference_text(&text).unwrap();
    assert_eq!(video.frames.len(), 50);
    assert!(text.lines().nth(1).unwrap().ends_with(",0.040"), "{text}");
    assert_eq!(takeback_vpdq::format::write_reference_text(&video), text);

    let half = takeback(&[
        &"hash",
        &"--format",
        &"vpdq-signal",
        &"--seconds-per-hash",
        &"0.5",
        &clip,
    ]);
    assert!(half.status.success(), "{half:?}");
    let signal =
        takeback_vpdq::format::read_signal(&String::from_utf8(half.stdout).unwrap()).unwrap();
    let expected: Vec<_> = video
        .frames
        .iter()
        .filter(|f| f.frame % 12 == 0)
        .map(|f| f.hash)
        .collect();
    assert_eq!(
        signal.frames.iter().map(|f| f.hash).collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn a_folder_of_pictures_and_videos_is_hashed_alike_and_a_damaged_video_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let picture = write_image(dir.path(), "a.png", shapes(64, 48, 9), ImageFormat::Png);
    let clip = write_clip(dir.path(), "b.mp4", 1);
    let bytes = std::fs::read(&clip).unwrap();
    let damaged = dir.path().join("c.mp4");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let output = takeback(&[&"hash", &dir.path()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let records = json_lines(&output);
    let kinds: Vec<_> = records
        .iter()
        .map(|r| (r["path"].as_str().unwrap(), r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            (picture.to_str().unwrap(), "picture"),
            (clip.to_str().unwrap(), "video")
        ]
    );
    let errors = lines(&output.stderr);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!("{}: ", damaged.display())),
        "{errors:?}"
    );
    assert!(errors[0].contains("damaged or truncated"), "{errors:?}");
}

#[test]
fn bad_video_options_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let clip = write_clip(dir.path(), "clip.mp4", 1);
    let picture = write_image(dir.path(), "a.png", shapes(64, 48, 10), ImageFormat::Png);
    for bad in ["-1", "NaN", "inf", "soon"] {
        let output = takeback(&[&"hash", &format!("--seconds-per-hash={bad}"), &clip]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("0 or more"),
            "{bad}: {output:?}"
        );
    }
    let two = takeback(&[&"hash", &"--format", &"vpdq", &clip, &clip]);
    assert_eq!(two.status.code(), Some(2), "{two:?}");
    assert!(
        String::from_utf8_lossy(&two.stderr).contains("one video file"),
        "{two:?}"
    );
    let not_video = takeback(&[&"hash", &"--format", &"vpdq-signal", &picture]);
    assert_eq!(not_video.status.code(), Some(2), "{not_video:?}");
    assert!(
        String::from_utf8_lossy(&not_video.stderr).contains("not a video"),
        "{not_video:?}"
    );
    assert!(not_video.stdout.is_empty());
}

/// The reference's sample video whose every frame Takeback hashes exactly as the reference
/// did (the other sample differs in its near-black frames: see takeback-fingerprint's
/// `tests/reference_videos.rs`): the CLI writes the reference's file byte for byte.
#[test]
#[cfg_attr(
    not(takeback_pdq_reference),
    ignore = "needs TAKEBACK_PDQ_REFERENCE, the folder of Meta's PDQ test data"
)]
fn format_vpdq_of_every_frame_writes_the_reference_sample_file_byte_for_byte() {
    let root = PathBuf::from(std::env::var_os("TAKEBACK_PDQ_REFERENCE").unwrap()).join("vpdq");
    let video = root.join("tmk/sample-videos/test-padded-dimensions.mp4");
    let expected =
        std::fs::read_to_string(root.join("vpdq/sample-hashes/test-padded-dimensions.txt"))
            .unwrap();
    let output = takeback(&[
        &"hash",
        &"--format",
        &"vpdq",
        &"--seconds-per-hash",
        &"0",
        &video,
    ]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
}
