//! Replays every committed fuzz input through its target, on stable Rust and in the normal
//! test command: the corpora (`fuzz/corpus/<target>/`), the reproducers of past findings
//! (`fuzz/regressions/<target>/`) and the generated seeds. A target panics on a finding,
//! so a parser that regresses on any of them fails here, with the file's name.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use takeback_fuzzing::{TARGETS, seeds::seeds};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable corpus directory").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input, then fails with the list of those that panicked.
fn replay(kind: &str, inputs: impl Fn(&str) -> Vec<(String, Vec<u8>)>) -> usize {
    let mut failed = Vec::new();
    let mut count = 0;
    for (target, run) in TARGETS {
        for (name, bytes) in inputs(target) {
            count += 1;
            if catch_unwind(AssertUnwindSafe(|| run(&bytes))).is_err() {
                failed.push(format!("{target}: {name}"));
            }
        }
    }
    assert!(failed.is_empty(), "{kind} that fail: {failed:#?}");
    count
}

fn committed(folder: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    files(&fuzz_dir().join(folder).join(target))
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a readable corpus file");
            (path.display().to_string(), bytes)
        })
        .collect()
}

#[test]
fn every_committed_corpus_file_runs_clean() {
    let count = replay("corpus files", |target| committed("corpus", target));
    assert!(count >= TARGETS.len(), "only {count} corpus files found");
}

#[test]
fn every_reproducer_of_a_past_finding_runs_clean() {
    replay("reproducers", |target| committed("regressions", target));
}

#[test]
fn every_seed_runs_clean() {
    for (target, _) in TARGETS {
        assert!(!seeds(target).is_empty(), "{target} has no seeds");
    }
    replay("seeds", seeds);
}

#[test]
fn every_target_has_a_cargo_fuzz_binary_and_a_corpus() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for (target, _) in TARGETS {
        let source = fuzz_dir().join(format!("fuzz_targets/{target}.rs"));
        let body = std::fs::read_to_string(&source).expect("a target's source");
        assert!(
            body.contains(&format!("takeback_fuzzing::{target}(")),
            "{} calls takeback_fuzzing::{target}",
            source.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{target}\"")),
            "fuzz/Cargo.toml has a [[bin]] for {target}"
        );
        assert!(
            !files(&fuzz_dir().join("corpus").join(target)).is_empty(),
            "fuzz/corpus/{target} is empty"
        );
    }
}
