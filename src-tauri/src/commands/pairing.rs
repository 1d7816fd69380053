//! Pairing a clerk phone: a QR carrying the relay URL and a new device token for this desk.
use tauri::State;

use crate::desk::Pairing;
use crate::error::AppError;
use crate::AppState;

#[tauri::command]
pub async fn pair_phone(state: State<'_, AppState>) -> Result<Pairing, AppError> {
    state.desk.pair_phone().await
}
