//! Fuzzes the whole pipeline: arbitrary bytes, format detected from content, then
//! tokenize, stem, window, count and score. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| themeline_fuzz::check_pipeline(data));
