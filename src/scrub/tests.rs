//! Scrubber unit tests with hand-made findings (literal synthetic PHI).

use std::sync::Arc;

use super::*;
use crate::config::load::parse_embedded_default;
use crate::config::{ActionsConfig, FieldRuleConfig, KeysConfig, validate};
use crate::event::EventMeta;
use crate::keys::KeyUses;

const SSN: &str = "123-45-6789";
const EMAIL: &str = "ann.doe@example.org";
const NAME: &str = "Ann Doe";

fn keys_config() -> KeysConfig {
    validate(parse_embedded_default().unwrap()).unwrap().keys
}

struct Fixture {
    _dir: tempfile::TempDir,
    keys: Arc<KeyService>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(KeyService::build(&keys_config(), dir.path(), KeyUses::ALL, None).unwrap());
    Fixture { _dir: dir, keys }
}

fn finder() -> Box<dyn FindPhi> {
    Box::new(
        LiteralFinder::new([
            (SSN, PhiType::Ssn),
            (EMAIL, PhiType::Email),
            (NAME, PhiType::Name),
            ("1961-03-14", PhiType::Date),
            ("02139", PhiType::Zip),
            ("123456789", PhiType::Ssn),
        ])
        .unwrap(),
    )
}

fn scrubber(fx: &Fixture, policy: Policy) -> Scrubber {
    Scrubber::new(finder(), Arc::new(policy), fx.keys.clone())
}

fn scrub(s: &mut Scrubber, input: &str) -> String {
    let out = s
        .scrub(&Event::new(input.to_owned(), EventMeta::default()))
        .unwrap();
    String::from_utf8(out.message.to_vec()).unwrap()
}

fn reveal(fx: &Fixture, line: &str) -> (String, LineReveal) {
    let mut r = Revealer::new(fx.keys.clone());
    let mut out = Vec::new();
    let rep = r.reveal_line(line.as_bytes(), &mut out);
    (String::from_utf8(out).unwrap(), rep)
}

#[test]
fn text_lines_are_masked_by_default() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Mask));
    assert_eq!(
        scrub(
            &mut s,
            &format!("ERROR patient {NAME} ssn={SSN} mail {EMAIL}")
        ),
        "ERROR patient [NAME] ssn=[SSN] mail [EMAIL]"
    );
}

#[test]
fn lines_without_findings_are_passed_through_without_copying() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Encrypt));
    let event = Event::new("GET /health 200 3ms", EventMeta::default());
    let out = s.scrub(&event).unwrap();
    assert_eq!(out.message.as_ptr(), event.message.as_ptr());
    assert_eq!(out.findings.total(), 0);
    assert_eq!(
        fx.keys
            .stats()
            .generate_calls
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[test]
fn json_values_are_scrubbed_with_key_order_and_spacing_kept() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Mask));
    let input = format!(
        r#"{{ "z": 1, "msg" : "ssn {SSN} ok", "a": [ "{EMAIL}", 2.50e3, null ], "n": 123456789 }}"#
    );
    let out = scrub(&mut s, &input);
    assert_eq!(
        out,
        r#"{ "z": 1, "msg" : "ssn [SSN] ok", "a": [ "[EMAIL]", 2.50e3, null ], "n": "[SSN]" }"#
    );
    serde_json::from_str::<serde_json::Value>(&out).unwrap();
}

#[test]
fn escaped_phi_in_json_strings_is_found_and_replaced_whole() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Mask));
    // `\u0041nn Doe` decodes to `Ann Doe`; `\u002d` is `-`.
    let out = scrub(
        &mut s,
        r#"{"who":"x \u0041nn Doe y","ssn":"123\u002d45-6789"}"#,
    );
    assert_eq!(out, r#"{"who":"x [NAME] y","ssn":"[SSN]"}"#);
}

#[test]
fn json_inside_a_json_string_is_scanned_as_text() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Mask));
    let out = scrub(&mut s, &format!(r#"{{"body":"{{\"ssn\":\"{SSN}\"}}"}}"#));
    assert_eq!(out, r#"{"body":"{\"ssn\":\"[SSN]\"}"}"#);
}

#[test]
fn field_rules_apply_before_detection_and_drop_removes_members() {
    let fx = fixture();
    let mut config = ActionsConfig {
        default: ActionName::Mask,
        types: Default::default(),
        rules: Default::default(),
        fields: vec![
            FieldRuleConfig {
                path: vec!["*".into(), "ssn".into()],
                action: ActionName::Drop,
                phi_type: PhiType::Ssn,
            },
            FieldRuleConfig {
                path: vec!["**".into(), "dob".into()],
                action: ActionName::Generalize,
                phi_type: PhiType::Date,
            },
            FieldRuleConfig {
                path: vec!["patient".into(), "*".into()],
                action: ActionName::Mask,
                phi_type: PhiType::Name,
            },
        ],
        mask_template: "[{type}]".into(),
        partial_keep: 4,
    };
    let mut s = scrubber(&fx, Policy::from_config(&config));
    let out = scrub(
        &mut s,
        r#"{"rec":{"ssn":"000-00-0000","id":7},"x":{"y":{"dob":"03/14/1961"}},"patient":{"first":"Q","addr":{"c":1}}}"#,
    );
    assert_eq!(
        out,
        r#"{"rec":{"id":7},"x":{"y":{"dob":"1961"}},"patient":{"first":"[NAME]","addr":"[NAME]"}}"#
    );
    // Dropping the first and only members keeps the JSON valid.
    config.fields.truncate(1);
    let mut s = scrubber(&fx, Policy::from_config(&config));
    assert_eq!(
        scrub(&mut s, r#"{"a":{"ssn":1},"b":{ "ssn":2 , "c":3}}"#),
        r#"{"a":{},"b":{ "c":3}}"#
    );
}

#[test]
fn a_drop_action_from_detection_removes_the_member() {
    let fx = fixture();
    let mut c = ActionsConfig {
        default: ActionName::Mask,
        types: Default::default(),
        rules: Default::default(),
        fields: Vec::new(),
        mask_template: "[{type}]".into(),
        partial_keep: 4,
    };
    c.types.insert(PhiType::Email, ActionName::Drop);
    let mut s = scrubber(&fx, Policy::from_config(&c));
    assert_eq!(
        scrub(
            &mut s,
            &format!(r#"{{"to":"{EMAIL}","list":["{EMAIL}"],"ok":true}}"#)
        ),
        r#"{"list":["[EMAIL]"],"ok":true}"#
    );
    // In text, drop masks.
    assert_eq!(scrub(&mut s, &format!("mail {EMAIL}")), "mail [EMAIL]");
}

#[test]
fn partial_generalize_and_tokenize_render_their_formats() {
    let fx = fixture();
    let mut c = ActionsConfig {
        default: ActionName::Mask,
        types: Default::default(),
        rules: Default::default(),
        fields: Vec::new(),
        mask_template: "[{type}]".into(),
        partial_keep: 4,
    };
    c.types.insert(PhiType::Ssn, ActionName::Partial);
    c.types.insert(PhiType::Date, ActionName::Generalize);
    c.types.insert(PhiType::Zip, ActionName::Generalize);
    c.types.insert(PhiType::Email, ActionName::Tokenize);
    let mut s = scrubber(&fx, Policy::from_config(&c));
    let out = scrub(&mut s, &format!("{SSN} {EMAIL} born 1961-03-14 zip 02139"));
    let (head, tail) = out.split_once(' ').unwrap();
    assert_eq!(head, "***-**-6789");
    assert!(tail.starts_with("[EMAIL:tok_"), "{tail}");
    assert!(tail.ends_with("] born 1961 zip 021"), "{tail}");
    assert_eq!(
        out,
        scrub(&mut s, &format!("{SSN} {EMAIL} born 1961-03-14 zip 02139"))
    );
}

#[test]
fn tokens_differ_across_hmac_keys() {
    let a = fixture();
    let b = fixture();
    let line = format!("mail {EMAIL}");
    let ta = scrub(
        &mut scrubber(&a, Policy::uniform(ActionName::Tokenize)),
        &line,
    );
    let tb = scrub(
        &mut scrubber(&b, Policy::uniform(ActionName::Tokenize)),
        &line,
    );
    assert_ne!(ta, tb);
}

#[test]
fn encrypt_then_reveal_restores_text_exactly() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Encrypt));
    let input = format!("ERROR {NAME} ssn={SSN} {EMAIL}\r");
    let out = scrub(&mut s, &input);
    for secret in [NAME, SSN, EMAIL] {
        assert!(!out.contains(secret), "{out}");
    }
    assert!(out.contains("[SSN:enc:v1:"), "{out}");
    assert!(out.contains(" phiscrub_dk=v1.local."), "{out}");
    let (back, rep) = reveal(&fx, &out);
    assert_eq!(rep.failed, Vec::<String>::new());
    assert_eq!(rep.revealed, 3);
    assert_eq!(back, input);
}

#[test]
fn encrypt_then_reveal_restores_json_exactly() {
    let fx = fixture();
    let mut c = ActionsConfig {
        default: ActionName::Encrypt,
        types: Default::default(),
        rules: Default::default(),
        fields: vec![FieldRuleConfig {
            path: vec!["**".into(), "card".into()],
            action: ActionName::Encrypt,
            phi_type: PhiType::CreditCard,
        }],
        mask_template: "[{type}]".into(),
        partial_keep: 4,
    };
    let mut s = scrubber(&fx, Policy::from_config(&c));
    for input in [
        format!(
            r#"{{ "msg": "x \u0041nn Doe \"q\" {SSN}", "n" : 123456789, "card": {{"no": 4111, "exp":"01/30"}}, "e":[ "{EMAIL}" ] }}  "#
        ),
        format!(r#"{{"ssn":"{SSN}"}}"#),
        "{\"card\":true}".to_owned(),
    ] {
        let out = scrub(&mut s, &input);
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
        assert!(!out.contains(SSN) && !out.contains("4111"), "{out}");
        assert!(out.contains(r#""_phiscrub":{"dk":"v1.local."#), "{out}");
        let (back, rep) = reveal(&fx, &out);
        assert!(rep.failed.is_empty(), "{:?}", rep.failed);
        assert_eq!(back, input);
    }
    // A JSON array cannot carry the data key: fail closed.
    let err = s
        .scrub(&Event::new(format!(r#"["{SSN}"]"#), EventMeta::default()))
        .unwrap_err();
    assert!(matches!(err, ScrubError::NoRoomForDataKey));
    c.fields.clear();
}

#[test]
fn a_modified_token_fails_alone_and_the_rest_reveal() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Encrypt));
    let out = scrub(&mut s, &format!("{SSN} and {EMAIL}"));
    // Flip one character inside the SSN token's ciphertext.
    let at = out.find("[SSN:enc:v1:").unwrap() + 30;
    let mut bytes = out.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let (back, rep) = reveal(&fx, &tampered);
    assert_eq!(rep.revealed, 1);
    assert_eq!(rep.failed.len(), 1);
    assert!(
        rep.failed[0].contains("failed authentication"),
        "{:?}",
        rep.failed
    );
    assert!(back.contains(EMAIL) && back.contains("[SSN:enc:v1:") && back.contains("phiscrub_dk="));
}

#[test]
fn relabelling_a_token_type_fails_authentication() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Encrypt));
    let out = scrub(&mut s, &format!("x {SSN}")).replace("[SSN:enc", "[MRN:enc");
    let (_, rep) = reveal(&fx, &out);
    assert_eq!(rep.revealed, 0);
    assert_eq!(rep.failed.len(), 1);
}

#[test]
fn a_wrong_encryption_context_fails_to_reveal_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let keys =
        Arc::new(KeyService::build(&keys_config(), dir.path(), KeyUses::DATA_KEYS, None).unwrap());
    let mut s = Scrubber::new(
        finder(),
        Arc::new(Policy::uniform(ActionName::Encrypt)),
        keys,
    );
    let out = s
        .scrub(&Event::new(format!("x {SSN}"), EventMeta::default()))
        .unwrap();
    let mut other = keys_config();
    other
        .encryption_context
        .insert("app".into(), "someone-else".into());
    let revealer_keys =
        Arc::new(KeyService::build(&other, dir.path(), KeyUses::DATA_KEYS, None).unwrap());
    let mut r = Revealer::new(revealer_keys);
    let mut back = Vec::new();
    let rep = r.reveal_line(&out.message, &mut back);
    assert_eq!(rep.revealed, 0);
    assert!(
        rep.failed[0].contains("wrong encryption context"),
        "{:?}",
        rep.failed
    );
    assert_eq!(back, out.message.as_ref());
}

#[test]
fn invalid_utf8_is_scrubbed_as_bytes_and_valid_utf8_stays_valid() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Encrypt));
    let mut input = b"\xff\xfe ssn ".to_vec();
    input.extend_from_slice(SSN.as_bytes());
    input.extend_from_slice(b" \xc3");
    let out = s
        .scrub(&Event::new(input.clone(), EventMeta::default()))
        .unwrap();
    assert!(memchr::memmem::find(&out.message, SSN.as_bytes()).is_none());
    let mut r = Revealer::new(fx.keys.clone());
    let mut back = Vec::new();
    r.reveal_line(&out.message, &mut back);
    assert_eq!(back, input);
    // A JSON-looking line that does not parse is scrubbed as text.
    let out = scrub(&mut s, &format!("{{\"broken\": {SSN}"));
    assert!(
        !out.contains(SSN) && out.starts_with("{\"broken\": [SSN:enc:v1:"),
        "{out}"
    );
}

#[test]
fn ndjson_mode_rejects_non_json() {
    let fx = fixture();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Mask));
    let err = s
        .scrub_as(
            &Event::new("not json", EventMeta::default()),
            MessageKind::Json,
        )
        .unwrap_err();
    assert_eq!(err.reason(), "invalid_json");
    let deep = "[".repeat(MAX_JSON_DEPTH + 2) + &"]".repeat(MAX_JSON_DEPTH + 2);
    let err = s
        .scrub_as(&Event::new(deep, EventMeta::default()), MessageKind::Json)
        .unwrap_err();
    assert!(matches!(err, ScrubError::TooDeep));
}

#[test]
fn one_data_key_serves_many_events_within_limits() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = keys_config();
    config.cache.max_uses = 10;
    config.cache.refresh_at = 1.0;
    let keys = Arc::new(KeyService::build(&config, dir.path(), KeyUses::DATA_KEYS, None).unwrap());
    let mut s = Scrubber::new(
        finder(),
        Arc::new(Policy::uniform(ActionName::Encrypt)),
        keys.clone(),
    );
    for _ in 0..50 {
        s.scrub(&Event::new(SSN, EventMeta::default())).unwrap();
    }
    // 50 encryptions, 10 per key.
    assert_eq!(
        keys.stats()
            .generate_calls
            .load(std::sync::atomic::Ordering::Relaxed),
        5
    );
}

#[test]
fn log_groups_get_their_own_data_keys_when_bound() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = keys_config();
    config.context_log_group = true;
    let keys = Arc::new(KeyService::build(&config, dir.path(), KeyUses::DATA_KEYS, None).unwrap());
    let mut s = Scrubber::new(
        finder(),
        Arc::new(Policy::uniform(ActionName::Encrypt)),
        keys.clone(),
    );
    let meta = |g: &str| EventMeta {
        log_group: Some(g.to_owned()),
        ..EventMeta::default()
    };
    let a = s.scrub(&Event::new(SSN, meta("/a"))).unwrap();
    let b = s.scrub(&Event::new(SSN, meta("/b"))).unwrap();
    let a2 = s.scrub(&Event::new(SSN, meta("/a"))).unwrap();
    assert_eq!(
        keys.stats()
            .generate_calls
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    let dk = |m: &Bytes| {
        String::from_utf8(m.to_vec())
            .unwrap()
            .split("phiscrub_dk=")
            .nth(1)
            .unwrap()
            .to_owned()
    };
    assert_ne!(dk(&a.message), dk(&b.message));
    assert_eq!(dk(&a.message), dk(&a2.message));
    let mut r = Revealer::new(keys);
    let mut back = Vec::new();
    assert!(r.reveal_line(&b.message, &mut back).failed.is_empty());
    assert_eq!(back, SSN.as_bytes());
}

#[test]
fn metrics_are_flushed_per_batch() {
    let fx = fixture();
    let metrics = Metrics::new("portable").unwrap();
    let mut s = scrubber(&fx, Policy::uniform(ActionName::Mask));
    scrub(&mut s, &format!("{SSN} {SSN} {EMAIL}"));
    s.flush_metrics(&metrics);
    let text = metrics.render();
    assert!(
        text.contains(r#"phiscrub_actions_total{action="mask",type="SSN"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"phiscrub_findings_total{rule="literal-EMAIL",type="EMAIL"} 1"#),
        "{text}"
    );
}

#[test]
fn reveal_leaves_lines_without_tokens_alone() {
    let fx = fixture();
    let line = "user text that ends like ours phiscrub_dk=v1.local.AAAA";
    let (back, rep) = reveal(&fx, line);
    assert_eq!(back, line);
    assert_eq!(rep, LineReveal::default());
}

/// A finder whose line scan claims to cover JSON values, counting calls.
struct Gated {
    inner: LiteralFinder,
    line_calls: usize,
    value_calls: usize,
}

impl FindPhi for Gated {
    fn find_in_line(&mut self, line: &[u8], out: &mut Vec<Finding>) -> Result<(), ScanError> {
        self.line_calls += 1;
        self.inner.find_in_line(line, out)
    }
    fn find_in_value(
        &mut self,
        key: Option<&str>,
        value: &[u8],
        out: &mut Vec<Finding>,
    ) -> Result<(), ScanError> {
        self.value_calls += 1;
        self.inner.find_in_value(key, value, out)
    }
    fn rule_id(&self, rule: RuleIdx) -> &str {
        self.inner.rule_id(rule)
    }
    fn line_scan_covers_json_values(&self) -> bool {
        true
    }
}

#[test]
fn json_events_without_line_findings_cost_one_detector_call() {
    use std::sync::Mutex;
    // Count through a shared cell: the scrubber owns the finder.
    struct Shared(Arc<Mutex<Gated>>);
    impl FindPhi for Shared {
        fn find_in_line(&mut self, l: &[u8], o: &mut Vec<Finding>) -> Result<(), ScanError> {
            self.0.lock().unwrap().find_in_line(l, o)
        }
        fn find_in_value(
            &mut self,
            k: Option<&str>,
            v: &[u8],
            o: &mut Vec<Finding>,
        ) -> Result<(), ScanError> {
            self.0.lock().unwrap().find_in_value(k, v, o)
        }
        fn rule_id(&self, _rule: RuleIdx) -> &str {
            "literal"
        }
        fn line_scan_covers_json_values(&self) -> bool {
            true
        }
    }
    let fx = fixture();
    let gated = Arc::new(Mutex::new(Gated {
        inner: LiteralFinder::new([(SSN, PhiType::Ssn)]).unwrap(),
        line_calls: 0,
        value_calls: 0,
    }));
    let mut s = Scrubber::new(
        Box::new(Shared(gated.clone())),
        Arc::new(Policy::uniform(ActionName::Mask)),
        fx.keys.clone(),
    );
    let clean = r#"{"a":"x","b":[1,2,{"c":"y"}]}"#;
    assert_eq!(scrub(&mut s, clean), clean);
    {
        // One guard: two `lock()` temporaries in one expression would deadlock.
        let counts = gated.lock().unwrap();
        assert_eq!((counts.line_calls, counts.value_calls), (1, 0));
    }
    assert_eq!(
        scrub(&mut s, &format!(r#"{{"a":"{SSN}","b":"z"}}"#)),
        r#"{"a":"[SSN]","b":"z"}"#
    );
    assert_eq!(gated.lock().unwrap().value_calls, 2);
    // ndjson still rejects what is not JSON, PHI or not.
    let err = s
        .scrub_as(
            &Event::new("{not json", EventMeta::default()),
            MessageKind::Json,
        )
        .unwrap_err();
    assert_eq!(err.reason(), "invalid_json");
}
