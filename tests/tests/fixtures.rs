//! Every fixture is a test: it produces exactly the codes `fixtures/expected-codes.txt`
//! declares for it — a missing code and an unexpected one both fail —, `fixtures/valid/*`
//! have zero errors, each `fixtures/invalid/<CODE>_*.csv` declares <CODE> (plus M007 when it
//! gives no master) and nothing else, and every code has such a file.

use std::collections::BTreeSet;

use conformance::{
    Outcome, all_fixtures, check_fixture, declared_outcomes, fixture_files, name, produced_outcome,
};
use pmh_core::render::{Input, Lang, RenderOptions, json, text};
use pmh_core::{Code, check_bytes};

/// Codes an invalid fixture cannot avoid besides its own, each with the reason. Nothing else
/// may be declared beside a fixture's own code (and M007).
const INHERENT: &[(&str, Code, &str)] = &[
    (
        "invalid/S003_header_and_blank_rows.csv",
        Code::BlankRow,
        "the blank rows that leave the file without data are S009 each",
    ),
    (
        "invalid/S025_utf8_read_as_cp932.csv",
        Code::NotUtf8,
        "read as CP932 as the clerk said: not the layout's UTF-8 (S010), besides looking like it",
    ),
    (
        "invalid/S025_utf8_read_as_cp932.csv",
        Code::Chars,
        "the garbled カナ is no katakana (V003); 氏名, 住所 and 受給者証名 garble silently",
    ),
    (
        "invalid/S025_utf8_read_as_cp932.csv",
        Code::HeaderNotLabel,
        "its headers are the JSON ids, which a misread leaves intact (labels would garble): S028 each",
    ),
    (
        "invalid/K001_duplicate_in_full_width.csv",
        Code::FullWidthInCode,
        "the 全角 digits that make the second row look like another certificate are V016",
    ),
    (
        "invalid/X004_long_vowel_proposal.csv",
        Code::Chars,
        "X004 is a proposal, not applied: the value keeps the dash that V003 reports",
    ),
    (
        "invalid/X010_leading_zero_my_number_proposed.csv",
        Code::Length,
        "X010 is a proposal, not applied: the 11-digit value stays, and V002 says so",
    ),
];

fn codes(set: &BTreeSet<Code>) -> String {
    let v: Vec<&str> = set.iter().map(|c| c.as_str()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(" ")
    }
}

#[test]
fn manifest_lists_every_fixture_and_only_fixtures() {
    let declared = declared_outcomes();
    let files: BTreeSet<String> = all_fixtures().into_iter().collect();
    assert!(files.len() > 70, "expected the fixtures: {files:?}");
    let listed: BTreeSet<String> = declared.keys().cloned().collect();
    let undeclared: Vec<&String> = files.difference(&listed).collect();
    let missing: Vec<&String> = listed.difference(&files).collect();
    assert!(
        undeclared.is_empty(),
        "fixtures without a line in fixtures/expected-codes.txt: {undeclared:?}"
    );
    assert!(
        missing.is_empty(),
        "lines in fixtures/expected-codes.txt without a fixture: {missing:?}"
    );
}

#[test]
fn every_fixture_produces_exactly_its_declared_codes() {
    let mut wrong = Vec::new();
    for (rel, expected) in declared_outcomes() {
        let (actual, checked) = produced_outcome(&rel);
        if actual == expected {
            continue;
        }
        let shown = checked.map_or_else(String::new, |(layout, report)| {
            text(
                &layout,
                &[Input {
                    path: &rel,
                    report: &report,
                }],
                RenderOptions::default(),
            )
        });
        let diff = match (&expected, &actual) {
            (Outcome::Codes(e), Outcome::Codes(a)) => format!(
                "missing: {}; unexpected: {}",
                codes(&e.difference(a).copied().collect()),
                codes(&a.difference(e).copied().collect())
            ),
            _ => format!("declared {expected:?}, got {actual:?}"),
        };
        wrong.push(format!("{rel}: {diff}\n{shown}"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn invalid_fixtures_declare_their_own_code_and_nothing_else() {
    for (rel, expected) in declared_outcomes() {
        let Some(file) = rel.strip_prefix("invalid/") else {
            continue;
        };
        let own = file
            .split('_')
            .next()
            .and_then(Code::parse)
            .unwrap_or_else(|| panic!("{rel}: name must start with a code"));
        let Outcome::Codes(set) = expected else {
            panic!("{rel}: a CSV fixture is always readable");
        };
        assert!(set.contains(&own), "{rel} must declare {}", own.as_str());
        let path = conformance::fixtures_dir().join(&rel);
        let has_master = conformance::options_for(&path).masters.is_some();
        // M007 only where no master is given (a file that ends before its rows, S001, S002,
        // S016, has none either: the manifest says which, the previous test holds it to that).
        assert!(
            !(has_master && set.contains(&Code::NoMaster)),
            "{rel}: M007 declared although a master is given"
        );
        for c in &set {
            let inherent = INHERENT.iter().any(|(f, code, _)| *f == rel && code == c);
            assert!(
                *c == own || *c == Code::NoMaster || inherent,
                "{rel} declares {} besides its own code {}",
                c.as_str(),
                own.as_str()
            );
        }
    }
}

#[test]
fn valid_fixtures_have_no_errors() {
    let files = fixture_files("valid");
    assert!(files.len() >= 5, "expected valid fixtures");
    for f in files {
        let (layout, report) = check_fixture(&f);
        let shown = text(
            &layout,
            &[Input {
                path: &name(&f),
                report: &report,
            }],
            RenderOptions::default(),
        );
        assert_eq!(report.errors, 0, "{}:\n{shown}", f.display());
        assert!(report.rows > 0, "{}", f.display());
    }
}

/// Codes whose fixture must be a workbook, not a CSV: X008 restores a leading zero only where
/// an `.xlsx` number cell proves it was lost.
const WORKBOOK_ONLY: &[(Code, &str)] = &[
    (Code::RepairLeadingZeros, "xlsx/full_numbers_dates.xlsx"),
    // `pmhcsv validate book.xlsx`: full_numbers_dates.xlsx again, checked as validate does.
    (Code::WorkbookNotUpload, "xlsx/validated_as_upload.xlsx"),
    // Rows and columns Excel hides (an autofilter, a hidden column): only a workbook has them.
    (Code::HiddenRows, "xlsx/hidden_rows_columns.xlsx"),
    (Code::HiddenColumns, "xlsx/hidden_rows_columns.xlsx"),
];

#[test]
fn every_code_has_a_fixture() {
    let mut covered: BTreeSet<&str> = fixture_files("invalid")
        .iter()
        .filter_map(|f| {
            f.file_name()?
                .to_str()?
                .split('_')
                .next()
                .map(|s| s.to_owned())
        })
        .map(|s| &*s.leak())
        .collect();
    let declared = conformance::declared_outcomes();
    for (code, workbook) in WORKBOOK_ONLY {
        assert!(
            matches!(declared.get(*workbook), Some(conformance::Outcome::Codes(c)) if c.contains(code)),
            "{workbook} must declare {}",
            code.as_str()
        );
        covered.insert(code.as_str());
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in fixtures/invalid: {missing:?}"
    );
}

#[test]
fn chunking_does_not_change_findings() {
    for f in fixture_files("invalid")
        .into_iter()
        .chain(fixture_files("valid"))
    {
        let (layout, streamed) = check_fixture(&f);
        let mut whole = check_bytes(
            &layout,
            conformance::options_for(&f),
            &std::fs::read(&f).unwrap(),
        );
        conformance::apply_previous(&f, &layout, &mut whole);
        assert_eq!(streamed, whole, "{}", f.display());
    }
}

/// Chunks that end inside a character make the decoder hold bytes back and emit nothing: the
/// same findings as the whole file. Every fixture re-encoded as UTF-16 (2-byte units) and fed
/// one byte at a time.
#[test]
fn one_byte_chunks_of_utf16_do_not_change_findings() {
    let mut reencoded = 0;
    for f in fixture_files("invalid")
        .into_iter()
        .chain(fixture_files("valid"))
    {
        let bytes = std::fs::read(&f).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let text = text.trim_start_matches('\u{FEFF}');
        let layout = conformance::layout_for(&f);
        for be in [false, true] {
            let utf16: Vec<u8> = std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(|u: u16| if be { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect();
            let whole = check_bytes(&layout, conformance::options_for(&f), &utf16);
            let mut c = pmh_core::Checker::new(&layout, conformance::options_for(&f));
            for b in utf16.chunks(1) {
                c.feed(b);
            }
            assert_eq!(c.finish(), whole, "{} (UTF-16, be: {be})", f.display());
            reencoded += 1;
        }
    }
    assert!(reencoded > 100, "{reencoded}");
}

/// Japanese text report of every invalid fixture, input embedded at the top for review.
#[test]
fn snapshots_text_ja() {
    for f in fixture_files("invalid") {
        let n = name(&f);
        let (layout, report) = check_fixture(&f);
        let bytes = std::fs::read(&f).unwrap();
        // Show the input readably: CP932 fixtures are decoded for the reviewer.
        let input = match std::str::from_utf8(&bytes) {
            Ok(t) => t.to_owned(),
            Err(_) => match encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(&bytes)
            {
                Some(t) => format!("[CP932] {t}"),
                None => String::from_utf8_lossy(&bytes).into_owned(),
            },
        };
        let out = text(
            &layout,
            &[Input {
                path: &n,
                report: &report,
            }],
            RenderOptions::default(),
        );
        let input = shorten_long_lines(&input);
        insta::with_settings!({ snapshot_suffix => n.trim_end_matches(".csv").to_owned(), description => input, omit_expression => true }, {
            insta::assert_snapshot!("text_ja", out);
        });
    }
}

/// The snapshot's copy of the input, with a line of more than 300 characters (S021's 1 MiB
/// line) cut after 200 and its length given, so that the snapshot stays readable.
fn shorten_long_lines(input: &str) -> String {
    input
        .split_inclusive('\n')
        .map(|line| {
            let n = line.chars().count();
            if n <= 300 {
                return line.to_owned();
            }
            let head: String = line.chars().take(200).collect();
            let end = if line.ends_with('\n') { "\n" } else { "" };
            format!("{head}…（この行は {n} 文字）{end}")
        })
        .collect()
}

/// JSON and English reports of representative fixtures.
#[test]
fn snapshots_json_and_en() {
    for n in [
        "N001_my_number_check_digit.csv",
        "K001_duplicate_certificate.csv",
        "S006_ragged_row.csv",
        "V004_wareki_date.csv",
    ] {
        let f = conformance::fixtures_dir().join("invalid").join(n);
        let (layout, report) = check_fixture(&f);
        let inputs = [Input {
            path: n,
            report: &report,
        }];
        let stem = n.trim_end_matches(".csv").to_owned();
        insta::with_settings!({ snapshot_suffix => stem, omit_expression => true }, {
            insta::assert_snapshot!("json", json(&layout, &inputs, RenderOptions::default()));
            insta::assert_snapshot!("text_en", text(&layout, &inputs, RenderOptions { lang: Lang::En, show_values: false }));
        });
    }
}

#[test]
fn masked_by_default_shown_on_request() {
    let f = conformance::fixtures_dir().join("invalid/N001_my_number_check_digit.csv");
    let (layout, report) = check_fixture(&f);
    let inputs = [Input {
        path: "x",
        report: &report,
    }];
    let masked = json(&layout, &inputs, RenderOptions::default());
    assert!(masked.contains("********9012"), "{masked}");
    assert!(!masked.contains("123456789012"));
    let shown = json(
        &layout,
        &inputs,
        RenderOptions {
            lang: Lang::Ja,
            show_values: true,
        },
    );
    assert!(shown.contains("123456789012"));
}
