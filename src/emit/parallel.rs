//! Feeding several sinks at once: each output file is written by its own task
//! while the next windows are made.
//!
//! A run writes up to ten files, and each takes every window in order; written
//! one after another on one thread they were the largest serial part of a run
//! on two threads (0.64 of 5 s on 100 MB of transcript). The sinks share nothing,
//! so each batch of windows is handed to every sink as a task of the thread pool,
//! while the calling thread makes the next batch (the window reports are made as
//! the outputs take them, by an iterator that stays on the calling thread). Each
//! sink still receives the same calls in the same order, so every file is the
//! same bytes as [`emit_with`] writes, for any number of threads; with one
//! thread this is [`emit_with`].

use super::{EmitError, Sink, Summary, emit_with};
use crate::timeline::{Timeline, WindowReport};

/// Windows handed to the sinks at once: large enough that a task's start costs
/// little against its writing, small enough that a batch's reports stay small.
const BATCH: usize = 256;

/// [`emit_with`] over sinks that may be written from other threads: each batch of
/// windows is written by every sink in parallel while the next batch is made.
pub fn emit_parallel(
    timeline: &Timeline,
    more: &mut dyn Iterator<Item = WindowReport>,
    sinks: &mut [&mut (dyn Sink + Send)],
) -> Result<(), EmitError> {
    emit_batched(timeline, more, sinks, BATCH)
}

/// [`emit_parallel`] in batches of `batch` windows.
fn emit_batched(
    timeline: &Timeline,
    more: &mut dyn Iterator<Item = WindowReport>,
    sinks: &mut [&mut (dyn Sink + Send)],
    batch: usize,
) -> Result<(), EmitError> {
    if rayon::current_num_threads() < 2 || sinks.len() < 2 {
        let mut plain: Vec<&mut dyn Sink> = sinks
            .iter_mut()
            .map(|sink| &mut **sink as &mut dyn Sink)
            .collect();
        return emit_with(timeline, more, &mut plain);
    }
    for sink in sinks.iter_mut() {
        sink.begin(&timeline.meta)?;
    }
    // The timeline's own windows are held already: lend them in batches.
    for held in timeline.windows.chunks(batch) {
        write_batch(sinks, held, || ())?;
    }
    let mut next: Vec<WindowReport> = (&mut *more).take(batch).collect();
    while !next.is_empty() {
        let made: Vec<WindowReport> = std::mem::take(&mut next);
        write_batch(sinks, &made, || {
            next = (&mut *more).take(batch).collect();
        })?;
    }
    let summary = Summary::of(timeline);
    // `finish` writes what each format holds to the end (the report's chart,
    // the JSON's terms and shifts): in parallel too.
    run_each(sinks, |sink| sink.finish(&summary), || ())
}

/// Gives `batch` to every sink, one task per sink, while `meanwhile` runs on the
/// calling thread.
fn write_batch(
    sinks: &mut [&mut (dyn Sink + Send)],
    batch: &[WindowReport],
    meanwhile: impl FnOnce(),
) -> Result<(), EmitError> {
    run_each(sinks, |sink| sink.windows(batch), meanwhile)
}

/// Runs `task` on every sink in parallel and `meanwhile` on the calling thread;
/// returns the first sink's error, in sink order, so a failure reads the same
/// whichever task failed first.
fn run_each(
    sinks: &mut [&mut (dyn Sink + Send)],
    task: impl Fn(&mut (dyn Sink + Send)) -> Result<(), EmitError> + Sync,
    meanwhile: impl FnOnce(),
) -> Result<(), EmitError> {
    let mut results: Vec<Result<(), EmitError>> = sinks.iter().map(|_| Ok(())).collect();
    rayon::in_place_scope(|scope| {
        for (sink, result) in sinks.iter_mut().zip(results.iter_mut()) {
            let task = &task;
            scope.spawn(move |_| *result = task(&mut **sink));
        }
        meanwhile();
    });
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{HtmlReport, TermsCsv, ThemesCsv, TimelineJson, WindowsCsv, testing};

    /// Every sink's bytes, written through `emit`.
    fn outputs(
        emit: impl Fn(&Timeline, &mut [&mut (dyn Sink + Send)]) -> Result<(), EmitError>,
    ) -> Vec<Vec<u8>> {
        let timeline = testing::talk();
        let (mut terms, mut windows, mut themes) = (Vec::new(), Vec::new(), Vec::new());
        let (mut json, mut html) = (Vec::new(), Vec::new());
        {
            let mut a = TermsCsv::new(&mut terms);
            let mut b = WindowsCsv::new(&mut windows);
            let mut c = ThemesCsv::new(&mut themes);
            let mut d = TimelineJson::new(&mut json);
            let mut e = HtmlReport::new(&mut html);
            emit(&timeline, &mut [&mut a, &mut b, &mut c, &mut d, &mut e]).unwrap();
        }
        vec![terms, windows, themes, json, html]
    }

    #[test]
    fn sinks_written_in_parallel_are_the_bytes_written_one_after_another() {
        let serial = outputs(|timeline, sinks| {
            let mut plain: Vec<&mut dyn Sink> = sinks
                .iter_mut()
                .map(|s| &mut **s as &mut dyn Sink)
                .collect();
            emit_with(timeline, &mut std::iter::empty(), &mut plain)
        });
        assert!(serial.iter().all(|bytes| !bytes.is_empty()));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        assert!(testing::talk().windows.len() > 2);
        // Batches of one and two windows, so that order across batches counts.
        for batch in [1, 2, BATCH] {
            // The timeline's windows again as made ones, so both paths are taken.
            let made = pool.install(|| {
                outputs(|timeline, sinks| {
                    let mut more = timeline.windows.clone().into_iter();
                    let held = Timeline {
                        windows: Vec::new(),
                        ..timeline.clone()
                    };
                    emit_batched(&held, &mut more, sinks, batch)
                })
            });
            assert_eq!(serial, made, "batches of {batch}");
            let held = pool.install(|| {
                outputs(|timeline, sinks| {
                    emit_batched(timeline, &mut std::iter::empty(), sinks, batch)
                })
            });
            assert_eq!(serial, held, "batches of {batch}");
        }
    }
}
