//! Each stage's own options, built from a run's [`Config`]: the only place that
//! knows which option goes to which stage.

use super::Config;
use crate::ingest::{Columns, IngestOptions};
use crate::score::{Bm25, CTfIdf, Scorer, TfIdf};
use crate::segment::SegmentOptions;
use crate::shift::{BurstOptions, ShiftOptions};
use crate::theme::discover::DiscoverOptions;
use crate::tokenize::AnalyzerOptions;
use crate::tokenize::phrases::PhraseOptions;
use crate::window::{WindowLength, WindowSpec};

impl Config {
    /// The windows these options ask for.
    pub fn window_spec(&self) -> WindowSpec {
        if let Some(count) = self.bins {
            return WindowSpec::Bins {
                count,
                by: self.bins_by,
            };
        }
        match self.window {
            WindowLength::Duration(size) => WindowSpec::Span {
                size,
                step: self.step.map_or(size, |step| step.0),
            },
            WindowLength::Calendar(unit) => WindowSpec::Calendar {
                unit,
                zone: self.tz.clone(),
            },
            WindowLength::Auto => WindowSpec::Auto {
                step: self.step.map(|step| step.0),
                zone: self.tz.clone(),
            },
        }
    }

    /// The options of the ingest stage.
    pub fn ingest_options(&self) -> IngestOptions {
        IngestOptions {
            strict: self.strict,
            last_segment: self.last_segment.0,
            format: self.input_format,
            columns: Columns {
                time: self.time_col.clone(),
                text: self.text_col.clone(),
                id: self.id_col.clone(),
            },
            zone: self.tz.clone(),
            dedupe: self.dedupe,
            stream_bytes: self.stream_bytes,
            record_languages: self.language == crate::stem::LanguageChoice::Auto,
            dates: self.dates.clone().map(crate::ingest::dates::DatesFile::new),
            // Where the outputs go is the command's business, not the options':
            // it sets them with `Pipeline::skip_outputs`.
            outputs: Vec::new(),
        }
    }

    /// The options of the analysis chain.
    pub fn analyzer_options(&self) -> AnalyzerOptions {
        AnalyzerOptions {
            keep_numbers: self.keep_numbers,
            min_token_len: self.min_token_len,
            stopwords: self.stopwords.clone(),
            add_stopwords: self.add_stopwords.clone(),
            aliases: self.aliases.clone(),
            protect: self.protect.clone(),
        }
    }

    /// The options of phrase mining, with the phrases that always count (their
    /// keys, sorted).
    pub fn phrase_options(&self, listed: Vec<String>) -> PhraseOptions {
        PhraseOptions {
            mode: self.phrases,
            min_count: self.min_phrase_count,
            threshold: self.phrase_threshold,
            listed,
        }
    }

    /// How this run scores terms.
    pub fn scorer(&self) -> Scorer {
        Scorer {
            method: self.score,
            tfidf: TfIdf {
                tf: self.tf,
                idf: self.idf,
                norm: self.norm,
            },
            bm25: Bm25 {
                k1: self.bm25_k1,
                b: self.bm25_b,
                ..Bm25::default()
            },
            ctfidf: CTfIdf {
                bm25_weighting: self.ctfidf_bm25_weighting,
                reduce_frequent_words: self.reduce_frequent_words,
            },
            reference: self.reference,
            smooth: self.smooth,
            as_of: self.as_of,
            idf_over: self.idf_over,
        }
    }

    /// How this run finds the chapters of its recordings.
    pub fn segment_options(&self) -> SegmentOptions {
        SegmentOptions {
            min_chapter: self.min_chapter.0,
            chapters: self.chapters,
            ..SegmentOptions::default()
        }
    }

    /// How this run finds shifts.
    pub fn shift_options(&self) -> ShiftOptions {
        ShiftOptions {
            significance: self.significance,
            min_share_change: self.min_share_change,
            burst: BurstOptions {
                s: self.burst_s,
                gamma: self.burst_gamma,
            },
        }
    }

    /// How this run discovers themes, if it does: unless a lexicon is in use
    /// (`themes` without `discover`), or `discover` is 0.
    pub fn discover_options(&self) -> Option<DiscoverOptions> {
        if self.themes.is_some() && self.discover.is_none() {
            return None;
        }
        let k = self.discover.unwrap_or(DiscoverOptions::default().k);
        (k > 0).then(|| DiscoverOptions {
            k,
            background: self.background,
            ..DiscoverOptions::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Span;
    use crate::window::BinBy;

    #[test]
    fn window_specs_follow_the_options() {
        let sliding = Config {
            window: WindowLength::Duration(300_000),
            step: Some(Span(60_000)),
            ..Config::default()
        };
        assert_eq!(
            sliding.window_spec(),
            WindowSpec::Span {
                size: 300_000,
                step: 60_000
            }
        );
        let auto = Config {
            step: Some(Span(60_000)),
            ..Config::default()
        };
        assert_eq!(
            auto.window_spec(),
            WindowSpec::Auto {
                step: Some(60_000),
                zone: auto.tz.clone()
            }
        );
        let bins = Config {
            bins: Some(12),
            ..Config::default()
        };
        assert_eq!(
            bins.window_spec(),
            WindowSpec::Bins {
                count: 12,
                by: BinBy::Time
            }
        );
    }

    #[test]
    fn a_lexicon_turns_discovery_off_unless_asked() {
        assert_eq!(Config::default().discover_options().unwrap().k, 8);
        let lexicon = Config {
            themes: Some("cloud-native".into()),
            ..Config::default()
        };
        assert!(lexicon.discover_options().is_none());
        let both = Config {
            discover: Some(3),
            ..lexicon
        };
        assert_eq!(both.discover_options().unwrap().k, 3);
        let none = Config {
            discover: Some(0),
            ..Config::default()
        };
        assert!(none.discover_options().is_none());
    }
}
