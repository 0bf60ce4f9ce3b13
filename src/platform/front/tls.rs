//! The front's side of mutual TLS: the server context every connection is accepted with.

use super::FrontError;
use openssl::ssl::{
    SslContext, SslContextBuilder, SslFiletype, SslMethod, SslMode, SslOptions, SslVerifyMode,
};
use std::path::Path;

/// Server side of mutual TLS: our server certificate, and client certificates must chain to
/// the test CA. Everything else is refused during the handshake.
pub fn acceptor(
    server_pem: &Path,
    server_key: &Path,
    ca_pem: &Path,
) -> Result<SslContext, FrontError> {
    let err = |e: openssl::error::ErrorStack| FrontError::Tls {
        dir: server_pem
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        message: e.to_string(),
    };
    // OpenSSL opens these itself: a FIFO or device there would block it, so look first.
    let mut ca_bytes = Vec::new();
    for (p, what) in [
        (server_pem, "the mock's server certificate"),
        (server_key, "the mock's server key"),
        (ca_pem, "a CA certificate"),
    ] {
        ca_bytes = crate::fsio::read(p, crate::fsio::limit::CERTIFICATE, what).map_err(|e| {
            FrontError::Tls {
                dir: p
                    .parent()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default(),
                message: e.to_string(),
            }
        })?;
    }
    let mut b = intermediate().map_err(err)?;
    b.set_certificate_chain_file(server_pem).map_err(err)?;
    b.set_private_key_file(server_key, SslFiletype::PEM)
        .map_err(err)?;
    b.check_private_key().map_err(err)?;
    b.set_ca_file(ca_pem).map_err(err)?;
    let ca_names = openssl::x509::X509::stack_from_pem(&ca_bytes).map_err(err)?;
    let mut names = openssl::stack::Stack::new().map_err(err)?;
    for ca in ca_names {
        names
            .push(ca.subject_name().to_owned().map_err(err)?)
            .map_err(err)?;
    }
    b.set_client_ca_list(names);
    b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    // Session ids let a client resume instead of a full handshake on reconnect.
    b.set_session_id_context(b"sp-contract-mock").map_err(err)?;
    Ok(b.build())
}

/// The ffdhe2048 group of RFC 7919, for the DHE suites of Mozilla's intermediate profile.
const FFDHE_2048: &str = "-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
";

/// Mozilla's intermediate server profile (v5), as OpenSSL's `SslAcceptor` builds it, but
/// keeping each connection's record buffers instead of releasing them after every record:
/// releasing made every request allocate and free them again (perf saw the heap grow there,
/// with `mprotect` and page faults). A kept-alive connection holds ~34 KB more. Read-ahead
/// takes a record's header and body in one read (3 reads a request on each side became 1).
fn intermediate() -> Result<SslContextBuilder, openssl::error::ErrorStack> {
    let mut b = SslContextBuilder::new(SslMethod::tls_server())?;
    let mut opts = SslOptions::ALL
        | SslOptions::NO_COMPRESSION
        | SslOptions::NO_SSLV2
        | SslOptions::NO_SSLV3
        | SslOptions::SINGLE_DH_USE
        | SslOptions::SINGLE_ECDH_USE
        | SslOptions::NO_TLSV1
        | SslOptions::NO_TLSV1_1;
    opts &= !SslOptions::DONT_INSERT_EMPTY_FRAGMENTS;
    b.set_options(opts);
    b.set_mode(
        SslMode::AUTO_RETRY | SslMode::ACCEPT_MOVING_WRITE_BUFFER | SslMode::ENABLE_PARTIAL_WRITE,
    );
    b.set_read_ahead(true);
    let dh = openssl::dh::Dh::params_from_pem(FFDHE_2048.as_bytes())?;
    b.set_tmp_dh(&dh)?;
    b.set_cipher_list(
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:\
         ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:\
         DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
    )?;
    b.set_ciphersuites(
        "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
    )?;
    Ok(b)
}
