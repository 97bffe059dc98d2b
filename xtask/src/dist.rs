//! `cargo xtask dist` and `cargo xtask dist-check`: the files a vendor or a municipal IT
//! department downloads, and the proof that they behave like the regular build.
//!
//! `dist` builds into `dist/`:
//! - `pmhcsv-<version>-x86_64-linux`: static (musl), runs on any x86-64 Linux without libraries;
//! - `pmhcsv-<version>-x86_64-windows.exe`: cross-built with MinGW-w64, needs no MinGW DLL;
//! - `pmh-csv-builder-<version>.html`: the staff page (the `web` task's code path);
//! - `INSTALL.md` (from `xtask/templates/INSTALL.md`) and `SHA256SUMS` (`sha256sum` format);
//!
//! then proves the Linux binary static (`file`, `ldd`), checks the Windows binary's imports,
//! verifies `SHA256SUMS` with `sha256sum -c`, runs the static binary on every fixture and
//! compares its reports, upload files and exit codes with the regular (debug, glibc) build's,
//! and prints every artifact's size.
//!
//! `dist-check` does all of that, then the same comparison for the `.exe` under Wine (Debian's
//! `wine64`), and prints how long the Wine part took.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::{
    Result, build_cli, build_page, group_thousands, read_text, run, target_dir, workspace_root,
};

/// Target of the static Linux binary.
const LINUX_TARGET: &str = "x86_64-unknown-linux-musl";
/// Target of the Windows binary (Debian's `gcc-mingw-w64-x86-64` links it).
const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";
/// Cargo profile of the shipped binaries (root `Cargo.toml`: release, stripped).
const DIST_PROFILE: &str = "dist";
/// The shipped version: the workspace's.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The template of `dist/INSTALL.md`.
const INSTALL_TEMPLATE: &str = "xtask/templates/INSTALL.md";
/// DLLs a bare Windows 10/11 PC has: the `.exe` may import nothing else.
const SYSTEM_DLLS: &[&str] = &[
    "advapi32.dll",
    "bcrypt.dll",
    "bcryptprimitives.dll",
    "kernel32.dll",
    "msvcrt.dll",
    "ntdll.dll",
    "shell32.dll",
    "user32.dll",
    "userenv.dll",
    "ws2_32.dll",
];

/// The files `dist` wrote, by path.
pub(crate) struct Artifacts {
    linux: PathBuf,
    windows: PathBuf,
    page: PathBuf,
    install: PathBuf,
    sums: PathBuf,
}

/// File names of the shipped artifacts (no directory).
fn linux_name() -> String {
    format!("pmhcsv-{VERSION}-x86_64-linux")
}
fn windows_name() -> String {
    format!("pmhcsv-{VERSION}-x86_64-windows.exe")
}
fn page_name() -> String {
    format!("pmh-csv-builder-{VERSION}.html")
}

/// The source commit for `--version` and the footer: `git rev-parse --short=12 HEAD`, with
/// `-dirty` when the work tree differs from it (so a binary built from uncommitted changes
/// never claims to be that commit). `None` outside a git checkout.
pub(crate) fn source_commit(root: &Path) -> Option<String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    if commit.is_empty() {
        return None;
    }
    let status = Command::new("git")
        .current_dir(root)
        .args(["status", "--porcelain"])
        .output()
        .ok()?;
    if status.status.success() && status.stdout.is_empty() {
        Some(commit)
    } else {
        Some(format!("{commit}-dirty"))
    }
}

/// `cargo build` of the `pmhcsv` binary for `target` in the dist profile; its path.
fn build_binary(
    root: &Path,
    target_root: &Path,
    target: &str,
    commit: Option<&str>,
) -> Result<PathBuf> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let started = Instant::now();
    eprintln!("xtask: building pmhcsv for {target} (profile `{DIST_PROFILE}`)");
    let mut command = Command::new(&cargo);
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target_root)
        .args([
            "build",
            "--locked",
            "--quiet",
            "--package",
            "pmhcsv",
            "--bin",
            "pmhcsv",
        ])
        .args(["--target", target, "--profile", DIST_PROFILE]);
    set_commit(&mut command, commit);
    run(&mut command).map_err(|e| {
        format!("{e}\n(the targets and linkers come from scripts/setup.sh: rustup target add {LINUX_TARGET} {WINDOWS_TARGET}; apt-get install musl-tools gcc-mingw-w64-x86-64)")
    })?;
    let exe = if target.contains("windows") {
        "pmhcsv.exe"
    } else {
        "pmhcsv"
    };
    let path = target_root.join(target).join(DIST_PROFILE).join(exe);
    eprintln!(
        "xtask: built {} in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(path)
}

/// Passes the commit to the build script (`build-support/source_commit.rs`).
pub(crate) fn set_commit(command: &mut Command, commit: Option<&str>) {
    match commit {
        Some(commit) => command.env("PMH_SOURCE_COMMIT", commit),
        None => command.env_remove("PMH_SOURCE_COMMIT"),
    };
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("copy {} → {}: {e}", from.display(), to.display()))
}

fn size(path: &Path) -> Result<u64> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Output of a program that must succeed, as text (standard output and error together).
fn capture(command: &mut Command) -> Result<String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!("{shown} failed ({}): {text}", output.status))
    }
}

/// Builds everything into `dist/`, checks it, and prints the sizes.
pub(crate) fn dist() -> Result<Artifacts> {
    let started = Instant::now();
    let root = workspace_root();
    let target_root = target_dir(&root)?;
    let commit = source_commit(&root);
    eprintln!(
        "xtask: dist {VERSION}, source commit {}",
        commit.as_deref().unwrap_or("unknown (not a git checkout)")
    );
    let out_dir = root.join("dist");
    fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;

    let linux_built = build_binary(&root, &target_root, LINUX_TARGET, commit.as_deref())?;
    let windows_built = build_binary(&root, &target_root, WINDOWS_TARGET, commit.as_deref())?;
    let page_built = build_page(commit.as_deref())?;

    let artifacts = Artifacts {
        linux: out_dir.join(linux_name()),
        windows: out_dir.join(windows_name()),
        page: out_dir.join(page_name()),
        install: out_dir.join("INSTALL.md"),
        sums: out_dir.join("SHA256SUMS"),
    };
    copy(&linux_built, &artifacts.linux)?;
    copy(&windows_built, &artifacts.windows)?;
    copy(&page_built, &artifacts.page)?;
    let install = install_md(&read_text(&root.join(INSTALL_TEMPLATE))?, commit.as_deref())?;
    fs::write(&artifacts.install, install)
        .map_err(|e| format!("{}: {e}", artifacts.install.display()))?;
    write_sums(&out_dir, &artifacts)?;

    // The checks: what the files are, then what the Linux binary does.
    let linux_kind = prove_static(&artifacts.linux)?;
    let windows_imports = check_windows_imports(&artifacts.windows)?;
    check_version_output(&artifacts.linux, commit.as_deref())?;
    let regular = build_cli()?;
    let compared = compare(
        &root,
        &Runner::Native(regular.clone()),
        &Runner::Native(artifacts.linux.clone()),
    )?;

    println!(
        "dist/ ({VERSION}, commit {}):",
        commit.as_deref().unwrap_or("unknown")
    );
    for path in [
        &artifacts.linux,
        &artifacts.windows,
        &artifacts.page,
        &artifacts.install,
        &artifacts.sums,
    ] {
        let bytes = size(path)?;
        println!(
            "  {:<40} {:>12} bytes ({:.2} MB)",
            path.file_name().unwrap_or_default().to_string_lossy(),
            group_thousands(bytes),
            bytes as f64 / 1e6
        );
    }
    println!("  linux binary: {linux_kind}");
    println!("  windows binary imports only system DLLs: {windows_imports}");
    println!(
        "  sha256sum -c SHA256SUMS: ok; static binary = regular build ({}) on {compared} runs over the fixtures",
        regular.display()
    );
    println!("  dist took {:.1} s", started.elapsed().as_secs_f64());
    Ok(artifacts)
}

/// `dist`, then the `.exe` against the regular build under Wine.
pub(crate) fn dist_check() -> Result<()> {
    let artifacts = dist()?;
    let root = workspace_root();
    let wine = find_wine().ok_or(
        "Wine is not installed: apt-get install wine64 (or PMH_SETUP_WINE=1 scripts/setup.sh)",
    )?;
    let prefix = target_dir(&root)?.join("xtask-wine");
    fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    let started = Instant::now();
    let runner = Runner::Wine {
        wine: wine.clone(),
        exe: artifacts.windows.clone(),
        prefix: prefix.clone(),
    };
    // One wineserver that stays up for all runs (else each run starts its own, about 3 s),
    // and the prefix booted before any run whose output is captured: the server and Wine's
    // services must not inherit the pipes we read (a read would then wait for them to exit).
    // Both get no standard streams; the server is stopped below whatever the runs found.
    wineserver(&runner, true)?;
    let result = boot_and_compare(&root, &runner, &wine, &prefix, started);
    let _ = wineserver(&runner, false);
    let (compared, setup) = result?;
    println!(
        "dist-check: {} = regular build on {compared} runs over the fixtures under Wine \
         ({:.1} s, of which {setup:.1} s starting Wine and its prefix)",
        windows_name(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Compiles `xtask/wine/bcryptprimitives.c` (ProcessPrng, which Rust's std imports and Wine
/// 8.0 lacks) into the prefix's `system32`: the prefix is the test machine, the `.exe` stays
/// as shipped.
fn install_wine_shim(root: &Path, prefix: &Path) -> Result<()> {
    let system32 = prefix.join("drive_c/windows/system32");
    if !system32.is_dir() {
        return Err(format!("{} was not created by Wine", system32.display()));
    }
    eprintln!("xtask: adding the bcryptprimitives.dll test shim to the Wine prefix");
    capture(
        Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2", "-shared", "-o"])
            .arg(system32.join("bcryptprimitives.dll"))
            .arg(root.join("xtask/wine/bcryptprimitives.c"))
            .arg("-ladvapi32"),
    )
    .map(drop)
}

/// Boots the prefix (adding the test shim when needed), then compares; returns the run count
/// and the seconds spent before the comparison.
fn boot_and_compare(
    root: &Path,
    runner: &Runner,
    wine: &Path,
    prefix: &Path,
    started: Instant,
) -> Result<(usize, f64)> {
    let boot = Command::new(wine)
        .arg("wineboot")
        .arg("--init")
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .env_remove("DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {} wineboot: {e}", wine.display()))?;
    if !boot.success() {
        return Err(format!("wineboot --init failed ({boot})"));
    }
    let mut first = runner.run(root, &["--version".to_owned()])?;
    if !first.status.success() {
        // Wine 8.0 (Debian bookworm) lacks bcryptprimitives.dll; add the test shim, try again.
        install_wine_shim(root, prefix)?;
        first = runner.run(root, &["--version".to_owned()])?;
    }
    let version = String::from_utf8_lossy(&first.stdout).into_owned();
    if !first.status.success() || !version.starts_with(&format!("pmhcsv {VERSION}\n")) {
        return Err(format!(
            "the .exe under Wine: --version printed {version:?} ({}; {:?})",
            first.status,
            String::from_utf8_lossy(&first.stderr)
        ));
    }
    let setup = started.elapsed().as_secs_f64();
    let regular = build_cli()?;
    let compared = compare(root, &Runner::Native(regular), runner)?;
    Ok((compared, setup))
}

/// Starts (`-p`: persistent) or stops (`-k`) the wineserver of the runner's prefix.
fn wineserver(runner: &Runner, start: bool) -> Result<()> {
    let Runner::Wine { wine, prefix, .. } = runner else {
        return Ok(());
    };
    let server = wine.with_file_name("wineserver");
    let server = if server.exists() {
        server
    } else {
        PathBuf::from("wineserver")
    };
    run(Command::new(server)
        .env("WINEPREFIX", prefix)
        .arg(if start { "-p" } else { "-k" })
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null()))
}

/// Debian's `wine64` (not on PATH in bookworm), or `wine`/`wine64` on PATH.
fn find_wine() -> Option<PathBuf> {
    if let Some(wine) = env::var_os("WINE") {
        return Some(PathBuf::from(wine));
    }
    let debian = PathBuf::from("/usr/lib/wine/wine64");
    if debian.exists() {
        return Some(debian);
    }
    ["wine64", "wine"].into_iter().find_map(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| PathBuf::from(name))
    })
}

/// Fills the INSTALL.md template; every `{{…}}` must be known.
fn install_md(template: &str, commit: Option<&str>) -> Result<String> {
    let layouts = layout_versions()?;
    let filled = template
        .replace("{{VERSION}}", VERSION)
        .replace("{{LINUX}}", &linux_name())
        .replace("{{WINDOWS}}", &windows_name())
        .replace("{{PAGE}}", &page_name())
        .replace("{{COMMIT}}", commit.unwrap_or("unknown"))
        .replace("{{LAYOUTS}}", &layouts);
    match filled.find("{{") {
        Some(at) => Err(format!(
            "{INSTALL_TEMPLATE}: unknown placeholder at {:?}",
            &filled[at..filled.len().min(at + 20)]
        )),
        None => Ok(filled),
    }
}

/// `full 2024.07-pmhcsv.1, diff …` from the layout files' `version = "…"` lines (xtask has no
/// dependency on core; `pmhcsv --version`, checked below, reads the same files).
fn layout_versions() -> Result<String> {
    let root = workspace_root();
    let mut out = Vec::new();
    for id in ["full", "diff"] {
        let text = read_text(&root.join(format!("core/layouts/{id}.toml")))?;
        let version = text
            .lines()
            .find_map(|line| line.strip_prefix("version = \""))
            .and_then(|rest| rest.split('"').next())
            .ok_or(format!("core/layouts/{id}.toml: no version line"))?;
        out.push(format!("{id} {version}"));
    }
    Ok(out.join(", "))
}

/// `SHA256SUMS` of the artifacts by `sha256sum` (so `sha256sum -c` reads it), then verified.
fn write_sums(out_dir: &Path, a: &Artifacts) -> Result<()> {
    let names: Vec<OsString> = [&a.linux, &a.windows, &a.page, &a.install]
        .iter()
        .map(|p| p.file_name().unwrap_or_default().to_owned())
        .collect();
    let output = Command::new("sha256sum")
        .current_dir(out_dir)
        .arg("--")
        .args(&names)
        .output()
        .map_err(|e| format!("cannot run sha256sum (coreutils): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "sha256sum failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    fs::write(&a.sums, &output.stdout).map_err(|e| format!("{}: {e}", a.sums.display()))?;
    capture(Command::new("sha256sum").current_dir(out_dir).args([
        "--check",
        "--strict",
        "SHA256SUMS",
    ]))
    .map(drop)
}

/// `file` and `ldd` must both say the binary is static; returns what `file` says.
fn prove_static(bin: &Path) -> Result<String> {
    let file = capture(Command::new("file").arg("--brief").arg(bin))
        .map_err(|e| format!("{e}\n(apt-get install file)"))?;
    if !(file.contains("statically linked") || file.contains("static-pie linked")) {
        return Err(format!("{} is not static: file says {file}", bin.display()));
    }
    // glibc's ldd exits 1 with "not a dynamic executable" for a static binary, or prints
    // "statically linked" for a static PIE.
    let ldd = Command::new("ldd")
        .arg(bin)
        .output()
        .map_err(|e| format!("cannot run ldd: {e}"))?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&ldd.stdout),
        String::from_utf8_lossy(&ldd.stderr)
    );
    if !(said.contains("not a dynamic executable") || said.contains("statically linked")) {
        return Err(format!("{} is not static: ldd says {said}", bin.display()));
    }
    Ok(format!("{} / ldd: {}", file.trim(), said.trim()))
}

/// The DLLs the `.exe` imports (MinGW's `objdump -p`), each one a Windows system DLL: a
/// municipal PC has no MinGW runtime (libgcc_s, libwinpthread).
fn check_windows_imports(exe: &Path) -> Result<String> {
    let kind = capture(Command::new("file").arg("--brief").arg(exe))?;
    if !kind.contains("PE32+") || !kind.contains("x86-64") {
        return Err(format!(
            "{} is not a 64-bit Windows program: {kind}",
            exe.display()
        ));
    }
    let dump = capture(
        Command::new("x86_64-w64-mingw32-objdump")
            .arg("-p")
            .arg(exe),
    )
    .map_err(|e| format!("{e}\n(objdump comes with gcc-mingw-w64-x86-64's binutils)"))?;
    let mut dlls: Vec<String> = dump
        .lines()
        .filter_map(|line| line.trim().strip_prefix("DLL Name:"))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    dlls.sort();
    dlls.dedup();
    if dlls.is_empty() {
        return Err(format!("objdump -p {} lists no DLL", exe.display()));
    }
    let foreign: Vec<&String> = dlls
        .iter()
        .filter(|dll| !SYSTEM_DLLS.contains(&dll.as_str()) && !dll.starts_with("api-ms-win-"))
        .collect();
    if foreign.is_empty() {
        Ok(dlls.join(" "))
    } else {
        Err(format!(
            "{} imports DLLs a bare Windows PC lacks: {foreign:?}",
            exe.display()
        ))
    }
}

/// `--version` of the shipped binary names the version, the commit and both layouts.
fn check_version_output(bin: &Path, commit: Option<&str>) -> Result<()> {
    let text = capture(Command::new(bin).arg("--version"))?;
    let commit_line = match commit {
        Some(c) => format!("commit: {c}\n"),
        None => "commit: unknown".to_owned(),
    };
    let expected_start = format!("pmhcsv {VERSION}\n{commit_line}");
    let layouts = layout_versions()?;
    let all_layouts = layouts.split(", ").all(|l| {
        let (id, version) = l.split_once(' ').unwrap_or((l, ""));
        text.contains(&format!("layout {id}: {version} "))
    });
    if text.starts_with(&expected_start) && all_layouts {
        Ok(())
    } else {
        Err(format!(
            "{} --version printed {text:?}; expected it to start with {expected_start:?} and name {layouts}",
            bin.display()
        ))
    }
}

/// How to run one `pmhcsv`.
enum Runner {
    /// A binary of this machine.
    Native(PathBuf),
    /// A Windows binary under Wine, with its own prefix (kept in the target directory).
    Wine {
        wine: PathBuf,
        exe: PathBuf,
        prefix: PathBuf,
    },
}

impl Runner {
    fn run(&self, root: &Path, args: &[String]) -> Result<Output> {
        let mut command = match self {
            Runner::Native(bin) => Command::new(bin),
            Runner::Wine { wine, exe, prefix } => {
                let mut c = Command::new(wine);
                c.arg(exe)
                    .env("WINEPREFIX", prefix)
                    .env("WINEDEBUG", "-all")
                    // No Mono or Gecko installer prompts when the prefix is created.
                    .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
                    .env_remove("DISPLAY");
                c
            }
        };
        command.current_dir(root).args(args);
        command
            .output()
            .map_err(|e| format!("cannot run {command:?}: {e}"))
    }
}

/// One run of `pmhcsv` on a fixture: its arguments, and the file it writes (if any).
struct Case {
    args: Vec<String>,
    writes: Option<PathBuf>,
}

/// Every fixture, in every form the comparison covers: `validate` as JSON and as the Japanese
/// text report (layout `diff` for files named so), `validate` with the example master for the
/// valid files, and `build` (its report and the upload file it writes) for the valid files,
/// the repair fixtures (`X…`) and the workbooks. Paths are relative to the root, so that the
/// reports of both builds name the same paths.
fn cases(root: &Path, out: &Path) -> Result<Vec<Case>> {
    let mut files = Vec::new();
    for dir in ["fixtures/valid", "fixtures/invalid", "fixtures/xlsx"] {
        let entries = fs::read_dir(root.join(dir)).map_err(|e| format!("{dir}: {e}"))?;
        for entry in entries {
            let name = entry.map_err(|e| format!("{dir}: {e}"))?.file_name();
            let name = name.to_string_lossy().into_owned();
            if [".csv", ".tsv", ".xlsx"]
                .iter()
                .any(|ext| name.ends_with(ext))
            {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    let mut cases = Vec::new();
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    for (n, file) in files.iter().enumerate() {
        let name = file.rsplit('/').next().unwrap_or(file);
        let layout = if name.contains("diff") {
            "diff"
        } else {
            "full"
        };
        for format in ["json", "text"] {
            let mut args = owned(&["validate", "--layout", layout, "--format", format]);
            args.push(file.clone());
            cases.push(Case { args, writes: None });
        }
        if file.starts_with("fixtures/valid/") {
            let mut args = owned(&["validate", "--format", "json", "--master"]);
            args.push("fixtures/masters/example_master.csv".to_owned());
            args.push(file.clone());
            cases.push(Case { args, writes: None });
        }
        let builds = file.starts_with("fixtures/valid/")
            || file.starts_with("fixtures/xlsx/")
            || name.starts_with('X');
        if builds {
            let written = out.join(format!("build-{n}.csv"));
            let mut args = owned(&["build", "--layout", layout, "-o"]);
            args.push(written.to_string_lossy().into_owned());
            args.push(file.clone());
            cases.push(Case {
                args,
                writes: Some(written),
            });
        }
    }
    Ok(cases)
}

/// What one run produced: exit code, standard output and error, and the file it wrote.
#[derive(PartialEq)]
struct Outcome {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    written: Option<Vec<u8>>,
}

fn outcome(runner: &Runner, root: &Path, case: &Case) -> Result<Outcome> {
    if let Some(path) = &case.writes {
        let _ = fs::remove_file(path);
    }
    let output = runner.run(root, &case.args)?;
    let written = match &case.writes {
        Some(path) => fs::read(path).ok(),
        None => None,
    };
    if let Some(path) = &case.writes {
        let _ = fs::remove_file(path);
    }
    Ok(Outcome {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
        written,
    })
}

/// Runs every case with both runners; fails naming each case whose exit code, output or
/// written file differ (and on a comparison that compared nothing). Returns the run count.
fn compare(root: &Path, regular: &Runner, candidate: &Runner) -> Result<usize> {
    let out = target_dir(root)?.join("xtask-dist-compare");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let cases = cases(root, &out)?;
    let mut differ = Vec::new();
    let mut exit_codes = [0usize; 3];
    let mut wrote = 0;
    let mut retried = Vec::new();
    for case in &cases {
        let a = outcome(regular, root, case)?;
        let mut b = outcome(candidate, root, case)?;
        // Wine now and then loses a run's standard output (seen once in 245 runs: 0 lines
        // instead of 96, identical again when run again). A run that differs under Wine is run
        // once more; a real difference of the .exe is the same both times and fails.
        if a != b && matches!(candidate, Runner::Wine { .. }) {
            retried.push(case.args.join(" "));
            b = outcome(candidate, root, case)?;
        }
        if let Some(code) = a
            .code
            .and_then(|c| usize::try_from(c).ok())
            .filter(|&c| c < 3)
        {
            exit_codes[code] += 1;
        }
        wrote += usize::from(a.written.is_some());
        if a != b {
            differ.push(describe(&case.args, &a, &b));
        }
    }
    // The comparison must reach every kind of outcome, or it proves less than it says.
    if exit_codes.contains(&0) || wrote == 0 {
        return Err(format!(
            "the fixtures no longer reach every outcome (exit 0/1/2: {exit_codes:?}, files written: {wrote})"
        ));
    }
    for args in &retried {
        eprintln!("xtask: under Wine, run again once after a difference: pmhcsv {args}");
    }
    if differ.is_empty() {
        eprintln!(
            "xtask: {} runs identical (exit 0/1/2: {exit_codes:?}; {wrote} upload files compared byte for byte)",
            cases.len()
        );
        Ok(cases.len())
    } else {
        Err(format!(
            "{} of {} runs differ from the regular build:\n{}",
            differ.len(),
            cases.len(),
            differ.join("\n")
        ))
    }
}

/// The first difference of two outcomes, readably.
fn describe(args: &[String], a: &Outcome, b: &Outcome) -> String {
    let what = if a.code != b.code {
        format!("exit code {:?} vs {:?}", a.code, b.code)
    } else if a.stdout != b.stdout {
        format!(
            "standard output: {}",
            first_difference(&a.stdout, &b.stdout)
        )
    } else if a.stderr != b.stderr {
        format!(
            "standard error: {} ({:?} vs {:?})",
            first_difference(&a.stderr, &b.stderr),
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        )
    } else {
        "the written file differs".to_owned()
    };
    format!("  pmhcsv {}: {what}", args.join(" "))
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let mut lines = a.lines().zip(b.lines()).enumerate();
    match lines.find(|(_, (x, y))| x != y) {
        Some((n, (x, y))) => format!("line {}: {x:?} vs {y:?}", n + 1),
        None => format!("{} vs {} lines", a.lines().count(), b.lines().count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_template_fills_every_placeholder() {
        let template = read_text(&workspace_root().join(INSTALL_TEMPLATE)).unwrap();
        let filled = install_md(&template, Some("0123456789ab")).unwrap();
        assert!(!filled.contains("{{"));
        for name in [linux_name(), windows_name(), page_name()] {
            assert!(filled.contains(&name), "{name}");
        }
        assert!(filled.contains("certutil -hashfile"));
        assert!(filled.contains("0123456789ab"));
        assert!(install_md("{{NOPE}}", None).is_err());
    }

    #[test]
    fn layout_versions_come_from_both_layout_files() {
        let versions = layout_versions().unwrap();
        assert!(versions.starts_with("full "), "{versions}");
        assert!(versions.contains(", diff "), "{versions}");
    }

    #[test]
    fn every_fixture_is_validated_and_some_are_built() {
        let root = workspace_root();
        let cases = cases(&root, Path::new("/out")).unwrap();
        let validated = cases.iter().filter(|c| c.args[0] == "validate").count();
        let built = cases.iter().filter(|c| c.writes.is_some()).count();
        assert!(validated > 150, "{validated}");
        assert!(built >= 10, "{built}");
        assert!(cases.iter().any(|c| c.args.contains(&"diff".to_owned())));
        assert!(
            cases
                .iter()
                .any(|c| c.args.iter().any(|a| a.ends_with(".xlsx")))
        );
    }

    /// Compiles `build-support/source_commit.rs` as Cargo would and runs it in `dir`.
    fn run_build_script(exe: &Path, dir: &Path, commit_env: Option<&str>) -> (bool, String) {
        let mut command = Command::new(exe);
        command.env("CARGO_MANIFEST_DIR", dir);
        set_commit(&mut command, commit_env);
        let output = command.output().unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
        )
    }

    fn git_in(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn build_script_records_the_commit_and_never_fails_without_one() {
        let base = env::temp_dir().join(format!("pmh-source-commit-dirs-{}", std::process::id()));
        let plain = base.join("tarball");
        fs::create_dir_all(&plain).unwrap();
        let exe = base.join("source_commit");
        let built = Command::new(env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .args(["--edition", "2024", "-o"])
            .arg(&exe)
            .arg(workspace_root().join("build-support/source_commit.rs"))
            .status()
            .unwrap();
        assert!(built.success());
        // A tarball: no commit, no failure, only the environment watched.
        let (ok, out) = run_build_script(&exe, &plain, None);
        assert!(ok);
        assert_eq!(out, "cargo::rerun-if-env-changed=PMH_SOURCE_COMMIT\n");
        // A packager's value is used; one a terminal would interpret is dropped with a warning.
        let (ok, out) = run_build_script(&exe, &plain, Some("0123abc-dirty"));
        assert!(ok && out.contains("cargo::rustc-env=PMH_SOURCE_COMMIT=0123abc-dirty\n"));
        let (ok, out) = run_build_script(&exe, &plain, Some("x\u{1b}[2J"));
        assert!(ok && out.contains("cargo::warning=") && !out.contains("rustc-env"));
        // A fresh clone keeps its branch in packed-refs: the folder the next commit's ref file
        // appears in is watched, so that commit re-runs the script.
        let repo = base.join("repo");
        fs::create_dir_all(&repo).unwrap();
        git_in(&repo, &["init", "-q", "-b", "main"]);
        git_in(&repo, &["commit", "-q", "--allow-empty", "-m", "one"]);
        git_in(&repo, &["pack-refs", "--all"]);
        let (ok, out) = run_build_script(&exe, &repo, None);
        assert!(
            ok && out.contains("cargo::rustc-env=PMH_SOURCE_COMMIT="),
            "{out}"
        );
        assert!(out.contains("refs/heads\n"), "{out}");
        assert!(out.contains("packed-refs\n"), "{out}");
        let _ = fs::remove_dir_all(&base);
    }

    #[test]
    fn differences_are_described_by_their_first_line() {
        let a = Outcome {
            code: Some(1),
            stdout: b"x\ny\n".to_vec(),
            stderr: Vec::new(),
            written: None,
        };
        let b = Outcome {
            stdout: b"x\nz\n".to_vec(),
            ..Outcome {
                code: Some(1),
                stdout: Vec::new(),
                stderr: Vec::new(),
                written: None,
            }
        };
        let text = describe(&["validate".to_owned()], &a, &b);
        assert!(text.contains("line 2: \"y\" vs \"z\""), "{text}");
        let c = Outcome { code: Some(2), ..b };
        assert!(describe(&[], &a, &c).contains("exit code Some(1) vs Some(2)"));
    }
}
