//! Which transport `serve` may use on which address: TLS everywhere by default; plain
//! HTTP (`--plain-http`) only on a loopback address, where nothing leaves the machine;
//! plain HTTP on any other address only with `--insecure-plain-http`, said in so many
//! words, because tokens and citizens' form values would cross the LAN in clear.

use std::net::SocketAddr;

/// How `serve` talks to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tls,
    PlainHttp,
}

/// Why a transport request was refused (shown to the admin as is).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TransportError {
    #[error(
        "refusing plain HTTP on {0}, which is not a loopback address: tokens and form values \
         would cross the network unencrypted. Serve TLS (the default: drop --plain-http), \
         listen on 127.0.0.1, or pass --insecure-plain-http if a TLS proxy in front of this \
         relay really does the encryption"
    )]
    PlainOffLoopback(SocketAddr),
    #[error("--tls-cert and --tls-key go together: give both or neither")]
    HalfTlsPair,
    #[error("--tls-cert/--tls-key make no sense with plain HTTP")]
    TlsFilesWithPlain,
}

/// Decides the transport from the flags (see the module doc).
pub fn choose(
    addr: SocketAddr,
    plain_http: bool,
    insecure_plain_http: bool,
    cert_given: bool,
    key_given: bool,
) -> Result<Transport, TransportError> {
    if cert_given != key_given {
        return Err(TransportError::HalfTlsPair);
    }
    let plain = plain_http || insecure_plain_http;
    if !plain {
        return Ok(Transport::Tls);
    }
    if cert_given {
        return Err(TransportError::TlsFilesWithPlain);
    }
    if addr.ip().is_loopback() || insecure_plain_http {
        Ok(Transport::PlainHttp)
    } else {
        Err(TransportError::PlainOffLoopback(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn tls_is_the_default_everywhere() {
        for a in ["127.0.0.1:1", "0.0.0.0:1", "[::]:1", "192.168.1.5:8443"] {
            assert_eq!(
                choose(addr(a), false, false, false, false),
                Ok(Transport::Tls)
            );
        }
    }

    #[test]
    fn plain_http_is_allowed_on_loopback_only() {
        assert_eq!(
            choose(addr("127.0.0.1:8080"), true, false, false, false),
            Ok(Transport::PlainHttp)
        );
        assert_eq!(
            choose(addr("[::1]:8080"), true, false, false, false),
            Ok(Transport::PlainHttp)
        );
        let refused = choose(addr("0.0.0.0:8080"), true, false, false, false).unwrap_err();
        assert!(refused.to_string().contains("--insecure-plain-http"));
    }

    #[test]
    fn insecure_flag_allows_plain_http_anywhere() {
        assert_eq!(
            choose(addr("0.0.0.0:8080"), false, true, false, false),
            Ok(Transport::PlainHttp)
        );
    }

    #[test]
    fn tls_files_must_come_in_pairs() {
        assert_eq!(
            choose(addr("0.0.0.0:1"), false, false, true, false),
            Err(TransportError::HalfTlsPair)
        );
        assert_eq!(
            choose(addr("127.0.0.1:1"), true, false, true, true),
            Err(TransportError::TlsFilesWithPlain)
        );
    }
}
