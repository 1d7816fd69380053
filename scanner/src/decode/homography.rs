//! The projective map from module coordinates of a code (u, v in modules, (0,0) = outer
//! top-left corner) to image pixels, fitted to four point correspondences.

/// A 3×3 homography (h[8] fixed to 1).
#[derive(Debug, Clone, Copy)]
pub struct Homography([f64; 8]);

impl Homography {
    /// The map sending `src[i]` to `dst[i]`; `None` when the points are degenerate.
    pub fn from_points(src: &[(f64, f64); 4], dst: &[(f64, f64); 4]) -> Option<Self> {
        // Unknowns a..h: x = (a u + b v + c) / (g u + h v + 1), y = (d u + e v + f) / (...).
        let mut m = [[0f64; 9]; 8];
        for i in 0..4 {
            let ((u, v), (x, y)) = (src[i], dst[i]);
            m[2 * i] = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x];
            m[2 * i + 1] = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y];
        }
        solve8(&mut m).map(Homography)
    }

    /// Image position of module coordinates (u, v).
    #[inline]
    pub fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let h = &self.0;
        let w = h[6] * u + h[7] * v + 1.0;
        (
            (h[0] * u + h[1] * v + h[2]) / w,
            (h[3] * u + h[4] * v + h[5]) / w,
        )
    }
}

/// Gaussian elimination with partial pivoting on an 8×9 augmented matrix.
fn solve8(m: &mut [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        for r in 0..8 {
            if r != col {
                let f = m[r][col] / m[col][col];
                if f != 0.0 {
                    let pivot_row = m[col];
                    for (v, p) in m[r].iter_mut().zip(pivot_row.iter()).skip(col) {
                        *v -= f * p;
                    }
                }
            }
        }
    }
    let mut out = [0f64; 8];
    for i in 0..8 {
        out[i] = m[i][8] / m[i][i];
        if !out[i].is_finite() {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::Homography;

    #[test]
    fn maps_the_four_points() {
        let src = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let dst = [(5.0, 7.0), (105.0, 12.0), (98.0, 120.0), (2.0, 101.0)];
        let h = Homography::from_points(&src, &dst).unwrap();
        for (s, d) in src.iter().zip(dst.iter()) {
            let (x, y) = h.map(s.0, s.1);
            assert!((x - d.0).abs() < 1e-6 && (y - d.1).abs() < 1e-6);
        }
    }
}
