//! The https side: a rustls acceptor from a PEM certificate and key. Paydesk's window page
//! server uses the same function, so the two listeners a demo-mode window talks to are
//! configured alike.

use std::io;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A certificate chain and its private key, both PEM. The key is never logged.
#[derive(Clone)]
pub struct TlsIdentity {
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").field("key_pem", &"<redacted>").finish_non_exhaustive()
    }
}

/// An HTTP/1.1 TLS acceptor for `identity`, with ring as the crypto provider (the one
/// reqwest already brings in, so no second provider has to be chosen at run time).
pub fn tls_acceptor(identity: &TlsIdentity) -> io::Result<TlsAcceptor> {
    let invalid = |what: &str, e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidData, format!("{what}: {e}"));
    let certs = CertificateDer::pem_slice_iter(identity.cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid("the TLS certificate is not PEM", &e))?;
    if certs.is_empty() {
        return Err(invalid("the TLS certificate", &"no certificate in the PEM"));
    }
    let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes()).map_err(|e| invalid("the TLS key is not PEM", &e))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("TLS protocol versions", &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid("the TLS certificate and key do not match", &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
