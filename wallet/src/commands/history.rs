//! `history`: what was shared with whom, when, under which retention promise — and whether
//! the office confirmed deletion. Never any values.

use anyhow::Result;

use crate::home::Home;
use crate::show;

pub fn run(home: &Home, json: bool) -> Result<()> {
    let history = home.history()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&history)?);
        return Ok(());
    }
    if history.is_empty() {
        println!("no history yet");
    }
    for e in &history {
        let count = |o: &str| e.fields.iter().filter(|f| f.outcome == o).count();
        println!(
            "{}  {} / {}  {}",
            show::time(e.at),
            e.office_name,
            e.desk_label,
            e.form_title
        );
        println!("  request {}  matching code {}", e.request_id, e.match_code);
        println!(
            "  shared {}, declined {}, unavailable {}",
            count("shared"),
            count("declined"),
            count("unavailable")
        );
        for f in &e.fields {
            println!("    {:<11} {} [{}]", f.outcome, f.label, f.key);
        }
        println!("  retention: {}", e.retention);
        println!("  deletion requests: {}", e.contact);
        match &e.receipt {
            None => println!("  deletion not confirmed"),
            Some(r) => println!(
                "  deletion confirmed: relay deleted {} on {}; office keeps {} for {} days",
                if r.fields_received.is_empty() {
                    "nothing".to_string()
                } else {
                    r.fields_received.join(", ")
                },
                show::time(r.relay_deleted_at),
                r.office_retains,
                r.office_retention_days
            ),
        }
    }
    Ok(())
}
