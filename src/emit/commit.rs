//! Committing a run's files as one set: what a reader of the output directory may
//! rely on, and what a killed or interrupted run leaves behind.
//!
//! Every file of a run is written into a fresh *staging* directory. When all are
//! complete, [`OutputDir::commit`] puts them in place in one of two ways:
//!
//! - **Swap** (Linux and macOS, when the output directory holds nothing but
//!   themeline's own output files): the staging directory is a sibling of the
//!   output directory, `.NAME.themeline-PID-RANDOM`, and one
//!   `renameat2(RENAME_EXCHANGE)` (`renamex_np(RENAME_SWAP)` on macOS) exchanges
//!   the two. Whatever kills the process, at every instant the path of the output
//!   directory names either the whole previous set or the whole new one: the
//!   exchange is a single system call. The previous set, now at the staging name,
//!   is then removed. The output directory stays a plain directory (its inode
//!   changes; its permissions are carried over).
//! - **In place** (any other case: other files in the directory, the working
//!   directory inside it, a mount point, a file system without the exchange, no
//!   write permission beside it): each file is renamed into place, one rename
//!   per file, so each file is always whole, but for the few milliseconds of the
//!   commit a reader can see files of both runs.
//!
//! Either way, files of formats the new run did not write (the known output names
//! of [`OutputFormat`], never other files) are removed, so an old `report.html`
//! never stands beside a new `timeline.json`.
//!
//! Each file is synced before any name points at it, and the directory after,
//! so a set that was committed survives a power loss whole. [`StagedFile`] gives
//! a single file (a shard) the same guarantees.
//!
//! Staging directories left by a killed run (its process gone) are swept by the
//! next run into the same directory, as are the `.NAME.XXXXXX.tmp` files of
//! versions before this one. A sweep removes only themeline's own file names and
//! then the directory if it is empty, so it never deletes a file it did not
//! write. [`remove_staging`] removes the staging directories of this process, for
//! a signal handler.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::{EmitError, OutputFormat};

/// The staging directories of the commits under way in this process. A commit
/// holds the lock while it moves files, so [`remove_staging`] waits for it.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    STAGING.lock().unwrap_or_else(|e| e.into_inner())
}

/// The mark in staging directory names, after the output directory's name.
const MARK: &str = "themeline-";

/// The environment variable that makes a run announce on stderr its staging
/// directory (`themeline-test: staging PATH`) and every commit step
/// (`themeline-test: commit step N (WHAT)`), pausing this many milliseconds after
/// each, for tests that kill a run between two steps.
pub const PAUSE_VAR: &str = "_THEMELINE_TEST_COMMIT_PAUSE_MS";

/// The [`PAUSE_VAR`] hook at a new staging path: announces it and pauses;
/// returns the pause, for the commit steps that follow.
fn announce_staging(staging: &Path) -> Option<u64> {
    let pause = std::env::var(PAUSE_VAR).ok().and_then(|v| v.parse().ok());
    if let Some(ms) = pause {
        eprintln!("themeline-test: staging {}", staging.display());
        std::thread::sleep(Duration::from_millis(ms));
    }
    pause
}

/// Removes the staging directories of this process's commits under way (their
/// files are not outputs yet), waiting for a commit that is moving files to
/// finish first; for a handler of SIGINT or SIGTERM that then exits.
pub fn remove_staging() {
    let mut staging = registry();
    for dir in staging.drain(..) {
        if fs::symlink_metadata(&dir).is_ok_and(|m| m.is_file()) {
            // A [`StagedFile`].
            let _ = fs::remove_file(&dir);
            continue;
        }
        // A writer may add a file while the directory is being emptied.
        for _ in 0..10 {
            match fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => break,
            }
        }
    }
}

/// Whether `name` is a file themeline writes into an output directory.
pub fn is_output_name(name: &OsStr) -> bool {
    OutputFormat::ALL
        .iter()
        .flat_map(|f| f.all_files())
        .any(|known| OsStr::new(known) == name)
}

/// `.terms.csv.AbC123.tmp`: a temporary file of an earlier version of themeline,
/// which wrote beside the outputs.
fn is_old_temporary(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    name.ends_with(".tmp")
        && OutputFormat::ALL
            .iter()
            .flat_map(|f| f.all_files())
            .any(|known| rest.starts_with(&format!("{known}.")))
}

/// The process id in a staging directory's name, after `prefix`.
fn staging_pid(name: &OsStr, prefix: &OsStr) -> Option<u32> {
    let rest = name
        .as_encoded_bytes()
        .strip_prefix(prefix.as_encoded_bytes())?;
    let digits = rest.split(|&b| b == b'-').next()?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Whether the staging directory `path` of process `pid` belongs to no run under
/// way.
fn abandoned(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return !registry().iter().any(|p| p == path);
    }
    !process_alive(pid)
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // EPERM: it exists, under another user.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    // No cheap test: never sweep another process's staging directory.
    true
}

/// Empties a directory of themeline's own files and removes it when nothing else
/// is left; other entries are moved to `keep_in` when given and free there.
fn clear_dir(dir: &Path, keep_in: Option<&Path>) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && (is_output_name(&name) || is_old_temporary(&name)) {
                let _ = fs::remove_file(entry.path());
            } else if let Some(keep_in) = keep_in {
                let target = keep_in.join(&name);
                if fs::symlink_metadata(&target).is_err() {
                    let _ = fs::rename(entry.path(), target);
                }
            }
        }
    }
    let _ = fs::remove_dir(dir);
}

/// Removes what killed runs left in and beside `dir` (its canonical path).
fn sweep(dir: &Path) {
    let inside_prefix = OsString::from(format!(".{MARK}"));
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_file() && is_old_temporary(&name) {
                let _ = fs::remove_file(entry.path());
            } else if kind.is_dir()
                && let Some(pid) = staging_pid(&name, &inside_prefix)
                && abandoned(pid, &entry.path())
            {
                clear_dir(&entry.path(), None);
            }
        }
    }
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let beside_prefix = beside_prefix(name);
    if let Ok(entries) = fs::read_dir(parent) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir())
                && let Some(pid) = staging_pid(&entry.file_name(), &beside_prefix)
                && abandoned(pid, &entry.path())
            {
                clear_dir(&entry.path(), None);
            }
        }
    }
}

/// `.NAME.themeline-`: how staging directories beside `NAME` begin.
fn beside_prefix(name: &OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    prefix.push(MARK);
    prefix
}

/// Whether `a` and `b` are on the same file system (a rename between them works).
#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_device(_: &Path, _: &Path) -> bool {
    true
}

/// Exchanges two paths in one system call.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Flushes a file's data, or a directory's entries, to the disk.
fn sync_path(path: &Path) -> io::Result<()> {
    match File::open(path)?.sync_all() {
        // Some file systems cannot sync a directory opened read-only.
        Err(e) if path.is_dir() && e.kind() != io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// One file that appears at its path whole or not at all: written under a
/// staging name beside it (`.NAME.themeline-PID-RANDOM.tmp`), then synced and
/// renamed over it. Until then [`remove_staging`] removes it on a signal, dropping
/// it unfinished removes it, and one that a killed run left is removed by the next
/// [`StagedFile::create`] for the same path. For the single files of `count`,
/// `mine` and `select`.
#[derive(Debug)]
pub struct StagedFile {
    /// The final path, as given.
    path: PathBuf,
    /// Where the bytes are written until the commit.
    staging: PathBuf,
    /// The open staging file.
    file: Option<BufWriter<File>>,
}

impl StagedFile {
    /// Creates the staging file beside `path` (and `path`'s directory if needed),
    /// after removing what killed runs left there for the same name.
    pub fn create(path: &Path) -> Result<StagedFile, EmitError> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let io_error = |source| EmitError::Io {
            path: path.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io_error)?;
        let name = path
            .file_name()
            .ok_or_else(|| io_error(io::Error::other("not a file name")))?;
        let mut prefix = beside_prefix(name);
        sweep_files(dir, &prefix);
        prefix.push(format!("{}-", std::process::id()));
        let mut registry = registry();
        let (file, staging) =
            super::readable(tempfile::Builder::new().prefix(&prefix).suffix(".tmp"))
                .tempfile_in(dir)
                .map_err(io_error)?
                .keep()
                .map_err(|e| io_error(e.error))?;
        registry.push(staging.clone());
        drop(registry);
        announce_staging(&staging);
        Ok(StagedFile {
            path: path.to_path_buf(),
            staging,
            file: Some(BufWriter::new(file)),
        })
    }

    /// The writer of the staging file.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.file
            .as_mut()
            .expect("a staged file is open until commit")
    }

    /// Flushes and syncs the file, then renames it over the final path.
    pub fn commit(mut self) -> Result<(), EmitError> {
        let io_error = |source| EmitError::Io {
            path: self.path.clone(),
            source,
        };
        let writer = self.file.take().expect("a staged file is committed once");
        let file = writer.into_inner().map_err(|e| io_error(e.into_error()))?;
        file.sync_all().map_err(io_error)?;
        drop(file);
        let mut registry = registry();
        let renamed = fs::rename(&self.staging, &self.path);
        registry.retain(|p| p != &self.staging);
        drop(registry);
        renamed.map_err(io_error)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = sync_path(dir);
        }
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            self.file = None;
            registry().retain(|p| p != &self.staging);
            let _ = fs::remove_file(&self.staging);
        }
    }
}

/// Removes the staging files in `dir` named `prefix` + the id of a process that
/// is gone.
fn sweep_files(dir: &Path, prefix: &OsStr) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if entry.file_type().is_ok_and(|t| t.is_file())
            && name.as_encoded_bytes().ends_with(b".tmp")
            && let Some(pid) = staging_pid(&name, prefix)
            && abandoned(pid, &entry.path())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// How a commit put the files in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitMode {
    /// The whole directory at once (see the module docs).
    Swap,
    /// File by file.
    InPlace,
}

/// A directory whose files appear only when [`OutputDir::commit`] is called, all
/// at once where the platform and the directory allow (see the module docs).
#[derive(Debug)]
pub struct OutputDir {
    /// The directory as given, for the paths reported.
    dir: PathBuf,
    /// Its canonical path.
    real: PathBuf,
    /// Where the files are written until the commit.
    staging: PathBuf,
    /// Whether `staging` is a sibling of `real` (so the two can be exchanged).
    beside: bool,
    /// The files written, in order.
    names: Vec<String>,
    /// Set once the files are no longer staging's to remove.
    done: bool,
    /// Milliseconds to pause at each commit step (the [`PAUSE_VAR`] hook).
    pause: Option<u64>,
    /// Stop as if killed after this commit step (unit tests).
    #[cfg(test)]
    kill_after: Option<usize>,
}

impl OutputDir {
    /// Creates the directory if needed, sweeps what killed runs left there and
    /// makes the staging directory.
    pub fn create(dir: &Path) -> Result<Self, EmitError> {
        let io_error = |source| EmitError::Io {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io_error)?;
        let real = fs::canonicalize(dir).map_err(io_error)?;
        sweep(&real);
        let mut registry = registry();
        let (staging, beside) = make_staging(&real).map_err(io_error)?;
        registry.push(staging.clone());
        drop(registry);
        let pause = announce_staging(&staging);
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            real,
            staging,
            beside,
            names: Vec::new(),
            done: false,
            pause,
            #[cfg(test)]
            kill_after: None,
        })
    }

    /// A writer for the file `name`, invisible in the directory until commit.
    pub fn file(&mut self, name: &str) -> Result<BufWriter<File>, EmitError> {
        let path = self.staging.join(name);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o644);
        }
        let file = options.open(&path).map_err(|source| EmitError::Io {
            path: self.dir.join(name),
            source,
        })?;
        self.names.push(name.to_string());
        Ok(BufWriter::new(file))
    }

    /// Puts every file in place and removes the files of formats not written this
    /// time; returns the files' paths.
    pub fn commit(self) -> Result<Vec<PathBuf>, EmitError> {
        self.commit_with_mode().map(|(paths, _)| paths)
    }

    /// [`OutputDir::commit`], also saying how the files were put in place.
    pub fn commit_with_mode(mut self) -> Result<(Vec<PathBuf>, CommitMode), EmitError> {
        let result = {
            let mut registry = registry();
            let result = self.commit_locked();
            registry.retain(|p| p != &self.staging);
            result
        };
        let mode = result?;
        let paths = self.names.iter().map(|n| self.dir.join(n)).collect();
        Ok((paths, mode))
    }

    fn commit_locked(&mut self) -> Result<CommitMode, EmitError> {
        // The files' bytes reach the disk before any name points at them, so a
        // power loss after the commit cannot leave a committed file empty.
        for name in &self.names {
            sync_path(&self.staging.join(name)).map_err(|source| EmitError::Io {
                path: self.dir.join(name),
                source,
            })?;
        }
        self.step(0, "files written")?;
        if self.swappable() {
            match exchange(&self.staging, &self.real) {
                Ok(()) => {
                    // The staging name now holds the previous set.
                    self.done = true;
                    if let Some(parent) = self.real.parent() {
                        let _ = sync_path(parent);
                    }
                    self.step(1, "directories exchanged")?;
                    clear_dir(&self.staging, Some(&self.real));
                    return Ok(CommitMode::Swap);
                }
                Err(_) => {
                    // Not supported here (or a mount point, or no permission):
                    // file by file below.
                }
            }
        }
        for i in 0..self.names.len() {
            let name = self.names[i].clone();
            fs::rename(self.staging.join(&name), self.real.join(&name)).map_err(|source| {
                EmitError::Io {
                    path: self.dir.join(&name),
                    source,
                }
            })?;
            self.step(i + 1, &name)?;
        }
        self.done = true;
        self.remove_stale_formats();
        let _ = fs::remove_dir(&self.staging);
        let _ = sync_path(&self.real);
        Ok(CommitMode::InPlace)
    }

    /// Removes the output files of formats not written this time.
    fn remove_stale_formats(&self) {
        for known in OutputFormat::ALL.iter().flat_map(|f| f.all_files()) {
            if !self.names.iter().any(|n| n == known) {
                let path = self.real.join(known);
                if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    let _ = fs::remove_file(path);
                }
            }
        }
    }

    /// Whether the output directory can be exchanged with the staging directory:
    /// the staging directory is beside it, nothing but themeline's files are in it,
    /// and it does not hold the working directory (which would be left in the
    /// removed one).
    fn swappable(&self) -> bool {
        if !self.beside {
            return false;
        }
        if std::env::current_dir().is_ok_and(|cwd| cwd.starts_with(&self.real)) {
            return false;
        }
        let Ok(entries) = fs::read_dir(&self.real) else {
            return false;
        };
        entries.into_iter().all(|entry| {
            entry.is_ok_and(|e| {
                let name = e.file_name();
                e.file_type().is_ok_and(|t| t.is_file())
                    && (is_output_name(&name) || is_old_temporary(&name))
            })
        })
    }

    /// A point between two steps of the commit, where a test may kill the run.
    fn step(&mut self, n: usize, what: &str) -> Result<(), EmitError> {
        if let Some(ms) = self.pause {
            eprintln!("themeline-test: commit step {n} ({what})");
            std::thread::sleep(Duration::from_millis(ms));
        }
        #[cfg(test)]
        if self.kill_after == Some(n) {
            // Leave everything as a SIGKILL would.
            self.done = true;
            return Err(EmitError::Io {
                path: self.dir.clone(),
                source: io::Error::other("killed by the test"),
            });
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        registry().retain(|p| p != &self.staging);
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Makes the staging directory: beside `real` when the parent is writable and on
/// the same file system, else inside it.
fn make_staging(real: &Path) -> io::Result<(PathBuf, bool)> {
    let pid = std::process::id();
    if let (Some(parent), Some(name)) = (real.parent(), real.file_name())
        && same_device(parent, real)
    {
        let mut prefix = beside_prefix(name);
        prefix.push(format!("{pid}-"));
        if let Ok(dir) = tempfile::Builder::new().prefix(&prefix).tempdir_in(parent) {
            let path = dir.keep();
            // The exchanged directory keeps the output directory's permissions
            // (a temporary directory is 0700).
            if let Ok(meta) = fs::metadata(real) {
                let _ = fs::set_permissions(&path, meta.permissions());
            }
            return Ok((path, true));
        }
    }
    let dir = tempfile::Builder::new()
        .prefix(&format!(".{MARK}{pid}-"))
        .tempdir_in(real)?;
    Ok((dir.keep(), false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// Writes `files` (name, contents) into `dir` through an [`OutputDir`],
    /// killed after commit step `kill_after` when given.
    fn write_set(
        dir: &Path,
        files: &[(&str, &str)],
        kill_after: Option<usize>,
    ) -> Result<CommitMode, EmitError> {
        let mut out = OutputDir::create(dir).unwrap();
        out.kill_after = kill_after;
        for (name, text) in files {
            out.file(name).unwrap().write_all(text.as_bytes()).unwrap();
        }
        out.commit_with_mode().map(|(_, mode)| mode)
    }

    const OLD: [(&str, &str); 3] = [
        ("terms.csv", "old"),
        ("timeline.json", "old"),
        ("report.html", "old"),
    ];
    const NEW: [(&str, &str); 3] = [
        ("terms.csv", "new"),
        ("timeline.json", "new"),
        ("report.html", "new"),
    ];

    /// The one run whose files `dir` holds, or a panic naming the mix.
    fn one_run(dir: &Path) -> String {
        let runs: std::collections::BTreeSet<String> = names(dir)
            .iter()
            .map(|n| fs::read_to_string(dir.join(n)).unwrap())
            .collect();
        assert_eq!(
            runs.len(),
            1,
            "a mix of runs in {}: {runs:?}",
            dir.display()
        );
        runs.into_iter().next().unwrap()
    }

    #[test]
    fn a_directory_of_outputs_is_swapped_whole() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        assert_eq!(write_set(&dir, &OLD, None).unwrap(), CommitMode::Swap);
        assert_eq!(write_set(&dir, &NEW, None).unwrap(), CommitMode::Swap);
        assert_eq!(one_run(&dir), "new");
        assert_eq!(names(root.path()), ["out"], "nothing left beside it");
    }

    #[test]
    fn a_kill_at_any_commit_step_leaves_one_whole_set_and_the_next_run_sweeps() {
        for step in 0..=1 {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path().join("out");
            write_set(&dir, &OLD, None).unwrap();
            assert!(write_set(&dir, &NEW, Some(step)).is_err());
            let seen = one_run(&dir);
            assert_eq!(seen, if step == 0 { "old" } else { "new" }, "step {step}");
            assert_eq!(names(&dir).len(), 3);
            // The killed run's staging directory is still there, under this
            // process's id but in no registry: the next run removes it.
            assert_eq!(names(root.path()).len(), 2, "step {step}");
            write_set(&dir, &OLD, None).unwrap();
            assert_eq!(names(root.path()), ["out"], "step {step}");
            assert_eq!(one_run(&dir), "old");
        }
    }

    #[test]
    fn other_files_keep_the_commit_in_place_and_survive() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir_all(dir.join("notes")).unwrap();
        fs::write(dir.join("mine.txt"), "user").unwrap();
        assert_eq!(write_set(&dir, &OLD, None).unwrap(), CommitMode::InPlace);
        // Fewer formats: the old report goes, the user's files stay.
        let fewer = [("terms.csv", "new"), ("timeline.json", "new")];
        assert_eq!(write_set(&dir, &fewer, None).unwrap(), CommitMode::InPlace);
        assert_eq!(
            names(&dir),
            ["mine.txt", "notes", "terms.csv", "timeline.json"]
        );
        assert_eq!(fs::read_to_string(dir.join("mine.txt")).unwrap(), "user");
        assert_eq!(names(root.path()), ["out"]);
    }

    #[test]
    fn a_swap_with_fewer_formats_drops_the_old_ones() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        write_set(&dir, &OLD, None).unwrap();
        write_set(&dir, &[("timeline.json", "new")], None).unwrap();
        assert_eq!(names(&dir), ["timeline.json"]);
    }

    #[test]
    fn a_kill_in_place_leaves_whole_files_and_a_sweepable_staging_directory() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("mine.txt"), "user").unwrap();
        write_set(&dir, &OLD, None).unwrap();
        assert!(write_set(&dir, &NEW, Some(1)).is_err());
        for (name, _) in OLD {
            let text = fs::read_to_string(dir.join(name)).unwrap();
            assert!(text == "old" || text == "new", "{name}: {text}");
        }
        write_set(&dir, &NEW, None).unwrap();
        assert_eq!(names(root.path()), ["out"]);
        assert_eq!(
            names(&dir),
            ["mine.txt", "report.html", "terms.csv", "timeline.json"]
        );
    }

    #[test]
    fn old_temporary_files_are_swept_and_user_files_never() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(".terms.csv.aB3dE9.tmp"), "partial").unwrap();
        fs::write(dir.join(".mine.tmp"), "user").unwrap();
        // A staging directory of a process that is gone, holding a user file.
        let stale = root.path().join(".out.themeline-4294967-xyz");
        fs::create_dir_all(&stale).unwrap();
        fs::write(stale.join("terms.csv"), "partial").unwrap();
        fs::write(stale.join("keep.txt"), "user").unwrap();
        write_set(&dir, &NEW, None).unwrap();
        assert_eq!(
            names(&dir),
            [".mine.tmp", "report.html", "terms.csv", "timeline.json"]
        );
        assert_eq!(names(&stale), ["keep.txt"]);
    }

    #[test]
    fn staging_names_give_their_process() {
        let prefix = beside_prefix(OsStr::new("output"));
        assert_eq!(
            staging_pid(OsStr::new(".output.themeline-123-abc"), &prefix),
            Some(123)
        );
        assert_eq!(staging_pid(OsStr::new(".output.x-1-abc"), &prefix), None);
        assert!(is_old_temporary(OsStr::new(".report.html.Xy12Ab.tmp")));
        assert!(!is_old_temporary(OsStr::new(".notes.txt.Xy12Ab.tmp")));
        assert!(!is_old_temporary(OsStr::new("terms.csv.tmp")));
    }
}
