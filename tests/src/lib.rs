//! Helpers shared by the conformance tests: locating fixtures and checking them the way the
//! CLI does (layout chosen from the file name, options from an optional sidecar JSON, `X…`
//! fixtures in build mode).

pub mod bench;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::collections::{BTreeMap, BTreeSet};

use pmh_core::{
    Checker, Code, EncodingChoice, InputKind, Layout, Masters, Options, OutputFormat, Report,
};

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

/// The layout a fixture is meant for: `diff` when its name says so, else `full`; written in
/// CP932 without a BOM when its sidecar says `"output_encoding": "cp932"` (a vendor's layout
/// whose upload file is Shift_JIS).
pub fn layout_for(path: &Path) -> Layout {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut layout = if name.starts_with("diff") || name.contains("_diff_") {
        Layout::diff()
    } else {
        Layout::full()
    };
    let cp932 = std::fs::read_to_string(path.with_extension("json")).is_ok_and(|t| {
        serde_json::from_str::<serde_json::Value>(&t)
            .is_ok_and(|v| v.get("output_encoding").and_then(|e| e.as_str()) == Some("cp932"))
    });
    if cp932 {
        let toml = pmh_core::FULL_TOML
            .replacen("\nencoding = \"utf-8\"", "\nencoding = \"cp932\"", 1)
            .replacen("\nbom = true", "\nbom = false", 1);
        let before = layout.dialect.clone();
        layout = Layout::from_toml(&toml).expect("the full layout in CP932");
        assert!(
            layout.dialect.encoding != before.encoding && !layout.dialect.bom,
            "full.toml's dialect lines moved: update layout_for"
        );
    }
    layout
}

/// A sidecar `<stem>.json` flag of a fixture.
fn sidecar_flag(path: &Path, key: &str) -> bool {
    std::fs::read_to_string(path.with_extension("json")).is_ok_and(|t| {
        serde_json::from_str::<serde_json::Value>(&t)
            .is_ok_and(|v| v.get(key) == Some(&serde_json::Value::Bool(true)))
    })
}

/// A workbook checked as `pmhcsv validate book.xlsx` does (sidecar `"validate": true`): its
/// data as source data, the file itself never ready to upload (S022).
pub fn is_validated_workbook(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "xlsx") && sidecar_flag(path, "validate")
}

/// `X…` fixtures are about repairs, and workbooks are source data: both are checked in build
/// mode, as `pmhcsv build` does (a workbook with `"validate": true`, as `pmhcsv validate`).
pub fn is_build_fixture(path: &Path) -> bool {
    (path.extension().is_some_and(|x| x == "xlsx") && !is_validated_workbook(path))
        || path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('X'))
        || std::fs::read_to_string(path.with_extension("json")).is_ok_and(|t| {
            serde_json::from_str::<serde_json::Value>(&t)
                .is_ok_and(|v| v.get("build") == Some(&serde_json::Value::Bool(true)))
        })
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
        if let Some(d) = v.get("as_of").and_then(|e| e.as_str()) {
            opts.as_of = Some(pmh_core::Ymd::parse_iso(d).expect("sidecar as_of YYYY-MM-DD"));
        }
        if let Some(e) = v.get("encoding").and_then(|e| e.as_str()) {
            opts.encoding = EncodingChoice::parse(e).expect("sidecar encoding name");
        }
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
    if is_validated_workbook(path) {
        opts.kind = InputKind::Source;
        opts.workbook = true;
    }
    opts
}

/// The options of `pmhcsv validate` (a file in the upload layout) or, with `build`, of
/// `pmhcsv build` as a check (source data, repairs applied, no output).
pub fn mode(build: bool) -> Options {
    Options {
        kind: if build {
            InputKind::Source
        } else {
            InputKind::Upload
        },
        repair: build,
        ..Options::default()
    }
}

/// Whether a redacted copy's text still holds a personal value `v`: an occurrence that is not
/// part of a longer number. A stand-in is drawn at random, so a 12-digit stand-in My Number
/// holds a given 5-digit Excel serial birth date (`41275`) about once in 8,000 draws; that
/// is a coincidence, not the value. The same value next to a letter, kana, space or separator
/// (`生年月日41275`, `,41275,`) is still found.
pub fn holds_value(text: &str, v: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let (Some(first), Some(last)) = (v.chars().next(), v.chars().last()) else {
        return false;
    };
    text.match_indices(v).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + v.len()..].chars().next();
        let glued_before = digit(first) && before.is_some_and(digit);
        let glued_after = digit(last) && after.is_some_and(digit);
        !glued_before && !glued_after
    })
}

#[cfg(test)]
mod holds_value_tests {
    use super::holds_value;

    #[test]
    fn a_number_inside_a_longer_number_is_not_the_value() {
        assert!(!holds_value("HITORI01,133412751949,", "41275"));
        assert!(!holds_value("１２３４５６７８", "３４５６"));
        assert!(holds_value("x,41275,y", "41275"));
        assert!(holds_value("生年月日41275です", "41275"));
        assert!(holds_value("41275", "41275"));
        assert!(holds_value("TEL 03-1234-5678 まで", "03-1234-5678"));
        assert!(holds_value("愛知花子様", "愛知花子"));
        // A later occurrence counts even when an earlier one is inside a number.
        assert!(holds_value("9412759 41275", "41275"));
        assert!(!holds_value("", "41275"));
    }
}

/// Checks a fixture, feeding it in small chunks to exercise the streaming paths.
pub fn check_fixture(path: &Path) -> (Layout, Report) {
    let layout = layout_for(path);
    let bytes = std::fs::read(path).expect("fixture");
    let mut c = Checker::new(&layout, options_for(path));
    for chunk in bytes.chunks(7) {
        c.feed(chunk);
    }
    let mut report = c.finish();
    apply_previous(path, &layout, &mut report);
    (layout, report)
}

/// A fixture whose sidecar names a `previous` file (the upload of last time, relative to the
/// fixture) is compared with it as `pmhcsv validate --previous` does, with the default
/// removal limit: P001 is added to `report` when too many certificates are missing.
pub fn apply_previous(path: &Path, layout: &Layout, report: &mut Report) {
    let Ok(text) = std::fs::read_to_string(path.with_extension("json")) else {
        return;
    };
    let v: serde_json::Value = serde_json::from_str(&text).expect("sidecar JSON");
    let Some(rel) = v.get("previous").and_then(|p| p.as_str()) else {
        return;
    };
    let previous =
        std::fs::read(path.parent().unwrap_or(Path::new(".")).join(rel)).expect("previous file");
    let current = std::fs::read(path).expect("fixture");
    let cmp = pmh_core::diff::compare(
        layout,
        &options_for(path),
        &mut pmh_core::diff::Bytes(&previous),
        &mut pmh_core::diff::Bytes(&current),
    )
    .expect("comparable");
    pmh_core::removal_check(report, &cmp, pmh_core::diff::DeletionLimit::Default);
}

/// The file name of a fixture, used as its path in reports (stable across machines).
pub fn name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_owned()
}

/// What a fixture produces, or must produce: a set of codes, or (a workbook) nothing at all
/// because it cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Exactly these codes (the empty set: no finding at all).
    Codes(BTreeSet<Code>),
    /// The workbook cannot be read (the CLI exits 2).
    Unreadable,
}

/// The manifest `fixtures/expected-codes.txt`: fixture path (under `fixtures/`) → its declared
/// outcome. Panics on a malformed line, an unknown code or a fixture listed twice.
pub fn declared_outcomes() -> BTreeMap<String, Outcome> {
    let path = fixtures_dir().join("expected-codes.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let file = words.next().unwrap_or_default().to_owned();
        let rest: Vec<&str> = words.collect();
        let outcome = match rest.as_slice() {
            [] => panic!("expected-codes.txt:{}: {file} declares nothing", i + 1),
            ["none"] => Outcome::Codes(BTreeSet::new()),
            ["unreadable"] => Outcome::Unreadable,
            codes => Outcome::Codes(
                codes
                    .iter()
                    .map(|c| {
                        Code::parse(c).unwrap_or_else(|| {
                            panic!("expected-codes.txt:{}: unknown code {c}", i + 1)
                        })
                    })
                    .collect(),
            ),
        };
        assert!(
            out.insert(file.clone(), outcome).is_none(),
            "expected-codes.txt:{}: {file} listed twice",
            i + 1
        );
    }
    out
}

/// Every fixture the manifest must cover, as paths under `fixtures/`: the CSV files of
/// `valid/` and `invalid/` and the workbooks of `xlsx/`.
pub fn all_fixtures() -> Vec<String> {
    let mut v: Vec<String> = ["valid", "invalid"]
        .into_iter()
        .flat_map(|sub| {
            fixture_files(sub)
                .into_iter()
                .map(move |f| format!("{sub}/{}", name(&f)))
        })
        .collect();
    let mut books: Vec<String> = std::fs::read_dir(fixtures_dir().join("xlsx"))
        .expect("fixtures/xlsx")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .map(|p| format!("xlsx/{}", name(&p)))
        .collect();
    books.sort();
    v.extend(books);
    v
}

/// Checks a fixture (path under `fixtures/`) the way the CLI would: a workbook is converted to
/// CSV text first (its first sheet), then checked in build mode; anything else is checked as
/// bytes. Returns the report too, for messages (`None` for an unreadable workbook).
pub fn produced_outcome(rel: &str) -> (Outcome, Option<(Layout, Report)>) {
    let path = fixtures_dir().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let (layout, report) = if pmh_core::xlsx::is_xlsx(&bytes) {
        let Ok((csv, numbers)) = pmh_core::xlsx::sheet_to_csv_with_numbers(&bytes, None) else {
            return (Outcome::Unreadable, None);
        };
        let layout = layout_for(&path);
        let opts = Options {
            numeric_cells: Some(Arc::new(numbers)),
            ..options_for(&path)
        };
        let report = pmh_core::check_bytes(&layout, opts, &csv);
        (layout, report)
    } else {
        check_fixture(&path)
    };
    // From the counts, which stay exact when the list of findings is cut.
    let codes = Code::ALL
        .iter()
        .copied()
        .filter(|&c| report.count(c) > 0)
        .collect();
    (Outcome::Codes(codes), Some((layout, report)))
}

/// `pmhcsv build` through the two stages as the CLI drives them ([`pmh_core::Front`] then
/// [`pmh_core::Back`]), fed in chunks of `chunk` bytes: the report and the upload file.
pub fn build_in_chunks(
    layout: &Layout,
    opts: Options,
    bytes: &[u8],
    chunk: usize,
) -> (Report, Vec<u8>) {
    let mut front = pmh_core::Front::new(layout.dialect.delimiter_byte());
    let mut back = pmh_core::Back::new(layout, opts);
    let mut out = Vec::new();
    for part in bytes.chunks(chunk.max(1)) {
        front.feed(part);
        let ready: Vec<_> = front.take_ready().collect();
        for b in ready {
            back.consume(&b);
            out.extend(back.take_output());
        }
    }
    let (rest, summary) = front.finish();
    for b in &rest {
        back.consume(b);
    }
    let (report, tail) = back.finish_with_output(&summary);
    out.extend(tail);
    (report, out)
}
