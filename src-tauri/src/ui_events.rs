//! Desk news as Tauri events: relay status and scanner events to every window, a form's
//! fill/subscription/error events to that form's window only (`emit_to` its label), so
//! personal data never reaches another window.

use tauri::{Emitter, Runtime};

use crate::desk::UiSink;
use crate::error::AppError;
use crate::relay_link::LinkStatus;
use crate::scanner_bridge::{ScannerEvent, ScannerSink};
use crate::windows::{FormFilled, SubscriptionState, WindowSink};

pub struct TauriSink<R: Runtime> {
    pub app: tauri::AppHandle<R>,
}

impl<R: Runtime> WindowSink for TauriSink<R> {
    fn filled(&self, window: &str, filled: &FormFilled) {
        let _ = self.app.emit_to(window, "form-filled", filled);
    }
    fn subscription(&self, window: &str, state: SubscriptionState) {
        let _ = self.app.emit_to(window, "form-subscription", state);
    }
    fn error(&self, window: &str, error: &AppError) {
        let _ = self.app.emit_to(window, "form-error", error);
    }
}

impl<R: Runtime> UiSink for TauriSink<R> {
    fn relay_status(&self, status: &LinkStatus) {
        let _ = self.app.emit("relay-status", status);
    }
}

impl<R: Runtime> ScannerSink for TauriSink<R> {
    fn scanner(&self, event: &ScannerEvent) {
        let _ = self.app.emit("scanner", event);
    }
}
