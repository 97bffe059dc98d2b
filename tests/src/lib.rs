//! Helpers shared by the conformance tests: locating fixtures and checking them the way the
//! CLI does (layout chosen from the file name, options from an optional sidecar JSON, `X…`
//! fixtures in build mode).

pub mod bench;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pmh_core::Masters;
use pmh_core::OutputFormat;
use pmh_core::{Checker, InputKind, Layout, Options, Report};

/// The repository's `fixtures/` directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// CSV files directly in `fixtures/<sub>`, sorted by name.
pub fn fixture_files(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join(sub))
        .unwrap_or_else(|e| panic!("fixtures/{sub}: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    v.sort();
    v
}

/// The layout a fixture is meant for: `diff` when its name says so, else `full`.
pub fn layout_for(path: &Path) -> Layout {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with("diff") || name.contains("_diff_") {
        Layout::diff()
    } else {
        Layout::full()
    }
}

/// `X…` fixtures are about repairs: they are checked in build mode, as `pmhcsv build` does.
pub fn is_build_fixture(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('X'))
}

/// Options for a fixture: from the sidecar `<stem>.json` (`known_insurer_numbers`, `masters`
/// as paths relative to the fixture), and build mode for `X…` fixtures.
pub fn options_for(path: &Path) -> Options {
    let mut opts = Options::default();
    if let Ok(text) = std::fs::read_to_string(path.with_extension("json")) {
        let v: serde_json::Value = serde_json::from_str(&text).expect("sidecar JSON");
        let strings = |key: &str| -> Vec<String> {
            v.get(key)
                .and_then(|l| l.as_array())
                .map(|l| {
                    l.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        opts.known_insurer_numbers = strings("known_insurer_numbers");
        let masters = strings("masters");
        if !masters.is_empty() {
            let mut m = Masters::new();
            for rel in &masters {
                let p = path.parent().unwrap_or(Path::new(".")).join(rel);
                m.load_csv(&std::fs::read(&p).expect("master file"), rel)
                    .expect("master loads");
            }
            m.validate().expect("master validates");
            opts.masters = Some(Arc::new(m));
        }
    }
    if is_build_fixture(path) {
        opts.kind = InputKind::Source;
        opts.repair = true;
        opts.output = Some(OutputFormat::Csv);
    }
    opts
}

/// Checks a fixture, feeding it in small chunks to exercise the streaming paths.
pub fn check_fixture(path: &Path) -> (Layout, Report) {
    let layout = layout_for(path);
    let bytes = std::fs::read(path).expect("fixture");
    let mut c = Checker::new(&layout, options_for(path));
    for chunk in bytes.chunks(7) {
        c.feed(chunk);
    }
    let report = c.finish();
    (layout, report)
}

/// The file name of a fixture, used as its path in reports (stable across machines).
pub fn name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_owned()
}
