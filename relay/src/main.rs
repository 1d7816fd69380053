//! `formdesk-relay`: the FormDesk relay as a LAN service. All of it lives in `cli/`
//! (flags, config file, logging, TLS policy, signals); the relay itself is the library.

mod cli;

/// mimalloc: the relay allocates many small short-lived buffers per request (JSON, sled
/// nodes, frames); glibc malloc cost about a fifth of its CPU under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
