//! Hash lists as text: one 64-hex-digit PDQ hash per line, optionally followed by `,id`.
//!
//! ```text
//! # comments and blank lines are skipped
//! f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,1001
//! 30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af
//! ```
//!
//! A line without an id gets its line number as id. Anything else is refused with the
//! line number, so that a list is never half-loaded without anyone noticing.

use std::io::BufRead;
use takeback_pdq::{ParseHashError, PdqHash};

/// Why a hash list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HashListError {
    /// Reading failed.
    #[error("cannot read the list: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not `hash` or `hash,id`.
    #[error("line {line}: {reason}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: MalformedLine,
    },
}

/// What is wrong with one line of a hash list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedLine {
    /// The hash is not 64 hex digits.
    #[error("{0}")]
    Hash(#[from] ParseHashError),
    /// The id is not a whole number.
    #[error("the id {0:?} is not a whole number from 0 to 18446744073709551615")]
    Id(String),
    /// More than two comma-separated fields.
    #[error("expected `hash` or `hash,id`, found {0} fields")]
    Fields(usize),
}

/// Parses one line: `Ok(None)` for a blank line or a comment.
pub fn parse_list_line(
    line: &str,
    line_number: usize,
) -> Result<Option<(PdqHash, u64)>, MalformedLine> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let (hash, id) = match fields.as_slice() {
        [hash] => (hash, line_number as u64),
        [hash, id] => (
            hash,
            id.parse().map_err(|_| MalformedLine::Id(id.to_string()))?,
        ),
        _ => return Err(MalformedLine::Fields(fields.len())),
    };
    Ok(Some((hash.parse()?, id)))
}

/// Reads a whole text hash list.
pub fn read_hash_list(reader: impl BufRead) -> Result<Vec<(PdqHash, u64)>, HashListError> {
    let mut entries = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        let parsed = parse_list_line(&line, i + 1).map_err(|reason| HashListError::Malformed {
            line: i + 1,
            reason,
        })?;
        entries.extend(parsed);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    #[test]
    fn hashes_ids_comments_and_blank_lines() {
        let text = format!(
            "# a list\n\n{HASH},42\n {HASH} \n{},7\n",
            HASH.to_uppercase()
        );
        let entries = read_hash_list(text.as_bytes()).unwrap();
        let hash: PdqHash = HASH.parse().unwrap();
        assert_eq!(entries, vec![(hash, 42), (hash, 4), (hash, 7)]);
    }

    #[test]
    fn malformed_lines_are_reported_with_their_number() {
        let cases = [
            (format!("{HASH}\nabc\n"), 2, "64 hex digits"),
            (format!("{HASH},x1\n"), 1, "not a whole number"),
            (format!("{HASH},-1\n"), 1, "not a whole number"),
            (format!("\n\n{HASH},1,2\n"), 3, "3 fields"),
            (format!("{}g\n", &HASH[..63]), 1, "character 64"),
        ];
        for (text, line, message) in cases {
            let error = read_hash_list(text.as_bytes()).unwrap_err();
            let shown = error.to_string();
            assert!(
                matches!(error, HashListError::Malformed { line: l, .. } if l == line),
                "{shown}"
            );
            assert!(
                shown.starts_with(&format!("line {line}: ")) && shown.contains(message),
                "{shown}"
            );
        }
    }
}
