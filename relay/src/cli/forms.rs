//! `formdesk-relay forms list`: the definitions a forms folder would serve, checked exactly
//! as `serve` loads them (a bad file is reported with its name).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use formdesk_protocol::forms::FormRegistry;

use super::Failure;

#[derive(Debug, Subcommand)]
pub enum FormsCommand {
    /// List the forms of a folder (id, version, language, fields, title).
    List {
        /// Folder of form definitions (*.json).
        #[arg(long, default_value = "relay/forms", env = "FORMDESK_FORMS")]
        forms: PathBuf,
        /// Print JSON (one array) instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: FormsCommand) -> Result<(), Failure> {
    let FormsCommand::List { forms, json } = cmd;
    let registry = FormRegistry::load_dir(&forms)
        .with_context(|| format!("cannot load the forms in {}", forms.display()))?;
    if json {
        let rows: Vec<_> = registry
            .list()
            .into_iter()
            .map(|f| {
                serde_json::json!({
                    "id": f.id, "version": f.version, "lang": f.lang,
                    "title": f.title, "fields": f.fields.len(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    println!(
        "{:<28} {:>7} {:<6} {:>6}  TITLE",
        "ID", "VERSION", "LANG", "FIELDS"
    );
    for f in registry.list() {
        println!(
            "{:<28} {:>7} {:<6} {:>6}  {}",
            f.id,
            f.version,
            f.lang,
            f.fields.len(),
            f.title
        );
    }
    Ok(())
}
