//! Both WebAssembly builds (plain and SIMD), called through `web/pdq/takeback-pdq.js`
//! under Node.js, give exactly the native portable engine's hashes and qualities, and the
//! native MD5 and SHA-256: on generated images of every shape, on random ones, and on
//! Meta's reference pictures.
//!
//! `TAKEBACK_PDQ_WASM` names the folder `tools/wasm` built both files into: `tools/test`
//! builds them and sets it. Without it these tests are ignored (cargo says so); with it,
//! they fail if a file or Node.js 18 or later is missing. The reference pictures' test also
//! needs `TAKEBACK_PDQ_REFERENCE`, the folder of Meta's PDQ test data.

#![allow(clippy::unwrap_used)]

use md5::{Digest as _, Md5};
use sha2::Sha256;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use takeback_pdq::{Engine, PixelLayout, Pixels};
use takeback_testimages::{
    Channels, Pattern, Spec, SplitMix64, TestImage, decode_rgba, golden_catalogue, random_bytes,
};

const WASM_VAR: &str = "TAKEBACK_PDQ_WASM";

/// The files `tools/wasm` writes, and the engine each must hash with: the SIMD build must
/// really use its SIMD engine, not merely give the right bits.
const BUILDS: [(&str, &str); 2] = [
    ("takeback_pdq.wasm", "portable"),
    ("takeback_pdq_simd.wasm", "simd128"),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Both builds in the folder `TAKEBACK_PDQ_WASM` names (a relative path is from the
/// workspace root), each with the engine it must report.
fn builds(root: &Path) -> Vec<(PathBuf, &'static str)> {
    let Some(dir) = std::env::var_os(WASM_VAR) else {
        panic!(
            "{WASM_VAR} is not set: run tools/test, or set it to a folder tools/wasm built into"
        );
    };
    let dir = root.join(dir);
    BUILDS
        .iter()
        .map(|(file, engine)| {
            let wasm = dir.join(file);
            assert!(
                wasm.is_file(),
                "{} is not a file: run tools/wasm {} to build both files",
                wasm.display(),
                dir.display()
            );
            (wasm, *engine)
        })
        .collect()
}

/// Fails unless `node` 18 or later is on the PATH.
fn require_node() {
    let install = "install Node.js 18 or later (https://nodejs.org/) and put `node` on the PATH";
    let output = Command::new("node")
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `node` ({e}): {install}"));
    let version = String::from_utf8_lossy(&output.stdout);
    let major: Option<u32> = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok());
    assert!(
        output.status.success() && major.is_some_and(|m| m >= 18),
        "`node --version` says {:?}: {install}",
        version.trim()
    );
}

/// The image as RGBA: grey replicated into red, green and blue, and opaque alpha added
/// where there was none.
fn to_rgba(image: &TestImage) -> Vec<u8> {
    match image.spec.channels {
        Channels::Grey => image.pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        Channels::Rgb => image
            .pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        Channels::Rgba => image.pixels.clone(),
    }
}

/// Golden images up to 1600×1000 (the 12-megapixel ones would only slow the test), and a
/// few more RGBA ones at odd and empty sizes.
fn specs() -> Vec<Spec> {
    let mut specs: Vec<Spec> = golden_catalogue()
        .into_iter()
        .filter(|s| s.width * s.height <= 1600 * 1000)
        .collect();
    for (i, (pattern, width, height)) in [
        (Pattern::Flat, 0, 0),
        (Pattern::Gradient, 0, 7),
        (Pattern::Noise, 1, 1),
        (Pattern::Noise, 5, 5),
        (Pattern::Smooth, 63, 65),
        (Pattern::Shapes, 333, 517),
        (Pattern::Noise, 1600, 1000),
    ]
    .into_iter()
    .enumerate()
    {
        specs.push(Spec::new(
            pattern,
            width,
            height,
            Channels::Rgba,
            500 + i as u64,
        ));
    }
    specs
}

/// Random images of every shape, as `takeback-pdq`'s own exactness test draws them:
/// small, middling, and long and thin both ways (large windows along one axis, tiny along
/// the other), every pattern and channel layout. Flat ones matter most: all their DCT
/// coefficients are rounding noise, so any change in the order of operations shows.
fn random_specs(count: usize, seed: u64) -> Vec<Spec> {
    let mut random = SplitMix64(seed);
    let mut between = |low: usize, high: usize| low + random.below(high - low);
    (0..count)
        .map(|i| {
            let (width, height) = match i % 4 {
                0 => (between(1, 80), between(1, 80)),
                1 => (between(5, 400), between(5, 400)),
                2 => (between(5, 12), between(400, 2500)),
                _ => (between(400, 2500), between(5, 12)),
            };
            let pattern = Pattern::ALL[between(0, Pattern::ALL.len())];
            let channels = [Channels::Grey, Channels::Rgb, Channels::Rgba][between(0, 3)];
            Spec::new(pattern, width, height, channels, between(0, 1 << 30) as u64)
        })
        .collect()
}

/// RGBA images written to files for `hash-raw.mjs`, with what the native portable engine
/// makes of each.
struct Batch {
    dir: tempfile::TempDir,
    args: Vec<OsString>,
    expected: Vec<(String, String)>,
}

impl Batch {
    fn new() -> Self {
        Batch {
            dir: tempfile::tempdir().unwrap(),
            args: Vec::new(),
            expected: Vec::new(),
        }
    }

    fn add(&mut self, name: String, rgba: &[u8], width: usize, height: usize) {
        let pixels = Pixels::new(rgba, width, height, PixelLayout::Rgba8).unwrap();
        let pdq = takeback_pdq::hash_with(&pixels, Engine::Portable);
        let file = self
            .dir
            .path()
            .join(format!("{}.rgba", self.expected.len()));
        std::fs::write(&file, rgba).unwrap();
        self.expected
            .push((name, format!("{},{}", pdq.hash, pdq.quality)));
        self.args.extend([
            width.to_string().into(),
            height.to_string().into(),
            file.into_os_string(),
        ]);
    }

    /// Hashes every image with each build under Node, and checks every line.
    fn check_every_build(&self) {
        require_node();
        let root = workspace_root();
        for (wasm, engine) in builds(&root) {
            let mut args = vec![wasm.clone().into_os_string()];
            args.extend(self.args.iter().cloned());
            let stdout = run_node_script(&root, "hash-raw.mjs", &args);
            let (first, rest) = stdout.split_once('\n').unwrap_or((&stdout, ""));
            assert_eq!(first, format!("engine {engine}"), "{}", wasm.display());
            assert_same_lines(&self.expected, rest, &wasm);
        }
        // The comparison means something only if real hashes were among them.
        assert!(self.expected.iter().any(|(_, line)| !line.ends_with(",0")));
    }
}

#[test]
#[cfg_attr(
    not(takeback_pdq_wasm),
    ignore = "needs TAKEBACK_PDQ_WASM, the folder of .wasm files to test: run tools/test"
)]
fn wasm_under_node_matches_native() {
    let mut batch = Batch::new();
    for spec in specs() {
        let rgba = to_rgba(&spec.generate());
        batch.add(spec.name(), &rgba, spec.width, spec.height);
    }
    batch.check_every_build();
}

#[test]
#[cfg_attr(
    not(takeback_pdq_wasm),
    ignore = "needs TAKEBACK_PDQ_WASM, the folder of .wasm files to test: run tools/test"
)]
fn wasm_matches_the_portable_engine_on_random_images() {
    let mut batch = Batch::new();
    for spec in random_specs(300, 21) {
        let rgba = to_rgba(&spec.generate());
        batch.add(spec.name(), &rgba, spec.width, spec.height);
    }
    batch.check_every_build();
}

#[test]
#[cfg_attr(
    not(all(takeback_pdq_wasm, takeback_pdq_reference)),
    ignore = "needs TAKEBACK_PDQ_WASM (run tools/test) and TAKEBACK_PDQ_REFERENCE, the folder of Meta's PDQ test data"
)]
fn wasm_matches_native_on_the_reference_pictures() {
    let reference = PathBuf::from(std::env::var_os("TAKEBACK_PDQ_REFERENCE").unwrap());
    let mut files = Vec::new();
    let mut folders = vec![reference.join("images"), reference.join("decoded")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut batch = Batch::new();
    for file in &files {
        // Read in place, never copied into the repository; what the `image` crate cannot
        // decode (a text file, an unusual TIFF) is not a picture for this test.
        let Ok((rgba, width, height)) = decode_rgba(&std::fs::read(file).unwrap()) else {
            continue;
        };
        let name = file.strip_prefix(&reference).unwrap_or(file);
        batch.add(name.display().to_string(), &rgba, width, height);
    }
    assert!(
        batch.expected.len() >= 30,
        "only {} of {} reference files decoded",
        batch.expected.len(),
        files.len()
    );
    batch.check_every_build();
}

/// Lowercase hex of a digest.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[cfg_attr(
    not(takeback_pdq_wasm),
    ignore = "needs TAKEBACK_PDQ_WASM, the folder of .wasm files to test: run tools/test"
)]
fn wasm_digests_under_node_match_native() {
    require_node();
    let root = workspace_root();
    let dir = tempfile::tempdir().unwrap();

    // Empty, one byte, the block-padding edges of both algorithms, and 1 MiB.
    let random = random_bytes(11, 1 << 20);
    let inputs: Vec<(String, &[u8])> = [0, 1, 3, 55, 56, 63, 64, 65, 100_003, 1 << 20]
        .into_iter()
        .map(|len| (format!("{len} bytes"), &random[..len]))
        .chain([(String::from("abc"), b"abc".as_slice())])
        .collect();

    let mut files = Vec::new();
    let mut expected = Vec::new();
    for (i, (name, bytes)) in inputs.iter().enumerate() {
        expected.push((
            name.clone(),
            format!(
                "{},{}",
                hex(&Md5::digest(bytes)),
                hex(&Sha256::digest(bytes))
            ),
        ));
        let file = dir.path().join(format!("{i}.bin"));
        std::fs::write(&file, bytes).unwrap();
        files.push(file.into_os_string());
    }

    for (wasm, _) in builds(&root) {
        let mut args = vec![wasm.clone().into_os_string()];
        args.extend(files.iter().cloned());
        let stdout = run_node_script(&root, "digest-raw.mjs", &args);
        assert_same_lines(&expected, &stdout, &wasm);
    }
}

/// Runs `web/pdq/test/SCRIPT ARGS…` under Node and returns what it printed.
fn run_node_script(root: &Path, script: &str, args: &[std::ffi::OsString]) -> String {
    let output = Command::new("node")
        .arg(root.join("web/pdq/test").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node {script}: {e}"));
    assert!(
        output.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the scripts print ASCII")
}

/// One printed line per `(name, native line)`, each equal to the native one.
fn assert_same_lines(expected: &[(String, String)], stdout: &str, wasm: &Path) {
    let actual: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        actual.len(),
        expected.len(),
        "{}: one line per input:\n{stdout}",
        wasm.display()
    );
    let mismatches: Vec<String> = expected
        .iter()
        .zip(&actual)
        .filter(|((_, want), got)| want != *got)
        .map(|((name, want), got)| format!("{name}: native {want}, wasm {got}"))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{}:\n{}",
        wasm.display(),
        mismatches.join("\n")
    );
}
