//! formdesk-wallet: the reference citizen wallet, on the command line. It shows who asks for
//! what (office-signed requests), fills answers from a local profile with field-by-field
//! consent, seals them into a response QR for the desk's webcam, keeps a history without
//! values, and attaches the office's deletion receipts.
//!
//! # Layout
//! - `cli`: the command-line grammar (clap).
//! - `home`: the wallet's state folder: trusted office keys, profile, history (JSON files).
//! - `scan`: reading a FormDesk code from an image file (formdesk-scanner).
//! - `show`: plain-text rendering of requests, receipts and times.
//! - `prompt`: questions on a terminal (never when stdin is not a TTY).
//! - `commands/`: one file per command (`trust`, `inspect`, `respond`, `receipt`, `history`;
//!   the tools `render` and `check_response`).

mod cli;
mod commands;
mod home;
mod prompt;
mod scan;
mod show;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    if let Err(err) = commands::run(cli) {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
