//! `formdesk-relay`: the FormDesk relay as a LAN service. All of it lives in `cli/`
//! (flags, config file, logging, TLS policy, signals); the relay itself is the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
