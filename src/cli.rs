//! The `themeline` command line: argument parsing, reporting, exit codes.
//!
//! This module is the only place that knows about terminals and processes. It turns
//! flags into a [`Config`], runs the library's [`Pipeline`] inside a rayon pool of
//! the requested size, prints input problems and a summary on stderr, and maps
//! failures to exit codes: 0 success, 1 runtime failure, 2 usage error (clap's).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use serde_json::json;

use themeline::config::{Duration, GroupBy, IdfMode, NormMode, TfMode};
use themeline::ingest::{Dedupe, Format, Ingested};
use themeline::pipeline::Group;
use themeline::stem::{Language, StemCache};
use themeline::time::{Zone, parse_instant};
use themeline::tokenize::TokenStats;
use themeline::window::{BinBy, WindowLength};
use themeline::{Config, Pipeline, score};

const EXAMPLES: &str = "\
Examples:
  themeline                                  run on data/, write output/
  themeline run talk.txt --out results       one transcript, outputs in results/
  themeline run talk.txt --window 6m --step 3m --top 15
                                             overlapping 6-minute windows every 3 minutes
  themeline run talk.txt --tf raw --idf plain --norm l1
                                             another scikit-learn TF-IDF variant
  themeline run talk.txt --add-stopwords mine.txt --strict
                                             more stop words; fail on any bad line
  themeline inspect talk.txt --what segments what the parser read, as JSON lines

Exit codes: 0 success, 1 runtime failure (unreadable input, no text, --strict
problem, unwritable output), 2 usage error.";

/// Theme timelines from timestamped text: the terms that dominate each time window.
#[derive(Debug, Parser)]
#[command(name = "themeline", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the pipeline and write terms.csv, windows.csv and timeline.json (the default).
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Print what the parser and analyzer saw, as JSON lines, without writing outputs.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Transcript files, or directories whose .txt files are read [default: data]
    inputs: Vec<PathBuf>,
    /// Directory for the outputs (created if needed; files replaced atomically).
    #[arg(long, short, default_value = "output")]
    out: PathBuf,
    /// Print nothing on success; problems in the input are still counted in timeline.json.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    options: OptionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InspectWhat {
    /// Each input file: format, title, line counts, and its problems.
    Sources,
    /// Each timed segment of text.
    Segments,
    /// Each segment's tokens: surface words and the terms they stem to.
    Tokens,
    /// Each window's term counts (terms that meet --min-count), as scored.
    Counts,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// Input files or directories [default: data]
    inputs: Vec<PathBuf>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = InspectWhat::Segments)]
    what: InspectWhat,
    #[command(flatten)]
    options: OptionArgs,
}

/// Options shared by `run` and `inspect`; defaults come from `Config::default()`.
#[derive(Debug, Args)]
struct OptionArgs {
    /// Window length: a duration (5m, 90s, 1h30m, 90d, 2w, PT5M, seconds) or a calendar
    /// unit for dated input (day, week, month, quarter, year, decade).
    #[arg(long, value_name = "LENGTH", default_value_t = Config::default().window, help_heading = "Windows")]
    window: WindowLength,
    /// Start a window every DURATION, for overlapping windows (at most --window).
    #[arg(long, value_name = "DURATION", help_heading = "Windows")]
    step: Option<Duration>,
    /// Split the data's extent into N bins instead of fixed windows.
    #[arg(long, value_name = "N", help_heading = "Windows")]
    bins: Option<usize>,
    /// Bins of equal duration, or of (about) equal numbers of tokens.
    #[arg(long, value_enum, default_value_t = Config::default().bins_by, help_heading = "Windows")]
    bins_by: BinBy,
    /// Time zone for calendar windows and for dates without an offset (IANA name).
    #[arg(long, value_name = "ZONE", default_value_t = Config::default().tz, help_heading = "Windows")]
    tz: Zone,
    /// Anchor recordings at this instant (2024-03-20T09:00:00Z, or a date-time in --tz)
    /// so they share an axis with dated documents.
    #[arg(long, value_name = "INSTANT", help_heading = "Windows")]
    start: Option<String>,
    /// One timeline over all inputs, or one per input file (adds a `source` column).
    #[arg(long, value_enum, default_value_t = Config::default().group_by, help_heading = "Windows")]
    group_by: GroupBy,

    /// Read every input as this format instead of detecting it.
    #[arg(long, value_enum, help_heading = "Input")]
    format: Option<Format>,
    /// JSON Lines/CSV column with the time [default: detected: time, timestamp, date, start, published, ...].
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    time_col: Option<String>,
    /// JSON Lines/CSV column with text (repeatable; joined in order) [default: detected: text, content, body, ...].
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    text_col: Vec<String>,
    /// JSON Lines/CSV column naming each record (used in messages).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    id_col: Option<String>,
    /// Remove the rolling duplicates of auto-generated captions (auto: when detected).
    #[arg(long, value_enum, default_value_t = Config::default().dedupe, help_heading = "Input")]
    dedupe: Dedupe,
    /// How long the last segment of a transcript lasts.
    #[arg(long, value_name = "DURATION", default_value_t = Duration(Config::default().last_segment), help_heading = "Input")]
    last_segment: Duration,
    /// Fail on the first problem in the input instead of skipping or repairing it.
    #[arg(long, help_heading = "Input")]
    strict: bool,

    /// Stemming language (any Snowball algorithm: english, german, french, ...).
    #[arg(long, value_name = "LANG", default_value_t = Config::default().language, help_heading = "Terms")]
    language: Language,
    /// Keep tokens made only of digits (2024, 12,000).
    #[arg(long, help_heading = "Terms")]
    keep_numbers: bool,
    /// Shortest token kept, in characters.
    #[arg(long, value_name = "N", default_value_t = Config::default().min_token_len, help_heading = "Terms")]
    min_token_len: usize,
    /// Stop-word file replacing the built-in lists (repeatable).
    #[arg(long, value_name = "FILE", help_heading = "Terms")]
    stopwords: Vec<PathBuf>,
    /// Stop-word file added to the lists in use (repeatable).
    #[arg(long, value_name = "FILE", help_heading = "Terms")]
    add_stopwords: Vec<PathBuf>,

    /// Ranked terms per window (0: all).
    #[arg(long, value_name = "N", default_value_t = Config::default().top, help_heading = "Scoring")]
    top: usize,
    /// Drop terms seen fewer than N times in the whole run before scoring.
    #[arg(long, value_name = "N", default_value_t = Config::default().min_count, help_heading = "Scoring")]
    min_count: u64,
    /// Term frequency: raw count, or sublinear 1+ln(count).
    #[arg(long, value_enum, default_value_t = Config::default().tf, help_heading = "Scoring")]
    tf: TfMode,
    /// Inverse document frequency over windows.
    #[arg(long, value_enum, default_value_t = Config::default().idf, help_heading = "Scoring")]
    idf: IdfMode,
    /// Normalisation of each window's scores.
    #[arg(long, value_enum, default_value_t = Config::default().norm, help_heading = "Scoring")]
    norm: NormMode,

    /// Worker threads (0: one per core). Output is identical for any value.
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
}

impl OptionArgs {
    fn config(&self) -> Config {
        let start = self.start.as_deref().map(|text| {
            parse_instant(text, &self.tz).unwrap_or_else(|| {
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ValueValidation,
                        format!("invalid value {text:?} for '--start <INSTANT>': not a date or date-time"),
                    )
                    .exit()
            })
        });
        Config {
            window: self.window,
            step: self.step.map(|d| d.0),
            bins: self.bins,
            bins_by: self.bins_by,
            top: self.top,
            min_count: self.min_count,
            language: self.language,
            tf: self.tf,
            idf: self.idf,
            norm: self.norm,
            keep_numbers: self.keep_numbers,
            min_token_len: self.min_token_len,
            stopwords: self.stopwords.clone(),
            add_stopwords: self.add_stopwords.clone(),
            last_segment: self.last_segment.0,
            strict: self.strict,
            format: self.format,
            time_col: self.time_col.clone(),
            text_col: self.text_col.clone(),
            id_col: self.id_col.clone(),
            tz: self.tz.clone(),
            start,
            group_by: self.group_by,
            dedupe: self.dedupe,
        }
    }

    fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .context("cannot start worker threads")
    }
}

fn inputs_or_default(inputs: &[PathBuf]) -> Vec<PathBuf> {
    if inputs.is_empty() {
        vec![PathBuf::from("data")]
    } else {
        inputs.to_vec()
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run(&args),
        Some(Command::Inspect(args)) => inspect(&args),
        // A bare `themeline` is `themeline run` with every default.
        None => match Cli::parse_from(["themeline", "run"]).command {
            Some(Command::Run(args)) => run(&args),
            _ => unreachable!("`run` parses as the run command"),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// How many input problems are printed one by one before the summary.
const PRINTED_DIAGNOSTICS: usize = 10;

fn report_diagnostics(ingested: &Ingested) {
    for d in ingested.diagnostics.iter().take(PRINTED_DIAGNOSTICS) {
        eprintln!("warning: {d}");
    }
    let hidden = ingested
        .diagnostics
        .len()
        .saturating_sub(PRINTED_DIAGNOSTICS);
    if hidden > 0 {
        eprintln!("warning: ... and {hidden} more");
    }
    if !ingested.diagnostics.is_empty() {
        let counts: Vec<String> = ingested
            .diagnostic_counts()
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        eprintln!(
            "warning: input problems: {} (all counted in timeline.json meta.statistics.diagnostics)",
            counts.join(", ")
        );
    }
}

fn run(args: &RunArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let inputs = inputs_or_default(&args.inputs);
    let pipeline = Pipeline::new(args.options.config())?;
    let pool = args.options.pool()?;
    let timeline = pool.install(|| -> Result<_> {
        let ingested = pipeline.ingest(&inputs)?;
        if !args.quiet {
            report_diagnostics(&ingested);
        }
        Ok(pipeline.run_ingested(ingested)?)
    })?;
    let written = themeline::write_outputs(&timeline, &args.out)?;
    if !args.quiet {
        let stats = &timeline.meta.statistics;
        let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "themeline: {} input(s), {} lines, {} documents, {} segments, {} tokens, {} windows in {:.2}s; wrote {}",
            timeline.meta.inputs.len(),
            stats.lines.total,
            stats.documents,
            stats.segments,
            stats.tokens,
            stats.windows,
            started.elapsed().as_secs_f64(),
            names.join(", ")
        );
    }
    Ok(())
}

fn inspect(args: &InspectArgs) -> Result<()> {
    let inputs = inputs_or_default(&args.inputs);
    let pipeline = Pipeline::new(args.options.config())?;
    let pool = args.options.pool()?;
    pool.install(|| -> Result<()> {
        let ingested = pipeline.ingest(&inputs)?;
        report_diagnostics(&ingested);
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        match args.what {
            InspectWhat::Sources => {
                for (id, source) in ingested.sources.iter().enumerate() {
                    let problems: Vec<_> = ingested
                        .diagnostics
                        .iter()
                        .filter(|d| d.file == source.path)
                        .collect();
                    let row = json!({"source": id, "input": source, "diagnostics": problems});
                    writeln!(out, "{row}")?;
                }
            }
            InspectWhat::Segments => {
                for segment in &ingested.segments {
                    writeln!(out, "{}", serde_json::to_string(segment)?)?;
                }
            }
            InspectWhat::Tokens | InspectWhat::Counts => {
                let mut ingested = ingested;
                let (_, groups) = pipeline.groups(&mut ingested)?;
                for group in &groups {
                    let segments = &ingested.segments[group.segments.clone()];
                    if args.what == InspectWhat::Tokens {
                        inspect_tokens(&pipeline, segments, group, &mut out)?;
                    } else {
                        inspect_counts(&pipeline, segments, group, &mut out)?;
                    }
                }
            }
        }
        out.flush()?;
        Ok(())
    })
}

fn inspect_tokens(
    pipeline: &Pipeline,
    segments: &[themeline::Segment],
    group: &Group,
    out: &mut impl Write,
) -> Result<()> {
    let mut stems = StemCache::new(pipeline.config().language);
    let mut stats = TokenStats::default();
    for segment in segments {
        let (mut words, mut terms, mut windows) = (Vec::new(), Vec::new(), Vec::new());
        pipeline.analyze_segment(
            segment,
            &group.windows,
            &mut stems,
            &mut stats,
            |w, term, surface| {
                words.push(surface.to_string());
                terms.push(term.to_string());
                windows.push(w.start);
            },
        );
        let row = json!({
            "source": segment.source, "document": segment.document, "line": segment.line,
            "start_ms": segment.start, "words": words, "terms": terms, "windows": windows,
        });
        writeln!(out, "{row}")?;
    }
    Ok(())
}

fn inspect_counts(
    pipeline: &Pipeline,
    segments: &[themeline::Segment],
    group: &Group,
    out: &mut impl Write,
) -> Result<()> {
    let counts = pipeline.count(segments, &group.windows, group.extent);
    let mask = score::vocabulary_mask(&counts, pipeline.config().min_count);
    for (index, window) in counts.windows.iter().enumerate() {
        let terms: serde_json::Map<String, serde_json::Value> = window
            .terms
            .iter()
            .filter(|(id, _)| mask[*id as usize])
            .map(|&(id, n)| (counts.terms[id as usize].term.clone(), json!(n)))
            .collect();
        let w = group.windows.window(index);
        let row = json!({
            "source": group.source,
            "window": index,
            "start_ms": w.start,
            "end_ms": w.end,
            "counts": terms,
        });
        writeln!(out, "{row}")?;
    }
    Ok(())
}
