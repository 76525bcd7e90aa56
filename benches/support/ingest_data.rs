//! Deterministic, synthetic Firehose traffic shared by `benches/ingest.rs` and
//! `examples/loadgen.rs`: CloudWatch Logs subscription payloads (gzip level 6, as
//! CloudWatch sends them) of typical service log lines, ~2% of them carrying synthetic PHI.

use std::io::Write;

use base64::Engine as _;

/// A tiny xorshift generator (deterministic, no dependency).
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// Next value.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ROUTES: [&str; 6] = [
    "/api/v1/appointments",
    "/api/v1/claims/status",
    "/healthz",
    "/api/v1/encounters",
    "/api/v1/providers/search",
    "/metrics",
];

/// One log line: JSON access logs, plain text lines, some with synthetic PHI.
pub fn log_line(rng: &mut Rng) -> String {
    let n = rng.below(100);
    let route = ROUTES[rng.below(ROUTES.len() as u64) as usize];
    let ms = rng.below(900) + 3;
    let id = rng.next();
    match n {
        0 => format!(
            "{{\"level\":\"warn\",\"msg\":\"patient lookup\",\"ssn\":\"{:03}-{:02}-{:04}\",\"route\":\"{route}\"}}",
            rng.below(899) + 100,
            rng.below(99) + 1,
            rng.below(9999) + 1
        ),
        1 => format!(
            "INFO callback requested phone=(555) {:03}-{:04} req={id:x}",
            rng.below(900) + 100,
            rng.below(10000)
        ),
        2..=55 => format!(
            "{{\"time\":\"2026-11-23T16:{:02}:{:02}.{:03}Z\",\"level\":\"info\",\"method\":\"GET\",\"route\":\"{route}\",\"status\":200,\"duration_ms\":{ms},\"request_id\":\"{id:016x}\",\"user_agent\":\"okhttp/4.12.0\"}}",
            rng.below(60),
            rng.below(60),
            rng.below(1000)
        ),
        _ => format!(
            "2026-11-23T16:00:00Z INFO [worker-{}] processed batch id={id:016x} items={} in {ms}ms route={route}",
            rng.below(16),
            rng.below(500)
        ),
    }
}

/// A gzip CloudWatch Logs DATA_MESSAGE with `events` log events.
pub fn cloudwatch_record(rng: &mut Rng, events: usize) -> Vec<u8> {
    let log_events: Vec<_> = (0..events)
        .map(|i| {
            serde_json::json!({
                "id": format!("{:056}", rng.next() as u128 * 1_000 + i as u128),
                "timestamp": 1_763_900_000_000_i64 + i as i64,
                "message": log_line(rng),
            })
        })
        .collect();
    let json = serde_json::to_vec(&serde_json::json!({
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/ecs/patient-api",
        "logStream": "ecs/patient-api/4f1c6d0e",
        "subscriptionFilters": ["to-phiscrub"],
        "logEvents": log_events,
    }))
    .expect("json");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(&json).expect("gzip");
    enc.finish().expect("gzip")
}

/// A Firehose HTTP endpoint request body of about `target_bytes`, with records of
/// `events_per_record` log events; returns the body and the number of log events.
pub fn firehose_request(
    rng: &mut Rng,
    request_id: &str,
    target_bytes: usize,
    events_per_record: usize,
) -> (Vec<u8>, usize) {
    let mut records = Vec::new();
    let mut size = 0;
    let mut events = 0;
    while size < target_bytes {
        let data = base64::engine::general_purpose::STANDARD
            .encode(cloudwatch_record(rng, events_per_record));
        size += data.len() + 12;
        events += events_per_record;
        records.push(serde_json::json!({ "data": data }));
    }
    let body = serde_json::to_vec(&serde_json::json!({
        "requestId": request_id,
        "timestamp": 1_763_900_000_000_i64,
        "records": records,
    }))
    .expect("json");
    (body, events)
}
