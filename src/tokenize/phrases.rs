//! Phrases: "developer experience", "platform engineering", "service mesh".
//!
//! Themes people care about are often two or three words. Phrases are mined in the
//! counting pass itself: every run of two or three content words becomes a
//! *candidate* term, counted per window like any word ([`Candidates`]). A candidate
//! never spans a removed word other than a connector ("state *of the* art" is
//! fine, "platform *really* engineering" is not), a sentence or clause boundary, a
//! stage direction, or a segment boundary. After counting, candidates are scored
//! with normalised pointwise mutual information over the whole run and kept when
//! frequent and cohesive enough, or always when the user lists them ([`select`]).
//!
//! NPMI for words `w1..wn` (gensim uses the two-word case) is
//! `ln(p(w1..wn) / (p(w1)···p(wn))) / ((n−1)·(−ln p(w1..wn)))`: 1 when the words
//! only ever occur together, 0 when they are independent. Kept phrases then claim
//! their words: where "developer experience" occurs, "developer" and "experience"
//! no longer count on their own (counts are adjusted per window), as gensim's
//! `Phraser` would have merged the tokens.

use serde::Serialize;

use super::{Analyzer, Event, TokenStats};
use crate::count::{CountBuilder, Counts, TermId};
use crate::stem::StemCache;

/// Whether phrases are mined.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum PhraseMode {
    /// Mine collocations (and count the listed phrases).
    #[default]
    Auto,
    /// Only the listed phrases.
    Listed,
    /// No phrases at all.
    Off,
}

/// Options of phrase mining.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhraseOptions {
    /// Mining mode.
    pub mode: PhraseMode,
    /// Fewest occurrences in the run for a mined phrase.
    pub min_count: u64,
    /// Lowest NPMI for a mined phrase.
    pub threshold: f64,
    /// Phrases that always count (their stems, joined by spaces).
    #[serde(skip)]
    pub listed: Vec<String>,
}

impl Default for PhraseOptions {
    fn default() -> Self {
        PhraseOptions {
            mode: PhraseMode::Auto,
            min_count: 3,
            threshold: 0.5,
            listed: Vec::new(),
        }
    }
}

/// The most connectors between two content words of a phrase ("state of the art").
const MAX_CONNECTORS: usize = 2;

/// A content word seen in the current run.
#[derive(Debug, Clone)]
struct Part {
    stem: String,
    display: String,
    /// Connectors between the previous part and this one.
    connectors: Vec<String>,
}

/// Collects phrase candidates from one segment's analyzer events.
#[derive(Debug, Default)]
pub struct Candidates {
    parts: Vec<Part>,
    pending: Vec<String>,
}

impl Candidates {
    /// Starts a new segment: nothing carries over.
    pub fn reset(&mut self) {
        self.parts.clear();
        self.pending.clear();
    }

    /// Feeds an analyzer event; `stem` is the token's term, and `emit(key,
    /// surface, components)` receives every candidate ending at this token.
    pub fn event(
        &mut self,
        event: &Event<'_>,
        stem: Option<&str>,
        mut emit: impl FnMut(&str, &str, &[&str]),
    ) {
        match event {
            Event::Token(token) => {
                let stem = stem.unwrap_or(&token.text);
                self.parts.push(Part {
                    stem: stem.to_string(),
                    display: token.display.clone(),
                    connectors: std::mem::take(&mut self.pending),
                });
                if self.parts.len() > 3 {
                    self.parts.remove(0);
                }
                for n in 2..=self.parts.len() {
                    let parts = &self.parts[self.parts.len() - n..];
                    let (mut key, mut surface) = (String::new(), String::new());
                    for (i, part) in parts.iter().enumerate() {
                        if i > 0 {
                            for connector in &part.connectors {
                                key.push(' ');
                                key.push_str(connector);
                                surface.push(' ');
                                surface.push_str(connector);
                            }
                            key.push(' ');
                            surface.push(' ');
                        }
                        key.push_str(&part.stem);
                        surface.push_str(&part.display);
                    }
                    let components: Vec<&str> = parts.iter().map(|p| p.stem.as_str()).collect();
                    emit(&key, &surface, &components);
                }
            }
            Event::Dropped {
                connector: Some(word),
            } if !self.parts.is_empty() => {
                self.pending.push(word.to_string());
                if self.pending.len() > MAX_CONNECTORS {
                    self.reset();
                }
            }
            Event::Dropped { .. } | Event::Break => self.reset(),
        }
    }
}

/// The stems of a listed phrase, as the analyzer and stemmer would make them
/// (connectors kept), joined by spaces: the key its candidates are counted under.
pub fn phrase_key(analyzer: &Analyzer, stems: &mut StemCache, phrase: &str) -> Option<String> {
    let mut key: Vec<String> = Vec::new();
    let mut stats = TokenStats::default();
    analyzer.analyze(phrase, &mut stats, |event| match event {
        Event::Token(token) => key.push(if token.protected {
            token.text.clone()
        } else {
            stems.stem(&token.text).to_string()
        }),
        Event::Dropped {
            connector: Some(word),
        } if !key.is_empty() => key.push(word.to_string()),
        _ => {}
    });
    while key
        .last()
        .is_some_and(|w| super::CONNECTOR_WORDS.contains(&w.as_str()))
    {
        key.pop();
    }
    (key.len() >= 2).then(|| key.join(" "))
}

/// A phrase kept by [`select`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phrase {
    /// The phrase's term (stems and connectors).
    pub term: String,
    /// How people read it.
    pub label: String,
    /// Occurrences in the run (before longer phrases claimed any).
    pub count: u64,
    /// Its NPMI.
    pub npmi: f64,
    /// Whether the user listed it.
    pub listed: bool,
}

/// Normalised PMI of a candidate seen `count` times whose words were seen
/// `word_counts` times, among `total` tokens.
pub fn npmi(count: u64, word_counts: &[u64], total: u64) -> f64 {
    let n = word_counts.len();
    if count == 0 || total == 0 || n < 2 || word_counts.contains(&0) {
        return -1.0;
    }
    let p = count as f64 / total as f64;
    let independent: f64 = word_counts
        .iter()
        .map(|&c| c as f64 / total as f64)
        .product();
    if p >= 1.0 {
        return 1.0;
    }
    (p / independent).ln() / ((n - 1) as f64 * -p.ln())
}

/// Keeps the candidates that are phrases and drops the rest; kept phrases claim
/// their words' occurrences, longer phrases first. Returns the adjusted counts and
/// the phrases kept, best first.
pub fn select(counts: Counts, options: &PhraseOptions) -> (Counts, Vec<Phrase>) {
    let total: u64 = counts
        .terms
        .iter()
        .filter(|t| !t.is_phrase())
        .map(|t| t.total)
        .sum();
    let mut keep = vec![true; counts.terms.len()];
    let mut kept: Vec<(TermId, Phrase)> = Vec::new();
    for (id, info) in counts.terms.iter().enumerate() {
        if !info.is_phrase() {
            continue;
        }
        let word_counts: Vec<u64> = info
            .components
            .iter()
            .map(|c| counts.find(c).map_or(0, |w| counts.terms[w as usize].total))
            .collect();
        let score = npmi(info.total, &word_counts, total);
        let listed = options.listed.contains(&info.term);
        let mined = options.mode == PhraseMode::Auto
            && info.total >= options.min_count
            && score >= options.threshold;
        if listed || mined {
            kept.push((
                id as TermId,
                Phrase {
                    term: info.term.clone(),
                    label: counts.label(id as TermId),
                    count: info.total,
                    npmi: score,
                    listed,
                },
            ));
        } else {
            keep[id] = false;
        }
    }

    // Longer phrases claim first: a kept "open telemetry collector" takes its
    // occurrences from "open telemetry" and from the three words.
    let mut builder = CountBuilder::from(counts.clone());
    let windows = counts.windows.len();
    let mut by_length: Vec<&(TermId, Phrase)> = kept.iter().collect();
    by_length.sort_by_key(|(id, _)| std::cmp::Reverse(counts.terms[*id as usize].components.len()));
    let mut claimed = counts.clone();
    for &(id, _) in &by_length {
        let components = &counts.terms[*id as usize].components;
        for w in 0..windows {
            let Some(n) = count_in(&claimed.windows[w].terms, *id) else {
                continue;
            };
            // Shorter kept phrases inside this one, and its words.
            for (other, _) in &kept {
                let inner = &counts.terms[*other as usize].components;
                if *other != *id && inner.len() < components.len() && contains(components, inner) {
                    builder.subtract(w, *other, n);
                    subtract_in(&mut claimed.windows[w].terms, *other, n);
                }
            }
            for component in components {
                if let Some(word) = counts.find(component) {
                    builder.subtract(w, word, n);
                    subtract_in(&mut claimed.windows[w].terms, word, n);
                }
            }
        }
    }
    let adjusted = builder.finish(windows);
    let keep_ids: Vec<bool> = adjusted
        .terms
        .iter()
        .map(|t| counts.find(&t.term).is_none_or(|old| keep[old as usize]))
        .collect();
    let mut phrases: Vec<Phrase> = kept.into_iter().map(|(_, p)| p).collect();
    phrases.sort_by(|a, b| b.count.cmp(&a.count).then(a.term.cmp(&b.term)));
    (adjusted.retain(&keep_ids), phrases)
}

fn count_in(terms: &[(TermId, u64)], id: TermId) -> Option<u64> {
    terms
        .binary_search_by_key(&id, |&(t, _)| t)
        .ok()
        .map(|i| terms[i].1)
        .filter(|&n| n > 0)
}

fn subtract_in(terms: &mut [(TermId, u64)], id: TermId, n: u64) {
    if let Ok(i) = terms.binary_search_by_key(&id, |&(t, _)| t) {
        terms[i].1 = terms[i].1.saturating_sub(n);
    }
}

/// Whether `inner` occurs as a contiguous run in `outer`.
fn contains(outer: &[String], inner: &[String]) -> bool {
    outer.windows(inner.len()).any(|w| w == inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn candidates(text: &str) -> Vec<(String, String)> {
        let analyzer = Analyzer::from_config(&Config::default()).unwrap();
        let mut stems = StemCache::new(crate::stem::Language::English);
        let mut collector = Candidates::default();
        let mut found = Vec::new();
        analyzer.analyze(text, &mut TokenStats::default(), |event| {
            let stem = match &event {
                Event::Token(t) => Some(stems.stem(&t.text).to_string()),
                _ => None,
            };
            collector.event(&event, stem.as_deref(), |key, surface, _| {
                found.push((key.to_string(), surface.to_string()))
            });
        });
        found
    }

    #[test]
    fn candidates_are_runs_of_two_or_three_content_words() {
        let found = candidates("great developer experience matters");
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["develop experi", "experi matter", "develop experi matter"]
        );
        assert_eq!(found[0].1, "developer experience");
    }

    #[test]
    fn connectors_may_sit_inside_but_nothing_else_may_intervene() {
        let found = candidates("state of the art tools");
        assert!(
            found
                .iter()
                .any(|(k, s)| k == "state of the art" && s == "state of the art")
        );
        assert!(
            candidates("platform really engineering").is_empty(),
            "an ordinary stop word breaks"
        );
        assert!(
            candidates("service. Mesh").is_empty(),
            "a sentence end breaks"
        );
        assert!(
            candidates("service [Music] mesh").is_empty(),
            "a stage direction breaks"
        );
        assert!(candidates("cloud, native").is_empty(), "a comma breaks");
        assert!(
            candidates("art of the of the state").is_empty(),
            "too many connectors"
        );
        assert!(
            candidates("the art").is_empty(),
            "no phrase starts with a connector"
        );
    }

    #[test]
    fn npmi_is_one_for_inseparable_words_and_low_for_independent_ones() {
        assert!((npmi(5, &[5, 5], 100) - 1.0).abs() < 1e-12);
        assert!(npmi(1, &[10, 10], 100).abs() < 1e-12, "p(ab) = p(a)p(b)");
        assert!((npmi(5, &[5, 5, 5], 100) - 1.0).abs() < 1e-12);
        assert_eq!(npmi(0, &[5, 5], 100), -1.0);
    }

    #[test]
    fn selected_phrases_claim_their_words() {
        let mut b = CountBuilder::new();
        for _ in 0..4 {
            b.add("develop", "developer", 0..1);
            b.add("experi", "experience", 0..1);
            b.add_phrase(
                "develop experi",
                "developer experience",
                &["develop", "experi"],
                0..1,
            );
        }
        b.add("experi", "experience", 1..2);
        for w in ["alpha", "beta", "gamma", "delta"] {
            b.add(w, w, 1..2);
        }
        b.add_phrase("alpha beta", "alpha beta", &["alpha", "beta"], 1..2);
        let (counts, phrases) = select(b.finish(2), &PhraseOptions::default());
        assert_eq!(phrases.len(), 1);
        assert_eq!(phrases[0].label, "developer experience");
        assert!(
            counts.find("alpha beta").is_none(),
            "seen once: not a phrase"
        );
        let id = |t: &str| counts.find(t).unwrap();
        assert_eq!(counts.windows[0].terms, [(id("develop experi"), 4)]);
        assert!(counts.windows[1].terms.contains(&(id("experi"), 1)));
    }

    #[test]
    fn listed_phrases_always_count() {
        let mut b = CountBuilder::new();
        b.add("servic", "service", 0..1);
        b.add("mesh", "mesh", 0..1);
        b.add_phrase("servic mesh", "service mesh", &["servic", "mesh"], 0..1);
        let options = PhraseOptions {
            mode: PhraseMode::Listed,
            listed: vec!["servic mesh".into()],
            ..PhraseOptions::default()
        };
        let (counts, phrases) = select(b.finish(1), &options);
        assert!(phrases[0].listed);
        assert!(counts.find("servic mesh").is_some());
    }

    #[test]
    fn listed_phrase_keys_follow_the_analyzer() {
        let analyzer = Analyzer::from_config(&Config::default()).unwrap();
        let mut stems = StemCache::new(crate::stem::Language::English);
        assert_eq!(
            phrase_key(&analyzer, &mut stems, "Developer Experience").as_deref(),
            Some("develop experi")
        );
        assert_eq!(
            phrase_key(&analyzer, &mut stems, "state of the art").as_deref(),
            Some("state of the art")
        );
        assert_eq!(
            phrase_key(&analyzer, &mut stems, "security").as_deref(),
            None
        );
    }
}
