//! Fuzzes the aws_transcribe reader: arbitrary bytes, read as this format, must never panic
//! and must account for every line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use themeline::ingest::Format;

fuzz_target!(|data: &[u8]| themeline_fuzz::check_reader(Some(Format::AwsTranscribe), data));
