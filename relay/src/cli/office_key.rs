//! `formdesk-relay office-key`: prints the office public key of a data directory as the
//! `FDK1:` text wallets add to their trusted keys (`formdesk-wallet trust add`), with its
//! fingerprint, and optionally renders it as a QR code (PNG or SVG) to print at the counter.
//! Reads `DATA_DIR/office.key` only, so it works while the relay runs.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use formdesk_protocol::render::{render_png, render_svg, EcLevel};
use formdesk_relay::config::Config;
use formdesk_relay::office::Office;

use super::file_config::FileConfig;
use super::Failure;

#[derive(Debug, Args)]
pub struct OfficeKeyArgs {
    /// Data directory of the relay (holds office.key, created on the relay's first start).
    #[arg(long, env = "FORMDESK_DATA_DIR")]
    pub data_dir: PathBuf,
    /// The relay's TOML config file, for its `office_name` (the name is part of the QR).
    #[arg(long, env = "FORMDESK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Office name shown by wallets (overrides the config file's `office_name`).
    #[arg(long)]
    pub office_name: Option<String>,
    /// Also write the key as a QR code PNG to this file.
    #[arg(long, conflicts_with = "svg")]
    pub png: Option<PathBuf>,
    /// Also write the key as a QR code SVG to this file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Print one JSON object {name, public_key, fingerprint, qr} instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: OfficeKeyArgs) -> Result<(), Failure> {
    let name = office_name(&args)?;
    let office = load(&args.data_dir, &name)?;
    let info = office.info();
    let fingerprint = office.key().public_key().fingerprint();
    if let Some(path) = &args.png {
        let png = render_png(&info.qr, EcLevel::M).context("render the QR code")?;
        std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.svg {
        let svg = render_svg(&info.qr, EcLevel::M).context("render the QR code")?;
        std::fs::write(path, svg).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        let v = serde_json::json!({
            "name": info.name, "public_key": info.public_key,
            "fingerprint": fingerprint, "qr": info.qr,
        });
        println!("{v}");
    } else {
        println!("{}", info.qr);
        eprintln!("office {:?}, key fingerprint {fingerprint}", info.name);
    }
    Ok(())
}

/// Flag, else the config file's `office_name`, else the relay's default.
fn office_name(args: &OfficeKeyArgs) -> Result<String, Failure> {
    if let Some(n) = &args.office_name {
        return Ok(n.clone());
    }
    let mut config = Config::new(&args.data_dir);
    if let Some(path) = &args.config {
        FileConfig::load(path)
            .map_err(Failure::usage)?
            .apply(&mut config);
    }
    Ok(config.office_name)
}

/// The existing office key; never creates one (only the relay does, on its first start).
fn load(data_dir: &Path, name: &str) -> Result<Office, Failure> {
    let path = data_dir.join("office.key");
    if !path.exists() {
        return Err(Failure::usage(anyhow::anyhow!(
            "no office key in {}: it is created when the relay first starts \
             (formdesk-relay serve --data-dir {})",
            data_dir.display(),
            data_dir.display()
        )));
    }
    Office::load_or_create(data_dir, name)
        .with_context(|| format!("cannot read {}", path.display()))
        .map_err(Failure::from)
}
