//! Dates of documents from a side file (`dates FILE`).
//!
//! A corpus often keeps its dates apart from its text: a `metadata.csv` beside
//! the speeches (`fileid,year,date,...`), a spreadsheet of episodes and their
//! publication days. The side file is CSV with one row per input file:
//!
//! * **columns**, when the first row is a header: the file is the first of the
//!   columns named `file`, `fileid`, `path`, `name`; the date the first of `date`,
//!   `time`, `instant` (names case-insensitive; other columns are ignored). Without
//!   a header (the first row's second field reads as a date) the first column is
//!   the file and the second its date.
//! * **file**: matched against each input's path as given, then its file name,
//!   then its file name without its extension (`1790-Washington-1` matches
//!   `speeches/1790-Washington-1.txt`); compression endings (`.gz`, `.zst`) are
//!   ignored on both sides.
//! * **date**: anything a date field reads as (`1790-01-08`, `2024-03`, `1961`,
//!   RFC 3339 instants), in the run's time zone when it has no offset.
//!
//! **Precedence**: the side file wins over the file name and over a front-matter
//! `date:`. A file it lists that no other format claims is read as a dated
//! document, whatever its name. Recordings, captions and records keep their own
//! times. A side file that cannot be used (unreadable, no such columns, a date
//! that does not read, one file given two dates) stops the run with its file and
//! line.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use super::IngestError;
use super::input::inner_name;
use crate::time::{Millis, Zone, parse_instant};

/// Header names of the file column, in order of preference.
pub const FILE_COLUMNS: &[&str] = &["file", "fileid", "path", "name"];

/// Header names of the date column, in order of preference.
pub const DATE_COLUMNS: &[&str] = &["date", "time", "instant"];

/// The `dates` option: a side file, read once on first use and shared by every
/// copy of the options.
#[derive(Debug, Clone)]
pub struct DatesFile {
    path: PathBuf,
    table: Arc<OnceLock<Result<DateTable, (u32, String)>>>,
}

impl DatesFile {
    /// The side file at `path` (not read yet).
    pub fn new(path: PathBuf) -> Self {
        DatesFile {
            path,
            table: Arc::default(),
        }
    }

    /// The side file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its table, read on first use with dates in `zone`.
    pub fn table(&self, zone: &Zone) -> Result<&DateTable, IngestError> {
        self.table
            .get_or_init(|| DateTable::load(&self.path, zone))
            .as_ref()
            .map_err(|(line, message)| IngestError::Dates {
                path: self.path.display().to_string(),
                line: *line,
                message: message.clone(),
            })
    }
}

/// Dates by file, as read from a side file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DateTable {
    /// Each row's file (compression ending dropped) → its instant and date text.
    dates: FxHashMap<String, (Millis, String)>,
}

impl DateTable {
    fn load(path: &Path, zone: &Zone) -> Result<DateTable, (u32, String)> {
        let bytes = super::input::read(path).map_err(|e| (0, format!("cannot read: {e}")))?;
        let text = String::from_utf8_lossy(&bytes);
        DateTable::parse(&text, zone)
    }

    /// Reads the CSV text of a side file.
    pub fn parse(text: &str, zone: &Zone) -> Result<DateTable, (u32, String)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = csv.records();
        let line_of = |record: &csv::StringRecord| {
            record
                .position()
                .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX))
        };
        let first = match rows.next() {
            None => return Err((0, "empty: no file and date rows".into())),
            Some(row) => row.map_err(|e| (1, format!("unreadable CSV ({e})")))?,
        };
        let headerless = first.len() >= 2 && parse_instant(&first[1], zone).is_some();
        let (file_col, date_col) = if headerless {
            (0, 1)
        } else {
            let find = |names: &[&str]| {
                names.iter().find_map(|wanted| {
                    first
                        .iter()
                        .position(|name| name.trim().eq_ignore_ascii_case(wanted))
                })
            };
            match (find(FILE_COLUMNS), find(DATE_COLUMNS)) {
                (Some(file), Some(date)) => (file, date),
                _ => {
                    return Err((
                        line_of(&first),
                        format!(
                            "the first row is neither a header naming a file column ({}) and a date \
                             column ({}) nor a file and a date",
                            FILE_COLUMNS.join(", "),
                            DATE_COLUMNS.join(", ")
                        ),
                    ));
                }
            }
        };
        let mut table = DateTable::default();
        let rows = std::iter::once(Ok(first))
            .filter(|_| headerless)
            .chain(rows);
        for row in rows {
            let row = row.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as u32);
                (line, format!("unreadable CSV row ({e})"))
            })?;
            let line = line_of(&row);
            let file = row.get(file_col).unwrap_or("").trim();
            if file.is_empty() && row.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if file.is_empty() {
                return Err((line, "no file name".into()));
            }
            let date = row.get(date_col).unwrap_or("").trim();
            let Some(at) = parse_instant(date, zone) else {
                return Err((line, format!("{file:?} has no readable date ({date:?})")));
            };
            let key = inner_name(file).to_string();
            match table.dates.get(&key) {
                Some((other, text)) if *other != at => {
                    return Err((
                        line,
                        format!("{file:?} is dated twice: {text:?} and {date:?}"),
                    ));
                }
                _ => {
                    table.dates.insert(key, (at, date.to_string()));
                }
            }
        }
        Ok(table)
    }

    /// Files dated.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether no file is dated.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The instant and date text of the input at `path` (as given), if listed:
    /// by path, file name, or file name without its extension.
    pub fn date_of(&self, path: &str) -> Option<(Millis, String)> {
        let path = inner_name(path);
        let name = Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(path);
        let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
        [path, name, stem]
            .into_iter()
            .find_map(|key| self.dates.get(key))
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> Millis {
        parse_instant(date, &Zone::utc()).unwrap()
    }

    #[test]
    fn header_names_choose_the_columns() {
        let table = DateTable::parse(
            "fileid,year,date,president\n1790-Washington-1,1790,1790-01-08,washington\n\
             1790-Washington-2,1790,1790-12-08,washington\n",
            &Zone::utc(),
        )
        .unwrap();
        assert_eq!(table.len(), 2);
        assert_eq!(
            table.date_of("speeches/1790-Washington-1.txt"),
            Some((at("1790-01-08"), "1790-01-08".into()))
        );
        assert_eq!(
            table.date_of("1790-Washington-2.txt.gz").map(|d| d.0),
            Some(at("1790-12-08"))
        );
        assert_eq!(table.date_of("1790-Washington-3.txt"), None);
    }

    #[test]
    fn a_headerless_file_is_file_then_date() {
        let table =
            DateTable::parse("ep1.vtt,2024-03-20\n\nep2.md,2024-04\n", &Zone::utc()).unwrap();
        assert_eq!(table.date_of("ep2.md").map(|d| d.0), Some(at("2024-04-01")));
        assert_eq!(
            table.date_of("captions/ep1.vtt").map(|d| d.0),
            Some(at("2024-03-20"))
        );
    }

    #[test]
    fn problems_name_their_line() {
        let zone = Zone::utc();
        let err =
            DateTable::parse("file,date\na.txt,2024-01-01\nb.txt,someday\n", &zone).unwrap_err();
        assert_eq!(err.0, 3);
        assert!(err.1.contains("someday"), "{}", err.1);
        let err = DateTable::parse("episode,published\na,b\n", &zone).unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.1.contains("fileid"), "{}", err.1);
        let err =
            DateTable::parse("file,date\na.txt,2024-01-01\na.txt,2025-01-01\n", &zone).unwrap_err();
        assert_eq!(err.0, 3);
        assert!(DateTable::parse("", &zone).is_err());
        assert!(DateTable::parse("file,date\n,2024\n", &zone).is_err());
    }
}
