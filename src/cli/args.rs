//! The command line's grammar: commands and their own flags (clap derive), and
//! one flag per run option, made at start-up from the library's table of options
//! ([`themeline::config::OPTIONS`]) so that a new option needs no code here.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand};
use themeline::config::{OPTIONS, OptionKind};
use themeline::config_file::ConfigFile;
use themeline::emit::OutputFormat;
use themeline::schema::SchemaName;
use themeline::time::Span;

pub const EXAMPLES: &str = "\
Examples:
  themeline                                  the default run: data/ (with data/themeline.toml) -> output/
  themeline run talk.txt --out results       one transcript, outputs in results/
  themeline run talk.vtt --window 6m --step 3m --top 15
                                             overlapping 6-minute windows every 3 minutes
  themeline run speeches/ --window decade --tf sublinear
                                             dated documents, one window per decade
  themeline run talks.jsonl --text-col title --text-col description --window year
  themeline run talk.txt --aliases my-aliases.toml --phrase \"service mesh\" --strict
  themeline inspect talk.txt --what segments
                                             what the parser read, as JSON lines
  themeline run talk.txt --out - --format ndjson | jq -c '{window: .label, dominant}'
                                             one window per line on stdout
  THEMELINE_WINDOW=2m themeline config show  the options a run would use, as themeline.toml

Exit codes: 0 success, 1 runtime failure (unreadable input, no text, --strict
problem, unwritable output), 2 usage error (also a bad option value in any layer).";

/// Theme timelines from timestamped or dated text: the terms that dominate each
/// time window.
#[derive(Debug, Parser)]
#[command(name = "themeline", version, after_help = EXAMPLES)]
pub struct Cli {
    /// Read options from this TOML file instead of the inputs' themeline.toml and
    /// ./themeline.toml [default: $THEMELINE_CONFIG, else those two when they exist].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no options file (also THEMELINE_NO_CONFIG=1).
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Count how many documents of inputs hold each passage into a shard for `themeline select`.
    #[command(after_help = SHARD_HELP)]
    Passages(MineArgs),
    /// Count the phrase candidates of inputs into a shard for `themeline select`.
    #[command(after_help = SHARD_HELP)]
    Mine(MineArgs),
    /// Add up `passages` shards into the boilerplate passages every `mine` and `count` should
    /// leave out, or `mine` shards into the phrases every `count` should count.
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
pub enum ConfigCommand {
    /// Print the effective options (defaults < the inputs' themeline.toml <
    /// ./themeline.toml < THEMELINE_* < flags) as a themeline.toml that reads back,
    /// each line naming its layer; takes the options of `run`.
    Show(ConfigShowArgs),
}

#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    /// Print TOML, in themeline.toml syntax (the default).
    #[arg(long, conflicts_with = "json")]
    pub toml: bool,
    /// Print JSON instead (unset options are null).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file: timeline (timeline.json), window (a line of timeline.ndjson),
    /// shard, passages (a passage shard), candidates (a candidate shard), phrases
    /// (a phrase list), or config (themeline.toml).
    #[arg(default_value = "timeline", value_parser = schema_names())]
    pub name: String,
}

fn schema_names() -> PossibleValuesParser {
    PossibleValuesParser::new(SchemaName::ALL.map(|n| PossibleValue::new(n.name())))
}

impl SchemaArgs {
    pub fn schema(&self) -> SchemaName {
        SchemaName::ALL
            .into_iter()
            .find(|n| n.name() == self.name)
            .expect("clap checked the name")
    }
}

pub const SHARD_HELP: &str = "\
Counting split across processes or machines (see the README, Shards):
  themeline passages part-01/ --out pass-01.json    # each shard: its passages
  themeline select pass-*.json --out passages.json  # once: the boilerplate passages
  themeline mine  part-01/ --phrase-list passages.json --out cand-01.json   # each shard
  themeline select cand-*.json --out phrases.json   # once: the phrases to count
  themeline count part-01/ --phrase-list phrases.json --out counts-01.json   # each shard
  themeline merge counts-*.json --out output        # once, shards in input order
Give every step the same counting options; merge(count(A), count(B)) equals run(A B).
With --boilerplate off on every step, skip passages and its select (mine takes no list).
With --group-by source, skip passages, mine and select: each shard reads its own sources.";

#[derive(Debug, Args)]
pub struct CountArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    pub inputs: Vec<PathBuf>,
    /// The shard file to write (appears whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub options: OptionFlags,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard files written by `themeline count`, in the order their inputs would be read.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub options: OptionFlags,
}

/// `mine` and `passages`: inputs in, one shard out.
#[derive(Debug, Args)]
pub struct MineArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    pub inputs: Vec<PathBuf>,
    /// The shard to write (appears whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub options: OptionFlags,
}

#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Passage shards written by `themeline passages`, or candidate shards written by
    /// `themeline mine`.
    #[arg(required = true)]
    pub candidates: Vec<PathBuf>,
    /// The phrase list to write, for `--phrase-list` (appears whole or not at all).
    #[arg(long, short, value_name = "FILE")]
    pub out: PathBuf,
    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub options: OptionFlags,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub options: OptionFlags,
}

/// Where the outputs go and what is said on the way: `run` and `merge`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Directory for the outputs (created if needed; the new set replaces the old
    /// one whole, see the README's Outputs), or - for one format on stdout
    /// [default: out in the config file, else output]
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Outputs to write, comma-separated or repeated: csv (terms, windows, themes,
    /// shifts), json (timeline.json), ndjson (timeline.ndjson), html (report.html),
    /// vegalite (timeline.vl.json). With --out - exactly one (csv: terms.csv)
    /// [default: csv,json,html,vegalite]
    #[arg(long, value_name = "FORMAT", value_delimiter = ',', value_parser = OutputFormatParser)]
    pub format: Vec<OutputFormat>,
    /// Print nothing on success; problems in the input are still counted in timeline.json.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print where the time went, stage by stage.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// How often progress is logged when stderr is not a terminal.
    #[arg(long, value_name = "DURATION")]
    pub progress_interval: Option<Span>,
}

/// `--format`'s values through [`OutputFormat`]'s `FromStr`, saying when a value
/// is an input format (`--format vtt` means `--input-format vtt`), with the
/// possible values for help and completions.
#[derive(Debug, Clone, Copy)]
pub struct OutputFormatParser;

impl clap::builder::TypedValueParser for OutputFormatParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OutputFormat, clap::Error> {
        let text = value.to_string_lossy();
        text.parse().map_err(|message: String| {
            let wanted = text.trim().to_ascii_lowercase();
            let input_format = OPTIONS
                .iter()
                .find(|o| o.field == "input_format")
                .is_some_and(|o| o.possible_values().iter().any(|(name, _)| *name == wanted));
            let hint = if input_format {
                format!(
                    "; {wanted} is an input format: use --input-format {wanted} \
                     (input-format in themeline.toml)"
                )
            } else {
                String::new()
            };
            cmd.clone().error(
                clap::error::ErrorKind::InvalidValue,
                format!("--format: {message}{hint}"),
            )
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            OutputFormat::ALL
                .into_iter()
                .map(|f| PossibleValue::new(f.name())),
        ))
    }
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Input files or directories [default: inputs in the config file, else data]
    pub inputs: Vec<PathBuf>,
    /// What to print.
    #[arg(long, default_value = "segments", value_parser = inspect_names())]
    pub what: String,
    #[command(flatten)]
    pub options: OptionFlags,
}

fn inspect_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        themeline::Inspect::ALL.map(|w| PossibleValue::new(w.name()).help(w.about())),
    )
}

impl InspectArgs {
    pub fn what(&self) -> themeline::Inspect {
        themeline::Inspect::ALL
            .into_iter()
            .find(|w| w.name() == self.what)
            .expect("clap checked the name")
    }
}

/// The run options given as flags: each option's key and the values given, in
/// the order of [`OPTIONS`].
#[derive(Debug, Clone, Default)]
pub struct OptionFlags {
    pub given: Vec<(String, Vec<String>)>,
}

/// One flag per run option.
fn option_args() -> Vec<Arg> {
    OPTIONS
        .iter()
        .map(|option| {
            let key = option.key();
            let mut help = super::flags_for_keys(option.help().trim_end_matches('.'));
            if let Some(default) = ConfigFile::default_text(&key) {
                help.push_str(&format!(" [default: {default}]"));
            }
            let mut arg = Arg::new(key.clone())
                .long(key)
                .value_name(option.value_name)
                .help(help)
                .help_heading(option.heading);
            let values = option.possible_values();
            if !values.is_empty() {
                arg = arg.value_parser(PossibleValuesParser::new(values.into_iter().map(
                    |(name, doc)| {
                        let value = PossibleValue::new(name);
                        match doc {
                            Some(doc) => value.help(doc),
                            None => value,
                        }
                    },
                )));
            }
            match option.kind {
                OptionKind::One | OptionKind::Optional => arg.action(ArgAction::Set),
                OptionKind::Many => arg.action(ArgAction::Append),
                OptionKind::Flag => arg
                    .action(ArgAction::Set)
                    .num_args(0..=1)
                    .require_equals(true)
                    .default_missing_value("true")
                    .value_parser(["true", "false"])
                    .hide_possible_values(true),
            }
        })
        .collect()
}

impl FromArgMatches for OptionFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = OptionFlags::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for option in OPTIONS {
            let key = option.key();
            if matches.value_source(&key) != Some(ValueSource::CommandLine) {
                continue;
            }
            let values: Vec<String> = matches
                .get_many::<String>(&key)
                .map(|values| values.cloned().collect())
                .unwrap_or_default();
            self.given.retain(|(k, _)| *k != key);
            self.given.push((key, values));
        }
        Ok(())
    }
}

impl Args for OptionFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.args(option_args())
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.args(option_args())
    }
}
