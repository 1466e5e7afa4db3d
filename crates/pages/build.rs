//! Compiles the WebAssembly hasher (`crates/pdq-wasm`) that the pages load, so that
//! `cargo run -- serve` serves a complete site with nothing else to build or install.
//!
//! It runs a nested `cargo build --release --target wasm32-unknown-unknown` in a target
//! directory of its own (one for every profile, so `cargo test`, `cargo clippy` and
//! `cargo run --release` build it once between them), adding the Rust target with rustup
//! first if it is missing. `TAKEBACK_PAGES_WASM=FILE` uses a .wasm built elsewhere instead
//! (for packagers, or machines without rustup).

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_FILE: &str = "takeback_pdq_wasm.wasm";

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let destination = out_dir.join(WASM_FILE);
    println!("cargo:rerun-if-env-changed=TAKEBACK_PAGES_WASM");
    if let Some(prebuilt) = env::var_os("TAKEBACK_PAGES_WASM") {
        println!("cargo:rerun-if-changed={}", Path::new(&prebuilt).display());
        if let Err(error) = std::fs::copy(&prebuilt, &destination) {
            fail(&format!(
                "TAKEBACK_PAGES_WASM names {}, which cannot be read: {error}",
                Path::new(&prebuilt).display()
            ));
        }
        return;
    }

    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest_dir.join("../..");
    for input in [
        "crates/pdq/src",
        "crates/pdq/Cargo.toml",
        "crates/pdq-wasm/src",
        "crates/pdq-wasm/Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }

    ensure_wasm_target();
    let target_dir = wasm_target_dir(&out_dir);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut build = Command::new(cargo);
    build
        .current_dir(&root)
        .args(["build", "--release", "--target", WASM_TARGET])
        .args(["-p", "takeback-pdq-wasm"])
        .env("CARGO_TARGET_DIR", &target_dir)
        // The outer build's flags and wrappers are for the host: `-C target-cpu=native` or
        // clippy's driver must not reach the wasm build.
        .env("CARGO_ENCODED_RUSTFLAGS", "")
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CLIPPY_ARGS")
        .env_remove("CARGO_BUILD_TARGET");
    for (key, _) in env::vars_os() {
        if key.to_string_lossy().starts_with("__CARGO") {
            build.env_remove(key);
        }
    }
    let output = build
        .output()
        .unwrap_or_else(|error| fail(&format!("cannot run cargo for the wasm build: {error}")));
    if !output.status.success() {
        fail(&format!(
            "building the WebAssembly hasher failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let built = target_dir.join(WASM_TARGET).join("release").join(WASM_FILE);
    if let Err(error) = std::fs::copy(&built, &destination) {
        fail(&format!("cannot copy {}: {error}", built.display()));
    }
}

/// Installs the wasm target with rustup if the compiler lacks it.
fn ensure_wasm_target() {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    let installed = sysroot
        .as_ref()
        .is_some_and(|root| root.join("lib/rustlib").join(WASM_TARGET).is_dir());
    if installed {
        return;
    }
    println!(
        "cargo:warning=the Rust target {WASM_TARGET} (for the pages' WebAssembly hasher) is \
         missing; installing it with `rustup target add {WASM_TARGET}`"
    );
    // Under rustup, RUSTUP_TOOLCHAIN names the toolchain this build uses, and rustup acts
    // on it.
    let added = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
        .is_ok_and(|status| status.success());
    if !added {
        fail(&format!(
            "the Rust target {WASM_TARGET} is missing and `rustup target add {WASM_TARGET}` \
             failed. Install it by hand, or set TAKEBACK_PAGES_WASM to a .wasm built from \
             crates/pdq-wasm."
        ));
    }
}

/// `<target>/pages-wasm`, from `OUT_DIR` = `<target>[/<triple>]/<profile>/build/<pkg>/out`,
/// so that every profile shares one wasm build; `OUT_DIR` itself if the layout is
/// unfamiliar.
fn wasm_target_dir(out_dir: &Path) -> PathBuf {
    match out_dir.ancestors().nth(4) {
        Some(target)
            if out_dir.ancestors().nth(2).and_then(Path::file_name) == Some("build".as_ref()) =>
        {
            target.join("pages-wasm")
        }
        _ => out_dir.join("wasm"),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
