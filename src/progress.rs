//! Progress reports from a running pipeline, for whoever shows them.
//!
//! The library draws nothing: a [`Pipeline`](crate::Pipeline) tells a
//! [`Progress`] what it is doing (bytes read, stages begun and ended, windows
//! scored), and the caller decides what to make of it. The `themeline` binary
//! draws a progress bar on a terminal and logs a line now and then otherwise; a
//! closure is enough for anything simpler:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use std::sync::Arc;
//! use themeline::progress::ProgressEvent;
//!
//! let scored = Arc::new(AtomicU64::new(0));
//! let counter = scored.clone();
//! let timeline = themeline::Pipeline::builder()
//!     .window(std::time::Duration::from_secs(60))
//!     .progress(move |event: &ProgressEvent<'_>| {
//!         if let ProgressEvent::Scored { windows } = event {
//!             counter.fetch_add(*windows, Ordering::Relaxed);
//!         }
//!     })
//!     .build()?
//!     .run_text("talk.txt", "0:00 security\n1:30 more security\n")?;
//! assert_eq!(scored.load(Ordering::Relaxed), timeline.windows.len() as u64);
//! # Ok::<(), themeline::Error>(())
//! ```
//!
//! Events arrive in order from the stage that sends them (`Scored` from its
//! worker threads, as windows are done); a report must be quick, since the
//! stage waits for it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Something a running pipeline reports.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ProgressEvent<'a> {
    /// Reading inputs begins: about `files` files of `bytes` bytes in all.
    Reading {
        /// Files to read.
        files: u64,
        /// Their size in bytes.
        bytes: u64,
    },
    /// A file has been read.
    Read {
        /// The file.
        path: &'a str,
        /// Its size in bytes.
        bytes: u64,
    },
    /// A stage begins (`ingest`, `plan`, `boilerplate`, `phrases`, `count`,
    /// `theme`, `score`, `shift`, `segment`, and `emit` where the caller times it).
    Stage {
        /// The stage's name.
        stage: &'static str,
    },
    /// A stage ends.
    StageDone {
        /// The stage's name.
        stage: &'static str,
        /// How long it took this time.
        elapsed: Duration,
    },
    /// Scoring begins: `windows` windows over every timeline.
    Scoring {
        /// Windows to score.
        windows: u64,
    },
    /// `windows` more windows have been scored (reported as they are, possibly
    /// from the stage's worker threads).
    Scored {
        /// Windows scored since the last report.
        windows: u64,
    },
}

/// Receives a pipeline's [`ProgressEvent`]s. Closures taking `&ProgressEvent` are
/// `Progress`.
pub trait Progress: Send + Sync {
    /// Called for each event.
    fn report(&self, event: &ProgressEvent<'_>);
}

impl<F: Fn(&ProgressEvent<'_>) + Send + Sync> Progress for F {
    fn report(&self, event: &ProgressEvent<'_>) {
        self(event)
    }
}

/// Where a pipeline sends its progress: nowhere by default.
#[derive(Clone, Default)]
pub struct ProgressHook(Option<Arc<dyn Progress>>);

impl ProgressHook {
    /// A hook calling `progress`.
    pub fn new(progress: impl Progress + 'static) -> Self {
        ProgressHook(Some(Arc::new(progress)))
    }

    /// Sends `event`, if anyone listens.
    pub fn report(&self, event: &ProgressEvent<'_>) {
        if let Some(progress) = &self.0 {
            progress.report(event);
        }
    }

    /// Reports that `stage` begins.
    pub fn stage(&self, stage: &'static str) {
        self.report(&ProgressEvent::Stage { stage });
    }

    /// Reports that `stage` ended after `elapsed`.
    pub fn stage_done(&self, stage: &'static str, elapsed: Duration) {
        self.report(&ProgressEvent::StageDone { stage, elapsed });
    }

    /// Reports that scoring begins, for `windows` windows.
    pub fn scoring(&self, windows: usize) {
        self.report(&ProgressEvent::Scoring {
            windows: windows as u64,
        });
    }

    /// Reports that `windows` more windows are scored.
    pub fn scored(&self, windows: usize) {
        self.report(&ProgressEvent::Scored {
            windows: windows as u64,
        });
    }
}

impl fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "ProgressHook(set)"
        } else {
            "ProgressHook(none)"
        })
    }
}
/// Wall-clock time spent in each stage, summed over timelines, for `--verbose`;
/// also where stage boundaries are reported as progress. Never written to an
/// output: outputs must not depend on how fast a run was.
#[derive(Debug, Default)]
pub struct Timings {
    stages: std::sync::Mutex<Vec<(&'static str, Duration)>>,
    progress: ProgressHook,
}

impl Timings {
    /// Timings that report stage boundaries to `progress`.
    pub fn new(progress: ProgressHook) -> Self {
        Timings {
            stages: Default::default(),
            progress,
        }
    }

    /// Where stage boundaries and other progress go.
    pub fn progress(&self) -> &ProgressHook {
        &self.progress
    }

    /// Runs `f`, adding its time to `stage`.
    pub fn time<T>(&self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        self.progress.stage(stage);
        let started = std::time::Instant::now();
        let result = f();
        self.add(stage, started.elapsed());
        result
    }

    /// Adds `elapsed` to `stage`.
    pub fn add(&self, stage: &'static str, elapsed: Duration) {
        self.progress.stage_done(stage, elapsed);
        let mut stages = self.stages.lock().unwrap_or_else(|e| e.into_inner());
        match stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += elapsed,
            None => stages.push((stage, elapsed)),
        }
    }

    /// The stages timed so far, in the order first seen.
    pub fn stages(&self) -> Vec<(&'static str, Duration)> {
        self.stages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
