//! The Lambda custom runtime loop (PROTOCOLS.md §3.3) for the Firehose transformation:
//! `GET /runtime/invocation/next` → [`TransformHandler`] → `POST …/response`, or
//! `POST …/error` when the invocation as a whole fails; `POST /runtime/init/error` when
//! start-up fails. The deployed binary is named `bootstrap` and runs `phiscrub lambda`.

use axum::body::Bytes;

use super::transform::TransformHandler;

/// Environment variable with the Runtime API's `host:port`.
pub const RUNTIME_API_ENV: &str = "AWS_LAMBDA_RUNTIME_API";

const REQUEST_ID_HEADER: &str = "lambda-runtime-aws-request-id";

/// Why the runtime loop stopped.
#[derive(Debug, thiserror::Error)]
pub enum LambdaError {
    /// The Runtime API could not be reached or answered unexpectedly.
    #[error("runtime API {what} failed: {detail}")]
    RuntimeApi {
        /// Which call.
        what: &'static str,
        /// What went wrong (no payload).
        detail: String,
    },
}

/// A client of the Lambda Runtime API.
#[derive(Clone)]
pub struct RuntimeApi {
    base: String,
    client: reqwest::Client,
}

fn api_error(what: &'static str) -> impl Fn(reqwest::Error) -> LambdaError {
    move |e| LambdaError::RuntimeApi {
        what,
        detail: e.without_url().to_string(),
    }
}

impl RuntimeApi {
    /// A client for `host:port` (the value of `AWS_LAMBDA_RUNTIME_API`).
    pub fn new(host_port: &str) -> Self {
        Self {
            base: format!("http://{host_port}/2018-06-01/runtime"),
            // No timeout: the process is frozen between invocations and `next` may block
            // for as long as there is no traffic.
            client: reqwest::Client::new(),
        }
    }

    /// Waits for the next invocation: its request id and event.
    pub async fn next(&self) -> Result<(String, Bytes), LambdaError> {
        let response = self
            .client
            .get(format!("{}/invocation/next", self.base))
            .send()
            .await
            .map_err(api_error("next"))?;
        if !response.status().is_success() {
            return Err(LambdaError::RuntimeApi {
                what: "next",
                detail: format!("status {}", response.status()),
            });
        }
        let request_id = response
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or(LambdaError::RuntimeApi {
                what: "next",
                detail: "no Lambda-Runtime-Aws-Request-Id header".to_owned(),
            })?;
        let body = response.bytes().await.map_err(api_error("next"))?;
        Ok((request_id, body))
    }

    /// Posts an invocation's result.
    pub async fn respond(&self, request_id: &str, body: Vec<u8>) -> Result<u16, LambdaError> {
        let response = self
            .client
            .post(format!("{}/invocation/{request_id}/response", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(api_error("response"))?;
        Ok(response.status().as_u16())
    }

    /// Reports that an invocation failed as a whole.
    pub async fn invocation_error(
        &self,
        request_id: &str,
        error_type: &str,
        message: &str,
    ) -> Result<(), LambdaError> {
        self.post_error(
            format!("{}/invocation/{request_id}/error", self.base),
            error_type,
            message,
        )
        .await
    }

    /// Reports that start-up failed; the caller exits afterwards.
    pub async fn init_error(&self, message: &str) -> Result<(), LambdaError> {
        self.post_error(
            format!("{}/init/error", self.base),
            "Runtime.InitError",
            message,
        )
        .await
    }

    async fn post_error(
        &self,
        url: String,
        error_type: &str,
        message: &str,
    ) -> Result<(), LambdaError> {
        self.client
            .post(url)
            .header("Lambda-Runtime-Function-Error-Type", error_type)
            .header("content-type", "application/json")
            .body(serde_json::json!({"errorMessage": message, "errorType": error_type}).to_string())
            .send()
            .await
            .map_err(api_error("error"))?;
        Ok(())
    }
}

/// Serves invocations until the Runtime API fails (the Lambda service then restarts the
/// sandbox) or, when `limit` is given, after that many invocations.
pub async fn run(
    api: &RuntimeApi,
    handler: &TransformHandler,
    limit: Option<usize>,
) -> Result<(), LambdaError> {
    let mut served = 0;
    while limit.is_none_or(|l| served < l) {
        let (request_id, event) = api.next().await?;
        match handler.handle(event).await {
            Ok(response) => {
                let body = serde_json::to_vec(&response).map_err(|e| LambdaError::RuntimeApi {
                    what: "response",
                    detail: e.to_string(),
                })?;
                let status = api.respond(&request_id, body).await?;
                if status != 202 {
                    tracing::error!(status, "runtime API refused the response");
                    api.invocation_error(
                        &request_id,
                        "Runtime.ResponseRejected",
                        &format!("runtime API answered {status} to the response"),
                    )
                    .await?;
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "transformation invocation failed");
                api.invocation_error(&request_id, "Runtime.HandlerError", &err.to_string())
                    .await?;
            }
        }
        served += 1;
    }
    Ok(())
}
