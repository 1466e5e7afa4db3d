//! Model-based test of the hash list feed: after any sequence of reports, withdrawals,
//! analyst decisions and false-positive reports, replaying the feed from the beginning
//! gives exactly the entries the database holds as listed, with consecutive numbers, and
//! every listed entry is still named by an open report; and the snapshot of the list is
//! exactly that list, at the feed's last position.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use takeback_hotline::guard::GuardList;
use takeback_hotline::model::{ChangeOp, Decision, FeedbackBatch, FeedbackItem, Reporter};
use takeback_hotline::report::{CheckedHash, CheckedReport};
use takeback_hotline::secrets::{CaseId, CaseSecret, TokenKind};
use takeback_hotline::store::{
    HashVerdict, ListingPolicy, ListingRules, PreparedReport, Principal, Store, StoreError,
};
use takeback_pdq::PdqHash;

const POOL: usize = 6;

#[derive(Debug, Clone)]
enum Op {
    /// A report of these pool hashes (several reports in one group commit when > 1).
    Report(Vec<Vec<usize>>),
    Withdraw(usize),
    Decide(usize, Decision),
    FalsePositive(usize, usize),
    /// The guard list gains this pool hash and is applied to the stored entries.
    Guard(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let hashes = prop::collection::vec(0..POOL, 1..4);
    prop_oneof![
        4 => prop::collection::vec(hashes, 1..3).prop_map(Op::Report),
        2 => (0..20usize).prop_map(Op::Withdraw),
        2 => (0..POOL, prop_oneof![Just(Decision::List), Just(Decision::Reject), Just(Decision::Reinstate)])
            .prop_map(|(h, d)| Op::Decide(h, d)),
        2 => (0..3usize, 0..POOL).prop_map(|(p, h)| Op::FalsePositive(p, h)),
        1 => (0..POOL).prop_map(Op::Guard),
    ]
}

fn hash(n: usize) -> String {
    format!("{:064x}", (n as u128 + 1) * 0x1234_5678_9abc_def1)
}

async fn principal(store: &Store, kind: TokenKind, name: &str) -> Principal {
    let token = store.add_principal(kind, name).await.unwrap();
    store.authenticate(&token).await.unwrap().unwrap()
}

/// The policy without the service-wide brake.
fn unbraked(policy: ListingPolicy) -> ListingRules {
    ListingRules {
        policy,
        new_listings_per_hour: 0,
    }
}

async fn run(ops: Vec<Op>, policy: ListingPolicy) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("feed.db").to_str().unwrap(), 2)
        .await
        .unwrap();
    let analyst = principal(&store, TokenKind::Analyst, "analyst").await;
    let mut partners = Vec::new();
    for name in ["a", "b", "c"] {
        partners.push(principal(&store, TokenKind::Partner, name).await);
    }
    // The guard list so far: exact hashes only (distance 0), as the pool's are contrived.
    let mut guarded = Vec::new();
    let guard_list = |guarded: &Vec<PdqHash>| GuardList::from_pdq(guarded.iter().copied(), 0);
    // Open cases: id, secret digest, hashes.
    let mut cases: Vec<(CaseId, String, Vec<usize>, bool)> = Vec::new();

    for op in ops {
        match op {
            Op::Report(reports) => {
                let prepared: Vec<PreparedReport> = reports
                    .iter()
                    .map(|hashes| {
                        let hashes: BTreeSet<usize> = hashes.iter().copied().collect();
                        PreparedReport {
                            case_id: CaseId::generate().unwrap(),
                            secret_digest: CaseSecret::generate().unwrap().digest(),
                            report: CheckedReport {
                                reporter: Reporter::YoungPerson,
                                hashes: hashes
                                    .iter()
                                    .map(|&n| {
                                        CheckedHash::single(
                                            takeback_hotline::model::Algorithm::Pdq,
                                            hash(n),
                                            Some(90),
                                        )
                                    })
                                    .collect(),
                                urls: vec![],
                            },
                            verdicts: vec![HashVerdict::Clear; hashes.len()],
                        }
                    })
                    .collect();
                store
                    .insert_reports(&prepared, unbraked(policy))
                    .await
                    .unwrap();
                for (p, hashes) in prepared.into_iter().zip(reports) {
                    cases.push((p.case_id, p.secret_digest, hashes, true));
                }
            }
            Op::Withdraw(i) => {
                if let Some(case) = cases.get_mut(i) {
                    assert!(store.withdraw_case(&case.0, &case.1).await.unwrap());
                    case.3 = false;
                }
            }
            Op::Decide(n, decision) => {
                if let Some(id) = entry_id(&store, n).await {
                    // A decision that does not apply is refused; either way the feed must
                    // stay consistent.
                    let _ = store
                        .decide(&analyst, id, decision, None, &guard_list(&guarded))
                        .await;
                }
            }
            Op::FalsePositive(p, n) => {
                if let Some(id) = entry_id(&store, n).await {
                    let batch = FeedbackBatch {
                        batch_id: None,
                        items: vec![FeedbackItem {
                            id,
                            matched: 0,
                            removed: 0,
                            blocked_upload: 0,
                            false_positive: 1,
                        }],
                    };
                    // Entries never sent to partners cannot be named; that is refused.
                    match store.record_feedback(&partners[p], &batch, 2).await {
                        Ok(_) | Err(StoreError::NoSuchEntry(_)) => {}
                        Err(error) => panic!("{error}"),
                    }
                }
            }
            Op::Guard(n) => {
                let added: PdqHash = hash(n).parse().unwrap();
                // Guarded again, it may stay listed: an analyst may have reinstated it.
                let first = !guarded.contains(&added);
                guarded.push(added);
                store
                    .apply_guard_list(&GuardList::from_pdq([added], 0))
                    .await
                    .unwrap();
                let listed = store.listed_entries().await.unwrap();
                assert!(
                    !first || listed.iter().all(|(_, _, value, _)| *value != hash(n)),
                    "a fingerprint the guard list gained is still listed"
                );
            }
        }
        check(&store, &cases).await;
    }
}

async fn entry_id(store: &Store, n: usize) -> Option<i64> {
    let changes = store.list_changes(0, 1_000_000).await.unwrap();
    if let Some(change) = changes.iter().find(|c| c.value == hash(n)) {
        return Some(change.id);
    }
    // Not yet in the feed (held, or guarded): find it through the analyst queue.
    store
        .queue(&[takeback_hotline::model::EntryState::Held], 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|entry| entry.value == hash(n))
        .map(|entry| entry.id)
}

async fn check(store: &Store, cases: &[(CaseId, String, Vec<usize>, bool)]) {
    let changes = store.list_changes(0, 1_000_000).await.unwrap();
    let mut replayed = BTreeMap::new();
    for (i, change) in changes.iter().enumerate() {
        assert_eq!(change.seq, i as i64 + 1, "feed numbers are consecutive");
        match change.op {
            ChangeOp::Add => {
                replayed.insert(change.id, (change.value.clone(), change.verified));
            }
            ChangeOp::Remove => {
                assert!(
                    replayed.remove(&change.id).is_some(),
                    "removed an absent entry"
                );
            }
        }
    }
    let listed: BTreeMap<i64, (String, bool)> = store
        .listed_entries()
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _, value, verified)| (id, (value, verified)))
        .collect();
    assert_eq!(replayed, listed, "the feed replays to the listed entries");
    let open: BTreeSet<String> = cases
        .iter()
        .filter(|case| case.3)
        .flat_map(|case| case.2.iter().map(|&n| hash(n)))
        .collect();
    for (value, _) in listed.values() {
        assert!(open.contains(value), "a listed entry no open report names");
    }
    snapshot_is_the_replayed_feed(store, &replayed, changes.len() as i64).await;
}

/// The snapshot (`GET /api/v1/hashlist/snapshot`'s body) holds exactly the list the feed
/// replays to, at the feed's last position, signed.
async fn snapshot_is_the_replayed_feed(
    store: &Store,
    replayed: &BTreeMap<i64, (String, bool)>,
    last_seq: i64,
) {
    let key = takeback_wire::chain::FeedSigningKey::from_seed([4; 32]);
    let (sender, mut receiver) = tokio::sync::mpsc::channel(4);
    let mut kept = tempfile::tempfile().unwrap();
    let write = async {
        // The sender goes with the writer, so that the reader sees the end when it is done.
        let sender = sender;
        store.write_snapshot(&key, &sender, Some(&mut kept)).await
    };
    let (written, bytes) = tokio::join!(write, async {
        let mut bytes = Vec::new();
        while let Some(chunk) = receiver.recv().await {
            bytes.extend(chunk.unwrap());
        }
        bytes
    });
    let written = written.unwrap().expect("read to the end");
    // The copy kept is the entries' bytes, between the header and the trailer, and the
    // digest kept signs to the same trailer.
    assert!(written.kept);
    let mut copy = Vec::new();
    std::io::Seek::rewind(&mut kept).unwrap();
    std::io::Read::read_to_end(&mut kept, &mut copy).unwrap();
    let header_length = written.header.encode().len();
    assert_eq!(copy, bytes[header_length..bytes.len() - 64]);
    assert_eq!(
        takeback_wire::snapshot::sign_entries(&written.header, &written.entries_digest, &key),
        bytes[bytes.len() - 64..]
    );
    let mut reader = takeback_wire::snapshot::SnapshotReader::open(bytes.as_slice()).unwrap();
    let mut held = BTreeMap::new();
    while let Some(entry) = reader.next_entry().unwrap() {
        held.insert(entry.id, (entry.hash.to_hex(), entry.verified));
    }
    let signed = reader.finish().unwrap();
    signed
        .verify(&takeback_wire::chain::FeedSigningKey::from_seed([4; 32]).public_key())
        .unwrap();
    assert_eq!(
        &held, replayed,
        "the snapshot is the list the feed replays to"
    );
    assert_eq!(signed.header.seq, last_seq);
    assert_eq!(signed.header.size, replayed.len() as i64);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_feed_replays_to_the_list(
        ops in prop::collection::vec(op(), 1..25),
        hold in any::<bool>(),
    ) {
        let policy = if hold { ListingPolicy::HoldForAnalyst } else { ListingPolicy::PublishUnverified };
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(run(ops, policy));
    }
}

/// One group commit larger than a multi-row statement holds: every row still arrives.
#[test]
fn a_large_batch_is_written_whole() {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::connect(dir.path().join("big.db").to_str().unwrap(), 2)
                .await
                .unwrap();
            let reports: Vec<PreparedReport> = (0..300)
                .map(|i| PreparedReport {
                    case_id: CaseId::generate().unwrap(),
                    secret_digest: CaseSecret::generate().unwrap().digest(),
                    report: CheckedReport {
                        reporter: Reporter::TrustedAdult,
                        hashes: (0..2)
                            .map(|k| {
                                CheckedHash::single(
                                    takeback_hotline::model::Algorithm::Sha256,
                                    hash(1000 + 2 * i + k),
                                    None,
                                )
                            })
                            .collect(),
                        urls: vec![
                            format!("https://example.com/{i}"),
                            format!("https://example.org/{i}"),
                        ],
                    },
                    verdicts: vec![HashVerdict::Clear; 2],
                })
                .collect();
            store
                .insert_reports(&reports, unbraked(ListingPolicy::PublishUnverified))
                .await
                .unwrap();
            assert_eq!(store.listed_entries().await.unwrap().len(), 600);
            let changes = store.list_changes(0, 10_000).await.unwrap();
            assert_eq!(changes.len(), 600);
            assert!(
                changes
                    .iter()
                    .enumerate()
                    .all(|(i, c)| c.seq == i as i64 + 1)
            );
            assert_eq!(
                store.takedown_items(None, 0, 1000).await.unwrap().len(),
                600
            );
            let last = &reports[299];
            let status = store
                .case_status(&last.case_id, &last.secret_digest)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((status.hashes.len(), status.urls.len()), (2, 2));
        });
}
