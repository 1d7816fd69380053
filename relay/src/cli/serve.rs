//! `formdesk-relay serve`: assembles the relay `Config` from flags and the TOML file, picks
//! the transport (TLS by default), raises the open-file limit, binds the listener itself (so
//! a busy port is reported plainly), prints the URL, the certificate fingerprint and the
//! office key (`FDK1:` text wallets trust) on stdout, and runs the relay until SIGINT/SIGTERM. Exit 0 means it drained and flushed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use formdesk_relay::config::Config;
use formdesk_relay::tls;
use tokio::net::{TcpListener, TcpSocket};

use super::file_config::FileConfig;
use super::logging::{self, LogFormat};
use super::transport::{self, Transport};
use super::{admin, signals, Failure};

/// Listen backlog: bursts of thousands of connects (desks coming back after a restart).
const BACKLOG: u32 = 4096;
/// Default address: every interface, TLS.
const DEFAULT_LISTEN: &str = "0.0.0.0:8443";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (IP:PORT; port 0 picks a free port). Default 0.0.0.0:8443.
    #[arg(long, env = "FORMDESK_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Data directory (sled database, keys, generated TLS certificate). Created if missing.
    #[arg(long, env = "FORMDESK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Folder of form definitions (*.json) to serve.
    #[arg(long, env = "FORMDESK_FORMS")]
    pub forms: Option<PathBuf>,
    /// Serve the phone web apps (/wallet/, /companion/) from this folder (web/dist) instead
    /// of the copy embedded at build time.
    #[arg(long, env = "FORMDESK_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// TOML file with these settings and the relay's limits (flags win over the file).
    #[arg(long, env = "FORMDESK_CONFIG")]
    pub config: Option<PathBuf>,
    /// PEM certificate chain (leaf first). Without it a self-signed one is generated once.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key matching --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Extra DNS name or IP for the generated certificate (repeatable).
    #[arg(long = "tls-name")]
    pub tls_names: Vec<String>,
    /// Serve plain HTTP instead of TLS. Allowed on a loopback address only.
    #[arg(long)]
    pub plain_http: bool,
    /// Serve plain HTTP on ANY address (tokens and form values unencrypted on the network).
    /// Only behind a TLS-terminating proxy.
    #[arg(long)]
    pub insecure_plain_http: bool,
    /// Log format on stderr (filter with RUST_LOG, default info).
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
}

/// The settings after merging flags over the file.
struct Resolved {
    listen: SocketAddr,
    data_dir: PathBuf,
    transport: Transport,
    log_format: LogFormat,
    /// Fingerprint of the served certificate (TLS only), printed for pinning.
    fingerprint: Option<tls::Fingerprint>,
    config: Config,
}

pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    let resolved = resolve(args)?;
    logging::init(resolved.log_format);
    let fd_limit = raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // The whole service runs on a worker, not in `block_on` on the main thread: the accept
    // loop then spawns each connection's task onto its own worker's queue, without a
    // cross-thread hand-off and wake-up per connection.
    let service = runtime.spawn(async move {
        let data_dir = resolved.data_dir.clone();
        let relay = formdesk_relay::Relay::open(resolved.config.clone()).with_context(|| {
            format!(
                "cannot open the relay's data in {} (is another relay using it?)",
                data_dir.display()
            )
        })?;
        let listener = bind(resolved.listen)?;
        let local = listener.local_addr()?;
        let scheme = match resolved.transport {
            Transport::Tls => "https",
            Transport::PlainHttp => "http",
        };
        println!(
            "formdesk-relay {} listening on {scheme}://{local}",
            env!("CARGO_PKG_VERSION")
        );
        if let Some(fp) = &resolved.fingerprint {
            println!("TLS certificate SHA-256 fingerprint: {fp}");
        }
        // One line: "fingerprint: " (with the colon) stays the TLS line's, which scripts pin.
        println!(
            "office key (fingerprint {}), add it to wallets: {}",
            relay.node().office.key().public_key().fingerprint(),
            relay.node().office.info().qr
        );
        tracing::info!(
            %local, scheme, data_dir = %data_dir.display(), fd_limit,
            max_connections = resolved.config.max_connections, "relay starting"
        );
        if fd_limit < resolved.config.max_connections as u64 + 64 {
            tracing::warn!(
                fd_limit,
                max_connections = resolved.config.max_connections,
                "open-file limit is below max_connections: connections beyond it will fail"
            );
        }
        let admin = tokio::spawn(admin::serve(data_dir, relay.node().clone()));
        let result = relay.serve(listener, signals::shutdown_signal()).await;
        admin.abort();
        let _ = admin.await; // the socket file is removed when its task is dropped
        result.context("relay stopped with an error")?;
        tracing::info!("relay stopped cleanly");
        Ok(())
    });
    runtime
        .block_on(service)
        .context("the relay's task panicked")?
}

/// Merges flags over the file, checks the transport, prepares the data dir and TLS.
fn resolve(args: ServeArgs) -> Result<Resolved, Failure> {
    let file = match &args.config {
        Some(path) => FileConfig::load(path).map_err(Failure::usage)?,
        None => FileConfig::default(),
    };
    let listen = match args.listen.or(file.listen) {
        Some(a) => a,
        None => DEFAULT_LISTEN.parse().expect("valid default address"),
    };
    let data_dir = args.data_dir.or(file.data_dir.clone()).ok_or_else(|| {
        Failure::usage(anyhow::anyhow!(
            "--data-dir is required (or data_dir in --config)"
        ))
    })?;
    let tls_cert = args.tls_cert.or(file.tls_cert.clone());
    let tls_key = args.tls_key.or(file.tls_key.clone());
    let transport = transport::choose(
        listen,
        args.plain_http || file.plain_http,
        args.insecure_plain_http || file.insecure_plain_http,
        tls_cert.is_some(),
        tls_key.is_some(),
    )
    .map_err(Failure::usage)?;
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    let mut config = Config::new(&data_dir);
    file.apply(&mut config);
    if let Some(forms) = args.forms.or(file.forms.clone()) {
        config.forms_dir = Some(forms);
    }
    if let Some(web) = args.web_dir.or(file.web_dir.clone()) {
        config.web_dir = Some(web);
    }
    let mut fingerprint = None;
    if transport == Transport::Tls {
        let mut names = file.tls_names.clone();
        names.extend(args.tls_names);
        let (server, fp) = tls_setup(
            &data_dir,
            tls_cert.as_deref().zip(tls_key.as_deref()),
            listen,
            names,
        )?;
        config.tls = Some(server);
        fingerprint = Some(fp);
    }
    Ok(Resolved {
        listen,
        data_dir,
        transport,
        log_format: args.log_format.or(file.log_format).unwrap_or_default(),
        fingerprint,
        config,
    })
}

/// Loads the admin's certificate, or the generated one (creating it on first run).
fn tls_setup(
    data_dir: &Path,
    files: Option<(&Path, &Path)>,
    listen: SocketAddr,
    mut names: Vec<String>,
) -> anyhow::Result<(Arc<rustls::ServerConfig>, tls::Fingerprint)> {
    let identity = match files {
        Some((cert, key)) => tls::load_pem(cert, key)?,
        None => {
            if !listen.ip().is_unspecified() {
                names.push(listen.ip().to_string());
            }
            if let Ok(host) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
                let host = host.trim();
                if !host.is_empty() {
                    names.push(host.to_string());
                }
            }
            tls::load_or_generate(data_dir, &names)?
        }
    };
    if identity.generated {
        println!(
            "generated a self-signed TLS certificate in {}",
            data_dir.join(tls::TLS_SUBDIR).display()
        );
    }
    let fingerprint = identity.fingerprint;
    Ok((tls::server_config(identity)?, fingerprint))
}

/// Binds with a large backlog; the error says which address and why (in use, permission).
fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .context("cannot create a socket")?;
    socket.set_reuseaddr(true)?;
    socket
        .bind(addr)
        .with_context(|| format!("cannot listen on {addr}"))?;
    socket
        .listen(BACKLOG)
        .with_context(|| format!("cannot listen on {addr}"))
}

/// Raises the soft open-file limit to the hard limit (one descriptor per connection;
/// Debian's soft default of 1024 would cap the relay near a thousand desks and phones).
/// Returns the limit in force.
fn raise_fd_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(0, |(soft, _)| soft)
        }
    }
}
