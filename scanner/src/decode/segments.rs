//! The QR payload: segments (mode indicator, character count, data) read from the corrected
//! data codewords into raw bytes. Output matches rqrr's `decode_to`: numeric and
//! alphanumeric as ASCII, byte mode as is, Kanji as Shift-JIS byte pairs, ECI designators
//! skipped (the caller picks UTF-8 / Shift-JIS / Latin-1 from the bytes). A structured-append
//! header is skipped (this symbol's own part is returned). FNC1 (GS1) modes are refused,
//! so that a later strategy that knows GS1 reads them.

/// Big-endian bit reader over codewords.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn left(&self) -> usize {
        self.data.len() * 8 - self.pos
    }

    fn take(&mut self, n: usize) -> Option<usize> {
        if n > self.left() {
            return None;
        }
        let mut v = 0usize;
        for _ in 0..n {
            let bit = (self.data[self.pos / 8] >> (7 - self.pos % 8)) & 1;
            v = (v << 1) | bit as usize;
            self.pos += 1;
        }
        Some(v)
    }
}

const ALNUM: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Character-count bits of `mode` for `version` (ISO/IEC 18004 Table 3).
fn count_bits(mode: usize, version: usize) -> usize {
    let col = match version {
        0..=9 => 0,
        10..=26 => 1,
        _ => 2,
    };
    match mode {
        1 => [10, 12, 14][col],
        2 => [9, 11, 13][col],
        4 => [8, 16, 16][col],
        _ => [8, 10, 12][col], // 8: Kanji
    }
}

/// Parses the data codewords of a code of `version`; `None` on an unknown mode or a
/// segment that runs past the data.
pub fn parse(data: &[u8], version: usize) -> Option<Vec<u8>> {
    let mut bits = Bits { data, pos: 0 };
    let mut out = Vec::new();
    while bits.left() >= 4 {
        let mode = bits.take(4)?;
        match mode {
            0 => break,
            1 => numeric(&mut bits, version, &mut out)?,
            2 => alphanumeric(&mut bits, version, &mut out)?,
            4 => {
                let n = bits.take(count_bits(4, version))?;
                for _ in 0..n {
                    out.push(bits.take(8)? as u8);
                }
            }
            8 => kanji(&mut bits, version, &mut out)?,
            7 => {
                let first = bits.take(8)?;
                if first & 0xc0 == 0x80 {
                    bits.take(8)?;
                } else if first & 0xe0 == 0xc0 {
                    bits.take(16)?;
                }
            }
            3 => {
                // Structured append: sequence (8 bits) and parity (8 bits).
                bits.take(16)?;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn numeric(bits: &mut Bits, version: usize, out: &mut Vec<u8>) -> Option<()> {
    let mut n = bits.take(count_bits(1, version))?;
    while n > 0 {
        let (digits, width) = match n {
            1 => (1, 4),
            2 => (2, 7),
            _ => (3, 10),
        };
        let mut v = bits.take(width)?;
        let mut buf = [0u8; 3];
        for i in (0..digits).rev() {
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend_from_slice(&buf[..digits]);
        n -= digits;
    }
    Some(())
}

fn alphanumeric(bits: &mut Bits, version: usize, out: &mut Vec<u8>) -> Option<()> {
    let mut n = bits.take(count_bits(2, version))?;
    while n >= 2 {
        let v = bits.take(11)?;
        out.push(ALNUM[(v / 45) % 45]);
        out.push(ALNUM[v % 45]);
        n -= 2;
    }
    if n == 1 {
        out.push(ALNUM[bits.take(6)? % 45]);
    }
    Some(())
}

fn kanji(bits: &mut Bits, version: usize, out: &mut Vec<u8>) -> Option<()> {
    let n = bits.take(count_bits(8, version))?;
    for _ in 0..n {
        let d = bits.take(13)?;
        let packed = ((d / 0xc0) << 8) | (d % 0xc0);
        let sjis = if packed + 0x8140 <= 0x9ffc {
            packed + 0x8140
        } else {
            packed + 0xc140
        };
        out.push((sjis >> 8) as u8);
        out.push(sjis as u8);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_mixed_segments() {
        // Version 1: numeric "012" (0001 0000000011 0000001100), alphanumeric "AB"
        // (0010 000000010 00111001101), byte 'x' (0100 00000001 01111000), terminator.
        let bits = "0001000000001100000011000010000000010001110011010100000000010111100000000";
        let mut bytes = vec![0u8; bits.len().div_ceil(8)];
        for (i, c) in bits.chars().enumerate() {
            if c == '1' {
                bytes[i / 8] |= 0x80 >> (i % 8);
            }
        }
        assert_eq!(parse(&bytes, 1).as_deref(), Some(&b"012ABx"[..]));
    }
}
