//! One list's memory and files without the network, for the property tests in `tests/`.

use crate::error::StateError;
use crate::list::SourceList;
use crate::state::ListFiles;
use crate::types::{ListChange, ListEntry, ListMatch, QueryHashes};
use std::path::Path;
use takeback_wire::ChangeOp;

/// A change as the feed gives it.
#[derive(Debug, Clone)]
pub struct FeedChange {
    /// Remove (`true`) or add/replace.
    pub remove: bool,
    /// The entry.
    pub entry: ListEntry,
}

/// A list kept as the follower keeps it: journal first, then memory.
#[derive(Debug)]
pub struct FollowedList {
    list: SourceList,
    files: ListFiles,
    cursor: i64,
}

impl FollowedList {
    /// Opens the list saved in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        let (files, loaded) = ListFiles::open(dir, "test")?;
        Ok(FollowedList {
            list: loaded.list,
            files,
            cursor: loaded.cursor,
        })
    }

    /// Applies the next page of the feed.
    pub fn apply_page(&mut self, changes: &[FeedChange]) -> Result<(), StateError> {
        let numbered: Vec<(i64, ListChange)> = changes
            .iter()
            .enumerate()
            .map(|(i, change)| {
                let op = if change.remove {
                    ChangeOp::Remove
                } else {
                    ChangeOp::Add
                };
                let change = ListChange {
                    op,
                    entry: change.entry.clone(),
                };
                (self.cursor + 1 + i as i64, change)
            })
            .collect();
        self.files.append(&numbered)?;
        let changes: Vec<ListChange> = numbered.into_iter().map(|(_, c)| c).collect();
        self.list.apply(&changes);
        self.cursor += changes.len() as i64;
        Ok(())
    }

    /// Saves the whole list and starts a new journal.
    pub fn snapshot(&mut self) -> Result<(), StateError> {
        self.files.write_snapshot(&self.list, self.cursor)
    }

    /// Every entry.
    pub fn entries(&self) -> Vec<ListEntry> {
        self.list.entries()
    }

    /// The matches for a query.
    pub fn find(&self, query: &QueryHashes, max_distance: u32) -> Vec<ListMatch> {
        let mut found = Vec::new();
        self.list.find("test", query, max_distance, &mut found);
        found
    }

    /// The feed position held.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }
}
