//! `phiscrub lambda`: the Lambda custom runtime for the Firehose transformation. Builds the
//! scrub workers from the config (embedded default, `--config`, `PHISCRUB__*` variables)
//! and serves invocations from `AWS_LAMBDA_RUNTIME_API` until the sandbox ends.

use std::process::ExitCode;
use std::sync::Arc;

use super::{ConfigArg, EXIT_RUNTIME, EXIT_USAGE};
use crate::config::Config;
use crate::config::validate::TransformSourceConfig;
use crate::pipeline::WorkerPool;
use crate::sources::lambda::{RUNTIME_API_ENV, RuntimeApi, run as run_loop};
use crate::sources::transform::TransformHandler;
use crate::telemetry::{Metrics, logging};

/// Runs the runtime loop.
pub fn run(args: &ConfigArg) -> ExitCode {
    let Ok(host_port) = std::env::var(RUNTIME_API_ENV) else {
        eprintln!(
            "phiscrub: {RUNTIME_API_ENV} is not set; `phiscrub lambda` runs inside AWS Lambda (provided.al2023)"
        );
        return ExitCode::from(EXIT_USAGE);
    };
    let runtime = match super::async_runtime(super::RuntimeKind::MultiThread) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async move {
        let api = RuntimeApi::new(&host_port);
        let config = match crate::config::load(args.config.as_deref()) {
            Ok(config) => config,
            Err(err) => {
                eprintln!("phiscrub: {err}");
                let _ = api.init_error(&err.to_string()).await;
                return ExitCode::from(EXIT_USAGE);
            }
        };
        logging::init(&config.log.level, config.log.json);
        let transform = config
            .transform
            .clone()
            .unwrap_or_else(TransformSourceConfig::default);
        let handler = match build_handler(&config, &transform).await {
            Ok(handler) => handler,
            Err(message) => {
                tracing::error!(error = %message, "lambda runtime could not start");
                let _ = api.init_error(&message).await;
                return ExitCode::from(EXIT_RUNTIME);
            }
        };
        tracing::info!(runtime_api = %host_port, "phiscrub lambda runtime started");
        match run_loop(&api, &handler, None).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                tracing::error!(error = %err, "lambda runtime stopped");
                eprintln!("phiscrub: {err}");
                ExitCode::from(EXIT_RUNTIME)
            }
        }
    })
}

/// Builds the transformation handler for `config` with `transform`'s settings: the scrub
/// setup, a worker pool and metrics. `phiscrub lambda` and `phiscrub scrub --format
/// cloudwatch|firehose` both transform through it, so the command line answers exactly
/// as the deployed Lambda does.
pub(super) async fn build_handler(
    config: &Config,
    transform: &TransformSourceConfig,
) -> Result<TransformHandler, String> {
    let setup = crate::app::build_scrub_setup(config, None)
        .await
        .map_err(|e| e.to_string())?;
    let metrics = Metrics::new(setup.detector.engine_name()).map_err(|e| e.to_string())?;
    let pool = WorkerPool::start(
        WorkerPool::default_workers(),
        WorkerPool::default_workers() * 4,
        std::time::Duration::from_secs(30),
        crate::pipeline::scrubber::policy_scrubber_factory(setup),
    )
    .map_err(|e| e.to_string())?;
    Ok(TransformHandler::new(transform, Arc::new(pool), metrics))
}
