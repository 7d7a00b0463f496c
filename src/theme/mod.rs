//! Themes: groups of terms, and how strongly each window speaks of each.
//!
//! A theme is a weighted set of terms. Themes come from a lexicon the user writes
//! (TOML: theme name → terms and phrases, with optional weights; see [`Lexicon`])
//! or are discovered from the corpus by non-negative matrix factorisation of short
//! chunks ([`nmf`]). Either way each window gets, per theme, a *strength*: theme
//! tokens per 1,000 tokens of the window (for a lexicon, the weighted count of the
//! theme's terms; for discovered themes, the chunk tokens the factorisation
//! attributes to the theme), and a *share*: its strength over the sum of all
//! themes' strengths in that window. The dominant theme of a window is the one
//! with the largest share.

pub mod discover;
pub mod nmf;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::count::Counts;
use crate::count::packed::count_of;

/// Theme lexicons compiled into the binary, by name (`--themes cloud-native`).
pub const BUILTIN: &[(&str, &str)] = &[(
    "cloud-native",
    include_str!("../../data/themes/cloud-native.toml"),
)];

/// One theme as a lexicon defines it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconTheme {
    /// What the theme is about, for people.
    #[serde(default)]
    pub description: Option<String>,
    /// Its words and phrases, as written.
    pub terms: Vec<String>,
    /// Weights of some terms (1 when not listed).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

/// Why a theme lexicon could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LexiconError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file as given.
        path: std::path::PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not a lexicon, or breaks a rule of one.
    #[error("{origin}: {message}")]
    Invalid {
        /// The file, or the built-in lexicon's name.
        origin: String,
        /// What is wrong, with the line where the parser knows it.
        message: String,
    },
}

/// A theme lexicon: theme name → definition.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Lexicon {
    /// The themes, by name.
    pub themes: BTreeMap<String, LexiconTheme>,
}

impl Lexicon {
    /// Reads a lexicon: a built-in name (`cloud-native`) or a TOML file.
    pub fn load(source: &str) -> Result<Lexicon, LexiconError> {
        let (name, text) = match BUILTIN.iter().find(|(name, _)| *name == source) {
            Some((name, text)) => (format!("built-in themes {name}"), text.to_string()),
            None => {
                let text = std::fs::read_to_string(source).map_err(|e| LexiconError::Read {
                    path: Path::new(source).to_path_buf(),
                    source: e,
                })?;
                (source.to_string(), text)
            }
        };
        Lexicon::parse(&text, &name)
    }

    /// Parses lexicon TOML; `name` names the source in errors.
    pub fn parse(text: &str, name: &str) -> Result<Lexicon, LexiconError> {
        let lexicon: Lexicon = toml::from_str(text).map_err(|e| LexiconError::Invalid {
            origin: name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        for (theme, definition) in &lexicon.themes {
            if definition.terms.is_empty() {
                return Err(LexiconError::Invalid {
                    origin: name.to_string(),
                    message: format!("theme {theme:?} has no terms"),
                });
            }
            if let Some(unknown) = definition
                .weights
                .keys()
                .find(|w| !definition.terms.contains(w))
            {
                return Err(LexiconError::Invalid {
                    origin: name.to_string(),
                    message: format!(
                        "theme {theme:?} weights {unknown:?}, which is not one of its terms"
                    ),
                });
            }
            if let Some((term, weight)) = definition
                .weights
                .iter()
                .find(|(_, w)| !w.is_finite() || **w <= 0.0)
            {
                return Err(LexiconError::Invalid {
                    origin: name.to_string(),
                    message: format!(
                        "theme {theme:?} gives {term:?} the weight {weight}; weights must be positive"
                    ),
                });
            }
        }
        Ok(lexicon)
    }
}

/// Where a theme comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A lexicon the user wrote.
    Lexicon,
    /// Non-negative matrix factorisation of the corpus.
    Discovered,
}

/// A theme as the run uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// Its name (for discovered themes, its top terms).
    pub name: String,
    /// Lexicon or discovered.
    pub origin: Origin,
    /// What it is about, from the lexicon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its terms (keys in the run's vocabulary) and weights, sorted by term. For a
    /// discovered theme the weights are the factorisation's, scaled so the
    /// heaviest is 1, and only the heaviest terms are listed.
    pub members: Vec<(String, f64)>,
    /// Lexicon entries that matched no term of the run.
    pub unmatched: Vec<String>,
    /// Its most present terms in the run, as labels, most first.
    pub top_terms: Vec<String>,
}

impl Theme {
    /// The themes of a lexicon over a run's vocabulary. `keys(text)` gives the
    /// run's terms for a lexicon entry (its stems, or a phrase's key; several when
    /// the run analyses several languages). An entry that the run never saw is
    /// listed as unmatched; a term listed twice keeps its highest weight.
    pub fn from_lexicon(
        lexicon: &Lexicon,
        counts: &Counts,
        mut keys: impl FnMut(&str) -> Vec<String>,
    ) -> Vec<Theme> {
        lexicon
            .themes
            .iter()
            .map(|(name, definition)| {
                let mut members: BTreeMap<String, f64> = BTreeMap::new();
                let mut unmatched = Vec::new();
                for text in &definition.terms {
                    let weight = definition.weights.get(text).copied().unwrap_or(1.0);
                    let found: Vec<String> = keys(text)
                        .into_iter()
                        .filter(|key| counts.find(key).is_some())
                        .collect();
                    if found.is_empty() {
                        unmatched.push(text.clone());
                    }
                    for key in found {
                        let entry = members.entry(key).or_insert(weight);
                        *entry = entry.max(weight);
                    }
                }
                let mut theme = Theme {
                    name: name.clone(),
                    origin: Origin::Lexicon,
                    description: definition.description.clone(),
                    members: members.into_iter().collect(),
                    unmatched,
                    top_terms: Vec::new(),
                };
                theme.top_terms = top_terms(&theme, counts, TOP_TERMS);
                theme
            })
            .collect()
    }
}

/// How many top terms a theme lists.
pub const TOP_TERMS: usize = 8;

/// The themes of one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeWindow {
    /// Per theme: theme tokens per 1,000 tokens.
    pub strength: Vec<f64>,
    /// Per theme: strength over the window's total strength (0 when nothing).
    pub share: Vec<f64>,
    /// Per theme: the (weighted) tokens behind the strength.
    pub tokens: Vec<f64>,
    /// The window's token total.
    pub window_tokens: u64,
}

impl ThemeWindow {
    /// Builds a window from each theme's tokens.
    pub fn from_tokens(tokens: Vec<f64>, window_tokens: u64) -> ThemeWindow {
        let strength: Vec<f64> = tokens
            .iter()
            .map(|&t| {
                if window_tokens == 0 {
                    0.0
                } else {
                    1000.0 * t / window_tokens as f64
                }
            })
            .collect();
        let total: f64 = strength.iter().sum();
        let share = strength
            .iter()
            .map(|&s| if total > 0.0 { s / total } else { 0.0 })
            .collect();
        ThemeWindow {
            strength,
            share,
            tokens,
            window_tokens,
        }
    }

    /// The theme with the largest share (the first on ties), if any has one.
    pub fn dominant(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, &share) in self.share.iter().enumerate() {
            if share > 0.0 && best.is_none_or(|b| share > self.share[b]) {
                best = Some(i);
            }
        }
        best
    }
}

/// How a lexicon theme counts its members' tokens (`--theme-weight`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ThemeWeight {
    /// Each member's count times its weight and its IDF over windows
    /// (`ln((1+n)/(1+df)) + 1`): a word said in every window (the event's own
    /// name) says little about when a theme is discussed.
    #[default]
    Idf,
    /// Each member's count times its weight.
    Count,
}

/// Theme strengths per window from term counts: each theme's weighted count of
/// its member terms (see [`ThemeWeight`]). With `as_of`, a member's IDF in window
/// `t` counts only the windows up to `t`.
pub fn lexicon_windows(
    themes: &[Theme],
    counts: &Counts,
    weighting: ThemeWeight,
    as_of: bool,
) -> Vec<ThemeWindow> {
    let idf = member_idf(themes, counts, weighting, as_of);
    measure(themes, counts, &idf)
}

/// Theme strengths per window of each of `parts` (counts of parts of the
/// timeline of `counts`, such as its speakers', on its windows), each member
/// weighted by its IDF over the whole timeline's windows: the theme tokens of
/// the parts of a window add up to the window's.
pub fn lexicon_part_windows(
    themes: &[Theme],
    counts: &Counts,
    parts: &[&Counts],
    weighting: ThemeWeight,
    as_of: bool,
) -> Vec<Vec<ThemeWindow>> {
    let idf = member_idf(themes, counts, weighting, as_of);
    parts
        .iter()
        .map(|part| measure(themes, part, &idf))
        .collect()
}

/// A term's count in one window's terms, decoded (see [`count_of`]).
fn count_in(terms: &[(u32, u64)], id: u32) -> u64 {
    count_of(terms, id)
}

/// Per window, theme and member (in the order of [`Theme::members`]): the
/// member's IDF factor in that window (1 when counting).
fn member_idf(
    themes: &[Theme],
    counts: &Counts,
    weighting: ThemeWeight,
    as_of: bool,
) -> Vec<Vec<Vec<f64>>> {
    let members: Vec<Vec<Option<u32>>> = themes
        .iter()
        .map(|theme| {
            theme
                .members
                .iter()
                .map(|(term, _)| counts.find(term))
                .collect()
        })
        .collect();
    // Per theme and member: the windows (so far) the member occurs in.
    let mut df: Vec<Vec<u64>> = members.iter().map(|m| vec![0; m.len()]).collect();
    if weighting == ThemeWeight::Idf && !as_of {
        for window in &counts.windows {
            let window = window.terms.to_vec();
            for (theme, members) in df.iter_mut().zip(&members) {
                for (d, id) in theme.iter_mut().zip(members) {
                    *d += u64::from(id.is_some_and(|id| count_in(&window, id) > 0));
                }
            }
        }
    }
    let total = counts.windows.len();
    counts
        .windows
        .iter()
        .enumerate()
        .map(|(w, window)| {
            let n = if as_of { w + 1 } else { total } as f64;
            let window = if as_of {
                window.terms.to_vec()
            } else {
                Vec::new()
            };
            members
                .iter()
                .zip(df.iter_mut())
                .map(|(members, df)| {
                    members
                        .iter()
                        .zip(df.iter_mut())
                        .map(|(id, df)| {
                            if as_of && id.is_some_and(|id| count_in(&window, id) > 0) {
                                *df += 1;
                            }
                            match weighting {
                                ThemeWeight::Count => 1.0,
                                ThemeWeight::Idf => ((1.0 + n) / (1.0 + *df as f64)).ln() + 1.0,
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Each window's theme tokens in `counts`: members' counts times weight and the
/// IDF factors of `idf` (from [`member_idf`]).
fn measure(themes: &[Theme], counts: &Counts, idf: &[Vec<Vec<f64>>]) -> Vec<ThemeWindow> {
    let members: Vec<Vec<(Option<u32>, f64)>> = themes
        .iter()
        .map(|theme| {
            theme
                .members
                .iter()
                .map(|(term, weight)| (counts.find(term), *weight))
                .collect()
        })
        .collect();
    counts
        .windows
        .iter()
        .zip(idf)
        .map(|(window, idf)| {
            let terms = window.terms.to_vec();
            let tokens = members
                .iter()
                .zip(idf)
                .map(|(members, idf)| {
                    members
                        .iter()
                        .zip(idf)
                        .filter_map(|(&(id, weight), &idf)| {
                            id.map(|id| weight * idf * count_in(&terms, id) as f64)
                        })
                        .sum()
                })
                .collect();
            ThemeWindow::from_tokens(tokens, window.tokens)
        })
        .collect()
}

/// A term's count in every window, summed (after phrases claimed their words).
pub fn counted(counts: &Counts, id: u32) -> u64 {
    counts.windows.iter().map(|w| w.terms.get(id)).sum()
}

/// [`counted`] of each of `ids` (0 for `None`), in one pass over the windows:
/// a window's counts are packed, read in order, so a lookup per term and window
/// would read the window once per term.
fn counted_each(counts: &Counts, ids: &[Option<u32>]) -> Vec<u64> {
    // A term listed twice is counted once, under its first place.
    let mut slot = vec![u32::MAX; counts.terms.len()];
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id
            && slot[*id as usize] == u32::MAX
        {
            slot[*id as usize] = i as u32;
        }
    }
    let mut totals = vec![0u64; ids.len()];
    for window in &counts.windows {
        for (term, n) in &window.terms {
            if let Some(&i) = slot.get(term as usize).filter(|&&i| i != u32::MAX) {
                totals[i as usize] += n;
            }
        }
    }
    ids.iter()
        .map(|id| id.map_or(0, |id| totals[slot[id as usize] as usize]))
        .collect()
}

/// The terms of a theme most present in the run (weight × count), as labels,
/// most first.
pub fn top_terms(theme: &Theme, counts: &Counts, n: usize) -> Vec<String> {
    let ids: Vec<Option<u32>> = theme
        .members
        .iter()
        .map(|(term, _)| counts.find(term))
        .collect();
    let totals = counted_each(counts, &ids);
    let mut present: Vec<(f64, String, u32)> = theme
        .members
        .iter()
        .zip(ids.iter().zip(totals))
        .filter_map(|((term, weight), (&id, total))| {
            let id = id?;
            (total > 0).then(|| (weight * total as f64, term.clone(), id))
        })
        .collect();
    present.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    present
        .into_iter()
        .take(n)
        .map(|(_, _, id)| counts.label(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::CountBuilder;

    #[test]
    fn totals_in_one_pass_are_each_terms_count() {
        let mut b = CountBuilder::new();
        for (w, term) in [(0, "a"), (0, "b"), (1, "a"), (2, "c"), (2, "a")] {
            b.add(term, term, w..w + 1);
        }
        let counts = b.finish(3);
        let ids = [counts.find("a"), None, counts.find("c"), counts.find("a")];
        let totals = counted_each(&counts, &ids);
        assert_eq!(totals, [3, 0, 1, 3]);
        for (id, total) in ids.iter().zip(&totals) {
            assert_eq!(id.map_or(0, |id| counted(&counts, id)), *total);
        }
    }

    #[test]
    fn lexicons_parse_and_check_weights() {
        let lexicon = Lexicon::parse(
            "[\"AI/ML\"]\nterms = [\"AI\", \"machine learning\"]\nweights = { AI = 2.0 }\n[security]\nterms = [\"security\"]\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(lexicon.themes.len(), 2);
        assert_eq!(lexicon.themes["AI/ML"].weights["AI"], 2.0);
        let bad =
            Lexicon::parse("[x]\nterms = [\"a\"]\nweights = { b = 1.0 }\n", "t.toml").unwrap_err();
        assert!(bad.to_string().contains("not one of its terms"), "{bad}");
        let negative =
            Lexicon::parse("[x]\nterms = [\"a\"]\nweights = { a = -1.0 }\n", "t.toml").unwrap_err();
        assert!(negative.to_string().contains("positive"));
        let unknown =
            Lexicon::parse("[x]\nterms = [\"a\"]\ncolour = \"red\"\n", "t.toml").unwrap_err();
        assert!(
            unknown.to_string().contains("colour") && unknown.to_string().contains("line 3"),
            "{unknown}"
        );
        assert!(Lexicon::load("cloud-native").unwrap().themes.len() >= 9);
    }

    #[test]
    fn strengths_and_shares() {
        let mut b = CountBuilder::new();
        for (w, term, n) in [
            (0, "ai", 3),
            (0, "secur", 1),
            (0, "other", 6),
            (1, "secur", 2),
            (1, "other", 8),
        ] {
            for _ in 0..n {
                b.add(term, term, w..w + 1);
            }
        }
        let counts = b.finish(3);
        let theme = |name: &str, members: &[(&str, f64)]| Theme {
            name: name.into(),
            origin: Origin::Lexicon,
            description: None,
            members: members.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            unmatched: Vec::new(),
            top_terms: Vec::new(),
        };
        let themes = [
            theme("AI", &[("ai", 2.0)]),
            theme("security", &[("secur", 1.0)]),
        ];
        let windows = lexicon_windows(&themes, &counts, ThemeWeight::Count, false);
        assert_eq!(windows[0].strength, [600.0, 100.0]);
        assert!((windows[0].share[0] - 6.0 / 7.0).abs() < 1e-12);
        assert_eq!(windows[0].dominant(), Some(0));
        assert_eq!(windows[1].dominant(), Some(1));
        assert_eq!(
            windows[2].dominant(),
            None,
            "an empty window has no dominant theme"
        );
        assert_eq!(windows[2].share, [0.0, 0.0]);
    }

    #[test]
    fn parts_are_measured_with_the_whole_s_weights_and_add_up_to_it() {
        // Two speakers: "ai" in both windows (low IDF), "secur" in one.
        let (mut whole, mut a, mut b) = (
            CountBuilder::new(),
            CountBuilder::new(),
            CountBuilder::new(),
        );
        for (part, w, term) in [
            (0, 0, "ai"),
            (1, 0, "secur"),
            (1, 0, "other"),
            (0, 1, "ai"),
            (0, 1, "ai"),
            (1, 1, "other"),
        ] {
            whole.add(term, term, w..w + 1);
            [&mut a, &mut b][part].add(term, term, w..w + 1);
        }
        let (whole, a, b) = (whole.finish(2), a.finish(2), b.finish(2));
        let theme = |name: &str, members: &[(&str, f64)]| Theme {
            name: name.into(),
            origin: Origin::Lexicon,
            description: None,
            members: members.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
            unmatched: Vec::new(),
            top_terms: Vec::new(),
        };
        let themes = [
            theme("AI", &[("ai", 1.0)]),
            theme("security", &[("secur", 1.0)]),
        ];
        for as_of in [false, true] {
            let windows = lexicon_windows(&themes, &whole, ThemeWeight::Idf, as_of);
            let parts = lexicon_part_windows(&themes, &whole, &[&a, &b], ThemeWeight::Idf, as_of);
            for (w, window) in windows.iter().enumerate() {
                for t in 0..themes.len() {
                    let sum = parts[0][w].tokens[t] + parts[1][w].tokens[t];
                    assert!((sum - window.tokens[t]).abs() < 1e-12, "{w} {t}");
                }
                assert_eq!(
                    parts[0][w].window_tokens + parts[1][w].window_tokens,
                    window.window_tokens
                );
            }
            // The part's shares are its own: speaker b only speaks of security.
            assert_eq!(parts[1][0].share, [0.0, 1.0]);
            assert_eq!(parts[0][1].dominant(), Some(0));
        }
    }
}
