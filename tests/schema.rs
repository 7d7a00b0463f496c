//! The JSON Schemas of `themeline schema` against the files themeline writes,
//! checked with an independent validator (the `jsonschema` crate): the committed
//! default output, a dated per-source run, every line of timeline.ndjson, the
//! shard files of `count`, `passages`, `mine` and `select`, and `themeline.toml`.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{root, themeline};

/// The schema `themeline schema NAME` prints.
fn schema(name: &str) -> Value {
    let assert = themeline().args(["schema", name]).assert().success();
    serde_json::from_slice(&assert.get_output().stdout).unwrap()
}

/// A JSON file, or a gzip-compressed one (shards of counts, passages and candidates).
fn json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return serde_json::from_reader(flate2::read::GzDecoder::new(bytes.as_slice())).unwrap();
    }
    serde_json::from_slice(&bytes).unwrap()
}

/// Fails with every validation error, each with its place in the instance.
fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("the schema is a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_default_output_matches_the_timeline_schema() {
    let timeline = json(&root().join("output/timeline.json"));
    assert_valid(&schema("timeline"), &timeline, "output/timeline.json");
    // The schema is strict enough to notice a wrong layout.
    let validator = jsonschema::validator_for(&schema("timeline")).unwrap();
    let mut wrong = timeline.clone();
    wrong["schema_version"] = 0.into();
    assert!(!validator.is_valid(&wrong));
    let mut wrong = timeline.clone();
    wrong["windows"][0]["start_ms"] = "0".into();
    assert!(!validator.is_valid(&wrong));
    let mut wrong = timeline;
    wrong["shifts"][0]["kind"] = "sideways".into();
    assert!(!validator.is_valid(&wrong));
}

#[test]
fn dated_per_source_runs_and_ndjson_lines_match_their_schemas() {
    let out = tempfile::tempdir().unwrap();
    themeline()
        .args([
            "run",
            "tests/fixtures/sotu",
            "tests/fixtures/kubecon-youtube.json",
            "--no-config",
            "--quiet",
            "--start",
            "1850-01-01",
            "--window",
            "decade",
            "--group-by",
            "source",
            "--format",
            "json,ndjson",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let timeline = json(&out.path().join("timeline.json"));
    assert_eq!(timeline["meta"]["time_axis"], "instant");
    assert_valid(
        &schema("timeline"),
        &timeline,
        "a dated per-source timeline.json",
    );
    let window = schema("window");
    let text = std::fs::read_to_string(out.path().join("timeline.ndjson")).unwrap();
    assert_eq!(
        text.lines().count(),
        timeline["windows"].as_array().unwrap().len()
    );
    for (n, line) in text.lines().enumerate() {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_valid(&window, &value, &format!("timeline.ndjson line {}", n + 1));
    }
}

#[test]
fn shards_candidates_and_phrase_lists_match_their_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name);
    // Dated addresses, enough of them for boilerplate passages.
    let inputs = "tests/fixtures/jefferson";
    let path = |name: &str| file(name).display().to_string();
    let step = |args: &[&str]| {
        themeline()
            .args(args)
            .args(["--quiet", "--window", "year", "--no-config"])
            .assert()
            .success();
    };
    step(&["passages", inputs, "--out", &path("passages.json")]);
    step(&[
        "select",
        &path("passages.json"),
        "--out",
        &path("boilerplate.json"),
    ]);
    let list = path("boilerplate.json");
    step(&[
        "mine",
        inputs,
        "--phrase-list",
        &list,
        "--out",
        &path("candidates.json"),
    ]);
    step(&[
        "select",
        &path("candidates.json"),
        "--out",
        &path("phrases.json"),
    ]);
    let list = path("phrases.json");
    step(&[
        "count",
        inputs,
        "--phrase-list",
        &list,
        "--out",
        &path("shard.json"),
    ]);
    for (name, file_name) in [
        ("passages", "passages.json"),
        ("phrases", "boilerplate.json"),
        ("candidates", "candidates.json"),
        ("phrases", "phrases.json"),
        ("shard", "shard.json"),
    ] {
        assert_valid(&schema(name), &json(&file(file_name)), file_name);
    }
    let list = json(&file("phrases.json"));
    assert_eq!(list["passages"]["boilerplate"].as_array().unwrap().len(), 1);
    assert!(json(&file("boilerplate.json")).get("phrases").is_none());
    // A shard is not a candidate file, nor a passage file.
    let shard = json(&file("shard.json"));
    for other in ["candidates", "passages"] {
        let validator = jsonschema::validator_for(&schema(other)).unwrap();
        assert!(!validator.is_valid(&shard), "{other}");
    }
    // A passage hash is sixteen hexadecimal digits.
    let validator = jsonschema::validator_for(&schema("passages")).unwrap();
    let mut wrong = json(&file("passages.json"));
    wrong["passages"][0]["hashes"][0] = "123".into();
    assert!(!validator.is_valid(&wrong));
}

#[test]
fn the_config_file_matches_the_config_schema() {
    let text = std::fs::read_to_string(root().join("data/themeline.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let value = serde_json::to_value(value).unwrap();
    let schema = schema("config");
    assert_valid(&schema, &value, "themeline.toml");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut wrong = value;
    wrong["windw"] = "5m".into();
    assert!(!validator.is_valid(&wrong), "unknown keys are refused");
}
