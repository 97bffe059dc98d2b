//! Every fixture is a test: `fixtures/valid/*` must have zero errors, each
//! `fixtures/invalid/<CODE>_*.csv` must trigger <CODE>, and every code has such a file.
//! Adding a fixture adds a test.

use std::collections::BTreeSet;

use conformance::{check_fixture, fixture_files, name};
use pmh_core::render::{Input, Lang, RenderOptions, json, text};
use pmh_core::{Code, Severity, check_bytes};

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

#[test]
fn invalid_fixtures_trigger_their_code() {
    for f in fixture_files("invalid") {
        let n = name(&f);
        let code = n
            .split('_')
            .next()
            .and_then(Code::parse)
            .unwrap_or_else(|| panic!("{n}: name must start with a code"));
        let (layout, report) = check_fixture(&f);
        let shown = text(
            &layout,
            &[Input {
                path: &n,
                report: &report,
            }],
            RenderOptions::default(),
        );
        assert!(
            report.count(code) >= 1,
            "{n} must trigger {}:\n{shown}",
            code.as_str()
        );
        // Severity is the code's own unless the rule is not verified (then at most a warning).
        for d in report.diagnostics.iter().filter(|d| d.code == code) {
            if d.basis == pmh_core::Basis::Verified {
                assert_eq!(d.severity, code.severity(), "{n}");
            } else {
                assert!(
                    d.severity >= code.severity().max(Severity::Warning)
                        || d.severity == code.severity(),
                    "{n}"
                );
            }
        }
    }
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<&str> = fixture_files("invalid")
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
        let whole = check_bytes(
            &layout,
            conformance::options_for(&f),
            &std::fs::read(&f).unwrap(),
        );
        assert_eq!(streamed, whole, "{}", f.display());
    }
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
        insta::with_settings!({ snapshot_suffix => n.trim_end_matches(".csv").to_owned(), description => input, omit_expression => true }, {
            insta::assert_snapshot!("text_ja", out);
        });
    }
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
    assert!(masked.contains("1234****9012"), "{masked}");
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
