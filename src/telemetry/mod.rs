//! Observability for operators: Prometheus metrics on our own registry, and our own
//! structured logs. Neither ever carries payload bytes.

pub mod logging;
pub mod metrics;

pub use metrics::Metrics;
