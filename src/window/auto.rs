//! `window` auto: the window length chosen by the data's shape, so that one
//! default serves recordings and dated collections. A recording is read by
//! five minutes whatever its length; a collection of dated documents by the
//! shortest length of a fixed ladder (minutes, hours, calendar units) that gives
//! it at most fifty windows: a day of posts by the quarter hour, a week by the
//! day, four years of weekly episodes by the month, eighteen years of talks by
//! the year, two centuries of addresses by the decade.

use super::{CalendarUnit, Extent, WindowError, WindowLength, WindowSpec, windows_needed};
use crate::time::{Millis, TimeAxis};

/// The window `auto` gives recordings: five minutes, about one exchange of a
/// talk or a call, the grain at which a listener notices a change of subject.
pub const AUTO_RECORDING: Millis = 5 * 60_000;

/// The most windows `auto` gives dated documents: enough for shifts and bursts
/// to have a history, few enough for a chart and a table a person reads whole
/// (a year of weeks, four years of months, two centuries of decades).
pub const AUTO_WINDOWS: u128 = 50;

/// The lengths `auto` tries for dated documents, shortest first.
pub const AUTO_LADDER: [WindowLength; 10] = [
    WindowLength::Duration(60_000),
    WindowLength::Duration(5 * 60_000),
    WindowLength::Duration(15 * 60_000),
    WindowLength::Duration(60 * 60_000),
    WindowLength::Calendar(CalendarUnit::Day),
    WindowLength::Calendar(CalendarUnit::Week),
    WindowLength::Calendar(CalendarUnit::Month),
    WindowLength::Calendar(CalendarUnit::Quarter),
    WindowLength::Calendar(CalendarUnit::Year),
    WindowLength::Calendar(CalendarUnit::Decade),
];

impl WindowSpec {
    /// The windows for data of `extent` on `axis`: this spec, or for
    /// [`WindowSpec::Auto`] the one the data's shape calls for. `recordings`:
    /// the timeline is recordings (timed from their start, or anchored with a
    /// start), which get [`AUTO_RECORDING`]; dated documents get the shortest
    /// length of [`AUTO_LADDER`] that gives at most [`AUTO_WINDOWS`] windows, so
    /// a week of posts is read by the hour or day and two centuries of addresses
    /// by the decade.
    pub fn settle(
        &self,
        axis: TimeAxis,
        extent: Extent,
        recordings: bool,
    ) -> Result<WindowSpec, WindowError> {
        let WindowSpec::Auto { step, zone } = self else {
            return Ok(self.clone());
        };
        if recordings || axis == TimeAxis::Offset {
            return Ok(WindowSpec::Span {
                size: AUTO_RECORDING,
                step: step.unwrap_or(AUTO_RECORDING),
            });
        }
        let spec = |length: WindowLength| match length {
            WindowLength::Duration(size) => WindowSpec::Span { size, step: size },
            WindowLength::Calendar(unit) => WindowSpec::Calendar {
                unit,
                zone: zone.clone(),
            },
            WindowLength::Auto => unreachable!("the ladder holds no auto"),
        };
        let chosen = AUTO_LADDER
            .into_iter()
            .map(spec)
            .find(|spec| windows_needed(spec, axis, extent, zone) <= AUTO_WINDOWS)
            .unwrap_or_else(|| spec(WindowLength::Calendar(CalendarUnit::Decade)));
        if step.is_some() {
            return Err(WindowError::AutoStep {
                chosen: match &chosen {
                    WindowSpec::Span { size, .. } => crate::time::Span(*size).to_string(),
                    WindowSpec::Calendar { unit, .. } => unit.name().to_string(),
                    _ => String::new(),
                },
            });
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{Zone, parse_instant};

    fn auto() -> WindowSpec {
        WindowSpec::Auto {
            step: None,
            zone: Zone::utc(),
        }
    }

    fn extent(from: &str, to: &str) -> Extent {
        let at = |s| parse_instant(s, &Zone::utc()).unwrap();
        Extent {
            start: at(from),
            end: at(to),
        }
    }

    fn chosen(from: &str, to: &str) -> WindowSpec {
        auto()
            .settle(TimeAxis::Instant, extent(from, to), false)
            .unwrap()
    }

    fn calendar(unit: CalendarUnit) -> WindowSpec {
        WindowSpec::Calendar {
            unit,
            zone: Zone::utc(),
        }
    }

    #[test]
    fn recordings_get_five_minutes_whatever_their_length() {
        let hour = Extent {
            start: 0,
            end: 3_600_000,
        };
        let five = WindowSpec::Span {
            size: 300_000,
            step: 300_000,
        };
        assert_eq!(auto().settle(TimeAxis::Offset, hour, false).unwrap(), five);
        let long = Extent {
            start: 0,
            end: 100 * 3_600_000,
        };
        assert_eq!(auto().settle(TimeAxis::Offset, long, false).unwrap(), five);
        // Anchored at a date, a recording is still a recording.
        let anchored = extent("2024-03-20T09:00:00Z", "2024-03-20T10:00:00Z");
        assert_eq!(
            auto().settle(TimeAxis::Instant, anchored, true).unwrap(),
            five
        );
        let sliding = WindowSpec::Auto {
            step: Some(60_000),
            zone: Zone::utc(),
        };
        assert_eq!(
            sliding.settle(TimeAxis::Offset, hour, false).unwrap(),
            WindowSpec::Span {
                size: 300_000,
                step: 60_000
            }
        );
    }

    #[test]
    fn dated_documents_get_the_shortest_length_with_at_most_fifty_windows() {
        assert_eq!(
            chosen("1790-01-08T00:00:00Z", "2026-03-01T00:00:00Z"),
            calendar(CalendarUnit::Decade)
        );
        assert_eq!(
            chosen("2008-05-01T00:00:00Z", "2026-01-29T00:00:00Z"),
            calendar(CalendarUnit::Year)
        );
        assert_eq!(
            chosen("2021-01-04T00:00:00Z", "2024-03-25T00:00:00Z"),
            calendar(CalendarUnit::Month)
        );
        assert_eq!(
            chosen("2024-03-01T00:00:00Z", "2024-03-29T00:00:00Z"),
            calendar(CalendarUnit::Day)
        );
        assert_eq!(
            chosen("2024-03-20T08:00:00Z", "2024-03-20T18:00:00Z"),
            WindowSpec::Span {
                size: 15 * 60_000,
                step: 15 * 60_000
            }
        );
        // Beyond five centuries, decades all the same.
        assert_eq!(
            chosen("1000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
            calendar(CalendarUnit::Decade)
        );
        // Whatever it picks gives at most fifty windows (plus the one the
        // midnight grid may add).
        for (from, to) in [
            ("2024-03-20T08:00:00Z", "2024-03-20T08:30:00Z"),
            ("2024-01-01T00:00:00Z", "2024-12-31T00:00:00Z"),
            ("1900-01-01T00:00:00Z", "1999-12-31T00:00:00Z"),
        ] {
            let spec = chosen(from, to);
            let needed = windows_needed(&spec, TimeAxis::Instant, extent(from, to), &Zone::utc());
            assert!(
                needed <= AUTO_WINDOWS,
                "{from}..{to}: {spec:?} needs {needed}"
            );
        }
    }

    #[test]
    fn a_step_with_auto_on_dated_documents_is_refused_naming_the_choice() {
        let sliding = WindowSpec::Auto {
            step: Some(60_000),
            zone: Zone::utc(),
        };
        let error = sliding
            .settle(
                TimeAxis::Instant,
                extent("2008-05-01T00:00:00Z", "2026-01-29T00:00:00Z"),
                false,
            )
            .unwrap_err();
        assert!(error.to_string().contains("chose year"), "{error}");
    }

    #[test]
    fn other_specs_are_kept_as_they_are() {
        let month = calendar(CalendarUnit::Month);
        let e = extent("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
        assert_eq!(month.settle(TimeAxis::Instant, e, false).unwrap(), month);
    }
}
