//! `phiscrub serve`: builds everything from a validated config, binds the listeners, flips
//! readiness, and runs the shutdown sequence on SIGTERM/SIGINT.
//!
//! Order matters. Config was validated before we got here (exit 64 happens before any
//! port is bound); the pipeline is built before `/ready` turns 200; on shutdown `/ready`
//! turns 503 first, then the ingest listener stops accepting and drains in-flight
//! requests, then the admin listener closes, all within `server.grace_period_secs`.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;

use crate::admin::{self, AdminState};
use std::sync::Arc;

use crate::config::Config;
use crate::pipeline::{Pipeline, ScrubStage, StageFactory, WorkerPool};
use crate::shutdown::{Readiness, Shutdown, termination_signal};
use crate::telemetry::{Metrics, logging};

/// Why `serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A listener could not be bound.
    #[error("cannot bind {what} listener on {addr}: {source}")]
    Bind {
        /// `server` or `admin`.
        what: &'static str,
        /// The configured address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// Metrics could not be registered.
    #[error(transparent)]
    Metrics(#[from] crate::telemetry::metrics::MetricsError),
    /// A listener failed while serving.
    #[error("{what} listener failed: {source}")]
    Serve {
        /// `server` or `admin`.
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The scrub pipeline could not be built.
    #[error("cannot build the scrub pipeline: {0}")]
    Pipeline(#[from] crate::pipeline::StageError),
    /// A source could not be built (e.g. its access keys).
    #[error("cannot build the sources: {0}")]
    Sources(#[from] crate::sources::SourceBuildError),
    /// Draining did not finish within the grace period.
    #[error("shutdown did not finish within the grace period of {0:?}")]
    GraceExceeded(Duration),
}

/// Runs the daemon until SIGTERM/SIGINT, then shuts down in order.
pub async fn serve(config: Config) -> Result<(), AppError> {
    serve_until(config, termination_signal()).await
}

/// Runs the daemon until `stop` resolves (tests pass their own trigger).
pub async fn serve_until(config: Config, stop: impl Future<Output = ()>) -> Result<(), AppError> {
    logging::init(&config.log.level, config.log.json);
    let engine = crate::detect::engines_compiled_in();
    let metrics = Metrics::new(engine)?;
    for (configured, source) in [
        (config.firehose.is_some(), crate::sources::firehose::SOURCE),
        (
            config.transform.is_some(),
            crate::sources::transform::SOURCE,
        ),
        (
            config.http_logs.is_some(),
            crate::sources::http_logs::SOURCE,
        ),
        (config.stdin.is_some(), crate::sources::stdin::SOURCE),
    ] {
        if configured {
            metrics.declare_source(source);
        }
    }
    for sink in config.sinks.keys() {
        metrics.declare_sink(sink);
    }
    let readiness = Readiness::default();
    let shutdown = Shutdown::new();

    let pipeline = build_pipeline(&config, &metrics)?;
    let source_routes = crate::sources::router(&config, &pipeline)?;

    let admin_listener = bind("admin", config.admin_listen).await?;
    let ingest_listener = bind("server", config.server.listen).await?;
    let admin_addr = local_addr(&admin_listener, config.admin_listen);
    let ingest_addr = local_addr(&ingest_listener, config.server.listen);

    let admin_router = admin::router(AdminState {
        readiness: readiness.clone(),
        metrics: metrics.clone(),
    });
    let admin_stop = Shutdown::new();
    let admin_task = {
        let admin_stop = admin_stop.clone();
        tokio::spawn(async move {
            axum::serve(admin_listener, admin_router)
                .with_graceful_shutdown(async move { admin_stop.wait().await })
                .await
        })
    };

    let ingest_router = ingest_router(&config, source_routes);
    let stdin_task = config
        .stdin
        .clone()
        .map(|stdin| crate::sources::stdin::spawn(stdin, pipeline.clone(), shutdown.clone()));
    let ingest_task = {
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            axum::serve(ingest_listener, ingest_router)
                .with_graceful_shutdown(async move { shutdown.wait().await })
                .await
        })
    };

    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        commit = env!("PHISCRUB_GIT_COMMIT"),
        engines = engine,
        admin_addr = %admin_addr,
        ingest_addr = %ingest_addr,
        "phiscrub serving"
    );
    readiness.set(true);

    stop.await;
    readiness.set(false);
    tracing::info!(
        drain_delay_secs = config.server.drain_delay.as_secs(),
        "not ready; draining"
    );

    let grace = config.server.grace_period;
    let drained = tokio::time::timeout(grace, async {
        tokio::time::sleep(config.server.drain_delay).await;
        shutdown.trigger();
        let ingest = ingest_task.await;
        if let Some(stdin) = stdin_task {
            let _ = stdin.await;
        }
        // Every source has stopped: let the workers finish what is queued, then join them.
        let pool = std::sync::Arc::clone(&pipeline.pool);
        drop(pipeline);
        let _ = tokio::task::spawn_blocking(move || pool.shutdown()).await;
        admin_stop.trigger();
        let admin = admin_task.await;
        (ingest, admin)
    })
    .await;
    match drained {
        Ok((ingest, admin)) => {
            joined("server", ingest)?;
            joined("admin", admin)?;
            tracing::info!("shutdown complete");
            Ok(())
        }
        Err(_) => Err(AppError::GraceExceeded(grace)),
    }
}

fn joined(
    what: &'static str,
    result: Result<std::io::Result<()>, tokio::task::JoinError>,
) -> Result<(), AppError> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(AppError::Serve { what, source }),
        Err(join) => Err(AppError::Serve {
            what,
            source: std::io::Error::other(join.to_string()),
        }),
    }
}

async fn bind(what: &'static str, addr: SocketAddr) -> Result<TcpListener, AppError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| AppError::Bind { what, addr, source })
}

fn local_addr(listener: &TcpListener, configured: SocketAddr) -> SocketAddr {
    listener.local_addr().unwrap_or(configured)
}

/// Builds the pipeline the sources feed: scrub workers (one per core), delivery and
/// quarantine. This is the one place that chooses their implementations.
///
/// Interim until the durable queues/sinks and the policy scrubber are merged: delivery is
/// NDJSON to stdout (acknowledged after the write and flush), quarantine is bounded memory,
/// and the stage is the minimal pattern scrubber.
pub fn build_pipeline(config: &Config, metrics: &Metrics) -> Result<Pipeline, AppError> {
    let pool = WorkerPool::start(
        WorkerPool::default_workers(),
        WorkerPool::default_workers() * 4,
        ENQUEUE_WAIT,
        stage_factory(config),
    )?;
    let quarantine_bytes = usize::try_from(config.raw.quarantine.max_bytes).unwrap_or(usize::MAX);
    Ok(Pipeline {
        pool: Arc::new(pool),
        deliver: Arc::new(crate::pipeline::interim::StdoutDeliver),
        quarantine: Arc::new(crate::pipeline::interim::MemoryQuarantine::new(
            quarantine_bytes.min(256 * 1024 * 1024),
        )),
        metrics: metrics.clone(),
    })
}

/// Builds one scrub stage per worker thread (shared by `serve` and `lambda`): the policy
/// scrubber ([`crate::scrub::Scrubber`]) when this build can construct it.
///
/// Interim: while the detector glue (`crate::scrub::detector::build_finder`) is not merged,
/// the policy scrubber cannot be built and the minimal pattern scrubber stands in, with a
/// warning at start-up. Remove the fallback once the detector is wired.
pub fn stage_factory(config: &Config) -> StageFactory {
    match crate::pipeline::scrubber::policy_scrubber_factory(config) {
        Ok(factory) => factory,
        Err(err) => {
            tracing::warn!(
                error = %err,
                "policy scrubber unavailable in this build; using the interim pattern scrubber (SSN, email, phone only)"
            );
            Arc::new(|| {
                crate::pipeline::interim::PatternScrub::new()
                    .map(|s| Box::new(s) as Box<dyn ScrubStage>)
            })
        }
    }
}

/// How long a source waits for room in the scrub queue before answering 503.
const ENQUEUE_WAIT: Duration = Duration::from_secs(2);

/// The ingest routes: every configured source's, anything else is a 404.
fn ingest_router(config: &Config, sources: Router) -> Router {
    sources
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(config.server.max_body_bytes))
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "no such route\n")
}
