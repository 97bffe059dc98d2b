//! `pmhcsv --version` (issue 14): the tool version, the source commit when known, and every
//! built-in layout's version, one `key: value` per line.

mod common;

use std::process::Command;

use common::{run, stdout};
use pmh_core::Layout;

/// What the build script (`build-support/source_commit.rs`) gave this package: the binary
/// under test was compiled with the same value.
const BUILT_COMMIT: Option<&str> = option_env!("PMH_SOURCE_COMMIT");

fn expected() -> String {
    let mut lines = vec![format!("pmhcsv {}", env!("CARGO_PKG_VERSION"))];
    lines.push(match BUILT_COMMIT {
        Some(c) => format!("commit: {c}"),
        None => "commit: unknown (built without git)".to_owned(),
    });
    for id in Layout::BUILTIN_IDS {
        let layout = Layout::builtin(id).unwrap();
        lines.push(format!(
            "layout {id}: {} ({})",
            layout.version, layout.title_ja
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn version_names_tool_commit_and_each_layout() {
    for flag in ["--version", "-V"] {
        let o = run(&[flag]);
        assert_eq!(o.status.code(), Some(0), "{flag}");
        assert_eq!(stdout(&o), expected(), "{flag}");
    }
    // The layouts really are the embedded ones (not a constant that could drift).
    let out = stdout(&run(&["--version"]));
    assert!(out.contains(&format!("layout full: {} (", Layout::full().version)));
    assert!(out.contains(&format!("layout diff: {} (", Layout::diff().version)));
}

#[test]
fn commit_is_the_checked_out_one_in_a_git_checkout() {
    let git = Command::new("git")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["rev-parse", "--short=12", "HEAD"])
        .output();
    let head = match git {
        Ok(o) if o.status.success() => String::from_utf8(o.stdout).unwrap().trim().to_owned(),
        // A tarball or no git: the build script cannot know the commit either.
        _ => return,
    };
    // Set by the build script from git, or by `cargo xtask` as the same commit (+ `-dirty`).
    let built = BUILT_COMMIT.expect("a git checkout, but the build did not record the commit");
    assert!(
        built == head || built == format!("{head}-dirty"),
        "built from {built}, checked out {head}: the build script did not re-run after a commit"
    );
}
