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
use crate::config::Config;
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
    if config.firehose.is_some() {
        metrics.declare_source("firehose");
    }
    for sink in config.sinks.keys() {
        metrics.declare_sink(sink);
    }
    let readiness = Readiness::default();
    let shutdown = Shutdown::new();

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

    let ingest_router = ingest_router(&config);
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

/// The ingest routes. Sources add theirs here; anything else is a 404.
fn ingest_router(config: &Config) -> Router {
    Router::new()
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(config.server.max_body_bytes))
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "no such route\n")
}
