//! What a SIEM sees instead of PHI: the policy that picks an action for each finding or
//! JSON field, and the actions themselves (`mask`, `partial`, `tokenize`, `encrypt`,
//! `drop`, `generalize`).
//!
//! Precedence, most specific first: a JSON key-path rule (`[[actions.fields]]`, first
//! match in config order), then the rule id (`[actions.rules]`), then the PHI type
//! (`[actions.types]`), then `actions.default`.

pub mod encrypt;
pub mod generalize;
pub mod redact;
pub mod tokenize;

use std::collections::HashMap;

pub use encrypt::{EncToken, EncryptScratch, Form, next_enc_token, open_token, render_encrypt};
pub use redact::{MaskTemplate, partial};
pub use tokenize::Tokenizer;

use crate::config::{ActionName, ActionsConfig};
use crate::detect::PhiType;

/// One segment of a key-path glob.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `*`: exactly one key.
    One,
    /// `**`: any number of keys, including none.
    Any,
    /// A literal key.
    Key(String),
}

/// A JSON key-path rule.
#[derive(Debug, Clone)]
pub struct FieldRule {
    pattern: Vec<Segment>,
    /// The action for the whole value.
    pub action: ActionName,
    /// The type the value is reported and tokenized as.
    pub phi_type: PhiType,
}

impl FieldRule {
    /// Whether `path` (object keys from the root; array levels are transparent) matches.
    pub fn matches<S: AsRef<str>>(&self, path: &[S]) -> bool {
        glob_match(&self.pattern, path)
    }
}

fn glob_match<S: AsRef<str>>(pattern: &[Segment], path: &[S]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::Any, rest)) => (0..=path.len()).any(|skip| glob_match(rest, &path[skip..])),
        Some((seg, rest)) => match path.split_first() {
            None => false,
            Some((key, path_rest)) => {
                let ok = match seg {
                    Segment::One => true,
                    Segment::Key(k) => k == key.as_ref(),
                    Segment::Any => false,
                };
                ok && glob_match(rest, path_rest)
            }
        },
    }
}

/// The scrub policy, built once from config and shared by every worker.
#[derive(Debug, Clone)]
pub struct Policy {
    by_type: [ActionName; PhiType::ALL.len()],
    by_rule: HashMap<String, ActionName>,
    fields: Vec<FieldRule>,
    /// The `mask` replacement.
    pub mask: MaskTemplate,
    /// `partial`: trailing letters/digits kept.
    pub partial_keep: usize,
}

impl Policy {
    /// Builds the policy from validated config.
    pub fn from_config(config: &ActionsConfig) -> Self {
        let mut by_type = [config.default; PhiType::ALL.len()];
        for (t, a) in &config.types {
            by_type[*t as usize] = *a;
        }
        Self {
            by_type,
            by_rule: config.rules.clone().into_iter().collect(),
            fields: config
                .fields
                .iter()
                .map(|f| FieldRule {
                    pattern: f
                        .path
                        .iter()
                        .map(|s| match s.as_str() {
                            "*" => Segment::One,
                            "**" => Segment::Any,
                            key => Segment::Key(key.to_owned()),
                        })
                        .collect(),
                    action: f.action,
                    phi_type: f.phi_type,
                })
                .collect(),
            mask: MaskTemplate::new(&config.mask_template),
            partial_keep: config.partial_keep,
        }
    }

    /// A policy that applies `action` to every type (tests and benches).
    pub fn uniform(action: ActionName) -> Self {
        Self::from_config(&ActionsConfig {
            default: action,
            types: Default::default(),
            rules: Default::default(),
            fields: Vec::new(),
            mask_template: "[{type}]".to_owned(),
            partial_keep: 4,
        })
    }

    /// The action for a finding of `phi_type` by the rule named `rule_id`.
    pub fn action_for(&self, phi_type: PhiType, rule_id: Option<&str>) -> ActionName {
        if !self.by_rule.is_empty()
            && let Some(a) = rule_id.and_then(|id| self.by_rule.get(id))
        {
            return *a;
        }
        self.by_type[phi_type as usize]
    }

    /// Whether any key-path rules exist (else paths need not be tracked).
    pub fn has_field_rules(&self) -> bool {
        !self.fields.is_empty()
    }

    /// The first key-path rule matching `path`.
    pub fn field_rule<S: AsRef<str>>(&self, path: &[S]) -> Option<&FieldRule> {
        self.fields.iter().find(|f| f.matches(path))
    }

    /// Whether any finding or field could get `action`.
    pub fn uses(&self, action: ActionName) -> bool {
        self.by_type.contains(&action)
            || self.by_rule.values().any(|a| *a == action)
            || self.fields.iter().any(|f| f.action == action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FieldRuleConfig;

    fn rule(path: &str) -> FieldRule {
        let policy = Policy::from_config(&ActionsConfig {
            default: ActionName::Mask,
            types: Default::default(),
            rules: Default::default(),
            fields: vec![FieldRuleConfig {
                path: path.split('.').map(str::to_owned).collect(),
                action: ActionName::Drop,
                phi_type: PhiType::Ssn,
            }],
            mask_template: "[{type}]".into(),
            partial_keep: 4,
        });
        policy.fields[0].clone()
    }

    #[test]
    fn globs_match_key_paths() {
        let star_ssn = rule("*.ssn");
        assert!(star_ssn.matches(&["patient", "ssn"]));
        assert!(!star_ssn.matches(&["ssn"]));
        assert!(!star_ssn.matches(&["a", "b", "ssn"]));
        let patient = rule("patient.*");
        assert!(patient.matches(&["patient", "name"]));
        assert!(!patient.matches(&["patient"]));
        assert!(!patient.matches(&["patient", "a", "b"]));
        let dob = rule("**.dob");
        assert!(dob.matches(&["dob"]));
        assert!(dob.matches(&["a", "b", "dob"]));
        assert!(!dob.matches(&["a", "dob", "x"]));
        assert!(rule("a.**").matches(&["a", "b", "c"]));
    }

    #[test]
    fn rule_ids_win_over_types_and_types_over_the_default() {
        let policy = Policy::from_config(&ActionsConfig {
            default: ActionName::Mask,
            types: [(PhiType::Ssn, ActionName::Encrypt)].into_iter().collect(),
            rules: [("ssn-last4".to_owned(), ActionName::Partial)]
                .into_iter()
                .collect(),
            fields: Vec::new(),
            mask_template: "[{type}]".into(),
            partial_keep: 4,
        });
        assert_eq!(
            policy.action_for(PhiType::Ssn, Some("ssn-last4")),
            ActionName::Partial
        );
        assert_eq!(
            policy.action_for(PhiType::Ssn, Some("ssn")),
            ActionName::Encrypt
        );
        assert_eq!(policy.action_for(PhiType::Email, None), ActionName::Mask);
        assert!(policy.uses(ActionName::Encrypt) && !policy.uses(ActionName::Tokenize));
    }
}
