//! Snowball stemming with a per-worker cache.
//!
//! Stemming folds `securing`, `secure` and `security` onto one term so a window's
//! vocabulary is not split across inflections. Stems themselves (`secur`) are never
//! shown to people: the count stage remembers which surface word each stem came from
//! most often and uses that as the term's label. Speech has a small working
//! vocabulary repeated many times, so caching the stem of each distinct word makes
//! the Snowball algorithm run once per word type rather than once per token.

use std::fmt;
use std::str::FromStr;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};

/// A language with a Snowball stemmer in `rust-stemmers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Language {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

impl Language {
    /// Every supported language, in alphabetical order.
    pub const ALL: [Language; 18] = [
        Language::Arabic,
        Language::Danish,
        Language::Dutch,
        Language::English,
        Language::Finnish,
        Language::French,
        Language::German,
        Language::Greek,
        Language::Hungarian,
        Language::Italian,
        Language::Norwegian,
        Language::Portuguese,
        Language::Romanian,
        Language::Russian,
        Language::Spanish,
        Language::Swedish,
        Language::Tamil,
        Language::Turkish,
    ];

    /// The lower-case English name used on the command line (`english`).
    pub fn name(self) -> &'static str {
        match self {
            Language::Arabic => "arabic",
            Language::Danish => "danish",
            Language::Dutch => "dutch",
            Language::English => "english",
            Language::Finnish => "finnish",
            Language::French => "french",
            Language::German => "german",
            Language::Greek => "greek",
            Language::Hungarian => "hungarian",
            Language::Italian => "italian",
            Language::Norwegian => "norwegian",
            Language::Portuguese => "portuguese",
            Language::Romanian => "romanian",
            Language::Russian => "russian",
            Language::Spanish => "spanish",
            Language::Swedish => "swedish",
            Language::Tamil => "tamil",
            Language::Turkish => "turkish",
        }
    }

    /// The ISO 639-1 code (`en`, `de`).
    pub fn iso_code(self) -> &'static str {
        match self {
            Language::Arabic => "ar",
            Language::Danish => "da",
            Language::Dutch => "nl",
            Language::English => "en",
            Language::Finnish => "fi",
            Language::French => "fr",
            Language::German => "de",
            Language::Greek => "el",
            Language::Hungarian => "hu",
            Language::Italian => "it",
            Language::Norwegian => "no",
            Language::Portuguese => "pt",
            Language::Romanian => "ro",
            Language::Russian => "ru",
            Language::Spanish => "es",
            Language::Swedish => "sv",
            Language::Tamil => "ta",
            Language::Turkish => "tr",
        }
    }

    /// The language of `text` by whatlang's trigram model, with its confidence
    /// (0 to 1), when it is one with a stemmer.
    pub fn detect(text: &str) -> Option<(Language, f64)> {
        use whatlang::Lang;
        let info = whatlang::detect(text)?;
        let language = match info.lang() {
            Lang::Ara => Language::Arabic,
            Lang::Dan => Language::Danish,
            Lang::Nld => Language::Dutch,
            Lang::Eng => Language::English,
            Lang::Fin => Language::Finnish,
            Lang::Fra => Language::French,
            Lang::Deu => Language::German,
            Lang::Ell => Language::Greek,
            Lang::Hun => Language::Hungarian,
            Lang::Ita => Language::Italian,
            Lang::Nob => Language::Norwegian,
            Lang::Por => Language::Portuguese,
            Lang::Ron => Language::Romanian,
            Lang::Rus => Language::Russian,
            Lang::Spa => Language::Spanish,
            Lang::Swe => Language::Swedish,
            Lang::Tam => Language::Tamil,
            Lang::Tur => Language::Turkish,
            _ => return None,
        };
        Some((language, info.confidence()))
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Language::Arabic => Algorithm::Arabic,
            Language::Danish => Algorithm::Danish,
            Language::Dutch => Algorithm::Dutch,
            Language::English => Algorithm::English,
            Language::Finnish => Algorithm::Finnish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Greek => Algorithm::Greek,
            Language::Hungarian => Algorithm::Hungarian,
            Language::Italian => Algorithm::Italian,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Romanian => Algorithm::Romanian,
            Language::Russian => Algorithm::Russian,
            Language::Spanish => Algorithm::Spanish,
            Language::Swedish => Algorithm::Swedish,
            Language::Tamil => Algorithm::Tamil,
            Language::Turkish => Algorithm::Turkish,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a language name that has no stemmer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}; expected auto or one of: {names}", names = Language::ALL.map(Language::name).join(", "))]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_lowercase();
        Language::ALL
            .into_iter()
            .find(|l| l.name() == wanted)
            .ok_or_else(|| UnknownLanguage(s.to_string()))
    }
}

impl Serialize for Language {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// The `language` option: one language for every input, or detection per input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageChoice {
    /// Detect each source's language from its text (whatlang); sources in a
    /// language without a stemmer are read as English.
    Auto,
    /// Every source is in this language.
    Fixed(Language),
}

impl LanguageChoice {
    /// The languages a run may need analyzers for.
    pub fn languages(self) -> Vec<Language> {
        match self {
            LanguageChoice::Auto => Language::ALL.to_vec(),
            LanguageChoice::Fixed(language) => vec![language],
        }
    }
}

impl fmt::Display for LanguageChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LanguageChoice::Auto => f.write_str("auto"),
            LanguageChoice::Fixed(language) => language.fmt(f),
        }
    }
}

impl FromStr for LanguageChoice {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("auto") {
            Ok(LanguageChoice::Auto)
        } else {
            s.parse().map(LanguageChoice::Fixed)
        }
    }
}

impl Serialize for LanguageChoice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for LanguageChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::time::from_text(d)
    }
}

/// A JSON Schema of the names in `names`.
fn names_schema(description: &str, names: Vec<&str>) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "description": description, "enum": names})
}

impl schemars::JsonSchema for Language {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Language".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        names_schema(
            "A language with a Snowball stemmer.",
            Language::ALL.map(Language::name).to_vec(),
        )
    }
}

impl schemars::JsonSchema for LanguageChoice {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LanguageChoice".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut names = vec!["auto"];
        names.extend(Language::ALL.map(Language::name));
        names_schema(
            "A language for every input, or auto to detect it per input.",
            names,
        )
    }
}

/// A Snowball stemmer that remembers the stem of every word it has seen.
///
/// One per worker thread: the cache is not shared, so no lock sits on the hot path,
/// and each worker's cache only ever holds the words its own shard contains.
pub struct StemCache {
    stemmer: Stemmer,
    cache: FxHashMap<Box<str>, Box<str>>,
}

impl StemCache {
    /// A cache for the given language.
    pub fn new(language: Language) -> Self {
        StemCache {
            stemmer: Stemmer::create(language.algorithm()),
            cache: FxHashMap::default(),
        }
    }

    /// The stem of a case-folded word.
    pub fn stem(&mut self, word: &str) -> &str {
        // Two lookups instead of the entry API: the entry API would need an owned
        // key for every token, and almost every token is a cache hit.
        if !self.cache.contains_key(word) {
            let stem: Box<str> = self.stemmer.stem(word).into();
            self.cache.insert(word.into(), stem);
        }
        &self.cache[word]
    }

    /// How many distinct words have been stemmed.
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// Whether no word has been stemmed yet.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }
}

impl fmt::Debug for StemCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StemCache")
            .field("words", &self.cache.len())
            .finish()
    }
}

/// Stem caches, one per language met: what a thread keeps from text to text.
#[derive(Debug, Default)]
pub struct StemCaches {
    caches: Vec<(Language, StemCache)>,
}

impl StemCaches {
    /// The cache for `language`, created on first use.
    pub fn get(&mut self, language: Language) -> &mut StemCache {
        let index = match self.caches.iter().position(|(l, _)| *l == language) {
            Some(index) => index,
            None => {
                self.caches.push((language, StemCache::new(language)));
                self.caches.len() - 1
            }
        };
        &mut self.caches[index].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_stems_fold_inflections() {
        let mut stems = StemCache::new(Language::English);
        assert_eq!(stems.stem("security"), "secur");
        assert_eq!(stems.stem("secure"), "secur");
        assert_eq!(stems.stem("experiences"), "experi");
        assert_eq!(stems.stem("ai"), "ai");
        assert_eq!(stems.len(), 4);
        assert_eq!(stems.stem("security"), "secur");
        assert_eq!(stems.len(), 4, "a repeated word is served from the cache");
    }

    #[test]
    fn every_language_parses_by_name_and_stems() {
        for language in Language::ALL {
            assert_eq!(language.name().parse::<Language>().unwrap(), language);
            let mut stems = StemCache::new(language);
            assert!(!stems.stem("international").is_empty());
        }
        assert_eq!("German".parse::<Language>().unwrap(), Language::German);
        let err = "klingon".parse::<Language>().unwrap_err().to_string();
        assert!(err.contains("klingon") && err.contains("english"), "{err}");
    }

    #[test]
    fn languages_are_detected_from_text() {
        let german = "Die Sicherheit der Plattform ist wichtig, und wir haben viele neue Werkzeuge gesehen, die den Entwicklern helfen.";
        assert_eq!(
            Language::detect(german).map(|(l, _)| l),
            Some(Language::German)
        );
        let english = "Security was the big theme of the conference, and platform engineering came right after it.";
        assert_eq!(
            Language::detect(english).map(|(l, _)| l),
            Some(Language::English)
        );
        assert_eq!(
            "auto".parse::<LanguageChoice>().unwrap(),
            LanguageChoice::Auto
        );
        assert_eq!(
            "french".parse::<LanguageChoice>().unwrap(),
            LanguageChoice::Fixed(Language::French)
        );
        assert_eq!(LanguageChoice::Auto.languages().len(), 18);
    }

    #[test]
    fn other_languages_use_their_own_algorithm() {
        let mut german = StemCache::new(Language::German);
        let plural = german.stem("häuser").to_string();
        assert_eq!(plural, german.stem("haus"));
        let mut french = StemCache::new(Language::French);
        assert_eq!(french.stem("continuellement"), "continuel");
    }
}
