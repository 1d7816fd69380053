//! The webcam's current status (later news arrives as `scanner` events).
use tauri::State;

use crate::error::AppError;
use crate::scanner_bridge::ScannerEvent;
use crate::AppState;

#[tauri::command]
pub fn scanner_status(state: State<'_, AppState>) -> Result<ScannerEvent, AppError> {
    Ok(state.scanner.status())
}
