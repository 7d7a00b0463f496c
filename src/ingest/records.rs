//! Placeholder: being written (issue 3).

use super::{FileReader, IngestError};

pub(super) fn parse_json_lines(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let total = text.lines().count() as u64;
    reader.lines().total = total;
    reader.lines().skipped = total;
    reader.warn(
        0,
        super::DiagnosticKind::UnknownFormat,
        "jsonl reader is not supported yet; skipped",
    )
}

pub(super) fn parse_csv(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let total = text.lines().count() as u64;
    reader.lines().total = total;
    reader.lines().skipped = total;
    reader.warn(
        0,
        super::DiagnosticKind::UnknownFormat,
        "csv reader is not supported yet; skipped",
    )
}
