//! Phrases: "developer experience", "platform engineering", "service mesh".
//!
//! Themes people care about are often two or three words. Every run of two or
//! three content words is a *candidate*. A candidate never spans a removed word
//! other than a connector ("state *of the* art" is fine, "platform *really*
//! engineering" is not), a sentence or clause boundary, a stage direction, or a
//! segment boundary. Mining takes two passes over the text. The first ([`Miner`])
//! counts every candidate over the whole run, compactly (stem ids, no surface
//! forms, no windows), and scores them with normalised pointwise mutual
//! information; those frequent and cohesive enough, and those the user lists, are
//! kept ([`Miner::kept`]). The second, the counting pass, counts only kept phrases
//! ([`Candidates`] with a [`KeptPhrases`] set), per window and with their surface
//! forms like any word; the count stage then lets them claim their words (`count::claim`). Counting every
//! candidate per window with its forms, as one pass would need, costs memory in
//! proportion to the distinct n-grams times the windows: gigabytes on a corpus of
//! a few million words.
//!
//! NPMI for words `w1..wn` (gensim uses the two-word case) is
//! `ln(p(w1..wn) / (p(w1)···p(wn))) / ((n−1)·(−ln p(w1..wn)))`: 1 when the words
//! only ever occur together, 0 when they are independent. Kept phrases then claim
//! their words: where "developer experience" occurs, "developer" and "experience"
//! no longer count on their own (counts are adjusted per window), as gensim's
//! `Phraser` would have merged the tokens.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::{Analyzer, CONNECTOR_WORDS, Event, TokenStats};

/// Whether phrases are mined.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
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
#[derive(Debug, Clone, Default)]
struct Part {
    stem: String,
    display: String,
    /// Connectors between the previous part and this one (indices into
    /// [`CONNECTOR_WORDS`]).
    connectors: Vec<u8>,
}

/// The phrases a counting pass counts: their keys, and the first stems of those
/// keys, which let most tokens be passed over with one lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptPhrases {
    keys: FxHashSet<String>,
    first_stems: FxHashSet<String>,
}

impl KeptPhrases {
    /// The set of `keys` (stems and connectors joined by spaces).
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> KeptPhrases {
        let mut kept = KeptPhrases::default();
        for key in keys {
            let first = key.split(' ').next().unwrap_or_default();
            kept.first_stems.insert(first.to_string());
            kept.keys.insert(key.to_string());
        }
        kept
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.keys.iter().cloned().collect();
        keys.sort();
        keys
    }
}

/// Collects the kept phrases ending at each token of a segment's analyzer events.
/// Its buffers are reused from token to token: nothing is allocated on the hot
/// path once they have grown.
#[derive(Debug, Default)]
pub struct Candidates {
    /// The last three content words, oldest first: `parts[..len]`.
    parts: [Part; 3],
    len: usize,
    pending: Vec<u8>,
    key: String,
    surface: String,
}

impl Candidates {
    /// Starts a new segment: nothing carries over.
    pub fn reset(&mut self) {
        self.len = 0;
        self.pending.clear();
    }

    /// Feeds an analyzer event. `emit(key, surface, components)` receives every
    /// phrase of `kept` ending at this token.
    pub fn event(
        &mut self,
        event: &Event<'_>,
        kept: &KeptPhrases,
        mut emit: impl FnMut(&str, &str, &[&str]),
    ) {
        match event {
            Event::Token(token) => {
                if self.len == 3 {
                    self.parts.rotate_left(1);
                    self.len = 2;
                }
                let part = &mut self.parts[self.len];
                part.stem.clear();
                part.stem.push_str(&token.term);
                part.display.clear();
                part.display.push_str(&token.display);
                part.connectors.clear();
                part.connectors.append(&mut self.pending);
                self.len += 1;
                for n in 2..=self.len {
                    let parts = &self.parts[self.len - n..self.len];
                    if !kept.first_stems.contains(parts[0].stem.as_str()) {
                        continue;
                    }
                    self.key.clear();
                    join(parts, |p| &p.stem, &mut self.key);
                    if !kept.keys.contains(self.key.as_str()) {
                        continue;
                    }
                    self.surface.clear();
                    join(parts, |p| &p.display, &mut self.surface);
                    let components: Vec<&str> = parts.iter().map(|p| p.stem.as_str()).collect();
                    emit(&self.key, &self.surface, &components);
                }
            }
            Event::Dropped {
                connector: Some(word),
            } if self.len > 0 => {
                self.pending.push(connector_index(word));
                if self.pending.len() > MAX_CONNECTORS {
                    self.reset();
                }
            }
            Event::Dropped { .. } | Event::Break => self.reset(),
        }
    }
}

/// Writes parts as a phrase: `word(part)`, with each part's connectors before it.
fn join(parts: &[Part], word: impl Fn(&Part) -> &str, out: &mut String) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            for &c in &part.connectors {
                out.push(' ');
                out.push_str(CONNECTOR_WORDS[c as usize]);
            }
            out.push(' ');
        }
        out.push_str(word(part));
    }
}

fn connector_index(word: &str) -> u8 {
    CONNECTOR_WORDS
        .iter()
        .position(|c| *c == word)
        .expect("connectors come from CONNECTOR_WORDS") as u8
}

/// A candidate while mining: its stems (ids in the miner's vocabulary) and
/// connectors (`CONNECTOR_BASE + index`), padded with `NONE`.
type CandidateKey = [u32; 7];

const NONE: u32 = u32::MAX;
const CONNECTOR_BASE: u32 = u32::MAX - 64;

/// The first pass of phrase mining: counts of every candidate over the run and
/// of every word, compactly. One per worker; miners merge by adding counts.
#[derive(Debug, Default)]
pub struct Miner {
    ids: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
    totals: Vec<u64>,
    tokens: u64,
    candidates: FxHashMap<CandidateKey, u64>,
    /// The current run of content words: each one's id and the connectors
    /// before it.
    parts: Vec<(u32, Vec<u8>)>,
    pending: Vec<u8>,
}

impl Miner {
    /// An empty miner.
    pub fn new() -> Self {
        Miner::default()
    }

    fn intern(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.ids.get(stem) {
            return id;
        }
        let id = self.stems.len() as u32;
        assert!(id < CONNECTOR_BASE, "fewer than 2^32 - 64 distinct stems");
        self.stems.push(stem.into());
        self.ids.insert(stem.into(), id);
        self.totals.push(0);
        id
    }

    /// Feeds an analyzer event.
    pub fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Token(token) => {
                let id = self.intern(&token.term);
                self.totals[id as usize] += 1;
                self.tokens += 1;
                if self.parts.len() == 3 {
                    let (_, mut connectors) = self.parts.remove(0);
                    connectors.clear();
                    self.parts.push((id, connectors));
                } else {
                    self.parts.push((id, Vec::new()));
                }
                let last = self.parts.len() - 1;
                std::mem::swap(&mut self.parts[last].1, &mut self.pending);
                self.pending.clear();
                for n in 2..=self.parts.len() {
                    let mut key = [NONE; 7];
                    let mut at = 0;
                    for (i, (id, connectors)) in
                        self.parts[self.parts.len() - n..].iter().enumerate()
                    {
                        if i > 0 {
                            for &c in connectors {
                                key[at] = CONNECTOR_BASE + u32::from(c);
                                at += 1;
                            }
                        }
                        key[at] = *id;
                        at += 1;
                    }
                    *self.candidates.entry(key).or_default() += 1;
                }
            }
            Event::Dropped {
                connector: Some(word),
            } if !self.parts.is_empty() => {
                self.pending.push(connector_index(word));
                if self.pending.len() > MAX_CONNECTORS {
                    self.reset();
                }
            }
            Event::Dropped { .. } | Event::Break => self.reset(),
        }
    }

    /// Ends a segment: no candidate crosses it.
    pub fn reset(&mut self) {
        self.parts.clear();
        self.pending.clear();
    }

    /// Adds another miner's counts into this one.
    pub fn merge(&mut self, other: Miner) {
        let remap: Vec<u32> = other.stems.iter().map(|s| self.intern(s)).collect();
        for (id, total) in other.totals.iter().enumerate() {
            self.totals[remap[id] as usize] += total;
        }
        self.tokens += other.tokens;
        self.candidates.reserve(other.candidates.len());
        for (mut key, n) in other.candidates {
            for part in key.iter_mut().filter(|p| **p < CONNECTOR_BASE) {
                *part = remap[*part as usize];
            }
            *self.candidates.entry(key).or_default() += n;
        }
    }

    /// Distinct candidates counted.
    pub fn candidates(&self) -> usize {
        self.candidates.len()
    }

    /// Tokens, each word's count and each candidate's count, by text: the
    /// portable form of a miner (a shard of candidates).
    pub fn to_counts(&self) -> (u64, BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let words = self
            .stems
            .iter()
            .zip(&self.totals)
            .map(|(stem, &n)| (stem.to_string(), n))
            .collect();
        let candidates = self
            .candidates
            .iter()
            .map(|(key, &n)| (self.key_file_text(key), n))
            .collect();
        (self.tokens, words, candidates)
    }

    /// A candidate as [`Miner::to_counts`] writes it: its parts joined by spaces,
    /// connectors marked with a leading `~`. A connector word that is no stop word
    /// ("without" in English) can be a content word too, so the plain key would
    /// not say which it is; no stem starts with `~`.
    fn key_file_text(&self, key: &CandidateKey) -> String {
        self.joined(key, "~")
    }

    /// A miner holding the counts of [`Miner::to_counts`].
    pub fn from_counts(
        tokens: u64,
        words: BTreeMap<String, u64>,
        candidates: BTreeMap<String, u64>,
    ) -> Miner {
        let mut miner = Miner::new();
        for (stem, n) in &words {
            let id = miner.intern(stem);
            miner.totals[id as usize] += n;
        }
        miner.tokens = tokens;
        for (text, n) in candidates {
            let mut key = [NONE; 7];
            for (at, part) in text.split(' ').take(7).enumerate() {
                key[at] = match part
                    .strip_prefix('~')
                    .and_then(|c| CONNECTOR_WORDS.iter().position(|w| *w == c))
                {
                    Some(c) => CONNECTOR_BASE + c as u32,
                    None => miner.intern(part),
                };
            }
            *miner.candidates.entry(key).or_default() += n;
        }
        miner
    }

    /// A candidate as a phrase: its parts joined by spaces, connectors plain.
    fn key_text(&self, key: &CandidateKey) -> String {
        self.joined(key, "")
    }

    /// The parts of `key` joined by spaces, each connector after `connector_mark`.
    fn joined(&self, key: &CandidateKey, connector_mark: &str) -> String {
        let mut text = String::new();
        for &part in key.iter().take_while(|&&p| p != NONE) {
            if !text.is_empty() {
                text.push(' ');
            }
            if part >= CONNECTOR_BASE {
                text.push_str(connector_mark);
                text.push_str(CONNECTOR_WORDS[(part - CONNECTOR_BASE) as usize]);
            } else {
                text.push_str(&self.stems[part as usize]);
            }
        }
        text
    }

    /// The keys of the candidates that are phrases: seen at least
    /// `options.min_count` times with NPMI at least `options.threshold` (in mode
    /// `auto`), and every listed phrase. Sorted.
    pub fn kept(&self, options: &PhraseOptions) -> Vec<String> {
        let mut kept: Vec<String> = options.listed.clone();
        if options.mode == PhraseMode::Auto {
            kept.extend(
                self.candidates
                    .iter()
                    .filter(|&(_, &n)| n >= options.min_count)
                    .filter(|(key, n)| {
                        let words: Vec<u64> = key
                            .iter()
                            .filter(|&&p| p < CONNECTOR_BASE)
                            .map(|&p| self.totals[p as usize])
                            .collect();
                        npmi(**n, &words, self.tokens) >= options.threshold
                    })
                    .map(|(key, _)| self.key_text(key)),
            );
        }
        kept.sort();
        kept.dedup();
        kept
    }
}

/// The stems of a listed phrase, as the analyzer and stemmer would make them
/// (connectors kept), joined by spaces: the key its candidates are counted under.
pub fn phrase_key(analyzer: &Analyzer, phrase: &str) -> Option<String> {
    let mut key: Vec<String> = Vec::new();
    let mut stats = TokenStats::default();
    analyzer.analyze(phrase, &mut stats, |event| match event {
        Event::Token(token) => key.push(token.term.clone()),
        Event::Dropped {
            connector: Some(word),
        } if !key.is_empty() => key.push(word.to_string()),
        _ => {}
    });
    while key
        .last()
        .is_some_and(|w| CONNECTOR_WORDS.contains(&w.as_str()))
    {
        key.pop();
    }
    (key.len() >= 2).then(|| key.join(" "))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stem::Language;
    use crate::tokenize::AnalyzerOptions;

    fn english() -> Analyzer {
        Analyzer::for_language(&AnalyzerOptions::default(), Language::English).unwrap()
    }

    /// Every candidate of `text`, in order: mined (pass one) with no thresholds,
    /// then collected (pass two) with all of them kept.
    fn candidates(text: &str) -> Vec<(String, String)> {
        let analyzer = english();
        let mut miner = Miner::new();
        analyzer.analyze(text, &mut TokenStats::default(), |event| {
            miner.event(&event);
        });
        let everything = PhraseOptions {
            min_count: 1,
            threshold: -1.0,
            ..PhraseOptions::default()
        };
        let keys = miner.kept(&everything);
        let kept = KeptPhrases::new(keys.iter().map(String::as_str));
        let mut collector = Candidates::default();
        let mut found = Vec::new();
        analyzer.analyze(text, &mut TokenStats::default(), |event| {
            collector.event(&event, &kept, |key, surface, _| {
                found.push((key.to_string(), surface.to_string()))
            });
        });
        assert_eq!(
            kept.len(),
            miner.candidates(),
            "every candidate is found again"
        );
        found
    }

    #[test]
    fn the_miner_keeps_frequent_cohesive_candidates_and_listed_ones() {
        let analyzer = english();
        let text = "service mesh here. service mesh there. service mesh everywhere. \
                    cloud security. cloud tools. security tools.";
        let mine = |text: &str| {
            let mut miner = Miner::new();
            analyzer.analyze(text, &mut TokenStats::default(), |event| {
                miner.event(&event);
            });
            miner
        };
        let options = PhraseOptions {
            listed: vec!["cloud tool".into()],
            ..PhraseOptions::default()
        };
        assert_eq!(mine(text).kept(&options), ["cloud tool", "servic mesh"]);
        // Through the portable form and back, nothing changes, even for a
        // connector word that is a content word here ("without" is no stop word).
        let tricky =
            mine("alpha without beta. alpha without beta. alpha without beta. cloud of tools.");
        let (tokens, words, candidates) = tricky.to_counts();
        assert!(
            candidates.contains_key("alpha without beta")
                && candidates.contains_key("cloud ~of tool")
        );
        let back = Miner::from_counts(tokens, words, candidates);
        let everything = PhraseOptions {
            min_count: 1,
            threshold: -1.0,
            ..PhraseOptions::default()
        };
        assert_eq!(back.kept(&everything), tricky.kept(&everything));
        assert_eq!(back.to_counts(), tricky.to_counts());
        // Two halves mined apart and merged keep what the whole keeps.
        let (a, b) = text.split_at(text.find("cloud").unwrap());
        let mut merged = mine(a);
        merged.merge(mine(b));
        assert_eq!(merged.kept(&options), mine(text).kept(&options));
        assert_eq!(merged.candidates(), mine(text).candidates());
        let listed_only = PhraseOptions {
            mode: PhraseMode::Listed,
            ..options
        };
        assert_eq!(mine(text).kept(&listed_only), ["cloud tool"]);
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
    fn listed_phrase_keys_follow_the_analyzer() {
        let analyzer = english();
        assert_eq!(
            phrase_key(&analyzer, "Developer Experience").as_deref(),
            Some("develop experi")
        );
        assert_eq!(
            phrase_key(&analyzer, "state of the art").as_deref(),
            Some("state of the art")
        );
        assert_eq!(phrase_key(&analyzer, "security").as_deref(), None);
    }
}
