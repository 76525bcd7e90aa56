//! The admin listener: `/live` (the process is up), `/ready` (the pipeline is built and
//! shutdown has not started) and `/metrics` (Prometheus text from our own registry).
//!
//! It runs on its own port so that health checks and scrapes never queue behind ingest
//! traffic, and it keeps answering during shutdown so the load balancer sees `/ready`
//! turn 503 before the ingest listener closes.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::shutdown::Readiness;
use crate::telemetry::Metrics;

/// What the admin handlers read.
#[derive(Clone)]
pub struct AdminState {
    /// Readiness flag flipped by the app.
    pub readiness: Readiness,
    /// The metrics registry.
    pub metrics: Metrics,
}

/// The admin routes.
pub fn router(state: AdminState) -> Router {
    Router::new()
        .route("/live", get(live))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn live() -> impl IntoResponse {
    (StatusCode::OK, "live\n")
}

async fn ready(State(state): State<AdminState>) -> impl IntoResponse {
    if state.readiness.is_ready() && state.metrics.canary_failed.get() == 0 {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

async fn metrics(State(state): State<AdminState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
