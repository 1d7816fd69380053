//! formdesk: the clerk terminal (Tauri 2). A thin Tauri layer over plain modules.
//!
//! # Layout
//! - `desk`: the clerk terminal's state and actions (no Tauri): settings, relay connection,
//!   form windows, Complete, office key, expiry receipts, the webcam path; `pairing`: a
//!   clerk phone's pairing QR.
//! - `relay_link`: the websocket to the relay (reconnect with backoff, resubscription,
//!   status); `rest`: the relay's REST API; `embedded`: the relay started in-process;
//!   `transport`: plain TCP or TLS pinned to the relay's certificate, for both.
//! - `windows`: form windows, each holding its request's ephemeral key in memory only;
//!   opens sealed answers and routes them to their window alone.
//! - `scanner_bridge`: webcam frames → formdesk-scanner → sealed answer posted to the relay.
//! - `settings`, `outbox`, `error` (`AppError` = `{kind, message}` for the webview).
//! - `commands/`: the Tauri commands, one file per domain, each a few lines over `desk`;
//!   `ui_events`: the `UiSink` that turns desk news into window events.
//!
//! `main.rs` calls [`run_app`]; tests drive [`app_builder`] with `tauri::test::mock_builder()`.

pub mod commands;
pub mod desk;
pub mod embedded;
pub mod error;
pub mod outbox;
pub mod pairing;
pub mod relay_link;
pub mod rest;
pub mod scanner_bridge;
pub mod settings;
pub mod transport;
mod ui_events;
pub mod windows;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{Manager, Runtime};

use crate::desk::Desk;
use crate::settings::{AppPaths, Overrides, Settings};

/// What every command gets through `State`.
pub struct AppState {
    pub desk: Arc<Desk>,
    pub scanner: scanner_bridge::ScannerBridge,
}

/// The app's commands, setup and window handling on any runtime (the real one, or the mock
/// runtime in tests). Plugins that need a real desktop are added by [`run_app`].
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::relay::relay_status,
            commands::relay::list_forms,
            commands::forms::form_definition,
            commands::forms::open_form_window,
            commands::forms::validate_values,
            commands::request::new_request,
            commands::request::subscription_state,
            commands::request::expired_receipt,
            commands::complete::complete_form,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::office_key,
            commands::settings::camera_choices,
            commands::pairing::pair_phone,
            commands::scanner::scanner_status,
        ])
        .setup(|app| {
            setup(app.handle())?;
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Destroyed = event {
                if let Some(state) = window.app_handle().try_state::<AppState>() {
                    state.desk.close_window(window.label());
                }
            }
        })
}

/// Resolves folders and settings, creates the desk and starts connecting to the relay.
pub(crate) fn setup<R: Runtime>(
    app: &tauri::AppHandle<R>,
) -> Result<(), Box<dyn std::error::Error>> {
    let paths = app_paths(app)?;
    let saved = Settings::load(&paths.config)?;
    let overrides = Overrides::from_env(|k| std::env::var(k).ok());
    let settings = overrides.apply(saved.clone());
    let sink = Arc::new(ui_events::TauriSink { app: app.clone() });
    let desk = Desk::new(paths, saved, overrides, sink.clone());
    let scanner = scanner_bridge::ScannerBridge::start(
        settings.camera.as_deref(),
        desk.clone(),
        sink,
        tauri::async_runtime::handle().inner().clone(),
    );
    app.manage(AppState {
        desk: desk.clone(),
        scanner,
    });
    tauri::async_runtime::spawn(async move {
        if let Err(e) = desk.connect().await {
            tracing::error!("cannot start the relay connection: {}", e.message);
        }
    });
    Ok(())
}

/// `FORMDESK_DATA_DIR` (tests, portable installs) holds both config and data; otherwise the
/// platform's app config and data dirs. Forms: `FORMDESK_FORMS_DIR`, the bundled resources,
/// or the repository's `relay/forms` in a development build.
fn app_paths<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<AppPaths> {
    let (config, data) = match std::env::var_os("FORMDESK_DATA_DIR") {
        Some(d) => (
            PathBuf::from(&d).join("config"),
            PathBuf::from(d).join("data"),
        ),
        None => (app.path().app_config_dir()?, app.path().app_data_dir()?),
    };
    let bundled = app
        .path()
        .resource_dir()
        .map(|d| d.join("forms"))
        .ok()
        .filter(|d| d.is_dir());
    let forms = std::env::var_os("FORMDESK_FORMS_DIR")
        .map(PathBuf::from)
        .or(bundled)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../relay/forms")));
    Ok(AppPaths {
        config,
        data,
        forms,
    })
}

/// Runs the clerk terminal (the `formdesk` binary): one instance per desk, window sizes
/// remembered, the embedded relay stopped cleanly on exit.
pub fn run_app(builder: tauri::Builder<tauri::Wry>) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .try_init();
    let mut builder = builder.plugin(tauri_plugin_window_state::Builder::default().build());
    // A test or portable instance with its own data dir is another desk: no single-instance.
    if std::env::var_os("FORMDESK_DATA_DIR").is_none() {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_focus();
            }
        }));
    }
    let app = app_builder(builder)
        .build(tauri::generate_context!())
        .expect("FormDesk could not start its window");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<AppState>() {
                state.scanner.stop();
                tauri::async_runtime::block_on(state.desk.shutdown());
            }
        }
    });
}

/// The binary's entry point.
pub fn main_entry() {
    run_app(tauri::Builder::default());
}
