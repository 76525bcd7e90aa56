//! Layers the config sources in their documented order and deserializes the result:
//! the embedded default `config/phiscrub.toml`, then an optional `--config` file (TOML,
//! YAML or JSON by extension), then `PHISCRUB__SECTION__KEY` environment variables.

use std::path::Path;

use config::{Config as Layers, Environment, File, FileFormat};

use super::raw::RawConfig;
use super::validate::{Config, ConfigProblem, validate};

/// The embedded default config: runs offline, on loopback, with a local key and stdout.
pub const EMBEDDED_DEFAULT: &str = include_str!("../../config/phiscrub.toml");

/// Environment variable prefix; `PHISCRUB__SERVER__LISTEN` sets `server.listen`.
pub const ENV_PREFIX: &str = "PHISCRUB";

/// Why a config could not be loaded. Every variant names the key or file at fault.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The `--config` file does not exist or has an unknown extension.
    #[error("config file {path}: {problem}")]
    File {
        /// The file named on the command line.
        path: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The layered values do not fit the schema, or fail validation.
    #[error("invalid config:\n{}", format_problems(.0))]
    Invalid(Vec<ConfigProblem>),
}

fn format_problems(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads and validates the config from every layer.
pub fn load(path: Option<&Path>) -> Result<Config, LoadError> {
    let raw = load_raw(path)?;
    validate(raw).map_err(LoadError::Invalid)
}

/// Loads the raw config from every layer without validating values.
pub fn load_raw(path: Option<&Path>) -> Result<RawConfig, LoadError> {
    let mut builder =
        Layers::builder().add_source(File::from_str(EMBEDDED_DEFAULT, FileFormat::Toml));
    if let Some(path) = path {
        let shown = path.display().to_string();
        if !path.is_file() {
            return Err(LoadError::File {
                path: shown,
                problem: "no such file".to_owned(),
            });
        }
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => FileFormat::Toml,
            Some("yaml" | "yml") => FileFormat::Yaml,
            Some("json") => FileFormat::Json,
            _ => {
                return Err(LoadError::File {
                    path: shown,
                    problem: "unknown extension (expected .toml, .yaml, .yml or .json)".to_owned(),
                });
            }
        };
        builder = builder.add_source(File::from(path).format(format));
    }
    builder = builder.add_source(
        Environment::with_prefix(ENV_PREFIX)
            .prefix_separator("__")
            .separator("__")
            .try_parsing(true)
            .list_separator(",")
            .with_list_parse_key("sources.firehose.access_keys"),
    );
    let layers = builder.build().map_err(|e| invalid_from(&e))?;
    layers
        .try_deserialize::<RawConfig>()
        .map_err(|e| invalid_from(&e))
}

/// Parses only the embedded default (tests and `--help` examples use it).
pub fn parse_embedded_default() -> Result<RawConfig, LoadError> {
    Layers::builder()
        .add_source(File::from_str(EMBEDDED_DEFAULT, FileFormat::Toml))
        .build()
        .and_then(Layers::try_deserialize)
        .map_err(|e| invalid_from(&e))
}

/// Turns a `config` crate error into a problem that names the key.
///
/// The crate reports unknown fields as "unknown field `x`, expected … for key `a.b`";
/// we rewrite that into key `a.b.x` so the operator sees the full path of the typo.
fn invalid_from(err: &config::ConfigError) -> LoadError {
    let text = err.to_string();
    let (message, parent) = match text.rsplit_once(" for key `") {
        Some((message, rest)) => (message.to_owned(), rest.trim_end_matches('`').to_owned()),
        None => (text.clone(), String::new()),
    };
    let key = match message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
    {
        Some((field, _)) if parent.is_empty() => field.to_owned(),
        Some((field, _)) => format!("{parent}.{field}"),
        None if parent.is_empty() => "config".to_owned(),
        None => parent,
    };
    LoadError::Invalid(vec![ConfigProblem {
        key,
        problem: message,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn problem_keys(err: LoadError) -> Vec<String> {
        match err {
            LoadError::Invalid(problems) => problems.into_iter().map(|p| p.key).collect(),
            other => panic!("expected Invalid, got {other}"),
        }
    }

    #[test]
    fn unknown_key_is_named_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "bad.toml", "[server]\nlisen = \"127.0.0.1:1\"\n");
        let keys = problem_keys(load(Some(&path)).unwrap_err());
        assert_eq!(keys, ["server.lisen"]);
    }

    #[test]
    fn unknown_top_level_section_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "bad.toml", "[acitons]\ndefault = \"mask\"\n");
        let keys = problem_keys(load(Some(&path)).unwrap_err());
        assert_eq!(keys, ["acitons"]);
    }

    #[test]
    fn yaml_and_json_files_layer_over_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = write(&dir, "c.yaml", "actions:\n  default: tokenize\n");
        assert_eq!(load(Some(&yaml)).unwrap().raw.actions.default, "tokenize");
        let json = write(&dir, "c.json", r#"{"detect": {"engine": "portable"}}"#);
        assert_eq!(load(Some(&json)).unwrap().raw.detect.engine, "portable");
    }

    #[test]
    fn missing_file_is_reported() {
        let err = load(Some(Path::new("/nonexistent/phiscrub.toml"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/phiscrub.toml"));
    }
}
