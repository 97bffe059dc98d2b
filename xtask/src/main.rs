//! Project automation, run as `cargo xtask <task>` (alias in `.cargo/config.toml`).
//!
//! Tasks:
//! - `web`: build the staff web app into the single offline file `dist/pmh-csv-builder.html`.
//! - `e2e`: `web` and the `pmhcsv` CLI, then the browser end-to-end tests in `tests/e2e`
//!   (headless Debian Chromium; they compare the page's download with `pmhcsv build`).
//! - `test`: every test: `cargo test --workspace` (native), then `e2e`.
//! - `dist`: the release files in `dist/` — static Linux binary, Windows `.exe`, the page,
//!   `INSTALL.md`, `SHA256SUMS` — checked against the regular build (see `dist.rs`).
//! - `dist-check`: `dist`, then the `.exe` against the regular build under Wine.
//! - `bench-web [ROWS]`: `web`, then the browser benchmark (`tests/e2e/bench.mjs`) on a
//!   ROWS-row paste (default 100,000): time to results, one-row re-check, scrolling, and the
//!   WASM-vs-native throughput of the checker. With `PMH_WASM_NAMES=1 PMH_PROFILE=FILE` it
//!   also profiles the worker's checker in Chromium (docs/performance.md).
//!
//! Standard library only: no dependency to build before the first task can run.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod dist;

/// Cargo profile for the shipped page (defined in the root `Cargo.toml`).
const WEB_PROFILE: &str = "web";
/// The page must stay small: it is inlined, base64 and all, into one HTML file.
const SIZE_TARGET_BYTES: u64 = 3_000_000;
/// Output file, relative to the workspace root.
const PAGE_PATH: &str = "dist/pmh-csv-builder.html";

type Result<T, E = String> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("web") => build_page(dist::source_commit(&workspace_root()).as_deref()).map(drop),
        Some("dist") => dist::dist().map(drop),
        Some("dist-check") => dist::dist_check(),
        Some("e2e") => e2e(),
        Some("test") => test_all(),
        Some("bench-web") => bench_web(args.get(1).map(String::as_str)),
        None | Some("help" | "-h" | "--help") => {
            print_help();
            Ok(())
        }
        Some(other) => {
            print_help();
            Err(format!("unknown task `{other}`"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    eprintln!(
        "usage: cargo xtask <task>\n\n\
         tasks:\n  \
         web   build the offline page {PAGE_PATH}\n  \
         e2e   build the page and pmhcsv, then run the browser tests in tests/e2e\n  \
         test  all tests: cargo test --workspace, then e2e\n  \
         dist  release files in dist/: static Linux binary, Windows .exe, the page,\n        \
         INSTALL.md, SHA256SUMS; compares the static binary with the regular build\n  \
         dist-check  dist, then the same comparison for the .exe under Wine (wine64)\n  \
         bench-web [ROWS]  build the page, then benchmark it in headless Chromium on a\n            \
         ROWS-row paste (default 100000)\n\n\
         environment: CARGO_TARGET_DIR (respected), WASM_BINDGEN (path of the wasm-bindgen CLI),\n\
         CHROMIUM (browser for e2e, default /usr/bin/chromium)"
    );
}

/// The workspace root (this crate lives in `<root>/xtask`).
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (or `CARGO_BUILD_TARGET_DIR`) if set,
/// made absolute against the current directory as Cargo does, else `<root>/target`.
fn target_dir(root: &Path) -> Result<PathBuf> {
    let from_env = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"]
        .iter()
        .filter_map(env::var_os)
        .find(|value| !value.is_empty());
    match from_env {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                Ok(dir)
            } else {
                let cwd = env::current_dir().map_err(|e| format!("current directory: {e}"))?;
                Ok(cwd.join(dir))
            }
        }
        None => Ok(root.join("target")),
    }
}

/// Runs `command`, failing with a message naming it if it cannot start or exits non-zero.
fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Builds `dist/pmh-csv-builder.html` and returns its path. `commit` is the source commit the
/// footer names (`dist::source_commit`).
fn build_page(commit: Option<&str>) -> Result<PathBuf> {
    let started = Instant::now();
    let root = workspace_root();
    let target = target_dir(&root)?;

    // 1. The wasm-bindgen CLI must match the pinned crate exactly; check before compiling.
    let web_manifest = read_text(&root.join("web/Cargo.toml"))?;
    let pinned = pinned_wasm_bindgen(&web_manifest)
        .ok_or("web/Cargo.toml has no `wasm-bindgen = \"=X.Y.Z\"` line")?;
    let wasm_bindgen =
        env::var_os("WASM_BINDGEN").unwrap_or_else(|| OsString::from("wasm-bindgen"));
    check_wasm_bindgen(&wasm_bindgen, pinned)?;

    // 2. Compile the web crate for the browser.
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    eprintln!(
        "xtask: building web (wasm32, profile `{WEB_PROFILE}`) in {}",
        target.display()
    );
    let mut build = Command::new(&cargo);
    build
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", wasm_rustflags())
        .args(["build", "--package", "web", "--lib"])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            WEB_PROFILE,
        ]);
    dist::set_commit(&mut build, commit);
    run(&mut build)?;
    let wasm_in = target
        .join("wasm32-unknown-unknown")
        .join(WEB_PROFILE)
        .join("web.wasm");

    // 3. Generate the JS glue. `no-modules`: a classic script declaring `wasm_bindgen`, which
    //    works inline and inside a Blob-URL worker (ES modules do not load from file://).
    let bindgen_dir = target.join("xtask-web");
    if bindgen_dir.exists() {
        fs::remove_dir_all(&bindgen_dir).map_err(|e| format!("{}: {e}", bindgen_dir.display()))?;
    }
    run(Command::new(&wasm_bindgen)
        .args(["--target", "no-modules", "--no-typescript"])
        .args(if keep_wasm_names() {
            &["--remove-producers-section"][..]
        } else {
            &["--remove-name-section", "--remove-producers-section"][..]
        })
        .args(["--out-name", "web", "--out-dir"])
        .arg(&bindgen_dir)
        .arg(&wasm_in))?;

    // 4. Inline everything into the template.
    let template = read_text(&root.join("index.html"))?;
    let css = read_text(&root.join("web/style.css"))?;
    let glue = read_text(&bindgen_dir.join("web.js"))?;
    let wasm_path = bindgen_dir.join("web_bg.wasm");
    let wasm = fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    // Inlined gzip-compressed (a third of the size); the page inflates it with the browser's
    // DecompressionStream. Without a `gzip` program the module is inlined as is.
    let (inlined, encoding) = match gzip(&wasm_path) {
        Ok(packed) => (packed, "gzip"),
        Err(why) => {
            eprintln!("xtask: warning: {why}; inlining the wasm uncompressed");
            (wasm.clone(), "identity")
        }
    };
    if contains_ignore_ascii_case(&glue, "</script") {
        return Err("the wasm-bindgen glue contains `</script`; it cannot be inlined".into());
    }
    if contains_ignore_ascii_case(&css, "</style") {
        return Err("web/style.css contains `</style`".into());
    }
    let page = fill_template(
        &template,
        &[
            ("{{PMH_CSS}}", &css),
            ("{{PMH_GLUE_JS}}", &glue),
            ("{{PMH_WASM_BASE64}}", &base64(&inlined)),
            ("{{PMH_WASM_ENCODING}}", encoding),
            ("{{PMH_VERSION}}", env!("CARGO_PKG_VERSION")),
        ],
    )?;

    let out = root.join(PAGE_PATH);
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(&out, &page).map_err(|e| format!("{}: {e}", out.display()))?;

    let size = page.len() as u64;
    println!(
        "wrote {PAGE_PATH}: {} bytes ({:.2} MB; wasm {} bytes, inlined {encoding} {} bytes, glue {} bytes) in {:.1} s",
        group_thousands(size),
        size as f64 / 1e6,
        group_thousands(wasm.len() as u64),
        group_thousands(inlined.len() as u64),
        group_thousands(glue.len() as u64),
        started.elapsed().as_secs_f64(),
    );
    if size > SIZE_TARGET_BYTES {
        println!(
            "warning: {PAGE_PATH} is over the {} byte target",
            group_thousands(SIZE_TARGET_BYTES)
        );
    }
    Ok(out)
}

/// `npm ci` in `tests/e2e` (playwright-core; it never downloads a browser).
fn npm_ci(e2e_dir: &Path) -> Result<()> {
    run(Command::new("npm")
        .current_dir(e2e_dir)
        .args(["ci", "--no-audit", "--no-fund"]))
    .map_err(|e| format!("{e}\n(needs Node.js >= 20 and npm on PATH; Debian bookworm's own nodejs is 18, too old for playwright-core)"))
}

/// Builds the `pmhcsv` CLI (debug) and returns its path: the e2e tests compare the page's
/// upload file with what `pmhcsv build` writes.
fn build_cli() -> Result<PathBuf> {
    let root = workspace_root();
    let target = target_dir(&root)?;
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    run(Command::new(&cargo)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--quiet", "--package", "pmhcsv", "--bin", "pmhcsv"]))?;
    let exe = target
        .join("debug")
        .join(format!("pmhcsv{}", env::consts::EXE_SUFFIX));
    if exe.exists() {
        Ok(exe)
    } else {
        Err(format!("{} was not built", exe.display()))
    }
}

/// Builds the page and the CLI, then runs `node --test` on every `*.test.mjs` in `tests/e2e`.
fn e2e() -> Result<()> {
    let page = build_page(dist::source_commit(&workspace_root()).as_deref())?;
    let cli = build_cli()?;
    let started = Instant::now();
    let e2e_dir = workspace_root().join("tests/e2e");
    npm_ci(&e2e_dir)?;

    let mut tests: Vec<PathBuf> = fs::read_dir(&e2e_dir)
        .map_err(|e| format!("{}: {e}", e2e_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    tests.sort();
    if tests.is_empty() {
        return Err(format!("no *.test.mjs in {}", e2e_dir.display()));
    }
    eprintln!(
        "xtask: npm ci took {:.1} s; running node --test (its summary closes the output)",
        started.elapsed().as_secs_f64()
    );
    run(Command::new("node")
        .current_dir(&e2e_dir)
        .env("PMH_HTML", &page)
        .env("PMHCSV", &cli)
        .arg("--test")
        .args(&tests))
}

/// RUSTFLAGS of the page's wasm build: the caller's, plus WebAssembly SIMD (128-bit vectors,
/// used by `simdutf8`, `memchr` and LLVM's vectoriser; the worker's checker ran 20–25 % faster,
/// docs/performance.md). Chrome and Edge compile such a module from version 91; the module
/// also uses reference types (on by default for wasm32 since Rust 1.82), which need 96, and the
/// page's CSP allows WebAssembly through 'wasm-unsafe-eval', which needs 97; an older browser
/// gets the page's "too old" message either way. `PMH_WASM_SIMD=0` builds a page
/// without SIMD, for measuring.
fn wasm_rustflags() -> String {
    let mut flags = env::var("RUSTFLAGS").unwrap_or_default();
    if env::var("PMH_WASM_SIMD").map_or(true, |v| v != "0") {
        if !flags.is_empty() {
            flags.push(' ');
        }
        flags.push_str("-C target-feature=+simd128");
    }
    flags
}

/// `PMH_WASM_NAMES=1` keeps the WebAssembly name section in the page (about 0.2 MB more), so
/// that a profile of the worker names Rust functions instead of `wasm-function[N]`: for
/// `PMH_PROFILE` in `tests/e2e/bench.mjs`, never for a page that ships.
fn keep_wasm_names() -> bool {
    env::var("PMH_WASM_NAMES").is_ok_and(|v| v == "1")
}

/// Builds the page, writes the paste data and times the native checker (`bench_native`,
/// release), then runs `tests/e2e/bench.mjs`, which prints the numbers.
fn bench_web(rows: Option<&str>) -> Result<()> {
    let rows: u64 = match rows {
        Some(r) => r
            .parse()
            .map_err(|_| format!("bench-web: ROWS must be a number, not `{r}`"))?,
        None => 100_000,
    };
    let root = workspace_root();
    let page = build_page(dist::source_commit(&root).as_deref())?;
    let target = target_dir(&root)?;
    let data_dir = target.join("bench-web");
    fs::create_dir_all(&data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let tsv = data_dir.join(format!("paste-{rows}.tsv"));
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    eprintln!("xtask: generating {rows} rows and timing the native checker (release build)");
    let output = Command::new(&cargo)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "web",
            "--features",
            "bench",
            "--bin",
            "bench_native",
            "--",
        ])
        .arg(rows.to_string())
        .arg(&tsv)
        .arg(BENCH_AS_OF)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "bench_native failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let native = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let e2e_dir = root.join("tests/e2e");
    npm_ci(&e2e_dir)?;
    run(Command::new("node")
        .current_dir(&e2e_dir)
        .env("PMH_HTML", &page)
        .env("PMH_BENCH_TSV", &tsv)
        .env("PMH_NATIVE_JSON", &native)
        .env("PMH_BENCH_AS_OF", BENCH_AS_OF)
        .arg("bench.mjs"))
}

/// The reference date of both halves of `bench-web`: the page's clock is set to it and the
/// native run is given it, so both time the same work whatever the day. Before every validity
/// period of the synthetic file (as `cargo bench-validate` gives `pmhcsv`): no R003, as in a
/// current upload.
const BENCH_AS_OF: &str = "2022-01-01";

/// All tests: the native workspace tests first (fast feedback), then the browser tests.
fn test_all() -> Result<()> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    run(Command::new(cargo)
        .current_dir(workspace_root())
        .args(["test", "--workspace"]))?;
    e2e()
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The exact version in web/Cargo.toml's `wasm-bindgen = "=X.Y.Z"` (or `{ version = "=X.Y.Z" … }`).
fn pinned_wasm_bindgen(manifest: &str) -> Option<&str> {
    manifest.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("wasm-bindgen")?;
        let rest = rest.trim_start().strip_prefix('=')?;
        let start = rest.find("\"=")? + 2;
        let len = rest[start..].find('"')?;
        Some(&rest[start..start + len])
    })
}

/// Fails with the install command if the CLI is missing or is not version `pinned`.
fn check_wasm_bindgen(program: &OsString, pinned: &str) -> Result<()> {
    let install = format!("cargo install --locked wasm-bindgen-cli --version {pinned}");
    let output = Command::new(program).arg("--version").output().map_err(|e| {
        format!(
            "cannot run `{}` ({e}).\nInstall the CLI matching the pinned crate with:\n    {install}",
            program.to_string_lossy()
        )
    })?;
    let reported = String::from_utf8_lossy(&output.stdout);
    let version = reported.split_whitespace().nth(1).unwrap_or("");
    if version == pinned {
        Ok(())
    } else {
        Err(format!(
            "`{}` is version `{}`, but web/Cargo.toml pins wasm-bindgen ={pinned}.\n\
             Install the matching CLI with:\n    {install}",
            program.to_string_lossy(),
            reported.trim()
        ))
    }
}

/// Replaces each marker, which must occur exactly once in `template`, in a single pass
/// (so text inserted for one marker is never searched for another).
fn fill_template(template: &str, values: &[(&str, &str)]) -> Result<String> {
    let mut found: Vec<(usize, &str, &str)> = Vec::new();
    for &(marker, value) in values {
        let mut hits = template.match_indices(marker);
        match (hits.next(), hits.next()) {
            (Some((at, _)), None) => found.push((at, marker, value)),
            (None, _) => return Err(format!("index.html lacks the placeholder {marker}")),
            (Some(_), Some(_)) => return Err(format!("index.html has {marker} more than once")),
        }
    }
    found.sort_unstable_by_key(|&(at, _, _)| at);
    let extra: usize = found.iter().map(|(_, _, value)| value.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut copied = 0;
    for (at, marker, value) in found {
        out.push_str(&template[copied..at]);
        out.push_str(value);
        copied = at + marker.len();
    }
    out.push_str(&template[copied..]);
    Ok(out)
}

/// The file compressed by the `gzip` program (`-9 -n`: best, no name or time stamp, so the
/// page is reproducible).
fn gzip(path: &Path) -> Result<Vec<u8>> {
    let output = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip ({e})"))?;
    if !output.status.success() || output.stdout.len() < 18 {
        return Err(format!("gzip failed ({})", output.status));
    }
    Ok(output.stdout)
}

/// Standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in vectors {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn template_markers_are_replaced_once_and_not_rescanned() {
        let out = fill_template(
            "<a>{{X}}</a><b>{{Y}}</b>",
            &[("{{Y}}", "y"), ("{{X}}", "{{Y}}")],
        );
        assert_eq!(out.as_deref(), Ok("<a>{{Y}}</a><b>y</b>"));
        assert!(fill_template("{{X}}{{X}}", &[("{{X}}", "")]).is_err());
        assert!(fill_template("", &[("{{X}}", "")]).is_err());
    }

    #[test]
    fn pinned_version_is_read_from_the_manifest() {
        let manifest = "wasm-bindgen-futures = \"0.4\"\nwasm-bindgen = \"=0.2.129\" # why\n";
        assert_eq!(pinned_wasm_bindgen(manifest), Some("0.2.129"));
        let table = "wasm-bindgen = { version = \"=0.2.100\", default-features = false }";
        assert_eq!(pinned_wasm_bindgen(table), Some("0.2.100"));
        assert_eq!(pinned_wasm_bindgen("wasm-bindgen = \"0.2\""), None);
    }

    #[test]
    fn real_manifest_pins_wasm_bindgen() {
        let manifest = read_text(&workspace_root().join("web/Cargo.toml")).unwrap();
        assert!(pinned_wasm_bindgen(&manifest).is_some());
    }

    #[test]
    fn closing_tags_are_found_in_any_case() {
        assert!(contains_ignore_ascii_case("x</SCRIPT>", "</script"));
        assert!(!contains_ignore_ascii_case("x<\\/script>", "</script"));
    }
}
