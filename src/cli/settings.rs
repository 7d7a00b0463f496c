//! The layers a command's settings come from: defaults < `themeline.toml` <
//! `THEMELINE_*` < flags, for the run options and for the command line's own
//! (inputs, out, format, quiet, verbose, progress interval).

use std::path::{Path, PathBuf};

use themeline::Config;
use themeline::config::CountingOptions;
use themeline::config_file::{ConfigFile, ENV_PREFIX};
use themeline::emit::OutputFormat;

use super::Failure;
use super::args::{Cli, OptionFlags, OutputArgs};

/// Everything a command needs, after layering.
pub struct Settings {
    /// The layers that set options, lowest first: their names and what each set.
    pub layers: Vec<(String, ConfigFile)>,
    pub config: Config,
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub formats: Vec<OutputFormat>,
    pub quiet: bool,
    pub verbose: bool,
    pub progress_interval: std::time::Duration,
}

impl Settings {
    /// The options as a config file that reads back: `themeline config show`.
    pub fn file(&self) -> ConfigFile {
        ConfigFile {
            inputs: Some(self.inputs.clone()),
            out: Some(self.out.clone()),
            format: Some(self.formats.clone()),
            quiet: Some(self.quiet),
            verbose: Some(self.verbose),
            progress_interval: Some(themeline::time::Span(
                self.progress_interval.as_millis() as i64
            )),
            ..ConfigFile::from_config(&self.config)
        }
    }

    /// Whether the outputs go to stdout (`--out -`).
    pub fn to_stdout(&self) -> bool {
        self.out.as_os_str() == "-"
    }
}

/// What the command line says beyond the run options; empty for the commands
/// that do not take it.
#[derive(Default)]
pub struct Given<'a> {
    pub inputs: &'a [PathBuf],
    pub output: Option<&'a OutputArgs>,
    pub quiet: bool,
    /// The counting options of the shards a command reads instead of text
    /// (`select`, `merge`): they are its defaults, under every layer, and no
    /// inputs' `themeline.toml` applies (not even the bundled `data/`'s), so the
    /// shards of any inputs merge without repeating how they were counted.
    pub shards: Option<&'a CountingOptions>,
}

/// How often progress lines are logged when stderr is not a terminal.
const PROGRESS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// Whether option files are read at all (not with `--no-config` or
/// `THEMELINE_NO_CONFIG`).
fn files_read(cli: &Cli) -> bool {
    let env_off =
        std::env::var("THEMELINE_NO_CONFIG").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    cli.config.is_some() || !(cli.no_config || env_off)
}

/// The config file a command reads: `--config`, `THEMELINE_CONFIG`, else
/// `./themeline.toml` when it exists, unless `--no-config` or
/// `THEMELINE_NO_CONFIG`; with its path.
fn config_file(cli: &Cli) -> Result<Option<(PathBuf, ConfigFile)>, Failure> {
    if !files_read(cli) {
        return Ok(None);
    }
    let env_path = std::env::var_os("THEMELINE_CONFIG").map(PathBuf::from);
    let path = cli.config.clone().or(env_path).or_else(|| {
        Path::new("themeline.toml")
            .is_file()
            .then(|| PathBuf::from("themeline.toml"))
    });
    match path {
        Some(path) => Ok(Some((
            path.clone(),
            ConfigFile::load(&path).map_err(Failure::usage)?,
        ))),
        None => Ok(None),
    }
}

/// The options file of the inputs: `themeline.toml` in the directory that holds
/// them all (the directory given, or the one its files are in). This is how the
/// bundled demo keeps its alias table and lexicon to itself: they live in
/// `data/themeline.toml` and apply to runs on `data/` only.
fn inputs_file(inputs: &[PathBuf]) -> Result<Option<(PathBuf, ConfigFile)>, Failure> {
    let home = |input: &Path| -> Option<PathBuf> {
        if input.is_dir() {
            Some(input.to_path_buf())
        } else {
            input.parent().map(Path::to_path_buf)
        }
    };
    let mut homes = inputs
        .iter()
        .map(|i| home(i).and_then(|h| h.canonicalize().ok()));
    let Some(Some(first)) = homes.next() else {
        return Ok(None);
    };
    if !homes.all(|h| h.as_ref() == Some(&first)) {
        return Ok(None);
    }
    let path = home(&inputs[0])
        .unwrap_or_default()
        .join(themeline::config_file::DIRECTORY_OPTIONS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some((
        path.clone(),
        ConfigFile::load(&path).map_err(Failure::usage)?,
    )))
}

/// The `THEMELINE_*` options of the environment.
fn config_env() -> Result<ConfigFile, Failure> {
    let vars = std::env::vars_os().filter_map(|(name, value)| {
        let name = name.into_string().ok()?;
        name.starts_with(ENV_PREFIX)
            .then(|| (name, value.to_string_lossy().into_owned()))
    });
    ConfigFile::from_env(vars).map_err(Failure::usage)
}

/// The run options given as flags.
fn config_flags(flags: &OptionFlags) -> Result<ConfigFile, Failure> {
    ConfigFile::from_flags(flags.given.iter().map(|(k, v)| (k.as_str(), v.clone()))).map_err(
        |(key, message)| {
            let value = flags
                .given
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.last().cloned())
                .unwrap_or_default();
            Failure::Usage(format!("invalid value {value:?} for --{key}: {message}"))
        },
    )
}

/// Layers defaults, the file, the environment and the flags.
pub fn settings(cli: &Cli, flags: &OptionFlags, given: Given<'_>) -> Result<Settings, Failure> {
    let cwd_file = config_file(cli)?;
    let env = config_env()?;
    let flag_layer = config_flags(flags)?;
    // The command line's own options: flag, else environment, else file, else default.
    let inputs = if !given.inputs.is_empty() {
        given.inputs.to_vec()
    } else {
        env.inputs
            .clone()
            .or_else(|| cwd_file.as_ref().and_then(|(_, f)| f.inputs.clone()))
            .unwrap_or_else(|| vec![PathBuf::from("data")])
    };
    let inputs_file = if files_read(cli) && cli.config.is_none() && given.shards.is_none() {
        inputs_file(&inputs)?
    } else {
        None
    };
    // Lowest first: the inputs' own file, the working directory's (or --config),
    // the environment, the flags.
    let mut layers: Vec<(String, ConfigFile)> = Vec::new();
    for (path, file) in inputs_file.into_iter().chain(cwd_file) {
        layers.push((path.display().to_string(), file));
    }
    layers.push(("the environment (THEMELINE_*)".to_string(), env.clone()));
    layers.push(("the command line".to_string(), flag_layer));
    let mut base = Config::default();
    if let Some(options) = given.shards {
        base.adopt_counting_options(options);
    }
    let config = ConfigFile::layered_over(base, layers.iter().map(|(_, l)| l.clone()))
        .map_err(Failure::usage)?;
    let mut file = ConfigFile::default();
    for (_, layer) in &layers[..layers.len() - 2] {
        file.merge(layer.clone());
    }
    let output = given.output;
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
    if given.quiet || output.is_some_and(|o| o.quiet) {
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
        layers,
        config,
        inputs,
        out,
        formats,
        quiet,
        verbose,
        progress_interval,
    })
}
