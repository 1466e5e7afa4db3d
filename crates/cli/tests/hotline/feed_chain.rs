//! The feed's hash chain and signed checkpoints (issue 19), as a partner sees them: every
//! page carries a checkpoint signed by the key `GET /api/v1/keys` publishes, whose head is
//! what the changes up to it chain to and whose size is the list's; changes written before
//! the chain existed are chained when the server starts, to the same heads.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeMap;
use takeback_wire::chain::{ChainHead, Checkpoint, FeedPublicKey, PublishedKeys};
use takeback_wire::feed::{ChangeOp, HashListPage};
use takeback_wire::snapshot::SnapshotReader;

/// The hotline's one published key.
fn published_key(server: &Server) -> FeedPublicKey {
    let (status, keys) = server.get("/api/v1/keys", None);
    assert_eq!(status, 200, "{keys}");
    let keys = keys["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["algorithm"], "ed25519");
    keys[0]["public_key"].as_str().unwrap().parse().unwrap()
}

/// Follows the feed from the start in pages of `page`, checking each page's checkpoint
/// against the chain recomputed so far; returns every checkpoint.
fn follow_checked(
    server: &Server,
    key: &str,
    public: &FeedPublicKey,
    page: usize,
) -> Vec<Checkpoint> {
    let mut head = ChainHead::GENESIS;
    let mut list = BTreeMap::new();
    let mut cursor = 0;
    let mut checkpoints = Vec::new();
    loop {
        let (status, body) = server.get(
            &format!("/api/v1/hashlist?after={cursor}&limit={page}"),
            Some(key),
        );
        assert_eq!(status, 200, "{body}");
        let page: HashListPage = serde_json::from_value(body).unwrap();
        for change in &page.changes {
            head = head.extend(change);
            match change.op {
                ChangeOp::Add => list.insert(change.id, ()),
                ChangeOp::Remove => list.remove(&change.id),
            };
        }
        let checkpoint = page.checkpoint.expect("every page carries a checkpoint");
        checkpoint.verify(public).unwrap();
        assert_eq!(checkpoint.seq, page.next);
        assert_eq!(checkpoint.head, head, "the chain up to {}", page.next);
        assert_eq!(
            checkpoint.size,
            list.len() as i64,
            "the size at {}",
            page.next
        );
        checkpoints.push(checkpoint);
        if page.changes.is_empty() {
            return checkpoints;
        }
        cursor = page.next;
    }
}

#[test]
fn every_page_carries_a_checkpoint_that_the_chain_recomputes_to() {
    for db in Database::all() {
        let server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let public = published_key(&server);
        // An empty list: the genesis head, signed.
        let empty = follow_checked(&server, &key, &public, 3);
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].head, ChainHead::GENESIS);

        let (case, secret) = server.report(&report_of(&[pdq(1), pdq(2), pdq(3)], &[]));
        server.report(&report_of(&[pdq(4), pdq(2)], &[]));
        withdraw_at(&server.base, &case, &secret);
        let checkpoints = follow_checked(&server, &key, &public, 2);
        let last = checkpoints.last().unwrap();
        // 1 and 3 went with the withdrawn case; 2 and 4 stay.
        assert_eq!(last.size, 2);
        // Four entries added, two removed.
        assert_eq!(last.seq, 6);
        assert_eq!(server.replay_list(&key, 100).len(), 2);

        // A signature over other figures does not verify.
        let mut forged = last.clone();
        forged.size += 1;
        assert!(forged.verify(&public).is_err());
    }
}

#[test]
fn changes_from_before_the_chain_are_chained_at_start_to_the_same_heads() {
    let db = Database::sqlite();
    let mut server = Server::start(&db, &[]);
    let key = add("partner", "P", &db);
    let public = published_key(&server);
    let (case, secret) = server.report(&report_of(&[pdq(5), pdq(6)], &[]));
    server.report(&report_of(&[pdq(7)], &[]));
    withdraw_at(&server.base, &case, &secret);
    let before = follow_checked(&server, &key, &public, 1);
    server.kill();
    // As a database written before migration 0017 looks.
    rows(&db.url, "UPDATE list_changes SET chain = NULL, size = NULL");
    rows(&db.url, "UPDATE sequences SET head = NULL, size = NULL");
    server.restart();
    assert_eq!(published_key(&server), public, "the key is kept");
    let after = follow_checked(&server, &key, &public, 1);
    let heads = |checkpoints: &[Checkpoint]| -> Vec<(i64, ChainHead, i64)> {
        checkpoints
            .iter()
            .map(|c| (c.seq, c.head, c.size))
            .collect()
    };
    assert_eq!(heads(&before), heads(&after));
    // Changes put in after the chain's last link (by hand, or by an older process) are
    // chained on from it.
    server.kill();
    rows(
        &db.url,
        "UPDATE list_changes SET chain = NULL, size = NULL WHERE seq >= 3",
    );
    server.restart();
    assert_eq!(
        heads(&before),
        heads(&follow_checked(&server, &key, &public, 1))
    );
    // And new changes extend it.
    server.report(&report_of(&[pdq(8)], &[]));
    let extended = follow_checked(&server, &key, &public, 2);
    assert_eq!(extended.last().unwrap().size, 2);
    let stored: Vec<Vec<String>> = rows(
        &db.url,
        "SELECT CAST(COUNT(*) AS TEXT) FROM list_changes WHERE chain IS NULL",
    );
    assert_eq!(stored, vec![vec!["0".to_owned()]]);
}

#[test]
fn the_keys_are_public_and_the_openapi_document_lists_them() {
    let db = Database::sqlite();
    let server = Server::start(&db, &[]);
    // No token needed: a public key is for anyone to check checkpoints with.
    let key = published_key(&server);
    assert_eq!(key.to_string().len(), 44);
    let (status, spec): (u16, Value) = server.get("/api/v1/openapi.json", None);
    assert_eq!(status, 200);
    assert!(spec["paths"]["/api/v1/keys"].is_object());
    assert!(
        spec["components"]["schemas"]["Checkpoint"].is_object(),
        "{}",
        spec["components"]
    );
}

#[test]
fn a_rotated_key_is_announced_by_the_old_one_and_signs_after_a_restart() {
    for db in Database::all() {
        let mut server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let old = published_key(&server);
        server.report(&report_of(&[pdq(11)], &[]));
        let rotate = |database: &str| {
            let output = takeback()
                .args(["partner", "rotate-key", "--database", database])
                .output()
                .unwrap();
            assert!(output.status.success(), "{output:?}");
            String::from_utf8(output.stdout).unwrap().trim().to_owned()
        };
        let new_text = rotate(&db.url);
        let new: FeedPublicKey = new_text.parse().unwrap();
        let (status, keys) = server.get("/api/v1/keys", None);
        assert_eq!(status, 200);
        let keys: PublishedKeys = serde_json::from_value(keys).unwrap();
        assert_eq!(keys.keys.len(), 2);
        // Newest first: the new key, announced by the old, which is retired.
        assert_eq!(keys.keys[0].endorsed(&old), Ok(new.clone()));
        assert!(keys.keys[0].retired_at.is_none());
        assert_eq!(keys.keys[1].public_key, old.to_string());
        assert!(keys.keys[1].retired_at.is_some());
        assert!(keys.keys[1].endorsed_by.is_none());
        // A stranger's announcement of the same key does not verify.
        let stranger = takeback_wire::chain::FeedSigningKey::from_seed([9; 32]);
        assert!(keys.keys[0].endorsed(&stranger.public_key()).is_err());

        // A running server signs with the key it started with until restarted.
        let checkpoint = follow_checked(&server, &key, &old, 5);
        assert_eq!(checkpoint.last().unwrap().key_id, old.to_string());
        server.restart();
        assert_eq!(server.public_key(), new_text);
        let after = follow_checked(&server, &key, &new, 5);
        assert_eq!(after.last().unwrap().seq, 1);
        // The rotation is in the audit log, naming both keys.
        let audit = rows(
            &db.url,
            "SELECT actor, detail FROM audit_log WHERE action = 'signing_key_rotated'",
        );
        assert_eq!(audit.len(), 1, "{audit:?}");
        assert_eq!(audit[0][0], "command line");
        assert!(audit[0][1].contains(&new_text) && audit[0][1].contains(&old.to_string()));
    }
}

/// `GET /api/v1/hashlist/snapshot` with `token`: status, body, content type.
fn fetch_snapshot(server: &Server, token: Option<&str>) -> (u16, Vec<u8>, String) {
    let mut request = ureq::get(server.url("/api/v1/hashlist/snapshot"))
        .config()
        .http_status_as_error(false)
        .build();
    if let Some(token) = token {
        request = request.header("authorization", &format!("Bearer {token}"));
    }
    let mut response = request.call().unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    (status, body, content_type)
}

/// The bytes with one bit of the middle one flipped.
fn middle_byte_flipped(bytes: &[u8]) -> Vec<u8> {
    let mut altered = bytes.to_vec();
    altered[bytes.len() / 2] ^= 1;
    altered
}

/// Whether the bytes read as a snapshot whose trailer verifies under `key`.
fn verifies(bytes: &[u8], key: &FeedPublicKey) -> bool {
    SnapshotReader::open(bytes)
        .and_then(SnapshotReader::finish)
        .is_ok_and(|signed| signed.verify(key).is_ok())
}

/// A snapshot's entries as `replay_list` gives the feed's, and the checked trailer.
fn read_snapshot(
    bytes: &[u8],
) -> (
    BTreeMap<i64, (String, String, bool)>,
    takeback_wire::snapshot::SignedSnapshot,
) {
    let mut reader = SnapshotReader::open(bytes).unwrap();
    let mut list = BTreeMap::new();
    while let Some(entry) = reader.next_entry().unwrap() {
        list.insert(
            entry.id,
            (
                entry.algorithm.as_str().to_owned(),
                entry.hash.to_hex(),
                entry.verified,
            ),
        );
    }
    (list, reader.finish().unwrap())
}

#[test]
fn the_snapshot_is_the_list_the_feed_gives_signed_at_its_position() {
    for db in Database::all() {
        // Each snapshot read from the database (the copy kept is another test's).
        let server = Server::start(&db, &["--snapshot-reuse-seconds", "0"]);
        let key = add("partner", "P", &db);
        let public = published_key(&server);
        let (status, body, content_type) = fetch_snapshot(&server, Some(&key));
        assert_eq!(status, 200);
        assert_eq!(content_type, "application/vnd.takeback.snapshot");
        let (empty, signed) = read_snapshot(&body);
        assert!(empty.is_empty());
        assert_eq!(
            (signed.header.seq, signed.header.head, signed.header.size),
            (0, ChainHead::GENESIS, 0)
        );
        signed.verify(&public).unwrap();

        // Pictures, a file's MD5, a video; then a withdrawal takes some off again.
        let frames: Vec<Value> = (0..3)
            .map(|i| serde_json::json!({"timestamp": i as f64 + 0.5, "value": pdq(900 + i), "quality": 90}))
            .collect();
        let mut first = report_of(&[pdq(21), pdq(22)], &[]);
        first["hashes"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"algorithm": "vpdq", "frames": frames}));
        server.report(&first);
        let mut second = report_of(&[pdq(23)], &[]);
        second["hashes"].as_array_mut().unwrap().push(
            serde_json::json!({"algorithm": "md5", "value": "9e107d9d372bb6826bd81d3542a419d6"}),
        );
        let (case, secret) = server.report(&second);
        server.report(&report_of(&[pdq(24)], &[]));
        withdraw_at(&server.base, &case, &secret);

        let (status, body, _) = fetch_snapshot(&server, Some(&key));
        assert_eq!(status, 200);
        let (list, signed) = read_snapshot(&body);
        signed.verify(&public).unwrap();
        assert_eq!(list, server.replay_list(&key, 1000));
        assert_eq!(list.len(), 4, "{list:?}");
        assert!(list.values().any(|(algorithm, _, _)| algorithm == "vpdq"));
        // At the feed's position, with the head and size its checkpoint there signs.
        let checkpoints = follow_checked(&server, &key, &public, 1000);
        let last = checkpoints.last().unwrap();
        assert_eq!(
            (signed.header.seq, signed.header.head, signed.header.size),
            (last.seq, last.head, last.size)
        );
        // Another key's check fails; so does a byte changed anywhere.
        let stranger = takeback_wire::chain::FeedSigningKey::from_seed([9; 32]);
        assert!(signed.verify(&stranger.public_key()).is_err());
        let altered = middle_byte_flipped(&body);
        assert!(!verifies(&altered, &public));

        // `takeback verify` says the same of the saved file.
        let saved = db.dir.path().join("list.snapshot");
        let verify = |bytes: &[u8], key: &str| {
            std::fs::write(&saved, bytes).unwrap();
            takeback()
                .arg("verify")
                .arg(&saved)
                .args(["--public-key", key])
                .output()
                .unwrap()
        };
        let good = verify(&body, &public.to_string());
        assert!(good.status.success(), "{good:?}");
        let printed = String::from_utf8_lossy(&good.stdout);
        assert!(
            printed.contains(&format!("position\t{}", last.seq)),
            "{printed}"
        );
        assert!(
            printed.contains(&format!("entries\t{}", last.size)),
            "{printed}"
        );
        for (bytes, key, says) in [
            (&altered[..], public.to_string(), "does NOT verify"),
            (
                &body[..body.len() - 10],
                public.to_string(),
                "does NOT verify",
            ),
            (
                &body[..],
                stranger.public_key().to_string(),
                "not the expected",
            ),
        ] {
            let refused = verify(bytes, &key);
            assert_eq!(refused.status.code(), Some(1), "{refused:?}");
            let stderr = String::from_utf8_lossy(&refused.stderr);
            assert!(stderr.contains(says), "{stderr}");
        }
        let unreadable = verify(&body, "not-a-key");
        assert_eq!(unreadable.status.code(), Some(2));
        // A snapshot of the first format (its digest took in the header) is named as such.
        let mut first_format = body.clone();
        first_format[..8].copy_from_slice(b"TBSNAP01");
        let older = verify(&first_format, &public.to_string());
        assert_eq!(older.status.code(), Some(1), "{older:?}");
        let stderr = String::from_utf8_lossy(&older.stderr);
        assert!(stderr.contains("an older hotline's snapshot"), "{stderr}");

        // Partners only.
        assert_eq!(fetch_snapshot(&server, None).0, 401);
        let analyst = add("analyst", "A", &db);
        assert_eq!(fetch_snapshot(&server, Some(&analyst)).0, 403);
    }
}

#[test]
fn a_recent_snapshot_is_sent_again_signed_afresh_and_the_feed_brings_it_up_to_date() {
    for db in Database::all() {
        let mut server = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        let public = published_key(&server);
        server.report(&report_of(&[pdq(31), pdq(32)], &[]));
        let (status, first, _) = fetch_snapshot(&server, Some(&key));
        assert_eq!(status, 200);
        let (first_list, first_signed) = read_snapshot(&first);
        first_signed.verify(&public).unwrap();
        assert_eq!(first_list.len(), 2);

        // The list changes; the next partner within snapshot_reuse_seconds gets the same
        // entries at the same position, signed at its own time, and the feed from there
        // gives the list as it is now.
        let (case, secret) = server.report(&report_of(&[pdq(33)], &[]));
        withdraw_at(&server.base, &case, &secret);
        server.report(&report_of(&[pdq(34)], &[]));
        std::thread::sleep(std::time::Duration::from_millis(5));
        let (status, again, _) = fetch_snapshot(&server, Some(&key));
        assert_eq!(status, 200);
        let (again_list, again_signed) = read_snapshot(&again);
        again_signed.verify(&public).unwrap();
        assert_eq!(again_list, first_list);
        assert_eq!(
            (
                again_signed.header.seq,
                again_signed.header.head,
                again_signed.header.size
            ),
            (
                first_signed.header.seq,
                first_signed.header.head,
                first_signed.header.size
            )
        );
        assert!(again_signed.header.time > first_signed.header.time);
        let now = server.replay_list(&key, 1000);
        assert_eq!(now.len(), 3);
        assert_eq!(
            server.replay_from(&key, 1000, again_list, again_signed.header.seq),
            now
        );
        // A byte of the copy changed is still caught.
        assert!(!verifies(&middle_byte_flipped(&again), &public));

        // A hotline started again has no copy: the list is read again.
        server.restart();
        let (_, fresh, _) = fetch_snapshot(&server, Some(&key));
        let (fresh_list, fresh_signed) = read_snapshot(&fresh);
        fresh_signed.verify(&public).unwrap();
        assert_eq!(fresh_list, now);
        assert!(fresh_signed.header.seq > first_signed.header.seq);
    }
}

#[test]
fn a_snapshot_is_sent_when_no_copy_of_it_can_be_kept() {
    for db in Database::all() {
        // No temporary directory to keep a copy in.
        let missing = db.dir.path().join("no-such-directory");
        let server = Server::start_with_env(&db, &[], &[("TMPDIR", missing.to_str().unwrap())]);
        let key = add("partner", "P", &db);
        let public = published_key(&server);
        server.report(&report_of(&[pdq(41)], &[]));
        let (status, first, _) = fetch_snapshot(&server, Some(&key));
        assert_eq!(status, 200);
        let (first_list, signed) = read_snapshot(&first);
        signed.verify(&public).unwrap();
        assert_eq!(first_list.len(), 1);
        // With nothing kept, the next partner gets the list as it is now.
        server.report(&report_of(&[pdq(42)], &[]));
        let (status, again, _) = fetch_snapshot(&server, Some(&key));
        assert_eq!(status, 200);
        let (again_list, again_signed) = read_snapshot(&again);
        again_signed.verify(&public).unwrap();
        assert_eq!(again_list, server.replay_list(&key, 1000));
        assert_eq!(again_list.len(), 2);
        assert!(
            server
                .logs()
                .contains("cannot make a file to keep a copy of the snapshot in"),
            "{}",
            server.logs()
        );
    }
}

/// Makes an Ed25519 key file with OpenSSL, as an operator would; returns its path and the
/// public key as `GET /api/v1/keys` gives it.
fn openssl_key(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, String) {
    let path = dir.join(name);
    let made = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&path)
        .output()
        .expect("openssl is installed (Debian's openssl package)");
    assert!(made.status.success(), "{made:?}");
    // The DER public key ends with the 32 raw bytes.
    let public = std::process::Command::new("sh")
        .arg("-c")
        .arg("openssl pkey -pubout -outform DER -in \"$0\" | tail -c 32 | base64")
        .arg(&path)
        .output()
        .unwrap();
    assert!(public.status.success(), "{public:?}");
    (
        path,
        String::from_utf8(public.stdout).unwrap().trim().to_owned(),
    )
}

/// Runs `takeback serve` that must refuse to start; returns its stderr.
fn serve_refuses(db: &Database, args: &[&str]) -> String {
    let log = db.dir.path().join("refused.log");
    let _ = std::fs::remove_file(&log);
    let mut command = takeback();
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &db.url])
        .args(args)
        .env_remove("TAKEBACK_DATABASE_URL")
        .env_remove("TAKEBACK_CONFIG")
        .env_remove("TAKEBACK_SIGNING_KEY_FILE");
    let mut child = spawn_logged(command, &log);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("takeback serve {args:?} started when it should have refused");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(!status.success());
    std::fs::read_to_string(&log).unwrap()
}

#[test]
fn a_signing_key_file_signs_without_its_secret_in_the_database() {
    for db in Database::all() {
        let dir = db.dir.path();
        // A hotline that made its own key, and then is given one in a file.
        let first = Server::start(&db, &[]);
        let key = add("partner", "P", &db);
        first.report(&report_of(&[pdq(61)], &[]));
        let made: FeedPublicKey = published_key(&first);
        drop(first);
        let (file, public) = openssl_key(dir, "signing.pem");
        let file_arg = file.display().to_string();
        let server = Server::start(&db, &["--signing-key-file", &file_arg]);
        let (_, keys) = server.get("/api/v1/keys", None);
        let keys: PublishedKeys = serde_json::from_value(keys).unwrap();
        assert_eq!(keys.keys.len(), 2);
        // Announced by the key made before, which retires.
        let adopted = keys.keys[0]
            .endorsed(&made)
            .expect("announced by the old key");
        assert_eq!(adopted.to_string(), public);
        assert!(keys.keys[1].retired_at.is_some());
        let checkpoints = follow_checked(&server, &key, &adopted, 5);
        assert_eq!(checkpoints.last().unwrap().key_id, public);
        // Its secret is not in the database.
        let stored = rows(
            &db.url,
            &format!("SELECT seed FROM signing_keys WHERE public_key = '{public}'"),
        );
        assert_eq!(stored, [[""]]);
        let audit = rows(
            &db.url,
            "SELECT detail FROM audit_log WHERE action = 'signing_key_configured'",
        );
        assert!(audit[0][0].contains(&public), "{audit:?}");
        drop(server);

        // Without the file, nothing can sign: said, at start and by the commands.
        let refused = serve_refuses(&db, &[]);
        assert!(refused.contains("signing_key_file"), "{refused}");
        let export = |extra: &[&str]| {
            takeback()
                .args(["partner", "export", "--format", "jsonl", "--output"])
                .arg(dir.join("list.jsonl"))
                .args(["--database", &db.url])
                .args(extra)
                .env_remove("TAKEBACK_SIGNING_KEY_FILE")
                .output()
                .unwrap()
        };
        let without = export(&[]);
        assert_eq!(without.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&without.stderr).contains("signing_key_file"));
        let with = export(&["--signing-key-file", &file_arg]);
        assert!(with.status.success(), "{with:?}");
        let verified = takeback()
            .arg("verify")
            .arg(dir.join("list.jsonl"))
            .args(["--public-key", &public])
            .output()
            .unwrap();
        assert!(verified.status.success(), "{verified:?}");
        let rotate = takeback()
            .args(["partner", "rotate-key", "--database", &db.url])
            .output()
            .unwrap();
        assert_eq!(rotate.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&rotate.stderr).contains("kept in a file"));
        let listed = takeback()
            .args(["partner", "keys", "--database", &db.url])
            .output()
            .unwrap();
        assert!(listed.status.success(), "{listed:?}");
        assert!(String::from_utf8_lossy(&listed.stdout).contains(&public));

        // Another file takes over, unannounced (the old secret is not at hand); the old
        // one, retired, is refused; so are a missing and a malformed file.
        let (second, second_public) = openssl_key(dir, "second.pem");
        let server = Server::start(&db, &["--signing-key-file", &second.display().to_string()]);
        assert_eq!(server.public_key(), second_public);
        let (_, keys) = server.get("/api/v1/keys", None);
        assert!(keys["keys"][0].get("endorsed_by").is_none(), "{keys}");
        drop(server);
        let retired = serve_refuses(&db, &["--signing-key-file", &file_arg]);
        assert!(retired.contains("retired"), "{retired}");
        let missing = serve_refuses(&db, &["--signing-key-file", "/no/such/key.pem"]);
        assert!(missing.contains("/no/such/key.pem"), "{missing}");
        let garbage = dir.join("garbage.pem");
        std::fs::write(&garbage, "not a key").unwrap();
        let malformed = serve_refuses(&db, &["--signing-key-file", &garbage.display().to_string()]);
        assert!(malformed.contains("PKCS#8"), "{malformed}");
    }
}
