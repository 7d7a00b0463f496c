//! How outputs are committed, end to end: a run killed at any point leaves the
//! previous set or the new one (never a mix), an interrupted run removes its
//! staged files, the next run sweeps what a killed one left, and a run with fewer
//! formats removes the files of the others (never a file themeline did not write).
//!
//! The binary announces its staging directory and each commit step on stderr and
//! pauses after each when `_THEMELINE_TEST_COMMIT_PAUSE_MS` is set, so a test can
//! kill it between any two steps. Every wait has a deadline.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;
use common::root;

const PAUSE_VAR: &str = "_THEMELINE_TEST_COMMIT_PAUSE_MS";
const DEADLINE: Duration = Duration::from_secs(60);

/// The files of a directory with their bytes, by name.
type FileSet = BTreeMap<String, Vec<u8>>;

fn files(dir: &Path) -> FileSet {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    files(dir).into_keys().collect()
}

/// `themeline run` on the bundled transcript into `out`, with `extra` options.
fn run_command(out: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("themeline"));
    cmd.current_dir(root())
        .args(["run", "--no-config", "--quiet", "--threads", "1"])
        .arg("data/kubecon-eu-2024-recap.txt")
        .arg("--out")
        .arg(out)
        .args(extra)
        .env_remove(PAUSE_VAR)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}

/// Waits for `child` with a deadline (killing it past that).
fn wait(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("themeline did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs to the end, successfully.
fn run(out: &Path, extra: &[&str]) {
    let mut child = run_command(out, extra)
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    assert!(wait(&mut child).success());
}

/// The two runs a commit goes between: `--top 3` and `--top 5` write other
/// bytes into every file.
const OLD: &[&str] = &["--top", "3"];
const NEW: &[&str] = &["--top", "5"];

/// The file sets of the old and the new run, from clean runs.
fn reference_sets(root: &Path) -> (FileSet, FileSet) {
    let (old, new) = (root.join("ref-old"), root.join("ref-new"));
    run(&old, OLD);
    run(&new, NEW);
    let sets = (files(&old), files(&new));
    std::fs::remove_dir_all(&old).unwrap();
    std::fs::remove_dir_all(&new).unwrap();
    assert_ne!(sets.0, sets.1);
    assert_eq!(
        sets.0.keys().collect::<Vec<_>>(),
        sets.1.keys().collect::<Vec<_>>()
    );
    sets
}

/// A paused run whose stderr lines arrive on a channel.
struct Paused {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Paused {
    fn start(out: &Path, extra: &[&str], pause_ms: u64) -> Paused {
        Paused::spawn(run_command(out, extra), pause_ms)
    }

    fn spawn(mut command: Command, pause_ms: u64) -> Paused {
        let mut child = command
            .env(PAUSE_VAR, pause_ms.to_string())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Paused { child, lines }
    }

    /// Waits for the line that starts with `prefix`; returns it.
    fn until(&mut self, prefix: &str) -> String {
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(e) => {
                    let _ = self.child.kill();
                    panic!("no line {prefix:?} on stderr: {e}");
                }
            }
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        wait(&mut self.child);
    }

    fn signal(mut self, signal: &str) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        wait(&mut self.child)
    }
}

/// Asserts that `dir` holds exactly the old set or exactly the new one; returns
/// which ("old" or "new").
fn one_whole_set(dir: &Path, old: &FileSet, new: &FileSet, when: &str) -> &'static str {
    let seen = files(dir);
    if &seen == old {
        "old"
    } else if &seen == new {
        "new"
    } else {
        let mixed: Vec<String> = seen
            .iter()
            .map(|(name, bytes)| {
                let from = if old.get(name) == Some(bytes) {
                    "old"
                } else if new.get(name) == Some(bytes) {
                    "new"
                } else {
                    "neither"
                };
                format!("{name}: {from}")
            })
            .collect();
        panic!("{when}: neither whole set in {}: {mixed:?}", dir.display());
    }
}

#[test]
fn a_run_killed_at_any_commit_step_leaves_the_old_set_or_the_new_and_the_next_run_sweeps() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = reference_sets(tmp.path());
    let out = tmp.path().join("out");
    // Step 0: everything written, nothing moved; step 1: directories exchanged,
    // the previous set not yet removed.
    for (step, expected) in [(0, "old"), (1, "new")] {
        run(&out, OLD);
        let mut paused = Paused::start(&out, NEW, 200);
        paused.until(&format!("themeline-test: commit step {step} "));
        paused.kill();
        let when = format!("killed after commit step {step}");
        assert_eq!(one_whole_set(&out, &old, &new, &when), expected, "{when}");
        // The killed run left a staging directory beside `out`.
        assert_eq!(
            names(tmp.path()).len(),
            2,
            "{when}: {:?}",
            names(tmp.path())
        );
        run(&out, OLD);
        assert_eq!(names(tmp.path()), ["out"], "{when}: the next run sweeps");
        assert_eq!(one_whole_set(&out, &old, &new, &when), "old");
    }
}

#[test]
fn runs_killed_at_random_moments_never_leave_a_mix_nor_lasting_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = reference_sets(tmp.path());
    let out = tmp.path().join("out");
    run(&out, OLD);
    // How long a whole run takes, to spread the kills over it.
    let start = Instant::now();
    run(&tmp.path().join("timing"), NEW);
    let whole = start.elapsed().as_micros() as u64;
    std::fs::remove_dir_all(tmp.path().join("timing")).unwrap();
    let mut seen = BTreeMap::new();
    // A fixed sequence of moments (a linear congruential generator), over 1.2
    // times a run so some kills come after it ended.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..12 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let at = Duration::from_micros((state >> 33) % (whole * 12 / 10 + 1));
        let mut child = run_command(&out, if i % 2 == 0 { NEW } else { OLD })
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        wait(&mut child);
        let set = one_whole_set(&out, &old, &new, &format!("kill {i} after {at:?}"));
        *seen.entry(set).or_insert(0) += 1;
    }
    run(&out, NEW);
    assert_eq!(one_whole_set(&out, &old, &new, "after a clean run"), "new");
    assert_eq!(names(tmp.path()), ["out"]);
    eprintln!("sets seen after the kills: {seen:?}");
}

#[test]
fn interrupted_runs_remove_their_staged_files_and_leave_the_outputs_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run(&out, OLD);
    let before = files(&out);
    // The exit status a shell gives a command the signal ended: 128 + its number.
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let mut paused = Paused::start(&out, NEW, 300);
        let line = paused.until("themeline-test: staging ");
        let staging = PathBuf::from(line.trim_start_matches("themeline-test: staging "));
        assert!(staging.is_dir(), "{}", staging.display());
        let status = paused.signal(signal);
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        assert!(
            !staging.exists(),
            "SIG{signal}: {} is left",
            staging.display()
        );
        assert_eq!(names(tmp.path()), ["out"], "SIG{signal}");
        assert!(files(&out) == before, "SIG{signal}: the outputs changed");
    }
}

/// `themeline count` of the bundled transcript into the shard file `out`.
fn count_command(out: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("themeline"));
    cmd.current_dir(root())
        .args(["count", "--no-config", "--quiet", "--threads", "1"])
        .arg("data/kubecon-eu-2024-recap.txt")
        .arg("--out")
        .arg(out)
        .env_remove(PAUSE_VAR)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}

#[test]
fn shard_files_appear_whole_and_interrupted_or_killed_writes_leave_nothing_lasting() {
    let tmp = tempfile::tempdir().unwrap();
    let shard = tmp.path().join("part.shard.json");
    let mut child = count_command(&shard).spawn().unwrap();
    assert!(wait(&mut child).success());
    let whole = std::fs::read(&shard).unwrap();
    // Shards are gzip-compressed JSON: the magic bytes, and a stream that
    // decodes to the whole of it.
    assert!(whole.starts_with(&[0x1f, 0x8b]), "a gzip shard");
    let mut json = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&whole[..]), &mut json)
        .unwrap();
    assert!(json.ends_with("}\n"), "a complete JSON shard");
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let mut paused = Paused::spawn(count_command(&shard), 300);
        let line = paused.until("themeline-test: staging ");
        let staging = PathBuf::from(line.trim_start_matches("themeline-test: staging "));
        assert!(staging.is_file(), "{}", staging.display());
        assert_eq!(staging.parent(), shard.parent(), "staged beside the shard");
        let status = paused.signal(signal);
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        assert_eq!(names(tmp.path()), ["part.shard.json"], "SIG{signal}");
        assert!(
            std::fs::read(&shard).unwrap() == whole,
            "SIG{signal}: the shard changed"
        );
    }
    // SIGKILL runs no handler: the staging file stays until the next write of
    // the same shard, which removes it and replaces the shard whole.
    let mut paused = Paused::spawn(count_command(&shard), 300);
    paused.until("themeline-test: staging ");
    paused.kill();
    assert_eq!(names(tmp.path()).len(), 2, "{:?}", names(tmp.path()));
    let mut child = count_command(&shard).spawn().unwrap();
    assert!(wait(&mut child).success());
    assert_eq!(names(tmp.path()), ["part.shard.json"]);
    assert!(std::fs::read(&shard).unwrap() == whole);
}

#[test]
fn an_interrupt_during_the_commit_lets_it_finish() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = reference_sets(tmp.path());
    let out = tmp.path().join("out");
    run(&out, OLD);
    let mut paused = Paused::start(&out, NEW, 300);
    paused.until("themeline-test: commit step 0 ");
    // The handler waits for the commit; the run may then end first (0) or the
    // handler exit (130): either way the new set is in place, whole.
    let code = paused.signal("INT").code();
    assert!(matches!(code, Some(0 | 130)), "{code:?}");
    assert_eq!(
        one_whole_set(&out, &old, &new, "SIGINT in the commit"),
        "new"
    );
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn a_directory_with_other_files_is_committed_file_by_file_and_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = reference_sets(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("notes")).unwrap();
    std::fs::write(out.join("README.txt"), "mine").unwrap();
    run(&out, OLD);
    // Killed between two renames: every file is whole, of one run or the other.
    let mut paused = Paused::start(&out, NEW, 200);
    paused.until("themeline-test: commit step 2 ");
    paused.kill();
    let mut seen = files(&out);
    assert_eq!(seen.remove("README.txt").unwrap(), b"mine");
    assert!(seen.remove("notes").is_some());
    let from: Vec<&str> = seen
        .iter()
        .map(|(name, bytes)| {
            if old.get(name) == Some(bytes) {
                "old"
            } else if new.get(name) == Some(bytes) {
                "new"
            } else {
                panic!("{name} is of neither run")
            }
        })
        .collect();
    assert!(from.contains(&"new") && from.contains(&"old"), "{from:?}");
    // The next run sweeps the staging directory and keeps the user's files.
    run(&out, NEW);
    let mut seen = files(&out);
    assert!(seen.remove("README.txt").is_some() && seen.remove("notes").is_some());
    assert!(seen == new);
    assert!(names(tmp.path()) == ["out"]);
    assert!(!names(&out).iter().any(|n| n.starts_with('.')));
}

#[test]
fn fewer_formats_remove_the_files_of_the_others_but_never_a_users_file() {
    let tmp = tempfile::tempdir().unwrap();
    // A directory of outputs only (swapped), then one with a file of the user's
    // (file by file).
    for user_file in [false, true] {
        let out = tmp.path().join(format!("out-{user_file}"));
        std::fs::create_dir_all(&out).unwrap();
        if user_file {
            std::fs::write(out.join("report.css"), "mine").unwrap();
        }
        run(&out, &["--format", "csv,json,html,ndjson"]);
        assert!(out.join("report.html").is_file());
        run(&out, &["--format", "json"]);
        let mut expected = vec!["timeline.json".to_string()];
        if user_file {
            expected.insert(0, "report.css".into());
        }
        assert_eq!(names(&out), expected, "user file: {user_file}");
    }
}

#[test]
fn what_an_older_version_or_a_killed_run_left_is_swept_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // Temporary files of the versions that wrote beside the outputs.
    std::fs::write(out.join(".terms.csv.Ab3dE9.tmp"), "partial").unwrap();
    std::fs::write(out.join(".report.html.zZ9yY8.tmp"), "partial").unwrap();
    // A staging directory of a process that cannot exist (above any pid_max).
    let stale = tmp.path().join(".out.themeline-4194999-Qw3rTy");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("terms.csv"), "partial").unwrap();
    // A staging directory of a live process (this one) is left alone.
    let live = tmp
        .path()
        .join(format!(".out.themeline-{}-Zx9cVb", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    std::fs::write(live.join("terms.csv"), "being written").unwrap();
    run(&out, &["--format", "json"]);
    assert_eq!(names(&out), ["timeline.json"]);
    assert!(!stale.exists());
    assert_eq!(names(&live), ["terms.csv"]);
}

#[test]
fn the_working_directory_as_output_is_written_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("here");
    std::fs::create_dir_all(&out).unwrap();
    let input = root().join("data/kubecon-eu-2024-recap.txt");
    for _ in 0..2 {
        let status = Command::new(assert_cmd::cargo::cargo_bin("themeline"))
            .current_dir(&out)
            .args(["run", "--no-config", "--quiet", "--format", "csv"])
            .arg(&input)
            .args(["--out", "."])
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert_eq!(
        names(&out),
        [
            "chapters.csv",
            "shifts.csv",
            "terms.csv",
            "themes.csv",
            "windows.csv"
        ]
    );
    assert_eq!(names(tmp.path()), ["here"]);
}

/// A transcript whose protected terms start like spreadsheet formulas.
fn hostile_run(dir: &Path, extra: &[&str], env: Option<(&str, &str)>) -> (String, String) {
    let input = dir.join("t.txt");
    std::fs::write(
        &input,
        "0:00 =cmd alpha =cmd beta @bob\n0:30 @bob =cmd gamma delta\n\
         1:00 alpha beta @bob =cmd\n5:10 gamma delta @bob epsilon\n6:00 epsilon =cmd delta\n",
    )
    .unwrap();
    let out = dir.join("out");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("themeline"));
    cmd.current_dir(dir)
        .args(["run", "--no-config", "--quiet", "t.txt", "--min-count", "1"])
        .args([
            "--protect",
            r"=\w+",
            "--protect",
            r"@\w+",
            "--format",
            "csv,json",
        ])
        .arg("--out")
        .arg(&out)
        .args(extra);
    if let Some((name, value)) = env {
        cmd.env(name, value);
    }
    assert!(cmd.status().unwrap().success());
    (
        std::fs::read_to_string(out.join("terms.csv")).unwrap(),
        std::fs::read_to_string(out.join("timeline.json")).unwrap(),
    )
}

#[test]
fn csv_text_cells_that_start_like_formulas_get_a_quote_unless_raw_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let (terms, json) = hostile_run(tmp.path(), &[], None);
    assert!(terms.contains("\n0,0,300,1,'=cmd,'=cmd,"), "{terms}");
    assert!(terms.contains(",'@bob,'@bob,"), "{terms}");
    assert!(!terms.contains(",=cmd"), "{terms}");
    // JSON is never changed.
    assert!(json.contains("\"term\": \"=cmd\""), "{json}");
    assert!(!json.contains("'=cmd"));
    // The switch, as a flag and as a variable; it is not recorded in the outputs.
    for (extra, env) in [
        (&["--raw-csv"][..], None),
        (&[][..], Some(("THEMELINE_RAW_CSV", "true"))),
    ] {
        let (raw_terms, raw_json) = hostile_run(tmp.path(), extra, env);
        assert!(raw_terms.contains("\n0,0,300,1,=cmd,=cmd,"), "{raw_terms}");
        assert!(!raw_terms.contains('\''), "{raw_terms}");
        assert_eq!(raw_json, json);
    }
}
