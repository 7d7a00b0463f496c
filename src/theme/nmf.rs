//! Non-negative matrix factorisation: themes discovered from the corpus.
//!
//! The corpus is cut into short chunks (a stretch of one document), each a row of
//! TF-IDF weights over the run's vocabulary. NMF approximates that matrix `A`
//! (chunks × terms) by `W·H` with `W` (chunks × k) and `H` (k × terms) both
//! non-negative: each of the k rows of `H` is a theme (its heaviest terms name
//! it), and each row of `W` says how much of each theme a chunk holds.
//!
//! Initialisation is NNDSVDa (Boutsidis and Gallopoulos 2008, with zeros filled by
//! the mean, as scikit-learn's `init="nndsvda"`), so a run is deterministic. The
//! singular vectors come from the eigen-decomposition of the smaller Gram matrix
//! (`AᵀA` or `AAᵀ`) when its side is at most [`EXACT_SVD_LIMIT`], which is exact;
//! larger matrices use randomized subspace iteration (Halko, Martinsson and Tropp
//! 2011, as scikit-learn's `randomized_svd`, which its NMF uses for every size)
//! with a fixed seed, which costs a few sparse products instead of a cube of the
//! matrix side. The factors are then refined with multiplicative updates for the
//! Frobenius norm (Lee and Seung 2001; scikit-learn's `solver="mu"`), with row-wise
//! products in parallel (rayon) and every reduction in a fixed order.
//! `tests/nmf_crosscheck.rs` compares the reconstruction error with scikit-learn's
//! `NMF` on the same matrix.

use nalgebra::{DMatrix, SymmetricEigen};
use rayon::prelude::*;

/// A sparse matrix by rows: `(column, value)` pairs sorted by column.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseRows {
    /// The rows.
    pub rows: Vec<Vec<(u32, f64)>>,
    /// Number of columns.
    pub columns: usize,
}

impl SparseRows {
    /// Squared Frobenius norm.
    pub fn norm_squared(&self) -> f64 {
        self.rows.iter().flatten().map(|&(_, v)| v * v).sum()
    }

    /// Mean of all entries, zeros included.
    pub fn mean(&self) -> f64 {
        let cells = (self.rows.len() * self.columns).max(1) as f64;
        self.rows.iter().flatten().map(|&(_, v)| v).sum::<f64>() / cells
    }
}

/// A factorisation `A ≈ W·H`.
#[derive(Debug, Clone, PartialEq)]
pub struct Factors {
    /// Rows × k.
    pub w: Vec<Vec<f64>>,
    /// k × columns.
    pub h: Vec<Vec<f64>>,
    /// `‖A − WH‖_F`.
    pub error: f64,
    /// Multiplicative-update iterations run.
    pub iterations: usize,
}

/// Options of the factorisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NmfOptions {
    /// Number of themes.
    pub k: usize,
    /// Most iterations.
    pub max_iter: usize,
    /// Stop when the error improves by less than this fraction of the initial error
    /// over ten iterations (scikit-learn's `tol`).
    pub tol: f64,
}

impl Default for NmfOptions {
    fn default() -> Self {
        NmfOptions {
            k: 6,
            max_iter: 200,
            tol: 1e-4,
        }
    }
}

/// What scikit-learn adds to denominators to avoid dividing by zero.
const EPSILON: f64 = f32::EPSILON as f64;

/// Largest side of the Gram matrix decomposed exactly; beyond it the SVD is
/// randomized.
pub const EXACT_SVD_LIMIT: usize = 600;

/// A deterministic stream of standard normal numbers (SplitMix64 and Box-Muller):
/// the randomized SVD's test matrix must not depend on the platform or a seed file.
struct Normals(u64);

impl Normals {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // 53 random bits in (0, 1].
        ((z >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    fn next(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// `a · x` for a dense `x` (columns of `a` × l), rows in parallel; each entry is
/// summed in column order, so the result does not depend on the thread count.
fn times_dense(a: &SparseRows, x: &DMatrix<f64>) -> DMatrix<f64> {
    let l = x.ncols();
    // `x` by rows: an entry of `a` reads one row of `x`, contiguous, where the
    // column-major matrix has its l values a column's length apart.
    let by_rows: Vec<f64> = (0..x.nrows())
        .flat_map(|c| (0..l).map(move |j| x[(c, j)]))
        .collect();
    let rows: Vec<Vec<f64>> = a
        .rows
        .par_iter()
        .map(|row| {
            let mut out = vec![0.0; l];
            for &(c, v) in row {
                let x_row = &by_rows[c as usize * l..(c as usize + 1) * l];
                for (o, &x) in out.iter_mut().zip(x_row) {
                    *o += v * x;
                }
            }
            out
        })
        .collect();
    DMatrix::from_fn(a.rows.len(), l, |i, j| rows[i][j])
}

/// `aᵀ · x` for a dense `x` (rows of `a` × l), without forming `aᵀ`: each row of
/// `a` adds its entries into the rows of the result they are columns of, rows
/// in order, so each entry is summed in row order, as the rows of `aᵀ` (each a
/// column of `a`, in row order) would sum it. A transpose held as many entries
/// as the matrix, the peak of a default run of many windows.
fn transposed_times_dense(a: &SparseRows, x: &DMatrix<f64>) -> DMatrix<f64> {
    let l = x.ncols();
    let mut out = vec![0.0; a.columns * l];
    let mut x_row = Vec::with_capacity(l);
    for (i, row) in a.rows.iter().enumerate() {
        x_row.clear();
        x_row.extend((0..l).map(|j| x[(i, j)]));
        for &(c, v) in row {
            for (o, &x) in out[c as usize * l..(c as usize + 1) * l]
                .iter_mut()
                .zip(&x_row)
            {
                *o += v * x;
            }
        }
    }
    DMatrix::from_fn(a.columns, l, |c, j| out[c * l + j])
}

/// The top `k` singular triplets by randomized subspace iteration.
fn randomized_svd(a: &SparseRows, k: usize) -> (Vec<f64>, Vec<Vec<f64>>, Vec<Vec<f64>>) {
    // scikit-learn's defaults: 10 extra dimensions, 7 power iterations for few
    // components, each followed by re-orthonormalisation.
    let l = (k + 10).min(a.rows.len()).min(a.columns);
    let mut normals = Normals(0x7468_656D_656C_696E);
    let omega = DMatrix::from_fn(a.columns, l, |_, _| normals.next());
    let orthonormal = |m: DMatrix<f64>| m.qr().q();
    let mut q = orthonormal(times_dense(a, &omega));
    for _ in 0..7 {
        let z = orthonormal(transposed_times_dense(a, &q));
        q = orthonormal(times_dense(a, &z));
    }
    // B = Qᵀ A (l × n), as (Aᵀ Q)ᵀ; then the SVD of the small B through B Bᵀ.
    let bt = transposed_times_dense(a, &q);
    let bbt = bt.transpose() * &bt;
    let eigen = SymmetricEigen::new(bbt);
    let mut order: Vec<usize> = (0..l).collect();
    order.sort_by(|&x, &y| {
        eigen.eigenvalues[y]
            .total_cmp(&eigen.eigenvalues[x])
            .then(x.cmp(&y))
    });
    let (mut values, mut left, mut right) = (Vec::new(), Vec::new(), Vec::new());
    for &index in order.iter().take(k) {
        let sigma = eigen.eigenvalues[index].max(0.0).sqrt();
        let small = eigen.eigenvectors.column(index);
        let mut u: Vec<f64> = (&q * small).iter().copied().collect();
        let mut v: Vec<f64> = (&bt * small)
            .iter()
            .map(|x| x / sigma.max(1e-300))
            .collect();
        if flip_sign(&v) {
            u.iter_mut().for_each(|x| *x = -*x);
            v.iter_mut().for_each(|x| *x = -*x);
        }
        values.push(sigma);
        left.push(u);
        right.push(v);
    }
    (values, left, right)
}

/// Whether to negate a singular pair so that the right vector's largest entry is
/// positive: the result must not depend on the eigen solver's choice of sign.
fn flip_sign(v: &[f64]) -> bool {
    v.iter().copied().fold(
        0.0f64,
        |best, x| if x.abs() > best.abs() { x } else { best },
    ) < 0.0
}

/// The top `k` singular triplets of `a`: values (descending), left vectors (rows
/// of length m), right vectors (rows of length n).
fn truncated_svd(a: &SparseRows, k: usize) -> (Vec<f64>, Vec<Vec<f64>>, Vec<Vec<f64>>) {
    if a.rows.len().min(a.columns) > EXACT_SVD_LIMIT {
        randomized_svd(a, k)
    } else {
        exact_svd(a, k)
    }
}

/// The top `k` singular triplets from the eigen-decomposition of the smaller Gram
/// matrix.
fn exact_svd(a: &SparseRows, k: usize) -> (Vec<f64>, Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let (m, n) = (a.rows.len(), a.columns);
    let by_columns = n <= m;
    let size = if by_columns { n } else { m };
    let mut gram = DMatrix::<f64>::zeros(size, size);
    if by_columns {
        // AᵀA = Σ over rows of the outer product of the row with itself.
        for row in &a.rows {
            for &(i, vi) in row {
                for &(j, vj) in row {
                    gram[(i as usize, j as usize)] += vi * vj;
                }
            }
        }
    } else {
        for (i, ri) in a.rows.iter().enumerate() {
            for (j, rj) in a.rows.iter().enumerate().skip(i) {
                let dot = sparse_dot(ri, rj);
                gram[(i, j)] = dot;
                gram[(j, i)] = dot;
            }
        }
    }
    let eigen = SymmetricEigen::new(gram);
    let mut order: Vec<usize> = (0..size).collect();
    order.sort_by(|&x, &y| {
        eigen.eigenvalues[y]
            .total_cmp(&eigen.eigenvalues[x])
            .then(x.cmp(&y))
    });
    let mut values = Vec::new();
    let mut left = Vec::new();
    let mut right = Vec::new();
    for &index in order.iter().take(k) {
        let sigma = eigen.eigenvalues[index].max(0.0).sqrt();
        let vector: Vec<f64> = eigen.eigenvectors.column(index).iter().copied().collect();
        let other: Vec<f64> = if by_columns {
            a.rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|&(j, v)| v * vector[j as usize])
                        .sum::<f64>()
                        / sigma.max(1e-300)
                })
                .collect()
        } else {
            let mut column = vec![0.0; n];
            for (i, row) in a.rows.iter().enumerate() {
                for &(j, v) in row {
                    column[j as usize] += v * vector[i];
                }
            }
            column.iter().map(|v| v / sigma.max(1e-300)).collect()
        };
        let (mut u, mut v) = if by_columns {
            (other, vector)
        } else {
            (vector, other)
        };
        if flip_sign(&v) {
            u.iter_mut().for_each(|x| *x = -*x);
            v.iter_mut().for_each(|x| *x = -*x);
        }
        values.push(sigma);
        left.push(u);
        right.push(v);
    }
    (values, left, right)
}

fn sparse_dot(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// NNDSVDa initial factors.
pub fn nndsvda(a: &SparseRows, k: usize) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let (m, n) = (a.rows.len(), a.columns);
    let (values, left, right) = truncated_svd(a, k);
    let mut w = vec![vec![0.0; k]; m];
    let mut h = vec![vec![0.0; n]; k];
    for j in 0..values.len() {
        let (x, y) = (&left[j], &right[j]);
        let (u, v, sigma) = if j == 0 {
            (
                x.iter().map(|v| v.abs()).collect::<Vec<_>>(),
                y.iter().map(|v| v.abs()).collect::<Vec<_>>(),
                1.0,
            )
        } else {
            let pos = |v: &[f64]| v.iter().map(|&x| x.max(0.0)).collect::<Vec<_>>();
            let neg = |v: &[f64]| v.iter().map(|&x| (-x).max(0.0)).collect::<Vec<_>>();
            let (xp, yp, xn, yn) = (pos(x), pos(y), neg(x), neg(y));
            let (mp, mn) = (norm(&xp) * norm(&yp), norm(&xn) * norm(&yn));
            let (u, v, m) = if mp > mn { (xp, yp, mp) } else { (xn, yn, mn) };
            let (nu, nv) = (norm(&u).max(1e-300), norm(&v).max(1e-300));
            (
                u.iter().map(|x| x / nu).collect(),
                v.iter().map(|x| x / nv).collect(),
                m,
            )
        };
        let lambda = (values[j] * sigma).sqrt();
        for (i, row) in w.iter_mut().enumerate() {
            row[j] = lambda * u[i];
        }
        for (c, value) in h[j].iter_mut().enumerate() {
            *value = lambda * v[c];
        }
    }
    let mean = a.mean();
    for value in w.iter_mut().flatten().chain(h.iter_mut().flatten()) {
        if *value < 1e-6 {
            *value = mean;
        }
    }
    (w, h)
}

/// `‖A − WH‖_F`, without forming `WH`.
pub fn reconstruction_error(a: &SparseRows, w: &[Vec<f64>], h: &[Vec<f64>]) -> f64 {
    let k = h.len();
    // ‖A‖² − 2·Σ A∘(WH) + ‖WH‖², with ‖WH‖² = Σ (WᵀW)∘(HHᵀ).
    let cross: f64 = a
        .rows
        .iter()
        .zip(w)
        .map(|(row, wr)| {
            row.iter()
                .map(|&(c, v)| v * (0..k).map(|t| wr[t] * h[t][c as usize]).sum::<f64>())
                .sum::<f64>()
        })
        .sum();
    let wtw = gram_of_rows(w, k);
    let hht: Vec<Vec<f64>> = (0..k)
        .map(|s| (0..k).map(|t| dot(&h[s], &h[t])).collect())
        .collect();
    let model: f64 = (0..k)
        .flat_map(|s| (0..k).map(move |t| (s, t)))
        .map(|(s, t)| wtw[s][t] * hht[s][t])
        .sum();
    (a.norm_squared() - 2.0 * cross + model).max(0.0).sqrt()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `WᵀW` for `W` given by rows.
fn gram_of_rows(w: &[Vec<f64>], k: usize) -> Vec<Vec<f64>> {
    let mut g = vec![vec![0.0; k]; k];
    for row in w {
        for s in 0..k {
            for t in 0..k {
                g[s][t] += row[s] * row[t];
            }
        }
    }
    g
}

/// Factorises `a` into `k` non-negative themes.
pub fn factorise(a: &SparseRows, options: &NmfOptions) -> Factors {
    factorise_over(a, options, None)
}

/// Factorises `a` into `k` themes learned over a fixed `background` row: row 0 of
/// `H` is `background` and never changes, rows `1..=k` are learned, and column 0
/// of `W` says how much of each row the background explains. A corpus's shared
/// vocabulary then goes to the background instead of forming a theme of its own
/// (NNDSVD's first component, the leading singular pair, is that mean direction,
/// and updates keep it: a theme that is the corpus itself). With `None`, plain
/// [`factorise`]'s `k` themes.
pub fn factorise_over(a: &SparseRows, options: &NmfOptions, background: Option<&[f64]>) -> Factors {
    let fixed = usize::from(background.is_some());
    let k = options.k.min(a.rows.len()).min(a.columns).max(1) + fixed;
    let (mut w, mut h) = nndsvda(a, k);
    if let Some(background) = background {
        // The leading component is replaced by the background, each row's weight
        // on it by the row's projection onto it.
        let squared = dot(background, background).max(1e-300);
        h[0] = background.to_vec();
        // Once, not per row: the mean reads the whole matrix, and per row it made
        // this loop quadratic (20 s of a 20,000-record run).
        let floor = a.mean();
        for (row, wr) in a.rows.iter().zip(w.iter_mut()) {
            let along: f64 = row.iter().map(|&(c, v)| v * background[c as usize]).sum();
            wr[0] = (along / squared).max(floor);
        }
    }
    let initial = reconstruction_error(a, &w, &h);
    let mut previous = initial;
    let mut iterations = 0;
    for iteration in 1..=options.max_iter {
        iterations = iteration;
        // W ← W ∘ (A Hᵀ) / (W H Hᵀ): each row of W on its own, in parallel.
        let hht: Vec<Vec<f64>> = (0..k)
            .map(|s| (0..k).map(|t| dot(&h[s], &h[t])).collect())
            .collect();
        // H by column, a column's k values side by side: a row's entry reads
        // one cache line, not k. Each numerator still adds its row's entries
        // in order.
        let by_columns: Vec<f64> = (0..a.columns)
            .flat_map(|c| h.iter().map(move |ht| ht[c]))
            .collect();
        w = a
            .rows
            .par_iter()
            .zip(&w)
            .map(|(row, wr)| {
                let mut numerators = vec![0.0f64; k];
                for &(c, v) in row {
                    let column = &by_columns[c as usize * k..(c as usize + 1) * k];
                    for (numerator, &x) in numerators.iter_mut().zip(column) {
                        *numerator += v * x;
                    }
                }
                (0..k)
                    .map(|t| {
                        let denominator: f64 = (0..k).map(|s| wr[s] * hht[s][t]).sum::<f64>();
                        wr[t] * numerators[t] / denominator.max(EPSILON)
                    })
                    .collect()
            })
            .collect();
        // H ← H ∘ (Wᵀ A) / (WᵀW H): the sums over rows run in row order. `WᵀA`
        // by column, its k sums of a column side by side: an entry of A adds to
        // one cache line, not to k of them.
        let wtw = gram_of_rows(&w, k);
        let mut wta = vec![0.0; a.columns * k];
        for (row, wr) in a.rows.iter().zip(&w) {
            for &(c, v) in row {
                let sums = &mut wta[c as usize * k..(c as usize + 1) * k];
                for (sum, &x) in sums.iter_mut().zip(wr) {
                    *sum += x * v;
                }
            }
        }
        h = (0..k)
            .into_par_iter()
            .map(|t| {
                if t < fixed {
                    return h[t].clone();
                }
                (0..a.columns)
                    .map(|c| {
                        let denominator: f64 = (0..k).map(|s| wtw[t][s] * h[s][c]).sum();
                        h[t][c] * wta[c * k + t] / denominator.max(EPSILON)
                    })
                    .collect()
            })
            .collect();
        if iteration % 10 == 0 {
            let error = reconstruction_error(a, &w, &h);
            if (previous - error) / initial.max(1e-300) < options.tol {
                break;
            }
            previous = error;
        }
    }
    let error = reconstruction_error(a, &w, &h);
    Factors {
        w,
        h,
        error,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two clear themes: rows 0-2 use columns 0-2, rows 3-5 use columns 3-5.
    fn blocks() -> SparseRows {
        let row = |cols: [u32; 3], scale: f64| {
            cols.iter()
                .map(|&c| (c, scale + c as f64 * 0.1))
                .collect::<Vec<_>>()
        };
        SparseRows {
            rows: vec![
                row([0, 1, 2], 1.0),
                row([0, 1, 2], 2.0),
                row([0, 1, 2], 1.5),
                row([3, 4, 5], 1.0),
                row([3, 4, 5], 0.5),
                row([3, 4, 5], 2.5),
            ],
            // One column no row uses, so the matrix is wider than tall.
            columns: 7,
        }
    }

    #[test]
    fn a_fixed_background_row_stays_and_the_blocks_are_learned_beside_it() {
        let a = blocks();
        let background: Vec<f64> = vec![0.2; a.columns];
        let f = factorise_over(
            &a,
            &NmfOptions {
                k: 2,
                ..NmfOptions::default()
            },
            Some(&background),
        );
        assert_eq!(f.h.len(), 3);
        assert_eq!(f.h[0], background, "the background never changes");
        assert!(f.w.iter().all(|row| row.len() == 3));
        // Each block is one learned row: its columns' weight is in one of them.
        for block in [0..3, 3..6] {
            let weight = |t: usize| block.clone().map(|c| f.h[t][c]).sum::<f64>();
            let (w1, w2) = (weight(1), weight(2));
            assert!(w1.max(w2) > 10.0 * w1.min(w2).max(1e-12), "{w1} {w2}");
        }
        // Plain factorise is factorise_over without one.
        let options = NmfOptions {
            k: 2,
            ..NmfOptions::default()
        };
        assert_eq!(factorise(&a, &options), factorise_over(&a, &options, None));
    }

    #[test]
    fn block_structure_is_recovered() {
        let a = blocks();
        let factors = factorise(
            &a,
            &NmfOptions {
                k: 2,
                ..NmfOptions::default()
            },
        );
        assert!(
            factors.error / a.norm_squared().sqrt() < 0.05,
            "error {}",
            factors.error
        );
        // Each theme's heaviest columns are one block.
        let top = |t: usize| {
            let mut cols: Vec<usize> = (0..6).collect();
            cols.sort_by(|&x, &y| factors.h[t][y].total_cmp(&factors.h[t][x]));
            let mut block: Vec<usize> = cols[..3].to_vec();
            block.sort();
            block
        };
        let mut themes = [top(0), top(1)];
        themes.sort();
        assert_eq!(themes, [vec![0, 1, 2], vec![3, 4, 5]]);
        assert!(
            factors
                .w
                .iter()
                .flatten()
                .chain(factors.h.iter().flatten())
                .all(|&v| v >= 0.0)
        );
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn the_error_formula_matches_the_dense_one() {
        let a = blocks();
        let (w, h) = nndsvda(&a, 2);
        let mut dense = 0.0;
        for (i, row) in a.rows.iter().enumerate() {
            for c in 0..7 {
                let value = row
                    .iter()
                    .find(|(col, _)| *col as usize == c)
                    .map_or(0.0, |(_, v)| *v);
                let model: f64 = (0..2).map(|t| w[i][t] * h[t][c]).sum();
                dense += (value - model).powi(2);
            }
        }
        assert!((reconstruction_error(&a, &w, &h) - dense.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn svd_of_a_wide_and_a_tall_matrix_agree() {
        let a = blocks();
        let transposed = SparseRows {
            rows: (0..7)
                .map(|c| {
                    a.rows
                        .iter()
                        .enumerate()
                        .filter_map(|(r, row)| {
                            row.iter()
                                .find(|(col, _)| *col == c)
                                .map(|(_, v)| (r as u32, *v))
                        })
                        .collect()
                })
                .collect(),
            columns: 6,
        };
        let (s1, _, _) = exact_svd(&a, 2);
        let (s2, _, _) = exact_svd(&transposed, 2);
        for (x, y) in s1.iter().zip(&s2) {
            assert!((x - y).abs() < 1e-9);
        }
    }

    #[test]
    fn the_randomized_svd_finds_the_exact_singular_triplets() {
        // A 40 × 30 matrix with a clear spectrum.
        let rows = (0..40)
            .map(|i: u32| {
                (0..30)
                    .filter(|j| !(i + j).is_multiple_of(3))
                    .map(|j| (j, 1.0 + ((i * 7 + j * 13) % 11) as f64 / 3.0))
                    .collect()
            })
            .collect();
        let a = SparseRows { rows, columns: 30 };
        let (s1, u1, v1) = exact_svd(&a, 3);
        let (s2, u2, v2) = randomized_svd(&a, 3);
        for j in 0..3 {
            assert!((s1[j] - s2[j]).abs() < 1e-8 * s1[0], "{s1:?} {s2:?}");
            let du: f64 = u1[j]
                .iter()
                .zip(&u2[j])
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            let dv: f64 = v1[j]
                .iter()
                .zip(&v2[j])
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            assert!(du < 1e-6 && dv < 1e-6, "vector {j}: {du} {dv}");
        }
    }

    #[test]
    fn factorising_is_deterministic_for_any_thread_count() {
        let a = blocks();
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| {
            factorise(
                &a,
                &NmfOptions {
                    k: 2,
                    ..NmfOptions::default()
                },
            )
        });
        let three = pool(3).install(|| {
            factorise(
                &a,
                &NmfOptions {
                    k: 2,
                    ..NmfOptions::default()
                },
            )
        });
        assert_eq!(one, three);
    }
}
