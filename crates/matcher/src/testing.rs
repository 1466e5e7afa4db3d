//! One list's memory and files, the feed's parser and the outbox, without the network: for
//! the property tests in `tests/` and the fuzz targets in `crates/fuzzing`.

use crate::error::StateError;
use crate::list::SourceList;
use crate::outbox::Outbox;
use crate::state::ListFiles;
use crate::types::{ListChange, ListEntry, ListMatch, OutcomeReport, QueryHashes};
use std::path::Path;
use takeback_wire::chain::ChainHead;
use takeback_wire::{ChangeOp, FeedbackBatch};

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
    head: Option<ChainHead>,
}

impl FollowedList {
    /// Opens the list saved in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        let (files, loaded) = ListFiles::open(dir, "test")?;
        Ok(FollowedList {
            list: loaded.list,
            files,
            cursor: loaded.cursor,
            head: loaded.head,
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
        // The chain over the changes as the feed would have given them.
        let mut head = self.head.unwrap_or(ChainHead::GENESIS);
        for (seq, change) in &numbered {
            head = head.extend(&takeback_wire::ListChange {
                seq: *seq,
                op: change.op,
                id: change.entry.id,
                algorithm: change.entry.algorithm(),
                value: change.entry.hash.to_hex(),
                quality: None,
                verified: change.entry.verified,
                frames: None,
            });
        }
        self.files.append(&numbered, head)?;
        if !numbered.is_empty() {
            self.head = Some(head);
        }
        let changes: Vec<ListChange> = numbered.into_iter().map(|(_, c)| c).collect();
        self.list.apply(&changes);
        self.cursor += changes.len() as i64;
        Ok(())
    }

    /// Saves the whole list and starts a new journal.
    pub fn snapshot(&mut self) -> Result<(), StateError> {
        self.files.write_snapshot(
            &self.list,
            self.cursor,
            self.head.unwrap_or(ChainHead::GENESIS),
        )
    }

    /// Every entry.
    pub fn entries(&self) -> Vec<ListEntry> {
        self.list.entries()
    }

    /// The matches for a query.
    pub fn find(&self, query: &QueryHashes, max_distance: u32) -> Vec<ListMatch> {
        let mut found = Vec::new();
        self.list.find("test", query, max_distance, 0, &mut found);
        found
    }

    /// The feed position held.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// The feed's chain head at the cursor, if the files say it.
    pub fn head(&self) -> Option<ChainHead> {
        self.head
    }
}

/// Reads a page of the feed as the follower does (after its cursor `after`) and applies it
/// to an empty list: the entries it leaves, or why the page was refused.
pub fn apply_feed_page(body: &[u8], after: i64) -> Result<Vec<ListEntry>, String> {
    let page = crate::wire::parse_page(body, after, ChainHead::GENESIS)?;
    let list = SourceList::default();
    let changes: Vec<ListChange> = page.changes.into_iter().map(|(_, c)| c).collect();
    list.apply(&changes);
    Ok(list.entries())
}

/// The outcomes kept on disk, as the matcher opens and sends them.
#[derive(Debug)]
pub struct OutboxFiles(Outbox);

impl OutboxFiles {
    /// Opens the outbox in `dir`, recovering what its files hold.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        Outbox::open(dir).map(OutboxFiles)
    }

    /// Records outcomes, each with its hotline's address.
    pub fn record(&self, reports: &[(OutcomeReport, String)]) -> Result<(), StateError> {
        self.0.record(reports)
    }

    /// Seals what is pending into batches to send.
    pub fn seal(&self) -> Result<(), StateError> {
        self.0.seal()
    }

    /// Every batch waiting to be sent, read from the sealed files as the sender reads them
    /// (a damaged file is set aside), and written back as when none was acknowledged.
    pub fn unsent(&self) -> Result<Vec<FeedbackBatch>, StateError> {
        let mut batches = Vec::new();
        for generation in self.0.sealed_generations()? {
            if let Some(sealed) = self.0.sealed_to_send(generation)? {
                self.0.keep_unsent(generation, &sealed)?;
                batches.extend(sealed.batches.into_iter().map(|sealed| sealed.batch));
            }
        }
        Ok(batches)
    }
}
