//! Placeholder: being written (issue 3).

use super::{FileReader, IngestError};

pub(super) fn parse(reader: &mut FileReader<'_>, text: &str) -> Result<(), IngestError> {
    let total = text.lines().count() as u64;
    reader.lines().total = total;
    reader.lines().skipped = total;
    reader.warn(
        0,
        super::DiagnosticKind::UnknownFormat,
        "vtt reader is not supported yet; skipped",
    )
}
