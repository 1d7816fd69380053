//! Questions on a terminal. Only when stdin is a TTY: scripts and tests never block on a
//! prompt, they get a clear error telling which option to pass instead.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Result;

pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks `question`; returns the trimmed answer (empty when the user just pressed Enter).
pub fn ask(question: &str) -> Result<String> {
    eprint!("{question} ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Yes/no question, default no.
pub fn confirm(question: &str) -> Result<bool> {
    let a = ask(&format!("{question} [y/N]"))?;
    Ok(matches!(a.to_ascii_lowercase().as_str(), "y" | "yes"))
}
