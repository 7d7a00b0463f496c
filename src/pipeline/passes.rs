//! The passes over a timeline's text: phrase mining, then counting.
//!
//! Both are map-then-merge: each worker (one per thread) takes a contiguous
//! piece of every batch, keeps its own counts and caches from batch to batch,
//! and the workers' results are merged once at the end. Merging is exact, so
//! the result does not depend on the split or the number of threads, and shards
//! on other machines merge through the same code ([`CountBuilder::merge`]).

use std::ops::Range;

use rayon::prelude::*;

use super::Pipeline;
use super::corpus::Feed;
use crate::Error;
use crate::count::claim::{self, Phrase};
use crate::count::{CountBuilder, Counts};
use crate::ingest::Segment;
use crate::stem::Language;
use crate::tokenize::phrases::{Candidates, KeptPhrases, Miner, PhraseMode};
use crate::tokenize::{Event, Token, TokenStats};
use crate::window::{Windows, token_time};

/// What analysing a segment carries over to the next one on the same worker.
#[derive(Debug, Default)]
pub(crate) struct Analysis {
    /// What the analyzer saw.
    pub stats: TokenStats,
    /// The kept phrases' collector.
    candidates: Candidates,
}

/// How the tokens of a timeline's segments are placed: its windows, the phrases
/// to collect, and each source's language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placing<'a> {
    /// The timeline's windows.
    pub windows: &'a Windows,
    /// The phrases to collect beside the words.
    pub kept: &'a KeptPhrases,
    /// The language of each source.
    pub languages: &'a [Language],
}

impl Pipeline {
    /// Analyses one segment: `on_token(windows, token)` for every token, with the
    /// windows it falls in, and `on_phrase(windows, key, surface, components)` for
    /// every occurrence of a phrase of `placing.kept`.
    pub(crate) fn analyze_segment(
        &self,
        segment: &Segment,
        placing: Placing<'_>,
        analysis: &mut Analysis,
        mut on_token: impl FnMut(Range<usize>, &Token),
        mut on_phrase: impl FnMut(Range<usize>, &str, &str, &[&str]),
    ) {
        let len = segment.text.len();
        let language = segment.language_in(placing.languages);
        let Analysis { stats, candidates } = analysis;
        candidates.reset();
        self.analyzers
            .get(language)
            .analyze(&segment.text, stats, |event| {
                let in_windows = match &event {
                    Event::Token(token) => {
                        let at = token_time(segment.start, segment.end, token.offset, len);
                        let in_windows = placing.windows.containing(at);
                        on_token(in_windows.clone(), token);
                        in_windows
                    }
                    _ => 0..0,
                };
                if !placing.kept.is_empty() {
                    candidates.event(&event, placing.kept, |key, surface, components| {
                        on_phrase(in_windows.clone(), key, surface, components);
                    });
                }
            });
    }

    /// The first pass of phrase mining over a feed: every phrase candidate,
    /// counted.
    pub(crate) fn mining_pass(
        &self,
        feed: &Feed<'_>,
        languages: &[Language],
    ) -> Result<Miner, Error> {
        let mut workers: Vec<(Miner, TokenStats)> = (0..self.pool.current_num_threads().max(1))
            .map(|_| Default::default())
            .collect();
        feed.for_each(|segments| {
            let piece = segments.len().div_ceil(workers.len()).max(1);
            segments
                .par_chunks(piece)
                .zip(workers.par_iter_mut())
                .for_each(|(piece, (miner, stats))| {
                    for segment in piece {
                        miner.reset();
                        self.analyzers.get(segment.language_in(languages)).analyze(
                            &segment.text,
                            stats,
                            |event| miner.event(&event),
                        );
                    }
                });
        })?;
        Ok(workers
            .into_par_iter()
            .map(|(miner, _)| miner)
            .reduce(Miner::new, |mut a, b| {
                a.merge(b);
                a
            }))
    }

    /// The phrases the counting pass counts: none with phrases off, the listed
    /// ones with `listed`, the `phrase-list` when given, else those mined from
    /// the feed.
    pub(crate) fn phrases_to_count(
        &self,
        feed: &Feed<'_>,
        languages: &[Language],
    ) -> Result<KeptPhrases, Error> {
        let listed = || self.phrases.listed.iter().map(String::as_str);
        match (self.phrases.mode, &self.phrase_list) {
            (PhraseMode::Off, _) => Ok(KeptPhrases::default()),
            (_, Some(list)) => Ok(KeptPhrases::new(
                list.iter().map(String::as_str).chain(listed()),
            )),
            (PhraseMode::Listed, None) => Ok(KeptPhrases::new(listed())),
            (PhraseMode::Auto, None) => {
                let miner = self
                    .timings
                    .time("phrases", || self.mining_pass(feed, languages))?;
                let keys = miner.kept(&self.phrases);
                Ok(KeptPhrases::new(keys.iter().map(String::as_str)))
            }
        }
    }

    /// The counting pass: tokenizes, stems, windows and counts the feed in
    /// parallel, counting the phrases of `placing.kept` beside their words (they
    /// claim their words later, [`Pipeline::claim`]).
    pub(crate) fn counting_pass(
        &self,
        feed: &Feed<'_>,
        placing: Placing<'_>,
    ) -> Result<CountBuilder, Error> {
        let mut workers: Vec<(CountBuilder, Analysis)> =
            (0..self.pool.current_num_threads().max(1))
                .map(|_| Default::default())
                .collect();
        feed.for_each(|segments| {
            let piece = segments.len().div_ceil(workers.len()).max(1);
            segments
                .par_chunks(piece)
                .zip(workers.par_iter_mut())
                .for_each(|(piece, (builder, analysis))| {
                    for segment in piece {
                        builder.add_segment(
                            placing.windows.containing(segment.start),
                            segment.document,
                            segment.end,
                        );
                        let builder = std::cell::RefCell::new(&mut *builder);
                        self.analyze_segment(
                            segment,
                            placing,
                            analysis,
                            |w, token| builder.borrow_mut().add(&token.term, &token.display, w),
                            |w, key, surface, components| {
                                builder.borrow_mut().add_phrase(key, surface, components, w)
                            },
                        );
                    }
                });
        })?;
        Ok(workers
            .into_par_iter()
            .map(|(mut builder, analysis)| {
                builder.add_token_stats(&analysis.stats);
                builder
            })
            .reduce(CountBuilder::new, |mut a, b| {
                a.merge(b);
                a
            }))
    }

    /// Lets the phrases of `counts` claim their words, after dropping those that
    /// are not phrases after all.
    pub(crate) fn claim(&self, counts: Counts) -> (Counts, Vec<Phrase>) {
        if self.phrases.mode == PhraseMode::Off {
            return (counts, Vec::new());
        }
        self.timings
            .time("phrases", || claim::select(counts, &self.phrases))
    }
}
