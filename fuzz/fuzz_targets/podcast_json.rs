//! Fuzzes the podcast_json reader: arbitrary bytes, read as this format, must never panic
//! and must account for every line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use themeline::ingest::Format;

fuzz_target!(|data: &[u8]| themeline_fuzz::check_reader(Some(Format::PodcastJson), data));
