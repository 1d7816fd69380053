//! The `formdesk` binary: the clerk terminal. Everything lives in the library (`run_app`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    formdesk::main_entry();
}
