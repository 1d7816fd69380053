//! Desk settings (persisted in the app config dir; relay changes reconnect), the office key
//! citizens add to their wallet, and the cameras to choose from.
use tauri::State;

use formdesk_scanner::CameraInfo;
use serde::Serialize;

use crate::desk::OfficeKeyView;
use crate::error::AppError;
use crate::scanner_bridge::list_cameras;
use crate::settings::Settings;
use crate::AppState;

/// The settings as saved (environment overrides are not shown as saved values).
#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings, AppError> {
    Ok(state.desk.saved_settings())
}

/// Saves; a relay change reconnects, a camera change restarts the scanner.
#[tauri::command]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<(), AppError> {
    if state.desk.save_settings(settings).await? {
        state
            .scanner
            .switch(state.desk.settings().camera.as_deref());
    }
    Ok(())
}

/// The cameras to choose from, and the `FORMDESK_CAMERA` override if set.
#[tauri::command]
pub async fn camera_choices(state: State<'_, AppState>) -> Result<CameraChoices, AppError> {
    let cameras = tauri::async_runtime::spawn_blocking(list_cameras)
        .await
        .map_err(AppError::internal)?;
    Ok(CameraChoices {
        cameras,
        env_camera: state.desk.overrides.camera.clone(),
    })
}

/// The office's public key (FDK1 text and its QR) for the settings panel.
#[tauri::command]
pub async fn office_key(state: State<'_, AppState>) -> Result<OfficeKeyView, AppError> {
    state.desk.office_key().await
}

/// What the camera picker shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CameraChoices {
    /// The cameras of this computer (`camera:<index>` selects one).
    pub cameras: Vec<CameraInfo>,
    /// `FORMDESK_CAMERA`, which wins over the saved choice.
    pub env_camera: Option<String>,
}
