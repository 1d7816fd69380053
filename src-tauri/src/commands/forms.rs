//! Form windows: open one, load its definition, validate values with the form's schema.
use std::sync::atomic::{AtomicU32, Ordering};

use formdesk_protocol::forms::FormDef;
use formdesk_protocol::FieldError;
use serde_json::{Map, Value};
use tauri::{AppHandle, Runtime, State, WebviewUrl, WebviewWindowBuilder, Window};

use crate::error::AppError;
use crate::AppState;

static NEXT_WINDOW: AtomicU32 = AtomicU32::new(1);

/// Opens a new window for `form_id` (several may be open at once); returns its label.
#[tauri::command]
pub async fn open_form_window<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form_id: String,
) -> Result<String, AppError> {
    let form = state.desk.form(&form_id).await?;
    let label = format!("form-{}", NEXT_WINDOW.fetch_add(1, Ordering::Relaxed));
    let url = WebviewUrl::App(format!("index.html#form={}", form.id).into());
    WebviewWindowBuilder::new(&app, &label, url)
        .title(format!("FormDesk — {}", form.title))
        .inner_size(1100.0, 800.0)
        .build()
        .map_err(AppError::internal)?;
    Ok(label)
}

/// The definition of the calling window's form (and registers the window for it).
#[tauri::command]
pub async fn form_definition<R: Runtime>(
    window: Window<R>,
    state: State<'_, AppState>,
    form_id: String,
) -> Result<FormDef, AppError> {
    state.desk.attach_window(window.label(), &form_id).await
}

#[tauri::command]
pub async fn validate_values(
    state: State<'_, AppState>,
    form_id: String,
    values: Map<String, Value>,
) -> Result<Vec<FieldError>, AppError> {
    state.desk.validate(&form_id, &values).await
}
