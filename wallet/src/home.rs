//! The wallet's state folder: `trusted.json` (office keys), `profile.json` (the citizen's
//! values by vocabulary key; only this file holds personal data), `history.json` (what was
//! shared with whom, never the values). Files are written whole through a temporary file and
//! a rename, so a crash never leaves half a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use formdesk_protocol::OfficePublicKey;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A trusted office key with the name it was added under.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrustedKey {
    pub key: OfficePublicKey,
    pub name: String,
    pub added_at: u64,
}

/// One field of a history entry: the key and what happened to it (no value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedField {
    pub key: String,
    pub label: String,
    /// `shared`, `declined` or `unavailable`.
    pub outcome: String,
}

/// The office's deletion receipt, once verified.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptRecord {
    pub relay_deleted_at: u64,
    pub fields_received: Vec<String>,
    pub office_retains: String,
    pub office_retention_days: u32,
    pub issued_at: u64,
    pub office_key: OfficePublicKey,
}

/// One answered request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub request_id: String,
    pub at: u64,
    pub office_name: String,
    pub office_key: OfficePublicKey,
    pub desk_label: String,
    pub form_id: String,
    pub form_title: String,
    pub match_code: String,
    pub fields: Vec<SharedField>,
    pub retention: String,
    pub contact: String,
    #[serde(default)]
    pub receipt: Option<ReceiptRecord>,
}

pub type Profile = BTreeMap<String, String>;

/// The state folder.
pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// `--home`/`FORMDESK_WALLET_HOME`, else `~/.local/share/formdesk-wallet`.
    pub fn open(dir: Option<PathBuf>) -> Result<Home> {
        let dir = match dir {
            Some(d) => d,
            None => {
                let home = std::env::var_os("HOME").context("HOME is not set; pass --home")?;
                PathBuf::from(home).join(".local/share/formdesk-wallet")
            }
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Home { dir })
    }

    pub fn default_profile(&self) -> PathBuf {
        self.dir.join("profile.json")
    }

    pub fn trusted(&self) -> Result<Vec<TrustedKey>> {
        read_or_default(&self.dir.join("trusted.json"))
    }

    pub fn save_trusted(&self, keys: &[TrustedKey]) -> Result<()> {
        write_json(&self.dir.join("trusted.json"), &keys)
    }

    pub fn trusted_keys(&self) -> Result<Vec<OfficePublicKey>> {
        Ok(self.trusted()?.into_iter().map(|t| t.key).collect())
    }

    pub fn history(&self) -> Result<Vec<HistoryEntry>> {
        read_or_default(&self.dir.join("history.json"))
    }

    pub fn save_history(&self, entries: &[HistoryEntry]) -> Result<()> {
        write_json(&self.dir.join("history.json"), &entries)
    }
}

pub fn read_profile(path: &Path) -> Result<Profile> {
    read_or_default(path)
}

pub fn save_profile(path: &Path, profile: &Profile) -> Result<()> {
    write_json(path, profile)
}

fn read_or_default<T: DeserializeOwned + Default>(path: &Path) -> Result<T> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(value)? + "\n";
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}
