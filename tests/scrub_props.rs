//! Property tests for the scrubber: no byte of any finding survives, output stays valid
//! UTF-8 / JSON where the input was, and reveal(scrub(x)) == x under `encrypt`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use phiscrub::actions::Policy;
use phiscrub::config::{ActionName, KeysConfig};
use phiscrub::detect::{Finding, PhiType, RuleIdx, ScanError};
use phiscrub::event::{Event, EventMeta};
use phiscrub::keys::{DataKey, Envelope, KeyService, KeyUses, NONCE_LEN, ProviderKind};
use phiscrub::scrub::{FindPhi, LiteralFinder, Revealer, Scrubber};
use proptest::prelude::*;
use zeroize::Zeroizing;

/// A detector stand-in that reports exactly the findings it is given.
struct Given(Vec<Finding>);

impl FindPhi for Given {
    fn find_in_line(&mut self, _line: &[u8], out: &mut Vec<Finding>) -> Result<(), ScanError> {
        out.extend_from_slice(&self.0);
        Ok(())
    }
    fn find_in_value(
        &mut self,
        _key: Option<&str>,
        _value: &[u8],
        _out: &mut Vec<Finding>,
    ) -> Result<(), ScanError> {
        Ok(())
    }
    fn rule_id(&self, _rule: RuleIdx) -> &str {
        "given"
    }
}

fn keys() -> Arc<KeyService> {
    static KEYS: OnceLock<(tempfile::TempDir, Arc<KeyService>)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let config: KeysConfig =
            phiscrub::config::validate(phiscrub::config::load::parse_embedded_default().unwrap())
                .unwrap()
                .keys;
        let keys = Arc::new(KeyService::build(&config, dir.path(), KeyUses::ALL, None).unwrap());
        (dir, keys)
    })
    .1
    .clone()
}

const TYPES: [PhiType; 4] = [PhiType::Ssn, PhiType::Email, PhiType::Name, PhiType::Date];

/// A line built from filler and secrets, with the secrets' spans as findings, plus random
/// extra (possibly overlapping) findings anywhere.
fn line_with_findings(
    filler: impl Strategy<Value = Vec<u8>> + Clone,
) -> impl Strategy<Value = (Vec<u8>, Vec<Vec<u8>>, Vec<Finding>)> {
    let secret = "[0-9]{3}-[0-9]{2}-[0-9]{4}Q[0-9]{5}".prop_map(String::into_bytes);
    (
        prop::collection::vec((filler, prop::option::of(secret), 0..TYPES.len()), 1..8),
        prop::collection::vec(
            (any::<prop::sample::Index>(), 1usize..12, 0..TYPES.len()),
            0..4,
        ),
    )
        .prop_map(|(parts, extra)| {
            let mut line = Vec::new();
            let mut secrets = Vec::new();
            let mut findings = Vec::new();
            for (fill, secret, t) in parts {
                line.extend_from_slice(&fill);
                if let Some(secret) = secret {
                    findings.push(Finding {
                        start: line.len(),
                        end: line.len() + secret.len(),
                        phi_type: TYPES[t],
                        rule: RuleIdx(0),
                    });
                    line.extend_from_slice(&secret);
                    secrets.push(secret);
                }
            }
            if !line.is_empty() {
                for (at, len, t) in extra {
                    let start = at.index(line.len());
                    let end = (start + len).min(line.len());
                    if start < end {
                        findings.push(Finding {
                            start,
                            end,
                            phi_type: TYPES[t],
                            rule: RuleIdx(1),
                        });
                    }
                }
            }
            (line, secrets, findings)
        })
}

fn text_filler() -> impl Strategy<Value = Vec<u8>> + Clone {
    "[a-z =:,./é€😀-]{0,16}".prop_map(String::into_bytes)
}

fn byte_filler() -> impl Strategy<Value = Vec<u8>> + Clone {
    prop::collection::vec(any::<u8>(), 0..16)
        .prop_map(|v| v.into_iter().filter(|b| *b != b'\n').collect())
}

fn scrub_line(action: ActionName, line: &[u8], findings: Vec<Finding>) -> Vec<u8> {
    let mut s = Scrubber::new(
        Box::new(Given(findings)),
        Arc::new(Policy::uniform(action)),
        keys(),
    );
    let event = Event::new(line.to_vec(), EventMeta::default());
    s.scrub_as(&event, phiscrub::scrub::MessageKind::Text)
        .unwrap()
        .message
        .to_vec()
}

fn reveal(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let rep = Revealer::new(keys()).reveal_line(line, &mut out);
    assert!(rep.failed.is_empty(), "{:?}", rep.failed);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_finding_survives_in_text(
        (line, secrets, findings) in line_with_findings(text_filler()),
        action in prop::sample::select(vec![ActionName::Mask, ActionName::Tokenize, ActionName::Encrypt]),
    ) {
        let out = scrub_line(action, &line, findings);
        for secret in &secrets {
            prop_assert!(memchr::memmem::find(&out, secret).is_none());
        }
        prop_assert!(std::str::from_utf8(&out).is_ok(), "valid UTF-8 in, valid UTF-8 out");
    }

    #[test]
    fn no_finding_survives_in_arbitrary_bytes(
        (line, secrets, findings) in line_with_findings(byte_filler()),
        action in prop::sample::select(vec![ActionName::Mask, ActionName::Encrypt]),
    ) {
        let out = scrub_line(action, &line, findings);
        for secret in &secrets {
            prop_assert!(memchr::memmem::find(&out, secret).is_none());
        }
    }

    #[test]
    fn encrypt_then_reveal_is_identity_for_any_bytes(
        (line, _secrets, findings) in line_with_findings(byte_filler()),
    ) {
        let out = scrub_line(ActionName::Encrypt, &line, findings);
        prop_assert_eq!(reveal(&out), line);
    }

    #[test]
    fn json_stays_valid_loses_its_secrets_and_reveals_exactly(
        doc in json_doc(),
        action in prop::sample::select(vec![ActionName::Mask, ActionName::Tokenize, ActionName::Encrypt, ActionName::Partial]),
        pretty in any::<bool>(),
    ) {
        let (value, secrets) = doc;
        let input = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        let input = input.replace('\n', " ");
        let finder = LiteralFinder::new(secrets.iter().map(|s| (s.as_str(), PhiType::Ssn))).unwrap();
        let mut s = Scrubber::new(Box::new(finder), Arc::new(Policy::uniform(action)), keys());
        let out = s.scrub(&Event::new(input.clone(), EventMeta::default())).unwrap().message;
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&out);
        prop_assert!(parsed.is_ok(), "output is valid JSON");
        if action != ActionName::Partial {
            for secret in &secrets {
                prop_assert!(memchr::memmem::find(&out, secret.as_bytes()).is_none());
            }
        }
        if action == ActionName::Encrypt {
            prop_assert_eq!(reveal(&out), input.into_bytes());
        }
    }
}

/// A random JSON object whose strings and numbers sometimes embed secrets (returned too).
fn json_doc() -> impl Strategy<Value = (serde_json::Value, Vec<String>)> {
    let secret = "[0-9]{3}-[0-9]{2}-[0-9]{4}";
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        "[a-zA-Z \"\\\\/\\t\u{1}é😀]{0,12}".prop_map(serde_json::Value::String),
        (secret, "[a-z \"]{0,6}")
            .prop_map(|(s, f)| serde_json::Value::String(format!("{f}{s}{f}"))),
        "[1-9][0-9]{8}".prop_map(|n| serde_json::Value::Number(n.parse::<u64>().unwrap().into())),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec(("[a-z_]{1,6}", inner), 0..4)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    });
    prop::collection::vec(("[a-z_]{1,6}", value), 0..5).prop_map(|kv| {
        let doc = serde_json::Value::Object(kv.into_iter().collect());
        let mut secrets = HashSet::new();
        collect(&doc, &mut secrets);
        (doc, secrets.into_iter().collect())
    })
}

fn collect(v: &serde_json::Value, out: &mut HashSet<String>) {
    let re = regex::Regex::new(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|^[1-9][0-9]{8}$").unwrap();
    match v {
        serde_json::Value::String(s) => {
            for m in re.find_iter(s) {
                out.insert(m.as_str().to_owned());
            }
        }
        serde_json::Value::Number(n) => {
            let s = n.to_string();
            if re.is_match(&s) {
                out.insert(s);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect(x, out)),
        _ => {}
    }
}

#[test]
fn nonces_never_repeat_within_a_million_encryptions() {
    let key = DataKey::new(
        &Zeroizing::new([9u8; 32]),
        &Envelope {
            provider: ProviderKind::Local,
            blob: vec![1],
            log_group: None,
        },
    );
    let mut nonces = HashSet::with_capacity(1_000_000);
    let mut out = Vec::new();
    for i in 0..1_000_000u32 {
        out.clear();
        key.seal(b"aad", &i.to_le_bytes(), &mut out).unwrap();
        let nonce: [u8; NONCE_LEN] = out[..NONCE_LEN].try_into().unwrap();
        assert!(nonces.insert(nonce), "nonce repeated at encryption {i}");
    }
    assert_eq!(key.uses(), 1_000_000);
}
