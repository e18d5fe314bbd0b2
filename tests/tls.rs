//! TLS against a real HTTPS server on loopback: certificates made here with
//! rcgen, served by rustls over a plain std TcpStream.

mod common;

use common::*;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use bwvoice::TlsRoots;

/// A private CA and an HTTPS server whose certificate it signed.
struct HttpsServer {
    port: u16,
    /// The CA certificate, as a PEM file.
    ca_file: TempFile,
    /// Requests the server read (after a successful handshake).
    requests: Arc<AtomicUsize>,
}

struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(name: &str, contents: &str) -> TempFile {
    let path = std::env::temp_dir().join(format!("bwvoice-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    TempFile(path)
}

impl HttpsServer {
    /// Serves a certificate for `names`. Answers `/token` with an OAuth2
    /// token and anything else with an empty 200.
    fn start(names: &[&str]) -> HttpsServer {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "bwvoice test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let cert = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap();
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, counter) = (Arc::clone(&config), Arc::clone(&counter));
                thread::spawn(move || {
                    let tls = StreamOwned::new(ServerConnection::new(config).unwrap(), tcp);
                    let mut reader = BufReader::new(tls);
                    // Ends at the client's close or a failed handshake.
                    while let Ok(Some(request)) = read_request(&mut reader) {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let body = if request.head[0].contains(" /token ") {
                            r#"{"access_token":"tls-token","expires_in":3600}"#
                        } else {
                            ""
                        };
                        let response = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if reader.get_mut().write_all(response.as_bytes()).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        HttpsServer {
            port,
            ca_file: temp_file(&format!("ca-{port}.pem"), &ca.pem()),
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    fn config(&self, tls_roots: TlsRoots) -> ClientConfig {
        ClientConfig {
            tls_roots,
            ..basic_at(self.url("/api/v2"))
        }
    }

    fn pem_roots(&self) -> TlsRoots {
        TlsRoots::PemFile(self.ca_file.0.clone())
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// A hang-up with `tls_roots` that must fail the handshake, so that no
    /// request reaches the server. Returns the error.
    fn refused(&self, tls_roots: TlsRoots) -> Error {
        let err = client(self.config(tls_roots))
            .hangup_call("c-1")
            .unwrap_err();
        assert_eq!(err.status, Status::Tls, "{err}");
        assert_eq!(self.requests(), 0);
        err
    }
}

#[test]
fn a_private_ca_from_a_pem_file_is_trusted() {
    let server = HttpsServer::start(&["localhost"]);
    let client = client(server.config(server.pem_roots()));
    client.hangup_call("c-1").unwrap();
    client.redirect_call("c-1").unwrap();
    assert_eq!(server.requests(), 2);
}

#[test]
fn the_bundled_roots_refuse_a_private_ca() {
    let server = HttpsServer::start(&["localhost"]);
    let err = server.refused(TlsRoots::Bundled);
    assert_eq!((err.http_status, err.attempts), (0, 1), "{err}");
    assert_clean(&err, &[]);
}

#[test]
fn the_system_roots_refuse_a_private_ca() {
    let server = HttpsServer::start(&["localhost"]);
    server.refused(TlsRoots::System);
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    let server = HttpsServer::start(&["voice.example.com"]);
    server.refused(server.pem_roots());
}

#[test]
fn the_token_request_uses_the_same_tls_roots() {
    let server = HttpsServer::start(&["localhost"]);
    let oauth = |tls_roots| ClientConfig {
        auth: Auth::OAuth2 {
            client_id: "client".into(),
            client_secret: SECRET.into(),
            token_url: Some(server.url("/token")),
        },
        ..server.config(tls_roots)
    };
    client(oauth(server.pem_roots()))
        .hangup_call("c-1")
        .unwrap();
    assert_eq!(server.requests(), 2, "token + call");

    let err = client(oauth(TlsRoots::Bundled))
        .hangup_call("c-1")
        .unwrap_err();
    assert_eq!(err.status, Status::Tls, "{err}");
    assert!(err.message.starts_with("token request failed"), "{err}");
    assert_clean(&err, &[]);
    assert_eq!(server.requests(), 2);
}

#[test]
fn an_unusable_pem_file_is_refused_at_construction() {
    let server = HttpsServer::start(&["localhost"]);
    let not_pem = temp_file("not-a-cert.pem", "hello\n");
    for path in [
        PathBuf::from("/nonexistent/bwvoice-ca.pem"),
        not_pem.0.clone(),
    ] {
        let err = Client::new(server.config(TlsRoots::PemFile(path.clone())))
            .err()
            .unwrap_or_else(|| panic!("{} accepted", path.display()));
        assert_eq!(
            (err.status, err.field),
            (Status::InvalidArgument, Some("ca_file")),
            "{err}"
        );
    }
}
