//! How logs reach phiscrub: the Firehose HTTP endpoint, the Firehose transformation (over
//! HTTP and as a Lambda custom runtime), `POST /v1/logs` for sidecars, and stdin.
//!
//! Every source decodes into [`crate::event::Event`]s, has them scrubbed on the worker
//! threads, and answers its upstream only after [`crate::pipeline::Deliver`] accepted them.

pub mod auth;
pub mod firehose;
pub mod http_logs;
pub mod lambda;
pub mod stdin;
pub mod transform;

use axum::Router;

use crate::config::Config;
use crate::pipeline::Pipeline;

/// Why the sources could not be built at start-up.
#[derive(Debug, thiserror::Error)]
pub enum SourceBuildError {
    /// Credentials could not be prepared.
    #[error(transparent)]
    Auth(#[from] auth::AuthBuildError),
}

/// The ingest routes of every configured HTTP source.
pub fn router(config: &Config, pipeline: &Pipeline) -> Result<Router, SourceBuildError> {
    let mut router = Router::new();
    if let Some(fh) = &config.firehose {
        let keys = auth::resolve_firehose_keys(&fh.access_keys, &config.state_dir)?;
        let keys = auth::AccessKeys::new(&keys, fh.allow_unauthenticated);
        let source =
            firehose::FirehoseSource::new(fh, keys, config.server.max_body_bytes, pipeline.clone());
        router = router.merge(source.router(&fh.path));
    }
    if let Some(t) = config.transform.as_ref().filter(|t| t.serve_http) {
        let token = auth::resolve_token("sources.transform.bearer_token", t.bearer_token.as_ref())?;
        let token = auth::AccessKeys::new(token.as_slice(), token.is_none());
        let handler = transform::TransformHandler::new(
            t,
            std::sync::Arc::clone(&pipeline.pool),
            pipeline.metrics.clone(),
        );
        router = router.merge(handler.router(&t.path, token));
    }
    if let Some(h) = &config.http_logs {
        let token = auth::resolve_token("sources.http_logs.bearer_token", h.bearer_token.as_ref())?;
        let token = auth::AccessKeys::new(token.as_slice(), token.is_none());
        let source = http_logs::HttpLogsSource::new(h, token, pipeline.clone());
        router = router.merge(source.router(&h.path));
    }
    Ok(router)
}
