//! Our own logs: JSON lines (or text) on stderr, filtered by `RUST_LOG` or `log.level`.
//!
//! Log events carry ids, counts, offsets and reasons, never payload bytes: logs travel to
//! the same places the scrubbed data does, and nobody audits them for PHI.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. Safe to call once per process; later calls are no-ops.
pub fn init(level: &str, json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let result = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    } else {
        builder.try_init()
    };
    // A second init (e.g. in tests) keeps the first subscriber; nothing else to do.
    drop(result);
}
