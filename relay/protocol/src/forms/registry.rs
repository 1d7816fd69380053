//! `FormRegistry`: the forms a relay serves, loaded from a folder of `*.json` files (the admin
//! adds a form by dropping a file there; no recompiling). Ids are unique; a bad file stops the
//! load with an error naming the file, rather than silently serving fewer forms.

use std::collections::BTreeMap;
use std::path::Path;

use super::FormDef;
use crate::error::{Error, Result};

/// The known forms, by id.
#[derive(Debug, Clone, Default)]
pub struct FormRegistry {
    forms: BTreeMap<String, FormDef>,
}

impl FormRegistry {
    /// Loads every `*.json` file of `dir` (not recursive), in file-name order.
    pub fn load_dir(dir: &Path) -> Result<FormRegistry> {
        let io = |source| Error::FormIo {
            path: dir.display().to_string(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "json") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        let mut defs = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::FormIo {
                path: path.display().to_string(),
                source,
            })?;
            let def = FormDef::from_json_str(&text).map_err(|e| Error::FormDefinition {
                form: path.display().to_string(),
                reason: e.to_string(),
            })?;
            defs.push(def);
        }
        FormRegistry::from_defs(defs)
    }

    /// A registry of already-built definitions (tests, embedded forms).
    pub fn from_defs(defs: Vec<FormDef>) -> Result<FormRegistry> {
        let mut forms = BTreeMap::new();
        for def in defs {
            let id = def.id.clone();
            if forms.insert(id.clone(), def).is_some() {
                return Err(Error::FormDefinition {
                    form: id,
                    reason: "two forms have this id".into(),
                });
            }
        }
        Ok(FormRegistry { forms })
    }

    /// The form with this id.
    pub fn get(&self, id: &str) -> Option<&FormDef> {
        self.forms.get(id)
    }

    /// The form with this id, or `Error::UnknownForm`.
    pub fn require(&self, id: &str) -> Result<&FormDef> {
        self.get(id)
            .ok_or_else(|| Error::UnknownForm(id.to_string()))
    }

    /// All forms, ordered by id.
    pub fn list(&self) -> Vec<&FormDef> {
        self.forms.values().collect()
    }

    pub fn len(&self) -> usize {
        self.forms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }
}
