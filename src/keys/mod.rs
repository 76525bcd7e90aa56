//! Key material for `tokenize` and `encrypt`: data keys from the configured provider
//! (`local` or `aws-kms`), cached within limits, and the HMAC key.
//!
//! The cache mirrors the AWS Encryption SDK's caching materials manager: one data key per
//! encryption context (the fixed `keys.encryption_context`, plus the log group when
//! `keys.context_log_group` is on), reused until it reaches its max age, max uses or max
//! bytes, at most `capacity` contexts at once. Once a key passes `refresh_at` of any
//! limit, its successor is fetched in the background (on the KMS runtime) while it keeps
//! serving, so rotation does not stall the pipeline. Only when no usable key exists does
//! the calling worker thread block on KMS (bounded by a timeout); if that fails, the
//! caller gets an error and fails closed (the event is retried or quarantined).

mod aws_kms;
mod data_key;
mod envelope;
mod local;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

pub use aws_kms::KmsProvider;
pub use data_key::{DataKey, KEY_REF_LEN, NONCE_LEN, TAG_LEN, key_ref_of};
pub use envelope::{Envelope, ProviderKind, full_context, serialize_context};
pub use local::{LocalKek, load_or_create_key_file};

use crate::actions::Tokenizer;
use crate::config::{KeyCacheConfig, KeyProviderChoice, KeysConfig};
use crate::telemetry::Metrics;

/// Why key material could not be produced or used. Never carries key or payload bytes.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key file could not be read or written.
    #[error("key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key file does not hold exactly 32 bytes.
    #[error("key file {path} does not hold a 32-byte key")]
    KeyFileLength {
        /// The file.
        path: PathBuf,
    },
    /// A KMS call failed (network, permissions, throttling).
    #[error("KMS: {0}")]
    Kms(String),
    /// KMS or the local keyring refused to unwrap: wrong encryption context, wrong key,
    /// or a modified wrapped key.
    #[error(
        "the data key could not be unwrapped: wrong encryption context, wrong key, or modified"
    )]
    UnwrapRejected,
    /// The wrapped key was made by another local key-encryption key.
    #[error("the data key was wrapped by a different local key-encryption key")]
    WrongKek,
    /// Data keys were requested from a service built without them (`encrypt` is not in
    /// the policy): a programming error, failed closed.
    #[error("no data-key provider was built (encrypt is not in the policy)")]
    NoDataKeyProvider,
    /// The envelope's provider is not the configured one.
    #[error("the data key was wrapped by provider `{found}`, but keys.provider is `{configured}`")]
    ProviderMismatch {
        /// Provider named by the envelope.
        found: &'static str,
        /// Provider configured.
        configured: &'static str,
    },
    /// A wrapped-key envelope is malformed.
    #[error("malformed data-key envelope: {0}")]
    BadEnvelope(&'static str),
    /// Encryption failed (cannot happen for in-memory AES-GCM below the size limit).
    #[error("encryption failed")]
    Seal,
    /// A token failed authentication: modified, or made under another key or type.
    #[error("the token failed authentication: modified, or made under another key")]
    Open,
    /// A data key reached the AES-GCM random-nonce bound.
    #[error("data key reached 2^32 encryptions")]
    KeyExhausted,
    /// A blocking key operation was called from inside an async runtime (retryable).
    #[error("a key operation that may block was called from an async context")]
    CalledFromAsync,
    /// The HMAC key could not be resolved.
    #[error("keys.hmac_key: {0}")]
    HmacKey(String),
}

impl KeyError {
    /// Whether retrying later may succeed (KMS unreachable, throttled), as opposed to a
    /// permanent refusal (wrong context, tampering).
    pub fn is_retryable(&self) -> bool {
        matches!(self, KeyError::Kms(_) | KeyError::CalledFromAsync)
    }
}

/// Which key material a process needs, so that nothing else is created or fetched
/// (a mask-only policy creates no key files and logs no key warnings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUses {
    /// `tokenize` is in the policy: an HMAC key is required.
    pub tokenize: bool,
    /// `encrypt` is in the policy, or this is `reveal`: data keys are required.
    pub data_keys: bool,
}

impl KeyUses {
    /// Everything (tests, benches).
    pub const ALL: KeyUses = KeyUses {
        tokenize: true,
        data_keys: true,
    };
    /// What a scrub policy needs.
    pub fn for_policy(policy: &crate::actions::Policy) -> Self {
        use crate::config::ActionName;
        Self {
            tokenize: policy.uses(ActionName::Tokenize),
            data_keys: policy.uses(ActionName::Encrypt),
        }
    }

    /// Data keys only (`reveal`).
    pub const DATA_KEYS: KeyUses = KeyUses {
        tokenize: false,
        data_keys: true,
    };
}

/// The configured data-key provider.
#[derive(Debug)]
enum Provider {
    Local(Box<LocalKek>),
    AwsKms(KmsProvider),
    /// The policy never encrypts: no provider was built.
    Unused,
}

impl Provider {
    fn kind(&self) -> Option<ProviderKind> {
        match self {
            Provider::Local(_) => Some(ProviderKind::Local),
            Provider::AwsKms(_) => Some(ProviderKind::AwsKms),
            Provider::Unused => None,
        }
    }
}

fn kind_name(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::Local => "local",
        ProviderKind::AwsKms => "aws-kms",
    }
}

/// Counters for tests, benches and metrics.
#[derive(Debug, Default)]
pub struct KeyStats {
    /// `GenerateDataKey` calls (or local generations).
    pub generate_calls: AtomicU64,
    /// `Decrypt` calls (or local unwraps).
    pub decrypt_calls: AtomicU64,
    /// Lookups served by a cached key.
    pub cache_hits: AtomicU64,
    /// Lookups that had to fetch a key while the caller waited.
    pub cache_misses: AtomicU64,
    /// Background refreshes started.
    pub refreshes: AtomicU64,
}

struct Slot {
    key: Arc<DataKey>,
    refreshing: Arc<AtomicBool>,
}

struct Inner {
    provider: Provider,
    base_context: BTreeMap<String, String>,
    context_log_group: bool,
    limits: KeyCacheConfig,
    cache: Mutex<HashMap<Option<String>, Slot>>,
    stats: KeyStats,
    metrics: Option<Metrics>,
}

/// Builds, caches and unwraps data keys; holds the tokenize key. Shared by every worker.
pub struct KeyService {
    inner: Arc<Inner>,
    tokenizer: Option<Tokenizer>,
}

impl std::fmt::Debug for KeyService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyService")
            .field("provider", &self.inner.provider.kind())
            .finish_non_exhaustive()
    }
}

impl KeyService {
    /// Builds what `uses` needs: the provider (reads or creates the local KEK file, or
    /// sets up the KMS client) and the HMAC key (a secret reference, a KMS blob decrypted
    /// now, or for the local provider a key file created on first run).
    pub fn build(
        config: &KeysConfig,
        state_dir: &Path,
        uses: KeyUses,
        metrics: Option<Metrics>,
    ) -> Result<Self, KeyError> {
        let kms_for_hmac = uses.tokenize && config.hmac_key_kms_blob.is_some();
        let provider = match &config.provider {
            KeyProviderChoice::Local if uses.data_keys => {
                Provider::Local(Box::new(LocalKek::load_or_create(state_dir)?))
            }
            KeyProviderChoice::AwsKms { key_id } if uses.data_keys || kms_for_hmac => {
                Provider::AwsKms(KmsProvider::new(key_id)?)
            }
            _ => Provider::Unused,
        };
        Self::with_provider(config, state_dir, uses.tokenize, metrics, provider)
    }

    /// Like [`KeyService::build`] with a KMS provider built by the caller (its own client),
    /// whatever `config.provider` says.
    pub fn build_with_kms(
        config: &KeysConfig,
        state_dir: &Path,
        uses: KeyUses,
        metrics: Option<Metrics>,
        kms: KmsProvider,
    ) -> Result<Self, KeyError> {
        Self::with_provider(
            config,
            state_dir,
            uses.tokenize,
            metrics,
            Provider::AwsKms(kms),
        )
    }

    fn with_provider(
        config: &KeysConfig,
        state_dir: &Path,
        needs_tokenize: bool,
        metrics: Option<Metrics>,
        provider: Provider,
    ) -> Result<Self, KeyError> {
        let hmac_key: Option<Zeroizing<Vec<u8>>> = if let Some(secret) = &config.hmac_key {
            let value = secret
                .resolve()
                .map_err(|e| KeyError::HmacKey(e.to_string()))?;
            Some(Zeroizing::new(value.expose_secret().as_bytes().to_vec()))
        } else if let Some(blob) = &config.hmac_key_kms_blob {
            match &provider {
                Provider::AwsKms(kms) => Some(kms.decrypt_any(blob, &config.encryption_context)?),
                Provider::Local(_) | Provider::Unused => {
                    return Err(KeyError::HmacKey(
                        "hmac_key_kms_blob needs keys.provider = \"aws-kms\"".to_owned(),
                    ));
                }
            }
        } else if needs_tokenize {
            match &config.provider {
                KeyProviderChoice::Local => {
                    let path = state_dir.join("keys").join("local-hmac.bin");
                    let (key, created) = load_or_create_key_file(&path)?;
                    if created {
                        tracing::warn!(
                            path = %path.display(),
                            "LOCAL USE ONLY: generated a local HMAC key for tokenize; set \
                             keys.hmac_key to a managed secret in production"
                        );
                    }
                    Some(Zeroizing::new(key.to_vec()))
                }
                KeyProviderChoice::AwsKms { .. } => {
                    return Err(KeyError::HmacKey(
                        "tokenize needs keys.hmac_key or keys.hmac_key_kms_blob".to_owned(),
                    ));
                }
            }
        } else {
            None
        };
        if let Some(key) = &hmac_key
            && key.len() < 16
        {
            return Err(KeyError::HmacKey(
                "the HMAC key must be at least 16 bytes".to_owned(),
            ));
        }
        Ok(Self {
            tokenizer: hmac_key.as_ref().map(Tokenizer::new),
            inner: Arc::new(Inner {
                provider,
                base_context: config.encryption_context.clone(),
                context_log_group: config.context_log_group,
                limits: config.cache,
                cache: Mutex::new(HashMap::new()),
                stats: KeyStats::default(),
                metrics,
            }),
        })
    }

    /// The tokenizer, when an HMAC key is configured.
    pub fn tokenizer(&self) -> Option<&Tokenizer> {
        self.tokenizer.as_ref()
    }

    /// The data-key limits.
    pub fn limits(&self) -> &KeyCacheConfig {
        &self.inner.limits
    }

    /// Call counters.
    pub fn stats(&self) -> &KeyStats {
        &self.inner.stats
    }

    /// Whether events' log groups are part of the encryption context.
    pub fn binds_log_group(&self) -> bool {
        self.inner.context_log_group
    }

    /// A human-readable id of the wrapping key for audit records (KMS key id or the
    /// local KEK's fingerprint).
    pub fn wrapping_key_id(&self) -> String {
        match &self.inner.provider {
            Provider::Local(kek) => format!("local:{}", kek.id_hex()),
            Provider::AwsKms(kms) => kms.key_id().to_owned(),
            Provider::Unused => "none".to_owned(),
        }
    }

    /// A usable data key for an event from `log_group`: cached if within limits, else
    /// fetched now (blocking this thread). Starts a background refresh when the cached
    /// key is near a limit.
    pub fn data_key(&self, log_group: Option<&str>) -> Result<Arc<DataKey>, KeyError> {
        let group = if self.inner.context_log_group {
            log_group.map(str::to_owned)
        } else {
            None
        };
        let limits = &self.inner.limits;
        let cached = {
            let cache = self.inner.cache.lock().map_err(|_| KeyError::Seal)?;
            cache.get(&group).and_then(|slot| {
                slot.key.is_usable(limits).then(|| {
                    let refresh = slot.key.wants_refresh(limits)
                        && !slot.refreshing.swap(true, Ordering::AcqRel);
                    (slot.key.clone(), refresh.then(|| slot.refreshing.clone()))
                })
            })
        };
        if let Some((key, refresh)) = cached {
            if let Some(flag) = refresh {
                // Outside the lock: the local provider refreshes inline and re-locks.
                Inner::refresh_in_background(&self.inner, group, flag);
            }
            self.inner.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
            self.inner.count_cache("hit");
            return Ok(key);
        }
        self.inner
            .stats
            .cache_misses
            .fetch_add(1, Ordering::Relaxed);
        self.inner.count_cache("miss");
        let key = Arc::new(self.inner.generate(group.as_deref())?);
        self.inner.insert(group, key.clone());
        Ok(key)
    }

    /// Unwraps a data key from its envelope (for `reveal`): KMS `Decrypt` or the local
    /// keyring, under the configured context plus the envelope's log group.
    pub fn open_envelope(&self, encoded: &str) -> Result<DataKey, KeyError> {
        let envelope = Envelope::parse(encoded)?;
        let configured = self
            .inner
            .provider
            .kind()
            .ok_or(KeyError::NoDataKeyProvider)?;
        if envelope.provider != configured {
            return Err(KeyError::ProviderMismatch {
                found: kind_name(envelope.provider),
                configured: kind_name(configured),
            });
        }
        let context = full_context(&self.inner.base_context, envelope.log_group.as_deref());
        self.inner
            .stats
            .decrypt_calls
            .fetch_add(1, Ordering::Relaxed);
        let key = match &self.inner.provider {
            Provider::Local(kek) => kek.decrypt(&envelope.blob, &context),
            Provider::AwsKms(kms) => {
                let result = kms.decrypt(&envelope.blob, &context);
                self.inner.count_kms("Decrypt", result.is_ok());
                result
            }
            Provider::Unused => Err(KeyError::NoDataKeyProvider),
        }?;
        Ok(DataKey::new(&key, &envelope))
    }
}

impl Inner {
    fn count_cache(&self, result: &str) {
        if let Some(m) = &self.metrics {
            m.data_key_cache.with_label_values(&[result]).inc();
        }
    }

    fn count_kms(&self, operation: &str, ok: bool) {
        if let Some(m) = &self.metrics {
            m.kms_calls
                .with_label_values(&[operation, if ok { "ok" } else { "error" }])
                .inc();
        }
    }

    fn generate(&self, log_group: Option<&str>) -> Result<DataKey, KeyError> {
        let context = full_context(&self.base_context, log_group);
        self.stats.generate_calls.fetch_add(1, Ordering::Relaxed);
        let (key, blob) = match &self.provider {
            Provider::Local(kek) => kek.generate(&context)?,
            Provider::AwsKms(kms) => {
                let result = kms.generate(&context);
                self.count_kms("GenerateDataKey", result.is_ok());
                result?
            }
            Provider::Unused => return Err(KeyError::NoDataKeyProvider),
        };
        Ok(DataKey::new(
            &key,
            &Envelope {
                provider: self.provider.kind().ok_or(KeyError::NoDataKeyProvider)?,
                blob,
                log_group: log_group.map(str::to_owned),
            },
        ))
    }

    fn insert(&self, group: Option<String>, key: Arc<DataKey>) {
        let Ok(mut cache) = self.cache.lock() else {
            return;
        };
        if !cache.contains_key(&group) && cache.len() >= self.limits.capacity {
            // Evict the key closest to its limits: the one with the most uses.
            if let Some(victim) = cache
                .iter()
                .max_by_key(|(_, slot)| slot.key.uses())
                .map(|(g, _)| g.clone())
            {
                cache.remove(&victim);
            }
        }
        cache.insert(
            group,
            Slot {
                key,
                refreshing: Arc::new(AtomicBool::new(false)),
            },
        );
    }

    /// Fetches a successor for `group` without blocking the caller: on the KMS runtime
    /// for aws-kms, inline for the local provider (a local wrap costs microseconds).
    fn refresh_in_background(this: &Arc<Self>, group: Option<String>, flag: Arc<AtomicBool>) {
        this.stats.refreshes.fetch_add(1, Ordering::Relaxed);
        match &this.provider {
            Provider::Local(_) | Provider::Unused => {
                if let Ok(key) = this.generate(group.as_deref()) {
                    this.insert(group, Arc::new(key));
                }
                flag.store(false, Ordering::Release);
            }
            Provider::AwsKms(kms) => {
                let Some(handle) = kms.handle() else {
                    flag.store(false, Ordering::Release);
                    return;
                };
                let context = full_context(&this.base_context, group.as_deref());
                let future = kms.generate_async(context);
                let inner = Arc::clone(this);
                this.stats.generate_calls.fetch_add(1, Ordering::Relaxed);
                handle.spawn(async move {
                    let result = future.await;
                    inner.count_kms("GenerateDataKey", result.is_ok());
                    match result {
                        Ok((key, blob)) => {
                            let key = DataKey::new(
                                &key,
                                &Envelope {
                                    provider: ProviderKind::AwsKms,
                                    blob,
                                    log_group: group.clone(),
                                },
                            );
                            inner.insert(group, Arc::new(key));
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "background data-key refresh failed; the current key serves until its limits");
                        }
                    }
                    flag.store(false, Ordering::Release);
                });
            }
        }
    }
}
