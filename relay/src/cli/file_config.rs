//! The `--config FILE` TOML file: the same settings as the `serve` flags (a flag wins over
//! the file) plus the relay's limits. Unknown keys are an error, so a typo never silently
//! leaves a limit at its default. Example in docs/operations.md.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use formdesk_relay::config::Config;
use serde::Deserialize;

use super::logging::LogFormat;

/// Top level of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub forms: Option<PathBuf>,
    /// Serve the phone web apps from this folder (web/dist) instead of the embedded copy.
    pub web_dir: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Extra names (DNS or IP) for the generated self-signed certificate.
    #[serde(default)]
    pub tls_names: Vec<String>,
    #[serde(default)]
    pub plain_http: bool,
    #[serde(default)]
    pub insecure_plain_http: bool,
    pub log_format: Option<LogFormat>,
    pub office_name: Option<String>,
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default)]
    pub limits: Limits,
}

/// `[limits]`: each key overrides the relay's default of the same name (see relay/src/config.rs).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_connections: Option<usize>,
    pub max_message_bytes: Option<usize>,
    pub max_body_bytes: Option<u64>,
    pub max_groups_per_connection: Option<usize>,
    pub outbox_capacity: Option<usize>,
    pub rate_per_token: Option<u32>,
    pub rate_burst: Option<u32>,
    pub max_pending: Option<usize>,
    pub submission_ttl_secs: Option<u64>,
    pub request_ttl_secs: Option<u64>,
    pub heartbeat_interval_secs: Option<u64>,
    pub heartbeat_timeout_secs: Option<u64>,
    pub drain_timeout_secs: Option<u64>,
}

impl FileConfig {
    /// Reads and parses a TOML file; the error names the file and the bad key.
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("bad config file {}", path.display()))
    }

    /// Applies the file's relay settings (office, origins, limits) onto `config`.
    pub fn apply(&self, config: &mut Config) {
        if let Some(name) = &self.office_name {
            config.office_name = name.clone();
        }
        if let Some(origins) = &self.allowed_origins {
            config.allowed_origins = origins.clone();
        }
        let l = &self.limits;
        let secs = Duration::from_secs;
        set(&mut config.max_connections, l.max_connections);
        set(&mut config.max_message_bytes, l.max_message_bytes);
        set(&mut config.max_body_bytes, l.max_body_bytes);
        set(
            &mut config.max_groups_per_connection,
            l.max_groups_per_connection,
        );
        set(&mut config.outbox_capacity, l.outbox_capacity);
        set(&mut config.rate_per_token, l.rate_per_token);
        set(&mut config.rate_burst, l.rate_burst);
        set(&mut config.max_pending, l.max_pending);
        set(&mut config.submission_ttl, l.submission_ttl_secs.map(secs));
        set(&mut config.request_ttl, l.request_ttl_secs.map(secs));
        set(
            &mut config.heartbeat_interval,
            l.heartbeat_interval_secs.map(secs),
        );
        set(
            &mut config.heartbeat_timeout,
            l.heartbeat_timeout_secs.map(secs),
        );
        set(&mut config.drain_timeout, l.drain_timeout_secs.map(secs));
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_overrides_limits_and_rejects_typos() {
        let file: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:8443\"\nlog_format = \"json\"\n[limits]\nmax_connections = 7\nsubmission_ttl_secs = 60\n",
        )
        .unwrap();
        let mut config = Config::new("/tmp/x");
        file.apply(&mut config);
        assert_eq!(config.max_connections, 7);
        assert_eq!(config.submission_ttl, Duration::from_secs(60));
        assert_eq!(file.log_format, Some(LogFormat::Json));
        assert!(toml::from_str::<FileConfig>("[limits]\nmax_conections = 7\n").is_err());
    }
}
