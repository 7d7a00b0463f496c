//! Text to normalised word tokens, through a chain of small filters.
//!
//! The [`Analyzer`] turns a segment's text into a stream of [`Event`]s. First it
//! cuts out bracketed stage directions (`[Music]`, counted but never terms) and
//! finds protected tokens (`C++`, `CI/CD`, `#hashtag`: see [`protected`]); the rest
//! is split into words with Unicode word boundaries (UAX #29), case-folded, with
//! the curly apostrophe written as a straight one. An alias table ([`aliases`])
//! then repairs speech-recognition spellings (`cubec con` → `KubeCon`) on the word
//! sequence, and each word passes through a chain of [`TokenFilter`]s, each with
//! one job: strip a possessive, drop a stop word, drop a number, drop a token that
//! is too short. The design follows tantivy's `TextAnalyzer`: filters are
//! independent, their order is explicit, and adding one does not touch the others.
//!
//! Besides kept tokens, the stream reports dropped words (saying whether each is a
//! connector such as "of" that may sit inside a phrase) and breaks (sentence or
//! clause punctuation, stage directions) that no phrase may cross; the phrase miner
//! ([`phrases`]) reads those. Every word is accounted for: it is either kept or
//! counted under the reason it was dropped.

pub mod aliases;
mod error;
pub mod passages;
pub mod phrases;
pub mod protected;
mod stopwords;
pub mod word_classes;
pub mod words;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::stem::{Language, StemCaches};
pub use aliases::Aliases;
pub use error::TokenizeError;
pub use protected::Protected;
pub use stopwords::StopWords;

/// One word on its way through the filter chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Token {
    /// The normalised text (case-folded); filters rewrite it in place.
    pub text: String,
    /// The word as written, case kept (the canonical form for an alias repair);
    /// filters that change `text` change it alike.
    pub display: String,
    /// Byte offset of the word in the analysed text, used to place it in time.
    pub offset: usize,
    /// A protected token: kept whole, never stemmed.
    pub protected: bool,
    /// The term it counts under: its stem ([`StemFilter`]), or its text when it
    /// is protected or no stemmer is in the chain.
    pub term: String,
}

/// What the analyzer reports, in text order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A token that survived the chain.
    Token(&'a Token),
    /// A word that was dropped. `connector` is its text when it is one of the
    /// words a phrase may contain ("state *of the* art").
    Dropped {
        /// The connector word, if the dropped word is one (one of
        /// [`CONNECTOR_WORDS`]).
        connector: Option<&'static str>,
    },
    /// A boundary no phrase may cross: sentence or clause punctuation, a stage
    /// direction, the end of the text.
    Break,
}

/// Words a phrase may contain between its content words, as in gensim's
/// `ENGLISH_CONNECTOR_WORDS`. A phrase never starts or ends with one.
pub const CONNECTOR_WORDS: &[&str] = &[
    "a", "an", "the", "for", "of", "with", "without", "at", "from", "to", "in", "on", "by", "and",
    "or",
];

/// Punctuation that ends a phrase: sentence and clause boundaries and brackets.
fn is_break(gap: &str) -> bool {
    // Most gaps between words are a single space.
    if gap == " " {
        return false;
    }
    if gap.is_ascii() {
        return gap.bytes().any(|b| {
            matches!(
                b,
                b'.' | b'!' | b'?' | b';' | b':' | b',' | b'(' | b')' | b'"' | b'\n'
            )
        });
    }
    gap.contains([
        '.', '!', '?', ';', ':', ',', '(', ')', '"', '\u{201C}', '\u{201D}', '\n', '…', '—', '–',
    ])
}

/// Why a filter removed a token.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// In a stop-word list.
    StopWord,
    /// Only digits and separators.
    Number,
    /// Shorter than the minimum token length.
    TooShort,
    /// In a passage that many documents of the collection repeat word for word
    /// (see [`passages`]).
    Boilerplate,
    /// A web or e-mail address: an address, not a word of the text (one per
    /// address).
    Address,
}

impl DropReason {
    /// How many reasons there are.
    pub const COUNT: usize = 5;
    /// Every reason, in `as usize` order.
    pub const ALL: [DropReason; DropReason::COUNT] = [
        DropReason::StopWord,
        DropReason::Number,
        DropReason::TooShort,
        DropReason::Boilerplate,
        DropReason::Address,
    ];
}

/// One step of the analysis chain.
pub trait TokenFilter: Send + Sync + fmt::Debug {
    /// Rewrites the token in place, or returns why it must be dropped.
    fn apply(&self, token: &mut Token) -> Result<(), DropReason>;
}

/// Sets each token's term to the Snowball stem of its text.
///
/// The last filter of a run's chain. Stems are cached per thread and language:
/// a corpus has far fewer distinct words than tokens.
#[derive(Debug, Clone, Copy)]
pub struct StemFilter {
    language: Language,
}

impl StemFilter {
    /// A stemmer for `language`.
    pub fn new(language: Language) -> Self {
        StemFilter { language }
    }
}

thread_local! {
    static STEMS: std::cell::RefCell<StemCaches> = std::cell::RefCell::new(StemCaches::default());
}

impl TokenFilter for StemFilter {
    fn apply(&self, token: &mut Token) -> Result<(), DropReason> {
        STEMS.with(|caches| {
            let mut caches = caches.borrow_mut();
            token.term.clear();
            token
                .term
                .push_str(caches.get(self.language).stem(&token.text));
        });
        Ok(())
    }
}

/// Removes the possessive `'s` (and a bare trailing `'`): `kubernetes's` → `kubernetes`.
///
/// It runs before the stop-word filter, so contractions such as `it's` or `that's`
/// reduce to `it` and `that`, which the stop list removes.
#[derive(Debug, Clone, Copy, Default)]
pub struct PossessiveFilter;

impl TokenFilter for PossessiveFilter {
    fn apply(&self, token: &mut Token) -> Result<(), DropReason> {
        let cut = if token.text.ends_with("'s") {
            2
        } else if token.text.ends_with('\'') {
            1
        } else {
            0
        };
        if token.text.len() > cut {
            PossessiveFilter::cut(token, cut);
        }
        Ok(())
    }
}

impl PossessiveFilter {
    /// Cuts `cut` bytes (a possessive) from the token's text and display.
    fn cut(token: &mut Token, cut: usize) {
        if cut == 0 {
            return;
        }
        token.text.truncate(token.text.len() - cut);
        // `display` holds the same word with its case: the suffix is as long there.
        let display_cut = token.display.len().saturating_sub(cut);
        if token.display.is_char_boundary(display_cut) {
            token.display.truncate(display_cut);
        }
    }
}

/// Drops words found in a stop-word list.
#[derive(Debug, Clone)]
pub struct StopWordFilter {
    words: Arc<StopWords>,
}

impl StopWordFilter {
    /// A filter over the given list.
    pub fn new(words: Arc<StopWords>) -> Self {
        StopWordFilter { words }
    }
}

impl TokenFilter for StopWordFilter {
    fn apply(&self, token: &mut Token) -> Result<(), DropReason> {
        if self.words.contains(&token.text) {
            Err(DropReason::StopWord)
        } else {
            Ok(())
        }
    }
}

/// Drops numbers: tokens with no letter in them (`2024`, `12,000`, `3.5`), and
/// numbers with an ordinal or one-letter suffix (`1st`, `92nd`, `93d`, `4m`,
/// `8.5m`, `90s`). A word after the digits (`3rdparty`, `2fa`) or letters first
/// (`k8s`, `mp3`) make a term.
#[derive(Debug, Clone, Copy, Default)]
pub struct NumberFilter;

impl TokenFilter for NumberFilter {
    fn apply(&self, token: &mut Token) -> Result<(), DropReason> {
        let text = token.text.as_str();
        let starts_with_digit = text.starts_with(|c: char| c.is_ascii_digit());
        let numeric_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '\''))
            .unwrap_or(text.len());
        let suffix = &text[numeric_end..];
        let short_suffix = matches!(suffix, "st" | "nd" | "rd" | "th")
            || (suffix.chars().count() <= 1 && suffix.chars().all(char::is_alphabetic));
        if (starts_with_digit && short_suffix) || !text.chars().any(char::is_alphabetic) {
            Err(DropReason::Number)
        } else {
            Ok(())
        }
    }
}

/// Drops tokens shorter than a number of characters (not bytes).
#[derive(Debug, Clone, Copy)]
pub struct MinLengthFilter {
    /// The shortest length kept.
    pub min_chars: usize,
}

impl TokenFilter for MinLengthFilter {
    fn apply(&self, token: &mut Token) -> Result<(), DropReason> {
        // Counting stops early: only short tokens are ever fully counted.
        if token.text.chars().take(self.min_chars).count() < self.min_chars {
            Err(DropReason::TooShort)
        } else {
            Ok(())
        }
    }
}

/// What the analyzer saw, merged across segments and threads.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct TokenStats {
    /// Words found by segmentation, before any filter.
    pub words: u64,
    /// Words that came out of the chain as tokens.
    pub kept: u64,
    /// Words dropped, by reason.
    pub dropped: BTreeMap<DropReason, u64>,
    /// Drops counted on the hot path, by `DropReason as usize`; folded into
    /// `dropped` by [`TokenStats::settle`] (a map entry per word costs more than
    /// the rest of a stop word's handling).
    #[serde(skip)]
    dropped_fast: [u64; DropReason::COUNT],
    /// Bracketed stage directions, by case-folded name (`music`, `laughter`).
    pub stage_directions: BTreeMap<String, u64>,
    /// Alias repairs: canonical form → variant → count.
    pub repairs: BTreeMap<String, BTreeMap<String, u64>>,
    /// Protected tokens kept whole.
    pub protected: u64,
}

impl TokenStats {
    /// Folds the hot-path drop counters into `dropped`.
    pub fn settle(&mut self) {
        for (i, n) in std::mem::take(&mut self.dropped_fast)
            .into_iter()
            .enumerate()
        {
            if n > 0 {
                *self.dropped.entry(DropReason::ALL[i]).or_default() += n;
            }
        }
    }

    /// Counts `words` words dropped for `reason` outside the filter chain (a
    /// boilerplate passage's): they are words, and dropped.
    pub fn drop_words(&mut self, reason: DropReason, words: u64) {
        self.words += words;
        self.dropped_fast[reason as usize] += words;
    }

    /// Adds another tally into this one.
    pub fn merge(&mut self, other: &TokenStats) {
        self.settle();
        let mut other = other.clone();
        other.settle();
        let other = &other;
        self.words += other.words;
        self.kept += other.kept;
        for (reason, n) in &other.dropped {
            *self.dropped.entry(*reason).or_default() += n;
        }
        for (name, n) in &other.stage_directions {
            *self.stage_directions.entry(name.clone()).or_default() += n;
        }
        for (canonical, variants) in &other.repairs {
            let mine = self.repairs.entry(canonical.clone()).or_default();
            for (variant, n) in variants {
                *mine.entry(variant.clone()).or_default() += n;
            }
        }
        self.protected += other.protected;
    }
}

/// The options of a run's analysis chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzerOptions {
    /// Keep tokens made only of digits and separators (`2024`, `12,000`).
    pub keep_numbers: bool,
    /// Shortest token kept, in characters.
    pub min_token_len: usize,
    /// Stop-word files that replace the built-in lists (empty: the built-in lists).
    pub stopwords: Vec<std::path::PathBuf>,
    /// Stop-word files added to whichever lists are in use.
    pub add_stopwords: Vec<std::path::PathBuf>,
    /// Alias tables: TOML files, or built-in names such as `cloud-native`.
    pub aliases: Vec<String>,
    /// Extra protected-token patterns (regular expressions).
    pub protect: Vec<String>,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions {
            keep_numbers: false,
            min_token_len: 2,
            stopwords: Vec::new(),
            add_stopwords: Vec::new(),
            aliases: Vec::new(),
            protect: Vec::new(),
        }
    }
}

/// Splits text into words and runs each through the filter chain.
#[derive(Debug)]
pub struct Analyzer {
    filters: Vec<Box<dyn TokenFilter>>,
    aliases: Option<Aliases>,
    protected: Option<Protected>,
    /// This analyzer among the process's, for its per-thread word cache.
    id: usize,
    /// Whether every filter of the chain depends on the token's text alone (the
    /// chains [`Analyzer::for_language`] builds), so that the outcome of a word
    /// can be cached per distinct word.
    pure: bool,
}

/// What the filter chain does to a word, cached per distinct case-folded word.
#[derive(Debug, Clone)]
enum Fate {
    /// Dropped, and whether it is a connector.
    Dropped(DropReason, Option<&'static str>),
    /// Kept: bytes the possessive filter cut from its end, and its term.
    Kept { cut: u8, term: Box<str> },
}

/// One analyzer's word cache on one thread: case-folded word → its fate.
type Fates = rustc_hash::FxHashMap<Box<str>, Fate>;

/// Distinct words a thread caches per analyzer; past it the cache starts afresh,
/// so its memory is bounded whatever the vocabulary.
const MAX_FATES: usize = 1 << 20;

static ANALYZERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A word found in the text, before filtering.
#[derive(Debug, Clone)]
struct Word {
    /// Byte range in the analysed text.
    start: usize,
    end: usize,
    /// Its case-folded form: a range of [`Scratch::folded`].
    folded: std::ops::Range<usize>,
    protected: bool,
}

/// Buffers the analyzer reuses from text to text (one per thread), so that
/// analysing a segment allocates nothing once they have grown.
#[derive(Debug, Default)]
struct Scratch {
    /// The pieces between stage directions: byte ranges of the text.
    pieces: Vec<std::ops::Range<usize>>,
    /// The words of the current piece.
    words: Vec<Word>,
    /// The words case-folded, each padded with a space on either side: the
    /// haystack the alias automaton searches, as well as each word's folded form.
    folded: String,
    /// Where each word's padding starts in `folded`.
    starts: Vec<usize>,
    /// Alias repairs of the current piece: (first word, words, replacement).
    repairs: Vec<(usize, usize, usize)>,
    /// The token handed to the callback, its strings kept from text to text.
    token: Token,
    /// The word caches of the analyzers this thread used, by analyzer id.
    fates: Vec<(usize, Fates)>,
}

impl Scratch {
    fn push(&mut self, start: usize, original: &str, protected: bool) {
        self.starts.push(self.folded.len());
        self.folded.push(' ');
        let from = self.folded.len();
        fold_into(original, &mut self.folded);
        let to = self.folded.len();
        self.folded.push(' ');
        self.words.push(Word {
            start,
            end: start + original.len(),
            folded: from..to,
            protected,
        });
    }

    fn folded(&self, i: usize) -> &str {
        &self.folded[self.words[i].folded.clone()]
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Frees this thread's word and stem caches and scratch buffers. They only spare
/// work (a word's fate and stem are found again when it comes back), but they
/// live as long as the thread: a pipeline calls this on its workers once the
/// text has been read for the last time, so that the stages after counting do
/// not carry up to 2^20 cached words per thread and language.
pub fn release_caches() {
    SCRATCH.with(|scratch| *scratch.borrow_mut() = Scratch::default());
    STEMS.with(|stems| *stems.borrow_mut() = StemCaches::default());
}

impl Analyzer {
    /// An analyzer with no filters, aliases or protected tokens: words are only
    /// segmented, case-folded and have their apostrophes unified.
    pub fn new() -> Self {
        Analyzer {
            filters: Vec::new(),
            aliases: None,
            protected: None,
            id: ANALYZERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            pure: false,
        }
    }

    /// Appends a filter to the chain.
    pub fn with_filter(mut self, filter: impl TokenFilter + 'static) -> Self {
        self.filters.push(Box::new(filter));
        // A filter of unknown kind may read more than the text: no word cache.
        self.pure = false;
        self
    }

    /// Repairs spellings with an alias table before filtering.
    pub fn with_aliases(mut self, aliases: Aliases) -> Self {
        self.aliases = Some(aliases);
        self
    }

    /// Keeps matches of these patterns whole.
    pub fn with_protected(mut self, protected: Protected) -> Self {
        self.protected = Some(protected);
        self
    }

    /// The chain `options` describe for `language`: protected tokens, aliases,
    /// then possessives, stop words, numbers, length and the stemmer.
    pub fn for_language(
        options: &AnalyzerOptions,
        language: Language,
    ) -> Result<Self, TokenizeError> {
        let stop_words = Arc::new(StopWords::from_options(options, language)?);
        let mut analyzer = Analyzer::new()
            .with_protected(Protected::new(&options.protect)?)
            .with_filter(PossessiveFilter)
            .with_filter(StopWordFilter::new(stop_words));
        if let Some(aliases) = Aliases::load(&options.aliases)? {
            analyzer = analyzer.with_aliases(aliases);
        }
        if !options.keep_numbers {
            analyzer = analyzer.with_filter(NumberFilter);
        }
        let mut analyzer = analyzer
            .with_filter(MinLengthFilter {
                min_chars: options.min_token_len,
            })
            .with_filter(StemFilter::new(language));
        // Possessives, stop words, numbers, length and stems read the text alone.
        analyzer.pure = true;
        Ok(analyzer)
    }

    /// The words of `text[piece]` (between stage directions) into `scratch`:
    /// protected tokens whole, the rest by Unicode word boundaries.
    fn words(&self, text: &str, piece: std::ops::Range<usize>, scratch: &mut Scratch) {
        scratch.words.clear();
        scratch.folded.clear();
        scratch.starts.clear();
        let base = piece.start;
        let piece = &text[piece];
        let plain = |from: usize, to: usize, scratch: &mut Scratch| {
            for (offset, word) in words::word_indices(&piece[from..to]) {
                scratch.push(base + from + offset, word, false);
            }
        };
        let mut done = 0;
        if let Some(protected) = &self.protected {
            for range in protected.find(piece) {
                plain(done, range.start, scratch);
                scratch.push(base + range.start, &piece[range.clone()], true);
                done = range.end;
            }
        }
        plain(done, piece.len(), scratch);
    }

    /// Analyses `text`, reporting every kept token, dropped word and break to
    /// `on_event`, in text order.
    ///
    /// The token passed to `on_event` is reused for the next word, so the callback
    /// must copy what it keeps.
    pub fn analyze(&self, text: &str, stats: &mut TokenStats, on_event: impl FnMut(Event<'_>)) {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.analyze_with(text, stats, &mut scratch, on_event),
            // Analysing from inside a callback: fresh buffers for the inner text.
            Err(_) => self.analyze_with(text, stats, &mut Scratch::default(), on_event),
        })
    }

    fn analyze_with(
        &self,
        text: &str,
        stats: &mut TokenStats,
        scratch: &mut Scratch,
        mut on_event: impl FnMut(Event<'_>),
    ) {
        let mut token = std::mem::take(&mut scratch.token);
        let mut fates = self.take_fates(scratch);
        let mut last_end: Option<usize> = None;
        split_stage_directions(text, stats, &mut scratch.pieces);
        let pieces = std::mem::take(&mut scratch.pieces);
        for piece in &pieces {
            if last_end.is_some() {
                // A stage direction lies between this piece and the text before it.
                on_event(Event::Break);
            }
            self.words(text, piece.clone(), scratch);
            scratch.repairs.clear();
            if let Some(aliases) = &self.aliases {
                aliases.find_in(&scratch.folded, &scratch.starts, &mut scratch.repairs);
            }
            let mut repairs = 0;
            let mut i = 0;
            while i < scratch.words.len() {
                let word = scratch.words[i].clone();
                if let Some(previous_end) = last_end
                    && previous_end <= word.start
                    && is_break(&text[previous_end..word.start])
                {
                    on_event(Event::Break);
                }
                if let Some(&(first, len, replacement)) = scratch.repairs.get(repairs)
                    && first == i
                {
                    repairs += 1;
                    let replacement = &self
                        .aliases
                        .as_ref()
                        .expect("repairs come from aliases")
                        .replacements()[replacement];
                    // A case-only alias (`CNCF = ["cncf"]`) sets how a word is written;
                    // only a change of spelling counts as a repair.
                    let written = scratch.words[i..i + len]
                        .iter()
                        .map(|w| &text[w.start..w.end])
                        .collect::<Vec<_>>()
                        .join(" ");
                    if written != replacement.display {
                        *stats
                            .repairs
                            .entry(replacement.display.clone())
                            .or_default()
                            .entry(replacement.variant.clone())
                            .or_default() += 1;
                    }
                    for canonical in &replacement.words {
                        token.text.clear();
                        fold_into(canonical, &mut token.text);
                        token.display.clear();
                        token.display.push_str(canonical);
                        token.offset = word.start;
                        token.protected = false;
                        self.filter(&mut token, stats, fates.as_mut(), &mut on_event);
                    }
                    last_end = Some(scratch.words[i + len - 1].end);
                    i += len;
                    continue;
                }
                token.text.clear();
                token.text.push_str(scratch.folded(i));
                token.display.clear();
                unify_apostrophes(&text[word.start..word.end], &mut token.display);
                token.offset = word.start;
                token.protected = word.protected;
                if word.protected {
                    token.term.clone_from(&token.text);
                    stats.words += 1;
                    stats.kept += 1;
                    stats.protected += 1;
                    on_event(Event::Token(&token));
                } else {
                    self.filter(&mut token, stats, fates.as_mut(), &mut on_event);
                }
                last_end = Some(word.end);
                i += 1;
            }
        }
        scratch.pieces = pieces;
        scratch.token = token;
        if let Some(fates) = fates {
            scratch.fates.push((self.id, fates));
        }
        stats.settle();
        on_event(Event::Break);
    }

    /// This analyzer's word cache on this thread, taken out of `scratch` (and
    /// put back by the caller); none when its chain is not [`Analyzer::pure`].
    fn take_fates(&self, scratch: &mut Scratch) -> Option<Fates> {
        if !self.pure {
            return None;
        }
        let fates = match scratch.fates.iter().position(|(id, _)| *id == self.id) {
            Some(i) => scratch.fates.swap_remove(i).1,
            None => Fates::default(),
        };
        Some(fates)
    }

    /// Runs one word through the filter chain, or looks its fate up in `fates`,
    /// and reports the outcome.
    fn filter(
        &self,
        token: &mut Token,
        stats: &mut TokenStats,
        fates: Option<&mut Fates>,
        on_event: &mut impl FnMut(Event<'_>),
    ) {
        stats.words += 1;
        let Some(fates) = fates else {
            let fate = self.run_filters(token);
            Analyzer::report(&fate, token, stats, on_event);
            return;
        };
        if let Some(fate) = fates.get(token.text.as_str()) {
            match fate {
                Fate::Dropped(..) => {}
                Fate::Kept { cut, term } => {
                    PossessiveFilter::cut(token, *cut as usize);
                    token.term.clear();
                    token.term.push_str(term);
                }
            }
            Analyzer::report(fate, token, stats, on_event);
            return;
        }
        let word: Box<str> = token.text.as_str().into();
        let fate = self.run_filters(token);
        if fates.len() >= MAX_FATES {
            fates.clear();
        }
        Analyzer::report(&fate, token, stats, on_event);
        fates.insert(word, fate);
    }

    /// The filter chain on `token`: its fate (the token rewritten when kept).
    fn run_filters(&self, token: &mut Token) -> Fate {
        token.term.clear();
        let before = token.text.len();
        match self.filters.iter().try_for_each(|f| f.apply(token)) {
            Ok(()) => {
                // Without a stemmer in the chain a token is its own term.
                if token.term.is_empty() {
                    token.term.push_str(&token.text);
                }
                Fate::Kept {
                    cut: (before - token.text.len()) as u8,
                    term: token.term.as_str().into(),
                }
            }
            Err(reason) => {
                let connector = CONNECTOR_WORDS.iter().find(|c| **c == token.text).copied();
                Fate::Dropped(reason, connector)
            }
        }
    }

    /// Counts and reports a word's fate.
    fn report(
        fate: &Fate,
        token: &Token,
        stats: &mut TokenStats,
        on_event: &mut impl FnMut(Event<'_>),
    ) {
        match fate {
            Fate::Kept { .. } => {
                stats.kept += 1;
                on_event(Event::Token(token));
            }
            &Fate::Dropped(reason, connector) => {
                stats.dropped_fast[reason as usize] += 1;
                on_event(Event::Dropped { connector });
            }
        }
    }

    /// Analyses `text` and calls `on_token` for the kept tokens only.
    pub fn tokens(&self, text: &str, stats: &mut TokenStats, mut on_token: impl FnMut(&Token)) {
        self.analyze(text, stats, |event| {
            if let Event::Token(token) = event {
                on_token(token);
            }
        });
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

/// Copies `word`, writing curly and modifier apostrophes as `'`, case kept.
fn unify_apostrophes(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}' => out.push('\''),
            c => out.push(c),
        }
    }
}

/// Case-folds `word` into `out`, writing curly and modifier apostrophes as `'`.
pub(crate) fn fold_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        let from = out.len();
        out.push_str(word);
        // SAFETY-free: lower-casing ASCII in place keeps the string valid UTF-8.
        out[from..].make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Splits text around `[bracketed]` stage directions, counting each one by name,
/// into `pieces`: the byte ranges between directions.
///
/// An unclosed `[` is ordinary text: cutting to the end of the segment would lose
/// words.
fn split_stage_directions(
    text: &str,
    stats: &mut TokenStats,
    pieces: &mut Vec<std::ops::Range<usize>>,
) {
    pieces.clear();
    let mut rest_start = 0;
    let mut search_from = 0;
    while let Some(open) = text[search_from..].find('[').map(|i| i + search_from) {
        let Some(close) = text[open + 1..].find(']').map(|i| i + open + 1) else {
            break;
        };
        // A nested `[` means the first one never closed; restart from the inner one.
        if let Some(inner) = text[open + 1..close].rfind('[') {
            search_from = open + 1 + inner;
            continue;
        }
        let name = text[open + 1..close].trim().to_lowercase();
        *stats.stage_directions.entry(name).or_default() += 1;
        if open > rest_start {
            pieces.push(rest_start..open);
        }
        rest_start = close + 1;
        search_from = rest_start;
    }
    if rest_start < text.len() {
        pieces.push(rest_start..text.len());
    }
    if text.contains("://") || text.contains("www.") || text.contains('@') {
        cut_addresses(text, stats, pieces);
    }
}

/// Cuts web and e-mail addresses out of `pieces` (a run of non-space text holding
/// `://`, starting with `www.`, or a mailbox `name@host.tld`), counting each as a
/// dropped word. Trailing punctuation stays with the text.
fn cut_addresses(text: &str, stats: &mut TokenStats, pieces: &mut Vec<std::ops::Range<usize>>) {
    let mut cut = Vec::with_capacity(pieces.len());
    for piece in pieces.drain(..) {
        let mut from = piece.start;
        let mut at = piece.start;
        for run in text[piece.clone()].split(char::is_whitespace) {
            let start = at;
            at += run.len()
                + text[at + run.len()..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            let trimmed = run.trim_end_matches(|c: char| ".,;:!?)]}'\"".contains(c));
            let lower = trimmed.to_ascii_lowercase();
            let mailbox = trimmed.split_once('@').is_some_and(|(name, host)| {
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || "._+-".contains(c))
                    && host.contains('.')
                    && !host.ends_with('.')
            });
            let address = lower.contains("://")
                || lower.starts_with("www.")
                || (mailbox && !trimmed.starts_with('@'));
            if !address {
                continue;
            }
            if start > from {
                cut.push(from..start);
            }
            stats.drop_words(DropReason::Address, 1);
            from = start + trimmed.len();
        }
        if from < piece.end {
            cut.push(from..piece.end);
        }
    }
    *pieces = cut;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &Analyzer, text: &str) -> (Vec<String>, TokenStats) {
        let mut stats = TokenStats::default();
        let mut out = Vec::new();
        analyzer.tokens(text, &mut stats, |t| out.push(t.text.clone()));
        (out, stats)
    }

    fn default_analyzer() -> Analyzer {
        analyzer(AnalyzerOptions::default())
    }

    fn analyzer(options: AnalyzerOptions) -> Analyzer {
        Analyzer::for_language(&options, Language::English).unwrap()
    }

    #[test]
    fn words_are_case_folded_and_apostrophes_unified() {
        let (words, _) = tokens(&Analyzer::new(), "It’s Kubernetes’ BIG Día");
        assert_eq!(words, ["it's", "kubernetes", "big", "día"]);
    }

    #[test]
    fn contractions_and_possessives() {
        let (words, stats) = tokens(
            &default_analyzer(),
            "it’s Google's cluster, isn't it? users' data",
        );
        assert_eq!(words, ["google", "cluster", "users", "data"]);
        assert_eq!(stats.dropped[&DropReason::StopWord], 3);
    }

    #[test]
    fn stage_directions_are_counted_not_kept() {
        let (words, stats) = tokens(
            &default_analyzer(),
            "[Music] security [Laughter] matters [music] [unclosed bracket",
        );
        assert_eq!(words, ["security", "matters", "unclosed", "bracket"]);
        assert_eq!(stats.stage_directions["music"], 2);
        assert_eq!(stats.stage_directions["laughter"], 1);
        assert_eq!(stats.words, 4, "directions are not words");
    }

    #[test]
    fn nested_open_brackets_close_on_the_innermost() {
        let mut stats = TokenStats::default();
        let mut pieces = Vec::new();
        split_stage_directions("a [b [Applause] c", &mut stats, &mut pieces);
        assert_eq!(pieces, [0..5, 15..17]);
        assert_eq!(stats.stage_directions["applause"], 1);
    }

    #[test]
    fn numbers_and_short_words_are_dropped_but_ai_and_ml_survive() {
        let (words, stats) = tokens(
            &default_analyzer(),
            "12,000 attendees 134 AI ML x 3.5 k8s 92nd 1st mp3 3rdparty 8.5m 2fa",
        );
        assert_eq!(
            words,
            ["attendees", "ai", "ml", "k8s", "mp3", "3rdparty", "2fa"]
        );
        assert_eq!(stats.dropped[&DropReason::Number], 6);
        assert_eq!(stats.dropped[&DropReason::TooShort], 1);
    }

    #[test]
    fn spoken_fillers_are_stop_words() {
        let (words, _) = tokens(
            &default_analyzer(),
            "uh um yeah like gonna kinda okay right security",
        );
        assert_eq!(words, ["security"]);
    }

    #[test]
    fn every_word_is_kept_or_counted_as_dropped() {
        let text = "0:51 So, um, 12,000 people — it’s the biggest KubeCon yet! [Applause] a b c";
        let (words, stats) = tokens(&default_analyzer(), text);
        let dropped: u64 = stats.dropped.values().sum();
        assert_eq!(stats.kept, words.len() as u64);
        assert_eq!(stats.words, stats.kept + dropped);
    }

    #[test]
    fn offsets_point_at_the_word_in_the_original_text() {
        let text = "[Music] Cilium and eBPF";
        let mut seen = Vec::new();
        default_analyzer().tokens(text, &mut TokenStats::default(), |t| {
            seen.push((t.offset, t.text.clone()))
        });
        assert_eq!(seen, [(8, "cilium".to_string()), (19, "ebpf".to_string())]);
        assert_eq!(&text[19..23], "eBPF");
    }

    #[test]
    fn spoken_contractions_and_interjections_are_dropped_however_the_apostrophe_is_written() {
        // Lines of live-stream captions: the Snowball list has "we'll", not
        // "it'll"; such words titled chapters before.
        let mut seen = Vec::new();
        default_analyzer().tokens(
            "Oops. It’ll restart the pod, blah blah, y'all could’ve seen that'd fail",
            &mut TokenStats::default(),
            |t| seen.push(t.text.clone()),
        );
        assert_eq!(seen, ["restart", "pod", "fail"]);
    }

    #[test]
    fn protected_tokens_are_kept_whole_with_their_spelling() {
        let analyzer = default_analyzer();
        let mut seen = Vec::new();
        analyzer.tokens(
            "With C++ and CI/CD on .NET with Node.js #KubeCon",
            &mut TokenStats::default(),
            |t| seen.push((t.text.clone(), t.display.clone(), t.protected)),
        );
        let expected = [
            ("c++", "C++", true),
            ("ci/cd", "CI/CD", true),
            (".net", ".NET", true),
            ("node.js", "Node.js", true),
            ("#kubecon", "#KubeCon", true),
        ];
        let expected: Vec<(String, String, bool)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), *c))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn aliases_repair_words_and_count_the_repairs() {
        let analyzer = analyzer(AnalyzerOptions {
            aliases: vec!["cloud-native".into()],
            ..AnalyzerOptions::default()
        });
        let mut stats = TokenStats::default();
        let mut seen = Vec::new();
        analyzer.tokens(
            "the biggest cubec con yet, and cucon Cilium psyllium CNCF cncf",
            &mut stats,
            |t| seen.push(t.display.clone()),
        );
        assert_eq!(
            seen,
            [
                "biggest", "KubeCon", "KubeCon", "Cilium", "Cilium", "CNCF", "CNCF"
            ]
        );
        assert_eq!(stats.repairs["KubeCon"]["cubec con"], 1);
        assert_eq!(stats.repairs["Cilium"]["psyllium"], 1);
        assert_eq!(
            stats.repairs["CNCF"]["cncf"], 1,
            "only the lower-case one was a repair"
        );
        assert!(!stats.repairs["Cilium"].contains_key("cilium"));
    }

    #[test]
    fn events_report_connectors_and_breaks() {
        let mut events = Vec::new();
        default_analyzer().analyze(
            "state of the art. Next [Music] thing",
            &mut TokenStats::default(),
            |e| {
                events.push(match e {
                    Event::Token(t) => t.text.clone(),
                    Event::Dropped { connector: Some(c) } => format!("({c})"),
                    Event::Dropped { connector: None } => "-".into(),
                    Event::Break => "|".into(),
                })
            },
        );
        assert_eq!(
            events,
            ["state", "(of)", "(the)", "art", "|", "next", "|", "-", "|"]
        );
    }

    #[test]
    fn tokens_carry_their_stem_as_term_except_protected_ones() {
        let mut seen = Vec::new();
        default_analyzer().tokens(
            "Running clusters with C++ and Kubernetes's operators",
            &mut TokenStats::default(),
            |t| seen.push((t.text.clone(), t.term.clone())),
        );
        let pairs: Vec<(&str, &str)> = seen.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("running", "run"),
                ("clusters", "cluster"),
                ("c++", "c++"),
                ("kubernetes", "kubernet"),
                ("operators", "oper"),
            ]
        );
        let mut plain = Vec::new();
        Analyzer::new().tokens("Running", &mut TokenStats::default(), |t| {
            plain.push(t.term.clone())
        });
        assert_eq!(plain, ["running"], "no stemmer: a token is its own term");
    }

    #[test]
    fn web_and_mail_addresses_are_not_words() {
        let (words, stats) = tokens(
            &default_analyzer(),
            "Slides: https://speakerdeck.com/x/y-z?a=1, mail ann@example.org or see www.pycon.org. Thanks @pycon",
        );
        assert_eq!(words, ["slides", "mail", "thanks", "@pycon"]);
        assert_eq!(stats.dropped[&DropReason::Address], 3);
        let dropped: u64 = stats.dropped.values().sum();
        assert_eq!(
            stats.words,
            stats.kept + dropped,
            "every word accounted for"
        );
    }

    #[test]
    fn numbers_survive_when_asked() {
        let options = AnalyzerOptions {
            keep_numbers: true,
            ..AnalyzerOptions::default()
        };
        let (words, _) = tokens(&analyzer(options), "2024 was busy");
        assert_eq!(words, ["2024", "busy"]);
    }
}
