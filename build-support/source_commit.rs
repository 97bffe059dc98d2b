// Build script shared by `cli` and `web` (each `build.rs` is `include!` of this file).
//
// Sets the compile-time variable `PMH_SOURCE_COMMIT` (read with `option_env!`) to the source
// commit the binary is built from, so that `pmhcsv --version` and the page's footer can name it:
// 1. `PMH_SOURCE_COMMIT` from the environment when set (`cargo xtask dist` sets it, with
//    `-dirty` when the work tree has changes; a packager building from a tarball may set it);
// 2. else `git rev-parse --short=12 HEAD` when the sources are a git checkout;
// 3. else nothing: the version says the commit is unknown.
// It never fails the build: no git, no repository or an odd value only lose the commit.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-env-changed=PMH_SOURCE_COMMIT");
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let given = env::var("PMH_SOURCE_COMMIT").ok();
    let commit = match given.as_deref().map(str::trim) {
        Some(value) if !value.is_empty() => Some(value.to_owned()),
        _ => git_commit(&manifest_dir),
    };
    match commit {
        Some(commit) if plausible(&commit) => {
            println!("cargo::rustc-env=PMH_SOURCE_COMMIT={commit}");
        }
        Some(commit) => println!(
            "cargo::warning=ignoring source commit {commit:?}: expected up to 64 of [0-9A-Za-z._+-]"
        ),
        None => {}
    }
}

/// A commit id as `--version` may print it: short, and nothing a terminal would interpret.
fn plausible(commit: &str) -> bool {
    !commit.is_empty()
        && commit.len() <= 64
        && commit
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
}

/// `git` run in `dir`: its trimmed standard output, or `None` on any failure.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Where git keeps `name` (`HEAD`, `packed-refs`, `refs/heads/…`) for the checkout in `dir`.
fn git_path(dir: &Path, name: &str) -> Option<PathBuf> {
    git(dir, &["rev-parse", "--git-path", name]).map(|p| dir.join(p))
}

/// The checked-out commit, and the files to watch so that a new commit re-runs this script.
fn git_commit(dir: &Path) -> Option<String> {
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    // HEAD itself (a checkout, a detached commit) and packed refs, when they exist (a missing
    // path would make Cargo re-run this script on every build).
    for name in ["HEAD", "packed-refs"] {
        if let Some(path) = git_path(dir, name).filter(|p| p.exists()) {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
    // The branch HEAD names. Only in packed-refs (a fresh clone), it gets its own file at the
    // next commit: then watch the folder that file will appear in.
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git_path(dir, &branch)
    {
        let watched = if path.exists() {
            Some(path)
        } else {
            path.parent().filter(|p| p.is_dir()).map(Path::to_path_buf)
        };
        if let Some(watched) = watched {
            println!("cargo::rerun-if-changed={}", watched.display());
        }
    }
    Some(commit)
}
