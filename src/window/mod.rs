//! Time windows: which stretch of the axis each token belongs to.
//!
//! A run asks for windows in one of three ways ([`WindowSpec`]): a duration
//! (`5m`, `90d`, optionally sliding with a step), a calendar unit (`day`, `week`,
//! `month`, `quarter`, `year`, `decade`, in a time zone, for dated corpora), or a
//! number of bins (equal width in time, or equal numbers of tokens). Once the data's
//! extent is known the spec resolves to concrete [`Windows`], which map a time to
//! the windows containing it and a window index to its bounds and label.
//!
//! Window indices are positions from the first window of the run, and windows with
//! no text are still windows: a timeline has no gaps. Durations over a recording
//! start at 0 (the start of the recording); durations over dated documents (and
//! recordings anchored with `start`) follow a grid from midnight (in the run's zone)
//! of the first datum's day, from the grid window holding that datum; calendar windows start
//! at the calendar unit holding the first document.
//!
//! A segment spans time but its words are not individually stamped, so each word is
//! placed proportionally to its byte offset in the segment's text
//! ([`token_time`]). A segment that straddles a window boundary thus splits its
//! words between the two windows instead of dumping all of them into one.

mod auto;
pub use auto::{AUTO_LADDER, AUTO_RECORDING, AUTO_WINDOWS};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::time::{Millis, Span, SpanError, TimeAxis, Zone, clock_label};

/// A calendar unit for windows over dated documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CalendarUnit {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
    /// Quarters: January–March, April–June, July–September, October–December.
    Quarter,
    /// Calendar years.
    Year,
    /// Decades: 1790–1799, 1800–1809, ...
    Decade,
}

impl CalendarUnit {
    /// Every unit, shortest first.
    pub const ALL: [CalendarUnit; 6] = [
        CalendarUnit::Day,
        CalendarUnit::Week,
        CalendarUnit::Month,
        CalendarUnit::Quarter,
        CalendarUnit::Year,
        CalendarUnit::Decade,
    ];

    /// The name used in options.
    pub fn name(self) -> &'static str {
        match self {
            CalendarUnit::Day => "day",
            CalendarUnit::Week => "week",
            CalendarUnit::Month => "month",
            CalendarUnit::Quarter => "quarter",
            CalendarUnit::Year => "year",
            CalendarUnit::Decade => "decade",
        }
    }

    /// The index of the unit holding a civil date, counted from an arbitrary but
    /// fixed origin (so consecutive units have consecutive indices).
    fn index(self, year: i64, month: i64, day: i64) -> i64 {
        match self {
            CalendarUnit::Day => days_from_civil(year, month, day),
            // 1970-01-01 was a Thursday, so day -3 is the Monday that starts week 0.
            CalendarUnit::Week => (days_from_civil(year, month, day) + 3).div_euclid(7),
            CalendarUnit::Month => year * 12 + month - 1,
            CalendarUnit::Quarter => year * 4 + (month - 1) / 3,
            CalendarUnit::Year => year,
            CalendarUnit::Decade => year.div_euclid(10),
        }
    }

    /// The civil date on which unit `index` starts.
    fn start(self, index: i64) -> (i64, i64, i64) {
        match self {
            CalendarUnit::Day => civil_from_days(index),
            CalendarUnit::Week => civil_from_days(index * 7 - 3),
            CalendarUnit::Month => (index.div_euclid(12), index.rem_euclid(12) + 1, 1),
            CalendarUnit::Quarter => (index.div_euclid(4), index.rem_euclid(4) * 3 + 1, 1),
            CalendarUnit::Year => (index, 1, 1),
            CalendarUnit::Decade => (index * 10, 1, 1),
        }
    }

    /// How people write unit `index`: `2024-03-20`, `2024-W12`, `2024-03`,
    /// `2024-Q1`, `2024`, `1790s`.
    fn label(self, index: i64) -> String {
        let (y, m, d) = self.start(index);
        match self {
            CalendarUnit::Day => format!("{y:04}-{m:02}-{d:02}"),
            CalendarUnit::Week => {
                // ISO week-numbering year and week of the Monday that starts it.
                let thursday = civil_from_days(index * 7);
                let week_one = CalendarUnit::Week.index(thursday.0, 1, 4);
                format!("{:04}-W{:02}", thursday.0, index - week_one + 1)
            }
            CalendarUnit::Month => format!("{y:04}-{m:02}"),
            CalendarUnit::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            CalendarUnit::Year => format!("{y:04}"),
            CalendarUnit::Decade => format!("{y:04}s"),
        }
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The length of a window, as given to the `window` option: a duration, a
/// calendar unit, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowLength {
    /// A fixed duration (`5m`, `90d`).
    Duration(Millis),
    /// A calendar unit (`month`, `decade`).
    Calendar(CalendarUnit),
    /// Chosen by the data's shape ([`WindowSpec::settle`]): [`AUTO_RECORDING`]
    /// for recordings, and for dated documents the shortest of [`AUTO_LADDER`]
    /// that gives at most [`AUTO_WINDOWS`] windows.
    Auto,
}

impl FromStr for WindowLength {
    type Err = SpanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "auto" {
            return Ok(WindowLength::Auto);
        }
        if let Some(unit) = CalendarUnit::ALL.into_iter().find(|u| u.name() == lower) {
            return Ok(WindowLength::Calendar(unit));
        }
        // Years and months have no fixed length: `1y` is the calendar year, and
        // a count of them that is not a unit is refused with the units named.
        if let Ok(span) = lower.parse::<jiff::Span>()
            && (span.get_years() != 0 || span.get_months() != 0)
        {
            let months = i64::from(span.get_years()) * 12 + i64::from(span.get_months());
            let rest = span.years(0).months(0);
            let unit = match months {
                1 => Some(CalendarUnit::Month),
                3 => Some(CalendarUnit::Quarter),
                12 => Some(CalendarUnit::Year),
                120 => Some(CalendarUnit::Decade),
                _ => None,
            };
            return match unit {
                Some(unit) if rest.is_zero() => Ok(WindowLength::Calendar(unit)),
                _ => {
                    let units: Vec<&str> = CalendarUnit::ALL.iter().map(|u| u.name()).collect();
                    Err(SpanError {
                        value: s.to_string(),
                        reason: format!(
                            "years and months are calendar units, not durations: use one of {} \
                             (or --bins for equal parts)",
                            units.join(", ")
                        ),
                    })
                }
            };
        }
        Ok(WindowLength::Duration(s.parse::<Span>()?.0))
    }
}

impl fmt::Display for WindowLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowLength::Duration(ms) => Span(*ms).fmt(f),
            WindowLength::Calendar(unit) => f.write_str(unit.name()),
            WindowLength::Auto => f.write_str("auto"),
        }
    }
}

impl Serialize for WindowLength {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for WindowLength {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::time::from_text(d)
    }
}

impl schemars::JsonSchema for WindowLength {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WindowLength".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let units: Vec<&str> = CalendarUnit::ALL.iter().map(|u| u.name()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": format!(
                "A window length: auto (by the data's shape), a duration (5m, 90s, 1h30m, 90d, 2w, PT5M, seconds) or a calendar unit ({}).",
                units.join(", ")
            ),
            "examples": ["auto", "5m", "month"],
        })
    }
}

/// How equal bins are made.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum BinBy {
    /// Bins of equal duration.
    #[default]
    Time,
    /// Bins holding (about) equal numbers of tokens; their durations differ.
    Tokens,
}

/// Windows as the options describe them, before the data is known.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowSpec {
    /// Windows of `size`, one every `step` (`step == size`: no overlap).
    Span {
        /// Window length.
        size: Millis,
        /// Distance between window starts.
        step: Millis,
    },
    /// One window per calendar unit, in `zone`.
    Calendar {
        /// The unit.
        unit: CalendarUnit,
        /// The zone whose midnights bound the units.
        zone: Zone,
    },
    /// `count` bins over the extent of the data.
    Bins {
        /// How many.
        count: usize,
        /// Equal in time or in tokens.
        by: BinBy,
    },
    /// [`WindowLength::Auto`]: one of the others, once the data is known
    /// ([`WindowSpec::settle`]).
    Auto {
        /// Distance between window starts, when recordings' windows overlap.
        step: Option<Millis>,
        /// The zone whose midnights bound calendar units.
        zone: Zone,
    },
}

/// The most windows one timeline may have. A stray date (year 1 in a corpus of
/// 2024 talks) with five-minute windows would otherwise ask for billions of them.
pub const MAX_WINDOWS: usize = 1_000_000;

/// Errors in resolving windows against the data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// The data spans too many windows.
    #[error(
        "the data from {from} to {to} would need {count} windows (at most {max}): \
         choose a longer `window`, or `bins`; a stray date in the input can cause this"
    )]
    TooMany {
        /// How many windows were needed.
        count: u128,
        /// The limit.
        max: usize,
        /// The start of the data, as a label.
        from: String,
        /// The end of the data, as a label.
        to: String,
    },
    /// Calendar windows need dates.
    #[error(
        "`window` {unit} needs dated input: the inputs are recordings timed from their start; \
         use a duration such as `window` 5m, or anchor them with `start`"
    )]
    CalendarOnOffsets {
        /// The unit asked for.
        unit: &'static str,
    },
    /// `step` with `window` auto on dated documents, whose window may be a
    /// calendar unit.
    #[error(
        "`step` needs a duration `window` on dated documents (`window` auto chose {chosen} \
         here): give `window` {chosen} or another duration with it"
    )]
    AutoStep {
        /// The window auto chose.
        chosen: String,
    },
    /// `window` auto on dated documents in a shard.
    #[error(
        "`window` auto chooses dated documents' windows by the span of the whole corpus, which \
         one shard does not see: give every `count` and the `merge` the same `window` (year, \
         month, ...)"
    )]
    AutoInShard,
}

/// The extent of a timeline's data: `[start, end)`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Extent {
    /// The earliest time (0 for recordings: they start at their beginning).
    pub start: Millis,
    /// Just after the latest time.
    pub end: Millis,
}

/// Concrete windows for one timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Windows {
    /// Equal windows from an origin.
    Grid(WindowGrid),
    /// Calendar units from unit index `first`.
    Calendar {
        /// The unit.
        unit: CalendarUnit,
        /// The zone.
        zone: Zone,
        /// The absolute index of the unit that is window 0.
        first: i64,
    },
    /// Windows between consecutive edges (`edges.len() - 1` windows).
    Edges(Vec<Millis>),
}

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

/// One window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Position, from 0.
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

impl Windows {
    /// Resolves a spec against a timeline's extent. `token_edges` is needed only for
    /// bins by tokens: the times at which cumulative token counts cross each bin's
    /// share (see [`token_bin_edges`]).
    pub fn resolve(
        spec: &WindowSpec,
        axis: TimeAxis,
        extent: Extent,
        zone: &Zone,
        token_edges: impl FnOnce(usize) -> Vec<Millis>,
    ) -> Result<Windows, WindowError> {
        let settled = spec.settle(axis, extent, false)?;
        let spec = &settled;
        let needed = windows_needed(spec, axis, extent, zone);
        if needed > MAX_WINDOWS as u128 {
            let label = |t| match axis {
                TimeAxis::Offset => clock_label(t),
                TimeAxis::Instant => crate::time::rfc3339(t),
            };
            return Err(WindowError::TooMany {
                count: needed,
                max: MAX_WINDOWS,
                from: label(extent.start),
                to: label(extent.end),
            });
        }
        Ok(match spec {
            WindowSpec::Span { size, step } => {
                let origin = match axis {
                    TimeAxis::Offset => 0,
                    // Windows keep to the day's grid (so 5m windows read 09:00,
                    // 09:05, ...) but the first one holds the first datum: a
                    // recording anchored at 09:00 with 1m windows must not open
                    // with 540 empty windows from midnight.
                    TimeAxis::Instant => {
                        let day = zone.civil(extent.start).date();
                        let midnight = zone.instant(day.to_datetime(jiff::civil::Time::midnight()));
                        let steps = (extent.start - midnight).max(0) / (*step).max(1);
                        midnight + steps * *step
                    }
                };
                Windows::Grid(WindowGrid {
                    origin,
                    size: *size,
                    step: *step,
                })
            }
            WindowSpec::Calendar { unit, zone } => {
                if axis == TimeAxis::Offset {
                    return Err(WindowError::CalendarOnOffsets { unit: unit.name() });
                }
                Windows::Calendar {
                    unit: *unit,
                    zone: zone.clone(),
                    first: calendar_index(*unit, zone, extent.start),
                }
            }
            WindowSpec::Bins {
                count,
                by: BinBy::Time,
            } => {
                let span = (extent.end - extent.start).max(1);
                let count = (*count).max(1) as Millis;
                let size = (span + count - 1) / count;
                Windows::Grid(WindowGrid {
                    origin: extent.start,
                    size,
                    step: size,
                })
            }
            WindowSpec::Bins {
                count,
                by: BinBy::Tokens,
            } => {
                let mut edges = token_edges((*count).max(1));
                edges.insert(0, extent.start);
                edges.push(extent.end);
                edges.dedup();
                Windows::Edges(edges)
            }
            WindowSpec::Auto { .. } => unreachable!("settled above"),
        })
    }

    /// The windows that contain `t` (one, except for sliding windows). Times before
    /// the first window belong to it, so no text falls outside the timeline.
    pub fn containing(&self, t: Millis) -> Range<usize> {
        match self {
            Windows::Grid(grid) => grid.containing(t),
            Windows::Calendar { unit, zone, first } => {
                let k = (calendar_index(*unit, zone, t) - first).max(0) as usize;
                k..k + 1
            }
            Windows::Edges(edges) => {
                let k = edges.partition_point(|&e| e <= t).saturating_sub(1);
                let k = k.min(edges.len().saturating_sub(2));
                k..k + 1
            }
        }
    }

    /// How many windows cover the data up to `end` (exclusive).
    pub fn len_to(&self, end: Millis) -> usize {
        match self {
            Windows::Grid(grid) => grid.len_to(end),
            Windows::Calendar { unit, zone, first } => {
                (calendar_index(*unit, zone, end - 1) - first + 1).max(0) as usize
            }
            Windows::Edges(edges) => edges.len().saturating_sub(1),
        }
    }

    /// Window `index`.
    pub fn window(&self, index: usize) -> Window {
        match self {
            Windows::Grid(grid) => grid.window(index),
            Windows::Calendar { unit, zone, first } => {
                let k = first + index as i64;
                Window {
                    index,
                    start: calendar_start(*unit, zone, k),
                    end: calendar_start(*unit, zone, k + 1),
                }
            }
            Windows::Edges(edges) => Window {
                index,
                start: edges[index],
                end: edges[index + 1],
            },
        }
    }

    /// How people name window `index`: `0:05:00` for recordings; for dated
    /// documents the calendar unit (`1790s`, `2024-Q1`) or the start date.
    pub fn label(&self, index: usize, axis: TimeAxis, zone: &Zone) -> String {
        if let Windows::Calendar { unit, first, .. } = self {
            return unit.label(first + index as i64);
        }
        let start = self.window(index).start;
        match axis {
            TimeAxis::Offset => clock_label(start),
            TimeAxis::Instant => {
                let civil = zone.civil(start);
                if civil.time() == jiff::civil::Time::midnight() {
                    civil.date().to_string()
                } else {
                    civil.strftime("%Y-%m-%dT%H:%M").to_string()
                }
            }
        }
    }
}

/// An upper bound on the windows a spec needs over an extent, computed without
/// building them (and without overflow).
fn windows_needed(spec: &WindowSpec, axis: TimeAxis, extent: Extent, zone: &Zone) -> u128 {
    let span = (i128::from(extent.end) - i128::from(extent.start)).max(0) as u128;
    match spec {
        // One more for the alignment of the origin to midnight on instants.
        WindowSpec::Span { step, .. } => span / (*step).max(1) as u128 + 2,
        WindowSpec::Calendar { unit, .. } if axis == TimeAxis::Instant => {
            let first = calendar_index(*unit, zone, extent.start);
            let last = calendar_index(*unit, zone, extent.end - 1);
            (i128::from(last) - i128::from(first) + 1).max(0) as u128
        }
        WindowSpec::Calendar { .. } => 0,
        WindowSpec::Bins { count, .. } => *count as u128,
        // Never more than the ladder's cap, or a recording's five minutes.
        // `resolve` settles auto first; `settle` asks only of the ladder.
        WindowSpec::Auto { .. } => unreachable!("window auto is settled before it is counted"),
    }
}

fn calendar_index(unit: CalendarUnit, zone: &Zone, t: Millis) -> i64 {
    let civil = zone.civil(t);
    unit.index(
        i64::from(civil.year()),
        i64::from(civil.month()),
        i64::from(civil.day()),
    )
}

fn calendar_start(unit: CalendarUnit, zone: &Zone, index: i64) -> Millis {
    let (y, m, d) = unit.start(index);
    let date = i16::try_from(y)
        .ok()
        .and_then(|y| jiff::civil::Date::new(y, m as i8, d as i8).ok());
    match date {
        Some(date) => zone.instant(date.to_datetime(jiff::civil::Time::midnight())),
        // Outside jiff's years ±9999: fall back to UTC arithmetic on days.
        None => days_from_civil(y, m, d) * 86_400_000,
    }
}

/// Edges for `count` bins of about equal token counts, from `(time, tokens)` pairs
/// sorted by time: the times at which the running total first reaches each bin's
/// share. Bins cannot split one time, so a time holding more than a bin's share
/// yields fewer bins.
pub fn token_bin_edges(sorted: &[(Millis, u64)], count: usize) -> Vec<Millis> {
    let total: u64 = sorted.iter().map(|(_, n)| n).sum();
    let mut edges = Vec::new();
    if total == 0 || count < 2 {
        return edges;
    }
    let mut running = 0u64;
    let mut next_bin = 1u64;
    for &(t, n) in sorted {
        // An edge goes *before* the segment whose tokens would overfill the bin.
        while next_bin < count as u64 && running >= total * next_bin / count as u64 && running > 0 {
            if edges.last() != Some(&t) {
                edges.push(t);
            }
            next_bin += 1;
        }
        running += n;
    }
    edges
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
    use crate::time::parse_instant;
    use proptest::prelude::*;

    fn utc() -> Zone {
        Zone::utc()
    }

    fn at(s: &str) -> Millis {
        parse_instant(s, &utc()).unwrap()
    }

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
    fn civil_day_arithmetic_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    fn calendar(unit: CalendarUnit, first_doc: &str) -> Windows {
        let extent = Extent {
            start: at(first_doc),
            end: at(first_doc) + 1,
        };
        let spec = WindowSpec::Calendar { unit, zone: utc() };
        Windows::resolve(&spec, TimeAxis::Instant, extent, &utc(), |_| Vec::new()).unwrap()
    }

    #[test]
    fn calendar_windows_start_at_the_unit_of_the_first_document() {
        let decades = calendar(CalendarUnit::Decade, "1790-01-08");
        assert_eq!(decades.window(0).start, at("1790-01-01"));
        assert_eq!(decades.window(0).end, at("1800-01-01"));
        assert_eq!(decades.label(0, TimeAxis::Instant, &utc()), "1790s");
        assert_eq!(decades.containing(at("1861-12-03")), 7..8);
        assert_eq!(decades.len_to(at("2026-02-01")), 24);

        let quarters = calendar(CalendarUnit::Quarter, "2024-05-10");
        assert_eq!(quarters.window(0).start, at("2024-04-01"));
        assert_eq!(quarters.label(1, TimeAxis::Instant, &utc()), "2024-Q3");
        assert_eq!(quarters.window(3).start, at("2025-01-01"));

        let months = calendar(CalendarUnit::Month, "2024-01-31");
        assert_eq!(months.window(1).start, at("2024-02-01"));
        assert_eq!(months.window(1).end, at("2024-03-01"));
        assert_eq!(months.label(11, TimeAxis::Instant, &utc()), "2024-12");
    }

    #[test]
    fn weeks_are_iso_weeks() {
        // 2024-03-20 is a Wednesday in ISO week 12; its week starts Monday 18 March.
        let weeks = calendar(CalendarUnit::Week, "2024-03-20");
        assert_eq!(weeks.window(0).start, at("2024-03-18"));
        assert_eq!(weeks.label(0, TimeAxis::Instant, &utc()), "2024-W12");
        // 2021-01-01 (a Friday) belongs to ISO week 53 of 2020.
        let edge = calendar(CalendarUnit::Week, "2021-01-01");
        assert_eq!(edge.label(0, TimeAxis::Instant, &utc()), "2020-W53");
        assert_eq!(edge.label(1, TimeAxis::Instant, &utc()), "2021-W01");
        let days = calendar(CalendarUnit::Day, "2024-02-28T23:00:00Z");
        assert_eq!(days.label(1, TimeAxis::Instant, &utc()), "2024-02-29");
    }

    #[test]
    fn calendar_windows_follow_the_zone() {
        let paris: Zone = "Europe/Paris".parse().unwrap();
        // 23:30 UTC on 31 December is already the next year in Paris.
        let t = at("2023-12-31T23:30:00Z");
        let spec = WindowSpec::Calendar {
            unit: CalendarUnit::Year,
            zone: paris.clone(),
        };
        let extent = Extent {
            start: t,
            end: t + 1,
        };
        let years =
            Windows::resolve(&spec, TimeAxis::Instant, extent, &paris, |_| Vec::new()).unwrap();
        assert_eq!(years.label(0, TimeAxis::Instant, &paris), "2024");
        assert_eq!(years.window(0).start, at("2023-12-31T23:00:00Z"));
    }

    #[test]
    fn calendar_windows_need_dates() {
        let spec = WindowSpec::Calendar {
            unit: CalendarUnit::Month,
            zone: utc(),
        };
        let extent = Extent { start: 0, end: 10 };
        let err =
            Windows::resolve(&spec, TimeAxis::Offset, extent, &utc(), |_| Vec::new()).unwrap_err();
        assert!(err.to_string().contains("`window` month needs dated input"));
    }

    #[test]
    fn durations_over_dates_start_at_midnight_of_the_first_day() {
        let spec = WindowSpec::Span {
            size: 90 * 86_400_000,
            step: 90 * 86_400_000,
        };
        let extent = Extent {
            start: at("2024-03-20T09:30:00Z"),
            end: at("2024-12-01"),
        };
        let windows =
            Windows::resolve(&spec, TimeAxis::Instant, extent, &utc(), |_| Vec::new()).unwrap();
        assert_eq!(windows.window(0).start, at("2024-03-20"));
        assert_eq!(windows.label(1, TimeAxis::Instant, &utc()), "2024-06-18");
        assert_eq!(windows.len_to(extent.end), 3);
    }

    #[test]
    fn durations_over_instants_start_at_the_grid_window_of_the_first_datum() {
        let minute = WindowSpec::Span {
            size: 60_000,
            step: 60_000,
        };
        let extent = Extent {
            start: at("2024-03-20T09:00:00Z"),
            end: at("2024-03-20T10:00:00Z"),
        };
        let windows =
            Windows::resolve(&minute, TimeAxis::Instant, extent, &utc(), |_| Vec::new()).unwrap();
        assert_eq!(windows.window(0).start, extent.start);
        assert_eq!(windows.containing(extent.start), 0..1);
        assert_eq!(windows.len_to(extent.end), 60);
        // Off the grid: 5m windows from 09:02 start at 09:00, not at 09:02 or midnight.
        let five = WindowSpec::Span {
            size: 300_000,
            step: 300_000,
        };
        let extent = Extent {
            start: at("2024-03-20T09:02:00Z"),
            end: at("2024-03-20T09:20:00Z"),
        };
        let windows =
            Windows::resolve(&five, TimeAxis::Instant, extent, &utc(), |_| Vec::new()).unwrap();
        assert_eq!(windows.window(0).start, at("2024-03-20T09:00:00Z"));
        assert_eq!(windows.len_to(extent.end), 4);
    }

    #[test]
    fn absurd_window_counts_are_refused_before_allocating() {
        let spec = WindowSpec::Span {
            size: 300_000,
            step: 300_000,
        };
        let extent = Extent {
            start: at("0001-01-01"),
            end: at("2024-01-01"),
        };
        let err =
            Windows::resolve(&spec, TimeAxis::Instant, extent, &utc(), |_| Vec::new()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("0001-01-01T00:00:00Z") && message.contains("longer `window`"),
            "{message}"
        );
        let days = WindowSpec::Calendar {
            unit: CalendarUnit::Day,
            zone: utc(),
        };
        assert!(Windows::resolve(&days, TimeAxis::Instant, extent, &utc(), |_| Vec::new()).is_ok());
    }

    #[test]
    fn equal_time_bins_cover_the_extent() {
        let spec = WindowSpec::Bins {
            count: 4,
            by: BinBy::Time,
        };
        let extent = Extent {
            start: 1000,
            end: 9001,
        };
        let bins =
            Windows::resolve(&spec, TimeAxis::Offset, extent, &utc(), |_| Vec::new()).unwrap();
        assert_eq!(bins.len_to(extent.end), 4);
        assert_eq!(bins.window(0).start, 1000);
        assert!(bins.window(3).end >= 9001);
    }

    #[test]
    fn token_bins_split_at_equal_token_counts() {
        // Ten segments of 10 tokens each, one per second: 5 bins of 20 tokens.
        let segments: Vec<(Millis, u64)> = (0..10).map(|i| (i * 1000, 10)).collect();
        assert_eq!(token_bin_edges(&segments, 5), [2000, 4000, 6000, 8000]);
        // One heavy instant cannot be split.
        assert_eq!(token_bin_edges(&[(0, 100), (5, 1)], 4), [5]);
        assert!(token_bin_edges(&[], 3).is_empty());
        let spec = WindowSpec::Bins {
            count: 5,
            by: BinBy::Tokens,
        };
        let extent = Extent {
            start: 0,
            end: 10_000,
        };
        let bins = Windows::resolve(&spec, TimeAxis::Offset, extent, &utc(), |n| {
            token_bin_edges(&segments, n)
        })
        .unwrap();
        assert_eq!(bins.len_to(extent.end), 5);
        assert_eq!(bins.containing(3999), 1..2);
        assert_eq!(bins.containing(4000), 2..3);
        assert_eq!(
            bins.containing(20_000),
            4..5,
            "late times stay in the last bin"
        );
        assert_eq!(
            bins.window(4),
            Window {
                index: 4,
                start: 8000,
                end: 10_000
            }
        );
    }

    #[test]
    fn window_lengths_parse_as_units_or_durations() {
        assert_eq!(
            "decade".parse::<WindowLength>().unwrap(),
            WindowLength::Calendar(CalendarUnit::Decade)
        );
        assert_eq!(
            "Month".parse::<WindowLength>().unwrap(),
            WindowLength::Calendar(CalendarUnit::Month)
        );
        assert_eq!(
            "5m".parse::<WindowLength>().unwrap(),
            WindowLength::Duration(300_000)
        );
        assert_eq!(
            "90d".parse::<WindowLength>().unwrap(),
            WindowLength::Duration(90 * 86_400_000)
        );
        assert!("fortnight".parse::<WindowLength>().is_err());
        // Years and months are calendar units, however they are written.
        for (text, unit) in [
            ("1y", CalendarUnit::Year),
            ("12 months", CalendarUnit::Year),
            ("1mo", CalendarUnit::Month),
            ("P1M", CalendarUnit::Month),
            ("3mo", CalendarUnit::Quarter),
            ("10y", CalendarUnit::Decade),
        ] {
            assert_eq!(
                text.parse::<WindowLength>().unwrap(),
                WindowLength::Calendar(unit),
                "{text}"
            );
        }
        for text in ["2y", "6mo", "1y 2d"] {
            let error = text.parse::<WindowLength>().unwrap_err();
            assert!(error.reason.contains("year, decade"), "{text}: {error:?}");
        }
        assert_eq!(
            "PT5M".parse::<WindowLength>().unwrap(),
            WindowLength::Duration(300_000)
        );
        assert_eq!(
            WindowLength::Calendar(CalendarUnit::Year).to_string(),
            "year"
        );
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
        fn calendar_windows_contain_their_times(
            unit in prop::sample::select(CalendarUnit::ALL.to_vec()),
            first in -6_000_000_000_000i64..4_000_000_000_000, later in 0i64..2_000_000_000_000,
        ) {
            let extent = Extent { start: first, end: first + later + 1 };
            let spec = WindowSpec::Calendar { unit, zone: Zone::utc() };
            let windows = Windows::resolve(&spec, TimeAxis::Instant, extent, &Zone::utc(), |_| Vec::new()).unwrap();
            let t = first + later;
            let k = windows.containing(t).start;
            let w = windows.window(k);
            prop_assert!(w.start <= t && t < w.end, "{:?} t={}", w, t);
            prop_assert_eq!(windows.len_to(extent.end), k + 1);
            prop_assert_eq!(windows.window(k + 1).start, w.end);
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
