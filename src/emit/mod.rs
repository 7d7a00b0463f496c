//! Writing a [`Timeline`] out: tidy CSV for dashboards, one JSON document for
//! programs, an HTML report for people and a Vega-Lite spec of the theme chart.
//!
//! Every output format is a [`Sink`]: it is told when the run begins, receives the
//! windows one at a time, and is told when the run is finished. This is ripgrep's
//! `Sink` idea: the pipeline knows nothing of formats, and a new format is one new
//! type. Files are written through an [`OutputDir`], which writes them into a
//! staging directory and puts them in place only after every sink has finished:
//! by exchanging the staging directory with the output directory in one system
//! call where it can, so a dashboard polling `output/` sees the whole previous set
//! or the whole new one, never a half-written file nor a mix; a failed run leaves
//! the previous outputs untouched (see [`commit`] for what is guaranteed where).

mod chapters;
pub mod commit;
mod csv;
mod html;
mod json;
mod ndjson;
mod parallel;
#[cfg(test)]
pub(crate) mod testing;
mod vegalite;

use std::path::{Path, PathBuf};

use crate::timeline::{
    ChapterReport, Meta, ShiftReport, SpeakerReport, TermReport, ThemeReport, Timeline,
    UnassignedTerm, WindowReport,
};
pub use chapters::ChaptersText;
pub use commit::{CommitMode, OutputDir, StagedFile, remove_staging};
pub use csv::{ChaptersCsv, ShiftsCsv, SpeakersCsv, TermsCsv, ThemesCsv, WindowsCsv};
pub use html::HtmlReport;
pub use json::TimelineJson;
pub use ndjson::WindowsNdjson;
pub use parallel::emit_parallel;
pub use vegalite::VegaLiteSpec;

/// Errors while writing outputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// A file or directory that cannot be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A CSV writer failure.
    #[error("writing CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// A JSON writer failure.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// What a run found over all its windows, given to sinks after the last window.
#[derive(Debug, Clone, Copy)]
pub struct Summary<'a> {
    /// The terms that rank in any window.
    pub terms: &'a [TermReport],
    /// The themes.
    pub themes: &'a [ThemeReport],
    /// The shift events, in time order.
    pub shifts: &'a [ShiftReport],
    /// The chapters of the recordings, or the periods of dated timelines.
    pub chapters: &'a [ChapterReport],
    /// High-scoring terms of no lexicon theme.
    pub unassigned: &'a [UnassignedTerm],
    /// The speakers of each timeline (empty when no input names them).
    pub speakers: &'a [SpeakerReport],
}

impl<'a> Summary<'a> {
    /// The run-level parts of `timeline`.
    pub fn of(timeline: &'a Timeline) -> Self {
        Summary {
            terms: &timeline.terms,
            themes: &timeline.themes,
            shifts: &timeline.shifts,
            chapters: &timeline.chapters,
            unassigned: &timeline.unassigned,
            speakers: &timeline.speakers,
        }
    }
}

/// Writes `value` as pretty JSON with a final newline, then flushes.
fn write_pretty_json<W: std::io::Write, T: serde::Serialize>(
    writer: &mut W,
    value: &T,
) -> Result<(), EmitError> {
    serde_json::to_writer_pretty(&mut *writer, value)?;
    writer
        .write_all(b"\n")
        .and_then(|()| writer.flush())
        .map_err(serde_json::Error::io)?;
    Ok(())
}

/// An output format.
pub trait Sink {
    /// Called once, before any window.
    fn begin(&mut self, meta: &Meta) -> Result<(), EmitError>;
    /// Called once per window, in time order.
    fn window(&mut self, window: &WindowReport) -> Result<(), EmitError>;
    /// Called with consecutive windows, in time order: the same as calling
    /// [`Sink::window`] on each, which is what it does unless a format renders
    /// its windows in parallel ([`emit_parallel`] calls it).
    fn windows(&mut self, windows: &[WindowReport]) -> Result<(), EmitError> {
        windows.iter().try_for_each(|window| self.window(window))
    }
    /// Called once after the last window; writes the run-level parts and any
    /// trailer, and flushes.
    fn finish(&mut self, summary: &Summary<'_>) -> Result<(), EmitError>;
}

/// Feeds a timeline to a set of sinks.
pub fn emit(timeline: &Timeline, sinks: &mut [&mut dyn Sink]) -> Result<(), EmitError> {
    emit_with(timeline, &mut std::iter::empty(), sinks)
}

/// [`emit`], with `more` windows after the timeline's own: windows made one at a
/// time as the sinks take them, so that a run of very many windows never holds
/// them all (a pipeline's streamed run leaves all its windows so).
pub fn emit_with(
    timeline: &Timeline,
    more: &mut dyn Iterator<Item = WindowReport>,
    sinks: &mut [&mut dyn Sink],
) -> Result<(), EmitError> {
    for sink in sinks.iter_mut() {
        sink.begin(&timeline.meta)?;
    }
    for window in &timeline.windows {
        for sink in sinks.iter_mut() {
            sink.window(window)?;
        }
    }
    for window in more {
        for sink in sinks.iter_mut() {
            sink.window(&window)?;
        }
    }
    let summary = Summary::of(timeline);
    for sink in sinks.iter_mut() {
        sink.finish(&summary)?;
    }
    Ok(())
}

/// An output format: a set of files in the output directory, or one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    /// `terms.csv`, `windows.csv`, `themes.csv`, `shifts.csv`, `chapters.csv`, and
    /// `speakers.csv` when some input names its speakers (on stdout: `terms.csv`).
    Csv,
    /// `timeline.json`: the whole run.
    Json,
    /// `timeline.ndjson`: one window per line, as in `timeline.json`'s `windows[]`.
    Ndjson,
    /// `report.html`: the run for people.
    Html,
    /// `timeline.vl.json`: the theme chart as a Vega-Lite spec reading `themes.csv`
    /// (also called `vl`).
    VegaLite,
    /// `chapters.txt`: each recording's chapters as `0:00 Title` lines, the form a
    /// video description takes.
    Chapters,
}

impl OutputFormat {
    /// Every format, in the order files are written.
    pub const ALL: [OutputFormat; 6] = [
        OutputFormat::Csv,
        OutputFormat::Json,
        OutputFormat::Ndjson,
        OutputFormat::Html,
        OutputFormat::VegaLite,
        OutputFormat::Chapters,
    ];

    /// What a run writes unless told otherwise: everything but `ndjson`, whose
    /// lines `timeline.json` already holds.
    pub const DEFAULT: [OutputFormat; 5] = [
        OutputFormat::Csv,
        OutputFormat::Json,
        OutputFormat::Html,
        OutputFormat::VegaLite,
        OutputFormat::Chapters,
    ];

    /// The name used by `--format`.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Ndjson => "ndjson",
            OutputFormat::Html => "html",
            OutputFormat::VegaLite => "vegalite",
            OutputFormat::Chapters => "chapters",
        }
    }

    /// The files this format always writes into an output directory.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            OutputFormat::Csv => &[
                "terms.csv",
                "windows.csv",
                "themes.csv",
                "shifts.csv",
                "chapters.csv",
            ],
            OutputFormat::Json => &["timeline.json"],
            OutputFormat::Ndjson => &["timeline.ndjson"],
            OutputFormat::Html => &["report.html"],
            OutputFormat::VegaLite => &["timeline.vl.json"],
            OutputFormat::Chapters => &["chapters.txt"],
        }
    }
}

impl OutputFormat {
    /// The files this format writes only for some runs: `speakers.csv`, when an
    /// input names its speakers. A run that does not write one removes the one
    /// an earlier run left, as it does the files of a format it does not write.
    pub fn optional_files(self) -> &'static [&'static str] {
        match self {
            OutputFormat::Csv => &["speakers.csv"],
            _ => &[],
        }
    }

    /// Every file this format may write: [`OutputFormat::files`], then
    /// [`OutputFormat::optional_files`].
    pub fn all_files(self) -> impl Iterator<Item = &'static str> {
        self.files().iter().chain(self.optional_files()).copied()
    }
}

impl std::fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        if wanted == "vl" {
            return Ok(OutputFormat::VegaLite);
        }
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.name()).collect();
                format!("unknown output format {s:?}: expected {}", names.join(", "))
            })
    }
}

impl schemars::JsonSchema for OutputFormat {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OutputFormat".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.name()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "An output format, by its format name.",
            "enum": names,
        })
    }
}

impl serde::Serialize for OutputFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for OutputFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Writes `terms.csv`, `windows.csv`, `themes.csv`, `shifts.csv`,
/// `chapters.csv` (and `speakers.csv` when there are speakers), `timeline.json`, `report.html`, `timeline.vl.json` and
/// `chapters.txt` into `dir` atomically: the [`OutputFormat::DEFAULT`] formats.
pub fn write_outputs(timeline: &Timeline, dir: &Path) -> Result<Vec<PathBuf>, EmitError> {
    write_formats(timeline, dir, &OutputFormat::DEFAULT)
}

/// Writes the files of `formats` into `dir` atomically (all appear together
/// when every one is complete); returns their paths.
pub fn write_formats(
    timeline: &Timeline,
    dir: &Path,
    formats: &[OutputFormat],
) -> Result<Vec<PathBuf>, EmitError> {
    write_formats_with(timeline, &mut std::iter::empty(), dir, formats)
}

/// [`write_formats`], with `more` windows after the timeline's own (see
/// [`emit_with`]).
pub fn write_formats_with(
    timeline: &Timeline,
    more: &mut dyn Iterator<Item = WindowReport>,
    dir: &Path,
    formats: &[OutputFormat],
) -> Result<Vec<PathBuf>, EmitError> {
    let mut out = OutputDir::create(dir)?;
    let mut sinks: Vec<Box<dyn Sink + Send>> = Vec::new();
    for format in OutputFormat::ALL {
        if !formats.contains(&format) {
            continue;
        }
        match format {
            OutputFormat::Csv => {
                sinks.push(Box::new(TermsCsv::new(out.file("terms.csv")?)));
                sinks.push(Box::new(WindowsCsv::new(out.file("windows.csv")?)));
                sinks.push(Box::new(ThemesCsv::new(out.file("themes.csv")?)));
                sinks.push(Box::new(ShiftsCsv::new(out.file("shifts.csv")?)));
                sinks.push(Box::new(ChaptersCsv::new(out.file("chapters.csv")?)));
                if !timeline.speakers.is_empty() {
                    sinks.push(Box::new(SpeakersCsv::new(out.file("speakers.csv")?)));
                }
            }
            OutputFormat::Json => {
                sinks.push(Box::new(TimelineJson::new(out.file("timeline.json")?)))
            }
            OutputFormat::Ndjson => {
                sinks.push(Box::new(WindowsNdjson::new(out.file("timeline.ndjson")?)))
            }
            OutputFormat::Html => sinks.push(Box::new(HtmlReport::new(out.file("report.html")?))),
            OutputFormat::VegaLite => {
                sinks.push(Box::new(VegaLiteSpec::new(out.file("timeline.vl.json")?)))
            }
            OutputFormat::Chapters => {
                sinks.push(Box::new(ChaptersText::new(out.file("chapters.txt")?)))
            }
        }
    }
    let mut refs: Vec<&mut (dyn Sink + Send)> = sinks
        .iter_mut()
        .map(|s| &mut **s as &mut (dyn Sink + Send))
        .collect();
    emit_parallel(timeline, more, &mut refs)?;
    // The sinks own the writers; dropping them closes the files before renaming.
    drop(refs);
    drop(sinks);
    out.commit()
}

/// Writes one format to `writer` (for `--out -`): `csv` writes `terms.csv`.
/// `ndjson` lines are written as the windows come, the others when complete.
pub fn write_to(
    timeline: &Timeline,
    format: OutputFormat,
    writer: impl std::io::Write,
) -> Result<(), EmitError> {
    write_to_with(timeline, &mut std::iter::empty(), format, writer)
}

/// [`write_to`], with `more` windows after the timeline's own (see [`emit_with`]).
pub fn write_to_with(
    timeline: &Timeline,
    more: &mut dyn Iterator<Item = WindowReport>,
    format: OutputFormat,
    writer: impl std::io::Write,
) -> Result<(), EmitError> {
    let e = emit_with;
    match format {
        OutputFormat::Csv => e(timeline, more, &mut [&mut TermsCsv::new(writer)]),
        OutputFormat::Json => e(timeline, more, &mut [&mut TimelineJson::new(writer)]),
        OutputFormat::Ndjson => e(timeline, more, &mut [&mut WindowsNdjson::new(writer)]),
        OutputFormat::Html => e(timeline, more, &mut [&mut HtmlReport::new(writer)]),
        OutputFormat::VegaLite => e(timeline, more, &mut [&mut VegaLiteSpec::new(writer)]),
        OutputFormat::Chapters => e(timeline, more, &mut [&mut ChaptersText::new(writer)]),
    }
}

/// Temporary files are private (0600) by default; outputs are for dashboards and
/// other users to read, so they get the usual 0644.
pub fn readable<'r, 'a, 'b>(
    builder: &'r mut tempfile::Builder<'a, 'b>,
) -> &'r mut tempfile::Builder<'a, 'b> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::testing;

    fn timeline() -> Timeline {
        testing::talk()
    }

    #[test]
    fn outputs_appear_together_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_outputs(&timeline(), dir.path()).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "chapters.csv",
                "chapters.txt",
                "report.html",
                "shifts.csv",
                "terms.csv",
                "themes.csv",
                "timeline.json",
                "timeline.vl.json",
                "windows.csv"
            ]
        );
        assert_eq!(written.len(), 9);
    }

    #[test]
    fn speakers_csv_comes_with_speakers_and_goes_without() {
        let dir = tempfile::tempdir().unwrap();
        let has = |name: &str| dir.path().join(name).exists();
        write_outputs(&testing::with_speakers(), dir.path()).unwrap();
        assert!(has("speakers.csv"));
        write_outputs(&timeline(), dir.path()).unwrap();
        assert!(!has("speakers.csv"), "a stale speakers.csv is removed");
        assert!(has("terms.csv"));
        // In place too: a file of the user's keeps the directory from being swapped.
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        write_outputs(&testing::with_speakers(), dir.path()).unwrap();
        assert!(has("speakers.csv"));
        write_outputs(&timeline(), dir.path()).unwrap();
        assert!(!has("speakers.csv") && has("notes.txt"));
    }

    #[test]
    fn uncommitted_files_vanish() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut out = OutputDir::create(dir.path()).unwrap();
            std::io::Write::write_all(&mut out.file("terms.csv").unwrap(), b"partial").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_unwritable_directory_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let err = write_outputs(&timeline(), &file.join("out")).unwrap_err();
        assert!(err.to_string().contains("file/out"), "{err}");
    }
}
