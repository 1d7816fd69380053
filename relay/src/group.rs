//! Group names: what a client says (relative to its desk) and the key the relay uses.
//!
//! Clients name groups relative to their desk; the relay prefixes the desk id, so a desk
//! cannot even address another desk's groups. `org.<name>` groups are org-wide.
//! Keys: `d:<desk>:<name>` for desk groups, `o:<name>` for org groups.

use crate::error::{Error, Result};

/// Longest client-facing group name.
pub const MAX_GROUP_LEN: usize = 96;

/// A resolved group: its relay-wide key and the name clients of its desk use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    /// Relay-wide key (desk-prefixed); used by the hub, the store and the broker.
    pub key: String,
    /// The name as the client wrote it (relative to the desk).
    pub name: String,
    /// The desk that owns it; `None` for org-wide groups.
    pub desk: Option<String>,
}

impl Group {
    /// Resolves `name` for a client of `desk` (`None`: a token bound to no desk).
    pub fn resolve(desk: Option<&str>, name: &str) -> Result<Group> {
        if !valid_name(name, MAX_GROUP_LEN) {
            return Err(Error::BadRequest(format!(
                "invalid group name (allowed: [A-Za-z0-9._-], 1..={MAX_GROUP_LEN} characters)"
            )));
        }
        if is_org(name) {
            return Ok(Group {
                key: format!("o:{name}"),
                name: name.to_string(),
                desk: None,
            });
        }
        let desk = desk.ok_or_else(|| {
            Error::BadRequest("a desk group needs a desk (name one with \"desk\")".into())
        })?;
        Ok(Group::for_desk(desk, name))
    }

    /// The desk group `name` of `desk` (both assumed valid).
    pub fn for_desk(desk: &str, name: &str) -> Group {
        Group {
            key: format!("d:{desk}:{name}"),
            name: name.to_string(),
            desk: Some(desk.into()),
        }
    }

    /// Whether this is an org-wide group (`org.<name>`).
    pub fn is_org(&self) -> bool {
        self.desk.is_none()
    }

    /// The client-facing name of a group key.
    pub fn name_of_key(key: &str) -> &str {
        if let Some(rest) = key.strip_prefix("o:") {
            return rest;
        }
        key.strip_prefix("d:")
            .and_then(|r| r.split_once(':'))
            .map(|(_, n)| n)
            .unwrap_or(key)
    }
}

fn is_org(name: &str) -> bool {
    name.len() > 4 && name.starts_with("org.")
}

/// Whether `s` is 1..=max characters of `[A-Za-z0-9._-]` (group names, desk ids, form ids).
pub fn valid_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desk_groups_are_prefixed_and_org_groups_are_not() {
        let g = Group::resolve(Some("desk1"), "form.addr").unwrap();
        assert_eq!(g.key, "d:desk1:form.addr");
        assert_eq!(Group::name_of_key(&g.key), "form.addr");
        let o = Group::resolve(Some("desk1"), "org.news").unwrap();
        assert_eq!(o.key, "o:org.news");
        assert!(o.is_org());
        assert_eq!(Group::name_of_key(&o.key), "org.news");
    }

    #[test]
    fn bad_names_are_refused() {
        for bad in ["", "a b", "d:x:y", &"x".repeat(97), "ü"] {
            assert!(Group::resolve(Some("d"), bad).is_err(), "{bad:?}");
        }
        assert!(Group::resolve(None, "form.x").is_err());
    }
}
