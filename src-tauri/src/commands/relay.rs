//! Relay status and the relay's forms.
use formdesk_protocol::forms::FormDef;
use tauri::State;

use crate::error::AppError;
use crate::relay_link::LinkStatus;
use crate::AppState;

#[tauri::command]
pub fn relay_status(state: State<'_, AppState>) -> Result<LinkStatus, AppError> {
    Ok(state.desk.status())
}

#[tauri::command]
pub async fn list_forms(state: State<'_, AppState>) -> Result<Vec<FormDef>, AppError> {
    state.desk.forms().await
}
