//! `receipt RECEIPT.png`: verify the office's deletion receipt and attach it to the history
//! entry of its request, turning "deletion not confirmed" into a dated confirmation.

use std::path::Path;

use anyhow::{bail, Result};
use formdesk_protocol::verify_receipt;

use crate::home::{Home, ReceiptRecord};
use crate::show;

pub fn run(home: &Home, path: &Path) -> Result<()> {
    let text = crate::scan::read_code(path)?;
    let v = verify_receipt(&text, &home.trusted_keys()?)?;
    let b = &v.body;
    println!(
        "Deletion receipt from {} (signature valid, key {})",
        b.office_name,
        v.office_key.fingerprint()
    );
    println!("Request:        {} ({})", b.request_id, b.form_id);
    println!(
        "Received:       {}",
        if b.fields_received.is_empty() {
            "nothing".into()
        } else {
            b.fields_received.join(", ")
        }
    );
    println!("Relay deleted:  {}", show::time(b.relay_deleted_at));
    println!(
        "Office keeps:   {} for {} days",
        b.office_retains, b.office_retention_days
    );
    let mut history = home.history()?;
    let Some(entry) = history
        .iter_mut()
        .find(|e| e.request_id == b.request_id.to_hex())
    else {
        bail!(
            "no history entry for request {}: receipt verified but not attached",
            b.request_id
        );
    };
    if entry.office_key != v.office_key {
        bail!("the receipt is signed by another office than the one that asked: not attached");
    }
    let shared: Vec<&str> = entry
        .fields
        .iter()
        .filter(|f| f.outcome == "shared")
        .map(|f| f.key.as_str())
        .collect();
    if let Err(e) = b.check_against(&entry.form_id, &shared) {
        bail!("{e}: not attached");
    }
    entry.receipt = Some(ReceiptRecord {
        relay_deleted_at: b.relay_deleted_at,
        fields_received: b.fields_received.clone(),
        office_retains: b.office_retains.clone(),
        office_retention_days: b.office_retention_days,
        issued_at: b.issued_at,
        office_key: v.office_key,
    });
    home.save_history(&history)?;
    println!(
        "attached to the history entry of {}",
        show::time(history_at(&history, b))
    );
    Ok(())
}

fn history_at(history: &[crate::home::HistoryEntry], b: &formdesk_protocol::ReceiptBody) -> u64 {
    history
        .iter()
        .find(|e| e.request_id == b.request_id.to_hex())
        .map_or(0, |e| e.at)
}
