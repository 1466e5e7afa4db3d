//! The reference's own sample hashes (`../shared/testdata/pdq-reference/vpdq/`, when the
//! test data is beside the checkout, as `tools/test` arranges through
//! TAKEBACK_PDQ_REFERENCE): they read, write back byte for byte, and match themselves.

use std::path::PathBuf;
use takeback_vpdq::MatchRule;
use takeback_vpdq::format::{read_reference_text, write_reference_text};

#[test]
#[cfg_attr(
    not(takeback_pdq_reference),
    ignore = "needs TAKEBACK_PDQ_REFERENCE, the folder of Meta's PDQ test data"
)]
fn the_reference_sample_hashes_read_write_back_and_match_themselves() {
    let root = std::env::var_os("TAKEBACK_PDQ_REFERENCE").expect("TAKEBACK_PDQ_REFERENCE");
    let dir = PathBuf::from(root).join("vpdq/vpdq/sample-hashes");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("the sample hashes' folder") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|ext| ext != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable sample");
        let video =
            read_reference_text(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!video.frames.is_empty(), "{}", path.display());
        assert_eq!(write_reference_text(&video), text, "{}", path.display());
        let comparison = MatchRule::default().compare(&video, &video);
        assert!(comparison.is_match, "{}", path.display());
        read += 1;
    }
    assert!(read >= 2, "only {read} sample files in {}", dir.display());
}
