//! From a module grid to payload bytes. rqrr reads the grid (format information with its
//! BCH correction, and the data bits in zigzag order); this module removes the mask,
//! splits the codewords into their Reed–Solomon blocks (`BLOCKS`), corrects each block with
//! the table-driven `rs` decoder and parses the segments (`segments`). Like rqrr's own
//! decoder, a grid that fails is tried once more mirrored (transposed).

use rqrr::{Grid, SimpleGrid};

use super::{rs, segments};

/// (short block size, its data codewords, number of short blocks) of one EC level.
type Level = (usize, usize, usize);

/// Per version 1..=40: total codewords, then per error-correction level in rqrr's order of
/// the format bits (M, L, H, Q): (short block size, short block data codewords, number of
/// short blocks). Long blocks are one codeword longer in both. ISO/IEC 18004 Table 9, as
/// in rqrr's version database.
#[rustfmt::skip]
const BLOCKS: [(usize, [Level; 4]); 40] = [
    (26, [(26, 16, 1), (26, 19, 1), (26, 9, 1), (26, 13, 1)]), // version 1
    (44, [(44, 28, 1), (44, 34, 1), (44, 16, 1), (44, 22, 1)]), // version 2
    (70, [(70, 44, 1), (70, 55, 1), (35, 13, 2), (35, 17, 2)]), // version 3
    (100, [(50, 32, 2), (100, 80, 1), (25, 9, 4), (50, 24, 2)]), // version 4
    (134, [(67, 43, 2), (134, 108, 1), (33, 11, 2), (33, 15, 2)]), // version 5
    (172, [(43, 27, 4), (86, 68, 2), (43, 15, 4), (43, 19, 4)]), // version 6
    (196, [(49, 31, 4), (98, 78, 2), (39, 13, 4), (32, 14, 2)]), // version 7
    (242, [(60, 38, 2), (121, 97, 2), (40, 14, 4), (40, 18, 4)]), // version 8
    (292, [(58, 36, 3), (146, 116, 2), (36, 12, 4), (36, 16, 4)]), // version 9
    (346, [(69, 43, 4), (86, 68, 2), (43, 15, 6), (43, 19, 6)]), // version 10
    (404, [(80, 50, 1), (101, 81, 4), (36, 12, 3), (50, 22, 4)]), // version 11
    (466, [(58, 36, 6), (116, 92, 2), (42, 14, 7), (46, 20, 4)]), // version 12
    (532, [(59, 37, 8), (133, 107, 4), (33, 11, 12), (44, 20, 8)]), // version 13
    (581, [(64, 40, 4), (145, 115, 3), (36, 12, 11), (36, 16, 11)]), // version 14
    (655, [(65, 41, 5), (109, 87, 5), (36, 12, 11), (54, 24, 5)]), // version 15
    (733, [(73, 45, 7), (122, 98, 5), (45, 15, 3), (43, 19, 15)]), // version 16
    (815, [(74, 46, 10), (135, 107, 1), (42, 14, 2), (50, 22, 1)]), // version 17
    (901, [(69, 43, 9), (150, 120, 5), (42, 14, 2), (50, 22, 17)]), // version 18
    (991, [(70, 44, 3), (141, 113, 3), (39, 13, 9), (47, 21, 17)]), // version 19
    (1085, [(67, 41, 3), (135, 107, 3), (43, 15, 15), (54, 24, 15)]), // version 20
    (1156, [(68, 42, 17), (144, 116, 4), (46, 16, 19), (50, 22, 17)]), // version 21
    (1258, [(74, 46, 17), (139, 111, 2), (37, 13, 34), (54, 24, 7)]), // version 22
    (1364, [(75, 47, 4), (151, 121, 4), (45, 15, 16), (54, 24, 11)]), // version 23
    (1474, [(73, 45, 6), (147, 117, 6), (46, 16, 30), (54, 24, 11)]), // version 24
    (1588, [(75, 47, 8), (132, 106, 8), (45, 15, 22), (54, 24, 7)]), // version 25
    (1706, [(74, 46, 19), (142, 114, 10), (46, 16, 33), (50, 22, 28)]), // version 26
    (1828, [(73, 45, 22), (152, 122, 8), (45, 15, 12), (53, 23, 8)]), // version 27
    (1921, [(73, 45, 3), (147, 117, 3), (45, 15, 11), (54, 24, 4)]), // version 28
    (2051, [(73, 45, 21), (146, 116, 7), (45, 15, 19), (53, 23, 1)]), // version 29
    (2185, [(75, 47, 19), (145, 115, 5), (45, 15, 23), (54, 24, 15)]), // version 30
    (2323, [(74, 46, 2), (145, 115, 13), (45, 15, 23), (54, 24, 42)]), // version 31
    (2465, [(74, 46, 10), (145, 115, 17), (45, 15, 19), (54, 24, 10)]), // version 32
    (2611, [(74, 46, 14), (145, 115, 17), (45, 15, 11), (54, 24, 29)]), // version 33
    (2761, [(74, 46, 14), (145, 115, 13), (46, 16, 59), (54, 24, 44)]), // version 34
    (2876, [(75, 47, 12), (151, 121, 12), (45, 15, 22), (54, 24, 39)]), // version 35
    (3034, [(75, 47, 6), (151, 121, 6), (45, 15, 2), (54, 24, 46)]), // version 36
    (3196, [(74, 46, 29), (152, 122, 17), (45, 15, 24), (54, 24, 49)]), // version 37
    (3362, [(74, 46, 13), (152, 122, 4), (45, 15, 42), (54, 24, 48)]), // version 38
    (3532, [(75, 47, 40), (147, 117, 20), (45, 15, 10), (54, 24, 43)]), // version 39
    (3706, [(75, 47, 18), (148, 118, 19), (45, 15, 20), (54, 24, 34)]), // version 40
];

/// Decodes a `d`×`d` grid (`dark[y * d + x]`), trying the mirrored grid too.
pub fn decode_grid(dark: &[bool], d: usize) -> Option<Vec<u8>> {
    decode_oriented(d, |x, y| dark[y * d + x])
        .or_else(|| decode_oriented(d, |x, y| dark[x * d + y]))
}

fn decode_oriented(d: usize, dark: impl Fn(usize, usize) -> bool) -> Option<Vec<u8>> {
    let version = (d.checked_sub(17)? / 4).clamp(1, 40);
    if 4 * version + 17 != d {
        return None;
    }
    let meta = Grid::new(SimpleGrid::from_func(d, &dark))
        .get_raw_data()
        .ok()?
        .0;
    if meta.version.0 != version || meta.mask > 7 || meta.ecc_level > 3 {
        return None;
    }
    // Remove the mask on every module outside the finder/format corners (those keep the
    // format bits rqrr reads again); rqrr then reads the unmasked data bits.
    let plain = SimpleGrid::from_func(d, |x, y| {
        let corner = (x < 9 && (y < 9 || y + 8 >= d)) || (y < 9 && x + 8 >= d);
        dark(x, y) ^ (!corner && mask_bit(meta.mask, y, x))
    });
    let (_, raw) = Grid::new(plain).get_raw_data().ok()?;
    let codewords = &raw.data[..raw.len / 8];
    let data = correct_blocks(codewords, version, meta.ecc_level as usize)?;
    segments::parse(&data, version)
}

/// The data-masking condition of mask `m` at row `y`, column `x`.
fn mask_bit(m: u16, y: usize, x: usize) -> bool {
    match m {
        0 => (y + x).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (y + x).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => ((y * x) % 2 + (y * x) % 3) == 0,
        6 => ((y * x) % 2 + (y * x) % 3).is_multiple_of(2),
        _ => ((y * x) % 3 + (y + x) % 2).is_multiple_of(2),
    }
}

/// De-interleaves the codewords into blocks, corrects each and returns the data codewords.
fn correct_blocks(codewords: &[u8], version: usize, level: usize) -> Option<Vec<u8>> {
    let (total, levels) = BLOCKS[version - 1];
    let (bs, dw, ns) = levels[level];
    if codewords.len() < total || bs == 0 {
        return None;
    }
    let long = (total - bs * ns) / (bs + 1);
    let count = ns + long;
    let npar = bs - dw;
    let ecc_offset = dw * count + long;
    let mut out = Vec::with_capacity(dw * count + long);
    let mut block = Vec::with_capacity(bs + 1);
    for i in 0..count {
        block.clear();
        block.extend((0..dw).map(|j| codewords[j * count + i]));
        if i >= ns {
            block.push(codewords[dw * count + (i - ns)]);
        }
        block.extend((0..npar).map(|j| codewords[ecc_offset + j * count + i]));
        rs::correct(&mut block, npar)?;
        out.extend_from_slice(&block[..block.len() - npar]);
    }
    Some(out)
}
