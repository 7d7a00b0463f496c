//! The crate's error: one per library boundary, gathered.
//!
//! Each stage reports its own failures with its own type (with file and line
//! where there is one); [`Error`] is what [`crate::Pipeline`] returns. Messages
//! name options by their `themeline.toml` keys in backticks (`` `window` ``), so
//! a front end can say how its users set them: the command line writes
//! `--window`.

use crate::config::ConfigError;
use crate::config_file::ConfigFileError;
use crate::emit::EmitError;
use crate::ingest::IngestError;
use crate::shard::ShardError;
use crate::theme::LexiconError;
use crate::tokenize::TokenizeError;
use crate::window::WindowError;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An option value that breaks its rules.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A layer of options (a config file, the environment) that cannot be read.
    #[error(transparent)]
    ConfigFile(#[from] ConfigFileError),
    /// A stop-word list, alias table or protected-token pattern that cannot be used.
    #[error(transparent)]
    Tokenize(#[from] TokenizeError),
    /// A theme lexicon that cannot be read.
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    /// The input could not be read (or broke a `strict` rule).
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The outputs could not be written.
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// The windows cannot be laid over the data.
    #[error(transparent)]
    Window(#[from] WindowError),
    /// Shards that cannot be read or merged.
    #[error(transparent)]
    Shard(#[from] ShardError),
    /// A result could not be written (`inspect`'s lines).
    #[error("cannot write: {0}")]
    Write(#[from] std::io::Error),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// Theme discovery asked for where only counts are at hand.
    #[error(
        "discovering themes needs the text, which shards do not hold: merge with a theme \
         lexicon (`themes` FILE) or without themes (`discover` 0)"
    )]
    DiscoveryNeedsText,
    /// Nothing in the inputs could be placed in time.
    #[error("no text to analyse: {inputs} input file(s) read, {diagnostics} problem(s) reported")]
    NoText {
        /// Input files read.
        inputs: usize,
        /// Problems reported while reading them.
        diagnostics: usize,
    },
}

impl Error {
    /// Whether the error is in an option's value (a bad flag, key or variable),
    /// not in the inputs or the run: what a front end reports as a usage error.
    pub fn is_option_error(&self) -> bool {
        matches!(
            self,
            Error::Config(_)
                | Error::ConfigFile(_)
                | Error::Tokenize(TokenizeError::Pattern { .. })
        )
    }
}
