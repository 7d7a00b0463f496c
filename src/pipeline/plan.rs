//! How a run proceeds once its inputs are read: the time axis, each source's
//! language, and the timelines with their windows.

use rayon::prelude::*;

use super::Pipeline;
use super::corpus::{Feed, Part, source_parts};
use crate::Error;
use crate::config::GroupBy;
use crate::count::UnitGrid;
use crate::ingest::{Ingested, Segment};
use crate::score::Boilerplate;
use crate::shard::{PassagesFound, PassagesLeftOut, ShardError};
use crate::stem::{Language, LanguageChoice};
use crate::time::{Millis, TimeAxis};
use crate::tokenize::TokenStats;
use crate::tokenize::passages::{self, PassageCounts, PassageTally};
use crate::window::{Extent, WindowGrid, Windows, token_bin_edges};

/// The settled shape of a run: offsets or instants, the timelines, and the
/// language of each source.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Offsets or instants.
    pub axis: TimeAxis,
    /// One timeline, or one per source.
    pub groups: Vec<Group>,
    /// The language of each source, by source index.
    pub languages: Vec<Language>,
}

/// Segments that share one timeline, and that timeline's windows.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// The source, when timelines are per source.
    pub source: Option<String>,
    /// Where its segments are, in reading order.
    pub parts: Vec<Part>,
    /// The extent of its data.
    pub extent: Extent,
    /// Its windows.
    pub windows: Windows,
    /// The unit grid of each of its recordings, by source index (none for dated
    /// documents), for segmentation.
    pub grids: Vec<Option<UnitGrid>>,
    /// The boilerplate passages it leaves out: those its own documents repeat,
    /// when it has enough of them for copied text to tell, or those a phrase
    /// list chose over all shards (see [`crate::tokenize::passages`]).
    pub passages: Option<passages::Boilerplate>,
    /// How they were found, as a shard records it.
    pub left_out: PassagesLeftOut,
}

impl Group {
    /// Whether any of its segments names its speaker: then its counts are also
    /// kept per speaker.
    pub(crate) fn has_speakers(&self, ingested: &Ingested) -> bool {
        self.parts.iter().any(|part| match part {
            Part::Held(range) => ingested.segments[range.clone()]
                .iter()
                .any(|s| s.speaker.is_some()),
            Part::Streamed(i) => !ingested.streamed[*i].speakers.is_empty(),
        })
    }
}

impl Pipeline {
    /// The segments of `group`, for a pass.
    pub(crate) fn feed<'a>(&'a self, ingested: &'a Ingested, group: &'a Group) -> Feed<'a> {
        Feed::new(ingested, &group.parts, &self.ingest_options)
    }

    /// Settles the time axis (anchoring recordings at `start`), each source's
    /// language, and the timelines with their resolved windows.
    pub(crate) fn plan(&self, ingested: &mut Ingested) -> Result<Plan, Error> {
        // Recordings are timed from their start; anchoring them moves them onto
        // the axis of instants, but they stay recordings, with chapters.
        let recordings: Vec<bool> = ingested
            .sources
            .iter()
            .map(|s| s.axis == Some(TimeAxis::Offset))
            .collect();
        let anchor = self.config.anchor();
        let axis = ingested.resolve_axis(anchor)?;
        let languages = self.assign_languages(ingested);
        let groups_parts = self.timeline_parts(ingested);
        let spec = self.config.window_spec();
        let mut groups = Vec::with_capacity(groups_parts.len());
        for (source, parts) in groups_parts {
            let extent = group_extent(ingested, &parts, axis);
            let grids = unit_grids(ingested, &parts, &recordings, anchor.unwrap_or(0));
            let mut group = Group {
                source,
                parts,
                extent,
                windows: Windows::Grid(WindowGrid::new(1, None)),
                grids,
                passages: None,
                left_out: PassagesLeftOut {
                    documents: 0,
                    found: PassagesFound::Off,
                },
            };
            (group.passages, group.left_out) = self.boilerplate(ingested, &group)?;
            // `window` auto: recordings by five minutes, dated documents by
            // their span.
            let recordings = group.grids.iter().any(Option::is_some);
            let spec = spec.settle(axis, extent, recordings)?;
            let mut failed = None;
            group.windows = Windows::resolve(&spec, axis, extent, &self.config.tz, |bins| {
                let mut pairs = Vec::new();
                let read = self.feed(ingested, &group).for_each(|segments| {
                    pairs.extend(self.tokens_by_time(
                        segments,
                        &languages,
                        group.passages.as_ref(),
                    ));
                });
                if let Err(e) = read {
                    failed = Some(e);
                }
                pairs.sort_unstable();
                token_bin_edges(&pairs, bins)
            })?;
            if let Some(e) = failed {
                return Err(e.into());
            }
            groups.push(group);
        }
        Ok(Plan {
            axis,
            groups,
            languages,
        })
    }

    /// The parts of each timeline: one of all the segments, or one per source.
    pub(crate) fn timeline_parts(&self, ingested: &Ingested) -> Vec<(Option<String>, Vec<Part>)> {
        let parts = source_parts(ingested);
        let mut groups_parts: Vec<(Option<String>, Vec<Part>)> = Vec::new();
        match self.config.group_by {
            // Speakers' timelines are cut from the one timeline's counts.
            GroupBy::None | GroupBy::Speaker => {
                let mut all: Vec<Part> = Vec::new();
                for part in parts.into_iter().flatten() {
                    // Adjacent held runs make one.
                    match (all.last_mut(), &part) {
                        (Some(Part::Held(run)), Part::Held(next)) if run.end == next.start => {
                            run.end = next.end;
                        }
                        _ => all.push(part),
                    }
                }
                groups_parts.push((None, all));
            }
            GroupBy::Source => {
                for (id, part) in parts.into_iter().enumerate() {
                    if let Some(part) = part {
                        groups_parts.push((Some(ingested.sources[id].path.clone()), vec![part]));
                    }
                }
            }
        }
        groups_parts
    }

    /// Each source's language: the fixed one, or detected from a sample of its
    /// text. Records it (and the detector's confidence) in the source.
    fn assign_languages(&self, ingested: &mut Ingested) -> Vec<Language> {
        /// Enough text for a reliable guess; more only costs time.
        const SAMPLE: usize = 20_000;
        let mut samples = vec![String::new(); ingested.sources.len()];
        if self.config.language == LanguageChoice::Auto {
            for streamed in &ingested.streamed {
                samples[streamed.source as usize] = streamed.sample.clone();
            }
            for segment in &ingested.segments {
                let sample = &mut samples[segment.source as usize];
                if sample.len() < SAMPLE {
                    let take = segment
                        .text
                        .floor_char_boundary((SAMPLE - sample.len()).min(segment.text.len()));
                    sample.push_str(&segment.text[..take]);
                    sample.push(' ');
                }
            }
        }
        ingested
            .sources
            .iter_mut()
            .zip(samples)
            .map(|(source, sample)| {
                let (language, confidence) = match self.config.language {
                    LanguageChoice::Fixed(language) => (language, None),
                    LanguageChoice::Auto => match Language::detect(&sample) {
                        Some((language, confidence)) => (language, Some(confidence)),
                        None => (Language::English, None),
                    },
                };
                source.language = Some(language);
                source.language_confidence = confidence;
                language
            })
            .collect()
    }

    /// The boilerplate passages `group` leaves out, and how they were found:
    /// none with `boilerplate` off; those of the phrase list, chosen over all
    /// shards, when it has some; else those its own documents repeat, counted in
    /// one pass over its text when it has enough documents to tell
    /// ([`passages::detects`]).
    fn boilerplate(
        &self,
        ingested: &Ingested,
        group: &Group,
    ) -> Result<(Option<passages::Boilerplate>, PassagesLeftOut), Error> {
        let documents = documents_of(ingested, &group.parts);
        let left_out = |found| PassagesLeftOut { documents, found };
        if self.config.boilerplate == Boilerplate::Off {
            return Ok((None, left_out(PassagesFound::Off)));
        }
        if let Some(selection) = self.phrase_list.as_ref().and_then(|l| l.passages.as_ref()) {
            if group.source.is_some() {
                return Err(ShardError::PooledPassages {
                    path: self.phrase_list_path(),
                }
                .into());
            }
            return Ok((
                Some(selection.to_boilerplate()),
                left_out(PassagesFound::Selected(selection.clone())),
            ));
        }
        if !passages::detects(documents) {
            return Ok((None, left_out(PassagesFound::Own)));
        }
        let mut counts = PassageCounts::default();
        self.each_document_passages(&self.feed(ingested, group), |hashes| {
            counts.add_document(hashes);
        })?;
        Ok((
            Some(passages::Boilerplate::Counted(counts)),
            left_out(PassagesFound::Own),
        ))
    }

    /// How many of the documents of the one timeline hold each passage, exactly
    /// (what a shard of passages holds), and how many documents it has.
    pub(crate) fn passage_tally(&self, ingested: &Ingested) -> Result<(u64, PassageTally), Error> {
        let parts: Vec<Part> = self
            .timeline_parts(ingested)
            .into_iter()
            .flat_map(|(_, parts)| parts)
            .collect();
        let mut tally = PassageTally::default();
        let feed = Feed::new(ingested, &parts, &self.ingest_options);
        self.each_document_passages(&feed, |hashes| tally.add_document(hashes))?;
        Ok((documents_of(ingested, &parts), tally))
    }

    /// Hands `each` the passages of every document of `feed` in turn, by hash.
    fn each_document_passages(
        &self,
        feed: &Feed<'_>,
        mut each: impl FnMut(&mut Vec<u64>),
    ) -> Result<(), Error> {
        let mut document: Option<u32> = None;
        let mut hashes: Vec<u64> = Vec::new();
        self.timings.time("boilerplate", || {
            feed.for_each(|segments| {
                for segment in segments {
                    if document != Some(segment.document) {
                        if document.is_some() {
                            each(&mut hashes);
                        }
                        hashes.clear();
                        document = Some(segment.document);
                    }
                    passages::passages(&segment.text, |_, hash| hashes.push(hash));
                }
            })
        })?;
        if document.is_some() {
            each(&mut hashes);
        }
        Ok(())
    }

    /// `(start, tokens)` per segment, sorted by time: what bins by tokens split.
    fn tokens_by_time(
        &self,
        segments: &[Segment],
        languages: &[Language],
        passages: Option<&passages::Boilerplate>,
    ) -> Vec<(Millis, u64)> {
        let mut pairs: Vec<(Millis, u64)> = segments
            .par_iter()
            .map(|segment| {
                let mut stats = TokenStats::default();
                let analyzer = self.analyzers.get(segment.language_in(languages));
                let text = Pipeline::text_of(segment, passages, analyzer, &mut stats);
                analyzer.tokens(&text, &mut stats, |_| {});
                (segment.start, stats.kept)
            })
            .collect();
        pairs.sort_unstable();
        pairs
    }
}

/// The unit grids of the recordings among `parts`, by source index: each from
/// `origin` to its last segment's end.
fn unit_grids(
    ingested: &Ingested,
    parts: &[Part],
    recordings: &[bool],
    origin: Millis,
) -> Vec<Option<UnitGrid>> {
    let mut ends: Vec<Option<Millis>> = vec![None; ingested.sources.len()];
    for part in parts {
        match part {
            Part::Held(range) => {
                for segment in &ingested.segments[range.clone()] {
                    let end = &mut ends[segment.source as usize];
                    *end = Some(
                        end.unwrap_or(Millis::MIN)
                            .max(segment.end.max(segment.start + 1)),
                    );
                }
            }
            Part::Streamed(i) => {
                let streamed = &ingested.streamed[*i];
                ends[streamed.source as usize] = Some(streamed.end);
            }
        }
    }
    let chosen: Vec<(usize, Millis)> = ends
        .iter()
        .enumerate()
        .filter(|&(source, _)| recordings[source])
        .filter_map(|(source, end)| end.map(|end| (source, end)))
        .collect();
    let durations: Vec<(Millis, Millis)> = chosen
        .iter()
        .map(|&(_, end)| (origin, (end - origin).max(1)))
        .collect();
    let mut grids = vec![None; ingested.sources.len()];
    for (&(source, _), grid) in chosen.iter().zip(UnitGrid::for_recordings(&durations)) {
        grids[source] = Some(grid);
    }
    grids
}

/// The extent of a group's segments, held and streamed.
fn group_extent(ingested: &Ingested, parts: &[Part], axis: TimeAxis) -> Extent {
    let mut held = Vec::new();
    let (mut start, mut end) = (Millis::MAX, Millis::MIN);
    for part in parts {
        match part {
            Part::Held(range) => held.push(extent(&ingested.segments[range.clone()], axis)),
            Part::Streamed(i) => {
                let streamed = &ingested.streamed[*i];
                start = start.min(streamed.start);
                end = end.max(streamed.end);
            }
        }
    }
    for e in held {
        start = start.min(e.start);
        end = end.max(e.end);
    }
    match axis {
        TimeAxis::Offset => Extent {
            start: 0,
            end: end.max(1),
        },
        TimeAxis::Instant if start == Millis::MAX => Extent { start: 0, end: 1 },
        TimeAxis::Instant => Extent { start, end },
    }
}

/// The extent of some segments: recordings start at 0, dated documents at the
/// first date; the end is just after the last time.
fn extent(segments: &[Segment], axis: TimeAxis) -> Extent {
    let start = match axis {
        TimeAxis::Offset => 0,
        TimeAxis::Instant => segments.iter().map(|s| s.start).min().unwrap_or(0),
    };
    let end = segments
        .iter()
        .map(|s| s.end.max(s.start + 1))
        .max()
        .unwrap_or(start + 1);
    Extent { start, end }
}

/// The documents of the sources among `parts`: what the boilerplate rule counts.
fn documents_of(ingested: &Ingested, parts: &[Part]) -> u64 {
    let mut sources = vec![false; ingested.sources.len()];
    for part in parts {
        match part {
            Part::Held(range) => {
                for segment in &ingested.segments[range.clone()] {
                    sources[segment.source as usize] = true;
                }
            }
            Part::Streamed(i) => sources[ingested.streamed[*i].source as usize] = true,
        }
    }
    ingested
        .sources
        .iter()
        .zip(&sources)
        .filter(|&(_, &in_group)| in_group)
        .map(|(s, _)| s.documents)
        .sum()
}
