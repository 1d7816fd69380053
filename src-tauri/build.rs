//! Builds the web front end (ui/ → ui/dist, which the Tauri context embeds), then runs
//! tauri-build. The ui build is plain TypeScript through esbuild and takes about a second.
use std::path::Path;
use std::process::Command;

fn main() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    for p in [
        "src",
        "index.html",
        "styles.css",
        "build.mjs",
        "package.json",
        "tsconfig.json",
    ] {
        println!("cargo:rerun-if-changed={}", ui.join(p).display());
    }
    if std::env::var_os("FORMDESK_SKIP_UI_BUILD").is_none() {
        build_ui(&ui);
    }
    tauri_build::build();
}

fn build_ui(ui: &Path) {
    if !ui.join("node_modules").is_dir() {
        run(ui, &["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    }
    run(ui, &["run", "--silent", "build"]);
}

fn run(dir: &Path, args: &[&str]) {
    let status = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run npm (install Node.js 20: scripts/setup.sh): {e}"));
    assert!(
        status.success(),
        "npm {} failed in {}",
        args.join(" "),
        dir.display()
    );
}
