//! Requests: a new request QR for the calling window, and its subscription state.
use tauri::{Runtime, State, Window};

use crate::desk::Receipt;
use crate::error::AppError;
use crate::windows::{RequestView, SubscriptionState};
use crate::AppState;

/// `form_id` is checked against the window's form, so a stale view cannot ask for another.
#[tauri::command]
pub async fn new_request<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    form_id: String,
) -> Result<RequestView, AppError> {
    state.desk.attach_window(window.label(), &form_id).await?;
    state.desk.new_request(window.label()).await
}

#[tauri::command]
pub fn subscription_state<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> Result<SubscriptionState, AppError> {
    Ok(state.desk.windows.subscription(window.label()))
}

/// The calling window's request expired unanswered: a signed deletion receipt (no fields).
#[tauri::command]
pub async fn expired_receipt<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
) -> Result<Receipt, AppError> {
    state.desk.expired_receipt(window.label()).await
}
