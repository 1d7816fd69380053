//! `formdesk-relay token create|list|revoke`: administration of the tokens of a data
//! directory through the relay library's `auth` functions. The secret is printed once, on
//! stdout, and never stored (the relay keeps only its SHA-256).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use formdesk_relay::auth::Role;
use formdesk_relay::store::Store;

use super::admin::{self, Request, Response};
use super::Failure;

#[derive(Debug, Args)]
pub struct DataDir {
    /// Data directory of the relay.
    #[arg(long, env = "FORMDESK_DATA_DIR")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown once).
    Create {
        #[command(flatten)]
        dir: DataDir,
        /// desk (a clerk terminal), device (a clerk phone), integration (another system), admin.
        #[arg(long, value_parser = ["desk", "device", "integration", "admin"])]
        role: String,
        /// The desk a desk or device token belongs to (required for those roles).
        #[arg(long)]
        desk: Option<String>,
        /// Free text to recognise the token by later (no personal data).
        #[arg(long, default_value = "")]
        label: String,
        /// Print one JSON object (id, role, desk, label, secret) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List tokens (ids, roles, desks, labels; never secrets).
    List {
        #[command(flatten)]
        dir: DataDir,
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (as shown by `token list`).
    Revoke {
        #[command(flatten)]
        dir: DataDir,
        id: String,
    },
}

pub fn run(cmd: TokenCommand) -> Result<(), Failure> {
    match cmd {
        TokenCommand::Create {
            dir,
            role,
            desk,
            label,
            json,
        } => {
            let role: Role = role.parse().map_err(Failure::usage)?;
            let (secret, token) = match send(&dir, Request::Create { role, desk, label })? {
                Response::Created { secret, token } => (secret, token),
                other => return Err(unexpected(other)),
            };
            if json {
                let mut v = serde_json::to_value(&token).context("encode token")?;
                v["secret"] = secret.into();
                println!("{v}");
            } else {
                println!("created {} token {}", token.role.as_str(), token.id);
                println!("secret (shown once, store it now): {secret}");
            }
            Ok(())
        }
        TokenCommand::List { dir, json } => {
            let tokens = match send(&dir, Request::List)? {
                Response::Tokens { tokens } => tokens,
                other => return Err(unexpected(other)),
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&tokens).context("encode tokens")?
                );
                return Ok(());
            }
            println!(
                "{:<10} {:<12} {:<20} {:<8} LABEL",
                "ID", "ROLE", "DESK", "STATE"
            );
            for t in tokens {
                let state = if t.revoked { "revoked" } else { "active" };
                let desk = t.desk.as_deref().unwrap_or("-");
                println!(
                    "{:<10} {:<12} {:<20} {:<8} {}",
                    t.id,
                    t.role.as_str(),
                    desk,
                    state,
                    t.label
                );
            }
            Ok(())
        }
        TokenCommand::Revoke { dir, id } => {
            let existed = match send(&dir, Request::Revoke { id: id.clone() })? {
                Response::Revoked { existed } => existed,
                other => return Err(unexpected(other)),
            };
            if existed {
                println!("revoked token {id}");
                Ok(())
            } else {
                Err(Failure::usage(anyhow::anyhow!(
                    "no active token with id {id:?}"
                )))
            }
        }
    }
}

/// Runs a command on the running relay (admin socket) or, when none runs, on the store.
/// A refusal (bad desk id, a role that needs a desk) exits with 2.
fn send(dir: &DataDir, req: Request) -> Result<Response, Failure> {
    let answer = match admin::call(&dir.data_dir, &req) {
        Some(answer) => answer.context("the running relay's admin socket failed")?,
        None => {
            let store = Store::open(&dir.data_dir).with_context(|| {
                format!(
                    "cannot open the data directory {} (if a relay uses it, it must be \
                     running with its admin socket {})",
                    dir.data_dir.display(),
                    admin::SOCKET
                )
            })?;
            let answer = admin::apply(&store, req);
            store.flush_blocking().context("flush the store")?;
            answer
        }
    };
    match answer {
        Response::Error { message } => Err(Failure::usage(anyhow::anyhow!(message))),
        other => Ok(other),
    }
}

fn unexpected(answer: Response) -> Failure {
    anyhow::anyhow!("unexpected answer from the admin socket: {answer:?}").into()
}
