//! `keys.provider = "aws-kms"`: data keys from AWS KMS `GenerateDataKey` (AES_256) and
//! unwrapped with `Decrypt`, both under the encryption context.
//!
//! The client uses the SDK's default chain for credentials (ECS task role, environment,
//! profile), region and endpoint (`AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_KMS`, which is
//! how tests point it at moto).
//!
//! Why a private runtime: the scrubber runs on dedicated worker threads, not on the async
//! reactor, and KMS calls are rare (one per data key). The provider owns a one-thread
//! tokio runtime; a worker that needs a key it does not have blocks on that runtime
//! (bounded by a timeout), and background refreshes run on it as tasks. Calling from
//! inside an async context would deadlock or panic, so that returns
//! [`KeyError::CalledFromAsync`] (retryable) instead.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::time::Duration;

use aws_sdk_kms::Client;
use aws_sdk_kms::error::DisplayErrorContext;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::DataKeySpec;
use zeroize::Zeroizing;

use super::KeyError;

/// Longest wait for one KMS call.
const KMS_TIMEOUT: Duration = Duration::from_secs(10);

/// A KMS client on its own runtime.
pub struct KmsProvider {
    runtime: Option<tokio::runtime::Runtime>,
    client: Client,
    key_id: String,
}

impl std::fmt::Debug for KmsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KmsProvider")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

fn to_hash_map(context: &BTreeMap<String, String>) -> HashMap<String, String> {
    context
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl KmsProvider {
    /// Builds the client from the SDK's default configuration chain.
    pub fn new(key_id: &str) -> Result<Self, KeyError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("phiscrub-kms")
            .enable_all()
            .build()
            .map_err(|e| KeyError::Kms(format!("cannot start the KMS runtime: {e}")))?;
        let sdk_config = block_on_outside_async(
            &runtime,
            aws_config::defaults(aws_config::BehaviorVersion::latest()).load(),
        )?;
        Ok(Self {
            client: Client::new(&sdk_config),
            runtime: Some(runtime),
            key_id: key_id.to_owned(),
        })
    }

    /// Uses a client built by the caller (explicit endpoint, region and credentials, as
    /// tests against moto do without touching the process environment).
    pub fn with_client(client: Client, key_id: &str) -> Result<Self, KeyError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("phiscrub-kms")
            .enable_all()
            .build()
            .map_err(|e| KeyError::Kms(format!("cannot start the KMS runtime: {e}")))?;
        Ok(Self {
            client,
            runtime: Some(runtime),
            key_id: key_id.to_owned(),
        })
    }

    /// The configured key id, ARN or alias.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The runtime handle, for background refresh tasks.
    pub fn handle(&self) -> Option<tokio::runtime::Handle> {
        self.runtime.as_ref().map(|r| r.handle().clone())
    }

    /// `GenerateDataKey` (AES_256) under `context`, blocking the calling (non-async) thread.
    pub fn generate(
        &self,
        context: &BTreeMap<String, String>,
    ) -> Result<(Zeroizing<[u8; 32]>, Vec<u8>), KeyError> {
        let runtime = self.runtime.as_ref().ok_or(KeyError::CalledFromAsync)?;
        block_on_outside_async(runtime, self.generate_async(context.clone()))?
    }

    /// `GenerateDataKey` as a future, for background refresh on the provider's runtime.
    pub fn generate_async(
        &self,
        context: BTreeMap<String, String>,
    ) -> impl Future<Output = Result<(Zeroizing<[u8; 32]>, Vec<u8>), KeyError>> + Send + 'static
    {
        let request = self
            .client
            .generate_data_key()
            .key_id(&self.key_id)
            .key_spec(DataKeySpec::Aes256)
            .set_encryption_context(Some(to_hash_map(&context)));
        async move {
            let output = tokio::time::timeout(KMS_TIMEOUT, request.send())
                .await
                .map_err(|_| KeyError::Kms("GenerateDataKey timed out".to_owned()))?
                .map_err(|e| {
                    KeyError::Kms(format!("GenerateDataKey: {}", DisplayErrorContext(&e)))
                })?;
            let plaintext = output
                .plaintext()
                .ok_or_else(|| KeyError::Kms("GenerateDataKey returned no plaintext".to_owned()))?;
            let blob = output.ciphertext_blob().ok_or_else(|| {
                KeyError::Kms("GenerateDataKey returned no ciphertext".to_owned())
            })?;
            let key: [u8; 32] = plaintext.as_ref().try_into().map_err(|_| {
                KeyError::Kms("GenerateDataKey returned a key that is not 32 bytes".to_owned())
            })?;
            Ok((Zeroizing::new(key), blob.as_ref().to_vec()))
        }
    }

    /// `Decrypt` of a wrapped key under `context`; any length of plaintext.
    pub fn decrypt_any(
        &self,
        blob: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let runtime = self.runtime.as_ref().ok_or(KeyError::CalledFromAsync)?;
        let request = self
            .client
            .decrypt()
            .key_id(&self.key_id)
            .ciphertext_blob(Blob::new(blob.to_vec()))
            .set_encryption_context(Some(to_hash_map(context)));
        block_on_outside_async(runtime, async move {
            let output = tokio::time::timeout(KMS_TIMEOUT, request.send())
                .await
                .map_err(|_| KeyError::Kms("Decrypt timed out".to_owned()))?
                .map_err(|e| {
                    if e.as_service_error().is_some_and(|s| {
                        s.is_invalid_ciphertext_exception() || s.is_incorrect_key_exception()
                    }) {
                        KeyError::UnwrapRejected
                    } else {
                        KeyError::Kms(format!("Decrypt: {}", DisplayErrorContext(&e)))
                    }
                })?;
            let plaintext = output
                .plaintext()
                .ok_or_else(|| KeyError::Kms("Decrypt returned no plaintext".to_owned()))?;
            Ok(Zeroizing::new(plaintext.as_ref().to_vec()))
        })?
    }

    /// `Decrypt` of a wrapped 32-byte data key.
    pub fn decrypt(
        &self,
        blob: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Zeroizing<[u8; 32]>, KeyError> {
        let plain = self.decrypt_any(blob, context)?;
        let key: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Kms("Decrypt returned a key that is not 32 bytes".to_owned()))?;
        Ok(Zeroizing::new(key))
    }
}

impl Drop for KmsProvider {
    fn drop(&mut self) {
        // Dropping a runtime inside an async context panics; shutting it down in the
        // background is allowed anywhere.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn block_on_outside_async<F: Future>(
    runtime: &tokio::runtime::Runtime,
    future: F,
) -> Result<F::Output, KeyError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(KeyError::CalledFromAsync);
    }
    Ok(runtime.block_on(future))
}
