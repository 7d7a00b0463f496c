//! Counts per speaker: the same per-window counts as a timeline's, split by who
//! speaks.
//!
//! A speaker is a name, not an ingest index: readers number speakers per run, so
//! two shards (or two runs) may give one person two numbers, or two people one.
//! While counting, a worker files each segment's tokens under the speaker index
//! the segment carries, in a [`CountBuilder`] of that speaker's own; when it
//! finishes, the indices become names and the speakers are sorted by name. Shards
//! and threads then merge speaker by speaker, by name, with the same addition as
//! the timeline's counts, so the split never shows. Segments whose input names no
//! speaker belong to the speaker named [`UNKNOWN`]: their text is kept and
//! counted, and every window's tokens add up across its speakers.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{CountBuilder, Counts};
use crate::time::Millis;

/// The name of the speaker of segments whose input names none: the empty
/// string, which no reader gives a real speaker (blank names are no names).
pub const UNKNOWN: &str = "";

/// One speaker's counts in one timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpeakerCounts {
    /// The speaker's name ([`UNKNOWN`] for segments without one).
    pub name: String,
    /// How long the speaker's segments last, summed, in milliseconds.
    pub spoken: Millis,
    /// Their counts, on the timeline's windows (no unit counts: chapters belong
    /// to the recording).
    pub counts: Counts,
}

/// One worker's counts per speaker index, while counting.
#[derive(Debug, Default)]
pub struct SpeakerBuilder {
    /// By slot: 0 for segments without a speaker, `id + 1` for speaker `id`.
    slots: Vec<Option<(CountBuilder, Millis)>>,
}

impl SpeakerBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        SpeakerBuilder::default()
    }

    /// Records a segment of `speaker` (an ingest index, `None` for none) of
    /// `document`, starting in `windows`, from `start` to `end`; returns the
    /// builder its tokens go to.
    pub fn add_segment(
        &mut self,
        speaker: Option<u32>,
        windows: Range<usize>,
        document: u32,
        start: Millis,
        end: Millis,
    ) -> &mut CountBuilder {
        let slot = speaker.map_or(0, |id| id as usize + 1);
        if self.slots.len() <= slot {
            self.slots.resize_with(slot + 1, || None);
        }
        let (builder, spoken) = self.slots[slot].get_or_insert_with(Default::default);
        builder.add_segment(windows, document, end);
        *spoken += (end - start).max(0);
        builder
    }

    /// The worker's piece of the text ends (see [`CountBuilder::end_piece`]).
    pub fn end_piece(&mut self) {
        for (builder, _) in self.slots.iter_mut().flatten() {
            builder.end_piece();
        }
    }

    /// Adds another worker's counts of the same run (the same speaker indices).
    pub fn merge(&mut self, other: SpeakerBuilder) {
        if self.slots.len() < other.slots.len() {
            self.slots.resize_with(other.slots.len(), || None);
        }
        for (mine, theirs) in self.slots.iter_mut().zip(other.slots) {
            match (mine.as_mut(), theirs) {
                (Some((builder, spoken)), Some((other, more))) => {
                    builder.merge(other);
                    *spoken += more;
                }
                (None, Some(theirs)) => *mine = Some(theirs),
                (_, None) => {}
            }
        }
    }

    /// The counts of every speaker met, named from `names` (the run's speakers,
    /// by index), sorted by name, each with at least `windows` windows.
    pub fn finish(self, names: &[String], windows: usize) -> Vec<SpeakerCounts> {
        let mut speakers: Vec<SpeakerCounts> = self
            .slots
            .into_iter()
            .enumerate()
            .filter_map(|(slot, built)| {
                let (builder, spoken) = built?;
                let name = match slot {
                    0 => UNKNOWN.to_string(),
                    slot => names.get(slot - 1).cloned().unwrap_or_default(),
                };
                Some(SpeakerCounts {
                    name,
                    spoken,
                    counts: builder.finish(windows),
                })
            })
            .collect();
        // A reader never names a speaker blank, but two slots of one name would
        // merge by name anyway.
        speakers.sort_by(|a, b| a.name.cmp(&b.name));
        merge(speakers, Vec::new())
    }
}

/// The speakers of two parts of a timeline, merged by name (both sorted by name;
/// so is the result). Window counts merge as [`Counts::merge`] does.
pub fn merge(a: Vec<SpeakerCounts>, b: Vec<SpeakerCounts>) -> Vec<SpeakerCounts> {
    let mut all: Vec<SpeakerCounts> = a.into_iter().chain(b).collect();
    all.sort_by(|x, y| x.name.cmp(&y.name));
    let mut merged: Vec<SpeakerCounts> = Vec::with_capacity(all.len());
    for speaker in all {
        match merged.last_mut() {
            Some(last) if last.name == speaker.name => {
                let counts = std::mem::take(&mut last.counts);
                last.counts = counts.merge(speaker.counts);
                last.spoken += speaker.spoken;
            }
            _ => merged.push(speaker),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts `(speaker, window, term)` tokens, one segment and document each, a
    /// second apart, numbering documents (and seconds) from `first`.
    fn build_from(tokens: &[(Option<u32>, usize, &str)], first: u32) -> SpeakerBuilder {
        let mut b = SpeakerBuilder::new();
        for (i, &(speaker, w, term)) in tokens.iter().enumerate() {
            let n = first + i as u32;
            let start = Millis::from(n) * 1000;
            b.add_segment(speaker, w..w + 1, n, start, start + 500)
                .add(term, term, w..w + 1);
        }
        b
    }

    fn build(tokens: &[(Option<u32>, usize, &str)]) -> SpeakerBuilder {
        build_from(tokens, 0)
    }

    #[test]
    fn speakers_are_named_sorted_and_the_unnamed_kept() {
        let names = vec!["Zoe".to_string(), "Adam".to_string()];
        let speakers =
            build(&[(Some(0), 0, "a"), (None, 0, "b"), (Some(1), 1, "c")]).finish(&names, 2);
        let got: Vec<(&str, u64, Millis)> = speakers
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.counts.windows.iter().map(|w| w.tokens).sum(),
                    s.spoken,
                )
            })
            .collect();
        assert_eq!(got, [("", 1, 500), ("Adam", 1, 500), ("Zoe", 1, 500)]);
        assert!(speakers.iter().all(|s| s.counts.windows.len() == 2));
    }

    #[test]
    fn workers_and_shards_merge_to_the_whole() {
        let names = vec!["A".to_string(), "B".to_string()];
        let all = [
            (Some(0), 0, "x"),
            (Some(1), 0, "y"),
            (None, 1, "x"),
            (Some(0), 1, "y"),
        ];
        let whole = build(&all).finish(&names, 2);
        let mut first = build(&all[..2]);
        first.merge(build_from(&all[2..], 2));
        assert_eq!(first.finish(&names, 2), whole);
        // Shards number their speakers apart: only names join them.
        let a = build(&all[..2]).finish(&names, 2);
        let swapped = vec!["B".to_string(), "A".to_string()];
        let b = build_from(&[(None, 1, "x"), (Some(1), 1, "y")], 2).finish(&swapped, 2);
        assert_eq!(merge(a, b), whole);
    }
}
