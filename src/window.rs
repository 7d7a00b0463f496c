//! Time windows: which stretch of the axis each token belongs to.
//!
//! A [`WindowGrid`] is a sequence of equal windows laid from an origin: window `k`
//! covers `[origin + k·step, origin + k·step + size)`. When `step == size` the
//! windows tile the axis; when `step < size` they overlap (sliding windows) and a
//! token belongs to every window that covers it. The grid is defined by its options
//! alone, not by the data, so two shards of one corpus agree on window `k` without
//! talking to each other. Windows with no text are still windows: the grid counts
//! every window up to the end of the latest segment.
//!
//! A segment spans time but its words are not individually stamped, so each word is
//! placed proportionally to its byte offset in the segment's text
//! ([`token_time`]). A segment that straddles a window boundary thus splits its
//! words between the two windows instead of dumping all of them into one.

use std::ops::Range;

use serde::Serialize;

use crate::config::Millis;

/// Equal windows of `size`, one every `step`, from `origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WindowGrid {
    /// Where window 0 starts.
    pub origin: Millis,
    /// Length of every window.
    pub size: Millis,
    /// Distance between consecutive window starts (`size` for tiling windows).
    pub step: Millis,
}

/// One window of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Position in the grid, from 0.
    pub index: usize,
    /// Inclusive start.
    pub start: Millis,
    /// Exclusive end.
    pub end: Millis,
}

impl WindowGrid {
    /// A grid from 0; `step` defaults to `size` (no overlap).
    ///
    /// # Panics
    /// If `size` or `step` is not positive: [`crate::Config::validate`] rules that out.
    pub fn new(size: Millis, step: Option<Millis>) -> Self {
        let step = step.unwrap_or(size);
        assert!(
            size > 0 && step > 0,
            "window size and step must be positive"
        );
        WindowGrid {
            origin: 0,
            size,
            step,
        }
    }

    /// The indices of the windows that contain time `t`. Times before the origin
    /// belong to window 0, so no text is ever outside the grid.
    pub fn containing(&self, t: Millis) -> Range<usize> {
        let t = (t - self.origin).max(0);
        let last = t / self.step;
        let first = if t < self.size {
            0
        } else {
            (t - self.size) / self.step + 1
        };
        first as usize..last as usize + 1
    }

    /// How many windows start before `end`: the grid that covers `[origin, end)`.
    pub fn len_to(&self, end: Millis) -> usize {
        let span = end - self.origin;
        if span <= 0 {
            0
        } else {
            ((span + self.step - 1) / self.step) as usize
        }
    }

    /// Window `index`.
    pub fn window(&self, index: usize) -> Window {
        let start = self.origin + index as Millis * self.step;
        Window {
            index,
            start,
            end: start + self.size,
        }
    }
}

/// The time of a word at byte `offset` of a segment's `text_len` bytes spanning
/// `[start, end)`: linear interpolation, exact in integer arithmetic.
pub fn token_time(start: Millis, end: Millis, offset: usize, text_len: usize) -> Millis {
    if text_len == 0 || end <= start {
        return start;
    }
    let span = i128::from(end - start);
    let offset = i128::from(offset.min(text_len) as u64);
    start + (span * offset / text_len as i128) as Millis
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tiling_windows_put_each_time_in_one_window() {
        let grid = WindowGrid::new(300_000, None);
        assert_eq!(grid.containing(0), 0..1);
        assert_eq!(grid.containing(299_999), 0..1);
        assert_eq!(grid.containing(300_000), 1..2);
        assert_eq!(grid.containing(-5), 0..1);
        assert_eq!(grid.len_to(3_670_000), 13);
        assert_eq!(grid.len_to(3_600_000), 12);
        assert_eq!(
            grid.window(12),
            Window {
                index: 12,
                start: 3_600_000,
                end: 3_900_000
            }
        );
    }

    #[test]
    fn sliding_windows_overlap() {
        let grid = WindowGrid::new(360_000, Some(180_000));
        assert_eq!(grid.containing(0), 0..1);
        assert_eq!(grid.containing(200_000), 0..2);
        assert_eq!(grid.containing(360_000), 1..3);
        assert_eq!(grid.len_to(3_670_000), 21);
    }

    #[test]
    fn token_times_are_interpolated_by_offset() {
        assert_eq!(token_time(10_000, 20_000, 0, 100), 10_000);
        assert_eq!(token_time(10_000, 20_000, 50, 100), 15_000);
        assert_eq!(token_time(10_000, 20_000, 99, 100), 19_900);
        assert_eq!(token_time(10_000, 10_000, 50, 100), 10_000);
        assert_eq!(token_time(10_000, 20_000, 0, 0), 10_000);
    }

    proptest! {
        #[test]
        fn containing_is_exactly_the_windows_that_cover_t(
            size in 1i64..10_000, step_frac in 1i64..=100, t in 0i64..1_000_000,
        ) {
            let step = (size * step_frac / 100).max(1);
            let grid = WindowGrid::new(size, Some(step));
            let range = grid.containing(t);
            prop_assert!(!range.is_empty());
            let scan_to = grid.len_to(t + 1) + 1;
            for k in 0..scan_to {
                let w = grid.window(k);
                prop_assert_eq!(range.contains(&k), w.start <= t && t < w.end, "k={}", k);
            }
            prop_assert!(range.end <= grid.len_to(t + 1));
        }

        #[test]
        fn token_times_stay_inside_the_segment(
            start in 0i64..1_000_000, len in 0i64..100_000, offset in 0usize..5000, text_len in 1usize..5000,
        ) {
            let t = token_time(start, start + len, offset % text_len, text_len);
            prop_assert!(t >= start && (t < start + len || len == 0));
        }
    }
}
