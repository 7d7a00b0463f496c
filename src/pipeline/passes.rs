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
use super::tape::{ChunkTape, TapeWriter};
use crate::Error;
use crate::count::claim::{self, Phrase};
use crate::count::speakers::SpeakerBuilder;
use crate::count::{CountBuilder, Counts, Pause, UnitGrid};
use crate::ingest::Segment;
use crate::stem::Language;
use crate::time::Millis;
use crate::tokenize::passages::{Boilerplate, without_boilerplate};
use crate::tokenize::phrases::{Candidates, KeptPhrases, Miner, PhraseMode};
use crate::tokenize::{Analyzer, DropReason, Event, Token, TokenStats};
use crate::window::{Windows, token_time};

/// What the counting pass counted: the timeline's counts, its speakers' (when
/// asked for), how long its segments last, summed, and the tape of its chunks
/// for theme discovery (when asked for).
pub(crate) type Counting = (
    CountBuilder,
    Option<SpeakerBuilder>,
    Millis,
    Option<ChunkTape>,
);

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
    /// The unit grid of each recording, by source index (empty: count no units).
    pub grids: &'a [Option<UnitGrid>],
    /// The boilerplate passages the collection leaves out.
    pub passages: Option<&'a Boilerplate>,
}

impl Placing<'_> {
    /// The unit a token of `segment` at time `at` counts in, if its source is a
    /// recording.
    fn unit(&self, segment: &Segment, at: Millis) -> Option<u32> {
        self.grids
            .get(segment.source as usize)
            .copied()
            .flatten()
            .map(|grid| grid.unit_at(at))
    }
}

impl Pipeline {
    /// A segment's text as the passes analyse it: without its boilerplate
    /// passages, whose words are counted in `stats` as dropped.
    pub(crate) fn text_of<'s>(
        segment: &'s Segment,
        passages: Option<&Boilerplate>,
        analyzer: &Analyzer,
        stats: &mut TokenStats,
    ) -> std::borrow::Cow<'s, str> {
        let Some((text, ranges)) = passages.and_then(|p| without_boilerplate(&segment.text, p))
        else {
            return std::borrow::Cow::Borrowed(&segment.text);
        };
        for range in ranges {
            let mut seen = TokenStats::default();
            analyzer.analyze(&segment.text[range], &mut seen, |_| {});
            stats.drop_words(DropReason::Boilerplate, seen.words);
        }
        std::borrow::Cow::Owned(text)
    }

    /// Analyses one segment: `on_token(windows, at, token)` for every token, with
    /// the windows it falls in and its time, and `on_phrase(windows, at, key,
    /// surface, components)` for every occurrence of a phrase of `placing.kept`
    /// (at the time of its last word).
    pub(crate) fn analyze_segment(
        &self,
        segment: &Segment,
        placing: Placing<'_>,
        analysis: &mut Analysis,
        mut on_token: impl FnMut(Range<usize>, Millis, &Token),
        mut on_phrase: impl FnMut(Range<usize>, Millis, &str, &str, &[&str]),
    ) {
        let len = segment.text.len();
        let language = segment.language_in(placing.languages);
        let Analysis { stats, candidates } = analysis;
        candidates.reset();
        let analyzer = self.analyzers.get(language);
        let text = Pipeline::text_of(segment, placing.passages, analyzer, stats);
        analyzer.analyze(&text, stats, |event| {
            let (in_windows, at) = match &event {
                Event::Token(token) => {
                    let at = token_time(segment.start, segment.end, token.offset, len);
                    let in_windows = placing.windows.containing(at);
                    on_token(in_windows.clone(), at, token);
                    (in_windows, at)
                }
                _ => (0..0, segment.start),
            };
            if !placing.kept.is_empty() {
                candidates.event(&event, placing.kept, |key, surface, components| {
                    on_phrase(in_windows.clone(), at, key, surface, components);
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
        passages: Option<&Boilerplate>,
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
                        let analyzer = self.analyzers.get(segment.language_in(languages));
                        let text = Pipeline::text_of(segment, passages, analyzer, stats);
                        analyzer.analyze(&text, stats, |event| miner.event(&event));
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
    /// ones with `listed`, the `phrase-list`'s when given, else those mined from
    /// the feed. A `phrase-list` of passages only, which has no phrases yet, is
    /// refused where phrases are mined.
    pub(crate) fn phrases_to_count(
        &self,
        feed: &Feed<'_>,
        languages: &[Language],
        passages: Option<&Boilerplate>,
    ) -> Result<KeptPhrases, Error> {
        let listed = || self.phrases.listed.iter().map(String::as_str);
        let list = self.phrase_list.as_ref();
        match (self.phrases.mode, list.map(|l| l.phrases.as_ref())) {
            (PhraseMode::Off, _) => Ok(KeptPhrases::default()),
            (_, Some(Some(phrases))) => Ok(KeptPhrases::new(
                phrases.iter().map(String::as_str).chain(listed()),
            )),
            (PhraseMode::Auto, Some(None)) => Err(crate::shard::ShardError::NoPhrasesYet {
                path: self.phrase_list_path(),
            }
            .into()),
            (PhraseMode::Listed, _) => Ok(KeptPhrases::new(listed())),
            (PhraseMode::Auto, None) => {
                let miner = self
                    .timings
                    .time("phrases", || self.mining_pass(feed, languages, passages))?;
                let keys = miner.kept(&self.phrases);
                Ok(KeptPhrases::new(keys.iter().map(String::as_str)))
            }
        }
    }

    /// The counting pass: tokenizes, stems, windows and counts the feed in
    /// parallel, counting the phrases of `placing.kept` beside their words (they
    /// claim their words later, [`Pipeline::claim`]). With `speakers`, each
    /// speaker's tokens are also counted on their own (see
    /// [`crate::count::speakers`]). With `tape`, what theme discovery cuts into
    /// chunks is recorded (see [`super::tape`]).
    pub(crate) fn counting_pass(
        &self,
        feed: &Feed<'_>,
        placing: Placing<'_>,
        speakers: bool,
        tape: bool,
    ) -> Result<Counting, Error> {
        type Worker = (
            CountBuilder,
            Analysis,
            Option<SpeakerBuilder>,
            Millis,
            Option<TapeWriter>,
        );
        let mut workers: Vec<Worker> = (0..self.pool.current_num_threads().max(1))
            .map(|_| {
                (
                    CountBuilder::default(),
                    Analysis::default(),
                    speakers.then(SpeakerBuilder::new),
                    0,
                    tape.then(TapeWriter::default),
                )
            })
            .collect();
        // The segment before each batch, for the silence before its first one.
        let mut before: Option<Segment> = None;
        let mut batch = 0;
        feed.for_each(|segments| {
            let size = segments.len().div_ceil(workers.len()).max(1);
            segments
                .par_chunks(size)
                .enumerate()
                .zip(workers.par_iter_mut())
                .for_each(
                    |((k, piece), (builder, analysis, by_speaker, spoken, tape))| {
                        // Every chunk but the last is `size` long.
                        let mut previous = match k {
                            0 => before.as_ref(),
                            k => segments.get(k * size - 1),
                        };
                        if let Some(tape) = tape.as_mut() {
                            tape.batch(batch);
                        }
                        for segment in piece {
                            if let Some(tape) = tape.as_mut() {
                                tape.segment(segment.document, segment.speaker);
                            }
                            let starts_in = placing.windows.containing(segment.start);
                            builder.add_segment(starts_in.clone(), segment.document, segment.end);
                            self.note_pause(builder, placing, segment, previous);
                            previous = Some(segment);
                            *spoken += (segment.end - segment.start).max(0);
                            let speaker = by_speaker.as_mut().map(|s| {
                                s.add_segment(
                                    segment.speaker,
                                    starts_in,
                                    segment.document,
                                    segment.start,
                                    segment.end,
                                )
                            });
                            let builders =
                                std::cell::RefCell::new((&mut *builder, speaker, tape.as_mut()));
                            self.analyze_segment(
                                segment,
                                placing,
                                analysis,
                                |w, at, token| {
                                    let unit = placing.unit(segment, at);
                                    let (builder, speaker, tape) = &mut *builders.borrow_mut();
                                    if let Some(speaker) = speaker {
                                        speaker.add(&token.term, &token.display, w.clone());
                                    }
                                    let id = builder.add_at(
                                        &token.term,
                                        &token.display,
                                        w.clone(),
                                        unit,
                                    );
                                    if let Some(tape) = tape {
                                        tape.token(&w, id);
                                    }
                                },
                                |w, at, key, surface, components| {
                                    let unit = placing.unit(segment, at);
                                    let (builder, speaker, tape) = &mut *builders.borrow_mut();
                                    if let Some(speaker) = speaker {
                                        speaker.add_phrase(key, surface, components, w.clone());
                                    }
                                    let id = builder.add_phrase_at(
                                        key,
                                        surface,
                                        components,
                                        w.clone(),
                                        unit,
                                    );
                                    if let Some(tape) = tape {
                                        tape.phrase(&w, id);
                                    }
                                },
                            );
                        }
                        builder.end_piece();
                        builder.end_batch();
                        if let Some(s) = by_speaker {
                            s.end_piece();
                        }
                    },
                );
            before = segments.last().cloned();
            batch += 1;
        })?;
        // The tapes keep their workers' term keys: the builders merge into one
        // with other ids.
        let mut chunk_tape = tape.then(ChunkTape::default);
        for (builder, _, _, _, writer) in &mut workers {
            if let (Some(chunk_tape), Some(writer)) = (chunk_tape.as_mut(), writer.take()) {
                chunk_tape.add(writer, builder.term_keys().map(Box::from).collect());
            }
        }
        let (builder, by_speaker, spoken) = workers
            .into_par_iter()
            .map(|(mut builder, analysis, by_speaker, spoken, _)| {
                builder.add_token_stats(&analysis.stats);
                (builder, by_speaker, spoken)
            })
            // No empty builder to start from: merging the first worker into one
            // would copy its counts while they are still held.
            .reduce_with(|(mut a, mut sa, ta), (b, sb, tb)| {
                a.merge(b);
                if let (Some(sa), Some(sb)) = (sa.as_mut(), sb) {
                    sa.merge(sb);
                }
                (a, sa, ta + tb)
            })
            .unwrap_or_else(|| (CountBuilder::new(), speakers.then(SpeakerBuilder::new), 0));
        Ok((builder, by_speaker, spoken, chunk_tape))
    }

    /// Notes where a chapter boundary could be placed: the start of `segment`,
    /// with the silence since `previous` (the segment before it in reading order).
    fn note_pause(
        &self,
        builder: &mut CountBuilder,
        placing: Placing<'_>,
        segment: &Segment,
        previous: Option<&Segment>,
    ) {
        let Some(grid) = placing
            .grids
            .get(segment.source as usize)
            .copied()
            .flatten()
        else {
            return;
        };
        let since = match previous {
            Some(p) if p.source == segment.source => p.end,
            _ => grid.origin,
        };
        for (unit, edge) in grid.edges_near(segment.start) {
            builder.add_pause(
                unit,
                Pause {
                    edge,
                    at: segment.start,
                    silence: segment.start - since,
                },
            );
        }
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
