//! Themes discovered from the corpus: short chunks of text, factorised.
//!
//! The run's text is cut into *chunks*: consecutive segments of one document
//! that fall in the same windows, up to a number of tokens (about
//! [`DiscoverOptions::chunk_tokens`], more when the corpus would otherwise give
//! more than [`DiscoverOptions::max_chunks`] chunks). Each chunk is a row of
//! TF-IDF weights (scikit-learn's `TfidfTransformer` defaults: raw counts, smooth
//! IDF over chunks, rows of unit length) over the run's most frequent terms that
//! occur in at least two chunks and in at most 95% of them; NMF ([`super::nmf`])
//! factorises that matrix into `k` themes learned over a fixed *background*
//! row, the mean chunk ([`super::nmf::factorise_over`]). Without it, the first
//! component NMF finds in a collection is the collection itself (its leading
//! singular direction: "code / development / tools" in most years of Python
//! talks, the language of government in every decade of State of the Union
//! addresses), which then takes the largest share of every window and is the
//! dominant theme throughout. The background takes the shared vocabulary, is no
//! theme, and its share of the tokens is reported. A theme is named by three of its
//! heaviest terms, the ones most particular to it (Sievert and Shirley's
//! relevance), each word in one name only: a word every theme carries would name
//! them all and tell them apart by none. A window's tokens of a theme are the tokens of its chunks, each chunk's
//! split between the themes in proportion to its row of `W`: the same unit as a
//! lexicon theme's tokens, so strengths and shares read the same way.

use std::ops::Range;

use super::nmf::{Factors, NmfOptions, SparseRows, factorise_over};
use super::{Origin, Theme, ThemeWindow};
use crate::count::{Counts, Packed, TermId};

/// A stretch of one document inside one set of windows, with its term counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chunk {
    /// The windows it falls in.
    pub windows: Range<usize>,
    /// Its tokens (all kept words).
    pub tokens: u64,
    /// `(term, count)` pairs sorted by term, with phrases claiming their words;
    /// packed, because a run of many windows has as many chunks: as vectors the
    /// chunks of 1 GB of transcript (181,827 windows) took gigabytes.
    pub terms: Packed,
}

/// Options of theme discovery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscoverOptions {
    /// Number of themes.
    pub k: usize,
    /// Tokens per chunk, at least.
    pub chunk_tokens: u64,
    /// Most chunks; longer chunks are cut when the corpus is large.
    pub max_chunks: u64,
    /// Most terms (columns), the most frequent.
    pub max_terms: usize,
    /// Multiplicative-update iterations and tolerance.
    pub nmf: NmfOptions,
    /// Learn the themes over a fixed background, the mean chunk: the vocabulary
    /// every chunk shares goes to it, not to a theme of its own.
    pub background: bool,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            k: 8,
            chunk_tokens: 40,
            max_chunks: 5000,
            max_terms: 3000,
            nmf: NmfOptions::default(),
            background: true,
        }
    }
}

impl DiscoverOptions {
    /// The chunk length for a corpus of `tokens` tokens.
    pub fn chunk_length(&self, tokens: u64) -> u64 {
        self.chunk_tokens
            .max(tokens.div_ceil(self.max_chunks.max(1)))
            .max(1)
    }
}

/// The chunk × term matrix NMF factorises, and what its rows and columns are.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkMatrix {
    /// TF-IDF rows, one per non-empty chunk.
    pub matrix: SparseRows,
    /// The chunk of each row.
    pub rows: Vec<usize>,
    /// The term of each column.
    pub columns: Vec<TermId>,
}

/// Builds the TF-IDF matrix of `chunks` over the terms in `mask`.
pub fn chunk_matrix(chunks: &[Chunk], mask: &[bool], max_terms: usize) -> ChunkMatrix {
    let terms = mask.len();
    let (mut df, mut total) = (vec![0u64; terms], vec![0u64; terms]);
    for chunk in chunks {
        for (t, n) in &chunk.terms {
            df[t as usize] += 1;
            total[t as usize] += n;
        }
    }
    let n = chunks.iter().filter(|c| !c.terms.is_empty()).count() as u64;
    let max_df = (0.95 * n as f64).floor() as u64;
    let mut candidates: Vec<TermId> = (0..terms as TermId)
        .filter(|&t| mask[t as usize] && df[t as usize] >= 2 && df[t as usize] <= max_df.max(2))
        .collect();
    // The most frequent, ties by term; then back into term order.
    candidates.sort_by(|&a, &b| total[b as usize].cmp(&total[a as usize]).then(a.cmp(&b)));
    candidates.truncate(max_terms);
    candidates.sort_unstable();
    let mut column = vec![u32::MAX; terms];
    for (c, &t) in candidates.iter().enumerate() {
        column[t as usize] = c as u32;
    }
    let idf: Vec<f64> = candidates
        .iter()
        .map(|&t| ((1.0 + n as f64) / (1.0 + df[t as usize] as f64)).ln() + 1.0)
        .collect();
    let (mut rows, mut chunk_of) = (Vec::new(), Vec::new());
    for (i, chunk) in chunks.iter().enumerate() {
        let mut row: Vec<(u32, f64)> = chunk
            .terms
            .iter()
            .filter(|&(t, _)| column[t as usize] != u32::MAX)
            .map(|(t, count)| {
                let c = column[t as usize];
                (c, count as f64 * idf[c as usize])
            })
            .collect();
        let norm = row.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        if norm == 0.0 {
            continue;
        }
        row.iter_mut().for_each(|(_, v)| *v /= norm);
        // Collected from a filter, the row has the slack of its growth; a run of
        // many windows has as many rows.
        row.shrink_to_fit();
        rows.push(row);
        chunk_of.push(i);
    }
    ChunkMatrix {
        matrix: SparseRows {
            rows,
            columns: candidates.len(),
        },
        rows: chunk_of,
        columns: candidates,
    }
}

/// Discovered themes and how the factorisation went.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovered {
    /// The themes, most present first.
    pub themes: Vec<Theme>,
    /// Each window's theme tokens.
    pub windows: Vec<ThemeWindow>,
    /// Chunks × terms of the factorised matrix.
    pub shape: (usize, usize),
    /// `‖A − WH‖_F / ‖A‖_F`.
    pub relative_error: f64,
    /// Iterations run.
    pub iterations: usize,
    /// The share of the chunks' tokens the background took, when themes were
    /// learned over one ([`DiscoverOptions::background`]).
    pub background_share: Option<f64>,
    /// Per chunk: its row of `W` in the order of `themes`, and the row's sum
    /// (its tokens go to each theme in proportion), or `None` when it gave no
    /// theme anything. What measures the themes of a part of each chunk, such as
    /// one speaker's words.
    pub chunk_themes: Vec<Option<(Vec<f64>, f64)>>,
}

/// Sievert and Shirley's (2014) relevance weight: a name term should be both
/// frequent in its theme (λ) and more frequent there than in the corpus (1 − λ);
/// their user study found 0.6 best for telling topics apart.
const RELEVANCE_LAMBDA: f64 = 0.6;

/// How many of a theme's heaviest terms its name is chosen from (LDAvis's R).
const NAME_CANDIDATES: usize = 30;

/// Terms a discovered theme's name holds.
const NAME_TERMS: usize = 3;

/// The mean row of `matrix`: the corpus's shared vocabulary, the background
/// themes are learned over.
fn mean_row(matrix: &SparseRows) -> Vec<f64> {
    let mut sums = vec![0.0f64; matrix.columns];
    for &(c, v) in matrix.rows.iter().flatten() {
        sums[c as usize] += v;
    }
    let m = matrix.rows.len().max(1) as f64;
    sums.iter_mut().for_each(|s| *s /= m);
    sums
}

/// Each column's share of the matrix's total weight: the corpus-wide
/// distribution a theme's name terms must stand out from.
fn column_shares(matrix: &SparseRows) -> Vec<f64> {
    let mut sums = vec![0.0f64; matrix.columns];
    for &(c, v) in matrix.rows.iter().flatten() {
        sums[c as usize] += v;
    }
    let total: f64 = sums.iter().sum();
    if total > 0.0 {
        sums.iter_mut().for_each(|s| *s /= total);
    }
    sums
}

/// The names of the themes of `h`, in `order`: each the [`NAME_TERMS`] most
/// relevant of its heaviest terms that are more frequent in it than in the
/// corpus (relevance as in [`RELEVANCE_LAMBDA`]), so a word every theme carries
/// ("using", "code") names none of them. A word
/// names one theme only: the first, in `order` (most present first), to pick it,
/// and no name repeats a word of its own ("Lightning Talks / Lightning Talks
/// Day"). Ties by label.
fn theme_names(
    h: &[Vec<f64>],
    order: &[usize],
    marginal: &[f64],
    nameable: impl Fn(usize) -> bool,
    label: impl Fn(usize) -> String,
) -> Vec<String> {
    let mut used_words: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for &t in order {
        let row = &h[t];
        let weight: f64 = row.iter().sum();
        let mut heaviest: Vec<usize> = (0..row.len()).filter(|&c| row[c] > 0.0).collect();
        heaviest.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
        heaviest.truncate(NAME_CANDIDATES);
        let rank = |only_nameable: bool| {
            let mut ranked: Vec<(f64, String)> = heaviest
                .iter()
                .filter(|&&c| !only_nameable || nameable(c))
                .filter_map(|&c| {
                    let share = row[c] / weight;
                    // A name says what sets its theme apart: a term no more frequent
                    // in the theme than in the corpus (lift at most 1) cannot.
                    let lift = share / marginal[c];
                    (marginal[c] > 0.0 && lift > 1.0 + 1e-9).then(|| {
                        let relevance =
                            RELEVANCE_LAMBDA * share.ln() + (1.0 - RELEVANCE_LAMBDA) * lift.ln();
                        (relevance, label(c))
                    })
                })
                .collect();
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            ranked
        };
        // Candidates in order of preference: the particular terms that may name
        // it; for a theme whose particular words other names have all taken, its
        // heaviest unused terms that may name it; then the same two of any kind.
        // A theme is better named by its own words than numbered ("theme 8").
        let heaviest_labels = |only_nameable: bool| -> Vec<(f64, String)> {
            heaviest
                .iter()
                .filter(|&&c| !only_nameable || nameable(c))
                .map(|&c| (row[c], label(c)))
                .collect()
        };
        let mut picked: Vec<String> = Vec::new();
        for candidates in [
            rank(true),
            heaviest_labels(true),
            rank(false),
            heaviest_labels(false),
        ] {
            for (_, term) in candidates {
                if picked.len() == NAME_TERMS {
                    break;
                }
                let words: Vec<String> = term.split_whitespace().map(str::to_lowercase).collect();
                if words.iter().any(|w| used_words.contains(w)) {
                    continue;
                }
                used_words.extend(words);
                picked.push(term);
            }
            if !picked.is_empty() {
                break;
            }
        }
        let mut name = picked.join(" / ");
        if name.is_empty() {
            name = format!("theme {}", names.len() + 1);
        }
        // Two themes could still pick the same name only when both are empty of
        // unused words; numbering keeps names unique.
        let base = name.clone();
        let mut copy = 2;
        while names.contains(&name) {
            name = format!("{base} ({copy})");
            copy += 1;
        }
        names.push(name);
    }
    names
}

/// How many terms a discovered theme lists as members.
const MEMBERS: usize = 12;

/// Discovers `options.k` themes in `chunks` and measures them in each of `windows`
/// windows (whose token totals come from `counts`), over the terms of `mask`.
/// The terms of `unnameable` (verbs of doing, discourse words: "use", "show",
/// "question") may belong to a theme but never name it.
pub fn discover(
    chunks: &[Chunk],
    counts: &Counts,
    mask: &[bool],
    unnameable: &[bool],
    options: &DiscoverOptions,
) -> Discovered {
    let built = chunk_matrix(chunks, mask, options.max_terms);
    let (m, n) = (built.matrix.rows.len(), built.matrix.columns);
    let windows = counts.windows.len();
    if m == 0 || n == 0 || options.k == 0 {
        return Discovered {
            themes: Vec::new(),
            windows: counts
                .windows
                .iter()
                .map(|w| ThemeWindow::from_tokens(Vec::new(), w.tokens))
                .collect(),
            shape: (m, n),
            relative_error: 0.0,
            iterations: 0,
            background_share: None,
            chunk_themes: vec![None; chunks.len()],
        };
    }
    let Factors {
        w,
        h,
        error,
        iterations,
    } = {
        let background = options.background.then(|| mean_row(&built.matrix));
        factorise_over(
            &built.matrix,
            &NmfOptions {
                k: options.k,
                ..options.nmf
            },
            background.as_deref(),
        )
    };
    // Row 0 of `h` is the background when there is one: it is no theme.
    let fixed = usize::from(options.background);
    let k = h.len();
    // How much of each chunk's reconstructed row each component makes: its
    // weight in W times the mass of its row of H. W alone depends on how the
    // factorisation happened to scale each row of H (the fixed background's is
    // the mean chunk, small entries over many terms, so its W weights are
    // large); the product does not.
    let mass: Vec<f64> = h.iter().map(|row| row.iter().sum()).collect();
    let w: Vec<Vec<f64>> = w
        .into_iter()
        .map(|row| row.iter().zip(&mass).map(|(x, m)| x * m).collect())
        .collect();
    // Tokens each chunk gives each theme, summed per window.
    let mut tokens = vec![vec![0.0f64; k]; windows];
    for (row, &chunk) in w.iter().zip(&built.rows) {
        let sum: f64 = row.iter().sum();
        if sum <= 0.0 {
            continue;
        }
        let chunk = &chunks[chunk];
        for window in chunk.windows.clone().filter(|&x| x < windows) {
            for (t, &weight) in row.iter().enumerate() {
                tokens[window][t] += chunk.tokens as f64 * weight / sum;
            }
        }
    }
    // Order themes by their tokens over the run, ties by their index.
    let totals: Vec<f64> = (0..k).map(|t| tokens.iter().map(|w| w[t]).sum()).collect();
    let all_tokens: f64 = totals.iter().sum();
    let background_share = (options.background && all_tokens > 0.0).then(|| totals[0] / all_tokens);
    let mut order: Vec<usize> = (fixed..k).collect();
    order.sort_by(|&a, &b| totals[b].total_cmp(&totals[a]).then(a.cmp(&b)));
    let marginal = column_shares(&built.matrix);
    let names = theme_names(
        &h,
        &order,
        &marginal,
        |c| {
            !unnameable
                .get(built.columns[c] as usize)
                .copied()
                .unwrap_or(false)
        },
        |c| counts.label(built.columns[c]),
    );
    let themes: Vec<Theme> = order
        .iter()
        .zip(names)
        .map(|(&t, name)| {
            let mut heaviest: Vec<usize> = (0..n).filter(|&c| h[t][c] > 0.0).collect();
            heaviest.sort_by(|&a, &b| h[t][b].total_cmp(&h[t][a]).then(a.cmp(&b)));
            heaviest.truncate(MEMBERS);
            let top = heaviest.first().map_or(1.0, |&c| h[t][c]);
            let labels: Vec<String> = heaviest
                .iter()
                .map(|&c| counts.label(built.columns[c]))
                .collect();
            let mut members: Vec<(String, f64)> = heaviest
                .iter()
                .map(|&c| {
                    (
                        counts.terms[built.columns[c] as usize].term.clone(),
                        h[t][c] / top,
                    )
                })
                .collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Theme {
                name,
                origin: Origin::Discovered,
                description: None,
                members,
                unmatched: Vec::new(),
                top_terms: labels.into_iter().take(super::TOP_TERMS).collect(),
            }
        })
        .collect();
    let windows = tokens
        .into_iter()
        .zip(&counts.windows)
        .map(|(theme_tokens, window)| {
            let ordered = order.iter().map(|&t| theme_tokens[t]).collect();
            ThemeWindow::from_tokens(ordered, window.tokens)
        })
        .collect();
    let mut chunk_themes = vec![None; chunks.len()];
    for (row, &chunk) in w.iter().zip(&built.rows) {
        let sum: f64 = row.iter().sum();
        if sum > 0.0 {
            chunk_themes[chunk] = Some((order.iter().map(|&t| row[t]).collect(), sum));
        }
    }
    let norm = built.matrix.norm_squared().sqrt();
    Discovered {
        chunk_themes,
        themes,
        windows,
        shape: (m, n),
        relative_error: if norm > 0.0 { error / norm } else { 0.0 },
        iterations,
        background_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    #[test]
    fn names_lead_with_what_is_particular_and_share_no_word() {
        // Four themes; "using" is the heaviest term of each, and each has three
        // terms of its own. "machine learning" and "learning" share a word.
        let labels = [
            "using",
            "GPU",
            "model",
            "machine learning",
            "CVE",
            "policy",
            "learning",
            "pod",
            "node",
            "cluster",
            "docs",
            "guide",
            "tutorial",
        ];
        let own = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]];
        let mut h = vec![vec![0.0; labels.len()]; 4];
        let mut rows = Vec::new();
        for (t, terms) in own.iter().enumerate() {
            h[t][0] = 1.0;
            let mut row = vec![(0u32, 0.5)];
            for (i, &c) in terms.iter().enumerate() {
                h[t][c] = 0.7 - 0.1 * i as f64;
                row.push((c as u32, 0.35 - 0.05 * i as f64));
            }
            rows.push(row);
        }
        let matrix = SparseRows {
            rows,
            columns: labels.len(),
        };
        let marginal = column_shares(&matrix);
        let names = theme_names(
            &h,
            &[0, 1, 2, 3],
            &marginal,
            |_| true,
            |c| labels[c].to_string(),
        );
        // The word every theme carries is the heaviest of each, yet names none.
        assert!(names.iter().all(|n| !n.contains("using")), "{names:?}");
        assert_eq!(names[0], "GPU / model / machine learning");
        // No word in two names: "learning" is taken by "machine learning".
        assert_eq!(names[1], "CVE / policy", "{names:?}");
        let mut words: Vec<String> = names
            .iter()
            .flat_map(|n| n.split(" / ").flat_map(|p| p.split_whitespace()))
            .map(str::to_lowercase)
            .collect();
        let all = words.len();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), all, "{names:?}");
        // A word that may not name a theme gives its place to the next one.
        let names = theme_names(
            &h,
            &[0, 1, 2, 3],
            &marginal,
            |c| c != 1,
            |c| labels[c].to_string(),
        );
        assert_eq!(names[0], "model / machine learning", "{names:?}");
    }

    #[test]
    fn a_theme_whose_particular_words_are_taken_is_named_by_its_own_not_numbered() {
        // Two themes of the same particular words ("GPU", "model"); the second
        // also carries "cluster", shared with the corpus (no lift).
        let labels = ["GPU", "model", "cluster"];
        let h = vec![vec![0.9, 0.8, 0.0], vec![0.9, 0.8, 0.5]];
        let matrix = SparseRows {
            rows: vec![vec![(0, 0.5), (1, 0.4)], vec![(2, 0.9)], vec![(2, 0.9)]],
            columns: labels.len(),
        };
        let marginal = column_shares(&matrix);
        let names = theme_names(&h, &[0, 1], &marginal, |_| true, |c| labels[c].to_string());
        assert_eq!(names[0], "GPU / model");
        assert_eq!(names[1], "cluster", "{names:?}");
    }

    /// [`discover`] over every term, none kept from naming a theme.
    fn every_term(chunks: &[Chunk], counts: &Counts, options: &DiscoverOptions) -> Discovered {
        let terms = counts.terms.len();
        discover(
            chunks,
            counts,
            &vec![true; terms],
            &vec![false; terms],
            options,
        )
    }

    /// Twelve chunks in four windows: AI talk in windows 0-1, security in 2-3.
    fn sample() -> (Vec<Chunk>, Counts) {
        let mut b = CountBuilder::new();
        let words = ["ai", "model", "gpu", "secur", "polici", "cve", "cluster"];
        for w in 0..4 {
            for word in words {
                b.add(word, word, w..w + 1);
            }
        }
        let counts = b.finish(4);
        let id = |t: &str| counts.find(t).unwrap();
        let chunk = |w: usize, terms: &[(&str, u64)]| {
            let mut terms: Vec<(TermId, u64)> = terms.iter().map(|&(t, n)| (id(t), n)).collect();
            terms.sort_unstable();
            Chunk {
                windows: w..w + 1,
                tokens: terms.iter().map(|t| t.1).sum(),
                terms: terms.into(),
            }
        };
        let mut chunks = Vec::new();
        for w in 0..4 {
            for i in 0..3u64 {
                chunks.push(if w < 2 {
                    chunk(
                        w,
                        &[
                            ("ai", 3 + i),
                            ("model", 2),
                            ("gpu", 1 + i % 2),
                            ("cluster", 1),
                        ],
                    )
                } else {
                    chunk(
                        w,
                        &[
                            ("secur", 3 + i),
                            ("polici", 2),
                            ("cve", 1 + i % 2),
                            ("cluster", 1),
                        ],
                    )
                });
            }
        }
        (chunks, counts)
    }

    #[test]
    fn two_topics_separate_and_take_their_windows() {
        let (chunks, counts) = sample();
        let found = every_term(
            &chunks,
            &counts,
            &DiscoverOptions {
                k: 2,
                ..DiscoverOptions::default()
            },
        );
        assert_eq!(found.themes.len(), 2);
        let names: Vec<&str> = found.themes.iter().map(|t| t.name.as_str()).collect();
        let ai = names
            .iter()
            .position(|n| n.starts_with("ai"))
            .expect("an AI theme");
        let security = names
            .iter()
            .position(|n| n.starts_with("secur"))
            .expect("a security theme");
        assert_ne!(ai, security);
        assert_eq!(found.windows[0].dominant(), Some(ai));
        assert_eq!(found.windows[3].dominant(), Some(security));
        // A window's tokens are split between the themes and the background.
        let tokens: f64 = found.windows[0].tokens.iter().sum();
        let window: f64 = chunks[..3].iter().map(|c| c.tokens as f64).sum();
        let background = found.background_share.expect("a background share");
        assert!(
            tokens < window && tokens > 0.3 * window,
            "{tokens} of {window}"
        );
        assert!(background > 0.0 && background < 0.7, "{background}");
        assert!(found.relative_error < 0.5);
        // Without the background, all of them go to the themes.
        let plain = every_term(
            &chunks,
            &counts,
            &DiscoverOptions {
                k: 2,
                background: false,
                ..DiscoverOptions::default()
            },
        );
        let tokens: f64 = plain.windows[0].tokens.iter().sum();
        assert!((tokens - window).abs() < 1e-9);
        assert_eq!(plain.background_share, None);
    }

    /// A collection in four windows: every chunk speaks mostly the collection's
    /// shared language (ten of sixty common words, a different ten each time, so
    /// that no word is cut as too common), and a little of its window's topic:
    /// war in windows 0-1, tariffs in 2-3.
    fn collection() -> (Vec<Chunk>, Counts) {
        let shared: Vec<String> = (0..60).map(|j| format!("common{j}")).collect();
        let war = ["war", "armi", "navi"];
        let tariff = ["tariff", "revenu", "duti"];
        let mut b = CountBuilder::new();
        for w in 0..4 {
            for word in shared.iter().map(String::as_str).chain(war).chain(tariff) {
                b.add(word, word, w..w + 1);
            }
        }
        let counts = b.finish(4);
        let mut chunks = Vec::new();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for w in 0..4 {
            for i in 0..12usize {
                let mut picked = std::collections::BTreeSet::new();
                while picked.len() < 10 {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    picked.insert((state >> 33) as usize % shared.len());
                }
                let mut terms: Vec<(TermId, u64)> = picked
                    .iter()
                    .map(|&j| (counts.find(&shared[j]).unwrap(), 1))
                    .collect();
                let topic = if w < 2 { &war } else { &tariff };
                for (n, word) in topic.iter().enumerate() {
                    terms.push((counts.find(word).unwrap(), 1 + u64::from((i + n) % 3 == 0)));
                }
                terms.sort_unstable();
                chunks.push(Chunk {
                    windows: w..w + 1,
                    tokens: terms.iter().map(|t| t.1).sum(),
                    terms: terms.into(),
                });
            }
        }
        (chunks, counts)
    }

    #[test]
    fn the_shared_language_of_a_collection_goes_to_the_background_not_a_theme() {
        let (chunks, counts) = collection();
        let run = |background| {
            every_term(
                &chunks,
                &counts,
                &DiscoverOptions {
                    k: 2,
                    background,
                    ..DiscoverOptions::default()
                },
            )
        };
        let dominant_names = |found: &Discovered| -> Vec<String> {
            found
                .windows
                .iter()
                .map(|w| found.themes[w.dominant().unwrap()].name.clone())
                .collect()
        };
        let found = run(true);
        let names = dominant_names(&found);
        for (w, name) in names.iter().enumerate() {
            let topic = if w < 2 { "war" } else { "tariff" };
            assert!(name.contains(topic), "window {w}: {names:?}");
        }
        assert!(
            found.background_share.unwrap() > 0.05,
            "{:?}",
            found.background_share
        );
        // No theme is named by the shared words: the background holds them.
        assert!(
            found.themes.iter().all(|t| !t.name.starts_with("common")),
            "{:?}",
            found.themes.iter().map(|t| &t.name).collect::<Vec<_>>()
        );
        assert_eq!(run(false).background_share, None);
    }

    #[test]
    fn terms_in_almost_every_chunk_or_in_one_are_left_out() {
        let (chunks, counts) = sample();
        let mask = vec![true; counts.terms.len()];
        let built = chunk_matrix(&chunks, &mask, 100);
        let cluster = counts.find("cluster").unwrap();
        assert!(!built.columns.contains(&cluster), "in every chunk");
        assert_eq!(built.columns.len(), 6);
        for row in &built.matrix.rows {
            let norm: f64 = row.iter().map(|(_, v)| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn chunks_grow_for_large_corpora() {
        let options = DiscoverOptions::default();
        assert_eq!(options.chunk_length(1000), 40);
        assert_eq!(options.chunk_length(10_000_000), 2000);
    }
}
