//! `formdesk-scan FILE...`: decodes the QR codes in image files (PNG, JPEG, WebP).
//!
//! Default output: one JSON line per file, `{"file":..,"codes":[text,..],"ms":..,"wall_ms":..}`
//! where `ms` is the CPU time of decoding the gray image on this thread (file reading
//! excluded; immune to other processes' load) and `wall_ms` the elapsed time. An unreadable file gives
//! `{"file":..,"error":..}` (and a line on stderr). `--bench` prints a per-image table
//! (time, number of codes, start of the text) and a median/p95 summary instead.
//! Exit status: 0 when every file was read (whether or not a code was found), 1 when a file
//! could not be read, 2 on a usage error.

use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: formdesk-scan [--bench] FILE...";

fn main() -> ExitCode {
    let mut bench = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--bench" => bench = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut failed = false;
    let mut times = Vec::new();
    for file in &files {
        let gray = match formdesk_scanner::gray_from_file(file.as_ref()) {
            Ok(g) => g,
            Err(e) => {
                failed = true;
                eprintln!("formdesk-scan: {e}");
                println!(
                    "{}",
                    serde_json::json!({"file": file, "error": e.to_string()})
                );
                continue;
            }
        };
        let (start, cpu0) = (Instant::now(), thread_cpu_ms());
        let codes = formdesk_scanner::decode(&gray);
        let ms = thread_cpu_ms() - cpu0;
        let wall = start.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        let texts: Vec<&str> = codes.iter().map(|c| c.text.as_str()).collect();
        if bench {
            let first: String = texts
                .first()
                .map(|t| t.chars().take(48).collect())
                .unwrap_or_default();
            println!(
                "{ms:8.2} ms cpu {wall:8.2} ms wall  {:>2} code(s)  {file}  {first:?}",
                texts.len()
            );
        } else {
            let round = |v: f64| (v * 1000.0).round() / 1000.0;
            println!(
                "{}",
                serde_json::json!({"file": file, "codes": texts, "ms": round(ms), "wall_ms": round(wall)})
            );
        }
    }
    if bench && !times.is_empty() {
        times.sort_by(f64::total_cmp);
        let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{} images, CPU time per image: median {:.2} ms, p95 {:.2} ms, max {:.2} ms; panics caught {}",
            times.len(),
            pick(0.5),
            pick(0.95),
            pick(1.0),
            formdesk_scanner::panics_caught()
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// CPU time consumed by this thread, in milliseconds.
fn thread_cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}
