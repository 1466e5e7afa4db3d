//! Chooses the WebAssembly hashers the pages embed: `web/pdq/takeback_pdq.wasm` and its
//! SIMD build `web/pdq/takeback_pdq_simd.wasm`, built by `tools/wasm` and committed, so that
//! building the pages needs no wasm target and no cargo inside cargo.
//! `TAKEBACK_PAGES_WASM=FILE` and `TAKEBACK_PAGES_WASM_SIMD=FILE` embed other builds of
//! `crates/pdq-wasm` instead (for packagers who build everything from source: set both).

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    for (variable, committed, embedded) in [
        (
            "TAKEBACK_PAGES_WASM",
            "takeback_pdq.wasm",
            "TAKEBACK_PAGES_WASM_FILE",
        ),
        (
            "TAKEBACK_PAGES_WASM_SIMD",
            "takeback_pdq_simd.wasm",
            "TAKEBACK_PAGES_WASM_SIMD_FILE",
        ),
    ] {
        println!("cargo::rerun-if-env-changed={variable}");
        let wasm = match env::var_os(variable) {
            // Relative to the crate, where cargo runs build scripts.
            Some(file) => manifest_dir.join(file),
            None => manifest_dir.join("../../web/pdq").join(committed),
        };
        if !wasm.is_file() {
            eprintln!(
                "error: {} is not a file ({variable} names the .wasm to embed)",
                wasm.display()
            );
            std::process::exit(1);
        }
        // `include_bytes!` makes the file a dependency of the crate: a new .wasm rebuilds it.
        println!("cargo::rustc-env={embedded}={}", wasm.display());
    }
}
