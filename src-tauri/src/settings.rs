//! Desk settings, persisted as JSON in the app's config dir (`settings.json`): which relay
//! (the embedded one, or a LAN relay with its desk token and pinned certificate), the desk's
//! label shown to citizens, the camera, and the outbox folder. Environment variables
//! override the file for tests and kiosks (`FORMDESK_RELAY_URL` + `FORMDESK_RELAY_TOKEN`,
//! `FORMDESK_CAMERA`), without being written back.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// Where the desk's relay is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum RelayMode {
    /// Start the relay in-process on loopback (data in the app data dir).
    Embedded,
    /// A LAN relay run by IT.
    #[serde(rename_all = "camelCase")]
    Lan {
        /// `https://host:port` (or `http://` on loopback).
        url: String,
        /// The desk token (`fdt_...`) issued by the relay admin.
        token: String,
        /// SHA-256 fingerprint of the relay's certificate (hex), pinned.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fingerprint: Option<String>,
    },
}

/// Everything the clerk (or IT) can set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub relay: RelayMode,
    /// Shown to the citizen in every request ("Counter 3").
    pub desk_label: String,
    /// Frame source: `camera:N` (a camera from the list in Settings; a bare `N` also works),
    /// `file:PATH` (an image re-read every frame: the tests' fake camera), `folder:DIR`, or
    /// `None` for no camera.
    pub camera: Option<String>,
    /// Completed forms go here as JSON; default `<data dir>/outbox`.
    pub outbox_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            relay: RelayMode::Embedded,
            desk_label: "Counter 1".into(),
            camera: None,
            outbox_dir: None,
        }
    }
}

impl Settings {
    /// Reads `settings.json` from `config_dir` (defaults when absent).
    pub fn load(config_dir: &Path) -> Result<Settings> {
        let path = config_dir.join("settings.json");
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(serde_json::from_str(&text)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes `settings.json` atomically (temp file + rename).
    pub fn save(&self, config_dir: &Path) -> Result<()> {
        std::fs::create_dir_all(config_dir)?;
        let tmp = config_dir.join("settings.json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
        std::fs::rename(tmp, config_dir.join("settings.json"))?;
        Ok(())
    }

    /// These settings with the environment's overrides applied.
    pub fn with_env(self, env: impl Fn(&str) -> Option<String>) -> Settings {
        Overrides::from_env(env).apply(self)
    }

    /// The outbox folder for completed forms.
    pub fn outbox(&self, data_dir: &Path) -> PathBuf {
        self.outbox_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("outbox"))
    }
}

/// What the environment imposes over the saved settings (tests, kiosks). Kept apart so
/// that saving the settings never writes an override into the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overrides {
    /// `FORMDESK_RELAY_URL` + `FORMDESK_RELAY_TOKEN` (+ `FORMDESK_RELAY_FINGERPRINT`).
    pub relay: Option<RelayMode>,
    /// `FORMDESK_CAMERA`: wins over the camera chosen in Settings.
    pub camera: Option<String>,
}

impl Overrides {
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Overrides {
        let relay = match (env("FORMDESK_RELAY_URL"), env("FORMDESK_RELAY_TOKEN")) {
            (Some(url), Some(token)) => Some(RelayMode::Lan {
                url,
                token,
                fingerprint: env("FORMDESK_RELAY_FINGERPRINT").filter(|f| !f.is_empty()),
            }),
            _ => None,
        };
        let camera = env("FORMDESK_CAMERA").filter(|c| !c.is_empty());
        Overrides { relay, camera }
    }

    /// The effective settings: `saved` with these overrides on top.
    pub fn apply(&self, mut saved: Settings) -> Settings {
        if let Some(relay) = &self.relay {
            saved.relay = relay.clone();
        }
        if let Some(camera) = &self.camera {
            saved.camera = Some(camera.clone());
        }
        saved
    }
}

/// The app's folders: settings in `config`, relay data, outbox and logs in `data`.
#[derive(Debug, Clone)]
pub struct AppPaths {
    pub config: PathBuf,
    pub data: PathBuf,
    /// Form definitions served by the embedded relay.
    pub forms: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_config_dir() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let s = Settings {
            relay: RelayMode::Lan {
                url: "https://relay:8443".into(),
                token: "fdt_x".into(),
                fingerprint: Some("ab".into()),
            },
            desk_label: "Counter 7".into(),
            camera: Some("0".into()),
            outbox_dir: None,
        };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), s);
    }

    #[test]
    fn environment_overrides_relay_and_camera() {
        let env = |k: &str| match k {
            "FORMDESK_RELAY_URL" => Some("http://127.0.0.1:9".to_string()),
            "FORMDESK_RELAY_TOKEN" => Some("fdt_t".to_string()),
            "FORMDESK_CAMERA" => Some("file:/tmp/x.png".to_string()),
            _ => None,
        };
        let s = Settings::default().with_env(env);
        assert!(matches!(s.relay, RelayMode::Lan { ref url, .. } if url == "http://127.0.0.1:9"));
        assert_eq!(s.camera.as_deref(), Some("file:/tmp/x.png"));
    }
}
