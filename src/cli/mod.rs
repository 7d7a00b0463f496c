//! The `themeline` command line: arguments, settings layers, commands, reporting
//! and exit codes.
//!
//! This module is the only place that knows about terminals and processes. It
//! layers options (defaults < `themeline.toml` < `THEMELINE_*` environment
//! variables < flags; [`settings`]), drives the library's `Pipeline` ([`commands`]),
//! shows progress and prints input problems and a summary on stderr (never on
//! stdout, which belongs to `--out -`), and maps failures to exit codes: 0 success
//! (also when a reader of stdout such as `head` goes away), 1 runtime failure, 2
//! usage error: a bad flag, or a bad option value from any layer.

mod args;
mod commands;
mod progress;
mod settings;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use args::{Cli, Command, ConfigCommand};

/// Why a command failed, which decides its exit code.
#[derive(Debug)]
pub enum Failure {
    /// The command line or an option value is wrong (exit code 2).
    Usage(String),
    /// The run failed (exit code 1), or stopped because the reader of its
    /// output went away (exit code 0).
    Run {
        /// What to print.
        message: String,
        /// Whether a closed pipe stopped it.
        broken_pipe: bool,
    },
}

impl Failure {
    /// A usage error from a library error about options.
    fn usage(error: impl std::fmt::Display) -> Self {
        Failure::Usage(flags_for_keys(&error.to_string()))
    }
}

impl From<themeline::Error> for Failure {
    fn from(error: themeline::Error) -> Self {
        if error.is_option_error() {
            return Failure::usage(error);
        }
        Failure::Run {
            // The message already says what each cause said.
            message: flags_for_keys(&error.to_string()),
            broken_pipe: is_broken_pipe(&error),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Run {
            message: format!("{error:#}"),
            broken_pipe: error.chain().any(is_broken_pipe),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        anyhow::Error::from(error).into()
    }
}

/// Whether a closed pipe is the cause of `error`.
fn is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Library messages name options by their keys in backticks (`` `window` ``);
/// on the command line they are flags (`--window`).
pub(crate) fn flags_for_keys(message: &str) -> String {
    // Every option's help text passes through here when the command line is
    // built: deriving the keys from the schema each time was an eighth of a
    // small run's instructions.
    static KEYS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(themeline::ConfigFile::keys);
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`').map(|c| c + open + 1) else {
            break;
        };
        let inside = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        if keys.iter().any(|k| k == inside) {
            out.push_str("--");
            out.push_str(inside);
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// SIGINT, SIGTERM, SIGHUP: a run's staged files are not outputs yet, so they go
/// (after a commit under way, which takes milliseconds, has finished); then the
/// run exits with 128 + the signal's number, the status a shell gives a command
/// the signal ended (130 for Ctrl-C, 143 for `kill`, 129 for a closed terminal).
#[cfg(unix)]
fn on_signals_remove_staging() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    // The handler itself only wakes this thread, so the removal runs outside the
    // signal context, where taking the staging lock and deleting files are safe.
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                themeline::emit::remove_staging();
                let name = match signal {
                    SIGINT => "interrupted",
                    SIGTERM => "terminated",
                    _ => "hung up",
                };
                report(&format!("themeline: {name}\n"));
                std::process::exit(128 + signal);
            }
        });
}

/// Ctrl-C, where there are no Unix signals: the same removal, exit 130.
#[cfg(not(unix))]
fn on_signals_remove_staging() {
    let _ = ctrlc::set_handler(|| {
        themeline::emit::remove_staging();
        report("themeline: interrupted\n");
        std::process::exit(130);
    });
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    on_signals_remove_staging();
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
    let result = match &cli.command {
        Some(Command::Run(args)) => commands::run(&cli, args),
        Some(Command::Inspect(args)) => commands::inspect(&cli, args),
        Some(Command::Count(args)) => commands::count(&cli, args),
        Some(Command::Merge(args)) => commands::merge(&cli, args),
        Some(Command::Passages(args)) => commands::passages(&cli, args),
        Some(Command::Mine(args)) => commands::mine(&cli, args),
        Some(Command::Select(args)) => commands::select(&cli, args),
        Some(Command::Schema(args)) => commands::schema(args),
        Some(Command::Config(ConfigCommand::Show(args))) => commands::config_show(&cli, args),
        Some(Command::Completions(args)) => commands::completions(args),
        None => unreachable!("a subcommand is always present"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Run {
            broken_pipe: true, ..
        }) => ExitCode::SUCCESS,
        Err(Failure::Run { message, .. }) => {
            report(&format!("error: {message}\n"));
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            report(&format!(
                "error: {message}\n\nFor more information, try '--help'.\n"
            ));
            ExitCode::from(2)
        }
    }
}

/// Writes to stderr; a stderr that is gone is no reason to fail.
fn report(text: &str) {
    let _ = io::stderr().write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_messages_become_flags() {
        assert_eq!(
            flags_for_keys("choose a longer `window`, or `bins`; see `themeline select`"),
            "choose a longer --window, or --bins; see `themeline select`"
        );
    }
}
