//! Tauri commands, one file per domain. Each takes `State<AppState>` (and the calling
//! `Window` when it concerns a form window), calls one `Desk` method, and returns
//! `Result<T, AppError>`; its twin in `ui/src/api.ts` has the same name and types.

pub mod complete;
pub mod forms;
pub mod pairing;
pub mod relay;
pub mod request;
pub mod scanner;
pub mod settings;

#[cfg(test)]
mod tests;
