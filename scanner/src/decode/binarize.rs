//! Binarization for the finder detector: a block-based local threshold in the manner of
//! ZXing's HybridBinarizer. The image is cut into 8×8 blocks; each block gets a "black
//! point" (its mean, or a guess for flat blocks) and a pixel is black when it is not
//! brighter than the mean black point of the 5×5 blocks around its block.
//!
//! Only the block thresholds are computed up front (one pass over the pixels); a pixel's
//! bit is derived when asked (`get`, `row_bits_steady`), so the finder scan, which looks at every
//! second row and a few columns, never pays for a full bit image.

use image::GrayImage;

/// A lazily binarized image: 1 = dark module colour, 0 = light.
pub struct BitImage<'a> {
    pub width: usize,
    pub height: usize,
    gray: &'a [u8],
    /// The threshold of each 8×8 block (row-major, `blocks_w` per row), also used by the
    /// grid fitter as the local dark/light boundary.
    thresholds: Vec<u8>,
    blocks_w: usize,
}

impl BitImage<'_> {
    /// Whether (x, y) is dark; out-of-range counts as light.
    #[inline]
    pub fn get(&self, x: isize, y: isize) -> bool {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        self.gray[y * self.width + x] <= self.thresholds[(y / BLOCK) * self.blocks_w + x / BLOCK]
    }

    /// The bits of row `y` into `out` with hysteresis: a pixel turns dark only when it is
    /// `delta` below its threshold and light only when `delta` above it, else it keeps the
    /// previous pixel's colour. Sensor noise on flat, textured areas (which the block rule
    /// binarizes as a flicker of short runs) then yields long runs: fewer false finder
    /// candidates, and a faster scan.
    pub fn row_bits_steady(&self, y: usize, delta: u8, out: &mut Vec<u8>) {
        out.clear();
        out.resize(self.width, 0);
        let row = &self.gray[y * self.width..(y + 1) * self.width];
        let thr = &self.thresholds[(y / BLOCK) * self.blocks_w..(y / BLOCK + 1) * self.blocks_w];
        let mut prev = 0u8;
        for ((chunk, bits), &t) in row.chunks(BLOCK).zip(out.chunks_mut(BLOCK)).zip(thr) {
            let (lo, hi) = (t.saturating_sub(delta), t.saturating_add(delta));
            for (&v, b) in chunk.iter().zip(bits) {
                prev = (v <= lo) as u8 | (prev & (v <= hi) as u8);
                *b = prev;
            }
        }
    }

    /// The local threshold at pixel (x, y) (clamped to the image).
    #[inline]
    pub fn threshold_at(&self, x: f64, y: f64) -> f64 {
        let bx = ((x.max(0.0) as usize) / BLOCK).min(self.blocks_w - 1);
        let rows = self.thresholds.len() / self.blocks_w;
        let by = ((y.max(0.0) as usize) / BLOCK).min(rows - 1);
        self.thresholds[by * self.blocks_w + bx] as f64
    }
}

const BLOCK: usize = 8;
/// Blocks whose contrast is below this are treated as flat (background).
const MIN_DYNAMIC_RANGE: u32 = 24;

/// Binarizes `img` with the block-local threshold described in the module doc.
pub fn binarize(img: &GrayImage) -> BitImage<'_> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px = img.as_raw();
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let black = block_black_points(px, w, h, bw, bh);
    // Sum of black points over the 5×5 neighbourhood, via a 2-D prefix sum.
    let mut pre = vec![0u32; (bw + 1) * (bh + 1)];
    for by in 0..bh {
        let mut row = 0;
        for bx in 0..bw {
            row += black[by * bw + bx];
            pre[(by + 1) * (bw + 1) + bx + 1] = pre[by * (bw + 1) + bx + 1] + row;
        }
    }
    let mut thresholds = vec![0u8; bw * bh];
    for by in 0..bh {
        let (y0, y1) = (by.saturating_sub(2), (by + 3).min(bh));
        for bx in 0..bw {
            let (x0, x1) = (bx.saturating_sub(2), (bx + 3).min(bw));
            let sum = pre[y1 * (bw + 1) + x1] + pre[y0 * (bw + 1) + x0]
                - pre[y0 * (bw + 1) + x1]
                - pre[y1 * (bw + 1) + x0];
            let t = sum / ((y1 - y0) * (x1 - x0)) as u32;
            thresholds[by * bw + bx] = t.min(255) as u8;
        }
    }
    BitImage {
        width: w,
        height: h,
        gray: px,
        thresholds,
        blocks_w: bw,
    }
}

/// The black point of each block: its mean when it has contrast, else a guess that keeps
/// flat areas light unless the neighbouring blocks say they lie inside a dark region.
fn block_black_points(px: &[u8], w: usize, h: usize, bw: usize, bh: usize) -> Vec<u32> {
    let mut out = vec![0u32; bw * bh];
    let (mut sum, mut min, mut max, mut n) = (
        vec![0u32; bw],
        vec![255u8; bw],
        vec![0u8; bw],
        vec![0u32; bw],
    );
    for by in 0..bh {
        sum.fill(0);
        min.fill(255);
        max.fill(0);
        n.fill(0);
        // Per-row accumulation over whole blocks: the inner loops are fixed-width and
        // vectorize.
        for y in by * BLOCK..((by + 1) * BLOCK).min(h) {
            let row = &px[y * w..y * w + w];
            for (bx, chunk) in row.chunks(BLOCK).enumerate() {
                let (mut s, mut lo, mut hi) = (0u32, 255u8, 0u8);
                for &v in chunk {
                    s += v as u32;
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
                sum[bx] += s;
                min[bx] = min[bx].min(lo);
                max[bx] = max[bx].max(hi);
                n[bx] += chunk.len() as u32;
            }
        }
        for bx in 0..bw {
            let (lo, hi) = (min[bx] as u32, max[bx] as u32);
            let mut avg = sum[bx] / n[bx].max(1);
            if hi - lo <= MIN_DYNAMIC_RANGE {
                avg = lo / 2;
                if by > 0 && bx > 0 {
                    let nb = (out[(by - 1) * bw + bx]
                        + 2 * out[by * bw + bx - 1]
                        + out[(by - 1) * bw + bx - 1])
                        / 4;
                    if lo < nb {
                        avg = nb;
                    }
                }
            }
            out[by * bw + bx] = avg;
        }
    }
    out
}
