//! The command-line grammar. The state folder comes from `--home`, else
//! `FORMDESK_WALLET_HOME`, else `~/.local/share/formdesk-wallet`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use formdesk_protocol::render::EcLevel;

#[derive(Debug, Parser)]
#[command(
    name = "formdesk-wallet",
    version,
    about = "FormDesk reference citizen wallet"
)]
pub struct Cli {
    /// Wallet state folder (trusted keys, profile, history).
    #[arg(long, global = true, env = "FORMDESK_WALLET_HOME")]
    pub home: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the office keys this wallet trusts.
    Trust {
        #[command(subcommand)]
        action: TrustAction,
    },
    /// Show who asks for what in a request QR (signature checked against trusted keys).
    Inspect {
        /// Image (PNG/JPEG/WebP) of the request QR code.
        request: PathBuf,
    },
    /// Answer a request: fill from the profile, ask or take --set for the rest, write the
    /// response QR.
    Respond {
        request: PathBuf,
        /// Profile file (JSON object of vocabulary key → value); default: HOME/profile.json.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Where to write the response QR (PNG).
        #[arg(long)]
        out: PathBuf,
        /// Give a value: key=value (saved to the profile).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Do not share this key (it arrives marked "declined").
        #[arg(long = "decline", value_name = "KEY")]
        decline: Vec<String>,
        /// Consent without asking (required when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Verify a deletion receipt QR and attach it to the history entry of its request.
    Receipt { receipt: PathBuf },
    /// List what was shared with whom (no values).
    History {
        /// Print the entries as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draw any FormDesk QR text as a QR code image (PNG, or SVG for a .svg file name).
    Render {
        /// The code's text (FDR1:..., FDA1:..., FDK1:..., FDD1:...).
        text: String,
        /// The image file to write.
        #[arg(long)]
        out: PathBuf,
        /// Error-correction level.
        #[arg(long, value_enum, default_value = "m")]
        ec: Ec,
        /// Pixels per QR module (PNG).
        #[arg(long, default_value_t = 8)]
        module_px: u32,
    },
    /// Open an answer QR with its request's ephemeral secret (as the desk's window does) and
    /// print each field's outcome and value as JSON.
    CheckResponse {
        /// The request: FDR1: text, or a file with the text or a QR image of it.
        #[arg(long)]
        request: String,
        /// The window's ephemeral X25519 secret for that request (64 hex digits).
        #[arg(long)]
        secret: String,
        /// The answer as FDA1: text.
        #[arg(long, conflicts_with = "image", required_unless_present = "image")]
        text: Option<String>,
        /// The answer as an image (PNG/JPEG/WebP screenshot or photo) or a text file.
        image: Option<PathBuf>,
        /// Check the request's expiry at this unix time (default: now).
        #[arg(long)]
        at: Option<u64>,
    },
}

/// Error-correction level of a rendered code.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Ec {
    L,
    M,
    Q,
    H,
}

impl From<Ec> for EcLevel {
    fn from(e: Ec) -> EcLevel {
        match e {
            Ec::L => EcLevel::L,
            Ec::M => EcLevel::M,
            Ec::Q => EcLevel::Q,
            Ec::H => EcLevel::H,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TrustAction {
    /// Trust an office key: an FDK1: text, a base64url key, or a file (text or QR image).
    Add {
        key: String,
        /// Office name to show for a bare base64url key.
        #[arg(long)]
        name: Option<String>,
    },
    /// List trusted office keys.
    List,
}
