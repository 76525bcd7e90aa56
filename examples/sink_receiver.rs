//! A minimal HTTP receiver standing in for a SIEM in end-to-end benchmarks: it answers
//! every POST with 200 at once and counts requests and body bytes (as sent, e.g. gzip),
//! so the `http` sink's throughput can be measured without a real collector.
//!
//! ```text
//! cargo run --release --example sink_receiver -- 127.0.0.1:9999
//! # point an `http` sink at http://127.0.0.1:9999/ingest; GET /stats prints the counters
//! ```
//!
//! The body is read (so the sender pays for the transfer) and dropped; nothing is logged.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    bytes: AtomicU64,
}

async fn receive(State(counters): State<Arc<Counters>>, body: Body) -> StatusCode {
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            counters.requests.fetch_add(1, Ordering::Relaxed);
            counters
                .bytes
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

async fn stats(State(counters): State<Arc<Counters>>) -> String {
    format!(
        "requests {}\nbytes {}\n",
        counters.requests.load(Ordering::Relaxed),
        counters.bytes.load(Ordering::Relaxed)
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9999".into());
    let counters = Arc::new(Counters::default());
    let app = Router::new()
        .route("/stats", get(stats))
        .fallback(post(receive))
        .with_state(counters);
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!(
        "sink_receiver listening on {}",
        listener.local_addr().unwrap()
    );
    axum::serve(listener, app).await.expect("serve");
}
