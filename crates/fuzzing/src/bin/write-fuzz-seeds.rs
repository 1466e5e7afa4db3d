//! Writes each fuzz target's seeds into `fuzz/corpus/<target>/seed-<name>`:
//! `cargo run -p takeback-fuzzing --bin write-fuzz-seeds [DIR]` (default `fuzz/corpus`).

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let root = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("fuzz/corpus"), PathBuf::from);
    for (target, _) in takeback_fuzzing::TARGETS {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in takeback_fuzzing::seeds::seeds(target) {
            std::fs::write(dir.join(format!("seed-{name}")), bytes)?;
        }
    }
    Ok(())
}
