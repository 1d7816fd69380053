//! Relay configuration: where data lives, TLS, and every limit, with defaults for a LAN
//! service ([`Config::new`]) and for the relay embedded in the desktop app
//! ([`Config::for_desktop`]). The binary fills it from flags and a config file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Everything `run` needs besides the listener and the shutdown signal.
#[derive(Clone)]
pub struct Config {
    /// sled database, epoch key files (`keys/`) and the office key live here.
    pub data_dir: PathBuf,
    /// Folder of form definitions (JSON); `None` serves no forms.
    pub forms_dir: Option<PathBuf>,
    /// TLS server config (filled by the binary's `tls` module); `None` = plain HTTP.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Browser origins allowed to open websockets and call the API. A request without an
    /// `Origin` header is a non-browser client and always allowed, and so is the relay's own
    /// origin (pages it serves at /wallet/ and /companion/). `"*"` allows all.
    pub allowed_origins: Vec<String>,
    /// Serve the phone web apps from this folder (holding `wallet/` and `companion/`) instead
    /// of the copy embedded at build time from web/dist.
    pub web_dir: Option<PathBuf>,
    /// Display name of the office, signed into request QRs.
    pub office_name: String,
    /// Cap on open TCP connections (a semaphore in the accept loop).
    pub max_connections: usize,
    /// Cap on one websocket message (tungstenite's default of 64 MiB is far too big).
    pub max_message_bytes: usize,
    /// Cap on an HTTP request body.
    pub max_body_bytes: u64,
    /// Cap on groups one connection may join.
    pub max_groups_per_connection: usize,
    /// Messages buffered per connection before it counts as a slow consumer (4008).
    pub outbox_capacity: usize,
    /// Sustained requests per second per token (REST calls and websocket ops).
    pub rate_per_token: u32,
    /// Burst allowance on top of `rate_per_token`.
    pub rate_burst: u32,
    /// Cap on stored, unacknowledged submissions; beyond it the API answers 503.
    pub max_pending: usize,
    /// Unacknowledged submissions expire and are purged after this long.
    pub submission_ttl: Duration,
    /// Lifetime of a request QR (the window of time a citizen has to answer).
    pub request_ttl: Duration,
    /// Length of a key epoch for at-rest encryption.
    pub epoch_length: Duration,
    /// The relay pings every websocket this often.
    pub heartbeat_interval: Duration,
    /// A websocket silent for longer than this is closed with 4003.
    pub heartbeat_timeout: Duration,
    /// How long an unauthenticated websocket may take to send its `auth` op.
    pub auth_timeout: Duration,
    /// On shutdown, how long sessions get to finish before they are dropped.
    pub drain_timeout: Duration,
    /// How often the janitor expires submissions and deletes old epoch keys.
    pub janitor_interval: Duration,
    /// Bound on writers waiting for one group-commit flush; beyond it the API answers 503.
    pub max_flush_waiters: usize,
}

impl Config {
    /// Defaults for a LAN service storing its data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            forms_dir: None,
            tls: None,
            allowed_origins: Vec::new(),
            web_dir: None,
            office_name: "FormDesk office".to_string(),
            max_connections: 50_000,
            max_message_bytes: 64 * 1024,
            max_body_bytes: 64 * 1024,
            max_groups_per_connection: 64,
            outbox_capacity: 64,
            rate_per_token: 20_000,
            rate_burst: 40_000,
            max_pending: 200_000,
            submission_ttl: Duration::from_secs(15 * 60),
            request_ttl: Duration::from_secs(10 * 60),
            epoch_length: Duration::from_secs(5 * 60),
            heartbeat_interval: Duration::from_secs(20),
            heartbeat_timeout: Duration::from_secs(60),
            auth_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(5),
            janitor_interval: Duration::from_secs(10),
            max_flush_waiters: 16_384,
        }
    }

    /// Defaults for the relay embedded in the desktop app (loopback, one desk).
    pub fn for_desktop(data_dir: impl AsRef<Path>) -> Config {
        Config {
            max_connections: 1_000,
            rate_per_token: 1_000,
            rate_burst: 2_000,
            max_pending: 10_000,
            ..Config::new(data_dir.as_ref())
        }
    }

    /// Builder: serve the forms in `dir`.
    pub fn with_forms(mut self, dir: impl Into<PathBuf>) -> Config {
        self.forms_dir = Some(dir.into());
        self
    }

    /// Whether a browser `Origin` may connect (`None`: not a browser, allowed). `host` is
    /// the request's `Host` (or HTTP/2 authority): an Origin equal to the relay's own
    /// `scheme://host` is always allowed. A plain-HTTP relay also accepts `https://host`
    /// (it may sit behind a TLS-terminating proxy).
    pub fn origin_allowed(&self, origin: Option<&str>, host: Option<&str>) -> bool {
        let Some(o) = origin else {
            return true;
        };
        if let Some(h) = host.filter(|h| !h.is_empty()) {
            let own = |scheme: &str| {
                o.split_once("://").is_some_and(|(s, rest)| {
                    s.eq_ignore_ascii_case(scheme) && rest.eq_ignore_ascii_case(h)
                })
            };
            if own("https") || (self.tls.is_none() && own("http")) {
                return true;
            }
        }
        self.allowed_origins
            .iter()
            .any(|a| a == "*" || a.eq_ignore_ascii_case(o))
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("forms_dir", &self.forms_dir)
            .field("tls", &self.tls.is_some())
            .field("allowed_origins", &self.allowed_origins)
            .field("web_dir", &self.web_dir)
            .field("max_connections", &self.max_connections)
            .field("submission_ttl", &self.submission_ttl)
            .finish_non_exhaustive()
    }
}
