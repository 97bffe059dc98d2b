//! `.xlsx` input: a workbook converts to the CSV text a careful export would give, and the
//! checker then reports the same findings, at the same (Excel) row and column numbers, as for
//! that CSV file. Fixtures: fixtures/xlsx (written by fixtures/xlsx/make_xlsx.py).

use conformance::fixtures_dir;
use pmh_core::xlsx::{is_xlsx, sheet_names, sheet_to_csv};
use pmh_core::{Code, InputKind, Lang, Layout, Options, Report, check_bytes};

fn read(path: &str) -> Vec<u8> {
    let p = fixtures_dir().join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn check(bytes: &[u8]) -> Report {
    let opts = Options {
        kind: InputKind::Source,
        ..Options::default()
    };
    check_bytes(&Layout::full(), opts, bytes)
}

/// (code, row, column, value) of a finding: what the user sees, without file facts.
type Finding = (Code, Option<u32>, Option<u32>, Option<String>);

fn findings(r: &Report) -> Vec<Finding> {
    r.diagnostics
        .iter()
        .map(|d| (d.code, d.row, d.column, d.value.clone()))
        .collect()
}

#[test]
fn workbook_converts_to_the_valid_fixture_except_the_zero_excel_dropped() {
    let xlsx = read("xlsx/full_numbers_dates.xlsx");
    assert!(is_xlsx(&xlsx));
    assert_eq!(sheet_names(&xlsx).unwrap(), ["全件"]);
    let csv = String::from_utf8(sheet_to_csv(&xlsx, None).unwrap()).unwrap();

    // The same records as fixtures/valid/full_minimal.csv: 12-digit numbers exact, dates as
    // YYYY-MM-DD, 性別 and flags as digits. Only the leading zero of 023456789013, typed into a
    // General cell, is gone from the workbook itself.
    let valid = String::from_utf8(read("valid/full_minimal.csv")).unwrap();
    let valid = valid.strip_prefix('\u{FEFF}').unwrap_or(&valid);
    assert_eq!(csv, valid.replace(",023456789013,", ",23456789013,"));
}

#[test]
fn findings_match_the_csv_path_with_excel_row_numbers() {
    let xlsx = read("xlsx/full_numbers_dates.xlsx");
    let from_xlsx = check(&sheet_to_csv(&xlsx, None).unwrap());

    let valid = String::from_utf8(read("valid/full_minimal.csv")).unwrap();
    let same_csv = valid.replace(",023456789013,", ",23456789013,");
    let from_csv = check(same_csv.as_bytes());
    assert_eq!(findings(&from_xlsx), findings(&from_csv));
    assert_eq!(from_xlsx.rows, 3);

    // Every error is about the 11-digit 個人番号 in Excel row 3, column B.
    assert!(from_xlsx.errors >= 1, "{:?}", findings(&from_xlsx));
    for d in &from_xlsx.diagnostics {
        if d.severity == pmh_core::Severity::Error {
            assert_eq!((d.row, d.column), (Some(3), Some(2)), "{d:?}");
        }
    }
}

#[test]
fn rows_keep_their_excel_numbers_across_an_empty_row() {
    let xlsx = read("xlsx/rows_gap.xlsx");
    let csv = sheet_to_csv(&xlsx, None).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[2],
        ",".repeat(27),
        "empty Excel row 3: 28 empty fields"
    );

    let report = check(&csv);
    assert_eq!(report.count(Code::BlankRow), 1);
    assert_eq!(report.count(Code::MyNumberCheckDigit), 1);
    let at = |code: Code| {
        report
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .map(|d| (d.row, d.column))
    };
    assert_eq!(at(Code::BlankRow).and_then(|(row, _)| row), Some(3));
    assert_eq!(at(Code::MyNumberCheckDigit), Some((Some(4), Some(2))));
}

#[test]
fn sheet_choice_and_errors() {
    let xlsx = read("xlsx/sheets.xlsx");
    assert_eq!(sheet_names(&xlsx).unwrap(), ["リスト", "説明", "データ"]);
    let data = sheet_to_csv(&xlsx, Some("データ")).unwrap();
    assert_eq!(
        data,
        "個人番号,氏名\r\n123456789018,愛知花子\r\n".as_bytes()
    );
    let e = sheet_to_csv(&xlsx, Some("全件")).unwrap_err();
    assert!(
        e.message(Lang::Ja).contains("「リスト」「説明」「データ」"),
        "{e}"
    );

    let truncated = read("xlsx/truncated.xlsx");
    let e = sheet_to_csv(&truncated, None).unwrap_err();
    assert!(
        e.message(Lang::Ja)
            .contains("Excelファイル(.xlsx)として読み取れません"),
        "{e}"
    );
    assert!(
        e.message(Lang::En).contains("Excel workbook (.xlsx)"),
        "{e}"
    );

    // A CSV file is not a workbook.
    assert!(!is_xlsx(&read("valid/full_minimal.csv")));
}
