//! The command line's outputs and manners: `--format`, `--out -` and broken
//! pipes, the configuration layers (defaults < themeline.toml < THEMELINE_* <
//! flags) and `themeline config show`, completions, and what reaches stderr
//! (a summary, progress lines without escape codes, nothing with --quiet).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;

mod common;
use common::root;

/// The binary in the repository root, with no THEMELINE_ variable inherited.
fn themeline() -> Command {
    let mut cmd = common::themeline();
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("THEMELINE_") {
            cmd.env_remove(name);
        }
    }
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let assert = cmd.assert().success();
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

fn stderr(cmd: &mut Command) -> String {
    let assert = cmd.assert().success();
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn format_chooses_the_files_written() {
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args(["run", "-q", "--format", "json,ndjson", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert_eq!(names(out.path()), ["timeline.json", "timeline.ndjson"]);
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args(["run", "-q", "--format", "html", "--format", "csv", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert_eq!(
        names(out.path()),
        [
            "chapters.csv",
            "report.html",
            "shifts.csv",
            "terms.csv",
            "themes.csv",
            "windows.csv"
        ]
    );
}

#[test]
fn an_input_format_given_as_output_format_gets_advice() {
    let assert = themeline()
        .args(["run", "--format", "vtt"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("use --input-format vtt"), "{err}");
}

#[test]
fn out_dash_streams_one_format_to_stdout() {
    let csv = stdout(themeline().args(["run", "-q", "--out", "-", "--format", "csv"]));
    let committed = std::fs::read_to_string(root().join("output/terms.csv")).unwrap();
    assert_eq!(csv, committed);
    let json = stdout(themeline().args(["run", "-q", "--out", "-", "--format", "json"]));
    let committed = std::fs::read_to_string(root().join("output/timeline.json")).unwrap();
    assert_eq!(json, committed);
    let ndjson = stdout(themeline().args(["run", "-q", "--out", "-", "--format", "ndjson"]));
    let timeline: serde_json::Value = serde_json::from_str(&committed).unwrap();
    let windows = timeline["windows"].as_array().unwrap();
    assert_eq!(ndjson.lines().count(), windows.len());
    for (line, window) in ndjson.lines().zip(windows) {
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(line).unwrap(),
            *window
        );
    }
    // Nothing was written to the output directory's place.
    assert!(!root().join("-").exists());
}

#[test]
fn out_dash_with_several_formats_is_a_usage_error() {
    for args in [
        vec!["run", "--out", "-"],
        vec!["run", "--out", "-", "--format", "csv,json"],
    ] {
        let assert = themeline().args(&args).assert().code(2);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(err.contains("writes one format to stdout"), "{err}");
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    // `themeline run --out - --format ndjson | head -c 100`, with output far
    // beyond a pipe's buffer, so the writes after the reader leaves must fail.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("themeline"))
        .current_dir(root())
        .args([
            "run", "--out", "-", "--format", "ndjson", "--top", "0", "--window", "1m", "--step",
            "10s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"index\":0,"), "{first}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert_eq!(err, "", "nothing on stderr: no error, and no summary");
}

#[test]
fn head_of_csv_on_stdout_exits_zero() {
    let shell = format!(
        "set -o pipefail; '{}' run --out - --format csv | head -1",
        assert_cmd::cargo::cargo_bin("themeline").display()
    );
    let output = std::process::Command::new("bash")
        .current_dir(root())
        .args(["-c", &shell])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "window,start,end,rank,term,label,score,count\n"
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn quiet_prints_nothing_and_a_run_ends_with_its_summary() {
    let out = tempfile::tempdir().unwrap();
    let assert = themeline()
        .args(["run", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert!(assert.get_output().stdout.is_empty());
    assert!(assert.get_output().stderr.is_empty());
    let err = stderr(themeline().args(["run", "--out"]).arg(out.path()));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    let summary = lines[0];
    for part in [
        "themeline: 1 input(s)",
        "573 segments",
        "2825 tokens",
        "13 windows in ",
        "s; wrote ",
        "timeline.json",
    ] {
        assert!(summary.contains(part), "{part:?} not in {summary}");
    }
    // quiet from the environment, too.
    let assert = themeline()
        .env("THEMELINE_QUIET", "true")
        .args(["run", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert!(assert.get_output().stderr.is_empty());
}

#[test]
fn progress_off_a_terminal_is_plain_log_lines() {
    let out = tempfile::tempdir().unwrap();
    let err = stderr(
        themeline()
            .args([
                "run",
                "--progress-interval",
                "1ms",
                "--window",
                "1m",
                "--step",
                "10s",
            ])
            .args(["--top", "0", "--out"])
            .arg(out.path()),
    );
    assert!(
        !err.contains('\x1b'),
        "an escape code on a non-terminal: {err:?}"
    );
    assert!(
        !err.contains('\r'),
        "a carriage return on a non-terminal: {err:?}"
    );
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() >= 2, "{err}");
    assert!(lines.iter().all(|l| l.starts_with("themeline: ")), "{err}");
    let progress: Vec<&&str> = lines.iter().filter(|l| l.contains("s: ")).collect();
    assert!(!progress.is_empty(), "no progress line in {err}");
    // Each progress line names a stage in words, never an internal id.
    let stages = [
        "starting",
        "reading inputs",
        "laying out windows",
        "finding boilerplate",
        "finding phrases",
        "counting terms",
        "measuring themes",
        "scoring",
        "finding shifts",
        "finding chapters",
        "writing outputs",
    ];
    for line in &progress {
        let said = line.split_once("s: ").unwrap().1;
        assert!(
            stages.iter().any(|s| said.starts_with(s)),
            "unnamed stage in {line:?}"
        );
    }
    assert!(lines.last().unwrap().contains("windows in "), "{err}");
    // --quiet silences progress too.
    let assert = themeline()
        .args(["run", "-q", "--progress-interval", "1ms", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert!(assert.get_output().stderr.is_empty());
}

#[test]
fn config_show_reads_back_and_layers_file_env_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let shown = stdout(themeline().args(["config", "show"]));
    assert!(shown.contains("window = \"auto\"  # default\n"), "{shown}");
    // The demo lexicon comes from the bundled data's own file, and says so.
    assert!(
        shown.contains("themes = \"data/themes/cloud-native.toml\"  # data/themeline.toml\n"),
        "{shown}"
    );
    assert!(shown.contains("# layer: data/themeline.toml\n"), "{shown}");
    // The printed file, saved as themeline.toml in the working directory (paths
    // are relative to it), reads back to the same options, now from that file.
    std::fs::write(dir.path().join("themeline.toml"), &shown).unwrap();
    let again = stdout(themeline().current_dir(dir.path()).args(["config", "show"]));
    assert_eq!(settled(&again), settled(&shown));
    assert!(
        again.contains("themes = \"data/themes/cloud-native.toml\"  # themeline.toml\n"),
        "{again}"
    );
    let dir = tempfile::tempdir().unwrap();

    // defaults < file < environment < flags, one name in each.
    let config = dir.path().join("themeline.toml");
    std::fs::write(&config, "window = \"10m\"\ntop = 4\nmin-count = 3\n").unwrap();
    let show = |env: &[(&str, &str)], flags: &[&str]| {
        let mut cmd = themeline();
        cmd.arg("--config").arg(&config).args(["config", "show"]);
        cmd.args(flags);
        for (name, value) in env {
            cmd.env(name, value);
        }
        settled(&stdout(&mut cmd))
    };
    let file_only = show(&[], &[]);
    assert!(file_only.contains("window = \"10m\"\n") && file_only.contains("top = 4\n"));
    assert!(
        file_only.contains("tf = \"auto\"\n"),
        "defaults fill the rest"
    );
    let env = show(
        &[("THEMELINE_WINDOW", "2m"), ("THEMELINE_MIN_COUNT", "5")],
        &[],
    );
    assert!(env.contains("window = \"2m\"\n") && env.contains("min-count = 5\n"));
    assert!(
        env.contains("top = 4\n"),
        "the file still counts where the environment is silent"
    );
    let flags = show(
        &[("THEMELINE_WINDOW", "2m")],
        &["--window", "1m", "--top", "7"],
    );
    assert!(flags.contains("window = \"1m\"\n") && flags.contains("top = 7\n"));
    // Lists, output formats and paths from the environment.
    let lists = show(
        &[
            ("THEMELINE_ALIASES", "cloud-native"),
            ("THEMELINE_FORMAT", "csv,ndjson"),
            ("THEMELINE_PHRASE", r#"["service mesh", "supply chain"]"#),
            ("THEMELINE_OUT", "-"),
        ],
        &[],
    );
    assert!(lists.contains("aliases = [\"cloud-native\"]\n"), "{lists}");
    assert!(
        lists.contains("format = [\"csv\", \"ndjson\"]\n"),
        "{lists}"
    );
    assert!(lists.contains("phrase = [\"service mesh\", \"supply chain\"]\n"));
    assert!(lists.contains("out = \"-\"\n"));
    // JSON, for programs.
    let json: serde_json::Value = serde_json::from_str(&show(&[], &["--json"])).unwrap();
    assert_eq!(json["window"], "10m");
    assert_eq!(json["step"], serde_json::Value::Null);
}

#[test]
fn every_file_option_has_an_environment_variable_and_a_flag() {
    let keys = themeline::config_file::ConfigFile::keys();
    assert!(keys.len() > 45, "{keys:?}");
    let help = stdout(themeline().args(["run", "--help"]));
    for key in &keys {
        if key == "inputs" {
            continue;
        }
        assert!(help.contains(&format!("--{key}")), "no flag --{key}");
        let name = themeline::config_file::ConfigFile::env_name(key);
        assert!(
            name.chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        );
        // The variable is an option: it may be a bad value, but not an unknown name.
        let output = themeline()
            .env(&name, "[[")
            .args(["config", "show"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(!err.contains("not an option"), "{key}: {err}");
    }
}

#[test]
fn unknown_options_are_errors_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("themeline.toml");
    std::fs::write(&config, "top = 3\nwindw = \"5m\"\n").unwrap();
    let assert = themeline()
        .arg("--config")
        .arg(&config)
        .args(["run", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("themeline.toml"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("unknown field `windw`"), "{err}");
    let assert = themeline()
        .env("THEMELINE_WINDOWS", "2m")
        .args(["config", "show"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("THEMELINE_WINDOWS: not an option"), "{err}");
    assert!(err.contains("did you mean THEMELINE_WINDOW?"), "{err}");
}

#[test]
fn the_environment_can_name_or_skip_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("other.toml");
    std::fs::write(&config, "top = 2\n").unwrap();
    let shown = stdout(
        themeline()
            .env("THEMELINE_CONFIG", &config)
            .args(["config", "show"]),
    );
    assert!(settled(&shown).contains("top = 2\n"), "{shown}");
    assert!(
        shown.contains("other.toml\n"),
        "the layer is named: {shown}"
    );
    let shown = stdout(
        themeline()
            .env("THEMELINE_NO_CONFIG", "1")
            .args(["config", "show"]),
    );
    assert!(!shown.contains("themes ="), "{shown}");
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_themeline()"),
        ("zsh", "#compdef themeline"),
        ("fish", "complete -c themeline"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[themeline]"),
    ] {
        let script = stdout(themeline().args(["completions", shell]));
        assert!(script.contains(marker), "{shell}: {marker} missing");
        assert!(
            script.contains("--window"),
            "{shell}: run's options missing"
        );
    }
}

/// `config show` output without its provenance: the header and layer lines
/// dropped and each option's trailing `  # <layer>` comment cut, so two runs
/// whose options agree compare equal wherever the options came from.
fn settled(shown: &str) -> String {
    shown
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| match line.rfind("  # ") {
            Some(at) => format!("{}\n", &line[..at]),
            None => format!("{line}\n"),
        })
        .collect()
}

#[test]
fn the_demo_config_applies_only_to_runs_on_the_bundled_data() {
    // From the repository root, a run on any other file must not pick up the
    // lexicon and aliases written for the bundled webinar.
    let shown = stdout(themeline().args(["config", "show", "tests/fixtures/messy-transcript.txt"]));
    assert!(!shown.contains("data/themeline.toml"), "{shown}");
    assert!(shown.contains("aliases = []  # default\n"), "{shown}");
    assert!(!shown.contains("\nthemes = "), "{shown}");
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args([
            "run",
            "-q",
            "tests/fixtures/kubecon-rolling.vtt",
            "--format",
            "json",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let timeline: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("timeline.json")).unwrap()).unwrap();
    let options = &timeline["meta"]["options"];
    assert_eq!(options["aliases"], serde_json::json!([]), "{options}");
    assert!(options["themes"].is_null(), "{options}");
    assert!(
        !timeline["meta"]["statistics"]["discovery"]
            .as_array()
            .unwrap()
            .is_empty(),
        "without the lexicon the themes are discovered"
    );
    // The same file inside data/ gets the demo's options.
    let shown = stdout(themeline().args(["config", "show", "data/kubecon-eu-2024-recap.txt"]));
    assert!(shown.contains("# layer: data/themeline.toml\n"), "{shown}");
}
