//! The `formdesk-relay` command line.
//!
//! - `serve` (serve.rs): flags + TOML file (file_config.rs) → `Config`, transport policy
//!   (transport.rs: TLS by default, plain HTTP only on loopback unless forced), logging
//!   (logging.rs), file-descriptor limit, signals (signals.rs), then `formdesk_relay::run`.
//! - `token create|list|revoke` (token.rs): through the running relay's local admin socket
//!   (admin.rs), or on the data directory directly when no relay runs.
//! - `forms list` (forms.rs): checks and lists a forms folder.
//! - `office-key` (office_key.rs): prints the office key wallets trust (`FDK1:`), as a QR.
//!
//! Exit codes: 0 success, 1 runtime failure, 2 refused usage (bad flags, unsafe transport).

mod admin;
mod file_config;
mod forms;
mod logging;
mod office_key;
mod serve;
mod signals;
mod token;
mod transport;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// FormDesk relay: groups, durable submissions and delivery for clerk terminals.
#[derive(Debug, Parser)]
#[command(name = "formdesk-relay", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the relay as a LAN service (TLS by default).
    Serve(serve::ServeArgs),
    /// Create, list and revoke access tokens of a data directory.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Inspect a forms folder.
    #[command(subcommand)]
    Forms(forms::FormsCommand),
    /// Print the office public key wallets trust (FDK1 text), optionally as a QR PNG/SVG.
    OfficeKey(office_key::OfficeKeyArgs),
}

/// A failure the binary reports on stderr, with its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    /// The admin asked for something the relay refuses to do (exit code 2).
    pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: error.into(),
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure {
            code: 1,
            error: e.into(),
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::serve(args),
        Command::Token(cmd) => token::run(cmd),
        Command::Forms(cmd) => forms::run(cmd),
        Command::OfficeKey(args) => office_key::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("formdesk-relay: error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
