//! Shared pieces of the benchmark binaries (`cargo bench-validate`, `cargo bench-diff`):
//! arguments, the release CLI, and running it while sampling its peak memory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The value of `--name N` on the command line, or `default`.
pub fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the release `pmhcsv` and returns its path (respects `CARGO_TARGET_DIR`).
pub fn release_cli() -> PathBuf {
    build(CLI, &["--release"], "building pmhcsv failed");
    target_dir().join("release/pmhcsv")
}

/// Builds the floor of `cargo bench-validate` (the `floor` binary: a bare `csv`-crate record
/// count) and returns its path.
pub fn floor() -> PathBuf {
    build(
        ("conformance", "floor"),
        &["--release"],
        "building the floor failed",
    );
    target_dir().join("release/floor")
}

/// Builds `pmhcsv` as `cargo xtask dist` ships it for Linux (static, musl, profile `dist`)
/// and returns its path.
pub fn static_cli() -> PathBuf {
    build(
        CLI,
        &["--profile", "dist", "--target", "x86_64-unknown-linux-musl"],
        "building the static pmhcsv failed (scripts/setup.sh adds the musl target and musl-tools)",
    );
    target_dir().join("x86_64-unknown-linux-musl/dist/pmhcsv")
}

/// The package and binary of the CLI.
const CLI: (&str, &str) = ("pmhcsv", "pmhcsv");

/// Builds binary `bin` of `package` with `profile`'s arguments.
fn build((package, bin): (&str, &str), profile: &[&str], failed: &str) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let ok = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .args(profile)
        .status()
        .expect("cargo build");
    assert!(ok.success(), "{failed}");
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace().join("target"), PathBuf::from)
}

/// Peak resident memory (VmHWM, KiB) of a running process.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system) of this process's waited-for children so far, from
/// `/proc/self/stat` (`cutime`, `cstime`, in the kernel's fixed 100 ticks per second).
fn children_cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // cutime and cstime are fields 16 and 17 (1-based), i.e. 13 and 14 here.
    let ticks = f.get(13).copied().unwrap_or(0) + f.get(14).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// One timed run of a command, sampling its peak RSS every 5 ms.
pub struct Run {
    /// Wall time.
    pub elapsed: Duration,
    /// CPU time (user + system; 10 ms resolution).
    pub cpu: Duration,
    /// Peak resident memory in KiB.
    pub peak_kb: u64,
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
}

/// Runs `bin args…` to completion; panics if it writes to standard error.
pub fn measure(bin: &Path, args: &[&str]) -> Run {
    let cpu_before = children_cpu();
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pmhcsv");
    let pid = child.id();
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = peak_rss_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let out = child.wait_with_output().expect("output");
    let cpu = children_cpu().saturating_sub(cpu_before);
    assert!(
        out.stderr.is_empty(),
        "pmhcsv stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        elapsed,
        cpu,
        peak_kb,
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

/// The 0-based column of `label` in the synthetic 全件 header (`synth::FULL_HEADER`; the
/// layout grows, so benches never use a fixed number).
///
/// # Panics
/// When the header has no such column (a bench written for another layout).
pub fn synth_column(label: &str) -> usize {
    pmh_core::synth::FULL_HEADER
        .split(',')
        .position(|h| h == label)
        .unwrap_or_else(|| panic!("{label} is not in the synthetic header"))
}

/// Writes a 全件 file to `path` — BOM, the synthetic header row, then the data lines `body`
/// writes (each ending in CRLF) — through a temporary file renamed at the end, so that an
/// interrupted run leaves no half file behind.
///
/// # Errors
/// Any I/O error.
pub fn write_full_file(
    path: &Path,
    body: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let tmp = path.with_extension("tmp");
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
    w.write_all("\u{FEFF}".as_bytes())?;
    w.write_all(pmh_core::synth::FULL_HEADER.as_bytes())?;
    w.write_all(b"\r\n")?;
    body(&mut w)?;
    w.flush()?;
    drop(w);
    std::fs::rename(tmp, path)
}
