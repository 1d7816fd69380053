//! Tokens and roles. A token is 32 random bytes shown once as `fdt_` + base64url; the
//! relay stores only its SHA-256 (in sled's `tokens` tree). The binary's `token` commands
//! and the desktop app call [`create_token`], [`list_tokens`], [`revoke_token`] and
//! [`ensure_local_desk_token`] on a [`Store`]; `api` and `session` call [`authenticate`].
//! A running relay revokes with [`revoke_live`], which also closes the token's websockets.
//! Successful look-ups are cached (`cache`); a revocation clears the cache.

mod cache;

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::group::valid_name;
use crate::node::Node;
use crate::store::{decode, Store};

pub(crate) use self::cache::TokenCache;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A clerk terminal, bound to one desk.
    Desk,
    /// A clerk phone paired to one desk.
    Device,
    /// Another system: publishes events and submissions to desks it names.
    Integration,
    /// Everything, including org-wide groups.
    Admin,
}

impl Role {
    /// Whether tokens of this role must be bound to a desk.
    pub fn needs_desk(self) -> bool {
        matches!(self, Role::Desk | Role::Device)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Desk => "desk",
            Role::Device => "device",
            Role::Integration => "integration",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Role> {
        match s {
            "desk" => Ok(Role::Desk),
            "device" => Ok(Role::Device),
            "integration" => Ok(Role::Integration),
            "admin" => Ok(Role::Admin),
            _ => Err(Error::BadRequest(format!("unknown role {s:?}"))),
        }
    }
}

/// A stored token (its secret is not stored, only its hash, which is the key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Short public id (first 8 hex digits of the hash): what `list` shows and `revoke` takes.
    pub id: String,
    pub role: Role,
    pub desk: Option<String>,
    pub label: String,
    pub created_at: u64,
    pub revoked: bool,
}

/// The identity behind an authenticated request or connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub token_id: String,
    pub role: Role,
    pub desk: Option<String>,
}

/// Creates a token; returns its secret (shown once) and its record.
pub fn create_token(
    store: &Store,
    role: Role,
    desk: Option<&str>,
    label: &str,
) -> Result<(String, TokenInfo)> {
    match (role.needs_desk(), desk) {
        (true, None) => {
            return Err(Error::BadRequest(format!(
                "a {} token needs a desk",
                role.as_str()
            )))
        }
        (_, Some(d)) if !valid_name(d, 64) => {
            return Err(Error::BadRequest(
                "invalid desk id (allowed: [A-Za-z0-9._-], 1..=64)".into(),
            ))
        }
        _ => {}
    }
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    let secret = format!("fdt_{}", URL_SAFE_NO_PAD.encode(raw));
    let hash = hash_token(&secret);
    let info = TokenInfo {
        id: hex(&hash[..4]),
        role,
        desk: desk.map(str::to_string),
        label: label.to_string(),
        created_at: crate::ids::now_ms(),
        revoked: false,
    };
    let v = serde_json::to_vec(&info).map_err(|e| Error::Data(e.to_string()))?;
    store.tokens().insert(hash, v)?;
    store.flush_blocking()?;
    Ok((secret, info))
}

/// Every token record (no secrets).
pub fn list_tokens(store: &Store) -> Result<Vec<TokenInfo>> {
    store
        .tokens()
        .iter()
        .values()
        .map(|v| decode(&v?))
        .collect()
}

/// Revokes the token whose public id is `id`; `false` if there is none.
pub fn revoke_token(store: &Store, id: &str) -> Result<bool> {
    for item in store.tokens().iter() {
        let (k, v) = item?;
        let mut info: TokenInfo = decode(&v)?;
        if info.id == id && !info.revoked {
            info.revoked = true;
            let v = serde_json::to_vec(&info).map_err(|e| Error::Data(e.to_string()))?;
            store.tokens().insert(k, v)?;
            store.flush_blocking()?;
            // After the write: a look-up from now on reads the revoked record.
            store.token_cache().clear();
            return Ok(true);
        }
    }
    Ok(false)
}

/// Revokes a token of a running relay: stored as revoked (refused from the next request or
/// connect on), then every open websocket of it on this node closes with 4001 "token
/// revoked". Stored submissions are untouched. `false` if there is no active token `id`.
pub fn revoke_live(node: &Node, id: &str) -> Result<bool> {
    let existed = revoke_token(&node.store, id)?;
    if existed {
        let closed = node.hub.close_token(id);
        tracing::info!(token = id, closed, "token revoked");
    }
    Ok(existed)
}

/// Checks a presented token: unknown, malformed or revoked → `Unauthorized`.
pub fn authenticate(store: &Store, token: &str) -> Result<Principal> {
    if !token.starts_with("fdt_") || token.len() > 100 {
        return Err(Error::Unauthorized);
    }
    let generation = match store.token_cache().get(token) {
        Ok(who) => return Ok(who),
        Err(generation) => generation,
    };
    let v = store
        .tokens()
        .get(hash_token(token))?
        .ok_or(Error::Unauthorized)?;
    let info: TokenInfo = decode(&v)?;
    if info.revoked {
        return Err(Error::Unauthorized);
    }
    let who = Principal {
        token_id: info.id,
        role: info.role,
        desk: info.desk,
    };
    store.token_cache().fill(token, generation, &who);
    Ok(who)
}

/// The desktop app's own desk token (idempotent): reads `<data_dir>/desk.token` if it holds
/// a valid token of `desk`, else creates one and writes it there (mode 0600).
pub fn ensure_local_desk_token(store: &Store, data_dir: &Path, desk: &str) -> Result<String> {
    let path = data_dir.join("desk.token");
    if let Ok(s) = std::fs::read_to_string(&path) {
        let s = s.trim();
        if matches!(authenticate(store, s), Ok(p) if p.desk.as_deref() == Some(desk)) {
            return Ok(s.to_string());
        }
    }
    let (secret, _) = create_token(store, Role::Desk, Some(desk), "desktop (local)")?;
    write_private(&path, &secret)?;
    Ok(secret)
}

fn write_private(path: &Path, content: &str) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_authenticate_until_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (secret, info) = create_token(&store, Role::Desk, Some("d1"), "t").unwrap();
        assert!(secret.starts_with("fdt_"));
        let p = authenticate(&store, &secret).unwrap();
        assert_eq!((p.role, p.desk.as_deref()), (Role::Desk, Some("d1")));
        assert!(authenticate(&store, "fdt_nope").is_err());
        assert!(create_token(&store, Role::Device, None, "x").is_err());
        assert_eq!(list_tokens(&store).unwrap().len(), 1);
        assert!(authenticate(&store, &secret).is_ok(), "cached now");
        assert!(revoke_token(&store, &info.id).unwrap());
        assert!(matches!(
            authenticate(&store, &secret),
            Err(Error::Unauthorized)
        ));
    }

    #[test]
    fn local_desk_token_is_provisioned_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = ensure_local_desk_token(&store, dir.path(), "local").unwrap();
        let b = ensure_local_desk_token(&store, dir.path(), "local").unwrap();
        assert_eq!(a, b);
        assert_eq!(list_tokens(&store).unwrap().len(), 1);
    }
}
