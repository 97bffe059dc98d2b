//! Helpers shared by the CLI end-to-end tests (each test file uses a subset).
#![allow(
    dead_code,
    reason = "each test binary compiles this module and uses a subset"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `pmhcsv` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pmhcsv"))
}

/// Runs `pmhcsv args…` to completion.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run pmhcsv")
}

/// A file under `fixtures/`.
pub fn fixture_path(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(p)
}

/// A file under `fixtures/`, as a command-line argument.
pub fn fixture(p: &str) -> String {
    fixture_path(p).to_string_lossy().into_owned()
}

/// A path in this test binary's own temporary directory.
pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pmhcsv-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
