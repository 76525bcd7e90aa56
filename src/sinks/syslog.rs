//! `syslog`: RFC 5424 messages, framed by octet counting (RFC 6587 §3.4.1) over TLS
//! (RFC 5425, rustls, the receiver's certificate verified, optional client certificate)
//! or plain TCP, or one datagram each over UDP (RFC 5426) for legacy receivers.
//!
//! Message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - - [meta@32473 source=".." log_group=".."
//! log_stream=".." owner=".." event_id=".."] MSG`, where MSG is the scrubbed message
//! bytes unchanged and TIMESTAMP is the event's own time (or now) in UTC with
//! milliseconds. 32473 is the private enterprise number RFC 5612 reserves for
//! documentation; the SD-ID is only a name here.
//!
//! Delivery guarantee: syslog has no application ack, so "delivered" means written to a
//! TLS/TCP connection we believe open (a peer's close is detected before each write).
//! A receiver that crashes after reading but before storing can lose that batch; use
//! `splunk_hec` with ack, `http` or `firehose` where this matters. UDP may drop silently.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::{SendFuture, SendOutcome, Sink, SinkError};
use crate::config::validate::{SyslogSinkConfig, SyslogTransport};
use crate::event::Event;
use crate::queue::now_ms;

/// The SD-ID of our metadata element.
pub const SD_ID: &str = "meta@32473";

enum Conn {
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Udp(UdpSocket),
}

/// The `syslog` sink.
pub struct SyslogSink {
    config: SyslogSinkConfig,
    hostname: String,
    tls: Option<TlsConnector>,
    conn: tokio::sync::Mutex<Option<Conn>>,
}

fn local_hostname() -> String {
    let name = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let clean: String = name
        .trim()
        .bytes()
        .filter(|b| (33..=126).contains(b))
        .map(char::from)
        .take(255)
        .collect();
    if clean.is_empty() {
        "-".to_owned()
    } else {
        clean
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// RFC 3339 UTC with milliseconds, e.g. `2023-11-14T22:13:20.123Z`.
pub fn rfc3339_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

fn sd_param(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    for b in value.bytes() {
        if matches!(b, b'"' | b'\\' | b']') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

impl SyslogSink {
    /// Builds the sink (loads TLS files now, connects lazily).
    pub fn new(config: &SyslogSinkConfig) -> Result<Self, String> {
        let tls = match config.transport {
            SyslogTransport::Tls => {
                let client_cert = config
                    .tls_client_cert
                    .as_ref()
                    .map(|(c, k)| (c.as_path(), k.as_path()));
                let tls = super::tls::client_config(config.tls_ca_file.as_deref(), client_cert)?;
                Some(TlsConnector::from(tls))
            }
            _ => None,
        };
        Ok(Self {
            hostname: config.hostname.clone().unwrap_or_else(local_hostname),
            config: config.clone(),
            tls,
            conn: tokio::sync::Mutex::new(None),
        })
    }

    /// Appends the RFC 5424 message for `event` (without framing).
    pub fn format(&self, event: &Event, out: &mut Vec<u8>) {
        let pri = u32::from(self.config.facility) * 8 + u32::from(self.config.severity);
        let ts = rfc3339_ms(event.meta.timestamp_ms.unwrap_or_else(now_ms));
        out.extend_from_slice(
            format!(
                "<{pri}>1 {ts} {} {} - - [{SD_ID}",
                self.hostname, self.config.app_name
            )
            .as_bytes(),
        );
        let meta = &event.meta;
        sd_param(out, "source", &meta.source);
        for (name, value) in [
            ("owner", &meta.owner),
            ("log_group", &meta.log_group),
            ("log_stream", &meta.log_stream),
            ("event_id", &meta.event_id),
        ] {
            if let Some(value) = value {
                sd_param(out, name, value);
            }
        }
        out.extend_from_slice(b"] ");
        out.extend_from_slice(&event.message);
    }

    async fn connect(&self) -> Result<Conn, SinkError> {
        let addr = (self.config.host.as_str(), self.config.port);
        let fail = |e: std::io::Error| {
            SinkError::transient(format!(
                "syslog connect {}:{}: {e}",
                self.config.host, self.config.port
            ))
        };
        match self.config.transport {
            SyslogTransport::Udp => {
                let bind = if self.config.host.contains(':') {
                    "[::]:0"
                } else {
                    "0.0.0.0:0"
                };
                let socket = UdpSocket::bind(bind).await.map_err(fail)?;
                socket.connect(addr).await.map_err(fail)?;
                Ok(Conn::Udp(socket))
            }
            SyslogTransport::Tcp => {
                let stream = TcpStream::connect(addr).await.map_err(fail)?;
                let _ = stream.set_nodelay(true);
                Ok(Conn::Tcp(stream))
            }
            SyslogTransport::Tls => {
                let stream = TcpStream::connect(addr).await.map_err(fail)?;
                let _ = stream.set_nodelay(true);
                let name =
                    rustls::pki_types::ServerName::try_from(self.config.tls_server_name.clone())
                        .map_err(|e| SinkError::transient(format!("tls server name: {e}")))?;
                let Some(connector) = &self.tls else {
                    return Err(SinkError::transient("tls not configured"));
                };
                let tls = connector
                    .connect(name, stream)
                    .await
                    .map_err(|e| SinkError::transient(format!("syslog tls handshake: {e}")))?;
                Ok(Conn::Tls(Box::new(tls)))
            }
        }
    }
}

/// True when the receiver has closed its side (it never sends us data otherwise).
async fn peer_closed(conn: &mut Conn) -> bool {
    let mut buf = [0u8; 64];
    match conn {
        Conn::Udp(_) => false,
        Conn::Tcp(s) => tokio::select! {
            biased;
            r = s.read(&mut buf) => matches!(r, Ok(0) | Err(_)),
            () = std::future::ready(()) => false,
        },
        Conn::Tls(s) => tokio::select! {
            biased;
            r = s.read(&mut buf) => matches!(r, Ok(0) | Err(_)),
            () = std::future::ready(()) => false,
        },
    }
}

impl Sink for SyslogSink {
    fn send<'a>(&'a self, events: &'a [Event]) -> SendFuture<'a> {
        Box::pin(async move {
            let mut guard = self.conn.lock().await;
            if let Some(conn) = guard.as_mut()
                && peer_closed(conn).await
            {
                *guard = None;
            }
            if guard.is_none() {
                *guard = Some(self.connect().await?);
            }
            let Some(conn) = guard.as_mut() else {
                return Err(SinkError::transient("syslog: no connection"));
            };
            let mut frame = Vec::with_capacity(events.iter().map(|e| e.message.len() + 200).sum());
            let mut msg = Vec::with_capacity(1024);
            let written: std::io::Result<()> = async {
                for event in events {
                    msg.clear();
                    self.format(event, &mut msg);
                    match conn {
                        Conn::Udp(socket) => {
                            socket.send(&msg).await?;
                        }
                        _ => {
                            frame.extend_from_slice(msg.len().to_string().as_bytes());
                            frame.push(b' ');
                            frame.extend_from_slice(&msg);
                        }
                    }
                }
                match conn {
                    Conn::Udp(_) => {}
                    Conn::Tcp(s) => {
                        s.write_all(&frame).await?;
                        s.flush().await?;
                    }
                    Conn::Tls(s) => {
                        s.write_all(&frame).await?;
                        s.flush().await?;
                    }
                }
                Ok(())
            }
            .await;
            if let Err(e) = written {
                *guard = None;
                return Err(SinkError::transient(format!("syslog write: {e}")));
            }
            Ok(SendOutcome::delivered())
        })
    }
}

impl Drop for SyslogSink {
    fn drop(&mut self) {
        // RFC 5425 §4.4 asks for close_notify; rustls queues it and a best-effort write
        // happens if the runtime still runs. Nothing to do for TCP/UDP.
        if let Ok(mut guard) = self.conn.try_lock()
            && let Some(Conn::Tls(mut tls)) = guard.take()
        {
            tls.get_mut().1.send_close_notify();
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                handle.spawn(async move {
                    let _ = tls.shutdown().await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventMeta;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn message_follows_rfc5424_with_escaped_structured_data() {
        let sink = SyslogSink::new(&SyslogSinkConfig {
            host: "h".into(),
            port: 514,
            transport: SyslogTransport::Tcp,
            tls_ca_file: None,
            tls_client_cert: None,
            tls_server_name: "h".into(),
            facility: 16,
            severity: 6,
            app_name: "phiscrub".into(),
            hostname: Some("web-1".into()),
        })
        .unwrap();
        let event = Event::new(
            "user [SSN] logged in",
            EventMeta {
                source: "firehose".into(),
                log_group: Some("/g]\"x".into()),
                timestamp_ms: Some(1_700_000_000_123),
                ..EventMeta::default()
            },
        );
        let mut out = Vec::new();
        sink.format(&event, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<134>1 2023-11-14T22:13:20.123Z web-1 phiscrub - - [meta@32473 source="firehose" log_group="/g\]\"x"] user [SSN] logged in"#
        );
    }
}
