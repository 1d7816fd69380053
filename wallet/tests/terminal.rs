//! `formdesk-wallet respond` on a real terminal: the values missing from the profile are
//! asked for (an empty answer leaves the field out as unavailable), the citizen confirms
//! after the matching code, new values are saved to the profile, and a refusal shares
//! nothing. The wallet runs under util-linux `script`, which gives it a pseudo-terminal.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use formdesk_protocol::{match_code, FieldOutcome};

/// Runs `formdesk-wallet --home HOME respond ...` on a pseudo-terminal, typing `input`.
fn respond_on_a_terminal(desk: &Desk, request: &Path, profile: &Path, input: &str) -> Output {
    let wallet = env!("CARGO_BIN_EXE_formdesk-wallet");
    let command = format!(
        "{wallet} --home {} respond {} --profile {} --out {}",
        desk.path("home").display(),
        request.display(),
        profile.display(),
        desk.path("response.png").display()
    );
    let mut child = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script (util-linux)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn missing_values_are_asked_for_then_confirmed_and_saved_to_the_profile() {
    let desk = Desk::new();
    desk.trust_office();
    let (png, body, secret) = desk.request("change-of-address", &KEYS, now());
    let profile = desk.path("profile.json");
    std::fs::write(
        &profile,
        r#"{"person.given_name": "Maria", "person.family_name": "van der Berg"}"#,
    )
    .unwrap();

    // contact.email is typed, contact.phone left empty, then "y" to the consent question.
    let out = respond_on_a_terminal(&desk, &png, &profile, "maria@example.nl\n\ny\n");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("[contact.email]"), "{screen}");
    assert!(screen.contains("[contact.phone]"), "{screen}");
    assert!(screen.contains(&match_code(&body)), "{screen}");

    let got = outcomes(&desk.path("response.png"), &secret);
    assert_eq!(
        got[2],
        (
            "contact.email".into(),
            FieldOutcome::Shared("maria@example.nl".into())
        )
    );
    assert_eq!(got[3], ("contact.phone".into(), FieldOutcome::Unavailable));
    let saved = std::fs::read_to_string(&profile).unwrap();
    assert!(saved.contains("maria@example.nl"), "{saved}");
    assert!(!saved.contains("contact.phone"), "{saved}");
}

#[test]
fn refusing_consent_on_the_terminal_shares_nothing() {
    let desk = Desk::new();
    desk.trust_office();
    let (png, _, _) = desk.request("change-of-address", &KEYS, now());
    let profile = desk.path("profile.json");
    std::fs::write(
        &profile,
        r#"{"person.given_name": "Maria", "person.family_name": "van der Berg", "contact.email": "m@example.nl", "contact.phone": "+31 6 1234 5678"}"#,
    )
    .unwrap();

    let out = respond_on_a_terminal(&desk, &png, &profile, "n\n");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{screen}");
    assert!(screen.contains("consent refused"), "{screen}");
    assert!(!desk.path("response.png").exists());
}
