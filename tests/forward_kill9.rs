//! `kill -9` while events are being committed: every event whose push returned (the
//! moment a source would answer its upstream 200) must be in the queue after a restart.
//!
//! This runs at the queue level: a child process (this test binary, re-executed into the
//! ignored helper test below) pushes batches into a disk queue and reports each commit on
//! stdout; the parent SIGKILLs it mid-stream, reopens the queue and checks. The daemon-
//! level variant (Firehose requests into `phiscrub serve`) needs the Firehose source,
//! which lands on another branch; this test covers the durability the daemon relies on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use phiscrub::event::{Event, EventMeta};
use phiscrub::queue::{DiskQueue, FsyncPolicy, Queue};

const QUEUE_ENV: &str = "PHISCRUB_KILL9_QUEUE";
const START_ENV: &str = "PHISCRUB_KILL9_START";
const BATCH: usize = 100;

fn event(n: usize) -> Event {
    Event::new(
        format!("{n:08} {}", "x".repeat(1000)),
        EventMeta {
            source: "firehose".into(),
            log_stream: Some("s".into()),
            ..EventMeta::default()
        },
    )
}

#[test]
#[ignore = "helper process for queue_keeps_every_committed_event_across_kill_9"]
fn child_pushes_until_killed() {
    let Ok(path) = std::env::var(QUEUE_ENV) else {
        return;
    };
    let start: usize = std::env::var(START_ENV).unwrap().parse().unwrap();
    let queue = DiskQueue::open(Path::new(&path), 1 << 30, FsyncPolicy::PerRequest).unwrap();
    println!("ready");
    for round in 0.. {
        let first = start + round * BATCH;
        let batch: Vec<Event> = (first..first + BATCH).map(event).collect();
        queue.push(&batch).unwrap();
        println!("committed {}", first + BATCH);
    }
}

fn stored(path: &Path) -> Vec<usize> {
    let queue = DiskQueue::open(path, 1 << 30, FsyncPolicy::PerRequest).unwrap();
    let batch = queue.peek(usize::MAX, usize::MAX).unwrap();
    assert!(batch.corrupt.is_empty(), "corrupt records after kill -9");
    batch
        .events
        .iter()
        .map(|e| {
            std::str::from_utf8(&e.event.message[..8])
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn queue_keeps_every_committed_event_across_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("siem.redb");
    let mut acknowledged = 0;
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_pushes_until_killed",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(QUEUE_ENV, &path)
            .env(START_ENV, acknowledged.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut last_commit = acknowledged;
        let mut commits = 0;
        while let Some(Ok(line)) = lines.next() {
            if let Some(n) = line.strip_prefix("committed ") {
                last_commit = n.parse().unwrap();
                commits += 1;
                if commits == 20 + round * 7 {
                    child.kill().unwrap(); // SIGKILL
                    break;
                }
            }
        }
        child.wait().unwrap();
        let stored = stored(&path);
        // Every acknowledged event is there, once, in order; a push that committed after
        // its line was read may add one more batch.
        assert!(
            stored.len() >= last_commit,
            "round {round}: lost events: {} < {last_commit}",
            stored.len()
        );
        assert_eq!(
            stored,
            (0..stored.len()).collect::<Vec<_>>(),
            "round {round}: order or duplicates"
        );
        acknowledged = stored.len();
    }
    assert!(acknowledged >= 3 * 20 * BATCH);
}
