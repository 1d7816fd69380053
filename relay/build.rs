//! Build script: embeds the phone web apps (`web/dist/wallet`, `web/dist/companion`) into the
//! relay as an `include_bytes!` table in OUT_DIR (`web_files.rs`, read by `src/web.rs`).
//! When `web/dist` is missing the table is empty, so a plain `cargo build` never fails; the
//! relay then answers `/wallet/` with 404 `web_apps_not_built`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The app folders of web/dist that the relay serves.
const APPS: [&str; 2] = ["wallet", "companion"];
/// Bound on the files embedded (web/dist holds about twenty).
const MAX_FILES: usize = 1_000;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../web/dist");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let dist = manifest.join("../web/dist");
    let mut files = Vec::new();
    for app in APPS {
        collect(&dist.join(app), app, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// `(path under web/dist, bytes)`, sorted by path; empty when web/dist was missing.\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),").expect("write to String");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("web_files.rs"), out).expect("write web_files.rs");
}

/// Adds the regular files under `dir` as (`prefix/relative`, absolute path), recursively.
fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let path = entry.path();
        let rel = format!("{prefix}/{name}");
        if path.is_dir() {
            collect(&path, &rel, files);
        } else if path.is_file() && files.len() < MAX_FILES {
            if let Ok(abs) = path.canonicalize() {
                if let Some(abs) = abs.to_str() {
                    files.push((rel, abs.to_string()));
                }
            }
        }
    }
}
