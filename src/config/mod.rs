//! Configuration in three stages: raw (serde) → validated (pure) → built (at start-up, by
//! the parts that own the I/O). See `config/phiscrub.toml` for the documented default.

pub mod load;
pub mod raw;
pub mod secret;
pub mod validate;

pub use load::{EMBEDDED_DEFAULT, LoadError, load};
pub use raw::RawConfig;
pub use secret::{REDACTED, SecretRef};
pub use validate::{
    ActionName, ActionsConfig, Config, ConfigProblem, FieldRuleConfig, KeyCacheConfig,
    KeyProviderChoice, KeysConfig, validate,
};
