//! Pairing a clerk phone: a QR of the companion's pairing URL with a new device token.
use tauri::State;

use crate::error::AppError;
use crate::pairing::Pairing;
use crate::AppState;

#[tauri::command]
pub async fn pair_phone(state: State<'_, AppState>) -> Result<Pairing, AppError> {
    state.desk.pair_phone().await
}
