//! One module per command; `run` dispatches. Each command reads and writes the state folder
//! through `home` and prints for a person (history also as JSON). `render` and
//! `check-response` are tools (for tests and wallet authors): they touch no wallet state.

mod check_response;
mod history;
mod inspect;
mod receipt;
mod render;
mod respond;
mod trust;

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::home::Home;

pub fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Render {
            text,
            out,
            ec,
            module_px,
        } => {
            return render::run(render::Options {
                text,
                out,
                ec: (*ec).into(),
                module_px: *module_px,
            })
        }
        Command::CheckResponse {
            request,
            secret,
            text,
            image,
            at,
        } => {
            return check_response::run(check_response::Options {
                request,
                secret,
                text: text.as_deref(),
                image: image.as_deref(),
                at: *at,
            })
        }
        _ => {}
    }
    let home = Home::open(cli.home)?;
    match cli.command {
        Command::Trust { action } => trust::run(&home, action),
        Command::Inspect { request } => inspect::run(&home, &request),
        Command::Respond {
            request,
            profile,
            out,
            set,
            decline,
            yes,
        } => {
            let profile = profile.unwrap_or_else(|| home.default_profile());
            let opts = respond::Options {
                profile,
                out,
                set,
                decline,
                yes,
            };
            respond::run(&home, &request, opts)
        }
        Command::Receipt { receipt } => receipt::run(&home, &receipt),
        Command::History { json } => history::run(&home, json),
        Command::Render { .. } | Command::CheckResponse { .. } => Ok(()),
    }
}

/// Unix seconds now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
