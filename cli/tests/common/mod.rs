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

/// `taskset -c 0 pmhcsv args…`: `pmhcsv` allowed one processor, so it checks on one thread.
pub fn run_on_one_processor(args: &[&str]) -> Output {
    Command::new("taskset")
        .args(["-c", "0", env!("CARGO_BIN_EXE_pmhcsv")])
        .args(args)
        .output()
        .expect("taskset (util-linux) runs pmhcsv")
}

/// SHA-256 of a file, lower-case hex (as reports and receipts give it).
pub fn sha256(path: &str) -> String {
    pmh_core::receipt::sha256_hex(&std::fs::read(path).unwrap())
}
