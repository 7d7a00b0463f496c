//! Progress on stderr: an indicatif bar on a terminal, log lines elsewhere.
//!
//! The library reports [`ProgressEvent`]s; this module shows them. On a terminal
//! a bar appears once a run has taken more than [`BAR_DELAY`] (a quick run
//! shows nothing but its summary): bytes read while reading the inputs, the stage
//! running after that, windows scored. When stderr is not a terminal (a log file,
//! CI, a pipe), there is no bar and no escape code: a line such as `themeline:
//! 10.0s: reading inputs: 512.00 MiB of 1.00 GiB (3 of 10 files)` every
//! `--progress-interval` (10 s) while the run lasts. `--quiet` shows nothing.

use std::io::IsTerminal;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};
use themeline::progress::ProgressEvent;

/// How long a run goes without a bar.
const BAR_DELAY: Duration = Duration::from_secs(1);

/// What the run is doing, as the events told it.
#[derive(Debug, Default)]
struct State {
    stage: Option<&'static str>,
    files: u64,
    files_read: u64,
    bytes: u64,
    bytes_read: u64,
    windows: u64,
    windows_scored: u64,
    done: bool,
}

impl State {
    fn describe(&self) -> String {
        match self.stage {
            Some("ingest") => format!(
                "reading inputs: {} of {} ({} of {} files)",
                HumanBytes(self.bytes_read),
                HumanBytes(self.bytes),
                self.files_read,
                self.files
            ),
            Some("score") if self.windows > 0 => format!(
                "scoring: {} of {} windows",
                self.windows_scored, self.windows
            ),
            Some(stage) => stage_name(stage).to_string(),
            None => "starting".to_string(),
        }
    }
}

/// What people call a stage while it runs.
fn stage_name(stage: &str) -> &str {
    match stage {
        "plan" => "laying out windows",
        "boilerplate" => "finding boilerplate",
        "phrases" => "finding phrases",
        "count" => "counting terms",
        "segment" => "finding chapters",
        "theme" => "measuring themes",
        "score" => "scoring",
        "shift" => "finding shifts",
        "emit" => "writing outputs",
        other => other,
    }
}

/// The stop signal of the helper thread.
type Stop = Arc<(Mutex<bool>, Condvar)>;

/// Shows a run's progress on stderr until dropped.
pub struct Reporter {
    state: Arc<Mutex<State>>,
    bar: Option<ProgressBar>,
    stop: Stop,
    thread: Option<JoinHandle<()>>,
}

impl Reporter {
    /// Starts showing progress: nothing when `quiet`, a bar when stderr is a
    /// terminal, a log line every `interval` otherwise.
    pub fn start(quiet: bool, interval: Duration) -> Reporter {
        let state = Arc::new(Mutex::new(State::default()));
        let stop: Stop = Arc::new((Mutex::new(false), Condvar::new()));
        let mut reporter = Reporter {
            state: state.clone(),
            bar: None,
            stop: stop.clone(),
            thread: None,
        };
        if quiet {
            return reporter;
        }
        let started = Instant::now();
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(spinner_style());
            reporter.bar = Some(bar.clone());
            reporter.thread = Some(std::thread::spawn(move || {
                if !wait(&stop, BAR_DELAY) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(100));
                }
            }));
        } else {
            let interval = interval.max(Duration::from_millis(1));
            reporter.thread = Some(std::thread::spawn(move || {
                while !wait(&stop, interval) {
                    let state = lock(&state);
                    if state.done {
                        break;
                    }
                    eprintln!(
                        "themeline: {:.1}s: {}",
                        started.elapsed().as_secs_f64(),
                        state.describe()
                    );
                }
            }));
        }
        reporter
    }

    /// The hook to give the pipeline.
    pub fn hook(&self) -> impl Fn(&ProgressEvent<'_>) + Send + Sync + 'static {
        let state = self.state.clone();
        let bar = self.bar.clone();
        move |event: &ProgressEvent<'_>| {
            let mut state = lock(&state);
            update(&mut state, event);
            if let Some(bar) = &bar {
                draw(bar, &state, event);
            }
        }
    }

    /// Runs `f` (which prints on stderr) with the bar out of the way.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        lock(&self.state).done = true;
        let (stopped, signal) = &*self.stop;
        *lock(stopped) = true;
        signal.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Waits up to `timeout` for the stop signal; true when stopped.
fn wait(stop: &Stop, timeout: Duration) -> bool {
    let (stopped, signal) = &**stop;
    let guard = lock(stopped);
    let (guard, _) = signal
        .wait_timeout_while(guard, timeout, |stopped| !*stopped)
        .unwrap_or_else(|e| e.into_inner());
    *guard
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn update(state: &mut State, event: &ProgressEvent<'_>) {
    match *event {
        ProgressEvent::Reading { files, bytes } => {
            state.stage = Some("ingest");
            (state.files, state.bytes) = (files, bytes);
        }
        ProgressEvent::Read { bytes, .. } => {
            state.files_read += 1;
            state.bytes_read += bytes;
            // A file grown since it was measured.
            state.bytes = state.bytes.max(state.bytes_read);
            state.files = state.files.max(state.files_read);
        }
        ProgressEvent::Stage { stage } => state.stage = Some(stage),
        ProgressEvent::Scoring { windows } => state.windows = windows,
        ProgressEvent::Scored { windows } => state.windows_scored += windows,
        _ => {}
    }
}

fn draw(bar: &ProgressBar, state: &State, event: &ProgressEvent<'_>) {
    match event {
        ProgressEvent::Reading { bytes, .. } => {
            bar.set_style(bytes_style());
            bar.set_length(*bytes);
            bar.set_position(0);
        }
        ProgressEvent::Read { path, .. } => {
            bar.set_length(state.bytes);
            bar.set_position(state.bytes_read);
            bar.set_message(path.to_string());
        }
        ProgressEvent::Stage { stage: "score" } if state.windows > 0 => {
            bar.set_length(state.windows);
            bar.set_position(state.windows_scored);
            bar.set_style(windows_style());
        }
        ProgressEvent::Scored { .. } => bar.set_position(state.windows_scored),
        // The bar goes on showing what runs until the next stage begins.
        ProgressEvent::Scoring { .. } | ProgressEvent::StageDone { .. } => {}
        _ => {
            bar.set_style(spinner_style());
            bar.set_message(state.describe());
        }
    }
}

fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{spinner} reading {bytes}/{total_bytes} {wide_bar} {eta} {wide_msg:.dim}",
    )
    .expect("a valid template")
}

fn windows_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} scoring {pos}/{len} windows {wide_bar} {elapsed}")
        .expect("a valid template")
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the log line says after each event of a run, in order.
    fn described(events: &[ProgressEvent<'_>]) -> Vec<String> {
        let mut state = State::default();
        events
            .iter()
            .map(|event| {
                update(&mut state, event);
                state.describe()
            })
            .collect()
    }

    #[test]
    fn log_lines_name_the_stage_that_runs() {
        let done = |stage| ProgressEvent::StageDone {
            stage,
            elapsed: Duration::ZERO,
        };
        let lines = described(&[
            ProgressEvent::Stage { stage: "plan" },
            done("plan"),
            ProgressEvent::Stage { stage: "phrases" },
            done("phrases"),
            ProgressEvent::Stage { stage: "count" },
            done("count"),
            ProgressEvent::Scoring { windows: 3 },
            ProgressEvent::Stage { stage: "theme" },
            ProgressEvent::Stage { stage: "score" },
            ProgressEvent::Scored { windows: 1 },
            ProgressEvent::Scored { windows: 1 },
            ProgressEvent::Stage { stage: "shift" },
        ]);
        assert_eq!(lines[0], "laying out windows");
        // Phrase mining is not counting, and finishing it does not start counting.
        assert_eq!(lines[2], "finding phrases");
        assert_eq!(lines[3], "finding phrases");
        assert_eq!(lines[4], "counting terms");
        assert_eq!(lines[7], "measuring themes");
        // The scoring line moves window by window.
        assert_eq!(lines[8], "scoring: 0 of 3 windows");
        assert_eq!(lines[9], "scoring: 1 of 3 windows");
        assert_eq!(lines[10], "scoring: 2 of 3 windows");
        assert_eq!(lines[11], "finding shifts");
    }
}
