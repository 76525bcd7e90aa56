//! rustls client configuration shared by the TLS sinks: server verification against a
//! CA file or the system roots, optional client certificate, TLS 1.2+ only (rustls has no
//! older versions), aws-lc-rs as the crypto provider.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("read {}: {e}", path.display()))?
        .collect();
    let certs = certs.map_err(|e| format!("parse {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", path.display()));
    }
    Ok(certs)
}

/// A client config that verifies the server against `ca_file` (or the system roots) and
/// presents `client_cert` (chain file, key file) when given.
pub fn client_config(
    ca_file: Option<&Path>,
    client_cert: Option<(&Path, &Path)>,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            for cert in certs(path)? {
                roots
                    .add(cert)
                    .map_err(|e| format!("CA in {}: {e}", path.display()))?;
            }
        }
        None => {
            let native = rustls_native_certs::load_native_certs();
            for cert in native.certs {
                // Skip unparsable system roots rather than fail: others may be fine.
                let _ = roots.add(cert);
            }
            if roots.is_empty() {
                return Err("no system root certificates found; set tls_ca_file".to_owned());
            }
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("tls: {e}"))?
        .with_root_certificates(roots);
    let config = match client_cert {
        Some((chain, key)) => {
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| format!("client key {}: {e}", key.display()))?;
            builder
                .with_client_auth_cert(certs(chain)?, key)
                .map_err(|e| format!("client certificate: {e}"))?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}
