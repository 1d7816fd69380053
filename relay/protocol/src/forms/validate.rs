//! Schema compilation and the translation of jsonschema errors into `FieldError`s: one per
//! problem, each message starting with the field's label and name. Values are never quoted in
//! messages (they are personal data and messages end up in logs).

use jsonschema::error::ValidationErrorKind;
use jsonschema::Validator;
use serde_json::Value;

use super::FormDef;
use crate::error::{Error, FieldError, FormError, Result};

/// Compiles a form's schema as JSON Schema 2020-12 with format validation on ("date",
/// "email" are assertions, not annotations), and no remote `$ref` resolution.
pub(super) fn compile(form: &str, schema: &Value) -> Result<Validator> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| Error::FormDefinition {
            form: form.to_string(),
            reason: format!("invalid schema: {}", e.masked()),
        })
}

pub(super) fn validate(
    form: &FormDef,
    validator: &Validator,
    data: &Value,
) -> Result<(), FormError> {
    // The common case first: `is_valid` builds no error values and stops at the first problem;
    // `iter_errors` (the full report) runs only for invalid data.
    if validator.is_valid(data) {
        return Ok(());
    }
    let mut errors: Vec<FieldError> = Vec::new();
    for err in validator.iter_errors(data) {
        for fe in field_errors(form, &err) {
            if !errors.contains(&fe) {
                errors.push(fe);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FormError {
            form: form.id.clone(),
            errors,
        })
    }
}

fn field_errors(form: &FormDef, err: &jsonschema::ValidationError<'_>) -> Vec<FieldError> {
    let path = err.instance_path().as_str();
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let top = top.replace("~1", "/").replace("~0", "~");
    let what = match err.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            return vec![named(form, name, "is required".into())];
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            return unexpected
                .iter()
                .map(|n| named(form, n, "is not a field of this form".into()))
                .collect();
        }
        ValidationErrorKind::Format { format } => match format.as_str() {
            "date" => "must be a date written YYYY-MM-DD (e.g. 1990-01-31)".to_string(),
            "email" => "must be an e-mail address like name@example.org".to_string(),
            other => format!("must be a valid {other}"),
        },
        ValidationErrorKind::Pattern { .. } => {
            match form.field(&top).and_then(|f| f.help.as_deref()) {
                Some(hint) => format!("has the wrong format (expected {hint})"),
                None => "has the wrong format".to_string(),
            }
        }
        ValidationErrorKind::Enum { .. } => match form.field(&top) {
            Some(f) if !f.choices.is_empty() => {
                let labels: Vec<&str> = f.choices.iter().map(|c| c.label.as_str()).collect();
                format!("must be one of: {}", labels.join(", "))
            }
            _ => "is not one of the allowed values".to_string(),
        },
        ValidationErrorKind::Type { kind } => format!("has the wrong type (expected {kind:?})"),
        ValidationErrorKind::MinLength { limit: 1 } => "must not be empty".to_string(),
        ValidationErrorKind::MinLength { limit } => {
            format!("must have at least {limit} characters")
        }
        ValidationErrorKind::MaxLength { limit } => format!("must have at most {limit} characters"),
        _ => err.masked().to_string(),
    };
    vec![named(form, &top, what)]
}

/// `Label (name): what` — or `Form: what` for a problem with the whole object.
fn named(form: &FormDef, name: &str, what: String) -> FieldError {
    let message = if name.is_empty() {
        format!("{}: {what}", form.title)
    } else {
        match form.field(name) {
            Some(f) => format!("{} ({name}): {what}", f.label),
            None => format!("{name}: {what}"),
        }
    };
    FieldError {
        field: name.to_string(),
        message,
    }
}
