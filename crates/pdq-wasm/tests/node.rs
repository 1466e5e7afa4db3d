//! The WebAssembly build, called through `web/pdq/takeback-pdq.js` under Node.js, gives
//! exactly the native hasher's hashes and qualities, and the native MD5 and SHA-256.
//!
//! `TAKEBACK_PDQ_WASM` names the .wasm to test: `tools/test` builds it with `tools/wasm`
//! and sets it. Without it these tests are ignored (cargo says so); with it, they fail if
//! the file or Node.js 18 or later is missing.

use md5::{Digest as _, Md5};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::process::Command;
use takeback_pdq::{PixelLayout, Pixels};
use takeback_testimages::{Channels, Pattern, Spec, TestImage, golden_catalogue, random_bytes};

const WASM_VAR: &str = "TAKEBACK_PDQ_WASM";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The .wasm that `TAKEBACK_PDQ_WASM` names (relative paths are from the workspace root).
fn wasm(root: &Path) -> PathBuf {
    let Some(file) = std::env::var_os(WASM_VAR) else {
        panic!("{WASM_VAR} is not set: run tools/test, or set it to a .wasm that tools/wasm built");
    };
    let wasm = root.join(file);
    assert!(
        wasm.is_file(),
        "{WASM_VAR}={} is not a file: run tools/wasm FILE to build it",
        wasm.display()
    );
    wasm
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

#[test]
#[cfg_attr(
    not(takeback_pdq_wasm),
    ignore = "needs TAKEBACK_PDQ_WASM, the .wasm to test: run tools/test"
)]
fn wasm_under_node_matches_native() {
    require_node();
    let root = workspace_root();
    let wasm = wasm(&root);
    let dir = tempfile::tempdir().unwrap();

    let mut args = vec![wasm.as_os_str().to_owned()];
    let mut expected = Vec::new();
    for spec in specs() {
        let rgba = to_rgba(&spec.generate());
        let pixels = Pixels::new(&rgba, spec.width, spec.height, PixelLayout::Rgba8).unwrap();
        let pdq = takeback_pdq::hash(&pixels);
        expected.push((spec.name(), format!("{},{}", pdq.hash, pdq.quality)));

        let file = dir.path().join(format!("{}.rgba", spec.name()));
        std::fs::write(&file, &rgba).unwrap();
        args.extend([
            spec.width.to_string().into(),
            spec.height.to_string().into(),
            file.into_os_string(),
        ]);
    }

    let stdout = run_node_script(&root, "hash-raw.mjs", &args);
    assert_same_lines(&expected, &stdout);
    // The comparison means something only if real hashes were among them.
    assert!(expected.iter().any(|(_, line)| !line.ends_with(",0")));
}

/// Lowercase hex of a digest.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[cfg_attr(
    not(takeback_pdq_wasm),
    ignore = "needs TAKEBACK_PDQ_WASM, the .wasm to test: run tools/test"
)]
fn wasm_digests_under_node_match_native() {
    require_node();
    let root = workspace_root();
    let wasm = wasm(&root);
    let dir = tempfile::tempdir().unwrap();

    // Empty, one byte, the block-padding edges of both algorithms, and 1 MiB.
    let random = random_bytes(11, 1 << 20);
    let inputs: Vec<(String, &[u8])> = [0, 1, 3, 55, 56, 63, 64, 65, 100_003, 1 << 20]
        .into_iter()
        .map(|len| (format!("{len} bytes"), &random[..len]))
        .chain([(String::from("abc"), b"abc".as_slice())])
        .collect();

    let mut args = vec![wasm.as_os_str().to_owned()];
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
        args.push(file.into_os_string());
    }

    let stdout = run_node_script(&root, "digest-raw.mjs", &args);
    assert_same_lines(&expected, &stdout);
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
fn assert_same_lines(expected: &[(String, String)], stdout: &str) {
    let actual: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        actual.len(),
        expected.len(),
        "one line per input:\n{stdout}"
    );
    let mismatches: Vec<String> = expected
        .iter()
        .zip(&actual)
        .filter(|((_, want), got)| want != *got)
        .map(|((name, want), got)| format!("{name}: native {want}, wasm {got}"))
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
