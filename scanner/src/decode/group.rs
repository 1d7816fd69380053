//! Grouping finder patterns into codes: every plausible triple (similar module sizes, two
//! legs of similar length at roughly a right angle) becomes a `Triple` with the corner
//! finder identified, the other two ordered by orientation, and candidate code sizes from
//! the leg lengths measured in modules.

use super::binarize::BitImage;
use super::finder::{cross, Finder};

/// Three finders taken as the top-left, top-right and bottom-left of one code.
#[derive(Debug, Clone)]
pub struct Triple {
    pub tl: Finder,
    pub tr: Finder,
    pub bl: Finder,
    /// Finder indices (to skip triples sharing a finder with a decoded code).
    pub ids: [usize; 3],
    /// Candidate sizes in modules (4·version + 17), most likely first.
    pub dims: Vec<usize>,
    /// Plausibility; higher is better.
    pub score: f32,
}

/// At most this many finder candidates enter the (cubic) triple search.
const MAX_FINDERS: usize = 16;

/// All plausible triples among `finders` (sorted best first).
/// `bits` may be `k` times smaller than the finder coordinates (finders found on a
/// downscaled copy).
pub fn triples(finders: &[Finder], bits: &BitImage, k: f32) -> Vec<Triple> {
    let n = finders.len().min(MAX_FINDERS);
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for l in j + 1..n {
                if let Some(t) = make(finders, [i, j, l], bits, k) {
                    out.push(t);
                }
            }
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

fn dist(a: &Finder, b: &Finder) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

fn make(f: &[Finder], ids: [usize; 3], bits: &BitImage, scale: f32) -> Option<Triple> {
    let [a, b, c] = ids.map(|i| f[i]);
    let (mn, mx) = [a.module, b.module, c.module]
        .iter()
        .fold((f32::MAX, 0f32), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    if mx > mn * 2.0 {
        return None;
    }
    // The corner is opposite the longest side.
    let (dab, dbc, dca) = (dist(&a, &b), dist(&b, &c), dist(&c, &a));
    let (corner, p, q, ci) = if dbc >= dab && dbc >= dca {
        (a, b, c, [ids[0], ids[1], ids[2]])
    } else if dca >= dab && dca >= dbc {
        (b, c, a, [ids[1], ids[2], ids[0]])
    } else {
        (c, a, b, [ids[2], ids[0], ids[1]])
    };
    let (px, py, qx, qy) = (
        p.x - corner.x,
        p.y - corner.y,
        q.x - corner.x,
        q.y - corner.y,
    );
    let (lp, lq) = ((px * px + py * py).sqrt(), (qx * qx + qy * qy).sqrt());
    if lp.max(lq) > 2.0 * lp.min(lq) || lp.min(lq) < 6.0 * mn {
        return None;
    }
    let cos = (px * qx + py * qy) / (lp * lq);
    if cos.abs() > 0.6 {
        return None;
    }
    // Image y points down: top-right × bottom-left has a positive cross product.
    let (tr, bl, ids) = if px * qy - py * qx > 0.0 {
        (p, q, ci)
    } else {
        (q, p, [ci[0], ci[2], ci[1]])
    };
    let tl = corner;
    let leg = |from: &Finder, to: &Finder, len: f32| {
        let (ux, uy) = ((to.x - from.x) / len, (to.y - from.y) / len);
        let m1 = module_along(bits, from, ux, uy, scale);
        let m2 = module_along(bits, to, ux, uy, scale);
        len / ((m1 + m2) / 2.0)
    };
    let (da, db) = (leg(&tl, &tr, lp.max(1.0)), leg(&tl, &bl, lq.max(1.0)));
    let est = (da + db) / 2.0 + 7.0;
    if !(17.0..=185.0).contains(&est) || (da - db).abs() > 0.35 * est.max(20.0) {
        return None;
    }
    let k = ((est - 17.0) / 4.0).round().clamp(1.0, 40.0) as usize;
    let mut dims = vec![17 + 4 * k];
    for alt in [k.saturating_sub(1), k + 1] {
        if (1..=40).contains(&alt) && !dims.contains(&(17 + 4 * alt)) {
            dims.push(17 + 4 * alt);
        }
    }
    let hits = (a.hits + b.hits + c.hits) as f32;
    let score = hits.ln() - 4.0 * cos.abs() - (mx / mn - 1.0) - (lp / lq).ln().abs();
    Some(Triple {
        tl,
        tr,
        bl,
        ids,
        dims,
        score,
    })
}

/// The finder's module size measured along direction (ux, uy) (the code's own axis, so a
/// rotated code does not inflate it); falls back to the scan estimate.
fn module_along(bits: &BitImage, f: &Finder, ux: f32, uy: f32, k: f32) -> f32 {
    match cross(bits, f.x / k, f.y / k, ux, uy, f.module / k * 3.0) {
        Some((c, _)) => {
            let m = c.iter().sum::<f32>() / 7.0 * k;
            if m > f.module * 0.5 && m < f.module * 2.0 {
                m
            } else {
                f.module
            }
        }
        None => f.module,
    }
}
