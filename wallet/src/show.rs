//! Plain-text rendering: a request as the citizen must see it before consenting (who, which
//! desk, what and why, retention, deletion contact, matching code), receipts and times.

use formdesk_protocol::qr::RequestBody;
use formdesk_protocol::{match_code, vocab};

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn time(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The label of a requested key: the form's (in its language), with the English vocabulary
/// label as a fallback when the form gave none.
pub fn label(key: &str, form_label: &str) -> String {
    if !form_label.is_empty() {
        return form_label.to_string();
    }
    vocab::lookup(key).map_or_else(|| key.to_string(), |e| e.label.to_string())
}

/// The request, as text lines.
pub fn request(body: &RequestBody, signature_line: &str) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("Office:         {}", body.office_name));
    line(format!("Desk:           {}", body.desk_label));
    line(format!("Signature:      {signature_line}"));
    line(format!(
        "Form:           {} ({} v{}, {})",
        body.form_title, body.form_id, body.form_version, body.lang
    ));
    line(format!(
        "MATCHING CODE:  {}   (check that the desk shows the same code)",
        match_code(body)
    ));
    line(format!("Requested fields ({}):", body.fields.len()));
    for f in &body.fields {
        line(format!("  - {} [{}]", label(&f.key, &f.label), f.key));
        line(format!("      why: {}", f.purpose));
    }
    line(format!("Retention:      {}", body.retention.statement()));
    line(format!("Deletion requests: {}", body.contact));
    line(format!("Request id:     {}", body.request_id));
    line(format!(
        "Valid:          {} to {}",
        time(body.issued_at),
        time(body.expires_at)
    ));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn time_formats_known_dates() {
        assert_eq!(super::time(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::time(1_764_165_600), "2025-11-26 14:00 UTC");
        assert_eq!(super::time(951_782_400), "2000-02-29 00:00 UTC");
    }
}
