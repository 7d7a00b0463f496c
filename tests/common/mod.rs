//! Helpers shared by the end-to-end tests. Each test file is its own crate and
//! uses only some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root, where `data/` and `output/` are.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `themeline` binary, run from the repository root.
pub fn themeline() -> Command {
    let mut cmd = Command::cargo_bin("themeline").unwrap();
    cmd.current_dir(root());
    cmd
}

/// Every file of a directory with its bytes, by name.
pub fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}
