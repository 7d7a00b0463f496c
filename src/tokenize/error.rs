//! What can go wrong while setting up an analyzer: its word lists, alias tables
//! and protected-token patterns come from files and options.

use std::path::PathBuf;

/// Why an analyzer could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenizeError {
    /// A stop-word list or alias table that cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file as given.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// An alias table that cannot be parsed or breaks a rule.
    #[error("{origin}: {message}")]
    Aliases {
        /// The file, or the built-in table's name.
        origin: String,
        /// What is wrong, with the line where the parser knows it.
        message: String,
    },
    /// A protected-token pattern that is not a regular expression, or that can
    /// match the empty string (which would make a token of nothing).
    #[error("protected-token pattern {pattern:?}: {reason}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// Why it was rejected.
        reason: String,
    },
}
