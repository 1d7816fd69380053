//! The office identity: its name and Ed25519 signing key (`data_dir/office.key`, a 32-byte
//! seed, mode 0600, created on first start). Requests and deletion receipts are signed with
//! it; wallets trust its public key (`GET /api/office-key`).

use std::path::Path;

use formdesk_protocol::qr::OfficeKey;
use formdesk_protocol::wire::OfficeKeyInfo;
use rand_core::OsRng;

use crate::error::{Error, Result};

/// The office's name and signing key.
pub struct Office {
    pub name: String,
    key: OfficeKey,
}

impl Office {
    /// Reads `data_dir/office.key`, creating it on first start.
    pub fn load_or_create(data_dir: &Path, name: &str) -> Result<Office> {
        let path = data_dir.join("office.key");
        let key = match std::fs::read(&path) {
            Ok(bytes) => {
                let seed: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| Error::Data("office.key is not 32 bytes".into()))?;
                OfficeKey::from_seed(seed)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = OfficeKey::generate(&mut OsRng);
                write_private(&path, &key.seed())?;
                key
            }
            Err(e) => return Err(e.into()),
        };
        Ok(Office {
            name: name.to_string(),
            key,
        })
    }

    /// The signing key.
    pub fn key(&self) -> &OfficeKey {
        &self.key
    }

    /// What `GET /api/office-key` answers.
    pub fn info(&self) -> OfficeKeyInfo {
        let public = self.key.public_key();
        OfficeKeyInfo {
            name: self.name.clone(),
            public_key: public.to_base64url(),
            qr: public.to_qr_text(&self.name),
        }
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
