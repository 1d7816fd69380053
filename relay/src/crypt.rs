//! At-rest encryption of submission content with per-epoch keys (crypto-shredding).
//!
//! Time is cut into epochs of `Config::epoch_length`; each epoch has one random
//! ChaCha20-Poly1305 key in `data_dir/keys/<epoch>.key` (written and fsynced before first
//! use). The janitor deletes a key file once no submission of its epoch can still be pending
//! (epoch end + TTL), after which whatever sled's old log segments still hold of that epoch's
//! content is unreadable. Sealed data is `nonce (12 bytes) || ciphertext`, bound to the
//! submission id as associated data.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand_core::{OsRng, RngCore};

use crate::error::{Error, Result};

/// The epoch keys of one relay. Cheap to share behind an `Arc`.
pub struct EpochKeys {
    dir: PathBuf,
    epoch_ms: u64,
    /// std Mutex: held only for map look-ups and, once per epoch, for writing a key file.
    cache: Mutex<HashMap<u64, Arc<ChaCha20Poly1305>>>,
}

impl EpochKeys {
    /// Opens (creating) the key folder `dir`; epochs are `epoch_ms` long.
    pub fn open(dir: impl AsRef<Path>, epoch_ms: u64) -> Result<EpochKeys> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir)?;
        Ok(EpochKeys {
            dir,
            epoch_ms: epoch_ms.max(1),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The epoch a unix time in milliseconds falls in.
    pub fn epoch_of(&self, unix_ms: u64) -> u64 {
        unix_ms / self.epoch_ms
    }

    /// Unix time in milliseconds at which `epoch` ends.
    pub fn epoch_end_ms(&self, epoch: u64) -> u64 {
        (epoch + 1) * self.epoch_ms
    }

    /// Encrypts `plaintext` with the key of `epoch`, creating that key if needed.
    pub fn seal(&self, epoch: u64, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let cipher = self.key(epoch, true)?.ok_or(Error::Crypto)?;
        let mut nonce = [0u8; 12];
        crate::ids::random_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| Error::Crypto)?;
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts what [`seal`](Self::seal) produced. A deleted key gives `Error::Gone`.
    pub fn open_sealed(&self, epoch: u64, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < 12 {
            return Err(Error::Crypto);
        }
        let cipher = self
            .key(epoch, false)?
            .ok_or_else(|| Error::Gone("content key deleted".into()))?;
        let (nonce, ct) = sealed.split_at(12);
        cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| Error::Crypto)
    }

    /// Deletes the key files of every epoch before `epoch`; returns how many were deleted.
    pub fn delete_before(&self, epoch: u64) -> Result<usize> {
        let mut deleted = 0;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|e, _| *e >= epoch);
        for entry in fs::read_dir(&self.dir)? {
            let path = entry?.path();
            let Some(e) = epoch_of_file(&path) else {
                continue;
            };
            if e < epoch {
                fs::remove_file(&path)?;
                deleted += 1;
            }
        }
        if deleted > 0 {
            fsync_dir(&self.dir)?;
        }
        Ok(deleted)
    }

    fn key(&self, epoch: u64, create: bool) -> Result<Option<Arc<ChaCha20Poly1305>>> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = cache.get(&epoch) {
            return Ok(Some(k.clone()));
        }
        let path = self.dir.join(format!("{epoch}.key"));
        let bytes = match fs::read(&path) {
            Ok(b) if b.len() == 32 => b,
            Ok(_) => return Err(Error::Data(format!("corrupt key file for epoch {epoch}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                write_new_key(&self.dir, &path)?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let cipher = Arc::new(ChaCha20Poly1305::new(Key::from_slice(&bytes)));
        cache.insert(epoch, cipher.clone());
        Ok(Some(cipher))
    }
}

fn write_new_key(dir: &Path, path: &Path) -> Result<Vec<u8>> {
    let mut key = vec![0u8; 32];
    OsRng.fill_bytes(&mut key);
    let tmp = path.with_extension("tmp");
    let mut f = fs::File::create(&tmp)?;
    f.write_all(&key)?;
    f.sync_all()?;
    fs::rename(&tmp, path)?;
    fsync_dir(dir)?;
    Ok(key)
}

fn fsync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)?.sync_all()?;
    Ok(())
}

fn epoch_of_file(path: &Path) -> Option<u64> {
    if path.extension()? != "key" {
        return None;
    }
    path.file_stem()?.to_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_content_opens_until_its_epoch_key_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let keys = EpochKeys::open(dir.path(), 1000).unwrap();
        let sealed = keys.seal(5, b"id1", b"secret").unwrap();
        assert_eq!(keys.open_sealed(5, b"id1", &sealed).unwrap(), b"secret");
        assert!(
            keys.open_sealed(5, b"id2", &sealed).is_err(),
            "bound to its id"
        );
        // A fresh instance reads the key from disk.
        let again = EpochKeys::open(dir.path(), 1000).unwrap();
        assert_eq!(again.open_sealed(5, b"id1", &sealed).unwrap(), b"secret");
        assert_eq!(again.delete_before(6).unwrap(), 1);
        assert!(matches!(
            again.open_sealed(5, b"id1", &sealed),
            Err(Error::Gone(_))
        ));
    }
}
