//! `inspect REQUEST.png`: shows the request before any decision. A request from an untrusted
//! office is still shown (so the citizen sees who claims to ask) but the command fails.

use std::path::Path;

use anyhow::{bail, Result};
use formdesk_protocol::{decode_request_unverified, verify_request, Error};

use super::now;
use crate::home::Home;
use crate::show;

pub fn run(home: &Home, path: &Path) -> Result<()> {
    let text = crate::scan::read_code(path)?;
    let trusted = home.trusted()?;
    let keys: Vec<_> = trusted.iter().map(|t| t.key).collect();
    match verify_request(&text, &keys, now()) {
        Ok(req) => {
            let name = trusted
                .iter()
                .find(|t| t.key == req.office_key)
                .map_or("", |t| t.name.as_str());
            let sig = format!(
                "valid, trusted office key \"{name}\" ({})",
                req.office_key.fingerprint()
            );
            print!("{}", show::request(&req.body, &sig));
            Ok(())
        }
        Err(
            err @ (Error::UntrustedOfficeKey { .. }
            | Error::Expired { .. }
            | Error::NotYetValid { .. }),
        ) => {
            if let Ok(u) = decode_request_unverified(&text) {
                let sig = format!("NOT ACCEPTED: {err}");
                print!("{}", show::request(&u.body, &sig));
            }
            bail!(err)
        }
        Err(err) => bail!(err),
    }
}
