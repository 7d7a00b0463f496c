//! Criterion micro-benchmarks of each pipeline stage, through the public library API.
//!
//! ```sh
//! cargo bench --bench stages                # all stages, every input found
//! cargo bench --bench stages -- --quick     # fewer samples
//! cargo bench --bench stages -- bundled/    # only the bundled transcript
//! ```
//!
//! Inputs: the bundled transcript (`data/kubecon-eu-2024-recap.txt`, 63 kB) and,
//! when it exists, the 10 MB generated corpus `bench-data/corpus-10MB.txt` (made by
//! `scripts/bench.sh` or `scripts/gen_corpus.py 10MB bench-data/corpus-10MB.txt`);
//! `THEMELINE_BENCH_CORPUS=FILE` benchmarks FILE instead of the 10 MB corpus.
//!
//! Every stage reports its throughput over the input's bytes, so the stages' MB/s
//! compare directly. The options are those of the full run in `scripts/bench.sh`
//! (`--aliases cloud-native --themes cloud-native --window 5m --top 20`, phrases
//! mined); `count-no-phrases` and `run-tfidf` use `--phrases off --discover 0`, the
//! tokenize-stem-TF-IDF-top-k path. Stages that run in parallel (count, run) use
//! the pipeline's own threads, one per core.
//!
//! | bench | what one iteration does |
//! | --- | --- |
//! | `ingest` | `Pipeline::read_text`: parse the transcript into segments |
//! | `tokenize` | `Analyzer::tokens` over every segment (aliases, protected tokens, filters, stems) |
//! | `stem` | `StemCache::stem` on every kept token, starting from an empty cache |
//! | `count` | `Pipeline::count`: plan, mine phrases, tokenize, stem, window and count in parallel |
//! | `count-no-phrases` | the same with phrase mining off |
//! | `score` | `Scorer::score`: TF-IDF of every term in every window |
//! | `run` | `Pipeline::run_text`: every stage after reading the file, outputs not written |
//! | `run-tfidf` | `Pipeline::run_text` with phrases off and no themes |

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use themeline::stem::{Language, StemCache};
use themeline::tokenize::phrases::PhraseMode;
use themeline::tokenize::{Analyzer, TokenStats};
use themeline::{Config, Pipeline};

const BUNDLED: &str = include_str!("../data/kubecon-eu-2024-recap.txt");

/// The options of `scripts/bench.sh`'s full run.
fn full_config() -> Config {
    Config {
        aliases: vec!["cloud-native".into()],
        themes: Some("cloud-native".into()),
        top: 20,
        ..Config::default()
    }
}

/// The tokenize-stem-TF-IDF-top-k path: no phrases, no themes.
fn tfidf_config() -> Config {
    Config {
        phrases: PhraseMode::Off,
        discover: Some(0),
        top: 20,
        ..Config::default()
    }
}

/// The inputs to benchmark: (name, text).
fn inputs() -> Vec<(String, String)> {
    let mut inputs = vec![("bundled".to_string(), BUNDLED.to_string())];
    let large = std::env::var_os("THEMELINE_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data/corpus-10MB.txt")
        });
    match std::fs::read_to_string(&large) {
        Ok(text) => {
            let name = large.file_stem().map_or_else(
                || "corpus".to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
            inputs.push((name, text));
        }
        Err(e) => eprintln!(
            "stages: skipping {} ({e}); scripts/bench.sh generates it",
            large.display()
        ),
    }
    inputs
}

fn stages(c: &mut Criterion) {
    let full = Pipeline::new(full_config()).expect("full options are valid");
    let tfidf = Pipeline::new(tfidf_config()).expect("TF-IDF options are valid");
    let analyzer = Analyzer::for_language(&full.config().analyzer_options(), Language::English)
        .expect("analyzer options");
    for (name, text) in inputs() {
        let file = format!("{name}.txt");
        let large = text.len() > 1_000_000;
        let mut group = c.benchmark_group(&name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        if large {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(20));
        }

        group.bench_function("ingest", |b| {
            b.iter(|| full.read_text(&file, black_box(&text)).expect("ingest"))
        });

        let corpus = full.read_text(&file, &text).expect("ingest");
        // In-memory text: every segment is held.
        let segments = &corpus.ingested().segments[..];

        group.bench_function("tokenize", |b| {
            b.iter(|| {
                let mut stats = TokenStats::default();
                for segment in segments {
                    analyzer.tokens(&segment.text, &mut stats, |token| {
                        black_box(token);
                    });
                }
                stats
            })
        });

        let mut words = Vec::new();
        for segment in segments {
            analyzer.tokens(&segment.text, &mut TokenStats::default(), |token| {
                if !token.protected {
                    words.push(token.text.clone());
                }
            });
        }
        group.bench_function("stem", |b| {
            b.iter(|| {
                let mut stems = StemCache::new(Language::English);
                for word in &words {
                    black_box(stems.stem(word));
                }
                stems.len()
            })
        });

        group.bench_function("count", |b| {
            b.iter(|| full.count(corpus.clone()).expect("count"))
        });
        group.bench_function("count-no-phrases", |b| {
            b.iter(|| tfidf.count(corpus.clone()).expect("count"))
        });

        let shard = full.count(corpus.clone()).expect("count");
        let counts = &shard.counted.groups[0].counts;
        let scorer = full.config().scorer();
        let min_count = full.config().min_count;
        group.bench_function("score", |b| {
            b.iter(|| scorer.score(black_box(counts), min_count))
        });

        group.bench_function("run", |b| {
            b.iter(|| full.run_text(&file, black_box(&text)).expect("run"))
        });
        group.bench_function("run-tfidf", |b| {
            b.iter(|| tfidf.run_text(&file, black_box(&text)).expect("run"))
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
