//! How a run proceeds once its inputs are read: the time axis, each source's
//! language, and the timelines with their windows.

use rayon::prelude::*;

use super::Pipeline;
use super::corpus::{Feed, Part, source_parts};
use crate::Error;
use crate::config::GroupBy;
use crate::ingest::{Ingested, Segment};
use crate::stem::{Language, LanguageChoice};
use crate::time::{Millis, TimeAxis};
use crate::tokenize::TokenStats;
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
}

impl Pipeline {
    /// The segments of `group`, for a pass.
    pub(crate) fn feed<'a>(&'a self, ingested: &'a Ingested, group: &'a Group) -> Feed<'a> {
        Feed::new(ingested, &group.parts, &self.ingest_options)
    }

    /// Settles the time axis (anchoring recordings at `start`), each source's
    /// language, and the timelines with their resolved windows.
    pub(crate) fn plan(&self, ingested: &mut Ingested) -> Result<Plan, Error> {
        let axis = ingested.resolve_axis(self.config.anchor())?;
        let languages = self.assign_languages(ingested);
        let parts = source_parts(ingested);
        let mut groups_parts: Vec<(Option<String>, Vec<Part>)> = Vec::new();
        match self.config.group_by {
            GroupBy::None => {
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
            let mut group = Group {
                source,
                parts,
                extent,
                windows: Windows::Grid(WindowGrid::new(1, None)),
            };
            let mut failed = None;
            group.windows = Windows::resolve(&spec, axis, extent, &self.config.tz, |bins| {
                let mut pairs = Vec::new();
                let read = self.feed(ingested, &group).for_each(|segments| {
                    pairs.extend(self.tokens_by_time(segments, &languages));
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

    /// `(start, tokens)` per segment, sorted by time: what bins by tokens split.
    fn tokens_by_time(&self, segments: &[Segment], languages: &[Language]) -> Vec<(Millis, u64)> {
        let mut pairs: Vec<(Millis, u64)> = segments
            .par_iter()
            .map(|segment| {
                let mut stats = TokenStats::default();
                let analyzer = self.analyzers.get(segment.language_in(languages));
                analyzer.tokens(&segment.text, &mut stats, |_| {});
                (segment.start, stats.kept)
            })
            .collect();
        pairs.sort_unstable();
        pairs
    }
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
