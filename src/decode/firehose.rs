//! Amazon Data Firehose documents: the HTTP endpoint delivery request and response
//! (PROTOCOLS.md §2), the data-transformation event and response (§3), and the decoding
//! of one record's `data` into events.
//!
//! A record's data is base64; after that it is gzip (sniffed by magic, the default for
//! CloudWatch Logs subscriptions) or plain (Firehose's own decompression is on), and then
//! a subscription message or, with message extraction on, plain text lines. `auto` tells
//! these apart per record; `cloudwatch` insists on subscription messages; `lines` treats
//! everything as text.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::cloudwatch::{self, Envelope};
use super::{DecodeBudget, DecodeError, DecodeLimits, base64, gzip};
use crate::event::{Event, EventMeta};

/// `X-Amz-Firehose-Request-Id`.
pub const HEADER_REQUEST_ID: &str = "x-amz-firehose-request-id";
/// `X-Amz-Firehose-Access-Key`.
pub const HEADER_ACCESS_KEY: &str = "x-amz-firehose-access-key";
/// `X-Amz-Firehose-Protocol-Version`.
pub const HEADER_PROTOCOL_VERSION: &str = "x-amz-firehose-protocol-version";
/// `X-Amz-Firehose-Source-Arn`.
pub const HEADER_SOURCE_ARN: &str = "x-amz-firehose-source-arn";
/// `X-Amz-Firehose-Common-Attributes`.
pub const HEADER_COMMON_ATTRIBUTES: &str = "x-amz-firehose-common-attributes";

/// The HTTP endpoint delivery request body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirehoseRequest<'a> {
    /// Same as the `X-Amz-Firehose-Request-Id` header; kept across retries.
    #[serde(borrow)]
    pub request_id: Cow<'a, str>,
    /// Epoch milliseconds.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// 1..=10,000 records.
    #[serde(borrow)]
    pub records: Vec<FirehoseRecord<'a>>,
}

/// One record of a delivery request.
#[derive(Debug, Deserialize)]
pub struct FirehoseRecord<'a> {
    /// Base64 of the record's bytes (may be empty).
    #[serde(borrow, default)]
    pub data: Cow<'a, str>,
}

/// The endpoint's answer: success has no `errorMessage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirehoseResponse {
    /// The request's id, echoed.
    pub request_id: String,
    /// Epoch milliseconds, a JSON integer.
    pub timestamp: i64,
    /// Why delivery failed (at most 8,192 characters, never payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// The data-transformation event Firehose sends to a Lambda.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransformEvent<'a> {
    /// Invocation id.
    #[serde(default, borrow)]
    pub invocation_id: Option<Cow<'a, str>>,
    /// The delivery stream.
    #[serde(default, borrow)]
    pub delivery_stream_arn: Option<Cow<'a, str>>,
    /// AWS region.
    #[serde(default, borrow)]
    pub region: Option<Cow<'a, str>>,
    /// The records to transform.
    #[serde(borrow)]
    pub records: Vec<TransformRecord<'a>>,
}

fn lenient_millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Millis<'a> {
        Int(i64),
        Float(f64),
        Text(Cow<'a, str>),
    }
    Ok(match Option::<Millis<'_>>::deserialize(d)? {
        Some(Millis::Int(ms)) => Some(ms),
        #[allow(clippy::cast_possible_truncation)]
        Some(Millis::Float(ms)) if ms.is_finite() => Some(ms as i64),
        Some(Millis::Text(text)) => text.trim().parse().ok(),
        _ => None,
    })
}

/// One record to transform.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransformRecord<'a> {
    /// Must appear exactly once in the response.
    #[serde(borrow)]
    pub record_id: Cow<'a, str>,
    /// Epoch milliseconds (read leniently: integer, float or numeric string, as
    /// libraries disagree; PROTOCOLS.md §3.1).
    #[serde(default, deserialize_with = "lenient_millis")]
    pub approximate_arrival_timestamp: Option<i64>,
    /// Base64 of the record's bytes.
    #[serde(borrow, default)]
    pub data: Cow<'a, str>,
}

/// A transformed record's status, spelled as Firehose expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransformResult {
    /// Transformed; `data` holds the result.
    Ok,
    /// Deliberately dropped (control messages).
    Dropped,
    /// Could not be transformed; Firehose sends it to its error output.
    ProcessingFailed,
}

/// One record of the transformation response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransformResponseRecord {
    /// The input record's id.
    pub record_id: String,
    /// The outcome.
    pub result: TransformResult,
    /// Base64 of the transformed bytes (`Ok` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// The transformation response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransformResponse {
    /// One entry per input record, same order.
    pub records: Vec<TransformResponseRecord>,
}

/// How a record's decoded bytes are interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordFormat {
    /// Subscription message when it parses as one, else text lines.
    #[default]
    Auto,
    /// Subscription messages only; anything else fails the record.
    Cloudwatch,
    /// Text lines (Firehose message extraction on).
    Lines,
}

impl std::str::FromStr for RecordFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "cloudwatch" => Ok(Self::Cloudwatch),
            "lines" => Ok(Self::Lines),
            other => Err(format!(
                "unknown record format `{other}` (expected auto, cloudwatch or lines)"
            )),
        }
    }
}

/// What a record turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodedRecord {
    /// Subscription messages; events were appended in envelope order.
    Cloudwatch {
        /// The envelopes, with their event counts.
        envelopes: Vec<Envelope>,
        /// Whether the record was gzip (so a transformation re-gzips it).
        gzip: bool,
    },
    /// Text lines; one event per non-empty line was appended.
    Lines {
        /// Events appended.
        events: usize,
        /// Whether the record was gzip.
        gzip: bool,
    },
}

impl DecodedRecord {
    /// Whether the record held only control messages (nothing to deliver, by design).
    pub fn is_control_only(&self) -> bool {
        match self {
            Self::Cloudwatch { envelopes, .. } => envelopes
                .iter()
                .all(|e| e.kind == cloudwatch::MessageKind::Control),
            Self::Lines { .. } => false,
        }
    }
}

/// Per-worker buffers reused across records so decoding allocates once per worker.
#[derive(Debug, Default)]
pub struct RecordScratch {
    raw: Vec<u8>,
    inflated: Vec<u8>,
}

/// Decodes one record's base64 `data`, appending its events to `out`.
pub fn decode_record(
    data: &[u8],
    format: RecordFormat,
    limits: &DecodeLimits,
    budget: &DecodeBudget,
    scratch: &mut RecordScratch,
    base: &EventMeta,
    out: &mut Vec<Event>,
) -> Result<DecodedRecord, DecodeError> {
    let mut raw = std::mem::take(&mut scratch.raw);
    let result = base64::decode_into(data, limits.max_record_bytes, &mut raw).and_then(|()| {
        decode_record_bytes(
            &raw,
            format,
            limits,
            budget,
            &mut scratch.inflated,
            base,
            out,
        )
    });
    scratch.raw = raw;
    result
}

/// Decodes one record's bytes (after base64), appending its events to `out`.
pub fn decode_record_bytes(
    raw: &[u8],
    format: RecordFormat,
    limits: &DecodeLimits,
    budget: &DecodeBudget,
    inflated: &mut Vec<u8>,
    base: &EventMeta,
    out: &mut Vec<Event>,
) -> Result<DecodedRecord, DecodeError> {
    if raw.len() > limits.max_record_bytes {
        return Err(DecodeError::TooLarge {
            what: "record",
            limit: limits.max_record_bytes,
        });
    }
    let is_gzip = gzip::is_gzip(raw);
    let bytes: &[u8] = if is_gzip {
        let record_cap = limits.max_decompressed_record_bytes;
        let left = budget.remaining();
        let (cap, what, shown) = if left < record_cap {
            (
                left,
                "decompressed request",
                limits.max_decompressed_request_bytes,
            )
        } else {
            (record_cap, "decompressed record", record_cap)
        };
        gzip::gunzip_into(raw, cap, what, shown, inflated)?;
        budget.take(inflated.len())?;
        inflated
    } else {
        raw
    };
    let starts_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    match format {
        RecordFormat::Cloudwatch => {
            let envelopes = cloudwatch::decode_message(bytes, base, out)?;
            Ok(DecodedRecord::Cloudwatch {
                envelopes,
                gzip: is_gzip,
            })
        }
        RecordFormat::Auto if starts_like_json => {
            match cloudwatch::decode_message(bytes, base, out) {
                Ok(envelopes) => Ok(DecodedRecord::Cloudwatch {
                    envelopes,
                    gzip: is_gzip,
                }),
                Err(_) => lines(bytes, is_gzip, base, out),
            }
        }
        RecordFormat::Auto | RecordFormat::Lines => lines(bytes, is_gzip, base, out),
    }
}

fn lines(
    bytes: &[u8],
    gzip: bool,
    base: &EventMeta,
    out: &mut Vec<Event>,
) -> Result<DecodedRecord, DecodeError> {
    // Binary data (e.g. zlib, which some producers use instead of gzip) would pass the
    // scanner unseen; text only.
    if std::str::from_utf8(bytes).is_err() {
        return Err(DecodeError::NotText);
    }
    let mut events = 0;
    for line in bytes.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        out.push(Event::new(
            bytes::Bytes::copy_from_slice(line),
            base.clone(),
        ));
        events += 1;
    }
    Ok(DecodedRecord::Lines { events, gzip })
}

/// What [`events_from_document`] found.
#[derive(Debug, Default)]
pub struct DocumentEvents {
    /// Events of every record that decoded, in record order.
    pub events: Vec<Event>,
    /// Records that held only control messages.
    pub control_records: usize,
    /// Records that failed, by index, with why.
    pub failed_records: Vec<(usize, DecodeError)>,
}

/// Decodes a whole Firehose document as `phiscrub scrub --format firehose` reads it: an
/// HTTP endpoint delivery request body (optionally gzip) or a data-transformation event.
/// Records decode independently: a bad record is listed in `failed_records` and the rest
/// still decode. Events carry `source = "firehose"` (delivery request) or `"transform"`.
pub fn events_from_document(
    doc: &[u8],
    format: RecordFormat,
    limits: &DecodeLimits,
) -> Result<DocumentEvents, DecodeError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AnyDocument<'a> {
        #[serde(default, borrow)]
        request_id: Option<Cow<'a, str>>,
        #[serde(default)]
        timestamp: Option<i64>,
        #[serde(borrow)]
        records: Vec<FirehoseRecord<'a>>,
    }
    let mut inflated_body = Vec::new();
    let body: &[u8] = if gzip::is_gzip(doc) {
        let cap = limits.max_decompressed_request_bytes;
        gzip::gunzip_into(doc, cap, "decompressed request", cap, &mut inflated_body)?;
        &inflated_body
    } else {
        doc
    };
    let parsed: AnyDocument<'_> =
        serde_json::from_slice(body).map_err(|e| DecodeError::json("firehose document", &e))?;
    if parsed.records.len() > limits.max_records {
        return Err(DecodeError::TooManyRecords {
            count: parsed.records.len(),
            limit: limits.max_records,
        });
    }
    let base = EventMeta {
        source: if parsed.request_id.is_some() {
            "firehose"
        } else {
            "transform"
        }
        .to_owned(),
        timestamp_ms: parsed.timestamp,
        ..EventMeta::default()
    };
    let budget = DecodeBudget::new(limits.max_decompressed_request_bytes);
    let mut scratch = RecordScratch::default();
    let mut found = DocumentEvents::default();
    for (index, record) in parsed.records.iter().enumerate() {
        match decode_record(
            record.data.as_bytes(),
            format,
            limits,
            &budget,
            &mut scratch,
            &base,
            &mut found.events,
        ) {
            Ok(decoded) if decoded.is_control_only() => found.control_records += 1,
            Ok(_) => {}
            Err(err) => found.failed_records.push((index, err)),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const DATA: &str = r#"{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":[],"logEvents":[{"id":"a","timestamp":1,"message":"x"},{"id":"b","timestamp":2,"message":"y"}]}"#;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn decode(
        raw: &[u8],
        format: RecordFormat,
    ) -> Result<(DecodedRecord, Vec<Event>), DecodeError> {
        let limits = DecodeLimits::default();
        let budget = DecodeBudget::new(limits.max_decompressed_request_bytes);
        let mut out = Vec::new();
        let base = EventMeta::default();
        decode_record(
            base64::encode(raw).as_bytes(),
            format,
            &limits,
            &budget,
            &mut RecordScratch::default(),
            &base,
            &mut out,
        )
        .map(|d| (d, out))
    }

    #[test]
    fn gzip_and_plain_subscription_messages_decode_alike() {
        let (kind, events) = decode(&gz(DATA.as_bytes()), RecordFormat::Auto).unwrap();
        assert!(matches!(kind, DecodedRecord::Cloudwatch { gzip: true, .. }));
        assert_eq!(events.len(), 2);
        let (kind, events) = decode(DATA.as_bytes(), RecordFormat::Auto).unwrap();
        assert!(matches!(
            kind,
            DecodedRecord::Cloudwatch { gzip: false, .. }
        ));
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn extracted_messages_become_lines() {
        let (kind, events) =
            decode(b"first\r\n{\"level\":\"info\"}\n\n", RecordFormat::Auto).unwrap();
        assert_eq!(
            kind,
            DecodedRecord::Lines {
                events: 2,
                gzip: false
            }
        );
        assert_eq!(&events[1].message[..], b"{\"level\":\"info\"}");
        // A JSON line that is not a subscription message is a line in auto mode...
        let (kind, _) = decode(b"{\"level\":\"info\"}", RecordFormat::Auto).unwrap();
        assert!(matches!(kind, DecodedRecord::Lines { .. }));
        // ...and a failure when subscription messages are required.
        assert!(decode(b"{\"level\":\"info\"}", RecordFormat::Cloudwatch).is_err());
    }

    #[test]
    fn binary_non_gzip_is_refused() {
        let zlib_like = [0x78u8, 0xda, 0xff, 0x00, 0x81];
        assert_eq!(
            decode(&zlib_like, RecordFormat::Auto).unwrap_err(),
            DecodeError::NotText
        );
    }

    #[test]
    fn request_budget_caps_many_records_together() {
        let limits = DecodeLimits {
            max_decompressed_record_bytes: 1000,
            max_decompressed_request_bytes: 1500,
            ..DecodeLimits::default()
        };
        let budget = DecodeBudget::new(limits.max_decompressed_request_bytes);
        let data = base64::encode(&gz(&[b'a'; 900]));
        let mut scratch = RecordScratch::default();
        let base = EventMeta::default();
        let mut out = Vec::new();
        assert!(
            decode_record(
                data.as_bytes(),
                RecordFormat::Lines,
                &limits,
                &budget,
                &mut scratch,
                &base,
                &mut out
            )
            .is_ok()
        );
        let err = decode_record(
            data.as_bytes(),
            RecordFormat::Lines,
            &limits,
            &budget,
            &mut scratch,
            &base,
            &mut out,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            DecodeError::TooLarge {
                what: "decompressed request",
                ..
            }
        ));
    }

    #[test]
    fn document_decoding_isolates_bad_records() {
        let doc = format!(
            r#"{{"requestId":"r","timestamp":5,"records":[{{"data":"{}"}},{{"data":"!!"}}]}}"#,
            base64::encode(&gz(DATA.as_bytes()))
        );
        let found =
            events_from_document(doc.as_bytes(), RecordFormat::Auto, &DecodeLimits::default())
                .unwrap();
        assert_eq!(found.events.len(), 2);
        assert_eq!(found.failed_records.len(), 1);
        assert_eq!(found.failed_records[0].0, 1);
        assert_eq!(found.events[0].meta.source, "firehose");
    }

    #[test]
    fn shared_fixture_is_nine_events_and_one_control_message_every_time() {
        let doc = include_bytes!("../../tests/fixtures/firehose-transform-cloudwatch-sample.json");
        for _ in 0..3 {
            let found =
                events_from_document(doc, RecordFormat::Auto, &DecodeLimits::default()).unwrap();
            assert_eq!(found.events.len(), 9);
            assert_eq!(found.control_records, 1);
            assert!(found.failed_records.is_empty());
            assert!(found.events.iter().all(|e| e.meta.log_group.is_some()
                && e.meta.event_id.is_some()
                && e.meta.owner.as_deref() == Some("263868185958")));
        }
    }

    #[test]
    fn response_serializes_per_spec() {
        let ok = FirehoseResponse {
            request_id: "r".into(),
            timestamp: 1578090903599,
            error_message: None,
        };
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"requestId":"r","timestamp":1578090903599}"#
        );
        let rec = TransformResponseRecord {
            record_id: "1".into(),
            result: TransformResult::ProcessingFailed,
            data: None,
        };
        assert_eq!(
            serde_json::to_string(&rec).unwrap(),
            r#"{"recordId":"1","result":"ProcessingFailed"}"#
        );
    }
}
