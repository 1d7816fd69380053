//! Grid fitting: from a finder triple and a code size to a homography that puts every
//! module centre on the image. The three finder centres fix an affine map; the fourth
//! correspondence (the bottom-right alignment pattern, or a virtual corner for version 1)
//! is searched within a few modules of its affine estimate, then all four points are
//! refined by coordinate descent. The objective is the agreement of the code's known
//! function patterns (finders, timing, alignment patterns) with the local threshold.

use image::GrayImage;

use super::binarize::BitImage;
use super::group::Triple;
use super::homography::Homography;
use super::sample::bilinear;
use super::version::function_modules;

/// A fitted code: module coordinates → image pixels.
pub struct Fit {
    pub h: Homography,
    pub dim: usize,
    /// Mean agreement with the function patterns, in [-1, 1].
    pub score: f64,
}

struct Scorer<'a> {
    gray: &'a GrayImage,
    bits: &'a BitImage<'a>,
    template: Vec<(u16, u16, bool)>,
}

impl Scorer<'_> {
    /// How dark (+) or light (-) the image is at (x, y) against the local threshold, in [-1, 1].
    #[inline]
    fn contrast(&self, x: f64, y: f64) -> f64 {
        let g = bilinear(self.gray, x, y);
        ((self.bits.threshold_at(x, y) - g) / 24.0).clamp(-1.0, 1.0)
    }

    fn score(&self, h: &Homography) -> f64 {
        let mut s = 0.0;
        for &(u, v, dark) in &self.template {
            let (x, y) = h.map(u as f64 + 0.5, v as f64 + 0.5);
            let d = self.contrast(x, y);
            s += if dark { d } else { -d };
        }
        s / self.template.len() as f64
    }
}

type Pts = [(f64, f64); 4];

/// The highest possible score (every template module saturated on its side).
const PERFECT: f64 = 1.0 - 1e-9;

fn homography(src: &Pts, dst: &Pts) -> Option<Homography> {
    Homography::from_points(src, dst)
}

/// Fits the triple as a code `dim` modules wide: searches the fourth point, then refines
/// all four by coordinate descent.
pub fn fit(gray: &GrayImage, bits: &BitImage, t: &Triple, dim: usize) -> Option<Fit> {
    let scorer = Scorer {
        gray,
        bits,
        template: function_modules(dim),
    };
    // The fourth point hardly moves the finders: search it on the rest of the template.
    let rest = function_modules(dim)
        .into_iter()
        .filter(|&(u, v, _)| !is_finder_module(u, v, dim))
        .collect();
    let search = Scorer {
        gray,
        bits,
        template: rest,
    };
    let (src, dst) = search_fourth(&search, t, dim)?;
    let (h, score) = descend(&scorer, &src, dst, dim);
    Some(Fit { h, dim, score })
}

/// How well the three finders (with their light separators) match under the affine map
/// of the triple, in [-1, 1]: a cheap test that rejects false triples before any search.
pub fn finder_agreement(gray: &GrayImage, bits: &BitImage, t: &Triple) -> f64 {
    let dim = t.dims[0];
    let template = function_modules(dim)
        .into_iter()
        .filter(|&(u, v, _)| is_finder_module(u, v, dim))
        .collect();
    let scorer = Scorer {
        gray,
        bits,
        template,
    };
    let (src, dst) = affine_points(t, dim);
    homography(&src, &dst).map_or(-1.0, |h| scorer.score(&h))
}

fn is_finder_module(u: u16, v: u16, dim: usize) -> bool {
    let far = dim as u16 - 9;
    // 0: near the first row/column, 2: near the last, 1: in between.
    let band = |a: u16| {
        if a < 9 {
            0
        } else if a >= far {
            2
        } else {
            1
        }
    };
    matches!((band(u), band(v)), (0, 0) | (2, 0) | (0, 2))
}

/// Module and image points of the four correspondences, the fourth from the affine map.
fn affine_points(t: &Triple, dim: usize) -> (Pts, Pts) {
    let d = dim as f64;
    let fourth = if dim >= 25 { d - 6.5 } else { d - 3.5 };
    let src: Pts = [(3.5, 3.5), (d - 3.5, 3.5), (3.5, d - 3.5), (fourth, fourth)];
    let p = [t.tl, t.tr, t.bl].map(|f| (f.x as f64, f.y as f64));
    let k = (fourth - 3.5) / (d - 7.0);
    let guess = (
        p[0].0 + (p[1].0 - p[0].0 + p[2].0 - p[0].0) * k,
        p[0].1 + (p[1].1 - p[0].1 + p[2].1 - p[0].1) * k,
    );
    (src, [p[0], p[1], p[2], guess])
}

/// Searches the fourth image point: first, for codes with an alignment pattern, the best
/// matches of that 5×5 pattern (under the local affine frame) within a wide window, so
/// that strong perspective is covered; then each peak, and the affine estimate, is refined
/// on the whole function-pattern template.
fn search_fourth(scorer: &Scorer, t: &Triple, dim: usize) -> Option<(Pts, Pts)> {
    let (src, mut dst) = affine_points(t, dim);
    let d = dim as f64 - 7.0;
    let ex = ((dst[1].0 - dst[0].0) / d, (dst[1].1 - dst[0].1) / d);
    let ey = ((dst[2].0 - dst[0].0) / d, (dst[2].1 - dst[0].1) / d);
    let guess = dst[3];
    if dim < 25 {
        // Version 1 has no alignment pattern: nothing in the template pins a fourth point,
        // so keep the affine (parallelogram) estimate.
        return Some((src, dst));
    }
    let mut starts = vec![guess];
    {
        starts.extend(alignment_peaks(scorer, guess, ex, ey, 4 + dim as i32 / 8));
    }
    // Refine only the two starts that already agree best with the whole template.
    let mut ranked: Vec<(f64, (f64, f64))> = starts
        .into_iter()
        .filter_map(|p| {
            dst[3] = p;
            homography(&src, &dst).map(|h| (scorer.score(&h), p))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best = (f64::MIN, guess);
    for &(_, start) in ranked.iter().take(2) {
        let mut local = (f64::MIN, start);
        for (step, r) in [(1.0, 1), (0.5, 1), (0.25, 1)] {
            let centre = local.1;
            for j in -r..=r {
                for i in -r..=r {
                    let (a, b) = (i as f64 * step, j as f64 * step);
                    dst[3] = (
                        centre.0 + ex.0 * a + ey.0 * b,
                        centre.1 + ex.1 * a + ey.1 * b,
                    );
                    if let Some(h) = homography(&src, &dst) {
                        let s = scorer.score(&h);
                        if s > local.0 {
                            local = (s, dst[3]);
                        }
                    }
                }
            }
        }
        if local.0 > best.0 {
            best = local;
        }
    }
    dst[3] = best.1;
    homography(&src, &dst)?;
    Some((src, dst))
}

/// The few best positions of the alignment pattern within `radius` modules of `guess`,
/// matched in whole-module steps under the affine frame (ex, ey).
fn alignment_peaks(
    scorer: &Scorer,
    guess: (f64, f64),
    ex: (f64, f64),
    ey: (f64, f64),
    radius: i32,
) -> Vec<(f64, f64)> {
    let mut scored = Vec::new();
    for j in -radius..=radius {
        for i in -radius..=radius {
            let (a, b) = (i as f64, j as f64);
            let c = (guess.0 + ex.0 * a + ey.0 * b, guess.1 + ex.1 * a + ey.1 * b);
            let mut s = 0.0;
            for dy in -2i32..=2 {
                for dx in -2i32..=2 {
                    let (x, y) = (
                        c.0 + ex.0 * dx as f64 + ey.0 * dy as f64,
                        c.1 + ex.1 * dx as f64 + ey.1 * dy as f64,
                    );
                    let dark = dx.abs().max(dy.abs()) != 1;
                    let v = scorer.contrast(x, y);
                    s += if dark { v } else { -v };
                }
            }
            scored.push((s, c));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut peaks: Vec<(f64, f64)> = Vec::new();
    let unit = (ex.0 * ex.0 + ex.1 * ex.1).sqrt().max(1.0);
    for (_, c) in scored {
        if peaks
            .iter()
            .all(|p| ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt() > 2.0 * unit)
        {
            peaks.push(c);
            if peaks.len() == 3 {
                break;
            }
        }
    }
    peaks
}

/// Coordinate descent on all four image points in quarter-module steps.
fn descend(scorer: &Scorer, src: &Pts, mut dst: Pts, dim: usize) -> (Homography, f64) {
    let d = dim as f64 - 7.0;
    let ex = ((dst[1].0 - dst[0].0) / d, (dst[1].1 - dst[0].1) / d);
    let ey = ((dst[2].0 - dst[0].0) / d, (dst[2].1 - dst[0].1) / d);
    let mut h = homography(src, &dst).expect("fit_dim produced a valid homography");
    let mut best = scorer.score(&h);
    for step in [0.5, 0.25, 0.125] {
        for _round in 0..3 {
            // Every function module already agrees fully: no move can score higher.
            if best >= PERFECT {
                return (h, best);
            }
            let mut improved = false;
            // Without an alignment pattern the fourth point stays where the others put it.
            let movable = if dim < 25 { 3 } else { 4 };
            for k in 0..movable {
                for (a, b) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
                    let mut cand = dst;
                    cand[k] = (
                        dst[k].0 + ex.0 * a + ey.0 * b,
                        dst[k].1 + ex.1 * a + ey.1 * b,
                    );
                    if dim < 25 {
                        cand[3] = (
                            cand[1].0 + cand[2].0 - cand[0].0,
                            cand[1].1 + cand[2].1 - cand[0].1,
                        );
                    }
                    if let Some(hc) = homography(src, &cand) {
                        let s = scorer.score(&hc);
                        if s > best {
                            (best, dst, h, improved) = (s, cand, hc, true);
                        }
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
    (h, best)
}
