//! The `themeline` command line: arguments, the config file, reporting, exit codes.
//!
//! This module is the only place that knows about terminals and processes. It
//! layers options (defaults < `themeline.toml` < `THEMELINE_*` environment
//! variables < flags given on the command line), runs the library's [`Pipeline`]
//! inside a rayon pool of the requested size, shows progress and prints input
//! problems and a summary on stderr (never on stdout, which belongs to `--out -`),
//! and maps failures to exit codes: 0 success (also when a reader of stdout such as
//! `head` goes away), 1 runtime failure, 2 usage error (clap's).

mod progress;

use progress::Reporter;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde_json::json;

use themeline::config::{ConfigFile, Duration, GroupBy, IdfMode, NormMode, TfMode};
use themeline::count::shard::{CandidateFile, PhraseList, ShardFile};
use themeline::emit::OutputFormat;
use themeline::emit::schema::SchemaName;
use themeline::ingest::{Dedupe, Format, Ingested};
use themeline::pipeline::{Group, Part, StemCaches};
use themeline::score::{Method, Reference};
use themeline::stem::{Language, LanguageChoice};
use themeline::time::{Zone, parse_instant};
use themeline::tokenize::TokenStats;
use themeline::tokenize::phrases::{Candidates, PhraseMode};
use themeline::window::{BinBy, WindowLength};
use themeline::{Config, Pipeline, score};

const EXAMPLES: &str = "\
Examples:
  themeline                                  the default run: themeline.toml, else data/ -> output/
  themeline run talk.txt --out results       one transcript, outputs in results/
  themeline run talk.vtt --window 6m --step 3m --top 15
                                             overlapping 6-minute windows every 3 minutes
  themeline run speeches/ --window decade --tf sublinear
                                             dated documents, one window per decade
  themeline run talks.jsonl --text-col title --text-col description --window year
  themeline run talk.txt --aliases my-aliases.toml --phrase \"service mesh\" --strict
  themeline inspect talk.txt --what segments what the parser read, as JSON lines
  themeline run talk.txt --out - --format ndjson | jq -c '{label, dominant}'
                                             one window per line on stdout
  THEMELINE_WINDOW=2m themeline config show  the options a run would use, as themeline.toml

Exit codes: 0 success, 1 runtime failure (unreadable input, no text, --strict
problem, unwritable output), 2 usage error.";

/// Theme timelines from timestamped or dated text: the terms that dominate each
/// time window.
#[derive(Debug, Parser)]
#[command(name = "themeline", version, after_help = EXAMPLES)]
struct Cli {
    /// Read options from this TOML file [default: $THEMELINE_CONFIG, else ./themeline.toml when it exists].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Read no options file (also THEMELINE_NO_CONFIG=1).
    #[arg(long, global = true, conflicts_with = "config")]
    no_config: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the pipeline and write its outputs (CSV, JSON, HTML report, Vega-Lite): the default.
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Print what the parser and analyzer saw, as JSON lines, without writing outputs.
    Inspect(InspectArgs),
    /// Count inputs into a shard (mergeable per-window counts) for `themeline merge`.
    #[command(after_help = SHARD_HELP)]
    Count(CountArgs),
    /// Merge shards written by `themeline count`, then score, theme, shift and write outputs.
    #[command(after_help = SHARD_HELP)]
    Merge(MergeArgs),
    /// Count the phrase candidates of inputs into a shard for `themeline select`.
    #[command(after_help = SHARD_HELP)]
    Mine(MineArgs),
    /// Add up `themeline mine` shards and write the phrases every `count` should count.
    #[command(after_help = SHARD_HELP)]
    Select(SelectArgs),
    /// Print the JSON Schema (draft 2020-12) of a file themeline writes or reads.
    Schema(SchemaArgs),
    /// Show the configuration a run would use.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the effective options (defaults < themeline.toml < THEMELINE_* < flags)
    /// as a themeline.toml that reads back; takes the options of `run`.
    Show(ConfigShowArgs),
}

#[derive(Debug, Args)]
struct ConfigShowArgs {
    /// Print TOML, in themeline.toml syntax (the default).
    #[arg(long, conflicts_with = "json")]
    toml: bool,
    /// Print JSON instead (unset options are null).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
struct SchemaArgs {
    /// Which file: timeline.json, a line of timeline.ndjson, a shard, a candidate
    /// shard, a phrase list, or themeline.toml.
    #[arg(value_enum, default_value_t = SchemaName::Timeline)]
    name: SchemaName,
}

const SHARD_HELP: &str = "\
Counting split across processes or machines (see the README, Shards):
  themeline mine  part-01/ --out cand-01.json       # each shard: its phrase candidates
  themeline select cand-*.json --out phrases.json   # once: the phrases to count
  themeline count part-01/ --phrase-list phrases.json --out counts-01.json   # each shard
  themeline merge counts-*.json --out output        # once, shards in input order
Give every step the same counting options; merge(count(A), count(B)) equals run(A B).
With --group-by source, skip mine and select: each shard mines its own sources.";

#[derive(Debug, Args)]
struct CountArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    inputs: Vec<PathBuf>,
    /// The shard file to write (replaced atomically).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    options: OptionArgs,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// Shard files written by `themeline count`, in the order their inputs would be read.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    options: OptionArgs,
}

#[derive(Debug, Args)]
struct MineArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    inputs: Vec<PathBuf>,
    /// The candidate shard to write (replaced atomically).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    options: OptionArgs,
}

#[derive(Debug, Args)]
struct SelectArgs {
    /// Candidate shards written by `themeline mine`.
    #[arg(required = true)]
    candidates: Vec<PathBuf>,
    /// The phrase list to write, for `--phrase-list` (replaced atomically).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    options: OptionArgs,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    options: OptionArgs,
}

/// Where the outputs go and what is said on the way: `run` and `merge`.
#[derive(Debug, Args)]
struct OutputArgs {
    /// Directory for the outputs (created if needed; files replaced atomically), or
    /// - for one format on stdout [default: out in the config file, else output]
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Outputs to write, comma-separated or repeated: csv (terms, windows, themes,
    /// shifts), json (timeline.json), ndjson (timeline.ndjson), html (report.html),
    /// vegalite (timeline.vl.json). With --out - exactly one (csv: terms.csv)
    /// [default: csv,json,html,vegalite]
    #[arg(long, value_name = "FORMAT", value_delimiter = ',', value_parser = OutputFormatParser)]
    format: Vec<OutputFormat>,
    /// Print nothing on success; problems in the input are still counted in timeline.json.
    #[arg(long, short)]
    quiet: bool,
    /// Also print where the time went, stage by stage.
    #[arg(long, short, conflicts_with = "quiet")]
    verbose: bool,
    /// How often progress is logged when stderr is not a terminal.
    #[arg(long, value_name = "DURATION")]
    progress_interval: Option<Duration>,
}

/// `--format`'s values through [`OutputFormat`]'s `FromStr`, which says when a
/// value is an input format (`--format vtt` means `--input-format vtt`), with the
/// possible values for help and completions.
#[derive(Debug, Clone, Copy)]
struct OutputFormatParser;

impl clap::builder::TypedValueParser for OutputFormatParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<OutputFormat, clap::Error> {
        value.to_string_lossy().parse().map_err(|message: String| {
            let mut cmd = cmd.clone();
            cmd.error(
                clap::error::ErrorKind::InvalidValue,
                format!("--format: {message}"),
            )
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            OutputFormat::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
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
    /// The TF-IDF rows of the chunks that theme discovery factorises.
    Chunks,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// Input files or directories [default: inputs in the config file, else data]
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
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Input")]
    input_format: Option<Format>,
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
    /// Read transcripts of at least this many bytes in pieces, never whole (0: read every file whole).
    #[arg(long, value_name = "BYTES", default_value_t = Config::default().stream_bytes, help_heading = "Input")]
    stream_bytes: u64,

    /// Language of stemming and stop words (english, german, french, ... any Snowball
    /// algorithm), or auto to detect it per input.
    #[arg(long, value_name = "LANG", default_value_t = Config::default().language, help_heading = "Terms")]
    language: LanguageChoice,
    /// Alias table repairing spellings: a TOML file, or a built-in set (cloud-native). Repeatable.
    #[arg(long, value_name = "FILE", help_heading = "Terms")]
    aliases: Vec<String>,
    /// Extra protected-token pattern (regex), kept whole like C++ or CI/CD. Repeatable.
    #[arg(long, value_name = "REGEX", help_heading = "Terms")]
    protect: Vec<String>,
    /// Phrase mining: auto (collocations and listed phrases), listed (only --phrase), off.
    #[arg(long, value_enum, default_value_t = Config::default().phrases, help_heading = "Terms")]
    phrases: PhraseMode,
    /// A phrase that always counts, as written ("service mesh"). Repeatable.
    #[arg(long, value_name = "TEXT", help_heading = "Terms")]
    phrase: Vec<String>,
    /// Fewest occurrences in the run for a mined phrase.
    #[arg(long, value_name = "N", default_value_t = Config::default().min_phrase_count, help_heading = "Terms")]
    min_phrase_count: u64,
    /// Count the phrases of this list (written by `themeline select`) instead of mining them.
    #[arg(long, value_name = "FILE", help_heading = "Terms")]
    phrase_list: Option<PathBuf>,
    /// Lowest normalised PMI (-1 to 1) for a mined phrase.
    #[arg(long, value_name = "X", default_value_t = Config::default().phrase_threshold, help_heading = "Terms")]
    phrase_threshold: f64,
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
    /// Scoring method: tfidf (scikit-learn), bm25 (rank_bm25), ctfidf (BERTopic),
    /// g2 (signed log-likelihood, quanteda), logodds (informative Dirichlet prior).
    #[arg(long, value_enum, default_value_t = Config::default().score, help_heading = "Scoring")]
    score: Method,
    /// What g2 and logodds compare each window with: the rest of the run, or the previous window.
    #[arg(long, value_enum, default_value_t = Config::default().reference, help_heading = "Scoring")]
    reference: Reference,
    /// Score each window on its counts plus those of the N-1 windows before it (1: none).
    #[arg(long, value_name = "N", default_value_t = Config::default().smooth, help_heading = "Scoring")]
    smooth: usize,
    /// Collection statistics (IDF, averages, the rest of the run) from the windows up to each window only.
    #[arg(long, help_heading = "Scoring")]
    as_of: bool,
    /// BM25 term-frequency saturation k1.
    #[arg(long, value_name = "X", default_value_t = Config::default().bm25_k1, help_heading = "Scoring")]
    bm25_k1: f64,
    /// BM25 length normalisation b (0 to 1).
    #[arg(long, value_name = "X", default_value_t = Config::default().bm25_b, help_heading = "Scoring")]
    bm25_b: f64,
    /// c-TF-IDF: BERTopic's BM25-inspired IDF (bm25_weighting).
    #[arg(long, help_heading = "Scoring")]
    ctfidf_bm25_weighting: bool,
    /// c-TF-IDF: square root of the frequencies (reduce_frequent_words).
    #[arg(long, help_heading = "Scoring")]
    reduce_frequent_words: bool,

    /// Theme lexicon: a TOML file (theme -> terms and phrases), or a built-in set
    /// (cloud-native). Without one, themes are discovered.
    #[arg(long, value_name = "FILE", help_heading = "Themes and shifts")]
    themes: Option<String>,
    /// Discover K themes by NMF (even when a lexicon is configured; 0: no themes).
    #[arg(long, value_name = "K", help_heading = "Themes and shifts")]
    discover: Option<usize>,
    /// How a lexicon theme counts its members: idf (each count weighted by the
    /// member's IDF over windows) or count.
    #[arg(long, value_enum, default_value_t = Config::default().theme_weight, help_heading = "Themes and shifts")]
    theme_weight: themeline::theme::ThemeWeight,
    /// |G2| for a significant change between windows (3.84: p < 0.05).
    #[arg(long, value_name = "X", default_value_t = Config::default().significance, help_heading = "Themes and shifts")]
    significance: f64,
    /// Smallest share change of a rising or fading theme (0 to 1).
    #[arg(long, value_name = "X", default_value_t = Config::default().min_share_change, help_heading = "Themes and shifts")]
    min_share_change: f64,
    /// Kleinberg bursts: how many times the base rate a burst is.
    #[arg(long, value_name = "X", default_value_t = Config::default().burst_s, help_heading = "Themes and shifts")]
    burst_s: f64,
    /// Kleinberg bursts: the cost of entering a burst (times ln of the number of windows).
    #[arg(long, value_name = "X", default_value_t = Config::default().burst_gamma, help_heading = "Themes and shifts")]
    burst_gamma: f64,

    /// Worker threads (0: one per core). Output is identical for any value.
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
}

/// Whether an argument was given on the command line (not a default).
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.value_source(id) == Some(ValueSource::CommandLine)
}

impl OptionArgs {
    /// Applies the options given on the command line on top of `config`.
    fn apply(&self, matches: &ArgMatches, config: &mut Config) {
        macro_rules! set {
            ($($field:ident),*) => {$(
                if given(matches, stringify!($field)) {
                    config.$field = self.$field.clone();
                }
            )*};
        }
        set!(
            window,
            bins_by,
            tz,
            group_by,
            time_col,
            text_col,
            id_col,
            dedupe,
            stream_bytes,
            language,
            aliases,
            protect,
            phrases,
            phrase,
            min_phrase_count,
            phrase_threshold,
            min_token_len,
            stopwords,
            add_stopwords,
            top,
            min_count,
            tf,
            idf,
            norm,
            score,
            reference,
            smooth,
            theme_weight,
            bm25_k1,
            bm25_b,
            significance,
            min_share_change,
            burst_s,
            burst_gamma
        );
        if given(matches, "themes") {
            config.themes = self.themes.clone();
        }
        if given(matches, "phrase_list") {
            config.phrase_list = self.phrase_list.clone();
        }
        if given(matches, "discover") {
            config.discover = self.discover;
        }
        for (flag, value) in [
            (self.as_of, &mut config.as_of),
            (
                self.ctfidf_bm25_weighting,
                &mut config.ctfidf_bm25_weighting,
            ),
            (
                self.reduce_frequent_words,
                &mut config.reduce_frequent_words,
            ),
        ] {
            if flag {
                *value = true;
            }
        }
        if given(matches, "step") {
            config.step = self.step.map(|d| d.0);
        }
        if given(matches, "bins") {
            config.bins = self.bins;
        }
        if given(matches, "input_format") {
            config.input_format = self.input_format;
        }
        if given(matches, "last_segment") {
            config.last_segment = self.last_segment.0;
        }
        if self.strict {
            config.strict = true;
        }
        if self.keep_numbers {
            config.keep_numbers = true;
        }
        if let Some(text) = &self.start {
            let instant = parse_instant(text, &config.tz).unwrap_or_else(|| {
                Cli::command()
                    .error(
                        clap::error::ErrorKind::ValueValidation,
                        format!("invalid value {text:?} for '--start <INSTANT>': not a date or date-time"),
                    )
                    .exit()
            });
            config.start = Some(instant);
        }
    }
}

/// Everything a command needs, after layering defaults, the file, the
/// environment and the flags.
struct Settings {
    config: Config,
    inputs: Vec<PathBuf>,
    threads: usize,
    out: PathBuf,
    formats: Vec<OutputFormat>,
    quiet: bool,
    verbose: bool,
    progress_interval: std::time::Duration,
}

impl Settings {
    /// The options as a config file that reads back: `themeline config show`.
    fn file(&self) -> ConfigFile {
        ConfigFile {
            inputs: Some(self.inputs.clone()),
            out: Some(self.out.clone()),
            format: Some(self.formats.clone()),
            quiet: Some(self.quiet),
            verbose: Some(self.verbose),
            progress_interval: Some(Duration(self.progress_interval.as_millis() as i64)),
            threads: Some(self.threads),
            ..ConfigFile::from_config(&self.config)
        }
    }

    /// Whether the outputs go to stdout (`--out -`).
    fn to_stdout(&self) -> bool {
        self.out.as_os_str() == "-"
    }
}

/// What the command line says beyond [`OptionArgs`]; empty for the commands
/// that do not take it.
#[derive(Default)]
struct Given<'a> {
    inputs: &'a [PathBuf],
    output: Option<&'a OutputArgs>,
    quiet: bool,
}

/// How often progress lines are logged when stderr is not a terminal.
const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// The config file a command reads: `--config`, `THEMELINE_CONFIG`, else
/// `./themeline.toml` when it exists, unless `--no-config` or `THEMELINE_NO_CONFIG`.
fn config_file(cli: &Cli) -> Result<ConfigFile> {
    let env_path = std::env::var_os("THEMELINE_CONFIG").map(PathBuf::from);
    let env_off =
        std::env::var("THEMELINE_NO_CONFIG").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    let path = match (&cli.config, cli.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) if env_off => None,
        (None, false) => env_path.or_else(|| {
            Path::new("themeline.toml")
                .is_file()
                .then(|| PathBuf::from("themeline.toml"))
        }),
    };
    Ok(match path {
        Some(path) => ConfigFile::load(&path)?,
        None => ConfigFile::default(),
    })
}

/// The `THEMELINE_*` options of the environment.
fn config_env() -> Result<ConfigFile> {
    let vars = std::env::vars_os().filter_map(|(name, value)| {
        let name = name.into_string().ok()?;
        name.starts_with(themeline::config::ENV_PREFIX)
            .then(|| (name, value.to_string_lossy().into_owned()))
    });
    Ok(ConfigFile::from_env(vars)?)
}

fn settings(
    cli: &Cli,
    options: &OptionArgs,
    given_args: Given<'_>,
    matches: &ArgMatches,
) -> Result<Settings> {
    let file = config_file(cli)?;
    let env = config_env()?;
    let mut config = Config::default();
    file.apply(&mut config)?;
    env.apply(&mut config)?;
    options.apply(matches, &mut config);
    // The command line's own options: flag, else environment, else file, else default.
    let inputs = if !given_args.inputs.is_empty() {
        given_args.inputs.to_vec()
    } else {
        env.inputs
            .clone()
            .or_else(|| file.inputs.clone())
            .unwrap_or_else(|| vec![PathBuf::from("data")])
    };
    let output = given_args.output;
    let out = match output.and_then(|o| o.out.clone()) {
        Some(out) => out,
        None => env
            .out
            .clone()
            .or_else(|| file.out.clone())
            .unwrap_or_else(|| PathBuf::from("output")),
    };
    let mut formats = match output.map(|o| o.format.clone()).filter(|f| !f.is_empty()) {
        Some(formats) => formats,
        None => env
            .format
            .clone()
            .or_else(|| file.format.clone())
            .unwrap_or_else(|| OutputFormat::DEFAULT.to_vec()),
    };
    formats.sort();
    formats.dedup();
    let threads = if given(matches, "threads") {
        options.threads
    } else {
        env.threads.or(file.threads).unwrap_or(0)
    };
    // Later layers win; within one, quiet wins.
    let (mut quiet, mut verbose) = (false, false);
    for layer in [&file, &env] {
        if layer.verbose == Some(true) {
            (quiet, verbose) = (false, true);
        } else if layer.verbose == Some(false) {
            verbose = false;
        }
        if layer.quiet == Some(true) {
            (quiet, verbose) = (true, false);
        } else if layer.quiet == Some(false) {
            quiet = false;
        }
    }
    if output.is_some_and(|o| o.verbose) {
        (quiet, verbose) = (false, true);
    }
    if given_args.quiet || output.is_some_and(|o| o.quiet) {
        (quiet, verbose) = (true, false);
    }
    let progress_interval = output
        .and_then(|o| o.progress_interval)
        .or(env.progress_interval)
        .or(file.progress_interval)
        .map_or(PROGRESS_INTERVAL, |d| {
            std::time::Duration::from_millis(d.0 as u64)
        });
    Ok(Settings {
        config,
        inputs,
        threads,
        out,
        formats,
        quiet,
        verbose,
        progress_interval,
    })
}

fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    // A bare `themeline` is `themeline run` with every default.
    let matches = if matches.subcommand().is_none() {
        let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        args.push("run".into());
        Cli::command().get_matches_from(args)
    } else {
        matches
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match (&cli.command, matches.subcommand()) {
        (Some(Command::Run(args)), Some((_, sub))) => run(&cli, args, sub),
        (Some(Command::Inspect(args)), Some((_, sub))) => inspect(&cli, args, sub),
        (Some(Command::Count(args)), Some((_, sub))) => count(&cli, args, sub),
        (Some(Command::Merge(args)), Some((_, sub))) => merge(&cli, args, sub),
        (Some(Command::Mine(args)), Some((_, sub))) => mine(&cli, args, sub),
        (Some(Command::Select(args)), Some((_, sub))) => select(&cli, args, sub),
        (Some(Command::Schema(args)), _) => print_schema(args),
        (Some(Command::Config(ConfigCommand::Show(args))), Some((_, sub))) => {
            let show = sub.subcommand().map_or(sub, |(_, show)| show);
            config_show(&cli, args, show)
        }
        (Some(Command::Completions(args)), _) => completions(args),
        _ => unreachable!("a subcommand is always present"),
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
        let skipped = ingested.skipped_line_counts();
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

fn run(cli: &Cli, args: &RunArgs, matches: &ArgMatches) -> Result<()> {
    let started = std::time::Instant::now();
    let given_args = Given {
        inputs: &args.inputs,
        output: Some(&args.output),
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given_args, matches)?;
    check_outputs(&settings);
    let mut pipeline = Pipeline::new(settings.config.clone())?;
    let reporter = Reporter::start(settings.quiet, settings.progress_interval);
    pipeline.set_progress(reporter.hook());
    let timeline = pool(settings.threads)?.install(|| -> Result<_> {
        let ingested = pipeline.ingest(&settings.inputs)?;
        if !settings.quiet {
            reporter.suspend(|| report_diagnostics(&ingested));
        }
        Ok(pipeline.run_ingested(ingested)?)
    })?;
    let written = pipeline
        .timings()
        .time("emit", || write_outputs(&settings, &timeline))?;
    drop(reporter);
    if settings.verbose {
        print_stages(&pipeline);
    }
    if !settings.quiet {
        summary(&timeline, &written, started);
    }
    Ok(())
}

/// `--out -` writes one format: refuses more (or none chosen) as a usage error.
fn check_outputs(settings: &Settings) {
    if settings.to_stdout() && settings.formats.len() != 1 {
        let chosen: Vec<&str> = settings.formats.iter().map(|f| f.name()).collect();
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--out - writes one format to stdout, but {} are chosen ({}): choose one with --format",
                    chosen.len(),
                    chosen.join(", ")
                ),
            )
            .exit()
    }
}

/// Writes the chosen outputs into the output directory, or the one format to
/// stdout; returns what was written, for the summary.
fn write_outputs(settings: &Settings, timeline: &themeline::Timeline) -> Result<Vec<String>> {
    if !settings.to_stdout() {
        let written = themeline::emit::write_formats(timeline, &settings.out, &settings.formats)?;
        return Ok(written.iter().map(|p| p.display().to_string()).collect());
    }
    let format = settings.formats[0];
    let mut out = PipeWriter::new(io::stdout().lock());
    match themeline::emit::write_to(timeline, format, &mut out) {
        Ok(()) => Ok(vec![format!("{} to stdout", format.files()[0])]),
        Err(_) if out.broken => Err(io::Error::from(io::ErrorKind::BrokenPipe).into()),
        Err(e) => Err(e.into()),
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

/// Writes `value` as JSON to `path` atomically: a temporary file beside it, then a rename.
fn write_json_atomically(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = themeline::emit::readable(&mut tempfile::Builder::new())
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut out = io::BufWriter::new(file.as_file_mut());
        serde_json::to_writer(&mut out, value)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    file.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn count(cli: &Cli, args: &CountArgs, matches: &ArgMatches) -> Result<()> {
    let started = std::time::Instant::now();
    let given_args = Given {
        inputs: &args.inputs,
        quiet: args.quiet,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given_args, matches)?;
    let options = settings.config.counting_options();
    let mut pipeline = Pipeline::new(settings.config)?;
    let reporter = Reporter::start(settings.quiet, settings.progress_interval);
    pipeline.set_progress(reporter.hook());
    let counted = pool(settings.threads)?.install(|| -> Result<_> {
        let mut ingested = pipeline.ingest(&settings.inputs)?;
        if !settings.quiet {
            reporter.suspend(|| report_diagnostics(&ingested));
        }
        Ok(pipeline.count_ingested(&mut ingested)?.0)
    })?;
    drop(reporter);
    let segments = counted.segments;
    write_json_atomically(&args.out, &ShardFile::new(counted, options))?;
    if !settings.quiet {
        eprintln!(
            "themeline: counted {segments} segments in {:.2}s; wrote {}",
            started.elapsed().as_secs_f64(),
            args.out.display()
        );
    }
    Ok(())
}

fn merge(cli: &Cli, args: &MergeArgs, matches: &ArgMatches) -> Result<()> {
    let started = std::time::Instant::now();
    let given_args = Given {
        output: Some(&args.output),
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given_args, matches)?;
    check_outputs(&settings);
    let mut pipeline = Pipeline::new(settings.config.clone())?;
    let reporter = Reporter::start(settings.quiet, settings.progress_interval);
    pipeline.set_progress(reporter.hook());
    let shards = args
        .shards
        .iter()
        .map(|path| Ok((path.display().to_string(), ShardFile::load(path)?)))
        .collect::<Result<Vec<_>>>()?;
    let timeline = pool(settings.threads)?.install(|| pipeline.merge(shards))?;
    let written = pipeline
        .timings()
        .time("emit", || write_outputs(&settings, &timeline))?;
    drop(reporter);
    if settings.verbose {
        print_stages(&pipeline);
    }
    if !settings.quiet {
        summary(&timeline, &written, started);
    }
    Ok(())
}

fn mine(cli: &Cli, args: &MineArgs, matches: &ArgMatches) -> Result<()> {
    let given_args = Given {
        inputs: &args.inputs,
        quiet: args.quiet,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given_args, matches)?;
    if settings.config.group_by == GroupBy::Source {
        anyhow::bail!(
            "with --group-by source each timeline is one input, which one shard holds whole: \
             count it without mine and select"
        );
    }
    let options = settings.config.counting_options();
    let mut pipeline = Pipeline::new(settings.config)?;
    let reporter = Reporter::start(settings.quiet, settings.progress_interval);
    pipeline.set_progress(reporter.hook());
    let file = pool(settings.threads)?.install(|| -> Result<_> {
        let mut ingested = pipeline.ingest(&settings.inputs)?;
        if !settings.quiet {
            reporter.suspend(|| report_diagnostics(&ingested));
        }
        let plan = pipeline.plan(&mut ingested)?;
        let miner = pipeline.mine(&ingested.segments, &plan.languages);
        Ok(CandidateFile::new(&miner, options))
    })?;
    drop(reporter);
    write_json_atomically(&args.out, &file)?;
    if !settings.quiet {
        eprintln!(
            "themeline: {} phrase candidates; wrote {}",
            file.candidates.len(),
            args.out.display()
        );
    }
    Ok(())
}

fn select(cli: &Cli, args: &SelectArgs, matches: &ArgMatches) -> Result<()> {
    let given_args = Given {
        quiet: args.quiet,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given_args, matches)?;
    let options = settings.config.counting_options();
    let pipeline = Pipeline::new(settings.config)?;
    let mut miner = themeline::tokenize::phrases::Miner::new();
    for path in &args.candidates {
        let file = CandidateFile::load(path)?;
        let differences = themeline::count::shard::differences(&file.options, &options);
        if !differences.is_empty() {
            anyhow::bail!(
                "{} was mined with other options than this select: {}",
                path.display(),
                differences.join(", ")
            );
        }
        miner.merge(file.into_miner());
    }
    let list = PhraseList::new(pipeline.select_phrases(&miner));
    write_json_atomically(&args.out, &list)?;
    if !settings.quiet {
        eprintln!(
            "themeline: {} phrases from {} candidates; wrote {}",
            list.phrases.len(),
            miner.candidates(),
            args.out.display()
        );
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

fn print_schema(args: &SchemaArgs) -> Result<()> {
    let schema = themeline::emit::schema::schema(args.name);
    print(&(serde_json::to_string_pretty(&schema)? + "\n"))
}

fn config_show(cli: &Cli, args: &ConfigShowArgs, matches: &ArgMatches) -> Result<()> {
    let given_args = Given {
        inputs: &args.run.inputs,
        output: Some(&args.run.output),
        ..Given::default()
    };
    let settings = settings(cli, &args.run.options, given_args, matches)?;
    settings.config.validate()?;
    let file = settings.file();
    let text = if args.json {
        serde_json::to_string_pretty(&file)? + "\n"
    } else {
        file.to_toml()
    };
    print(&text)
}

fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "themeline", &mut script);
    print(&String::from_utf8_lossy(&script))
}

fn print_stages(pipeline: &Pipeline) {
    let stages: Vec<String> = pipeline
        .timings()
        .stages()
        .iter()
        .map(|(stage, time)| format!("{stage} {:.3}s", time.as_secs_f64()))
        .collect();
    eprintln!("themeline: stages: {}", stages.join(", "));
}

/// The one line a successful run ends with.
fn summary(timeline: &themeline::Timeline, written: &[String], started: std::time::Instant) {
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

fn inspect(cli: &Cli, args: &InspectArgs, matches: &ArgMatches) -> Result<()> {
    let given_args = Given {
        inputs: &args.inputs,
        ..Given::default()
    };
    let settings = settings(cli, &args.options, given_args, matches)?;
    let pipeline = Pipeline::new(settings.config)?;
    pool(settings.threads)?.install(|| -> Result<()> {
        let mut ingested = pipeline.ingest(&settings.inputs)?;
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
                // What the parser read, as read: no axis, windows or languages.
                let options = pipeline.config().ingest_options();
                for part in themeline::pipeline::source_parts(&ingested)
                    .into_iter()
                    .flatten()
                {
                    let mut written: Result<()> = Ok(());
                    let mut write = |segments: &[themeline::Segment]| {
                        if written.is_ok() {
                            written = segments.iter().try_for_each(|segment| {
                                writeln!(out, "{}", serde_json::to_string(segment)?)?;
                                Ok(())
                            });
                        }
                    };
                    match part {
                        Part::Held(range) => write(&ingested.segments[range]),
                        Part::Streamed(i) => themeline::ingest::stream::replay(
                            &ingested.streamed[i],
                            &options,
                            16 << 20,
                            &mut write,
                        )?,
                    }
                    written?;
                }
            }
            InspectWhat::Tokens => {
                let plan = pipeline.plan(&mut ingested)?;
                for group in &plan.groups {
                    let mut written: Result<()> = Ok(());
                    let mut state = TokenState::default();
                    let kept = pipeline.phrases_to_count_in(&ingested, group, &plan.languages)?;
                    pipeline.for_each_batch(&ingested, group, |segments| {
                        if written.is_err() {
                            return;
                        }
                        written = inspect_tokens(
                            &pipeline,
                            segments,
                            &plan.languages,
                            group,
                            &kept,
                            &mut state,
                            &mut out,
                        );
                    })?;
                    written?;
                }
            }
            InspectWhat::Counts | InspectWhat::Chunks => {
                let (counted, plan) = pipeline.count_ingested(&mut ingested)?;
                for (index, group) in counted.groups.into_iter().enumerate() {
                    let (counts, _) = pipeline.claim(group.counts);
                    let windows = &plan.groups[index].windows;
                    if args.what == InspectWhat::Counts {
                        inspect_counts(&pipeline, &counts, &group.source, windows, &mut out)?;
                    } else {
                        inspect_chunks(&pipeline, &ingested, &plan, index, &counts, &mut out)?;
                    }
                }
            }
        }
        out.flush()?;
        Ok(())
    })
}

/// What token inspection carries from one batch to the next.
#[derive(Default)]
struct TokenState {
    stems: StemCaches,
    stats: TokenStats,
    candidates: Candidates,
}

fn inspect_tokens(
    pipeline: &Pipeline,
    segments: &[themeline::Segment],
    languages: &[Language],
    group: &Group,
    kept: &themeline::tokenize::phrases::KeptPhrases,
    state: &mut TokenState,
    out: &mut impl Write,
) -> Result<()> {
    for segment in segments {
        let (mut words, mut terms, mut windows, mut phrases) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let language = languages[segment.source as usize];
        pipeline.analyze_segment(
            segment,
            language,
            &group.windows,
            state.stems.get(language),
            &mut state.stats,
            &mut state.candidates,
            kept,
            |w, term, token| {
                words.push(token.display.clone());
                terms.push(term.to_string());
                windows.push(w.start);
            },
            |_, _, surface, _| phrases.push(surface.to_string()),
        );
        let row = json!({
            "source": segment.source, "document": segment.document, "line": segment.line,
            "start_ms": segment.start, "words": words, "terms": terms, "windows": windows,
            "phrase_candidates": phrases,
        });
        writeln!(out, "{row}")?;
    }
    Ok(())
}

fn inspect_counts(
    pipeline: &Pipeline,
    counts: &themeline::Counts,
    source: &Option<String>,
    windows: &themeline::Windows,
    out: &mut impl Write,
) -> Result<()> {
    let mask = score::vocabulary_mask(counts, pipeline.config().min_count);
    for (index, window) in counts.windows.iter().enumerate() {
        let terms: serde_json::Map<String, serde_json::Value> = window
            .terms
            .iter()
            .filter(|(id, _)| mask[*id as usize])
            .map(|&(id, n)| (counts.terms[id as usize].term.clone(), json!(n)))
            .collect();
        let w = windows.window(index);
        let row = json!({
            "source": source,
            "window": index,
            "start_ms": w.start,
            "end_ms": w.end,
            "counts": terms,
        });
        writeln!(out, "{row}")?;
    }
    Ok(())
}

fn inspect_chunks(
    pipeline: &Pipeline,
    ingested: &themeline::ingest::Ingested,
    plan: &themeline::pipeline::Plan,
    index: usize,
    counts: &themeline::Counts,
    out: &mut impl Write,
) -> Result<()> {
    use themeline::theme::discover::{DiscoverOptions, chunk_matrix};
    let group = &plan.groups[index];
    let options = pipeline.discover_options().unwrap_or_default();
    let tokens: u64 = counts.windows.iter().map(|w| w.tokens).sum();
    let chunk_tokens = options.chunk_length(tokens);
    let chunks = pipeline.chunks_from(
        |cut| pipeline.for_each_batch(ingested, group, cut),
        &plan.languages,
        &group.windows,
        counts,
        chunk_tokens,
    )?;
    let mask = score::vocabulary_mask(counts, pipeline.config().min_count);
    let matrix = chunk_matrix(&chunks, &mask, DiscoverOptions::default().max_terms);
    for (row, &chunk) in matrix.matrix.rows.iter().zip(&matrix.rows) {
        let terms: serde_json::Map<String, serde_json::Value> = row
            .iter()
            .map(|&(c, v)| {
                let term = &counts.terms[matrix.columns[c as usize] as usize].term;
                (term.clone(), json!(v))
            })
            .collect();
        let windows = &chunks[chunk].windows;
        let line = json!({
            "source": group.source,
            "chunk": chunk,
            "windows": [windows.start, windows.end],
            "tokens": chunks[chunk].tokens,
            "terms": terms,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}
