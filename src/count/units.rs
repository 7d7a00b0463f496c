//! Term counts per short time unit of each recording, and the pauses between
//! segments: what segmentation reads, counted in the same pass as the windows.
//!
//! Units are a second, finer grid beside the run's windows: every recording is
//! cut into units of 30 s (longer for a recording of more than 83 hours, see
//! [`UnitGrid::for_recordings`]), numbered across the recordings of a timeline. A counting worker sees a segment's tokens in time order, so it keeps
//! the tokens of the unit it is in and files them when the unit changes: a push
//! per token on the hot path. Beside the counts, each inner unit edge keeps the
//! segment start nearest it with the longest silence before it (within half a
//! unit), where a chapter boundary at that edge will be placed.
//!
//! Like a window's, a unit's counts are packed once the worker has moved past it
//! (a batch ends without a token in it): on a long recording the units hold as
//! many pairs as the windows do.

use serde::{Deserialize, Serialize};

use super::TermId;
use super::filed::add_sorted;
use super::packed::Packed;
use crate::time::Millis;

/// The units of one recording: `count` units of `unit` ms from `origin` on the
/// run's axis, numbered from `base` among the timeline's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitGrid {
    /// The recording's first unit among the timeline's.
    pub base: u32,
    /// How many units it has.
    pub count: u32,
    /// The length of a unit.
    pub unit: Millis,
    /// Where the recording starts on the run's axis (0, or its `start` anchor).
    pub origin: Millis,
    /// How long it lasts: to the end of its last segment.
    pub duration: Millis,
}

/// How many units one recording has at most: 83 hours at 30 s. A longer
/// recording gets longer units. The length depends on the recording alone, so
/// shards that hold different recordings choose as a run over all of them does.
pub const MAX_UNITS: u64 = 10_000;

/// The unit length chapters are found at.
pub const UNIT: Millis = 30_000;

impl UnitGrid {
    /// The grids of recordings given as `(origin, duration)`, numbered in order:
    /// units of [`UNIT`], or of a whole multiple of it for a recording that would
    /// have more than [`MAX_UNITS`].
    pub fn for_recordings(recordings: &[(Millis, Millis)]) -> Vec<UnitGrid> {
        let mut base = 0u32;
        recordings
            .iter()
            .map(|&(origin, duration)| {
                let at_unit = (duration.max(1) as u64).div_ceil(UNIT as u64);
                let unit = UNIT * at_unit.div_ceil(MAX_UNITS) as Millis;
                let count = (duration.max(1) as u64).div_ceil(unit as u64) as u32;
                let grid = UnitGrid {
                    base,
                    count,
                    unit,
                    origin,
                    duration: duration.max(1),
                };
                base += count;
                grid
            })
            .collect()
    }

    /// The timeline-wide index of the unit holding time `t`.
    pub fn unit_at(&self, t: Millis) -> u32 {
        let u = ((t - self.origin).max(0) / self.unit).min(self.count as Millis - 1);
        self.base + u as u32
    }

    /// The inner edges (timeline-wide unit index `i`: the edge before unit `i`)
    /// within half a unit of `t`.
    pub fn edges_near(&self, t: Millis) -> impl Iterator<Item = (u32, Millis)> + '_ {
        let offset = t - self.origin;
        let nearest = (offset + self.unit / 2).div_euclid(self.unit);
        (nearest - 1..=nearest + 1)
            .filter(move |&g| g >= 1 && g < self.count as Millis)
            .map(move |g| (g, self.origin + g * self.unit))
            .filter(move |&(_, edge)| (edge - t).abs() <= self.unit / 2)
            .map(move |(g, edge)| (self.base + g as u32, edge))
    }
}

/// A segment start where a chapter boundary may be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pause {
    /// The unit edge it is near.
    pub edge: Millis,
    /// The segment's start.
    pub at: Millis,
    /// The silence before it: its start minus the previous segment's end.
    pub silence: Millis,
}

impl Pause {
    /// Whether `self` is a better place for a boundary at its edge than `other`:
    /// a longer silence, then nearer the edge, then earlier.
    pub fn better_than(&self, other: &Pause) -> bool {
        let key = |p: &Pause| (std::cmp::Reverse(p.silence), (p.at - p.edge).abs(), p.at);
        key(self) < key(other)
    }
}

/// Finished unit counts of a timeline's recordings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitCounts {
    /// `(term, count)` pairs of each unit, sorted by term.
    #[schemars(with = "Vec<Vec<(TermId, u64)>>")]
    pub counts: Vec<Packed>,
    /// The best pause at the edge before each unit.
    pub pauses: Vec<Option<Pause>>,
}

impl UnitCounts {
    /// Whether there are no units (dated documents have none).
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.pauses.is_empty()
    }
}

/// Unit counts while counting: one per worker, merged like the window counts.
#[derive(Debug, Default)]
pub(super) struct UnitBuilder {
    /// The unit whose tokens `pending` holds (`u32::MAX`: none).
    current: u32,
    pending: Vec<TermId>,
    /// The counts of units being counted in, sorted by term.
    counts: Vec<Vec<(TermId, u64)>>,
    /// The counts of packed units (a unit's are here or in `counts`, not both).
    packed: Vec<Packed>,
    /// Whether tokens were filed into each unit since the last batch ended.
    touched: Vec<bool>,
    /// The units filed into since the last batch ended, and during the one before.
    recent: Vec<u32>,
    idle: Vec<u32>,
    pauses: Vec<Option<Pause>>,
}

impl UnitBuilder {
    /// Notes a token of `term` in `unit`.
    pub(super) fn add(&mut self, unit: u32, term: TermId) {
        if unit != self.current || self.pending.is_empty() {
            self.flush();
            self.current = unit;
        }
        self.pending.push(term);
    }

    /// Notes a segment start near the edge before `unit`.
    pub(super) fn pause(&mut self, unit: u32, pause: Pause) {
        let i = unit as usize;
        if self.pauses.len() <= i {
            self.pauses.resize(i + 1, None);
        }
        if self.pauses[i].is_none_or(|best| pause.better_than(&best)) {
            self.pauses[i] = Some(pause);
        }
    }

    /// Files the pending tokens into their unit.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.sort_unstable();
        let i = self.current as usize;
        self.grow(i + 1);
        self.unpack(i);
        if !self.touched[i] {
            self.touched[i] = true;
            self.recent.push(i as u32);
        }
        let mut run: Vec<(TermId, u64)> = Vec::new();
        for &term in &self.pending {
            match run.last_mut() {
                Some((t, n)) if *t == term => *n += 1,
                _ => run.push((term, 1)),
            }
        }
        self.pending.clear();
        add_sorted(&mut self.counts[i], &run);
    }

    /// Room for `n` units.
    fn grow(&mut self, n: usize) {
        if self.counts.len() < n {
            self.counts.resize_with(n, Vec::new);
            self.packed.resize_with(n, Packed::new);
            self.touched.resize(n, false);
        }
    }

    /// Makes unit `i`'s counts a vector again.
    fn unpack(&mut self, i: usize) {
        if !self.packed[i].is_empty() {
            self.counts[i] = std::mem::take(&mut self.packed[i]).to_vec();
        }
    }

    /// Packs unit `i`'s counts, freeing the vector.
    fn pack(&mut self, i: usize) {
        if !self.counts[i].is_empty() {
            self.packed[i] = Packed::from_sorted(&std::mem::take(&mut self.counts[i]));
        }
    }

    /// Unit `i`'s counts, taken out of the builder.
    fn take(&mut self, i: usize) -> Vec<(TermId, u64)> {
        self.unpack(i);
        std::mem::take(&mut self.counts[i])
    }

    /// A batch of segments ends: the units filed into during the batch before but
    /// not this one are packed.
    pub(super) fn end_batch(&mut self) {
        self.flush();
        for i in std::mem::take(&mut self.idle) {
            if !self.touched[i as usize] {
                self.pack(i as usize);
            }
        }
        for &i in &self.recent {
            self.touched[i as usize] = false;
        }
        self.idle = std::mem::take(&mut self.recent);
    }

    /// Adds another builder's units, its term ids mapped by `remap`.
    pub(super) fn merge(&mut self, mut other: UnitBuilder, remap: &[TermId]) {
        self.flush();
        other.flush();
        self.grow(other.counts.len());
        // Unit by unit, each packed once added (see `CountBuilder::merge`).
        for i in 0..other.counts.len() {
            let mut mapped = other.take(i);
            if mapped.is_empty() {
                continue;
            }
            for pair in &mut mapped {
                pair.0 = remap[pair.0 as usize];
            }
            mapped.sort_unstable();
            self.unpack(i);
            add_sorted(&mut self.counts[i], &mapped);
            self.pack(i);
        }
        for (i, pause) in other.pauses.into_iter().enumerate() {
            if let Some(pause) = pause {
                self.pause(i as u32, pause);
            }
        }
    }

    /// Drops the terms for which `keep` is false (by this builder's ids).
    pub(super) fn retain(&mut self, keep: impl Fn(TermId) -> bool) {
        self.flush();
        for i in 0..self.counts.len() {
            let packed = !self.packed[i].is_empty();
            self.unpack(i);
            self.counts[i].retain(|&(t, _)| keep(t));
            if packed {
                self.pack(i);
            }
        }
    }

    /// The finished counts, with term ids mapped by `new_id` (`TermId::MAX`: gone).
    pub(super) fn finish(mut self, new_id: &[TermId]) -> UnitCounts {
        self.flush();
        let counts = (0..self.counts.len())
            .map(|i| {
                let mut mapped: Vec<(TermId, u64)> = self
                    .take(i)
                    .into_iter()
                    .filter(|&(_, n)| n > 0)
                    .map(|(t, n)| (new_id[t as usize], n))
                    .filter(|&(t, _)| t != TermId::MAX)
                    .collect();
                mapped.sort_unstable();
                Packed::from_sorted(&mapped)
            })
            .collect();
        UnitCounts {
            counts,
            pauses: self.pauses,
        }
    }

    /// A builder holding finished counts again (their term ids as they are).
    pub(super) fn from_counts(units: UnitCounts) -> UnitBuilder {
        let n = units.counts.len();
        UnitBuilder {
            current: u32::MAX,
            pending: Vec::new(),
            counts: vec![Vec::new(); n],
            packed: units.counts,
            touched: vec![false; n],
            recent: Vec::new(),
            idle: Vec::new(),
            pauses: units.pauses,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_number_recordings_in_order_and_grow_their_units_when_long() {
        let grids = UnitGrid::for_recordings(&[(0, 95_000), (0, 30_000)]);
        assert_eq!(
            grids,
            [
                UnitGrid {
                    base: 0,
                    count: 4,
                    unit: 30_000,
                    origin: 0,
                    duration: 95_000
                },
                UnitGrid {
                    base: 4,
                    count: 1,
                    unit: 30_000,
                    origin: 0,
                    duration: 30_000
                }
            ]
        );
        assert_eq!(grids[0].unit_at(61_000), 2);
        assert_eq!(grids[0].unit_at(10_000_000), 3, "clamped to the last unit");
        // A thousand hours: longer units, still at most MAX_UNITS of them; a short
        // recording beside it keeps 30 s units.
        let long = UnitGrid::for_recordings(&[(0, 1000 * 3_600_000), (0, 60_000)]);
        assert!(u64::from(long[0].count) <= MAX_UNITS && long[0].unit % UNIT == 0);
        assert_eq!(long[1].unit, UNIT);
    }

    #[test]
    fn edges_near_a_time_are_within_half_a_unit() {
        let grid = UnitGrid {
            base: 10,
            count: 5,
            unit: 30_000,
            origin: 0,
            duration: 150_000,
        };
        let edges: Vec<(u32, Millis)> = grid.edges_near(44_000).collect();
        assert_eq!(edges, [(11, 30_000)]);
        // Exactly half way: both edges.
        let edges: Vec<(u32, Millis)> = grid.edges_near(45_000).collect();
        assert_eq!(edges, [(11, 30_000), (12, 60_000)]);
        assert_eq!(
            grid.edges_near(1_000).count(),
            0,
            "no edge before the first unit"
        );
    }

    #[test]
    fn units_merge_and_keep_the_best_pause() {
        let mut a = UnitBuilder::default();
        a.add(0, 1);
        a.add(0, 1);
        a.add(1, 2);
        a.pause(
            1,
            Pause {
                edge: 30_000,
                at: 31_000,
                silence: 500,
            },
        );
        let mut b = UnitBuilder::default();
        b.add(1, 0);
        b.add(0, 0);
        b.pause(
            1,
            Pause {
                edge: 30_000,
                at: 29_000,
                silence: 900,
            },
        );
        a.merge(b, &[5, 6, 7]);
        let units = a.finish(&[10, 11, 12, 13, 14, 15, 16, 17]);
        assert_eq!(units.counts[0], [(11, 2), (15, 1)]);
        assert_eq!(units.counts[1], [(12, 1), (15, 1)]);
        assert_eq!(units.pauses[1].unwrap().at, 29_000);
    }
}
