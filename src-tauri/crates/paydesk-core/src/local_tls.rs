//! This install's certificate for the window's https page on 127.0.0.1.
//!
//! Stripe.js refuses a live publishable key on any page that is not `https:`, so the window's
//! UI is served over TLS on loopback. No public authority can sign for 127.0.0.1, so each
//! install makes its own self-signed certificate the first time it starts, and Paydesk's own
//! webview is told to trust exactly this certificate for 127.0.0.1 (nothing else on the
//! machine trusts it: a browser or `curl` pointed at the port fails verification). The key
//! stays in `<data dir>/tls/` with owner-only permissions.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use sha2::{Digest, Sha256};
use stripe_sim::TlsIdentity;

const CERT_FILE: &str = "cert.pem";
const KEY_FILE: &str = "key.pem";
/// Long enough that a till never meets an expiry; the trust is pinned to this one certificate,
/// not to a chain, so its lifetime is not what keeps it safe.
const VALID_YEARS: i32 = 20;

#[derive(Debug, thiserror::Error)]
#[error("the window's https certificate in {dir}: {message}")]
pub struct LocalTlsError {
    dir: PathBuf,
    message: String,
}

/// The certificate (public) and its key (secret) of this install's page server.
#[derive(Clone)]
pub struct LocalTls {
    identity: TlsIdentity,
    der: Vec<u8>,
}

impl std::fmt::Debug for LocalTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalTls").field("sha256", &self.sha256_fingerprint()).finish_non_exhaustive()
    }
}

impl LocalTls {
    /// Loads `<data_dir>/tls/`, or makes a new certificate there when there is none or it is
    /// unreadable (a new one costs nothing: only this install ever trusted the old one).
    pub fn load_or_create(data_dir: &Path) -> Result<LocalTls, LocalTlsError> {
        Self::load_or_create_in(&data_dir.join("tls"))
    }

    /// The same, with the two files directly in `dir` (the simulator's `--tls-dir`).
    pub fn load_or_create_in(dir: &Path) -> Result<LocalTls, LocalTlsError> {
        let dir = dir.to_path_buf();
        let error = |message: String| LocalTlsError { dir: dir.clone(), message };
        match Self::load(&dir) {
            Ok(Some(tls)) => return Ok(tls),
            Ok(None) => tracing::info!(dir = %dir.display(), "making this install's certificate for the window's https page"),
            Err(problem) => tracing::warn!(dir = %dir.display(), %problem, "the window's certificate is unusable; making a new one"),
        }
        let identity = generate().map_err(|e| error(format!("cannot make a certificate: {e}")))?;
        save(&dir, &identity).map_err(|e| error(format!("cannot save it: {e}")))?;
        LocalTls::from_identity(identity).map_err(error)
    }

    fn load(dir: &Path) -> Result<Option<LocalTls>, String> {
        let (cert_pem, key_pem) = match (fs::read_to_string(dir.join(CERT_FILE)), fs::read_to_string(dir.join(KEY_FILE))) {
            (Ok(cert), Ok(key)) => (cert, key),
            (Err(e), _) | (_, Err(e)) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            (Err(e), _) | (_, Err(e)) => return Err(e.to_string()),
        };
        restrict_key_permissions(&dir.join(KEY_FILE)).map_err(|e| e.to_string())?;
        let tls = LocalTls::from_identity(TlsIdentity { cert_pem, key_pem })?;
        // The key must belong to the certificate, or the handshake would fail in the window.
        stripe_sim::tls_acceptor(&tls.identity).map_err(|e| e.to_string())?;
        Ok(Some(tls))
    }

    fn from_identity(identity: TlsIdentity) -> Result<LocalTls, String> {
        let der = CertificateDer::from_pem_slice(identity.cert_pem.as_bytes()).map_err(|e| format!("the certificate is not PEM: {e}"))?;
        Ok(LocalTls { der: der.to_vec(), identity })
    }

    pub fn identity(&self) -> &TlsIdentity {
        &self.identity
    }

    /// The certificate alone, PEM: what the webview is told to trust.
    pub fn cert_pem(&self) -> &str {
        &self.identity.cert_pem
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the certificate's DER, as `AB:CD:…`: the pin on platforms whose webview
    /// reports the server's certificate to the app.
    pub fn sha256_fingerprint(&self) -> String {
        Sha256::digest(&self.der).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
    }
}

fn generate() -> Result<TlsIdentity, rcgen::Error> {
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "Paydesk on this computer");
    let today = chrono::Utc::now().date_naive();
    use chrono::Datelike;
    let (year, month, day) = (today.year(), today.month() as u8, today.day().min(28) as u8);
    params.not_before = rcgen::date_time_ymd(year - 1, month, day);
    params.not_after = rcgen::date_time_ymd(year + VALID_YEARS, month, day);
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok(TlsIdentity { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

/// The key is written owner-only from its first byte, then both files are moved into place,
/// so a crash never leaves a certificate without its key.
fn save(dir: &Path, identity: &TlsIdentity) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    restrict_dir_permissions(dir)?;
    write_private(&dir.join("key.pem.new"), identity.key_pem.as_bytes())?;
    write_private(&dir.join("cert.pem.new"), identity.cert_pem.as_bytes())?;
    fs::rename(dir.join("key.pem.new"), dir.join(KEY_FILE))?;
    fs::rename(dir.join("cert.pem.new"), dir.join(CERT_FILE))
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(unix)]
fn restrict_dir_permissions(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// A key file that others could read (copied in by hand, a restored backup) is made
/// owner-only again rather than refused.
#[cfg(unix)]
fn restrict_key_permissions(key: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(key)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!(key = %key.display(), "the window's TLS key was readable by others; made owner-only");
        fs::set_permissions(key, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_dir_permissions(_: &Path) -> io::Result<()> {
    // The data directory under %APPDATA% is already the user's own.
    Ok(())
}

#[cfg(not(unix))]
fn restrict_key_permissions(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_loaded_with_an_owner_only_key() {
        let dir = tempfile::tempdir().unwrap();
        let first = LocalTls::load_or_create(dir.path()).unwrap();
        let again = LocalTls::load_or_create(dir.path()).unwrap();
        assert_eq!(first.cert_der(), again.cert_der(), "the same certificate on the next start");
        assert_eq!(first.sha256_fingerprint().len(), 32 * 3 - 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.path().join("tls/key.pem")), 0o600);
            assert_eq!(mode(&dir.path().join("tls")), 0o700);
        }
        stripe_sim::tls_acceptor(first.identity()).expect("a usable TLS identity");
    }

    #[test]
    fn a_broken_or_mismatched_pair_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let first = LocalTls::load_or_create(dir.path()).unwrap();
        let other = tempfile::tempdir().unwrap();
        let second = LocalTls::load_or_create(other.path()).unwrap();
        // This install's certificate with another install's key: unusable, so replaced.
        fs::write(dir.path().join("tls/key.pem"), &second.identity().key_pem).unwrap();
        let replaced = LocalTls::load_or_create(dir.path()).unwrap();
        assert_ne!(replaced.cert_der(), first.cert_der());
        fs::write(dir.path().join("tls/cert.pem"), "not a certificate").unwrap();
        let again = LocalTls::load_or_create(dir.path()).unwrap();
        assert_ne!(again.cert_der(), replaced.cert_der());
    }

    #[test]
    fn the_key_is_not_in_its_debug_form() {
        let dir = tempfile::tempdir().unwrap();
        let tls = LocalTls::load_or_create(dir.path()).unwrap();
        let shown = format!("{tls:?} {:?}", tls.identity());
        assert!(!shown.contains("PRIVATE KEY") && !shown.contains(&tls.identity().key_pem[40..80]), "{shown}");
    }
}
