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
use crate::stem::{Language, LanguageChoice};
use crate::time::{Millis, TimeAxis};
use crate::tokenize::TokenStats;
use crate::tokenize::passages::{self, PassageCounts};
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
    /// How many of its documents hold each passage, when it has enough documents
    /// for copied text to tell (see [`crate::tokenize::passages`]).
    pub passages: Option<PassageCounts>,
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
            };
            group.passages = self.passage_counts(ingested, &group)?;
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

    /// How many of `group`'s documents hold each passage: counted in one pass
    /// over its text when it has at least [`passages::MIN_DOCUMENTS`] documents
    /// (fewer cannot tell copied text from a topic), unless boilerplate is off.
    fn passage_counts(
        &self,
        ingested: &Ingested,
        group: &Group,
    ) -> Result<Option<PassageCounts>, Error> {
        let mut sources = vec![false; ingested.sources.len()];
        for part in &group.parts {
            match part {
                Part::Held(range) => {
                    for segment in &ingested.segments[range.clone()] {
                        sources[segment.source as usize] = true;
                    }
                }
                Part::Streamed(i) => sources[ingested.streamed[*i].source as usize] = true,
            }
        }
        let documents: u64 = ingested
            .sources
            .iter()
            .zip(&sources)
            .filter(|&(_, &in_group)| in_group)
            .map(|(s, _)| s.documents)
            .sum();
        if self.config.boilerplate == Boilerplate::Off
            || documents < u64::from(passages::MIN_DOCUMENTS)
        {
            return Ok(None);
        }
        let mut counts = PassageCounts::default();
        let mut document: Option<u32> = None;
        let mut hashes: Vec<u64> = Vec::new();
        self.timings.time("boilerplate", || {
            self.feed(ingested, group).for_each(|segments| {
                for segment in segments {
                    if document != Some(segment.document) {
                        if document.is_some() {
                            counts.add_document(&mut hashes);
                        }
                        hashes.clear();
                        document = Some(segment.document);
                    }
                    passages::passages(&segment.text, |_, hash| hashes.push(hash));
                }
            })
        })?;
        if document.is_some() {
            counts.add_document(&mut hashes);
        }
        Ok(Some(counts))
    }

    /// `(start, tokens)` per segment, sorted by time: what bins by tokens split.
    fn tokens_by_time(
        &self,
        segments: &[Segment],
        languages: &[Language],
        passages: Option<&PassageCounts>,
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
