//! The `formdesk-scan` command line as wallets, admins and tests use it: one JSON line per
//! file with the decoded texts and the decode time, exit 0 when a file holds no code, a
//! clear error (JSON line, stderr, exit 1) for an unreadable file, and exit 2 without files.

use std::path::Path;
use std::process::{Command, Output};

use formdesk_protocol::render::{render_png, EcLevel};
use serde_json::Value;

fn scan(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formdesk-scan"))
        .args(args)
        .output()
        .expect("run formdesk-scan")
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

#[test]
fn one_json_line_per_file_with_the_codes_and_exit_0_when_a_file_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let text = "FDA1:HELLO FORMDESK 0123456789";
    let with_code = dir.path().join("code.png");
    std::fs::write(&with_code, render_png(text, EcLevel::M).unwrap()).unwrap();
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(320, 240, image::Luma([255]))
        .save(&blank)
        .unwrap();

    let out = scan(&[&with_code, &blank]);
    assert!(out.status.success(), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["file"], with_code.to_str().unwrap());
    assert_eq!(lines[0]["codes"], serde_json::json!([text]));
    assert!(lines[0]["ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert_eq!(lines[1]["file"], blank.to_str().unwrap());
    assert_eq!(lines[1]["codes"], serde_json::json!([]));
}

#[test]
fn an_unreadable_file_is_a_clear_error_and_the_other_files_are_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.png");
    std::fs::write(&broken, b"this is not an image").unwrap();
    let missing = dir.path().join("missing.png");
    let good = dir.path().join("good.png");
    std::fs::write(&good, render_png("FDR1:ABC", EcLevel::M).unwrap()).unwrap();

    let out = scan(&[&broken, &missing, &good]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (line, path) in lines.iter().zip([&broken, &missing]) {
        assert_eq!(line["file"], path.to_str().unwrap());
        let error = line["error"].as_str().expect("an error message");
        assert!(!error.is_empty());
        assert!(line.get("codes").is_none(), "{line}");
    }
    assert_eq!(lines[2]["codes"], serde_json::json!(["FDR1:ABC"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("formdesk-scan: ").count(), 2, "{stderr}");
}

#[test]
fn no_file_is_a_usage_error() {
    let out = scan(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: formdesk-scan"));
    assert!(out.stdout.is_empty());
}
