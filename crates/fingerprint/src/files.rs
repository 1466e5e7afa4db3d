//! Which files a command fingerprints when it is given folders.

use std::path::{Path, PathBuf};

/// The files to fingerprint: each path given, with directories expanded recursively in name
/// order, skipping hidden files and folders. A folder that cannot be read is reported
/// with the reason, and the walk goes on.
pub fn collect_files(
    paths: &[PathBuf],
    report: &mut impl FnMut(&Path, &dyn std::fmt::Display),
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            // Files, and paths that don't exist: reading them reports why they can't be.
            files.push(path.clone());
            continue;
        }
        let walk = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
        for entry in walk {
            match entry {
                Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
                // Directories are walked; symbolic links inside them are not followed.
                Ok(_) => {}
                Err(error) => {
                    let at = error.path().unwrap_or(path).to_path_buf();
                    let reason = error
                        .io_error()
                        .map_or_else(|| error.to_string(), |e| format!("cannot read: {e}"));
                    report(&at, &reason);
                }
            }
        }
    }
    files
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}
