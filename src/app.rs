//! `phiscrub serve`: builds everything from a validated config, binds the listeners, flips
//! readiness, and runs the shutdown sequence on SIGTERM/SIGINT.
//!
//! Order matters. Config was validated before we got here (exit 64 happens before any
//! port is bound); the pipeline is built before `/ready` turns 200; on shutdown `/ready`
//! turns 503 first, then the ingest listener stops accepting and drains in-flight
//! requests, the scrub workers finish, the sinks send what their queues hold, then the
//! admin listener closes, all within `server.grace_period_secs`.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::Request;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use std::sync::Arc;

use crate::admin::{self, AdminState};
use crate::config::Config;
use crate::forward::{Forwarder, ForwarderHandle};
use crate::pipeline::scrubber::policy_scrubber_factory;
use crate::pipeline::{Pipeline, ScrubStage, WorkerPool};
use crate::quarantine::{Quarantine, QuarantineStore};
use crate::scrub::detector::ScrubSetup;
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
    /// The detector, policy or keys could not be built (never falls back to a weaker
    /// scrubber: phiscrub does not start rather than forward less-scrubbed logs).
    #[error("cannot build the scrubber: {0}")]
    Scrubber(String),
    /// The ingest TLS certificate or key could not be loaded.
    #[error(transparent)]
    Tls(#[from] crate::tls_listener::TlsSetupError),
    /// The quarantine store could not be opened.
    #[error("cannot open the quarantine: {0}")]
    Quarantine(String),
    /// The forwarder (sink queues, sinks) could not be built.
    #[error("cannot build the sinks: {0}")]
    Forward(#[from] crate::forward::BuildError),
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
    let detector = blocking({
        let config = config.clone();
        move || crate::scrub::detector::build_detector(&config, None)
    })
    .await?
    .map_err(|e| AppError::Scrubber(format!("detect: {e}")))?;
    let engine = detector.engine_name();
    let metrics = Metrics::new(engine)?;
    for (configured, source) in [
        (config.firehose.is_some(), crate::sources::firehose::SOURCE),
        (
            config.transform.as_ref().is_some_and(|t| t.serve_http),
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

    let setup = blocking({
        let config = config.clone();
        let metrics = metrics.clone();
        move || ScrubSetup::with_detector(&config, detector, Some(metrics))
    })
    .await?
    .map_err(AppError::Scrubber)?;
    // TLS files are read before any port is bound: a bad certificate stops start-up.
    let tls = match &config.server.tls {
        Some((cert, key)) => Some(crate::tls_listener::server_config(cert, key)?),
        None => None,
    };
    let (pipeline, forwarder) = build_pipeline(&config, &metrics, setup.clone()).await?;
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

    // The canary runs once before the first `/ready` 200, then periodically: a policy that
    // lets PHI through never reports ready.
    let detect_config = Arc::new(config.detect.clone());
    run_canary(&setup, &detect_config, &metrics).await;
    let canary_task = {
        let setup = setup.clone();
        let detect_config = detect_config.clone();
        let metrics = metrics.clone();
        let shutdown = shutdown.clone();
        let interval = config.canary_interval;
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(interval) => {
                        run_canary(&setup, &detect_config, &metrics).await;
                    }
                    () = shutdown.wait() => break,
                }
            }
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
            match tls {
                Some(tls) => {
                    let listener = crate::tls_listener::TlsListener::new(ingest_listener, tls)?;
                    axum::serve(listener, ingest_router)
                        .with_graceful_shutdown(async move { shutdown.wait().await })
                        .await
                }
                None => {
                    axum::serve(ingest_listener, ingest_router)
                        .with_graceful_shutdown(async move { shutdown.wait().await })
                        .await
                }
            }
        })
    };

    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        commit = env!("PHISCRUB_GIT_COMMIT"),
        engine,
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
    let deadline = tokio::time::Instant::now() + grace;
    let drained = tokio::time::timeout_at(deadline, async {
        tokio::time::sleep(config.server.drain_delay).await;
        shutdown.trigger();
        let ingest = ingest_task.await;
        if let Some(stdin) = stdin_task {
            let _ = stdin.await;
        }
        let _ = canary_task.await;
        // Every source has stopped: let the workers finish what is queued, then join them.
        let pool = Arc::clone(&pipeline.pool);
        drop(pipeline);
        let _ = tokio::task::spawn_blocking(move || pool.shutdown()).await;
        // Send what the sinks' queues hold until the grace period ends; what is left
        // stays in the disk queues for the next start.
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let undrained = forwarder.shutdown(remaining).await;
        if !undrained.is_empty() {
            tracing::warn!(
                sinks = ?undrained,
                "sinks not drained within the grace period; their queues keep the rest"
            );
        }
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

/// Runs the canary on a blocking thread with a scrubber built like the workers', and
/// publishes the result: `phiscrub_canary_failed` (which `/ready` reads) and a log line
/// naming the PHI types, never values.
async fn run_canary(
    setup: &ScrubSetup,
    detect: &Arc<crate::detect::DetectConfig>,
    metrics: &Metrics,
) {
    let setup = setup.clone();
    let detect = Arc::clone(detect);
    let report = tokio::task::spawn_blocking(move || {
        let mut stage: Box<dyn ScrubStage> = Box::new(setup.scrubber());
        crate::canary::run(stage.as_mut(), &detect)
    })
    .await;
    match report {
        Ok(report) => {
            metrics.canary_failed.set(i64::from(report.failed()));
            if report.failed() {
                let leaked: Vec<&str> = report.leaked.iter().map(|t| t.as_str()).collect();
                tracing::error!(
                    leaked = ?leaked,
                    "canary: synthetic PHI survived the active policy; not ready"
                );
            }
            if !report.unverified.is_empty() {
                let unverified: Vec<&str> = report.unverified.iter().map(|t| t.as_str()).collect();
                tracing::warn!(
                    unverified = ?unverified,
                    "canary: some synthetic lines could not be scrubbed (they fail closed); policy not verified for these types"
                );
            }
        }
        Err(join) => {
            // A panicking scrubber is as bad as a leaking one: fail readiness.
            metrics.canary_failed.set(1);
            tracing::error!(error = %join, "canary run did not finish; not ready");
        }
    }
}

/// Runs CPU-heavy or blocking start-up work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|join| AppError::Scrubber(format!("start-up task failed: {join}")))
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

/// Builds the pipeline the sources feed: the durable encrypted quarantine, the
/// forwarder (one durable queue and delivery task per sink; its router is the ack
/// boundary), and the scrub workers (one per core). This is the one place that chooses
/// their implementations. Returns the handle that drains the sinks on shutdown.
pub async fn build_pipeline(
    config: &Config,
    metrics: &Metrics,
    setup: ScrubSetup,
) -> Result<(Pipeline, ForwarderHandle), AppError> {
    let quarantine = blocking({
        let config = config.clone();
        move || QuarantineStore::from_config(&config)
    })
    .await?
    .map_err(|e| AppError::Quarantine(e.to_string()))?;
    let quarantine: Arc<dyn Quarantine> = Arc::new(quarantine);
    let (deliver, forwarder) = Forwarder::build(config, metrics, quarantine.clone()).await?;
    let pool = WorkerPool::start(
        WorkerPool::default_workers(),
        WorkerPool::default_workers() * 4,
        ENQUEUE_WAIT,
        policy_scrubber_factory(setup),
    )?;
    let pipeline = Pipeline {
        pool: Arc::new(pool),
        deliver,
        quarantine,
        metrics: metrics.clone(),
    };
    Ok((pipeline, forwarder))
}

/// Builds the scrub setup (detector, policy, keys) for modes without the forwarder
/// (`phiscrub lambda`), off the async threads.
pub async fn build_scrub_setup(
    config: &Config,
    metrics: Option<Metrics>,
) -> Result<ScrubSetup, AppError> {
    let config = config.clone();
    blocking(move || ScrubSetup::build(&config, None, metrics))
        .await?
        .map_err(AppError::Scrubber)
}

/// How long a source waits for room in the scrub queue before answering 503.
const ENQUEUE_WAIT: Duration = Duration::from_secs(2);

/// The ingest routes: every configured source's, anything else is a 404.
///
/// Every request gets a time limit (`server.request_timeout_secs`, answered 503 so
/// Firehose and sidecars retry; an ack that did not happen is never claimed) and a trace
/// span with the method and the matched route only: never the raw URI, whose query
/// string is client-controlled and could hold PHI.
fn ingest_router(config: &Config, sources: Router) -> Router {
    sources
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(config.server.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.server.request_timeout,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", MatchedPath::as_str);
                tracing::debug_span!("ingest", method = %request.method(), route)
            }),
        )
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "no such route\n")
}
