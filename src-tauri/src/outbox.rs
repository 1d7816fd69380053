//! Completed forms leave the desk as JSON files in the outbox folder (one file per form,
//! written atomically), where the office's back-office import picks them up. The file holds
//! the values, where each came from (citizen / entered at the desk), the form version and
//! the request id, so the deletion receipt can be matched.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Result;

/// One completed form as written to the outbox.
#[derive(Debug, Serialize)]
pub struct CompletedForm<'a> {
    pub form: &'a str,
    pub form_version: u32,
    pub completed_at: u64,
    pub desk: &'a str,
    pub request_id: Option<&'a str>,
    pub values: &'a Map<String, Value>,
    /// Per field: `citizen` (provided by the citizen, self-declared), `declined`,
    /// `unavailable`; fields absent here were typed at the desk.
    pub provenance: &'a Map<String, Value>,
}

/// Writes `form` into `dir` and returns the file's path.
pub fn write(dir: &Path, form: &CompletedForm<'_>) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let name = format!(
        "{}-{millis}-{:04x}.json",
        form.form,
        rand_core::RngCore::next_u32(&mut rand_core::OsRng) & 0xffff
    );
    let path = dir.join(name);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(form)?)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Unix seconds now.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_form_lands_in_the_outbox_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let mut values = Map::new();
        values.insert("given_name".into(), "Ada".into());
        let mut prov = Map::new();
        prov.insert("given_name".into(), "citizen".into());
        let f = CompletedForm {
            form: "change-of-address",
            form_version: 1,
            completed_at: 1,
            desk: "Counter 1",
            request_id: Some("ab"),
            values: &values,
            provenance: &prov,
        };
        let path = write(dir.path(), &f).unwrap();
        let back: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!(back["values"]["given_name"], "Ada");
        assert_eq!(back["provenance"]["given_name"], "citizen");
    }
}
