//! Complete: export the form to the outbox, get the deletion receipt, clear the request.
use serde_json::{Map, Value};
use tauri::{Runtime, State, Window};

use crate::desk::Completed;
use crate::error::AppError;
use crate::AppState;

#[tauri::command]
pub async fn complete_form<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    form_id: String,
    values: Map<String, Value>,
    provenance: Map<String, Value>,
) -> Result<Completed, AppError> {
    state.desk.attach_window(window.label(), &form_id).await?;
    state
        .desk
        .complete(window.label(), &values, &provenance)
        .await
}
