//! Development tool: `cargo run --release -p formdesk-scanner --example eval -- DIR...`
//! decodes every image that has a `NAME.txt` beside it and counts exact text matches,
//! with median/p95 decode time. `-v` lists each image's outcome.

use std::path::{Path, PathBuf};

fn images(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            images(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("png" | "jpg" | "jpeg" | "webp")
        ) && p.with_extension("txt").exists()
        {
            out.push(p);
        }
    }
}

fn main() {
    let mut verbose = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "-v" {
            verbose = true;
        } else {
            images(Path::new(&a), &mut files);
        }
    }
    let (mut ok, mut times) = (0, Vec::new());
    for f in &files {
        let expected = std::fs::read(f.with_extension("txt")).unwrap();
        let gray = formdesk_scanner::gray_from_file(f).unwrap();
        let t = cpu_ms();
        let codes = formdesk_scanner::decode(&gray);
        let ms = cpu_ms() - t;
        times.push(ms);
        let hit = codes
            .iter()
            .any(|c| c.text.as_bytes() == expected.as_slice());
        ok += hit as usize;
        if verbose {
            println!(
                "{} {:7.2} ms {} ({} codes)",
                if hit { "OK  " } else { "MISS" },
                ms,
                f.display(),
                codes.len()
            );
        }
    }
    times.sort_by(f64::total_cmp);
    let q = |p: f64| {
        times
            .get(((times.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "correct {ok}/{} median {:.2} ms p95 {:.2} ms max {:.2} ms panics {}",
        files.len(),
        q(0.5),
        q(0.95),
        q(1.0),
        formdesk_scanner::panics_caught()
    );
}

fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}
