//! The commands: each layers its settings, drives the library's [`Pipeline`],
//! and reports on stderr.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;
use themeline::shard::{SelectFile, ShardError, ShardFile};
use themeline::{Corpus, Pipeline, Timeline, WindowReports};

use super::Failure;
use super::args::{
    Cli, CompletionsArgs, ConfigShowArgs, CountArgs, InspectArgs, MergeArgs, MineArgs, RunArgs,
    SchemaArgs, SelectArgs,
};
use super::progress::Reporter;
use super::settings::{Given, Settings, settings};

type Result<T> = std::result::Result<T, Failure>;

/// How many input problems are printed one by one before the summary.
const PRINTED_DIAGNOSTICS: usize = 10;

fn report_diagnostics(corpus: &Corpus) {
    let diagnostics = corpus.diagnostics();
    for d in diagnostics.iter().take(PRINTED_DIAGNOSTICS) {
        eprintln!("warning: {}", super::flags_for_keys(&d.to_string()));
    }
    let hidden = diagnostics.len().saturating_sub(PRINTED_DIAGNOSTICS);
    if hidden > 0 {
        eprintln!("warning: ... and {hidden} more");
    }
    if !diagnostics.is_empty() {
        let counts: Vec<String> = corpus
            .diagnostic_counts()
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        eprintln!(
            "warning: input problems: {} (all counted in timeline.json meta.statistics.diagnostics)",
            counts.join(", ")
        );
        let skipped = corpus.skipped_line_counts();
        if !skipped.is_empty() {
            let lines: Vec<String> = skipped
                .iter()
                .map(|(kind, n)| format!("{n} by {kind}"))
                .collect();
            eprintln!(
                "warning: lines skipped: {} (meta.statistics.skipped_lines)",
                lines.join(", ")
            );
        }
    }
}

/// A pipeline for `settings`, reporting its progress to a new reporter, that
/// never reads the files the command writes (`outputs`) as input.
fn start(settings: &Settings, outputs: Vec<PathBuf>) -> Result<(Pipeline, Reporter)> {
    let mut pipeline = Pipeline::new(settings.config.clone())?;
    pipeline.skip_outputs(outputs);
    let reporter = Reporter::start(settings.quiet, settings.progress_interval);
    pipeline.set_progress(reporter.hook());
    Ok((pipeline, reporter))
}

/// Reads the inputs, printing their problems unless quiet.
fn read(pipeline: &Pipeline, settings: &Settings, reporter: &Reporter) -> Result<Corpus> {
    let corpus = pipeline.read(&settings.inputs)?;
    if !settings.quiet {
        reporter.suspend(|| report_diagnostics(&corpus));
    }
    Ok(corpus)
}

pub fn run(cli: &Cli, args: &RunArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let given = Given {
        inputs: &args.inputs,
        output: Some(&args.output),
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given)?;
    check_outputs(&settings)?;
    let (pipeline, reporter) = start(&settings, own_outputs(&settings))?;
    let corpus = read(&pipeline, &settings, &reporter)?;
    let (timeline, mut windows) = pipeline.run_corpus_streamed(corpus)?;
    let written = pipeline.timings().time("emit", || {
        pipeline.install(|| write_outputs(&settings, &timeline, &mut windows))
    })?;
    drop(reporter);
    finish(&pipeline, &settings, &timeline, &written, started);
    Ok(())
}

/// Every file a run may write into its output directory, of any format: those of
/// a format not chosen this time may be left from an earlier run, and are no
/// more input than the rest.
fn own_outputs(settings: &Settings) -> Vec<PathBuf> {
    if settings.to_stdout() {
        return Vec::new();
    }
    themeline::emit::OutputFormat::ALL
        .iter()
        .flat_map(|format| format.all_files())
        .map(|file| settings.out.join(file))
        .collect()
}

fn finish(
    pipeline: &Pipeline,
    settings: &Settings,
    timeline: &Timeline,
    written: &[String],
    started: std::time::Instant,
) {
    if settings.verbose {
        let stages: Vec<String> = pipeline
            .timings()
            .stages()
            .iter()
            .map(|(stage, time)| format!("{stage} {:.3}s", time.as_secs_f64()))
            .collect();
        eprintln!("themeline: stages: {}", stages.join(", "));
    }
    if !settings.quiet {
        let stats = &timeline.meta.statistics;
        eprintln!(
            "themeline: {} input(s), {} lines, {} documents, {} segments, {} tokens, {} windows in {:.2}s; wrote {}",
            timeline.meta.inputs.len(),
            stats.lines.total,
            stats.documents,
            stats.segments,
            stats.tokens,
            stats.windows,
            started.elapsed().as_secs_f64(),
            written.join(", ")
        );
    }
}

/// `--out -` writes one format: refuses more (or none chosen) as a usage error.
fn check_outputs(settings: &Settings) -> Result<()> {
    if settings.to_stdout() && settings.formats.len() != 1 {
        let chosen: Vec<&str> = settings.formats.iter().map(|f| f.name()).collect();
        return Err(Failure::Usage(format!(
            "--out - writes one format to stdout, but {} are chosen ({}): choose one with --format",
            chosen.len(),
            chosen.join(", ")
        )));
    }
    Ok(())
}

/// Writes the chosen outputs into the output directory, or the one format to
/// stdout; returns what was written, for the summary. The window reports
/// (`windows`) are made as the outputs take them.
fn write_outputs(
    settings: &Settings,
    timeline: &Timeline,
    windows: &mut WindowReports,
) -> Result<Vec<String>> {
    if !settings.to_stdout() {
        let written = themeline::emit::write_formats_with(
            timeline,
            windows,
            &settings.out,
            &settings.formats,
        )
        .map_err(themeline::Error::from)?;
        return Ok(written.iter().map(|p| p.display().to_string()).collect());
    }
    let format = settings.formats[0];
    let mut out = PipeWriter::new(io::stdout().lock());
    match themeline::emit::write_to_with(timeline, windows, format, &mut out) {
        Ok(()) => Ok(vec![format!("{} to stdout", format.files()[0])]),
        Err(_) if out.broken => Err(io::Error::from(io::ErrorKind::BrokenPipe).into()),
        Err(e) => Err(themeline::Error::from(e).into()),
    }
}

/// A buffered stdout that remembers whether its reader went away, which the
/// writers above it (csv, serde_json) may report as their own errors.
struct PipeWriter<W: Write> {
    inner: io::BufWriter<W>,
    broken: bool,
}

impl<W: Write> PipeWriter<W> {
    fn new(inner: W) -> Self {
        PipeWriter {
            inner: io::BufWriter::new(inner),
            broken: false,
        }
    }

    fn check<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &result
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.broken = true;
        }
        result
    }
}

impl<W: Write> Write for PipeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.check(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.check(result)
    }
}

/// How a file is written.
#[derive(Clone, Copy)]
enum Encoding {
    /// Plain JSON (phrase lists).
    Json,
    /// Gzip-compressed JSON (shards of counts and of candidates).
    Compressed,
}

/// Writes `value` as JSON to `path`, which appears whole or not at all (see
/// [`themeline::emit::StagedFile`]).
fn write_json_atomically(
    path: &Path,
    value: &impl serde::Serialize,
    encoding: Encoding,
) -> Result<()> {
    let mut file = themeline::emit::StagedFile::create(path).map_err(themeline::Error::from)?;
    match encoding {
        Encoding::Json => {
            serde_json::to_writer(&mut *file.writer(), value).context("cannot write JSON")?;
            file.writer().write_all(b"\n")?;
        }
        Encoding::Compressed => themeline::shard::write_compressed(value, &mut *file.writer())
            .with_context(|| format!("cannot write {}", path.display()))?,
    }
    file.commit().map_err(themeline::Error::from)?;
    Ok(())
}

pub fn count(cli: &Cli, args: &CountArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let given = Given {
        inputs: &args.inputs,
        quiet: args.quiet,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given)?;
    let (pipeline, reporter) = start(&settings, vec![args.out.clone()])?;
    let corpus = read(&pipeline, &settings, &reporter)?;
    let shard = pipeline.count(corpus)?;
    drop(reporter);
    let segments = shard.counted.segments;
    write_json_atomically(&args.out, &shard, Encoding::Compressed)?;
    if !settings.quiet {
        eprintln!(
            "themeline: counted {segments} segments in {:.2}s; wrote {}",
            started.elapsed().as_secs_f64(),
            args.out.display()
        );
    }
    Ok(())
}

pub fn merge(cli: &Cli, args: &MergeArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let shards = args
        .shards
        .iter()
        .map(|path| {
            let shard = ShardFile::load(path).map_err(themeline::Error::from)?;
            Ok((path.display().to_string(), shard))
        })
        .collect::<Result<Vec<_>>>()?;
    let given = Given {
        output: Some(&args.output),
        shards: shards.first().map(|(_, shard)| &shard.options),
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given)?;
    check_outputs(&settings)?;
    let (pipeline, reporter) = start(&settings, Vec::new())?;
    let (timeline, mut windows) = pipeline.merge_streamed(shards)?;
    let written = pipeline.timings().time("emit", || {
        pipeline.install(|| write_outputs(&settings, &timeline, &mut windows))
    })?;
    drop(reporter);
    finish(&pipeline, &settings, &timeline, &written, started);
    Ok(())
}

/// The first half of a shard step (`passages`, `mine`): the settings, the
/// inputs read, and `step` run on them with progress shown.
fn shard_step<T>(
    cli: &Cli,
    args: &MineArgs,
    step: impl FnOnce(&Pipeline, Corpus) -> std::result::Result<T, themeline::Error>,
) -> Result<(T, Settings)> {
    let given = Given {
        inputs: &args.inputs,
        quiet: args.quiet,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given)?;
    let (pipeline, reporter) = start(&settings, vec![args.out.clone()])?;
    let corpus = read(&pipeline, &settings, &reporter)?;
    let file = step(&pipeline, corpus)?;
    drop(reporter);
    Ok((file, settings))
}

pub fn passages(cli: &Cli, args: &MineArgs) -> Result<()> {
    let (file, settings) = shard_step(cli, args, |pipeline, corpus| pipeline.passages(corpus))?;
    write_json_atomically(&args.out, &file, Encoding::Compressed)?;
    if !settings.quiet {
        let passages: usize = file.passages.iter().map(|g| g.hashes.len()).sum();
        eprintln!(
            "themeline: {passages} passages of {} documents; wrote {}",
            file.documents,
            args.out.display()
        );
    }
    Ok(())
}

pub fn mine(cli: &Cli, args: &MineArgs) -> Result<()> {
    let (file, settings) = shard_step(cli, args, |pipeline, corpus| pipeline.mine(corpus))?;
    write_json_atomically(&args.out, &file, Encoding::Compressed)?;
    if !settings.quiet {
        eprintln!(
            "themeline: {} phrase candidates; wrote {}",
            file.candidates.len(),
            args.out.display()
        );
    }
    Ok(())
}

/// Selects from passage shards (the boilerplate passages) or from candidate
/// shards (the phrases, with the passages they were mined without), whichever
/// the files are; never both at once.
pub fn select(cli: &Cli, args: &SelectArgs) -> Result<()> {
    let files = args
        .candidates
        .iter()
        .map(|path| {
            let file = SelectFile::load(path).map_err(themeline::Error::from)?;
            Ok((path.display().to_string(), file))
        })
        .collect::<Result<Vec<_>>>()?;
    let (first_path, first) = &files[0];
    if let Some((path, file)) = files.iter().find(|(_, f)| f.format() != first.format()) {
        return Err(themeline::Error::from(ShardError::Mixed {
            path: path.clone(),
            found: file.format().to_string(),
            first: first_path.clone(),
            expected: first.format().to_string(),
        })
        .into());
    }
    let options = match first {
        SelectFile::Passages(file) => &file.options,
        SelectFile::Candidates(file) => &file.options,
    };
    let given = Given {
        quiet: args.quiet,
        shards: Some(options),
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given)?;
    let pipeline = Pipeline::new(settings.config.clone())?;
    let mut passages = Vec::new();
    let mut candidates = Vec::new();
    for (path, file) in files {
        match file {
            SelectFile::Passages(file) => passages.push((path, file)),
            SelectFile::Candidates(file) => candidates.push((path, file)),
        }
    }
    let read: usize = passages
        .iter()
        .flat_map(|(_, f)| &f.passages)
        .map(|g| g.hashes.len())
        .sum::<usize>()
        + candidates
            .iter()
            .map(|(_, f)| f.candidates.len())
            .sum::<usize>();
    let list = if passages.is_empty() {
        pipeline.select(candidates)?
    } else {
        pipeline.select_passages(passages)?
    };
    write_json_atomically(&args.out, &list, Encoding::Json)?;
    if !settings.quiet {
        let boilerplate = list.passages.as_ref().map_or(0, |p| p.boilerplate.len());
        let chosen = match &list.phrases {
            Some(phrases) => format!(
                "{} phrases and {boilerplate} boilerplate passages from {read} candidates",
                phrases.len()
            ),
            None => format!("{boilerplate} boilerplate passages from {read} passages"),
        };
        eprintln!("themeline: {chosen}; wrote {}", args.out.display());
    }
    Ok(())
}

/// Writes `text` to stdout; a reader that goes away is not an error.
fn print(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

pub fn schema(args: &SchemaArgs) -> Result<()> {
    let schema = themeline::schema::schema(args.schema());
    let text = serde_json::to_string_pretty(&schema).context("cannot write JSON")?;
    print(&(text + "\n"))
}

pub fn config_show(cli: &Cli, args: &ConfigShowArgs) -> Result<()> {
    let given = Given {
        inputs: &args.run.inputs,
        output: Some(&args.run.output),
        ..Given::default()
    };
    let settings = settings(cli, &args.run.options, given)?;
    let file = settings.file();
    let text = if args.json {
        serde_json::to_string_pretty(&file).context("cannot write JSON")? + "\n"
    } else {
        with_origins(&file.to_toml(), &settings.layers)
    };
    print(&text)
}

/// The TOML of `config show` with a comment on each line naming the layer that
/// set it (the last one that did), and a header listing the layers read.
fn with_origins(toml: &str, layers: &[(String, themeline::ConfigFile)]) -> String {
    let set: Vec<(&str, serde_json::Value)> = layers
        .iter()
        .map(|(name, layer)| {
            (
                name.as_str(),
                serde_json::to_value(layer).unwrap_or_default(),
            )
        })
        .collect();
    let mut out =
        String::from("# The options a run would use; each line says where it comes from.\n");
    for (name, _) in layers {
        out.push_str(&format!("# layer: {name}\n"));
    }
    for line in toml.lines() {
        let key = line.split(" = ").next().unwrap_or_default();
        let origin = set
            .iter()
            .rev()
            .find(|(_, layer)| layer.get(key).is_some_and(|v| !v.is_null()))
            .map_or("default", |(name, _)| name);
        if line.contains(" = ") {
            out.push_str(&format!("{line}  # {origin}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "themeline", &mut script);
    print(&String::from_utf8_lossy(&script))
}

pub fn inspect(cli: &Cli, args: &InspectArgs) -> Result<()> {
    let given = Given {
        inputs: &args.inputs,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given)?;
    let pipeline = Pipeline::new(settings.config.clone())?;
    let corpus = pipeline.read(&settings.inputs)?;
    report_diagnostics(&corpus);
    let mut out = io::BufWriter::new(io::stdout());
    pipeline.inspect(corpus, args.what(), &mut out)?;
    Ok(())
}
