//! Chooses the WebAssembly hasher the pages embed: `web/pdq/takeback_pdq.wasm`, built by
//! `tools/wasm` and committed, so that building the pages needs no wasm target and no
//! cargo inside cargo. `TAKEBACK_PAGES_WASM=FILE` embeds another build of
//! `crates/pdq-wasm` instead (for packagers who build everything from source).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=TAKEBACK_PAGES_WASM");
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let wasm = match env::var_os("TAKEBACK_PAGES_WASM") {
        // Relative to the crate, where cargo runs build scripts.
        Some(file) => manifest_dir.join(file),
        None => manifest_dir.join("../../web/pdq/takeback_pdq.wasm"),
    };
    if !wasm.is_file() {
        eprintln!(
            "error: {} is not a file (TAKEBACK_PAGES_WASM names the .wasm to embed)",
            wasm.display()
        );
        std::process::exit(1);
    }
    // `include_bytes!` makes the file a dependency of the crate: a new .wasm rebuilds it.
    println!(
        "cargo::rustc-env=TAKEBACK_PAGES_WASM_FILE={}",
        wasm.display()
    );
}
