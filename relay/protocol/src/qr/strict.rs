//! The reading rules every CBOR payload of the format obeys before it is decoded
//! (docs/qr-format.md §1, "Deterministic CBOR"): RFC 8949 §4.2 deterministic encoding —
//! definite lengths only, shortest integer and length heads, map keys in strictly ascending
//! bytewise order of their encodings (so no duplicate keys) — plus the format's own limits:
//! only integers, byte and text strings (valid UTF-8), arrays, maps, false, true and null;
//! arrays and maps nested at most `MAX_DEPTH` deep; exactly one item, no trailing bytes.
//!
//! The check is one iterative pass (an explicit stack, bounded by the input length), so it
//! never recurses however deep the input, and it runs before `ciborium` builds the value: two
//! readers can then never disagree on what a signed or sealed body says (with duplicate keys
//! one library keeps the first value and another the last).

/// Deepest nesting of arrays and maps accepted anywhere in a payload (the top-level item is
/// level 1). FormDesk's own structures are at most 3 deep, so a value under a key a reader
/// does not know may nest 29 more levels before the payload is refused.
pub(crate) const MAX_DEPTH: usize = 32;

/// Why a payload breaks the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Violation {
    /// The input ends inside an item.
    Truncated,
    /// Anything else, in words for the error message.
    Rule(&'static str),
}

/// One open array or map.
struct Frame {
    /// Items still to read (a map counts keys and values).
    remaining: u64,
    is_map: bool,
    /// Items read so far.
    index: u64,
    /// Where the current key started, and the span of the previous key.
    key_start: usize,
    last_key: Option<(usize, usize)>,
}

impl Frame {
    fn new(remaining: u64, is_map: bool) -> Frame {
        Frame {
            remaining,
            is_map,
            index: 0,
            key_start: 0,
            last_key: None,
        }
    }

    fn at_key(&self) -> bool {
        self.is_map && self.index.is_multiple_of(2)
    }
}

/// Checks that `bytes` is exactly one item obeying the rules above.
pub(crate) fn check(bytes: &[u8]) -> Result<(), Violation> {
    let mut pos = 0usize;
    let mut stack = vec![Frame::new(1, false)];
    while let Some(top) = stack.last_mut() {
        if top.remaining == 0 {
            stack.pop();
            if let Some(parent) = stack.last_mut() {
                finish_item(bytes, parent, pos)?;
            }
            continue;
        }
        if top.at_key() {
            top.key_start = pos;
        }
        let (major, arg) = head(bytes, &mut pos)?;
        let left = (bytes.len() - pos) as u64;
        match major {
            0 | 1 => {}
            2 | 3 => {
                if arg > left {
                    return Err(Violation::Truncated);
                }
                let end = pos + arg as usize;
                if major == 3 && std::str::from_utf8(&bytes[pos..end]).is_err() {
                    return Err(Violation::Rule("a text string is not valid UTF-8"));
                }
                pos = end;
            }
            4 | 5 => {
                // Every item takes at least one byte: a count the input cannot hold is cut.
                let items = if major == 5 {
                    arg.saturating_mul(2)
                } else {
                    arg
                };
                if items > left {
                    return Err(Violation::Truncated);
                }
                if stack.len() > MAX_DEPTH {
                    return Err(Violation::Rule("arrays and maps nested too deep"));
                }
                stack.push(Frame::new(items, major == 5));
                continue;
            }
            6 => return Err(Violation::Rule("tags are not used by the format")),
            _ => match arg {
                20..=22 => {}
                _ => {
                    return Err(Violation::Rule(
                        "floats and simple values other than false, true, null are not used",
                    ))
                }
            },
        }
        let top = stack.last_mut().expect("the frame read from is still open");
        finish_item(bytes, top, pos)?;
    }
    if pos != bytes.len() {
        return Err(Violation::Rule("trailing bytes after the CBOR item"));
    }
    Ok(())
}

/// Records that one item of `frame` ended at `end`; a map key must sort after the previous.
fn finish_item(bytes: &[u8], frame: &mut Frame, end: usize) -> Result<(), Violation> {
    if frame.at_key() {
        let key = (frame.key_start, end);
        if let Some(last) = frame.last_key {
            match bytes[last.0..last.1].cmp(&bytes[key.0..key.1]) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => return Err(Violation::Rule("duplicate map key")),
                std::cmp::Ordering::Greater => {
                    return Err(Violation::Rule("map keys out of ascending order"))
                }
            }
        }
        frame.last_key = Some(key);
    }
    frame.index += 1;
    frame.remaining -= 1;
    Ok(())
}

/// Reads an item head: major type and argument, refusing indefinite lengths, reserved
/// additional information and arguments not in their shortest form.
fn head(bytes: &[u8], pos: &mut usize) -> Result<(u8, u64), Violation> {
    let first = *bytes.get(*pos).ok_or(Violation::Truncated)?;
    *pos += 1;
    let (major, info) = (first >> 5, first & 0x1f);
    let width = match info {
        0..=23 => return Ok((major, u64::from(info))),
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        31 => return Err(Violation::Rule("indefinite lengths are not allowed")),
        _ => return Err(Violation::Rule("reserved CBOR head")),
    };
    if major == 7 {
        return Err(Violation::Rule(
            "floats and simple values other than false, true, null are not used",
        ));
    }
    let raw = bytes.get(*pos..*pos + width).ok_or(Violation::Truncated)?;
    *pos += width;
    let arg = raw.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let shortest = match width {
        1 => arg >= 24,
        2 => arg > 0xff,
        4 => arg > 0xffff,
        _ => arg > 0xffff_ffff,
    };
    if !shortest {
        return Err(Violation::Rule(
            "an integer or length is not in its shortest form",
        ));
    }
    Ok((major, arg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(bytes: &[u8]) -> Violation {
        check(bytes).expect_err("should be refused")
    }

    #[test]
    fn deterministic_items_pass() {
        // {0: "a", 1: [h'01', -1, false, null], 24: {}}
        let ok = [
            0xa3, 0x00, 0x61, b'a', 0x01, 0x84, 0x41, 0x01, 0x20, 0xf4, 0xf6, 0x18, 0x18, 0xa0,
        ];
        check(&ok).unwrap();
        check(&[0x1b, 0, 0, 0, 1, 0, 0, 0, 0]).unwrap();
    }

    #[test]
    fn each_rule_is_enforced() {
        assert_eq!(
            rule(&[0xa2, 0x01, 0x00, 0x01, 0x00]),
            Violation::Rule("duplicate map key")
        );
        assert!(
            matches!(rule(&[0xa2, 0x01, 0x00, 0x00, 0x00]), Violation::Rule(r) if r.contains("order"))
        );
        assert!(matches!(rule(&[0x9f, 0xff]), Violation::Rule(r) if r.contains("indefinite")));
        assert!(matches!(rule(&[0x18, 0x05]), Violation::Rule(r) if r.contains("shortest")));
        assert!(
            matches!(rule(&[0x59, 0x00, 0x01, 0x00]), Violation::Rule(r) if r.contains("shortest"))
        );
        assert!(matches!(rule(&[0x00, 0x00]), Violation::Rule(r) if r.contains("trailing")));
        assert!(matches!(rule(&[0x62, 0xff, 0xfe]), Violation::Rule(r) if r.contains("UTF-8")));
        assert!(matches!(rule(&[0xf9, 0x3c, 0x00]), Violation::Rule(r) if r.contains("floats")));
        assert!(matches!(rule(&[0xc1, 0x00]), Violation::Rule(r) if r.contains("tags")));
        assert_eq!(rule(&[0x83, 0x00]), Violation::Truncated);
        assert_eq!(
            rule(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Violation::Truncated
        );
        assert_eq!(rule(&[0x19, 0x01]), Violation::Truncated);
    }

    #[test]
    fn nesting_is_refused_only_past_the_stated_depth() {
        let nested = |n: usize| {
            let mut b = vec![0x81; n - 1];
            b.push(0x80);
            b
        };
        check(&nested(MAX_DEPTH)).unwrap();
        assert!(matches!(rule(&nested(MAX_DEPTH + 1)), Violation::Rule(r) if r.contains("deep")));
        // Far deeper than any stack: refused without recursing.
        assert!(matches!(rule(&nested(100_000)), Violation::Rule(_)));
    }
}
