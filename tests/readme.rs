//! The README's examples are tests: every `themeline` command in its `sh` blocks
//! and in `themeline run --help` runs as written (in a scratch directory where the
//! files the examples name exist: `talk.txt` is the bundled transcript, `part-1/`
//! and `part-2/` halves of the State of the Union addresses, `speakers.vtt` a
//! speaker-tagged WebVTT excerpt), and the outputs the
//! README quotes are the committed `output/`'s, recomputed here from its CSV files
//! (the DuckDB tables) so a change of the default run cannot leave the README
//! telling an old story.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

mod common;
use common::root;

/// The README's fenced blocks: (info string, first line number, lines).
fn blocks() -> Vec<(String, usize, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, Vec<String>)> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_string(), i + 2, Vec::new())),
            (Some(_), Some(_)) => blocks.push(open.take().unwrap()),
            (Some((_, _, lines)), None) => lines.push(line.to_string()),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed block in README.md");
    blocks
}

/// Commands of the README's `sh` blocks that are not themeline's: building and
/// testing the project itself, installing tools, serving a directory. Each must
/// still be in the README, so this list cannot go stale.
const NOT_THEMELINE: &[&str] = &[
    "cargo run --release     # runs on data/",
    "cargo test --release",
    "cargo install",
    "RUSTC_BOOTSTRAP=1 cargo fuzz",
    "python3 -m http.server",
];

/// A scratch directory holding what the examples name.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name);
    let link = |from: PathBuf, to: &str| std::os::unix::fs::symlink(from, at(to)).unwrap();
    link(root().join("data"), "data");
    link(root().join("examples"), "examples");
    link(root().join("examples/sotu/speeches"), "speeches");
    link(
        root().join("data/aliases/cloud-native.toml"),
        "my-aliases.toml",
    );
    link(
        root().join("tests/fixtures/kubecon-rolling.vtt"),
        "talk.vtt",
    );
    link(
        root().join("tests/fixtures/pyvideo-sample.jsonl"),
        "talks.jsonl",
    );
    link(
        root().join("tests/fixtures/rawkode-jc8t4h91wok4bgq10t1s3fiv-excerpt.vtt"),
        "speakers.vtt",
    );
    std::fs::copy(
        root().join("data/kubecon-eu-2024-recap.txt"),
        at("talk.txt"),
    )
    .unwrap();
    let mut speeches: Vec<PathBuf> = std::fs::read_dir(root().join("examples/sotu/speeches"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    speeches.sort();
    let half = speeches.len() / 2;
    for (part, files) in [("part-1", &speeches[..half]), ("part-2", &speeches[half..])] {
        std::fs::create_dir(at(part)).unwrap();
        for file in files {
            std::os::unix::fs::symlink(file, at(part).join(file.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// Runs a shell command line in `dir` with the built `themeline` first on the PATH.
fn shell(dir: &Path, line: &str) -> Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_themeline"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    assert_cmd::Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap()
}

/// What a command must leave: its `--out` directory (`output/` by default) with
/// files in it, or output on stdout.
fn check_ran(dir: &Path, what: &str, line: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what}: `{line}` failed:\n{stderr}"
    );
    let words: Vec<&str> = line.split_whitespace().collect();
    // Without `--out` a run writes `output/`.
    let out = match words.iter().position(|&w| w == "--out") {
        Some(i) => words.get(i + 1).copied(),
        None if output.stdout.is_empty() => Some("output"),
        None => None,
    };
    match out {
        Some(out) if out != "-" => {
            let out = dir.join(out);
            let wrote = if out.is_dir() {
                std::fs::read_dir(&out).unwrap().count() > 0
            } else {
                out.metadata().is_ok_and(|m| m.len() > 0)
            };
            assert!(wrote, "{what}: `{line}` wrote nothing to {}", out.display());
        }
        _ => assert!(
            !output.stdout.is_empty(),
            "{what}: `{line}` printed nothing:\n{stderr}"
        ),
    }
}

/// A line of a `sh` block without its comment, `cargo run --release --` read as
/// the installed binary.
fn command(line: &str) -> Option<String> {
    let line = line.trim();
    let line = match line.find("   #").or_else(|| line.find(" # ")) {
        Some(comment) => line[..comment].trim_end(),
        None => line,
    };
    let line = match line.strip_prefix("cargo run --release -- ") {
        Some(args) => format!("themeline {args}"),
        None => line.to_string(),
    };
    line.starts_with("themeline").then_some(line)
}

#[test]
fn every_shell_example_in_the_readme_runs_as_written() {
    let dir = sandbox();
    let mut ran = 0;
    let mut not_ours = vec![false; NOT_THEMELINE.len()];
    for (info, first, lines) in blocks().into_iter().filter(|(info, ..)| info == "sh") {
        for (offset, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let place = format!("README.md:{}", first + offset);
            if let Some(i) = NOT_THEMELINE
                .iter()
                .position(|p| line.trim().starts_with(p))
            {
                not_ours[i] = true;
                continue;
            }
            let command = command(line)
                .unwrap_or_else(|| panic!("{place}: `{line}` in a {info} block is not themeline's; run it here or list it in NOT_THEMELINE"));
            let output = shell(dir.path(), &command);
            check_ran(dir.path(), &place, &command, &output);
            if command.contains("| jq") {
                for json in String::from_utf8_lossy(&output.stdout).lines() {
                    let value: serde_json::Value = serde_json::from_str(json).unwrap();
                    assert!(value["window"].is_string() && value["dominant"].is_string());
                }
            }
            if command.contains("| head -3") {
                let text = String::from_utf8_lossy(&output.stdout).into_owned();
                assert_eq!(text.lines().count(), 3, "{place}: {text}");
                assert!(text.starts_with("window,start,end,rank,term"), "{place}");
            }
            ran += 1;
        }
    }
    for (pattern, seen) in NOT_THEMELINE.iter().zip(not_ours) {
        assert!(
            seen,
            "`{pattern}` is no longer in the README: drop it from NOT_THEMELINE"
        );
    }
    assert!(ran >= 10, "only {ran} commands found in the README");
    // The shard walkthrough gives the bytes of one run over both halves.
    let whole = shell(
        dir.path(),
        "themeline run part-1/ part-2/ --window decade --discover 0 --out whole",
    );
    check_ran(dir.path(), "the whole run", "--out whole", &whole);
    assert_eq!(
        common::files_in(&dir.path().join("merged")),
        common::files_in(&dir.path().join("whole")),
        "the README's merge is the run over all inputs"
    );
}

#[test]
fn every_example_of_run_help_runs_as_written() {
    let dir = sandbox();
    let help = shell(dir.path(), "themeline run --help");
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    let examples = help
        .split("Examples:")
        .nth(1)
        .expect("run --help has examples");
    let mut ran = 0;
    for line in examples.lines() {
        // An example is a command line, perhaps after environment settings; its
        // description follows after a run of spaces.
        let example = line.trim_start().split("   ").next().unwrap().trim();
        let words: Vec<&str> = example.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| !w.contains('=')) else {
            continue;
        };
        if words[at] != "themeline" {
            continue;
        }
        let command = example.to_string();
        let output = shell(dir.path(), &command);
        check_ran(dir.path(), "run --help", &command, &output);
        ran += 1;
    }
    assert!(ran >= 9, "only {ran} examples in run --help");
}

/// The CSV file of `output/` as rows of cells, header first.
fn csv_rows(name: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(root().join("output").join(name)).unwrap();
    let mut rows = vec![reader.headers().unwrap().iter().map(String::from).collect()];
    for record in reader.records() {
        rows.push(record.unwrap().iter().map(String::from).collect());
    }
    rows
}

/// The body rows of a DuckDB box table, cells trimmed.
fn box_rows(lines: &[String]) -> Vec<Vec<String>> {
    lines
        .iter()
        .filter(|l| l.starts_with('│'))
        .skip(1)
        .map(|l| {
            l.trim_matches('│')
                .split('│')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// A clock label as DuckDB prints it: it reads `0:05:00` as a TIME, `00:05:00`.
fn duck_time(label: &str) -> String {
    match label.split(':').collect::<Vec<_>>().as_slice() {
        [h, m, s] if h.len() == 1 && h.chars().all(|c| c.is_ascii_digit()) => {
            format!("0{h}:{m}:{s}")
        }
        _ => label.to_string(),
    }
}

/// A share as DuckDB prints `round(x, 2)`: `0.7`, `1.0`, `0.32`.
fn round2(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{r:.1}")
    } else {
        let s = format!("{r:.2}");
        s.trim_end_matches('0').to_string()
    }
}

#[test]
fn the_readme_quotes_the_committed_output() {
    let blocks = blocks();
    // The chapters the README shows are output/chapters.txt.
    let chapters = std::fs::read_to_string(root().join("output/chapters.txt")).unwrap();
    let quoted = blocks
        .iter()
        .find(|(info, _, lines)| {
            info == "text" && lines.first().is_some_and(|l| l.starts_with("0:00:00 "))
        })
        .expect("the README quotes chapters.txt");
    assert_eq!(
        quoted.2.join("\n") + "\n",
        chapters,
        "README.md:{}",
        quoted.1
    );

    let tables: Vec<&Vec<String>> = blocks
        .iter()
        .filter(|(info, _, lines)| {
            info == "text" && lines.first().is_some_and(|l| l.starts_with('┌'))
        })
        .map(|(_, _, lines)| lines)
        .collect();
    assert_eq!(tables.len(), 3, "the README's three DuckDB results");

    // 1. The dominant theme of each window, from themes.csv (first largest share).
    let themes = csv_rows("themes.csv");
    let mut dominant: Vec<Vec<String>> = Vec::new();
    for row in &themes[1..] {
        let share: f64 = row[5].parse().unwrap();
        let start = row[1].clone();
        match dominant.last_mut() {
            Some(last) if last[0] == row[0] => {
                if share > last[3].parse::<f64>().unwrap() {
                    last[2] = row[3].clone();
                    last[3] = share.to_string();
                }
            }
            _ => dominant.push(vec![
                row[0].clone(),
                start,
                row[3].clone(),
                share.to_string(),
            ]),
        }
    }
    for row in &mut dominant {
        row[3] = round2(row[3].parse().unwrap());
    }
    assert_eq!(box_rows(tables[0]), dominant, "the dominant-theme table");

    // 2. The top three terms of each window, from terms.csv and windows.csv.
    let windows = csv_rows("windows.csv");
    let label_at = windows[0].iter().position(|h| h == "label").unwrap();
    let terms = csv_rows("terms.csv");
    let expected: Vec<Vec<String>> = windows[1..]
        .iter()
        .map(|w| {
            let top: Vec<&str> = terms[1..]
                .iter()
                .filter(|t| t[0] == w[0] && t[3].parse::<u32>().unwrap() <= 3)
                .map(|t| t[5].as_str())
                .collect();
            vec![duck_time(&w[label_at]), top.join(", ")]
        })
        .collect();
    assert_eq!(box_rows(tables[1]), expected, "the top-terms table");

    // 3. Window labels, tokens, dominant theme and top term from timeline.json.
    let timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("output/timeline.json")).unwrap())
            .unwrap();
    let expected: Vec<Vec<String>> = timeline["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            vec![
                duck_time(&text(&w["label"])),
                duck_time(&text(&w["end_label"])),
                text(&w["start_ms"]),
                text(&w["tokens"]),
                text(&w["dominant"]),
                text(&w["terms"][0]["label"]),
            ]
        })
        .collect();
    assert_eq!(box_rows(tables[2]), expected, "the timeline.json table");
}
