//! phiscrub keeps protected health information (PHI) out of log streams: it receives logs
//! (Firehose, transformation, sidecar inputs), finds PHI, replaces it per policy and
//! forwards clean events to SIEMs. See `README.md` and `docs/` for the whole design.

pub mod actions;
pub mod admin;
pub mod app;
pub mod canary;
pub mod cli;
pub mod config;
pub mod decode;
pub mod detect;
pub mod event;
pub mod forward;
pub mod keys;
pub mod pipeline;
pub mod quarantine;
pub mod queue;
pub mod scrub;
pub mod shutdown;
pub mod sinks;
pub mod sources;
pub mod telemetry;
pub mod tls_listener;
