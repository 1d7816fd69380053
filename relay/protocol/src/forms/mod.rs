//! Form definitions as data: one JSON file per form (docs/forms.md describes the format).
//! A `FormDef` carries the labels and layout a window renders, the mapping of each field to a
//! vocabulary key (`prefill`) with the purpose shown to the citizen, the office's retention
//! period, and a JSON Schema 2020-12 for the data, compiled once when the form is loaded.
//! `registry` loads a folder of forms; `validate` turns schema errors into per-field messages.

mod registry;
mod validate;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, FormError, Result};
use crate::vocab;

pub use registry::FormRegistry;

/// How a field is entered in the window (and in a wallet asking for a missing value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputType {
    Text,
    Textarea,
    Date,
    Email,
    Tel,
    Number,
    Select,
    Radio,
    Checkbox,
}

/// One allowed value of a `select`/`radio` field, with its label in the form's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Property name in the data object (`[a-z][a-z0-9_]*`).
    pub name: String,
    /// Label in the form's language.
    pub label: String,
    pub input: InputType,
    #[serde(default)]
    pub required: bool,
    /// Allowed values for `select`/`radio` (must equal the schema's `enum`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// The vocabulary key a wallet can fill this field from; `None` = typed at the desk only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<String>,
    /// Why the office needs this value, shown to the citizen (required when `prefill` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Format hint shown under the input and in pattern errors ("like NL91ABNA0417164300").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A titled group of fields, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    pub fields: Vec<String>,
}

/// A loaded, checked form definition with its compiled schema.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "RawForm", into = "RawForm")]
pub struct FormDef {
    /// Slug, `[a-z0-9-]{1,64}`; also the file name by convention.
    pub id: String,
    /// Bumped whenever fields change; signed into requests.
    pub version: u32,
    /// BCP 47 language of labels and purposes (`en`, `nl`, `de-CH`).
    pub lang: String,
    /// Title shown to clerk and citizen.
    pub title: String,
    /// Office-facing description (what the form is for, who handles it).
    pub description: String,
    /// How long the office keeps the completed form, in days (declared in every request).
    pub retention_days: u32,
    pub fields: Vec<FieldDef>,
    pub layout: Vec<Section>,
    /// JSON Schema 2020-12 of the data object.
    pub schema: Value,
    validator: Arc<SchemaValidator>,
}

/// The compiled schema (jsonschema's validator has no `Debug`).
struct SchemaValidator(jsonschema::Validator);

impl std::fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SchemaValidator")
    }
}

/// The file format, before checking and compiling.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    id: String,
    version: u32,
    lang: String,
    title: String,
    description: String,
    retention_days: u32,
    fields: Vec<FieldDef>,
    #[serde(default)]
    layout: Vec<Section>,
    schema: Value,
}

impl TryFrom<RawForm> for FormDef {
    type Error = Error;

    fn try_from(raw: RawForm) -> Result<FormDef> {
        let validator = validate::compile(&raw.id, &raw.schema)?;
        let form = FormDef {
            id: raw.id,
            version: raw.version,
            lang: raw.lang,
            title: raw.title,
            description: raw.description,
            retention_days: raw.retention_days,
            fields: raw.fields,
            layout: raw.layout,
            schema: raw.schema,
            validator: Arc::new(SchemaValidator(validator)),
        };
        form.check()?;
        Ok(form)
    }
}

impl From<FormDef> for RawForm {
    fn from(f: FormDef) -> RawForm {
        RawForm {
            id: f.id,
            version: f.version,
            lang: f.lang,
            title: f.title,
            description: f.description,
            retention_days: f.retention_days,
            fields: f.fields,
            layout: f.layout,
            schema: f.schema,
        }
    }
}

impl FormDef {
    /// Parses and checks one form definition (JSON text).
    pub fn from_json_str(text: &str) -> Result<FormDef> {
        serde_json::from_str::<RawForm>(text)
            .map_err(|e| Error::FormDefinition {
                form: "?".into(),
                reason: e.to_string(),
            })
            .and_then(FormDef::try_from)
    }

    /// Checks `data` (the form's data object) against the schema. Every problem is
    /// reported, each naming its field.
    pub fn validate(&self, data: &Value) -> Result<(), FormError> {
        validate::validate(self, &self.validator.0, data)
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The first field filled from vocabulary `key`.
    pub fn field_for_key(&self, key: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.prefill.as_deref() == Some(key))
    }

    /// The form's template: every vocabulary key its fields can be filled from, in field
    /// order, without duplicates. Signed into each request; wallets refuse keys outside it.
    pub fn template(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for k in self.fields.iter().filter_map(|f| f.prefill.as_ref()) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        keys
    }

    /// Consistency of the definition (beyond the schema compiling).
    fn check(&self) -> Result<()> {
        let bad = |reason: String| Error::FormDefinition {
            form: self.id.clone(),
            reason,
        };
        let slug_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            return Err(bad("id must be a slug of a-z, 0-9 and -".into()));
        }
        let props = self.schema.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = self
            .schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (i, f) in self.fields.iter().enumerate() {
            check_field(f, props, &required).map_err(|r| bad(format!("field {}: {r}", f.name)))?;
            if self.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(bad(format!("field {} is defined twice", f.name)));
            }
        }
        for s in &self.layout {
            if let Some(n) = s.fields.iter().find(|n| self.field(n).is_none()) {
                return Err(bad(format!(
                    "layout section {:?} names unknown field {n}",
                    s.title
                )));
            }
        }
        Ok(())
    }
}

fn check_field(
    f: &FieldDef,
    props: Option<&serde_json::Map<String, Value>>,
    required: &[&str],
) -> std::result::Result<(), String> {
    let name_ok = f.name.starts_with(|c: char| c.is_ascii_lowercase())
        && f.name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !name_ok {
        return Err("name must match [a-z][a-z0-9_]*".into());
    }
    let prop = props
        .and_then(|p| p.get(&f.name))
        .ok_or("missing from the schema's properties")?;
    if f.required != required.contains(&f.name.as_str()) {
        return Err("`required` differs from the schema's required list".into());
    }
    if let Some(key) = &f.prefill {
        if !vocab::is_known(key) {
            return Err(format!("prefill {key} is not a vocabulary key"));
        }
        if f.purpose.as_deref().is_none_or(str::is_empty) {
            return Err("a prefilled field needs a purpose for the citizen".into());
        }
    }
    if matches!(f.input, InputType::Select | InputType::Radio) {
        let allowed: Vec<&str> = prop
            .get("enum")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let values: Vec<&str> = f.choices.iter().map(|c| c.value.as_str()).collect();
        if values.is_empty()
            || values.len() != allowed.len()
            || values.iter().any(|v| !allowed.contains(v))
        {
            return Err("choices must equal the schema's enum".into());
        }
    }
    Ok(())
}
