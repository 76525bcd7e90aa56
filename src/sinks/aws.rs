//! Shared AWS plumbing for the `firehose` and `cloudwatch_logs` sinks: the SDK config
//! (region and endpoint override from the sink section, else the SDK's standard
//! environment: `AWS_REGION`, `AWS_ENDPOINT_URL*`, credentials chain) and sorting SDK
//! errors into transient and permanent.

use aws_config::BehaviorVersion;

use super::SinkError;

/// Loads the SDK config for one sink.
pub async fn sdk_config(region: Option<&str>, endpoint_url: Option<&str>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_owned()));
    }
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Error codes that mean "this request's content is wrong": sending it again cannot help.
const PERMANENT: [&str; 3] = [
    "InvalidArgumentException",
    "InvalidParameterException",
    "SerializationException",
];

/// Sorts an SDK error. Everything that is not about the content (throttling, service
/// unavailable, credentials, missing resources, network) is transient: the events wait.
pub fn classify(what: &str, code: Option<&str>, detail: String) -> SinkError {
    let reason = format!("{what}: {}: {detail}", code.unwrap_or("request failed"));
    match code {
        Some(c) if PERMANENT.contains(&c) => SinkError::Permanent { reason },
        Some(
            "AccessDeniedException"
            | "UnrecognizedClientException"
            | "ExpiredTokenException"
            | "ResourceNotFoundException"
            | "InvalidSignatureException",
        ) => {
            tracing::error!(
                sink = what,
                code,
                "AWS refused us: check the sink's resource names, region and credentials"
            );
            SinkError::transient(reason)
        }
        _ => SinkError::transient(reason),
    }
}
