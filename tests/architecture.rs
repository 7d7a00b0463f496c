//! The arrows between modules, read from `src/`: the rules ARCHITECTURE.md draws.
//!
//! - `time` and `progress` import nothing of the crate;
//! - a stage imports neither the options (`config`, `config_file`), the pipeline,
//!   the output model, shards, schemas, emit, the CLI nor the crate's error;
//! - `emit` imports only the output model (`timeline`) and `time`;
//! - the CLI drives the pipeline and never imports a stage;
//! - no import cycle between modules, other than a parent and its children.
//!
//! Imports are read from `use crate::...` paths and `crate::...` paths in code
//! (`themeline::...` in the binary), without their test modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common;
use common::root;

/// The stages of the pipeline.
const STAGES: &[&str] = &[
    "ingest", "tokenize", "stem", "window", "count", "score", "theme", "segment", "shift",
];

/// What no stage may import.
const ABOVE_STAGES: &[&str] = &[
    "config",
    "config_file",
    "pipeline",
    "timeline",
    "shard",
    "schema",
    "emit",
    "cli",
    "error",
    "Error",
];

/// A source file as a module path (`pipeline::passes`, `cli::args`).
fn module_of(file: &Path, src: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

/// The code of a file without its test module (which, by convention, comes last)
/// and without comments, whose links are no imports.
fn code(text: &str) -> String {
    let text = text.find("\n#[cfg(test)]").map_or(text, |at| &text[..at]);
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the crate root re-exports (`pub use timeline::Timeline;`): item → module.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = item.trim().rsplit("::").next().unwrap_or("").to_string();
            if !name.is_empty() {
                exports.insert(name, module.to_string());
            }
        }
    }
    exports
}

/// Every `root::a::b` path in `code` (`root` is `crate` or `themeline`), as its
/// segments; `use root::{a, b::c}` groups give one path per member.
fn paths(code: &str, root: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let needle = format!("{root}::");
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find(&needle).map(|i| i + from) {
        from = at + needle.len();
        // A whole word: not `mycrate::`.
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let rest = &code[from..];
        let prefix = segments_of(rest);
        let after = &rest[rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len())..];
        match after.strip_prefix('{') {
            // `root::a::{b, c::d}`: one path per member.
            Some(group) => {
                let end = group.find('}').unwrap_or(group.len());
                for member in group[..end].split(',') {
                    let mut segments = prefix.clone();
                    segments.extend(
                        segments_of(member.trim())
                            .into_iter()
                            .filter(|s| s != "self"),
                    );
                    if !segments.is_empty() {
                        found.push(segments);
                    }
                }
            }
            None if !prefix.is_empty() => found.push(prefix),
            None => {}
        }
    }
    found
}

/// The leading `a::b::c` of `text`.
fn segments_of(text: &str) -> Vec<String> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    text[..end]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

struct Source {
    module: Vec<String>,
    file: PathBuf,
    /// Modules it imports, as module paths.
    imports: BTreeSet<Vec<String>>,
}

/// Every source file with the modules it imports (resolved to the longest module
/// path that exists).
fn sources() -> Vec<Source> {
    let src = root().join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f, &src)).collect();
    let exports = root_exports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let resolve = |segments: &[String]| -> Vec<String> {
        if let Some(module) = exports.get(&segments[0]) {
            return vec![module.clone()];
        }
        (1..=segments.len())
            .rev()
            .map(|n| segments[..n].to_vec())
            .find(|prefix| modules.contains(prefix))
            .unwrap_or_else(|| segments[..1].to_vec())
    };
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let module = module_of(file, &src);
            let in_binary = module.first().is_some_and(|m| m == "cli")
                || module.is_empty() && file.ends_with("main.rs");
            let root = if in_binary { "themeline" } else { "crate" };
            let imports = paths(&code(&text), root)
                .iter()
                .map(|segments| resolve(segments))
                .filter(|target| *target != module)
                .collect();
            Source {
                module,
                file: file.clone(),
                imports,
            }
        })
        .filter(|s| !s.file.ends_with("pipeline/tests.rs"))
        .collect()
}

fn top(module: &[String]) -> &str {
    module.first().map_or("", String::as_str)
}

#[test]
fn the_reader_sees_the_imports_it_should() {
    let found = paths(
        "use crate::time::{Millis, Span};\nlet x = crate::window::token_time(a);\nuse mycrate::x;",
        "crate",
    );
    assert_eq!(
        found,
        [
            vec!["time".to_string(), "Millis".to_string()],
            vec!["time".to_string(), "Span".to_string()],
            vec!["window".to_string(), "token_time".to_string()],
        ]
    );
    let sources = sources();
    let passes = sources
        .iter()
        .find(|s| s.module == ["pipeline", "passes"])
        .expect("pipeline/passes.rs is read");
    assert!(
        passes
            .imports
            .contains(&vec!["count".to_string(), "claim".to_string()])
    );
    assert!(sources.len() > 40, "{} files", sources.len());
}

#[test]
fn time_and_progress_stand_on_nothing() {
    for source in sources() {
        if matches!(top(&source.module), "time" | "progress") {
            assert!(
                source.imports.is_empty(),
                "{} imports {:?}",
                source.file.display(),
                source.imports
            );
        }
    }
}

#[test]
fn stages_import_neither_options_nor_pipeline_nor_outputs() {
    for source in sources() {
        if !STAGES.contains(&top(&source.module)) {
            continue;
        }
        for import in &source.imports {
            assert!(
                !ABOVE_STAGES.contains(&top(import)),
                "{} (a stage) imports {}",
                source.file.display(),
                import.join("::")
            );
        }
    }
}

#[test]
fn emit_reads_only_the_output_model_and_time() {
    for source in sources() {
        if top(&source.module) != "emit" {
            continue;
        }
        for import in &source.imports {
            assert!(
                matches!(top(import), "emit" | "timeline" | "time"),
                "{} imports {}",
                source.file.display(),
                import.join("::")
            );
        }
    }
}

#[test]
fn the_cli_drives_the_pipeline_not_the_stages() {
    let cli: Vec<Source> = sources()
        .into_iter()
        .filter(|s| top(&s.module) == "cli")
        .collect();
    assert!(cli.len() >= 3, "the CLI has its own rooms");
    for source in cli {
        for import in &source.imports {
            assert!(
                !STAGES.contains(&top(import)),
                "{} imports the stage module {}",
                source.file.display(),
                import.join("::")
            );
        }
    }
}

#[test]
fn no_import_cycles_between_modules() {
    let sources = sources();
    // Edges between modules, leaving out a module and its own parents or
    // children, which may use each other.
    let related = |a: &[String], b: &[String]| a.starts_with(b) || b.starts_with(a);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for source in &sources {
        for import in &source.imports {
            if !related(&source.module, import) {
                edges
                    .entry(source.module.clone())
                    .or_default()
                    .insert(import.clone());
            }
        }
    }
    // Also between top-level modules: `config` must not reach `emit` through a
    // child when `emit` reaches `config`.
    let mut tops: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in &edges {
        for target in to {
            if top(from) != top(target) {
                tops.entry(top(from).to_string())
                    .or_default()
                    .insert(top(target).to_string());
            }
        }
    }
    let tops: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = tops
        .into_iter()
        .map(|(k, v)| (vec![k], v.into_iter().map(|t| vec![t]).collect()))
        .collect();
    for graph in [&edges, &tops] {
        if let Some(cycle) = find_cycle(graph) {
            let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
            panic!("import cycle: {}", names.join(" -> "));
        }
    }
}

/// A cycle of `graph`, if it has one (depth-first search).
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        marks: &mut BTreeMap<Vec<String>, Mark>,
        path: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| n == node).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(node.clone());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.clone(), Mark::Open);
        path.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(vec![a.to_string()])
                .or_default()
                .insert(vec![b.to_string()]);
        }
        g
    };
    assert!(find_cycle(&graph(&[("a", "b"), ("b", "c")])).is_none());
    let cycle = find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])).unwrap();
    assert_eq!(cycle.len(), 4);
}
