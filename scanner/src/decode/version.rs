//! QR version facts the grid fitter needs: alignment-pattern centre coordinates per
//! version (ISO/IEC 18004 Annex E) and the function patterns every code carries.

/// Alignment-pattern row/column coordinates for versions 2..=40 (index = version - 2).
const ALIGN: [&[u8]; 39] = [
    &[6, 18],
    &[6, 22],
    &[6, 26],
    &[6, 30],
    &[6, 34],
    &[6, 22, 38],
    &[6, 24, 42],
    &[6, 26, 46],
    &[6, 28, 50],
    &[6, 30, 54],
    &[6, 32, 58],
    &[6, 34, 62],
    &[6, 26, 46, 66],
    &[6, 26, 48, 70],
    &[6, 26, 50, 74],
    &[6, 30, 54, 78],
    &[6, 30, 56, 82],
    &[6, 30, 58, 86],
    &[6, 34, 62, 90],
    &[6, 28, 50, 72, 94],
    &[6, 26, 50, 74, 98],
    &[6, 30, 54, 78, 102],
    &[6, 28, 54, 80, 106],
    &[6, 32, 58, 84, 110],
    &[6, 30, 58, 86, 114],
    &[6, 34, 62, 90, 118],
    &[6, 26, 50, 74, 98, 122],
    &[6, 30, 54, 78, 102, 126],
    &[6, 26, 52, 78, 104, 130],
    &[6, 30, 56, 82, 108, 134],
    &[6, 34, 60, 86, 112, 138],
    &[6, 30, 58, 86, 114, 142],
    &[6, 34, 62, 90, 118, 146],
    &[6, 30, 54, 78, 102, 126, 150],
    &[6, 24, 50, 76, 102, 128, 154],
    &[6, 28, 54, 80, 106, 132, 158],
    &[6, 32, 58, 84, 110, 136, 162],
    &[6, 26, 54, 82, 110, 138, 166],
    &[6, 30, 58, 86, 114, 142, 170],
];

/// Centres (column, row) of the alignment patterns of a code `dim` modules wide.
pub fn alignment_centres(dim: usize) -> Vec<(usize, usize)> {
    let version = dim.saturating_sub(17) / 4;
    if !(2..=40).contains(&version) {
        return Vec::new();
    }
    let pos = ALIGN[version - 2];
    let last = pos.len() - 1;
    let mut out = Vec::new();
    for (i, &r) in pos.iter().enumerate() {
        for (j, &c) in pos.iter().enumerate() {
            let on_finder = [(0, 0), (0, last), (last, 0)].contains(&(i, j));
            if !on_finder {
                out.push((c as usize, r as usize));
            }
        }
    }
    out
}

/// The known modules of a code `dim` wide: (column, row, dark) for the finder patterns
/// with their separators, the timing patterns and the alignment patterns.
pub fn function_modules(dim: usize) -> Vec<(u16, u16, bool)> {
    let mut out = Vec::new();
    let d = dim as i32;
    for (fx, fy) in [(3, 3), (d - 4, 3), (3, d - 4)] {
        for dy in -4i32..=4 {
            for dx in -4i32..=4 {
                let (x, y) = (fx + dx, fy + dy);
                if x < 0 || y < 0 || x >= d || y >= d {
                    continue;
                }
                let r = dx.abs().max(dy.abs());
                out.push((x as u16, y as u16, r != 2 && r != 4));
            }
        }
    }
    for i in 8..dim - 8 {
        out.push((i as u16, 6, i % 2 == 0));
        out.push((6, i as u16, i % 2 == 0));
    }
    for (cx, cy) in alignment_centres(dim) {
        for dy in -2i32..=2 {
            for dx in -2i32..=2 {
                let r = dx.abs().max(dy.abs());
                out.push(((cx as i32 + dx) as u16, (cy as i32 + dy) as u16, r != 1));
            }
        }
    }
    out
}
