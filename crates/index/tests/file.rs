//! Saving and loading: a round trip keeps every entry, and a damaged file is refused with
//! the reason, never loaded as wrong answers.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use takeback_index::{HashIndex, IndexFileError};
use takeback_pdq::PdqHash;

fn sample(n: u64) -> Vec<(PdqHash, u64)> {
    let mut state = n;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state ^ (state >> 29)
    };
    (0..n)
        .map(|id| {
            (
                PdqHash::from_words([next(), next(), next(), next()]),
                id * 3 + 1,
            )
        })
        .collect()
}

fn sorted(mut entries: Vec<(PdqHash, u64)>) -> Vec<(PdqHash, u64)> {
    entries.sort_unstable();
    entries
}

#[test]
fn a_saved_index_loads_with_the_same_entries_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.idx");
    let entries = sample(20_000);
    let index = HashIndex::from_entries(entries.iter().copied());
    index.remove(4); // id of the second entry
    index.save(&path).unwrap();
    let loaded = HashIndex::load(&path).unwrap();
    assert_eq!(loaded.len(), 19_999);
    assert_eq!(sorted(loaded.entries()), sorted(index.entries()));
    for (hash, _) in entries.iter().take(50) {
        assert_eq!(loaded.query(hash, 31), index.query(hash, 31));
    }
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_empty_index_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.idx");
    HashIndex::new().save(&path).unwrap();
    assert!(HashIndex::load(&path).unwrap().is_empty());
}

fn saved(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let path = dir.join("list.idx");
    HashIndex::from_entries(sample(100)).save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

#[test]
fn a_truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = saved(dir.path());
    for keep in [bytes.len() - 1, bytes.len() - 40, 30, 24, 20] {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let error = HashIndex::load(&path).unwrap_err();
        assert!(
            matches!(error, IndexFileError::WrongLength { .. }),
            "{keep}: {error}"
        );
        assert!(error.to_string().contains("damaged"), "{error}");
    }
    // Extra bytes are as wrong as missing ones.
    let mut longer = bytes.clone();
    longer.push(0);
    std::fs::write(&path, longer).unwrap();
    assert!(matches!(
        HashIndex::load(&path),
        Err(IndexFileError::WrongLength { .. })
    ));
}

#[test]
fn a_flipped_bit_anywhere_is_caught_by_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = saved(dir.path());
    for at in [12, 30, 24 + 40 * 50 + 33, bytes.len() - 5, bytes.len() - 1] {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x10;
        std::fs::write(&path, &damaged).unwrap();
        let error = HashIndex::load(&path).unwrap_err();
        assert!(
            matches!(error, IndexFileError::ChecksumMismatch(_)),
            "{at}: {error}"
        );
    }
}

#[test]
fn a_huge_entry_count_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut bytes) = saved(dir.path());
    bytes[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    assert!(matches!(
        HashIndex::load(&path),
        Err(IndexFileError::WrongLength { .. })
    ));
}

#[test]
fn other_files_and_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = saved(dir.path());
    let mut newer = bytes.clone();
    newer[8] = 2;
    std::fs::write(&path, &newer).unwrap();
    let error = HashIndex::load(&path).unwrap_err();
    assert!(
        matches!(error, IndexFileError::UnsupportedVersion { found: 2, .. }),
        "{error}"
    );

    for foreign in [&b""[..], b"TKBK", b"not an index at all, just some text\n"] {
        std::fs::write(&path, foreign).unwrap();
        let error = HashIndex::load(&path).unwrap_err();
        assert!(
            matches!(error, IndexFileError::NotAnIndex(_)),
            "{foreign:?}: {error}"
        );
    }
    let missing = dir.path().join("missing.idx");
    assert!(matches!(
        HashIndex::load(&missing),
        Err(IndexFileError::Io { .. })
    ));
}
