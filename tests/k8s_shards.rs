//! The Kubernetes example (`examples/k8s/`): its manifest runs `shard.sh` in
//! Indexed Jobs, and `shard.sh`, run as the pods run it (one call per
//! `JOB_COMPLETION_INDEX`), reproduces `themeline run` byte for byte.
//!
//! No cluster, no Spark, no network: the manifest is checked as text, and the
//! pods' script runs through `bash` on the thirteen addresses in
//! `tests/fixtures/sotu/`. (`examples/k8s/validate_manifest.py` checks the YAML
//! with a parser, and `examples/k8s/simulate.sh` runs the same loop on the whole
//! corpus; neither is run here.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::root;

fn k8s(name: &str) -> PathBuf {
    root().join("examples/k8s").join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `KEY=VALUE` lines of `shard.env`, the pods' environment.
fn shard_env() -> Vec<(String, String)> {
    read(&k8s("shard.env"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, value) = l.split_once('=').expect("KEY=VALUE");
            (key.to_string(), value.to_string())
        })
        .collect()
}

fn env_value(key: &str) -> String {
    shard_env()
        .into_iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("shard.env sets no {key}"))
        .1
}

/// The thirteen fixture addresses, sorted by name, as absolute paths.
fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/sotu"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// A pod's environment outside Kubernetes: the list of inputs and the work
/// folder are local; the options are shard.env's unless given.
struct Pods {
    list: PathBuf,
    work: PathBuf,
    shards: usize,
    options: String,
}

impl Pods {
    fn new(dir: &Path, files: &[PathBuf], shards: usize) -> Pods {
        let list = dir.join("inputs.txt");
        let mut text = String::from("# inputs, in reading order\n");
        for file in files {
            text.push_str(&format!("{}\n", file.display()));
        }
        std::fs::write(&list, text).unwrap();
        Pods {
            list,
            work: dir.join("work"),
            shards,
            options: env_value("SHARD_OPTIONS"),
        }
    }

    /// `bash shard.sh ARGS` as the pod with `index` runs it.
    fn run(&self, index: Option<usize>, args: &[&str]) -> Output {
        let mut cmd = Command::new("bash");
        cmd.arg(k8s("shard.sh"))
            .args(args)
            .env("SHARDS", self.shards.to_string())
            .env("INPUT_LIST", &self.list)
            .env("WORK", &self.work)
            .env("SHARD_OPTIONS", &self.options)
            .env("THEMELINE", env!("CARGO_BIN_EXE_themeline"))
            .env("WAIT_SECONDS", "0")
            .env_remove("JOB_COMPLETION_INDEX");
        if let Some(i) = index {
            cmd.env("JOB_COMPLETION_INDEX", i.to_string());
        }
        cmd.output().expect("bash runs")
    }

    fn ok(&self, index: Option<usize>, args: &[&str]) -> String {
        let out = self.run(index, args);
        assert!(
            out.status.success(),
            "shard.sh {args:?} (index {index:?}) failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn refused(&self, index: Option<usize>, args: &[&str]) -> String {
        let out = self.run(index, args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "shard.sh {args:?} (index {index:?}) should be refused"
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// The Jobs of count-job.yaml in order, each pod's init container and then
    /// its container, every index of the Indexed Jobs.
    fn run_the_jobs(&self) {
        for i in 0..self.shards {
            self.ok(Some(i), &["passages"]);
        }
        self.ok(None, &["wait", "passages"]);
        self.ok(None, &["boilerplate"]);
        for i in 0..self.shards {
            self.ok(Some(i), &["wait", "boilerplate"]);
            self.ok(Some(i), &["mine"]);
        }
        self.ok(None, &["wait", "mine"]);
        self.ok(None, &["select"]);
        for i in 0..self.shards {
            self.ok(Some(i), &["wait", "select"]);
            self.ok(Some(i), &["count"]);
        }
        self.ok(None, &["wait", "count"]);
        self.ok(None, &["merge"]);
    }
}

#[test]
fn the_manifest_runs_shard_sh_in_indexed_jobs_of_shard_env_size() {
    let manifest = read(&k8s("count-job.yaml"));
    let shards = env_value("SHARDS");
    // Three Indexed Jobs (passages, mine, count), each with completions =
    // SHARDS; the boilerplate, select and merge Jobs run once.
    let indexed = manifest.matches("completionMode: Indexed").count();
    assert_eq!(indexed, 3, "passages, mine and count are Indexed Jobs");
    let completions: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("completions: "))
        .collect();
    let n = shards.as_str();
    assert_eq!(completions, [n, "1", n, "1", n, "1"]);
    let parallelism: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("parallelism: "))
        .collect();
    assert_eq!(parallelism.len(), 6);
    // Every container runs shard.sh, in this order: passages; wait for
    // passages, boilerplate; wait for boilerplate, mine; wait for mine, select;
    // wait for select, count; wait for count, merge.
    let commands: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("command: "))
        .collect();
    let script = r#"["bash", "/etc/themeline/shard.sh", "#;
    let expected: Vec<String> = [
        r#""passages"]"#,
        r#""wait", "passages"]"#,
        r#""boilerplate"]"#,
        r#""wait", "boilerplate"]"#,
        r#""mine"]"#,
        r#""wait", "mine"]"#,
        r#""select"]"#,
        r#""wait", "select"]"#,
        r#""count"]"#,
        r#""wait", "count"]"#,
        r#""merge"]"#,
    ]
    .iter()
    .map(|tail| format!("{script}{tail}"))
    .collect();
    assert_eq!(commands, expected);
    assert_eq!(
        manifest.matches("name: themeline-env").count(),
        commands.len(),
        "every container gets shard.env's environment"
    );
    assert!(manifest.contains("claimName: themeline-work"));
    // The pods' shard is the one Kubernetes names, and their script and
    // environment are made from the files the tests run.
    assert!(read(&k8s("shard.sh")).contains("$JOB_COMPLETION_INDEX"));
    let kustomization = read(&k8s("kustomization.yaml"));
    for file in ["count-job.yaml", "shard.sh", "inputs.txt", "shard.env"] {
        assert!(kustomization.contains(&format!("- {file}")), "{file}");
        assert!(k8s(file).is_file(), "{file}");
    }
    assert_eq!(env_value("INPUT_LIST"), "/etc/themeline/inputs.txt");
    assert!(env_value("WORK").starts_with("/work/"));
}

#[test]
fn shards_are_contiguous_non_empty_and_cover_the_list_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixture_files();
    assert_eq!(files.len(), 13);
    let all: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    for shards in [1, 2, 4, 5, 13] {
        let pods = Pods::new(dir.path(), &files, shards);
        let mut seen: Vec<String> = Vec::new();
        for i in 0..shards {
            let listed: Vec<String> = pods
                .ok(Some(i), &["files"])
                .lines()
                .map(str::to_string)
                .collect();
            assert!(!listed.is_empty(), "shard {i} of {shards} is empty");
            // Sizes differ by at most one: i*n/N .. (i+1)*n/N.
            assert_eq!(
                listed.len(),
                (i + 1) * 13 / shards - i * 13 / shards,
                "{shards} shards"
            );
            seen.extend(listed);
        }
        assert_eq!(seen, all, "{shards} shards, in index order, are the list");
    }
}

#[test]
fn shard_settings_that_cannot_work_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixture_files();
    let pods = Pods::new(dir.path(), &files, 14);
    assert!(
        pods.refused(Some(0), &["files"])
            .contains("13 input files cannot make 14 non-empty shards")
    );
    let pods = Pods::new(dir.path(), &files, 4);
    assert!(
        pods.refused(None, &["passages"])
            .contains("JOB_COMPLETION_INDEX")
    );
    assert!(
        pods.refused(Some(4), &["passages"])
            .contains("must be 0 to 3")
    );
    // The next phase refuses to start before the last one has finished.
    assert!(
        pods.refused(None, &["boilerplate"])
            .contains("pass-0000.json is missing")
    );
    assert!(
        pods.refused(Some(0), &["mine"])
            .contains("passages.json is missing")
    );
    assert!(
        pods.refused(None, &["wait", "passages"])
            .contains("gave up waiting")
    );
    pods.ok(Some(0), &["passages"]);
    assert!(
        pods.refused(None, &["boilerplate"])
            .contains("pass-0001.json is missing")
    );
    assert!(
        pods.refused(None, &["select"])
            .contains("cand-0000.json is missing")
    );
}

#[test]
fn the_pods_of_the_manifest_merge_to_the_run_byte_for_byte() {
    let files = fixture_files();
    let shards: usize = env_value("SHARDS").parse().unwrap();
    // As many shards as the manifest has, and a number that does not divide 13.
    for shards in [shards, 5] {
        let dir = tempfile::tempdir().unwrap();
        let pods = Pods::new(dir.path(), &files, shards);
        pods.run_the_jobs();
        let single = dir.path().join("single");
        let status = Command::new(env!("CARGO_BIN_EXE_themeline"))
            .arg("run")
            .args(&files)
            .arg("--out")
            .arg(&single)
            .args(pods.options.split(' '))
            .status()
            .unwrap();
        assert!(status.success());
        let merged = pods.work.join("out");
        let mut names: Vec<String> = std::fs::read_dir(&single)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let expected: usize = themeline::emit::OutputFormat::DEFAULT
            .iter()
            .map(|f| f.files().len())
            .sum();
        assert_eq!(names.len(), expected, "{names:?}");
        for name in &names {
            assert!(
                std::fs::read(single.join(name)).unwrap()
                    == std::fs::read(merged.join(name)).unwrap(),
                "{name} differs between the run and the merge of {shards} pods"
            );
        }
        // Every shard's files, named by index, are on the shared volume.
        for i in 0..shards {
            assert!(pods.work.join(format!("pass-{i:04}.json")).is_file());
            assert!(pods.work.join(format!("cand-{i:04}.json")).is_file());
            assert!(pods.work.join(format!("counts-{i:04}.json")).is_file());
        }
    }
}
