//! Desk settings (persisted in the app config dir; relay changes reconnect).
use tauri::State;

use crate::error::AppError;
use crate::settings::Settings;
use crate::AppState;

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings, AppError> {
    Ok(state.desk.settings())
}

#[tauri::command]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<(), AppError> {
    state.desk.save_settings(settings).await
}
